"""The storyboard panel: boards of ordered shots that run as a chain, play as one
sequence and export as one file; saved, renamed, duplicated; cost before and so far,
against the board's cap; the board's parameters and each shot's own (ui/shot_editor)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from luma_desktop.core.boards import Board, Shot, to_run
from luma_desktop.core.budget import fmt
from luma_desktop.core.continuation import board_chain
from luma_desktop.core.takes import MAX_TAKES
from luma_desktop.studio.board_runner import BoardRunner, summary
from luma_desktop.studio.shot_edits import ShotEdits
from luma_desktop.ui.shot_editor import ParamPickers, ShotEditor


class BoardPanel(QWidget):
    play_requested = Signal(list)  # list[JobRecord]: the kept takes, in shot order
    export_requested = Signal(list)  # the same, for the export dialog
    pick_requested = Signal(str, int, list)  # (board id, shot index, its ready takes)

    def __init__(
        self, runner: BoardRunner, edits: ShotEdits, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.runner = runner
        self.edits = edits
        self.board_params = ParamPickers("Default", self)
        self.board_params.setToolTip("The board's parameters: every shot without its own")
        self.shot_editor = ShotEditor(self)
        self.board: Board | None = None
        self.board_combo = QComboBox()
        self.board_combo.setToolTip("Your boards, the last changed first")
        self.new_button = QPushButton("New")
        self.rename_button = QPushButton("Rename…")
        self.duplicate_button = QPushButton("Duplicate")
        self.delete_button = QPushButton("Delete")
        self.shot_list = QListWidget()
        self.shot_list.setToolTip("Shots in order: each extends the kept take of the one above")
        self.shot_edit = QLineEdit()
        self.shot_edit.setPlaceholderText("Describe the next shot, then Add shot (Enter)")
        self.add_button = QPushButton("Add shot")
        self.remove_button = QPushButton("Remove shot")
        self.pick_button = QPushButton("Pick take…")
        self.pick_button.setToolTip("Compare the selected shot's takes and keep one")
        self.reroll_button = QPushButton("Re-roll shot")
        self.reroll_button.setToolTip(
            "Run the selected shot again, and the shots after it (they extend it)"
        )
        self.takes_spin = QSpinBox()
        self.takes_spin.setRange(1, MAX_TAKES)
        self.takes_spin.setPrefix("Takes per shot: ")
        self.auto_keep = QCheckBox("Go on with the first ready take")
        self.auto_keep.setToolTip("Off: the board waits for you to keep a take of each shot")
        self.cap_spin = QSpinBox()
        self.cap_spin.setRange(0, 2_000_000_000)
        self.cap_spin.setSingleStep(1000)
        self.cap_spin.setGroupSeparatorShown(True)
        self.cap_spin.setPrefix("Board cap: ")
        self.cap_spin.setSuffix(" credits")
        self.cap_spin.setSpecialValueText("Board cap: as in Settings")
        self.cap_spin.setToolTip(
            "What this board may spend in all (its takes so far count); a run that would "
            "pass it is not sent. At 0 the per-board cap in Settings → Budget applies."
        )
        # Asked before a run sends anything, as Generate asks (the window sets it).
        self.confirm_run: Callable[[Board, int], bool] = lambda _board, _count: True
        self.cost_label = QLabel()
        self.cost_label.setWordWrap(True)  # beside the cap: it must not widen the window
        self.status_label = QLabel("Add shots, then Run board.")
        self.status_label.setWordWrap(True)
        self.run_button = QPushButton("Run board")
        self.stop_button = QPushButton("Stop")
        self.play_button = QPushButton("Play board")
        self.export_button = QPushButton("Export board…")
        self._layout()
        self._connect()
        self.reload()

    def _layout(self) -> None:
        top = QHBoxLayout()
        top.addWidget(self.board_combo, 1)
        for button in (self.new_button, self.rename_button, self.duplicate_button):
            top.addWidget(button)
        top.addWidget(self.delete_button)
        add = QHBoxLayout()
        add.addWidget(self.shot_edit, 1)
        add.addWidget(self.add_button)
        options = QHBoxLayout()
        options.addWidget(self.takes_spin)
        options.addWidget(self.auto_keep)
        options.addStretch(1)
        shot_actions = QHBoxLayout()
        shot_actions.addStretch(1)
        for button in (self.pick_button, self.reroll_button, self.remove_button):
            shot_actions.addWidget(button)
        actions = QHBoxLayout()
        for button in (self.run_button, self.stop_button, self.play_button, self.export_button):
            actions.addWidget(button)
        # The panel scrolls rather than widening the window: the side column is narrow
        # on a laptop screen, and the shot editor makes the panel tall.
        content = QWidget()
        scroll = QScrollArea()
        scroll.setWidget(content)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        layout = QVBoxLayout(content)
        layout.addLayout(top)
        layout.addWidget(self.shot_list, 1)
        layout.addLayout(add)
        board_row = QHBoxLayout()
        board_row.addWidget(QLabel("Board:"))
        board_row.addWidget(self.board_params, 1)
        layout.addLayout(board_row)
        layout.addWidget(self.shot_editor)
        layout.addLayout(options)
        layout.addLayout(shot_actions)
        money = QHBoxLayout()
        money.addWidget(self.cap_spin)
        money.addWidget(self.cost_label, 1)
        layout.addLayout(money)
        layout.addWidget(self.status_label)
        layout.addLayout(actions)

    def _connect(self) -> None:
        self.board_combo.currentIndexChanged.connect(self._board_chosen)
        self.new_button.clicked.connect(self.new_board)
        self.rename_button.clicked.connect(self.rename_board)
        self.duplicate_button.clicked.connect(self.duplicate_board)
        self.delete_button.clicked.connect(self.delete_board)
        self.add_button.clicked.connect(self.add_shot)
        self.shot_edit.returnPressed.connect(self.add_shot)
        self.remove_button.clicked.connect(self.remove_shot)
        self.pick_button.clicked.connect(self.pick)
        self.reroll_button.clicked.connect(self.reroll)
        self.takes_spin.valueChanged.connect(self._settings_changed)
        self.auto_keep.toggled.connect(self._settings_changed)
        self.cap_spin.valueChanged.connect(self._settings_changed)
        self.run_button.clicked.connect(self.run)
        self.stop_button.clicked.connect(self.runner.stop)
        self.play_button.clicked.connect(lambda: self._emit(self.play_requested))
        self.export_button.clicked.connect(lambda: self._emit(self.export_requested))
        self.runner.changed.connect(self._board_changed)
        self.runner.status.connect(self.status_label.setText)
        self.runner.refused.connect(self.status_label.setText)
        self.runner.finished.connect(self._board_changed)
        self.shot_list.currentRowChanged.connect(self._show_selected)
        self.board_params.changed.connect(self._board_params_changed)
        self.shot_editor.params_changed.connect(self._shot_params_changed)
        self.shot_editor.image_requested.connect(self._shot_image)
        self.shot_editor.image_cleared.connect(self._shot_image_cleared)
        self.edits.changed.connect(self._board_changed)
        self.edits.failed.connect(self.status_label.setText)

    # -- for tests and the artist ------------------------------------------------------

    def ask_name(self, title: str, current: str) -> str | None:
        text, ok = QInputDialog.getText(self, title, "Name", text=current)
        return text if ok and text.strip() else None

    def reload(self, select: str | None = None) -> None:
        boards = self.runner.boards.all()
        wanted = select or (self.board.board_id if self.board else None)
        self.board_combo.blockSignals(True)
        self.board_combo.clear()
        for board in boards:
            self.board_combo.addItem(board.name, board.board_id)
        index = self.board_combo.findData(wanted) if wanted else 0
        self.board_combo.setCurrentIndex(max(index, 0))
        self.board_combo.blockSignals(False)
        self._board_chosen()

    def new_board(self) -> None:
        name = self.ask_name("New board", "Untitled board")
        if name:
            self.reload(self.runner.boards.create(name).board_id)

    def rename_board(self) -> None:
        if self.board and (name := self.ask_name("Rename board", self.board.name)):
            self.runner.boards.rename(self.board.board_id, name)
            self.reload()

    def duplicate_board(self) -> None:
        if self.board:
            self.reload(self.runner.boards.duplicate(self.board.board_id).board_id)

    def delete_board(self) -> None:
        if self.board:
            self.runner.boards.delete(self.board.board_id)
            self.board = None
            self.reload()

    def add_shot(self) -> None:
        text = self.shot_edit.text().strip()
        if not text:
            return
        if self.board is None:
            self.reload(self.runner.boards.create("Untitled board").board_id)
        assert self.board is not None
        shots = (*self.board.shots, Shot(text))
        self._show(self.runner.boards.save_shots(self.board.board_id, shots))
        self.shot_edit.clear()

    def remove_shot(self) -> None:
        row = self.shot_list.currentRow()
        if self.board and 0 <= row < len(self.board.shots):
            shots = self.board.shots[:row] + self.board.shots[row + 1 :]
            self._show(self.runner.boards.save_shots(self.board.board_id, shots))

    def selected_shot(self) -> int:
        """The selected shot, else the first without a kept take."""
        row = self.shot_list.currentRow()
        if row >= 0 or self.board is None:
            return row
        return next((i for i, s in enumerate(self.board.shots) if s.kept is None), -1)

    def pick(self) -> None:
        index = self.selected_shot()
        if self.board is None or not 0 <= index < len(self.board.shots):
            return
        takes = self.runner.ready_takes(self.board.shots[index])
        if takes:
            self.pick_requested.emit(self.board.board_id, index, takes)

    def reroll(self) -> None:
        index = self.shot_list.currentRow()
        if self.board is not None and 0 <= index < len(self.board.shots):
            self._show(self.runner.rerun_shot(self.board.board_id, index))
            self.run()

    def run(self) -> None:
        """The caps first (nothing is sent past them), then the question Generate asks."""
        board = self.board
        if not (board and board.shots):
            return
        verdict = self.runner.check(board)
        if not verdict.fits:
            self.status_label.setText(f"Not sent: {verdict.message}")
            return
        if not self.confirm_run(board, to_run(board)):
            self.status_label.setText("Not sent.")
            return
        self.runner.run(board.board_id)

    # -- showing -----------------------------------------------------------------------

    def _board_chosen(self) -> None:
        board_id = self.board_combo.currentData()
        self._show(self.runner.boards.get(board_id) if board_id else None)

    def _board_changed(self, board: Board) -> None:
        if self.board and board.board_id == self.board.board_id:
            self._show(board)

    def _board_params_changed(self) -> None:
        if self.board:
            self.edits.set_board_params(self.board.board_id, self.board_params.values())

    def _shot_params_changed(self, params: dict[str, object]) -> None:
        index = self.shot_list.currentRow()
        if self.board and 0 <= index < len(self.board.shots):
            self.edits.set_params(self.board.board_id, index, params)

    def _shot_image(self, frame: str, path: str) -> None:
        index = self.shot_list.currentRow()
        if self.board and 0 <= index < len(self.board.shots):
            self.status_label.setText(f"Reading the picture for shot {index + 1}…")
            self.edits.set_image(self.board.board_id, index, frame, path)

    def _shot_image_cleared(self, frame: str) -> None:
        index = self.shot_list.currentRow()
        if self.board and 0 <= index < len(self.board.shots):
            self.edits.clear_image(self.board.board_id, index, frame)

    def _show_selected(self) -> None:
        index = self.shot_list.currentRow()
        board = self.board
        if board is not None and 0 <= index < len(board.shots):
            self.shot_editor.show_shot(board.shots[index], index + 1, board.settings.takes)
        else:
            self.shot_editor.show_shot(None, 0)

    def _settings_changed(self) -> None:
        if self.board:
            settings = replace(
                self.board.settings,
                takes=self.takes_spin.value(),
                auto_keep=self.auto_keep.isChecked(),
                cap_credits=float(self.cap_spin.value()) or None,
            )
            self._show(self.runner.boards.set_settings(self.board.board_id, settings))

    def _show(self, board: Board | None) -> None:
        same = (
            board is not None and self.board is not None and self.board.board_id == board.board_id
        )
        row = self.shot_list.currentRow() if same else -1  # editing keeps the selection
        self.board = board
        self.shot_list.blockSignals(True)
        self.shot_list.clear()
        self.shot_list.blockSignals(False)
        self._enable(board)
        self.board_params.show_values(board.settings.params if board else {}, {})
        if board is None:
            self.cost_label.setText("")
            self._show_selected()
            return
        controls = (self.takes_spin, self.auto_keep, self.cap_spin)
        for widget in controls:
            widget.blockSignals(True)
        self.takes_spin.setValue(board.settings.takes)
        self.auto_keep.setChecked(board.settings.auto_keep)
        self.cap_spin.setValue(round(board.settings.cap_credits or 0))
        for widget in controls:
            widget.blockSignals(False)
        for number, shot in enumerate(board.shots, start=1):
            state = "kept" if shot.kept else "running" if shot.take_group else "to run"
            item = QListWidgetItem(f"{number}. {shot.prompt}  [{state}]{_own(shot)}")
            item.setData(Qt.ItemDataRole.UserRole, number - 1)
            self.shot_list.addItem(item)
        self.shot_list.blockSignals(True)
        self.shot_list.setCurrentRow(row if row < len(board.shots) else -1)
        self.shot_list.blockSignals(False)
        self._show_selected()
        self.cost_label.setText(self._cost_text(board))
        kept = len(self.runner.kept_jobs(board))
        self.play_button.setEnabled(kept > 0)
        self.export_button.setEnabled(kept > 0)

    def _cost_text(self, board: Board) -> str:
        so_far = self.runner.cost_so_far(board)
        approx = "~" if so_far.estimated else ""
        cap = self.runner.caps_for(board).per_board
        of_cap = f" of {fmt(cap)} (cap)" if cap is not None else ""
        text = (
            f"To run: ~{fmt(self.runner.cost_before(board))} credits · "
            f"so far: {approx}{fmt(so_far.total)}{of_cap} credits · {summary(board)}"
        )
        chained = board_chain(board.settings.params.get("model"))
        return f"{text}\n{chained}" if chained else text

    def _enable(self, board: Board | None) -> None:
        """What needs a board (or its shots) is disabled without one: a button that
        does nothing when clicked reads as broken. Add shot starts a board by itself."""
        shots = board is not None and bool(board.shots)
        for widget in (
            self.rename_button,
            self.duplicate_button,
            self.delete_button,
            self.takes_spin,
            self.auto_keep,
            self.cap_spin,
            self.board_params,
            self.stop_button,
        ):
            widget.setEnabled(board is not None)
        for button in (self.remove_button, self.pick_button, self.reroll_button, self.run_button):
            button.setEnabled(shots)
        for button in (self.play_button, self.export_button):
            button.setEnabled(False)  # until a shot has a kept take (set below)

    def _emit(self, signal: object) -> None:
        if self.board is not None:
            jobs = self.runner.kept_jobs(self.board)
            if jobs:
                signal.emit(jobs)  # type: ignore[attr-defined]


ORDER = ("model", "aspect_ratio", "resolution", "duration")  # as the pickers show them


def _own(shot: Shot) -> str:
    """What a shot sets for itself, after its state in the list."""
    own = shot.params
    marks = [str(own[k]) for k in ORDER if own.get(k) not in (None, "")]
    marks += [name for frame, name in (("frame0", "first frame"), ("frame1", "last frame"))
              if shot.keyframe(frame) is not None]  # fmt: skip
    return f"  · own: {', '.join(marks)}" if marks else ""
