"""PlayerWidget against real decoding of the committed sample clips (offscreen Qt)."""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QMimeData, QObject, QPoint, QPointF, Qt, QUrl, Slot
from PySide6.QtGui import QColor, QDragEnterEvent, QDropEvent, QImage
from PySide6.QtMultimedia import QMediaPlayer, QVideoFrame
from PySide6.QtMultimediaWidgets import QVideoWidget
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel, QSlider, QToolButton, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from luma_desktop.sim import clips_dir
from luma_desktop.ui.keyframe_slot import KeyframeSlot
from luma_desktop.ui.player import PlayerWidget
from luma_desktop.ui.player_controls import format_timecode, time_text
from luma_desktop.ui.player_screen import EMPTY_TEXT
from tests.ui.conftest import wait_until
from tests.ui.test_end_to_end import running_window

LANDSCAPE = clips_dir() / "landscape.mp4"
SQUARE = clips_dir() / "square.mp4"
CLIP_FRAMES = 48  # 2 s at 24 fps
TIMEOUT_MS = 10_000
State = QMediaPlayer.PlaybackState
Status = QMediaPlayer.MediaStatus


class FrameLog(QObject):
    """Counts the frames that reach a sink and keeps the last real one (as an image).

    A QObject, so the connection is queued onto the GUI thread (the backend emits from
    its render thread)."""

    def __init__(self, player: PlayerWidget) -> None:
        super().__init__()
        self.count = 0
        # An image and a time, not the frame: a kept QVideoFrame pins decoder buffers.
        self.last = QImage()
        self.last_start = -1
        player.video_sink().videoFrameChanged.connect(self._on_frame)

    @Slot(QVideoFrame)
    def _on_frame(self, frame: QVideoFrame) -> None:
        if frame.isValid():
            self.count += 1
            self.last = frame.toImage()
            self.last_start = frame.startTime()


@pytest.fixture
def player(qtbot: QtBot) -> Iterator[PlayerWidget]:
    widget = PlayerWidget()
    qtbot.addWidget(widget)
    widget.resize(480, 360)
    widget.show()
    qtbot.waitExposed(widget)
    yield widget
    widget.clear()  # stop decoding before the widget goes away


def focus(qtbot: QtBot, widget: QWidget) -> None:
    """Shortcuts only fire when the player (or a child) has focus in the active window."""
    widget.activateWindow()
    widget.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is widget, timeout=TIMEOUT_MS)


def start(qtbot: QtBot, player: PlayerWidget, path: Path, **kwargs: bool) -> FrameLog:
    """Play a clip at 4x and wait until it is showing frames."""
    log = FrameLog(player)
    player.media_player.setPlaybackRate(4.0)
    player.play_file(path, **kwargs)
    qtbot.waitUntil(lambda: log.count >= 1, timeout=TIMEOUT_MS)
    return log


def button(player: PlayerWidget, tip_start: str) -> QToolButton:
    matches = [b for b in player.findChildren(QToolButton) if b.toolTip().startswith(tip_start)]
    assert len(matches) == 1, tip_start
    return matches[0]


def distinct_colors(image: QImage) -> int:
    step_x, step_y = max(image.width() // 16, 1), max(image.height() // 16, 1)
    return len(
        {
            image.pixel(x, y)
            for x in range(0, image.width(), step_x)
            for y in range(0, image.height(), step_y)
        }
    )


def test_timecode_counts_frames_at_the_stream_rate() -> None:
    assert format_timecode(1250, 24) == "00:00:01:06"
    assert format_timecode(5000, 24) == "00:00:05:00"
    assert format_timecode(65_349, 25) == "00:01:05:08"
    assert format_timecode(-5, 24) == "00:00:00:00"
    assert format_timecode(math.ceil(41.667), 24) == "00:00:00:01"  # where a step lands
    assert time_text(1250, 5000, 24) == "00:00:01:06 / 00:00:05:00 · frame 31 of 120"
    assert time_text(0, 0, 24) == "00:00:00:00 / 00:00:00:00"


def test_empty_state_before_any_file(player: PlayerWidget) -> None:
    labels = [label for label in player.findChildren(QLabel) if label.isVisible()]
    assert EMPTY_TEXT in [label.text() for label in labels]
    assert player.current_path() is None
    assert player.current_frame() is None
    assert not button(player, "Play / pause").isEnabled()
    assert all(b.toolTip() for b in player.findChildren(QToolButton))


def test_clear_returns_to_the_empty_state(qtbot: QtBot, player: PlayerWidget) -> None:
    start(qtbot, player, LANDSCAPE)
    player.clear()
    visible = [label.text() for label in player.findChildren(QLabel) if label.isVisible()]
    assert EMPTY_TEXT in visible
    assert "00:00:00:00 / 00:00:00:00" in visible
    assert player.current_path() is None
    assert player.current_frame() is None


def test_decoded_frames_reach_the_sink(qtbot: QtBot, player: PlayerWidget) -> None:
    log = start(qtbot, player, LANDSCAPE)
    qtbot.waitUntil(lambda: log.count >= 5, timeout=TIMEOUT_MS)
    assert player.current_path() == LANDSCAPE
    image = log.last
    assert (image.width(), image.height()) == (320, 180)
    assert distinct_colors(image) > 10  # a real picture, not a blank frame
    current = player.current_frame()
    assert current is not None
    assert current.size() == image.size()


def test_loop_keeps_playing_past_the_end(qtbot: QtBot, player: PlayerWidget) -> None:
    positions: list[int] = []
    player.media_player.positionChanged.connect(positions.append)
    log = start(qtbot, player, LANDSCAPE, loop=True)
    assert button(player, "Loop").isChecked()

    def wrapped() -> bool:
        return any(later < earlier for earlier, later in itertools.pairwise(positions))

    qtbot.waitUntil(lambda: log.count > CLIP_FRAMES + 5 and wrapped(), timeout=TIMEOUT_MS)
    assert player.media_player.playbackState() == State.PlayingState
    assert player.media_player.mediaStatus() != Status.EndOfMedia


def test_once_stops_at_the_end_on_the_last_frame(qtbot: QtBot, player: PlayerWidget) -> None:
    with qtbot.waitSignal(player.playing_changed, timeout=TIMEOUT_MS) as started:
        start(qtbot, player, LANDSCAPE, loop=False)
    assert started.args == [True]
    assert not button(player, "Loop").isChecked()
    with qtbot.waitSignal(player.playing_changed, timeout=TIMEOUT_MS) as stopped:
        qtbot.waitUntil(
            lambda: player.media_player.mediaStatus() == Status.EndOfMedia, timeout=TIMEOUT_MS
        )
    assert stopped.args == [False]
    # The picture stays on the last frame instead of going black.
    shown = player.video_sink().videoFrame()
    assert shown.isValid()
    assert shown.startTime() > 1_800_000  # microseconds: within the clip's last 0.2 s


def test_space_toggles_play_and_pause(qtbot: QtBot, player: PlayerWidget) -> None:
    start(qtbot, player, LANDSCAPE, loop=True)
    focus(qtbot, player)
    with qtbot.waitSignal(player.playing_changed, timeout=TIMEOUT_MS) as paused:
        QTest.keyClick(player, Qt.Key.Key_Space)
    assert paused.args == [False]
    assert player.media_player.playbackState() == State.PausedState
    with qtbot.waitSignal(player.playing_changed, timeout=TIMEOUT_MS) as resumed:
        QTest.keyClick(player, Qt.Key.Key_Space)
    assert resumed.args == [True]


def test_period_and_comma_step_one_frame(qtbot: QtBot, player: PlayerWidget) -> None:
    log = start(qtbot, player, LANDSCAPE, autoplay=False)
    media = player.media_player
    assert media.playbackState() == State.PausedState
    assert media.position() == 0
    focus(qtbot, player)
    seen = log.count
    QTest.keyClick(player, Qt.Key.Key_Period)
    qtbot.waitUntil(lambda: media.position() > 0 and log.count > seen, timeout=TIMEOUT_MS)
    assert 40 <= media.position() <= 45  # one frame at 24 fps is 41.7 ms
    assert abs(log.last_start - 41_667) < 1_000  # and that frame is what is shown
    QTest.keyClick(player, Qt.Key.Key_Period)
    qtbot.waitUntil(lambda: media.position() > 45, timeout=TIMEOUT_MS)
    assert 82 <= media.position() <= 86
    QTest.keyClick(player, Qt.Key.Key_Comma)
    qtbot.waitUntil(lambda: media.position() < 82, timeout=TIMEOUT_MS)
    assert 40 <= media.position() <= 45
    assert media.playbackState() == State.PausedState


def test_step_pauses_a_playing_clip(qtbot: QtBot, player: PlayerWidget) -> None:
    start(qtbot, player, LANDSCAPE, loop=True)
    player.step_frame(1)
    qtbot.waitUntil(lambda: player.media_player.playbackState() == State.PausedState)


def test_time_label_and_scrubber_click_seeks(qtbot: QtBot, player: PlayerWidget) -> None:
    start(qtbot, player, LANDSCAPE, autoplay=False)
    time_label = next(x for x in player.findChildren(QLabel) if x.toolTip().startswith("Position"))
    expected = "00:00:00:00 / 00:00:02:00 · frame 1 of 48"
    qtbot.waitUntil(lambda: time_label.text() == expected, timeout=TIMEOUT_MS)
    scrubber = player.findChild(QSlider)
    assert scrubber is not None
    assert scrubber.toolTip()
    click_at = QPoint(scrubber.width() * 3 // 4, scrubber.height() // 2)
    QTest.mouseClick(scrubber, Qt.MouseButton.LeftButton, pos=click_at)
    media = player.media_player
    qtbot.waitUntil(lambda: 1200 < media.position() < 1800, timeout=TIMEOUT_MS)
    assert abs(scrubber.value() - media.position()) < 50
    qtbot.waitUntil(lambda: time_label.text().startswith("00:00:01:"), timeout=TIMEOUT_MS)


def test_m_mutes_and_unmutes(qtbot: QtBot, player: PlayerWidget) -> None:
    start(qtbot, player, LANDSCAPE)
    audio = player.media_player.audioOutput()
    assert audio is not None
    assert not audio.isMuted()
    focus(qtbot, player)
    QTest.keyClick(player, Qt.Key.Key_M)
    assert audio.isMuted()
    assert button(player, "Mute").isChecked()
    QTest.keyClick(player, Qt.Key.Key_M)
    assert not audio.isMuted()


def test_frame_requests_carry_the_current_frame(qtbot: QtBot, player: PlayerWidget) -> None:
    start(qtbot, player, LANDSCAPE, loop=True)
    menu = player.context_menu()
    first = next(a for a in menu.actions() if a.text() == "Use this frame as first frame")
    with qtbot.waitSignal(player.frame_requested, timeout=TIMEOUT_MS) as request:
        first.trigger()
    image, kind = request.args
    assert kind == "frame0"
    assert isinstance(image, QImage)
    assert (image.width(), image.height()) == (320, 180)
    with qtbot.waitSignal(player.frame_requested, timeout=TIMEOUT_MS) as request:
        QTest.mouseClick(button(player, "Use this frame as the last"), Qt.MouseButton.LeftButton)
    assert request.args[1] == "frame1"


def test_corrupt_file_shows_a_plain_error(
    qtbot: QtBot, player: PlayerWidget, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.mp4"
    bad.write_bytes(bytes(range(256)) * 16)
    player.play_file(bad)
    qtbot.waitUntil(lambda: player.error_text() != "", timeout=TIMEOUT_MS)
    assert player.error_text().startswith("This clip cannot be played: ")
    visible = [label.text() for label in player.findChildren(QLabel) if label.isVisible()]
    assert player.error_text() in visible


def test_missing_file_shows_a_plain_error(player: PlayerWidget, tmp_path: Path) -> None:
    player.play_file(tmp_path / "gone.mp4")
    assert player.error_text() == "This clip cannot be played: gone.mp4 is missing."


def test_actual_pixels_and_fit(qtbot: QtBot, player: PlayerWidget) -> None:
    start(qtbot, player, SQUARE, loop=True)
    video = player.findChild(QVideoWidget)
    assert video is not None
    focus(qtbot, player)
    QTest.keyClick(player, Qt.Key.Key_Z)
    assert player.actual_pixels()
    ratio = player.devicePixelRatioF()
    expected = (round(240 / ratio), round(240 / ratio))
    qtbot.waitUntil(lambda: (video.width(), video.height()) == expected, timeout=TIMEOUT_MS)
    QTest.keyClick(player, Qt.Key.Key_Z)
    assert not player.actual_pixels()
    # Fit: the video fills the area again (QVideoWidget keeps the aspect inside it).
    qtbot.waitUntil(lambda: video.width() > 240 or video.height() > 240, timeout=TIMEOUT_MS)


def test_fullscreen_and_escape_return_to_the_layout(qtbot: QtBot) -> None:
    host = QWidget()
    qtbot.addWidget(host)
    player = PlayerWidget()
    QVBoxLayout(host).addWidget(player)
    host.resize(500, 400)
    host.show()
    qtbot.waitExposed(host)
    start(qtbot, player, LANDSCAPE, loop=True)
    focus(qtbot, player)
    QTest.keyClick(player, Qt.Key.Key_F)
    qtbot.waitUntil(player.isFullScreen, timeout=TIMEOUT_MS)
    assert player.is_fullscreen()
    focus(qtbot, player)
    QTest.keyClick(player, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not player.isFullScreen(), timeout=TIMEOUT_MS)
    assert not player.is_fullscreen()
    assert not player.isWindow()
    assert player.parentWidget() is host
    qtbot.waitUntil(player.isVisible, timeout=TIMEOUT_MS)
    player.clear()


@pytest.mark.parametrize("alt", [False, True])
def test_dropping_an_image_reports_it(
    qtbot: QtBot, player: PlayerWidget, tmp_path: Path, alt: bool
) -> None:
    image_path = tmp_path / "still.png"
    image = QImage(8, 8, QImage.Format.Format_RGB32)
    image.fill(QColor(10, 20, 30))
    assert image.save(str(image_path))
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(image_path))])
    modifiers = Qt.KeyboardModifier.AltModifier if alt else Qt.KeyboardModifier.NoModifier
    pos = QPointF(20, 20)
    action = Qt.DropAction.CopyAction
    enter = QDragEnterEvent(pos.toPoint(), action, mime, Qt.MouseButton.LeftButton, modifiers)
    QApplication.sendEvent(player, enter)
    assert enter.isAccepted()
    drop = QDropEvent(pos, action, mime, Qt.MouseButton.LeftButton, modifiers)
    with qtbot.waitSignal(player.file_dropped, timeout=TIMEOUT_MS) as dropped:
        QApplication.sendEvent(player, drop)
    assert dropped.args == [image_path, alt]


def test_dragging_a_non_image_is_refused(player: PlayerWidget, tmp_path: Path) -> None:
    text_path = tmp_path / "notes.txt"
    text_path.write_text("hi")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(text_path))])
    enter = QDragEnterEvent(
        QPoint(5, 5),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    enter.ignore()
    QApplication.sendEvent(player, enter)
    assert not enter.isAccepted()


def test_opening_a_clip_prints_no_stream_dump(
    qtbot: QtBot, player: PlayerWidget, capfd: pytest.CaptureFixture[str]
) -> None:
    capfd.readouterr()
    start(qtbot, player, LANDSCAPE)
    # before: FFmpeg's "Input #0, mov,mp4,… Stream #0:0 …" on the terminal for each clip
    assert "Input #0" not in capfd.readouterr().err


async def test_context_menus_over_a_playing_window_have_a_top_level_parent(
    tmp_path: Path, qtlog: Any
) -> None:
    async with running_window(tmp_path) as window:
        window.player.play_file(LANDSCAPE)
        await wait_until(lambda: window.player.current_frame() is not None)
        # the video's window container made the window's inner widgets native
        store = window.studio.queue.engine.store
        job = store.add(base_url="demo", prompt="a fox", body={}, parents=(), tokens=1)
        window.studio.queue.model.upsert(job)
        slot = window.prompt_panel.findChild(KeyframeSlot)
        assert slot is not None
        for menu in (
            window.job_list.menu_for(job),
            slot.build_menu(),
            window.player.context_menu(),
            window.prompt_panel.craft.menu_,  # the Camera, style… button's menu
        ):
            menu.popup(window.mapToGlobal(window.rect().center()))
            await wait_until(menu.isVisible)
            menu.close()
            if menu is not window.prompt_panel.craft.menu_:  # that one is the button's
                menu.deleteLater()
        said = [r.message for r in qtlog.records]
        # before: "QWidgetWindow(…QTabWidgetClassWindow) must be a top level window."
        assert not [m for m in said if "must be a top level window" in m]
