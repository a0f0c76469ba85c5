"""The player's controls under the video: the scrubber with the time, then the buttons."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

from PySide6.QtCore import Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QSlider,
    QStyle,
    QStyleOptionSlider,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

_SP = QStyle.StandardPixmap
_SC = QStyle.SubControl

# (name, tooltip, standard icon or text, checkable), in the order they sit in the row
BUTTONS: tuple[tuple[str, str, QStyle.StandardPixmap | str, bool], ...] = (
    ("play", "Play / pause (Space)", _SP.SP_MediaPlay, False),
    ("back", "One frame back (,)", _SP.SP_MediaSeekBackward, False),
    ("forward", "One frame forward (.)", _SP.SP_MediaSeekForward, False),
    ("mute", "Mute (M)", _SP.SP_MediaVolume, True),
    ("loop", "Loop playback (Ctrl+L)", _SP.SP_BrowserReload, True),
    ("pixels", "Actual pixels (Z or 1) / fit to the area (Z or 0)", "1:1", True),
    ("fullscreen", "Full screen (F; Esc leaves)", _SP.SP_TitleBarMaxButton, True),
    ("frame0", "Use this frame as the first frame", "As first", False),
    ("frame1", "Use this frame as the last frame", "As last", False),
)


# Checked toggles get a filled, outlined background: an auto-raised tool button's own
# "on" look is a faint sunken frame that many styles (the app's dark Fusion) barely draw.
TOGGLE_STYLE = (
    "QToolButton:checked { background-color: palette(highlight); color: palette(highlighted-text);"
    " border: 1px solid palette(highlighted-text); border-radius: 3px; }"
)


def frame_index(ms: int, fps: float) -> int:
    """The frame shown at ``ms`` (0-based): a frame is shown from its start time on."""
    return max(0, math.floor(max(ms, 0) * fps / 1000 + 1e-6))


def format_timecode(ms: int, fps: float) -> str:
    """Milliseconds as an editor's timecode, ``HH:MM:SS:FF`` (FF: frame within the second)."""
    whole = max(1, round(fps))
    frames = frame_index(ms, fps)
    seconds, ff = divmod(frames, whole)
    minutes, ss = divmod(seconds, 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}:{ss:02d}:{ff:02d}"


def time_text(position: int, duration: int, fps: float) -> str:
    """ "00:00:01:05 / 00:00:05:00 · frame 30 of 120" (frames counted from 1)."""
    count = max(1, round(max(duration, 0) * fps / 1000))
    shown = min(frame_index(position, fps) + 1, count)
    clock = f"{format_timecode(position, fps)} / {format_timecode(duration, fps)}"
    return f"{clock} · frame {shown} of {count}" if duration > 0 else clock


class Scrubber(QSlider):
    """A slider that jumps to the click (a plain QSlider only pages toward it)."""

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.maximum() > self.minimum():
            option = QStyleOptionSlider()
            self.initStyleOption(option)
            control = QStyle.ComplexControl.CC_Slider
            groove = self.style().subControlRect(control, option, _SC.SC_SliderGroove, self)
            handle = self.style().subControlRect(control, option, _SC.SC_SliderHandle, self)
            # Centre the handle under the pointer, so the press below turns into a drag.
            x = round(event.position().x()) - groove.x() - handle.width() // 2
            span = groove.width() - handle.width()
            value = QStyle.sliderValueFromPosition(self.minimum(), self.maximum(), x, span)
            self.setValue(value)
            self.sliderMoved.emit(value)  # sliderMoved is what seeks, as for a drag
        super().mousePressEvent(event)


class PlayerControls(QVBoxLayout):
    """Two rows: the scrubber gets the full width, which a row shared with the buttons
    squeezed to a few pixels in a narrow window.

    ``slots`` maps each button name of BUTTONS to what a click calls; checkable buttons
    pass their new state. Icons come from ``owner``'s style, asked each time.
    """

    def __init__(self, owner: QWidget, slots: Mapping[str, Callable[..., object]]) -> None:
        super().__init__()
        self._owner = owner
        self.setContentsMargins(4, 2, 4, 2)
        self._add_scrubber()
        row = QHBoxLayout()
        self.addLayout(row)
        self.buttons: dict[str, QToolButton] = {}
        for name, tip, look, checkable in BUTTONS:
            if name == "mute":  # transport on the left, view and frame picking on the right
                row.addStretch(1)
            button = QToolButton()
            button.setToolTip(tip)
            button.setAutoRaise(True)
            button.setCheckable(checkable)
            if checkable:
                button.setStyleSheet(TOGGLE_STYLE)
            if isinstance(look, str):
                button.setText(look)
            else:
                button.setIcon(owner.style().standardIcon(look))
            # Buttons never take focus, so Space stays play/pause instead of "click button".
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.clicked.connect(slots[name])
            row.addWidget(button)
            self.buttons[name] = button
        # Controls that mean nothing without a clip, greyed out until one loads.
        self._clip_controls: list[QWidget] = [self.scrubber]
        self._clip_controls += [self.buttons[n] for n in ("play", "back", "forward")]
        self._clip_controls += [self.buttons[n] for n in ("frame0", "frame1")]

    def _add_scrubber(self) -> None:
        row = QHBoxLayout()
        self.addLayout(row)
        self.scrubber = Scrubber(Qt.Orientation.Horizontal)
        self.scrubber.setToolTip("Drag or click to move through the clip")
        self.scrubber.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        row.addWidget(self.scrubber, 1)
        # "Clip 2 of 3" while a chain plays; empty (and taking no room) otherwise.
        self.caption_label = QLabel()
        self.caption_label.setToolTip("Which clip of the chain is playing")
        self.caption_label.hide()
        row.addWidget(self.caption_label)
        self.time_label = QLabel(time_text(0, 0, 24))
        self.time_label.setToolTip(
            "Position / length as hours:minutes:seconds:frames, and the frame shown"
        )
        row.addWidget(self.time_label)

    def set_clip_enabled(self, enabled: bool) -> None:
        for widget in self._clip_controls:
            widget.setEnabled(enabled)

    def show_position(self, position: int) -> None:
        if not self.scrubber.isSliderDown():
            self.scrubber.setValue(position)

    def show_duration(self, duration: int) -> None:
        self.scrubber.setRange(0, max(duration, 0))
        self.scrubber.setPageStep(max(duration // 10, 1))

    def show_time(self, position: int, duration: int, fps: float) -> None:
        self.time_label.setText(time_text(position, duration, fps))

    def show_caption(self, text: str) -> None:
        self.caption_label.setText(text)
        self.caption_label.setVisible(bool(text))

    def reset_time(self) -> None:
        # Unloading does not always report a zero duration, and the old one no longer applies.
        self.scrubber.setRange(0, 0)
        self.time_label.setText(time_text(0, 0, 24))

    def show_playing(self, playing: bool) -> None:
        icon = _SP.SP_MediaPause if playing else _SP.SP_MediaPlay
        self.buttons["play"].setIcon(self._owner.style().standardIcon(icon))

    def show_muted(self, muted: bool) -> None:
        self.buttons["mute"].setChecked(muted)
        icon = _SP.SP_MediaVolumeMuted if muted else _SP.SP_MediaVolume
        self.buttons["mute"].setIcon(self._owner.style().standardIcon(icon))
