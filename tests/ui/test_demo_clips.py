"""Demo clips drawn by the simulator play in Qt's own player (Motion-JPEG in MP4)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtMultimedia import QMediaMetaData
from pytestqt.qtbot import QtBot

from luma_desktop.api.download import MP4_BRANDS
from luma_desktop.sim.clipmaker import ClipSpec, render_clip
from luma_desktop.ui.player import PlayerWidget
from tests.ui.test_player import TIMEOUT_MS, distinct_colors, player, start

__all__ = ["player"]  # the fixture, shared


def test_a_drawn_portrait_clip_decodes_at_its_size_length_and_rate(
    qtbot: QtBot, player: PlayerWidget, tmp_path: Path
) -> None:
    clip = tmp_path / "take.mp4"
    spec = ClipSpec(seed="take-1", prompt="a paper boat", aspect_ratio="9:16")
    clip.write_bytes(render_clip(spec))
    assert clip.read_bytes()[4:8] in MP4_BRANDS  # what the download check looks for
    log = start(qtbot, player, clip)
    qtbot.waitUntil(lambda: log.count >= 10, timeout=TIMEOUT_MS)
    assert (log.last.width(), log.last.height()) == (180, 320)
    assert distinct_colors(log.last) > 10
    media = player.media_player
    assert media.duration() == 5000
    assert media.metaData().value(QMediaMetaData.Key.VideoFrameRate) == 24.0
