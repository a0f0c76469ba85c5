"""Modify… and Reframe to … from the library, through the real window against the
demo simulator: the body the gateway received, the lineage recorded, the HDR badge."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtGui import QColor, QImage
from pytestqt.qtbot import QtBot

from luma_desktop.core.jobs import JobRecord, JobStatus
from luma_desktop.core.request import GenerationRequest
from luma_desktop.ui.main_window import MainWindow
from tests.ui.conftest import wait_signal, wait_until
from tests.ui.test_end_to_end import running_window
from tests.ui.test_gestures import _last_body


async def _finished(window: MainWindow, request: GenerationRequest) -> JobRecord:
    window.studio.queue.generate(request)
    (job,) = await wait_signal(window.studio.queue.job_ready, timeout=20)
    return window.studio.queue.engine.store.get(job.local_id)


async def _from_menu(window: MainWindow, source: JobRecord, text: str) -> JobRecord:
    """Pick ``text`` in the library menu of ``source``; the finished new clip."""
    window.studio.library.reload()
    menu = window.library.menu_for([source])
    action = next(a for a in menu.actions() if a.text() == text)
    assert action.isEnabled()
    action.trigger()
    (job,) = await wait_signal(window.studio.queue.job_ready, timeout=20)
    return window.studio.queue.engine.store.get(job.local_id)


def _amber_in_corner(window: MainWindow, job: JobRecord) -> bool:
    """The HDR badge's amber, in the top-left corner of the clip's tile."""
    view = window.library.view
    rect = view.visualRect(window.studio.library.index(window.studio.library.row_of(job.local_id)))
    image: QImage = view.viewport().grab(rect).toImage()
    amber = QColor(245, 190, 40)
    return any(image.pixelColor(x, y) == amber for x in range(8, 24) for y in range(8, 24))


async def test_modify_and_reframe_a_clip_from_the_library(qtbot: QtBot, tmp_path: Path) -> None:
    async with running_window(tmp_path) as window:
        window.confirm_spend = lambda count=1: (True, False)  # type: ignore[method-assign]
        window.confirm_repeat = lambda: True  # type: ignore[method-assign]
        source = await _finished(
            window, GenerationRequest("a harbour at dawn", model="ray-3.2", hdr=True)
        )
        asked: list[str] = []

        def ask(job: JobRecord) -> str | None:
            asked.append(job.local_id)
            return "the same harbour in snow"

        window.library.ask_modify_prompt = ask  # type: ignore[method-assign]
        modified = await _from_menu(window, source, "Modify…")
        assert asked == [source.local_id]
        body = _last_body(window)
        assert body["type"] == "video_edit"
        assert body["prompt"] == "the same harbour in snow"
        assert body["model"] == "luma/ray-3.2"
        assert body["video_url"].startswith("http")  # the source's fresh link, not its id
        assert modified.parents == (source.generation_id,)

        reframed = await _from_menu(window, source, "Reframe to 9:16")
        body = _last_body(window)
        assert body["type"] == "video_reframe"
        assert body["aspect_ratio"] == "9:16"
        assert body["video_url"].startswith("http")
        assert reframed.parents == (source.generation_id,)

        # The lineage strip names the source of the modified clip.
        window.side_tabs.setCurrentWidget(window.library)
        assert window.library.select_job(modified.local_id, reveal=True)
        await wait_until(lambda: f"job:{source.local_id}" in window.library.lineage_label.text())

        # The HDR badge: on the HDR source's tile, not on the clips made from it.
        await wait_until(lambda: _amber_in_corner(window, source))
        assert not _amber_in_corner(window, modified)


async def test_cancelled_modify_sends_nothing(qtbot: QtBot, tmp_path: Path) -> None:
    async with running_window(tmp_path) as window:
        source = await _finished(window, GenerationRequest("a kite", model="ray-3.2"))
        sim = window.studio.simulator
        assert sim is not None
        sent = len(sim.received_bodies)
        window.library.ask_modify_prompt = lambda job: None  # type: ignore[method-assign]
        window.studio.library.reload()
        menu = window.library.menu_for([source])
        next(a for a in menu.actions() if a.text() == "Modify…").trigger()
        assert len(sim.received_bodies) == sent
        # A clip still being made cannot be modified or reframed.
        pending = replace(source, status=JobStatus.QUEUED)
        menu = window.library.menu_for([pending])
        assert not any(
            a.isEnabled() for a in menu.actions() if a.text().startswith(("Modify", "Reframe"))
        )
