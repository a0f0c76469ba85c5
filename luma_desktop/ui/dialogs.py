"""The small questions the window asks before spending credits."""

from __future__ import annotations

from enum import StrEnum

from PySide6.QtWidgets import QCheckBox, QMessageBox, QWidget

from luma_desktop.core.budget import UNIT
from luma_desktop.core.request import PRICE_TOKENS


def ask_repeat(parent: QWidget) -> bool:
    answer = QMessageBox.question(
        parent,
        "Send the same request again?",
        "You just sent this exact request. Send it again and spend another "
        f"{PRICE_TOKENS:,} {UNIT}?",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


def ask_spend(parent: QWidget, count: int = 1) -> tuple[bool, bool]:
    """(go ahead, don't ask again). One question for a batch of ``count`` takes."""
    box = QMessageBox(parent)
    box.setWindowTitle(f"Spend {UNIT}?")
    if count > 1:
        box.setText(
            f"These {count} takes cost {count * PRICE_TOKENS:,} {UNIT} in all "
            f"({PRICE_TOKENS:,} each) on your AI/ML API account."
        )
    else:
        box.setText(f"This generation costs {PRICE_TOKENS:,} {UNIT} on your AI/ML API account.")
    box.setStandardButtons(QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel)
    box.button(QMessageBox.StandardButton.Ok).setText("Generate")
    never = QCheckBox("Don't ask again")
    never.setToolTip("You can turn the question back on in Settings.")
    box.setCheckBox(never)
    go = box.exec() == QMessageBox.StandardButton.Ok
    return go, never.isChecked()


class SlotAnswer(StrEnum):
    REPLACE = "replace"
    KEEP = "keep"
    CANCEL = "cancel"


def slots_question(parent: QWidget, titles: list[str]) -> QMessageBox:
    """Replace / Keep mine / Cancel, for a gesture that would replace what the artist
    put in a slot. Not shown yet: the caller opens it and reads :func:`slot_answer`."""
    what = " and ".join(title.lower() for title in titles)
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle("Replace what is in the slots?")
    box.setText(f"This extension replaces the {what} you put there.")
    box.setInformativeText(
        "Replace: the extension as usual. Keep mine: keep what you put there and fill "
        "only the other slot. Cancel: change nothing."
    )
    box.addButton("Replace", QMessageBox.ButtonRole.AcceptRole).setObjectName("replace")
    box.addButton("Keep mine", QMessageBox.ButtonRole.ActionRole).setObjectName("keep")
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    cancel.setObjectName("cancel")
    box.setDefaultButton(cancel)  # Enter never drops the artist's work by accident
    box.setEscapeButton(cancel)
    return box


def slot_answer(box: QMessageBox) -> SlotAnswer:
    clicked = box.clickedButton()
    name = clicked.objectName() if clicked is not None else "cancel"
    return SlotAnswer(name) if name in SlotAnswer._value2member_map_ else SlotAnswer.CANCEL
