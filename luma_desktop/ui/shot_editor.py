"""The Board tab's editors beyond the words: the board's parameters (every shot takes
them unless it sets its own), and the selected shot's own first/last frame images and
model, aspect, resolution and duration, with what the shot will cost."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QWidget,
)

from luma_desktop.core import budget
from luma_desktop.core.boards import FRAMES, Shot
from luma_desktop.core.catalogue import DEFAULT_RESOLUTION, MODELS, ModelSpec
from luma_desktop.core.continuation import FROM_LAST, board_chain
from luma_desktop.core.request import GenerationKeyframe
from luma_desktop.ui.model_controls import model_values, spec_of

PICKED = ("model", "aspect_ratio", "resolution", "duration")
TIPS = {
    "model": "Model",
    "aspect_ratio": "Aspect ratio",
    "resolution": "Resolution",
    "duration": "Duration",
}
WHO = {"Board's": "the board has it", "Default": "the model's default"}
FRAME_TEXT = {"frame0": "First frame", "frame1": "Last frame"}
IMAGE_FILTER = "Images (*.png *.jpg *.jpeg *.webp *.bmp *.tif *.tiff *.gif)"


class ParamPickers(QWidget):
    """Model, aspect, resolution and duration, each first offering "inherit" (None):
    the board's value for a shot, the model's default for a board."""

    changed = Signal()

    def __init__(self, inherit: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.inherit = inherit
        self.combos = {name: QComboBox(self) for name in PICKED}
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for name, combo in self.combos.items():
            # Sized by a short length, not the longest entry: the tab must not widen the
            # window past a 1600 px screen; the open list shows entries whole.
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(8)
            combo.setToolTip(f"{TIPS[name]}; {inherit} leaves it as {WHO[inherit]}")
            layout.addWidget(combo, 1)
            combo.currentIndexChanged.connect(lambda _i: self.changed.emit())

    def show_values(self, own: Mapping[str, Any], inherited: Mapping[str, Any]) -> None:
        """Offer the values of the model the shot runs with; select its own ones."""
        spec = spec_of(own.get("model") or inherited.get("model"))
        entries = {
            "model": tuple((name, name) for name in _model_names()),
            **model_values(spec),
        }
        for name, combo in self.combos.items():
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(f"{self.inherit} ({_shown(inherited.get(name), name, spec)})", None)
            for text, data in entries[name]:
                combo.addItem(text, data)
            index = combo.findData(own[name]) if own.get(name) is not None else 0
            combo.setCurrentIndex(max(index, 0))
            combo.blockSignals(False)

    def values(self) -> dict[str, Any]:
        return {name: combo.currentData() for name, combo in self.combos.items()}


class ShotEditor(QGroupBox):
    params_changed = Signal(dict)  # the shot's own parameters (None: the board's)
    image_requested = Signal(str, str)  # (frame0/frame1, the file picked)
    image_cleared = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Selected shot", parent)
        self.pickers = ParamPickers("Board's", self)
        self.pickers.changed.connect(lambda: self.params_changed.emit(self.pickers.values()))
        self.frame_labels: dict[str, QLabel] = {}
        self.choose_buttons: dict[str, QPushButton] = {}
        self.clear_buttons: dict[str, QPushButton] = {}
        grid = QGridLayout(self)
        grid.addWidget(self.pickers, 0, 0, 1, 4)
        for row, frame in enumerate(FRAMES, start=1):
            self._frame_row(grid, row, frame)
        self.about_label = QLabel(self)
        self.about_label.setWordWrap(True)
        grid.addWidget(self.about_label, 3, 0, 1, 4)
        grid.setColumnStretch(1, 1)
        self.show_shot(None, 0)

    def _frame_row(self, grid: QGridLayout, row: int, frame: str) -> None:
        label = QLabel(self)
        choose = QPushButton(f"{FRAME_TEXT[frame]}…", self)
        choose.setToolTip(
            "The shot starts on this picture (instead of extending the shot before)"
            if frame == "frame0"
            else "The shot ends on this picture"
        )
        clear = QPushButton("Clear", self)
        choose.clicked.connect(lambda: self._choose(frame))
        clear.clicked.connect(lambda: self.image_cleared.emit(frame))
        grid.addWidget(QLabel(f"{FRAME_TEXT[frame]}:", self), row, 0)
        grid.addWidget(label, row, 1)
        grid.addWidget(choose, row, 2)
        grid.addWidget(clear, row, 3)
        self.frame_labels[frame] = label
        self.choose_buttons[frame] = choose
        self.clear_buttons[frame] = clear

    def ask_image(self, frame: str) -> str | None:
        path, _ = QFileDialog.getOpenFileName(self, FRAME_TEXT[frame], "", IMAGE_FILTER)
        return path or None

    def show_shot(self, shot: Shot | None, number: int, takes: int = 1) -> None:
        self.setEnabled(shot is not None)
        if shot is None:
            self.setTitle("Selected shot (select one to give it its own frames or parameters)")
            self.pickers.show_values({}, {})
            for label in self.frame_labels.values():
                label.setText("")
            self.about_label.setText("")
            return
        self.setTitle(f"Shot {number}: its own frames and parameters")
        self.pickers.show_values(shot.params, shot.defaults)
        for frame, label in self.frame_labels.items():
            label.setText(_frame_text(shot, frame, number))
            self.clear_buttons[frame].setEnabled(frame in shot.params)
        self.about_label.setText(_about(shot, takes))

    def _choose(self, frame: str) -> None:
        path = self.ask_image(frame)
        if path:
            self.image_requested.emit(frame, path)


def _model_names() -> tuple[str, ...]:
    return tuple(MODELS)


def _shown(value: object, name: str, spec: ModelSpec) -> str:
    """The value an "inherit" entry stands for (the model's own default when unset)."""
    if value not in (None, ""):
        return str(value)
    defaults = {
        "model": spec.name,
        "aspect_ratio": spec.default_aspect_ratio,
        "resolution": spec.default_resolution or DEFAULT_RESOLUTION,
        "duration": f"{spec.default_duration}s",
    }
    return str(defaults[name])


def _frame_text(shot: Shot, frame: str, number: int) -> str:
    keyframe = shot.keyframe(frame)
    if keyframe is None:
        if frame == "frame0" and number == 1:
            return "none: starts the board"
        if frame == "frame0":
            chained = board_chain(shot.settings().get("model") or spec_of(None).name)
            return (
                f"none: {FROM_LAST} the shot before" if chained else "none: extends the shot before"
            )
        return "none"
    if isinstance(keyframe, GenerationKeyframe):
        return keyframe.describe()
    return Path(keyframe.source).name or keyframe.describe()


def _about(shot: Shot, takes: int) -> str:
    """What it runs with, what it costs, and what the gateway would refuse."""
    request = shot.request(None)
    settings = shot.settings()
    spec = spec_of(settings.get("model"))
    shown = " · ".join(_shown(settings.get(k), k, spec) for k in PICKED)
    cost = budget.estimate(request) * takes
    each = f"{takes} takes" if takes > 1 else "a take"
    text = f"Runs with {shown}; about {budget.fmt(cost)} credits for {each}."
    chained = board_chain(spec.name)
    text = f"{text} {chained}" if chained else text
    issues = [i.message for i in request.issues() if i.field != "prompt"]
    return f"{text} Not sendable: {issues[0]}" if issues else text
