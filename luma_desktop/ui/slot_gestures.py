"""Extension gestures that never drop what the artist put in a slot without asking."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from luma_desktop.studio import extension
from luma_desktop.studio.keyframes import KeyframeSlotModel
from luma_desktop.ui.dialogs import SlotAnswer, slot_answer, slots_question

Apply = Callable[[list[extension.Step], list[KeyframeSlotModel] | None], None]


def fill_slots(
    parent: QWidget, steps: list[extension.Step], apply: Apply, done: Callable[[], None]
) -> QMessageBox | None:
    """Fill the slots at once when nothing of the artist's is lost; else ask (Replace,
    Keep mine, Cancel) without blocking, and return the open question."""
    mine = extension.replaced(steps)
    if not mine:
        apply(steps, None)
        done()
        return None
    box = slots_question(parent, [slot.title for slot in mine])
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

    def answered() -> None:
        answer = slot_answer(box)
        if answer is SlotAnswer.CANCEL:
            return
        apply(steps, mine if answer is SlotAnswer.KEEP else None)
        done()

    box.finished.connect(answered)
    box.open()
    return box
