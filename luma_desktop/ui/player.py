"""The clip player: QMediaPlayer + QVideoWidget with a controls row, for judging clips."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QPoint, QSize, Qt, QUrl, Signal
from PySide6.QtGui import (
    QDragEnterEvent,
    QDropEvent,
    QImage,
    QKeySequence,
    QShortcut,
    QWindowStateChangeEvent,
)
from PySide6.QtMultimedia import (
    QAudioOutput,
    QMediaMetaData,
    QMediaPlayer,
    QVideoFrame,
    QVideoSink,
)
from PySide6.QtMultimediaWidgets import QVideoWidget
from PySide6.QtWidgets import QMenu, QVBoxLayout, QWidget

from luma_desktop.core import ffmpeg
from luma_desktop.ui.drops import dropped_image
from luma_desktop.ui.fullscreen import FullScreenHome
from luma_desktop.ui.player_controls import PlayerControls
from luma_desktop.ui.player_notice import ClipChecks
from luma_desktop.ui.player_screen import PlayerScreen
from luma_desktop.ui.popups import context_menu
from luma_desktop.ui.shuttle import Shuttle

FALLBACK_FPS = 24.0


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
        self._home = FullScreenHome(self)

        self.media_player = QMediaPlayer(self)
        self._audio = QAudioOutput(self)
        self.media_player.setAudioOutput(self._audio)
        self._video = QVideoWidget()
        self.media_player.setVideoOutput(self._video)

        self._shuttle = Shuttle(self.media_player, self._step_back, self._frame_rate, self)
        self._screen = PlayerScreen(self._video)
        self._screen.area.customContextMenuRequested.connect(self._show_context_menu)
        self._build_controls()
        # Frames, undecodable streams (AV1) and HDR without tone mapping, said plainly.
        self.checks = ClipChecks(self, self._refuse, lambda: self.video_sink().rhi() is not None)
        self.checks.frames.grabbed.connect(self.frame_requested.emit)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._screen, 1)
        layout.addWidget(self.checks.bar)
        layout.addLayout(self._controls)

        self._connect_media()
        self._build_shortcuts()
        # The player holds focus itself so its shortcuts work after a click on the video.
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAcceptDrops(True)
        self._set_enabled_controls(False)

    # ----- construction

    def _build_controls(self) -> None:
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
        self._controls = PlayerControls(self, slots)
        self._controls.scrubber.sliderMoved.connect(self.media_player.setPosition)
        self._buttons = self._controls.buttons

    def _build_shortcuts(self) -> None:
        keys: list[tuple[str, Callable[[], None]]] = [
            ("Space", self.toggle_play),
            (",", lambda: self.step_frame(-1)),
            (".", lambda: self.step_frame(1)),
            ("M", lambda: self.set_muted(not self._audio.isMuted())),
            # J/K/L shuttle as in editors; loop moved from L to Ctrl+L for it.
            ("J", lambda: self._shuttle.press(-1)),
            ("K", self._shuttle.stop),
            ("L", lambda: self._shuttle.press(1)),
            ("Ctrl+L", lambda: self.set_loop(not self._buttons["loop"].isChecked())),
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
        # The frame rate (for the timecode) is known once the metadata is.
        player.metaDataChanged.connect(lambda: self._update_time_label(player.position()))
        player.errorOccurred.connect(self._on_error)
        self.video_sink().videoFrameChanged.connect(self._on_frame)
        self.video_sink().videoSizeChanged.connect(self._apply_scale)

    # ----- public API

    def play_file(self, path: Path, *, loop: bool = False, autoplay: bool = True) -> None:
        """Load a clip; loop clips repeat forever, others stop on their last frame."""
        self._path = path
        self._last_frame = QVideoFrame()
        self._shuttle.halt()
        self.set_loop(loop)
        self.checks.forget()
        if not path.is_file():
            # Say it plainly rather than pass on the backend's "Could not open file".
            self.media_player.setSource(QUrl())
            self._show_error(f"This clip cannot be played: {path.name} is missing.")
            return
        if not self.checks.check(path):
            self.media_player.setSource(QUrl())
            return
        ffmpeg.quiet_logs()  # no stream dump on the terminal (once; off the start-up path)
        self.media_player.setSource(QUrl.fromLocalFile(str(path)))
        self._screen.show_video()
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
        self._shuttle.halt()
        self._path = None
        self.checks.forget()
        self._last_frame = QVideoFrame()
        self._screen.show_empty()
        self._set_enabled_controls(False)
        self._reset_time()

    def current_path(self) -> Path | None:
        return self._path

    def set_caption(self, text: str) -> None:
        """A word beside the time ("Clip 2 of 3" while a chain plays); "" hides it."""
        self._controls.show_caption(text)

    def caption(self) -> str:
        return self._controls.caption_label.text()

    def time_text(self) -> str:
        return self._controls.time_label.text()

    def toggle_play(self) -> None:
        if self._path is None:
            return
        self._shuttle.halt()
        if self.media_player.playbackState() == QMediaPlayer.PlaybackState.PlayingState:
            self.media_player.pause()
        else:
            self.media_player.play()  # from the end, Qt starts over at the beginning

    def step_frame(self, direction: int) -> None:
        """Move one frame back (-1) or forward (+1), pausing first."""
        self._shuttle.halt()
        self._step(direction)

    def shuttle(self) -> Shuttle:
        return self._shuttle

    def _step_back(self) -> bool:
        """One frame back for the shuttle; False at the first frame."""
        if self._path is None or self.media_player.position() <= 0:
            return False
        self._step(-1)
        return True

    def _step(self, direction: int) -> None:
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
        self._controls.show_muted(muted)

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
        return self._screen.error_text()

    def context_menu(self) -> QMenu:
        """The video area's context menu (built fresh so it reflects the current state)."""
        menu = context_menu(self)
        playing = self.media_player.playbackState() == QMediaPlayer.PlaybackState.PlayingState
        menu.addAction("Pause" if playing else "Play", self.toggle_play)
        menu.addSeparator()
        has_frame = self.current_frame() is not None or self.checks.can_grab(self._path)
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
        # A window manager may take us out of full screen without going through Esc; only
        # a change away from full screen counts (not the steps of getting there).
        if (
            isinstance(event, QWindowStateChangeEvent)
            and event.oldState() & Qt.WindowState.WindowFullScreen
            and not self.isFullScreen()
            and self._fullscreen
        ):
            self._leave_fullscreen()
        super().changeEvent(event)

    # ----- internals

    def _show_context_menu(self, pos: QPoint) -> None:
        self.context_menu().exec(self._screen.area.mapToGlobal(pos))

    def _request_frame(self, kind: str) -> None:
        image = self.current_frame()
        if image is not None:
            self.frame_requested.emit(image, kind)
        elif self._path is not None and self.checks.can_grab(self._path):
            # No GPU path: Qt has no image of a 10-bit frame; decode it in software.
            index = round(self.media_player.position() * self._frame_rate() / 1000)
            self.checks.frames.grab(self._path, index, kind)

    def _frame_rate(self) -> float:
        value = self.media_player.metaData().value(QMediaMetaData.Key.VideoFrameRate)
        try:
            rate = float(value)
        except (TypeError, ValueError):
            return FALLBACK_FPS
        return rate if math.isfinite(rate) and rate > 0 else FALLBACK_FPS

    def _enter_fullscreen(self) -> None:
        self._fullscreen = True
        self._escape.setEnabled(True)
        self._buttons["fullscreen"].setChecked(True)
        self._home.leave()

    def _leave_fullscreen(self) -> None:
        if not self._fullscreen:
            return
        self._fullscreen = False
        self._escape.setEnabled(False)
        self._buttons["fullscreen"].setChecked(False)
        self._home.come_back()

    def _apply_scale(self) -> None:
        size = self.video_sink().videoSize()
        if self._actual_pixels and size.isValid() and not size.isEmpty():
            # 1:1 means one video pixel per device pixel, hence the device pixel ratio.
            ratio = self.devicePixelRatioF()
            self._screen.show_actual_size(
                QSize(round(size.width() / ratio), round(size.height() / ratio))
            )
        else:
            self._screen.show_fitted()

    def _show_error(
        self, text: str, action_text: str = "", action: Callable[[], object] | None = None
    ) -> None:
        self._reset_time()
        self._screen.show_error(text, action_text, action)
        self._set_enabled_controls(False)

    def _refuse(self, text: str, action_text: str, action: Callable[[], object]) -> None:
        """A clip that cannot play here: no black picture, the reason and what to do."""
        self.media_player.stop()
        self.media_player.setSource(QUrl())
        self._show_error(text, action_text, action)

    def _reset_time(self) -> None:
        self._controls.reset_time()

    def _set_enabled_controls(self, enabled: bool) -> None:
        self._controls.set_clip_enabled(enabled)

    def _on_frame(self, frame: QVideoFrame) -> None:
        # The backend sends an empty frame at the end and on stop; keep the last real one.
        if frame.isValid():
            self._last_frame = frame

    def _on_position(self, position: int) -> None:
        self._controls.show_position(position)
        self._update_time_label(position)

    def _on_duration(self, duration: int) -> None:
        self._controls.show_duration(duration)
        self._update_time_label(self.media_player.position())

    def _update_time_label(self, position: int) -> None:
        self._controls.show_time(position, self.media_player.duration(), self._frame_rate())

    def _on_state(self, state: QMediaPlayer.PlaybackState) -> None:
        playing = state == QMediaPlayer.PlaybackState.PlayingState
        if playing != self._playing:
            self._playing = playing
            self._controls.show_playing(playing)
            self.playing_changed.emit(playing)

    def _on_status(self, status: QMediaPlayer.MediaStatus) -> None:
        if status == QMediaPlayer.MediaStatus.EndOfMedia and self._last_frame.isValid():
            # The backend blanks the picture at the end; put the last frame back on screen.
            self.video_sink().setVideoFrame(self._last_frame)

    def _on_error(self, _error: QMediaPlayer.Error, message: str) -> None:
        if self.checks.refused:
            return  # already said why, more plainly than the backend can
        detail = message.strip() or "the file is damaged or in a format this computer cannot read"
        self._show_error(f"This clip cannot be played: {detail}")
