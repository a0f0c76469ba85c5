"""The player as an editor uses it: timecode and frame counter, J/K/L, toggles, chains."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtMultimedia import QMediaPlayer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QToolButton
from pytestqt.qtbot import QtBot

from luma_desktop.sim.clipmaker import ClipSpec, render_clip
from luma_desktop.ui.chain_playback import ChainPlayback
from luma_desktop.ui.player import PlayerWidget
from luma_desktop.ui.theme import apply_dark_theme
from tests.ui.test_player import TIMEOUT_MS, button, focus, player, start

__all__ = ["player"]  # the fixture, shared
State = QMediaPlayer.PlaybackState


def clip(tmp_path: Path, name: str, seconds: int = 5) -> Path:
    path = tmp_path / f"{name}.mp4"
    path.write_bytes(render_clip(ClipSpec(seed=name, prompt=name, seconds=seconds)))
    return path


def test_stepping_shows_timecode_and_the_frame_number(
    qtbot: QtBot, player: PlayerWidget, tmp_path: Path
) -> None:
    start(qtbot, player, clip(tmp_path, "steps"), autoplay=False)
    qtbot.waitUntil(lambda: player.time_text().endswith("frame 1 of 120"), timeout=TIMEOUT_MS)
    assert player.time_text().startswith("00:00:00:00 / 00:00:05:00")
    focus(qtbot, player)
    QTest.keyClick(player, Qt.Key.Key_Period)
    qtbot.waitUntil(lambda: "frame 2 of 120" in player.time_text(), timeout=TIMEOUT_MS)
    QTest.keyClick(player, Qt.Key.Key_Period)
    qtbot.waitUntil(lambda: "frame 3 of 120" in player.time_text(), timeout=TIMEOUT_MS)
    assert player.time_text().startswith("00:00:00:02 /")
    QTest.keyClick(player, Qt.Key.Key_Comma)
    qtbot.waitUntil(lambda: "frame 2 of 120" in player.time_text(), timeout=TIMEOUT_MS)


def _picture(widget: QToolButton) -> QImage:
    return widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)


def _lightness(image: QImage) -> float:
    """Mean lightness (0-255) over the whole picture."""
    points = [(x, y) for x in range(image.width()) for y in range(image.height())]
    return sum(image.pixelColor(x, y).lightness() for x, y in points) / len(points)


def test_toggles_look_different_when_on(qtbot: QtBot, player: PlayerWidget) -> None:
    qapp = QApplication.instance()
    assert isinstance(qapp, QApplication)
    apply_dark_theme(qapp)
    for tip in ("Loop", "Mute", "Actual pixels"):
        toggle = button(player, tip)
        toggle.setChecked(False)
        off = _picture(toggle)
        toggle.setChecked(True)
        on = _picture(toggle)
        toggle.setChecked(False)
        # A filled background, not the faint sunken frame (about 14 levels) it was.
        assert abs(_lightness(on) - _lightness(off)) > 50, tip


def test_jkl_shuttle(qtbot: QtBot, player: PlayerWidget, tmp_path: Path) -> None:
    start(qtbot, player, clip(tmp_path, "shuttle"), autoplay=False)
    media = player.media_player
    media.setPlaybackRate(1.0)
    focus(qtbot, player)
    QTest.keyClick(player, Qt.Key.Key_L)
    qtbot.waitUntil(lambda: media.playbackState() == State.PlayingState, timeout=TIMEOUT_MS)
    assert media.playbackRate() == 1.0
    QTest.keyClick(player, Qt.Key.Key_L)
    assert media.playbackRate() == 2.0
    assert not button(player, "Loop").isChecked()  # L is the shuttle now, not loop
    QTest.keyClick(player, Qt.Key.Key_K)
    qtbot.waitUntil(lambda: media.playbackState() == State.PausedState, timeout=TIMEOUT_MS)
    assert media.playbackRate() == 1.0
    media.setPosition(2000)
    qtbot.waitUntil(lambda: media.position() >= 2000, timeout=TIMEOUT_MS)
    stopped_at = media.position()
    QTest.keyClick(player, Qt.Key.Key_J)
    QTest.keyClick(player, Qt.Key.Key_J)  # backward, faster
    qtbot.waitUntil(lambda: media.position() < stopped_at - 100, timeout=TIMEOUT_MS)
    assert media.playbackState() == State.PausedState  # stepped back, never played
    QTest.keyClick(player, Qt.Key.Key_K)
    assert player.shuttle().direction == 0
    QTest.keyClick(player, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert button(player, "Loop").isChecked()


def test_a_chain_says_which_clip_plays(qtbot: QtBot, player: PlayerWidget, tmp_path: Path) -> None:
    paths = [clip(tmp_path, f"link-{n}", seconds=1) for n in range(3)]
    chain = ChainPlayback(player)
    seen: list[str] = []
    player.media_player.setPlaybackRate(4.0)
    chain.position_changed.connect(lambda *_: seen.append(player.caption()))
    with qtbot.waitSignal(chain.finished, timeout=TIMEOUT_MS * 2):
        chain.play(paths)
        qtbot.waitUntil(lambda: player.caption() == "Clip 1 of 3", timeout=TIMEOUT_MS)
        qtbot.waitUntil(lambda: player.caption() == "Clip 2 of 3", timeout=TIMEOUT_MS)
        qtbot.waitUntil(lambda: player.caption() == "Clip 3 of 3", timeout=TIMEOUT_MS)
    assert player.caption() == ""
