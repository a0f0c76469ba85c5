"""Modify… and Reframe to … from the library, through the real window against the
demo simulator: the gesture loads the draft (the prompt panel says what it does and
offers the catalogue's choices), Generate sends it with the same questions as any
clip; the body the gateway received, the lineage recorded, the HDR badge."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import Qt
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


def _pick(window: MainWindow, source: JobRecord, text: str) -> None:
    """Pick ``text`` in the library menu of ``source``."""
    window.studio.library.reload()
    menu = window.library.menu_for([source])
    action = next(a for a in menu.actions() if a.text() == text)
    assert action.isEnabled()
    action.trigger()


async def _generate(window: MainWindow, qtbot: QtBot) -> JobRecord:
    """Ctrl+Enter in the prompt panel, like the artist; the finished new clip."""
    panel = window.prompt_panel
    await wait_until(panel.generate_button.isEnabled)
    qtbot.keyClick(panel.prompt_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    (job,) = await wait_signal(window.studio.queue.job_ready, timeout=20)
    return window.studio.queue.engine.store.get(job.local_id)


def _amber_in_corner(window: MainWindow, job: JobRecord) -> bool:
    """The HDR badge's amber, in the top-left corner of the clip's tile."""
    view = window.library.view
    rect = view.visualRect(window.studio.library.index(window.studio.library.row_of(job.local_id)))
    image: QImage = view.viewport().grab(rect).toImage()
    amber = QColor(245, 190, 40)
    return any(image.pixelColor(x, y) == amber for x in range(8, 24) for y in range(8, 24))


async def test_modify_and_reframe_go_through_the_draft(qtbot: QtBot, tmp_path: Path) -> None:
    async with running_window(tmp_path) as window:
        window.confirm_spend = lambda count=1: (True, False)  # type: ignore[method-assign]
        window.confirm_repeat = lambda: True  # type: ignore[method-assign]
        source = await _finished(
            window, GenerationRequest("a harbour at dawn", model="ray-3.2", hdr=True)
        )
        sim = window.studio.simulator
        assert sim is not None
        sent = len(sim.received_bodies)
        panel = window.prompt_panel

        _pick(window, source, "Modify…")
        # Nothing is sent by the gesture: the draft holds it, the panel shows it.
        assert len(sim.received_bodies) == sent
        assert panel.extension_label.text() == (
            "Ray 3.2 modifies clip “a harbour at dawn” as the prompt describes"
        )
        assert panel.model_combo.currentData() == "ray-3.2"
        assert panel.new_clip_button.isVisible()
        assert not panel.generate_button.isEnabled()  # the change is still to be written
        # The catalogue's choices for Ray 3.2: its resolutions, its durations, HDR.
        resolutions = [
            panel.resolution_combo.itemData(i) for i in range(panel.resolution_combo.count())
        ]
        assert "1080p" in resolutions
        assert "4k" not in resolutions
        panel.resolution_combo.setCurrentIndex(panel.resolution_combo.findData("1080p"))
        assert panel.hdr_check.isEnabled()
        panel.hdr_check.setChecked(True)
        assert panel.cost_label.text()  # the cost line is there before Generate
        qtbot.keyClicks(panel.prompt_edit, "the same harbour in snow")
        modified = await _generate(window, qtbot)
        body = _last_body(window)
        assert body["type"] == "video_edit"
        assert body["prompt"] == "the same harbour in snow"
        assert body["model"] == "luma/ray-3.2"
        assert body["resolution"] == "1080p"
        assert body["hdr"] is True
        assert body["video_url"].startswith("http")  # the source's fresh link, not its id
        assert modified.parents == (source.generation_id,)

        _pick(window, source, "Reframe to 9:16")
        assert panel.extension_label.text() == "Ray 3.2 reframes clip “a harbour at dawn” to 9:16"
        assert panel.aspect_combo.currentData() == "9:16"
        assert panel.prompt_edit.toPlainText() == "a harbour at dawn"
        reframed = await _generate(window, qtbot)
        body = _last_body(window)
        assert body["type"] == "video_reframe"
        assert body["aspect_ratio"] == "9:16"
        assert body["video_url"].startswith("http")
        assert reframed.parents == (source.generation_id,)

        # The lineage strip names the source of the modified clip.
        window.side_tabs.setCurrentWidget(window.library)
        assert window.library.select_job(modified.local_id, reveal=True)
        await wait_until(lambda: f"job:{source.local_id}" in window.library.lineage_label.text())
        assert window.library.lineage_label.text().startswith("Modified from: ")

        # The HDR badge: on the HDR source's tile, not on the clips made from it... the
        # modified clip asked for HDR too, so only the reframed one goes without.
        await wait_until(lambda: _amber_in_corner(window, source))
        assert not _amber_in_corner(window, reframed)


async def test_back_to_a_new_clip_and_nothing_sent_by_the_gesture(
    qtbot: QtBot, tmp_path: Path
) -> None:
    async with running_window(tmp_path) as window:
        source = await _finished(window, GenerationRequest("a kite", model="ray-3.2"))
        sim = window.studio.simulator
        assert sim is not None
        sent = len(sim.received_bodies)
        _pick(window, source, "Modify…")
        panel = window.prompt_panel
        assert window.studio.draft.remaking
        qtbot.mouseClick(panel.new_clip_button, Qt.MouseButton.LeftButton)
        assert not window.studio.draft.remaking
        assert not panel.new_clip_button.isVisible()
        assert panel.extension_label.text() == ""
        assert window.studio.draft.request().video is None
        assert len(sim.received_bodies) == sent
        # A clip still being made cannot be modified or reframed.
        pending = replace(source, status=JobStatus.QUEUED)
        menu = window.library.menu_for([pending])
        assert not any(
            a.isEnabled() for a in menu.actions() if a.text().startswith(("Modify", "Reframe"))
        )
