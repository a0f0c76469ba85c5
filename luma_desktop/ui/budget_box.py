"""The Budget section of the Settings dialog: a daily cap and a per-board cap."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QSpinBox, QWidget

from luma_desktop.core.budget import Caps

MAX_CAP = 2_000_000_000  # credits; a spin box needs a top


def _cap_spin(tip: str) -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(0, MAX_CAP)
    spin.setSingleStep(100_000)
    spin.setGroupSeparatorShown(True)
    spin.setSpecialValueText("No cap")
    spin.setSuffix(" credits")
    spin.setToolTip(tip)
    return spin


class BudgetBox(QGroupBox):
    def __init__(
        self, caps: Caps, save: Callable[[Caps], None], parent: QWidget | None = None
    ) -> None:
        super().__init__("Budget", parent)
        self._save = save
        self.day_spin = _cap_spin("Generate, takes and boards stop before passing this a day")
        self.board_spin = _cap_spin("What one board may spend in all (each board can set its own)")
        self.day_spin.setValue(int(caps.per_day or 0))
        self.board_spin.setValue(int(caps.per_board or 0))
        note = QLabel(
            "Counted from what the gateway reports each clip cost (estimates until then). "
            "The command line honours the same cap."
        )
        note.setWordWrap(True)
        form = QFormLayout(self)
        form.addRow("Per &day:", self.day_spin)
        form.addRow("Per &board:", self.board_spin)
        form.addRow("", note)

    def caps(self) -> Caps:
        day, board = self.day_spin.value(), self.board_spin.value()
        return Caps(per_day=float(day) if day else None, per_board=float(board) if board else None)

    def save(self) -> None:
        self._save(self.caps())
