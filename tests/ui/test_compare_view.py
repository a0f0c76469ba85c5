"""The compare view opens on pictures: each take shows its first frame before Play."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtMultimedia import QMediaPlayer
from pytestqt.qtbot import QtBot

from luma_desktop.ui.compare_view import CompareView
from tests.export.media_cases import make_clip
from tests.ui.conftest import FrameCounter, wait_until
from tests.ui.test_export_dialog import clip_job


async def test_each_take_shows_its_first_frame_before_play(qtbot: QtBot, tmp_path: Path) -> None:
    takes = [
        clip_job(make_clip(tmp_path / f"take{n}.mp4", frames=12), f"a heron, take {n}")
        for n in (1, 2)
    ]
    view = CompareView(takes)
    qtbot.addWidget(view)
    counters = [FrameCounter(video.videoSink()) for video in view.videos]
    view.show()
    qtbot.waitExposed(view)
    # Not four black rectangles: a picture in every cell, and nothing playing yet.
    await wait_until(lambda: all(c.count > 0 for c in counters), timeout=10)
    assert all(p.playbackState() != QMediaPlayer.PlaybackState.PlayingState for p in view.players)
    assert view.play_button.text() == "Play"
    view.close()
