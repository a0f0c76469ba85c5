"""The clip player: QMediaPlayer + QVideoWidget with a controls row, for judging clips."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QMimeData, QPoint, QSize, Qt, QUrl, Signal
from PySide6.QtGui import (
    QDragEnterEvent,
    QDropEvent,
    QImage,
    QImageReader,
    QKeySequence,
    QMouseEvent,
    QPalette,
    QShortcut,
)
from PySide6.QtMultimedia import (
    QAudioOutput,
    QMediaMetaData,
    QMediaPlayer,
    QVideoFrame,
    QVideoSink,
)
from PySide6.QtMultimediaWidgets import QVideoWidget
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMenu,
    QScrollArea,
    QSizePolicy,
    QSlider,
    QStackedWidget,
    QStyle,
    QStyleOptionSlider,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

FALLBACK_FPS = 24.0
EMPTY_TEXT = "Finished clips play here"
_MAX_WIDGET_SIZE = 16777215  # QWIDGETSIZE_MAX, which PySide6 does not export
_SP = QStyle.StandardPixmap
_SC = QStyle.SubControl

# (name, tooltip, standard icon or text, checkable), in the order they sit in the row
_BUTTONS: tuple[tuple[str, str, QStyle.StandardPixmap | str, bool], ...] = (
    ("play", "Play / pause (Space)", _SP.SP_MediaPlay, False),
    ("back", "One frame back (,)", _SP.SP_MediaSeekBackward, False),
    ("forward", "One frame forward (.)", _SP.SP_MediaSeekForward, False),
    ("mute", "Mute (M)", _SP.SP_MediaVolume, True),
    ("loop", "Loop playback (L)", _SP.SP_BrowserReload, True),
    ("pixels", "Actual pixels (Z or 1) / fit to the area (Z or 0)", "1:1", True),
    ("fullscreen", "Full screen (F; Esc leaves)", _SP.SP_TitleBarMaxButton, True),
    ("frame0", "Use this frame as the first frame", "As first", False),
    ("frame1", "Use this frame as the last frame", "As last", False),
)


def format_time(ms: int) -> str:
    """Milliseconds as "m:ss.t" (tenths are enough to talk about a spot in a short clip)."""
    tenths = max(ms, 0) // 100
    minutes, rest = divmod(tenths, 600)
    return f"{minutes}:{rest // 10:02d}.{rest % 10}"


def _image_suffixes() -> set[str]:
    return {bytes(fmt.data()).decode().lower() for fmt in QImageReader.supportedImageFormats()}


def dropped_image(mime: QMimeData) -> Path | None:
    """The first local image file in a drag, if any."""
    suffixes = _image_suffixes()
    for url in mime.urls():
        if url.isLocalFile():
            path = Path(url.toLocalFile())
            if path.suffix.lower().lstrip(".") in suffixes:
                return path
    return None


class _Scrubber(QSlider):
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


class PlayerWidget(QWidget):
    """QMediaPlayer + QVideoWidget behind a thin wrapper, for judging clips."""

    playing_changed = Signal(bool)
    frame_requested = Signal(QImage, str)  # (image, "frame0" | "frame1")
    file_dropped = Signal(Path, bool)  # (image path, prepend: Alt held during the drop)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._path: Path | None = None
        self._last_frame = QVideoFrame()
        self._playing = False
        self._actual_pixels = False
        self._fullscreen = False
        self._was_embedded = False

        self.media_player = QMediaPlayer(self)
        self._audio = QAudioOutput(self)
        self.media_player.setAudioOutput(self._audio)
        self._video = QVideoWidget()
        self.media_player.setVideoOutput(self._video)

        self._build_pages()
        self._build_controls()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._pages, 1)
        layout.addLayout(self._controls)

        self._connect_media()
        self._build_shortcuts()
        # The player holds focus itself so its shortcuts work after a click on the video.
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAcceptDrops(True)
        self._set_enabled_controls(False)

    # ----- construction

    def _build_pages(self) -> None:
        self._empty_label = self._message_label(EMPTY_TEXT)
        # Quieter text for the empty state; an error keeps the normal, readable color.
        self._empty_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self._error_label = self._message_label("")
        self._area = QScrollArea()
        self._area.setFrameShape(QScrollArea.Shape.NoFrame)
        self._area.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._area.setWidget(self._video)
        self._area.setWidgetResizable(True)
        # Right-clicks on the video bubble up to the area, which also covers the margins.
        self._area.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self._area.customContextMenuRequested.connect(self._show_context_menu)
        self._pages = QStackedWidget()
        for page in (self._empty_label, self._area, self._error_label):
            self._pages.addWidget(page)
        self._pages.setCurrentWidget(self._empty_label)

    def _message_label(self, text: str) -> QLabel:
        label = QLabel(text)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setWordWrap(True)
        label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        return label

    def _build_controls(self) -> None:
        # Two rows: the scrubber gets the full width, which a row shared with the buttons
        # squeezed to a few pixels in a narrow window.
        self._controls = QVBoxLayout()
        self._controls.setContentsMargins(4, 2, 4, 2)
        self._add_scrubber()
        row = QHBoxLayout()
        self._controls.addLayout(row)
        slots: dict[str, Callable[..., object]] = {
            "play": self.toggle_play,
            "back": lambda: self.step_frame(-1),
            "forward": lambda: self.step_frame(1),
            "mute": self.set_muted,  # checkable buttons pass their new state to a setter
            "loop": self.set_loop,
            "pixels": self.set_actual_pixels,
            "fullscreen": self.toggle_fullscreen,
            "frame0": lambda: self._request_frame("frame0"),
            "frame1": lambda: self._request_frame("frame1"),
        }
        self._buttons: dict[str, QToolButton] = {}
        for name, tip, look, checkable in _BUTTONS:
            if name == "mute":  # transport on the left, view and frame picking on the right
                row.addStretch(1)
            button = QToolButton()
            button.setToolTip(tip)
            button.setAutoRaise(True)
            button.setCheckable(checkable)
            if isinstance(look, str):
                button.setText(look)
            else:
                button.setIcon(self.style().standardIcon(look))
            # Buttons never take focus, so Space stays play/pause instead of "click button".
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.clicked.connect(slots[name])
            row.addWidget(button)
            self._buttons[name] = button
        # Controls that mean nothing without a clip, greyed out until one loads.
        self._clip_controls: list[QWidget] = [self._scrubber]
        self._clip_controls += [self._buttons[n] for n in ("play", "back", "forward")]
        self._clip_controls += [self._buttons[n] for n in ("frame0", "frame1")]

    def _add_scrubber(self) -> None:
        row = QHBoxLayout()
        self._controls.addLayout(row)
        self._scrubber = _Scrubber(Qt.Orientation.Horizontal)
        self._scrubber.setToolTip("Drag or click to move through the clip")
        self._scrubber.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._scrubber.sliderMoved.connect(self.media_player.setPosition)
        row.addWidget(self._scrubber, 1)
        self._time_label = QLabel(f"{format_time(0)} / {format_time(0)}")
        self._time_label.setToolTip("Position / length of the clip")
        row.addWidget(self._time_label)

    def _build_shortcuts(self) -> None:
        keys: list[tuple[str, Callable[[], None]]] = [
            ("Space", self.toggle_play),
            (",", lambda: self.step_frame(-1)),
            (".", lambda: self.step_frame(1)),
            ("M", lambda: self.set_muted(not self._audio.isMuted())),
            ("L", lambda: self.set_loop(not self._buttons["loop"].isChecked())),
            ("Z", lambda: self.set_actual_pixels(not self._actual_pixels)),
            ("1", lambda: self.set_actual_pixels(True)),
            ("0", lambda: self.set_actual_pixels(False)),
            ("F", self.toggle_fullscreen),
        ]
        for key, slot in keys:
            self._shortcut(key, slot)
        # Esc is live only in full screen, so it does not steal Esc from the app otherwise.
        self._escape = self._shortcut("Esc", self._leave_fullscreen)
        self._escape.setEnabled(False)

    def _shortcut(self, key: str, slot: Callable[[], None]) -> QShortcut:
        shortcut = QShortcut(QKeySequence(key), self)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(slot)
        return shortcut

    def _connect_media(self) -> None:
        player = self.media_player
        player.positionChanged.connect(self._on_position)
        player.durationChanged.connect(self._on_duration)
        player.playbackStateChanged.connect(self._on_state)
        player.mediaStatusChanged.connect(self._on_status)
        player.errorOccurred.connect(self._on_error)
        self.video_sink().videoFrameChanged.connect(self._on_frame)
        self.video_sink().videoSizeChanged.connect(self._apply_scale)

    # ----- public API

    def play_file(self, path: Path, *, loop: bool = False, autoplay: bool = True) -> None:
        """Load a clip; loop clips repeat forever, others stop on their last frame."""
        self._path = path
        self._last_frame = QVideoFrame()
        self.set_loop(loop)
        if not path.is_file():
            # Say it plainly rather than pass on the backend's "Could not open file".
            self.media_player.setSource(QUrl())
            self._show_error(f"This clip cannot be played: {path.name} is missing.")
            return
        self.media_player.setSource(QUrl.fromLocalFile(str(path)))
        self._pages.setCurrentWidget(self._area)
        self._set_enabled_controls(True)
        if autoplay:
            self.media_player.play()
        else:
            # Pausing a freshly loaded clip decodes its first frame, so there is a picture.
            self.media_player.pause()

    def stop(self) -> None:
        self.media_player.stop()

    def clear(self) -> None:
        """Unload the clip and show the empty state again."""
        self.media_player.stop()
        self.media_player.setSource(QUrl())
        self._path = None
        self._last_frame = QVideoFrame()
        self._pages.setCurrentWidget(self._empty_label)
        self._set_enabled_controls(False)
        self._reset_time()

    def current_path(self) -> Path | None:
        return self._path

    def toggle_play(self) -> None:
        if self._path is None:
            return
        if self.media_player.playbackState() == QMediaPlayer.PlaybackState.PlayingState:
            self.media_player.pause()
        else:
            self.media_player.play()  # from the end, Qt starts over at the beginning

    def step_frame(self, direction: int) -> None:
        """Move one frame back (-1) or forward (+1), pausing first."""
        if self._path is None or direction == 0:
            return
        player = self.media_player
        frame_ms = 1000.0 / self._frame_rate()
        # Work in frame indices so repeated steps do not drift by rounding.
        index = round(player.position() / frame_ms) + (1 if direction > 0 else -1)
        last = math.floor(max(player.duration() - 1, 0) / frame_ms)
        index = max(0, min(index, last))
        # Pausing at the end rewinds to 0, so read the position before pausing.
        player.pause()
        # ceil: a position at or just past the frame's start shows that frame, not the one before.
        player.setPosition(math.ceil(index * frame_ms))

    def set_muted(self, muted: bool) -> None:
        self._audio.setMuted(muted)
        self._buttons["mute"].setChecked(muted)
        icon = _SP.SP_MediaVolumeMuted if muted else _SP.SP_MediaVolume
        self._buttons["mute"].setIcon(self.style().standardIcon(icon))

    def set_loop(self, loop: bool) -> None:
        loops = QMediaPlayer.Loops.Infinite if loop else QMediaPlayer.Loops.Once
        self.media_player.setLoops(loops.value)
        self._buttons["loop"].setChecked(loop)

    def toggle_fullscreen(self) -> None:
        if self._fullscreen:
            self._leave_fullscreen()
        else:
            self._enter_fullscreen()

    def is_fullscreen(self) -> bool:
        return self._fullscreen

    def set_actual_pixels(self, on: bool) -> None:
        """1:1 pixels (centered, scrollable when larger) or fit to the area (aspect kept)."""
        self._actual_pixels = on
        self._buttons["pixels"].setChecked(on)
        self._apply_scale()

    def actual_pixels(self) -> bool:
        return self._actual_pixels

    def video_sink(self) -> QVideoSink:
        return self._video.videoSink()

    def current_frame(self) -> QImage | None:
        if not self._last_frame.isValid():
            return None
        image = self._last_frame.toImage()
        return None if image.isNull() else image

    def error_text(self) -> str:
        """The error shown to the user, or "" when there is none."""
        return self._error_label.text() if self._pages.currentWidget() is self._error_label else ""

    def context_menu(self) -> QMenu:
        """The video area's context menu (built fresh so it reflects the current state)."""
        menu = QMenu(self)
        playing = self.media_player.playbackState() == QMediaPlayer.PlaybackState.PlayingState
        menu.addAction("Pause" if playing else "Play", self.toggle_play)
        menu.addSeparator()
        has_frame = self.current_frame() is not None
        for text, kind in (("first", "frame0"), ("last", "frame1")):
            action = menu.addAction(f"Use this frame as {text} frame")
            action.triggered.connect(lambda _=False, k=kind: self._request_frame(k))
            action.setEnabled(has_frame)
        return menu

    # ----- events

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if dropped_image(event.mimeData()) is not None:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        path = dropped_image(event.mimeData())
        if path is None:
            return
        event.acceptProposedAction()
        prepend = bool(event.modifiers() & Qt.KeyboardModifier.AltModifier)
        self.file_dropped.emit(path, prepend)

    def changeEvent(self, event: QEvent) -> None:
        # A window manager may take us out of full screen without going through Esc.
        left = event.type() == QEvent.Type.WindowStateChange and not self.isFullScreen()
        if left and self._fullscreen:
            self._leave_fullscreen()
        super().changeEvent(event)

    # ----- internals

    def _show_context_menu(self, pos: QPoint) -> None:
        self.context_menu().exec(self._area.mapToGlobal(pos))

    def _request_frame(self, kind: str) -> None:
        image = self.current_frame()
        if image is not None:
            self.frame_requested.emit(image, kind)

    def _frame_rate(self) -> float:
        value = self.media_player.metaData().value(QMediaMetaData.Key.VideoFrameRate)
        try:
            rate = float(value)
        except (TypeError, ValueError):
            return FALLBACK_FPS
        return rate if math.isfinite(rate) and rate > 0 else FALLBACK_FPS

    def _enter_fullscreen(self) -> None:
        # A child widget cannot go full screen; it becomes its own window for the while.
        self._was_embedded = not self.isWindow()
        if self._was_embedded:
            self.setWindowFlag(Qt.WindowType.Window, True)
        self._fullscreen = True
        self.showFullScreen()
        self._escape.setEnabled(True)
        self._buttons["fullscreen"].setChecked(True)

    def _leave_fullscreen(self) -> None:
        if not self._fullscreen:
            return
        self._fullscreen = False
        self._escape.setEnabled(False)
        self._buttons["fullscreen"].setChecked(False)
        if self._was_embedded:
            self.setWindowFlag(Qt.WindowType.Window, False)
        self.showNormal()

    def _apply_scale(self) -> None:
        size = self.video_sink().videoSize()
        if self._actual_pixels and size.isValid() and not size.isEmpty():
            # 1:1 means one video pixel per device pixel, hence the device pixel ratio.
            ratio = self.devicePixelRatioF()
            self._area.setWidgetResizable(False)
            self._video.setFixedSize(
                QSize(round(size.width() / ratio), round(size.height() / ratio))
            )
        else:
            self._video.setMinimumSize(0, 0)
            self._video.setMaximumSize(_MAX_WIDGET_SIZE, _MAX_WIDGET_SIZE)
            self._area.setWidgetResizable(True)

    def _show_error(self, text: str) -> None:
        self._error_label.setText(text)
        self._reset_time()
        self._pages.setCurrentWidget(self._error_label)
        self._set_enabled_controls(False)

    def _reset_time(self) -> None:
        # Unloading does not always report a zero duration, and the old one no longer applies.
        self._scrubber.setRange(0, 0)
        self._time_label.setText(f"{format_time(0)} / {format_time(0)}")

    def _set_enabled_controls(self, enabled: bool) -> None:
        for widget in self._clip_controls:
            widget.setEnabled(enabled)

    def _on_frame(self, frame: QVideoFrame) -> None:
        # The backend sends an empty frame at the end and on stop; keep the last real one.
        if frame.isValid():
            self._last_frame = frame

    def _on_position(self, position: int) -> None:
        if not self._scrubber.isSliderDown():
            self._scrubber.setValue(position)
        self._update_time_label(position)

    def _on_duration(self, duration: int) -> None:
        self._scrubber.setRange(0, max(duration, 0))
        self._scrubber.setPageStep(max(duration // 10, 1))
        self._update_time_label(self.media_player.position())

    def _update_time_label(self, position: int) -> None:
        duration = self.media_player.duration()
        self._time_label.setText(f"{format_time(position)} / {format_time(duration)}")

    def _on_state(self, state: QMediaPlayer.PlaybackState) -> None:
        playing = state == QMediaPlayer.PlaybackState.PlayingState
        if playing != self._playing:
            self._playing = playing
            icon = _SP.SP_MediaPause if playing else _SP.SP_MediaPlay
            self._buttons["play"].setIcon(self.style().standardIcon(icon))
            self.playing_changed.emit(playing)

    def _on_status(self, status: QMediaPlayer.MediaStatus) -> None:
        if status == QMediaPlayer.MediaStatus.EndOfMedia and self._last_frame.isValid():
            # The backend blanks the picture at the end; put the last frame back on screen.
            self.video_sink().setVideoFrame(self._last_frame)

    def _on_error(self, _error: QMediaPlayer.Error, message: str) -> None:
        detail = message.strip() or "the file is damaged or in a format this computer cannot read"
        self._show_error(f"This clip cannot be played: {detail}")
