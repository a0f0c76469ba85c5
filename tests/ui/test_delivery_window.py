"""Unusual deliveries through the real window against the demo simulator (real encodes
made at test time): an AV1 clip and a zip of EXR frames finish, get their tiles (made by
the app's own thumbnailer), and the player says plainly why it does not play them."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from luma_desktop.core.jobs import JobRecord
from luma_desktop.core.request import GenerationRequest
from luma_desktop.demo_sim import DemoSimulator
from luma_desktop.studio.thumbnails import facts_of
from luma_desktop.ui.main_window import MainWindow
from tests.encodes import AV1, EXR_FRAME, encode
from tests.ui.conftest import wait_until
from tests.ui.test_end_to_end import running_window
from tests.ui.test_remake import _finished


def _serve(window: MainWindow, data: bytes) -> None:
    """Every video link of the demo simulator serves ``data`` from now on."""
    simulator = window.studio.simulator
    assert isinstance(simulator, DemoSimulator)
    simulator.server.faults.delivery_bytes = data


async def _tile_image(window: MainWindow, job: JobRecord) -> QImage:
    store = window.studio.queue.engine.store
    await wait_until(lambda: store.get(job.local_id).thumb_path is not None, timeout=15)
    library = window.studio.library
    library.reload()
    index = library.index(library.row_of(job.local_id))
    await wait_until(lambda: index.data(Qt.ItemDataRole.DecorationRole) is not None, timeout=5)
    image = index.data(Qt.ItemDataRole.DecorationRole)
    assert isinstance(image, QImage)
    return image


async def test_an_av1_delivery_says_it_cannot_play_here(qtbot: QtBot, tmp_path: Path) -> None:
    clip = encode(tmp_path, *AV1).read_bytes()
    async with running_window(tmp_path) as window:
        _serve(window, clip)
        job = await _finished(window, GenerationRequest("a heron", model="ray-3.2"))
        assert Path(job.video_path or "").suffix == ".mp4"
        facts = facts_of(await _tile_image(window, job))
        assert facts is not None
        assert not facts.playable
        assert facts.codec == "av1"
        # The finished clip is played at once: the player says why not, no black picture.
        await wait_until(lambda: "Can't play here" in window.player.error_text(), timeout=10)
        assert window.player.error_text().startswith("Can't play here: AV1 video")


async def test_frames_only_are_kept_beside_and_refused_by_the_player(
    qtbot: QtBot, tmp_path: Path
) -> None:
    exr = encode(tmp_path, *EXR_FRAME).read_bytes()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for i in range(4):
            archive.writestr(f"exr/{i:04d}.exr", exr)
    async with running_window(tmp_path) as window:
        _serve(window, buffer.getvalue())
        request = GenerationRequest("a sunrise", model="ray-3.2", hdr=True, exr=True)
        job = await _finished(window, request)
        assert (job.video_path or "").endswith(".frames.zip")
        image = await _tile_image(window, job)
        facts = facts_of(image)
        assert facts is not None
        assert facts.frames == "EXR frames (4)"
        assert image.width() == 64  # the first frame, decoded
        await wait_until(lambda: window.player.error_text() != "", timeout=10)
        assert window.player.error_text().startswith("EXR frames (4): frames, not a video")
