"""Every extension gesture, through the real window against the simulator: the exact
body the gateway received and the lineage the store recorded."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QColor, QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from luma_desktop.core.jobs import JobRecord, JobStatus
from luma_desktop.core.request import GenerationRequest
from luma_desktop.studio.job_model import GENERATION_MIME
from luma_desktop.ui.main_window import MainWindow
from tests.ui.conftest import png_file, wait_signal, wait_until
from tests.ui.test_end_to_end import CREATES, ROUTES, running_window, use_route


def _uuid(generation_id: str | None) -> str:
    """A generation keyframe names the uuid part of a unified id."""
    return (generation_id or "").split(":")[0]


async def _ready(window: MainWindow, prompt: str) -> JobRecord:
    window.studio.queue.generate(GenerationRequest(prompt))
    (job,) = await wait_signal(window.studio.queue.job_ready, timeout=20)
    return window.studio.queue.engine.store.get(job.local_id)


async def _send_with_prompt(window: MainWindow, qtbot: QtBot, prompt: str) -> JobRecord:
    """Type the prompt and press Ctrl+Enter like the artist; the finished new clip."""
    panel = window.prompt_panel
    await wait_until(
        lambda: panel.generate_button.isEnabled() or bool(panel.prompt_edit.toPlainText()) is False
    )
    panel.prompt_edit.setPlainText("")
    qtbot.mouseClick(panel.prompt_edit.viewport(), Qt.MouseButton.LeftButton)
    qtbot.keyClicks(panel.prompt_edit, prompt)
    await wait_until(panel.generate_button.isEnabled)
    qtbot.keyClick(panel.prompt_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    (job,) = await wait_signal(window.studio.queue.job_ready, timeout=20)
    return window.studio.queue.engine.store.get(job.local_id)


def _last_body(window: MainWindow) -> dict[str, Any]:
    sim = window.studio.simulator
    assert sim is not None
    body: dict[str, Any] = sim.received_bodies[-1]
    return body


def _drag_onto(target: QWidget, mime: QMimeData, at: QPointF, alt: bool = False) -> bool:
    mods = Qt.KeyboardModifier.AltModifier if alt else Qt.KeyboardModifier.NoModifier
    button, action = Qt.MouseButton.LeftButton, Qt.DropAction.CopyAction
    enter = QDragEnterEvent(at.toPoint(), action, mime, button, mods)
    QApplication.sendEvent(target, enter)
    QApplication.sendEvent(target, QDragMoveEvent(at.toPoint(), action, mime, button, mods))
    drop = QDropEvent(at, action, mime, button, mods)
    QApplication.sendEvent(target, drop)
    return enter.isAccepted() and drop.isAccepted()


@pytest.mark.parametrize("route", ROUTES)
async def test_extend_forward_and_backward_from_the_job_list(
    qtbot: QtBot, tmp_path: Path, route: str
) -> None:
    async with running_window(tmp_path) as window:
        use_route(window, route)
        clip = await _ready(window, "a kite over the dunes")
        assert clip.route == route
        # Ids as the route gives them: suffixed on the unified route, bare on Luma's.
        assert (":" in (clip.generation_id or "")) is (route == "unified")
        menu = window.job_list.menu_for(clip)
        forward = next(a for a in menu.actions() if a.text() == "Extend forward")
        forward.trigger()
        assert "forward" in window.prompt_panel.extension_label.text()
        after = await _send_with_prompt(window, qtbot, "the kite climbs into the clouds")
        assert _last_body(window)["keyframes"] == {
            "frame0": {"type": "generation", "id": _uuid(clip.generation_id)}
        }
        assert after.parents == (clip.generation_id,)

        menu = window.job_list.menu_for(clip)
        next(a for a in menu.actions() if a.text() == "Extend backward").trigger()
        before = await _send_with_prompt(window, qtbot, "a child runs up the dune")
        assert _last_body(window)["keyframes"] == {
            "frame1": {"type": "generation", "id": _uuid(clip.generation_id)}
        }
        assert before.parents == (clip.generation_id,)

        # The library now shows the chain before → clip → after, and plays it in order.
        library = window.library
        window.studio.library.reload()
        chain = library.chain_of(clip)
        assert [j.local_id for j in chain] == [before.local_id, clip.local_id, after.local_id]
        positions: list[int] = []
        window.chain.position_changed.connect(lambda index, _n: positions.append(index))
        library.play_chain_requested.emit(chain)
        await wait_until(lambda: positions == [0, 1, 2], timeout=20)
        sim = window.studio.simulator
        assert sim is not None
        assert sim.counts[CREATES[route]] == 3  # every create on the route the setting names


async def test_bridge_two_clips_from_the_library(qtbot: QtBot, tmp_path: Path) -> None:
    async with running_window(tmp_path) as window:
        a = await _ready(window, "sunrise over a harbor")
        b = await _ready(window, "night over the same harbor")
        window.studio.library.reload()
        menu = window.library.menu_for([a, b])
        next(x for x in menu.actions() if x.text().startswith("Bridge")).trigger()
        assert window.prompt_panel.extension_label.text().startswith("Bridges")
        bridge = await _send_with_prompt(window, qtbot, "the day passes")
        assert _last_body(window)["keyframes"] == {
            "frame0": {"type": "generation", "id": _uuid(a.generation_id)},
            "frame1": {"type": "generation", "id": _uuid(b.generation_id)},
        }
        assert bridge.parents == (a.generation_id, b.generation_id)


async def test_image_dropped_on_a_library_clip_extends_it(qtbot: QtBot, tmp_path: Path) -> None:
    async with running_window(tmp_path) as window:
        clip = await _ready(window, "a paper plane")
        window.side_tabs.setCurrentWidget(window.library)
        library = window.library
        window.studio.library.reload()
        view = library.view
        index = window.studio.library.index(window.studio.library.row_of(clip.local_id))
        await wait_until(lambda: view.indexAt(view.visualRect(index).center()) == index)
        mime = QMimeData()
        mime.setUrls(
            [
                QUrl.fromLocalFile(
                    str(png_file(tmp_path / "ending.png", (160, 90), QColor(220, 120, 30)))
                )
            ]
        )
        at = QPointF(view.visualRect(index).center())

        assert _drag_onto(view.viewport(), mime, at)
        await wait_until(lambda: window.studio.frame1.keyframe is not None)
        await _send_with_prompt(window, qtbot, "it lands on the orange card")
        body = _last_body(window)["keyframes"]
        assert body["frame0"] == {"type": "generation", "id": _uuid(clip.generation_id)}
        assert body["frame1"]["type"] == "image"
        assert body["frame1"]["url"].startswith("data:image/jpeg;base64,")

        # With Alt held: prepend instead (the clip starts from the image). The new clip
        # came in at the top of the library, so find the tile again.
        index = window.studio.library.index(window.studio.library.row_of(clip.local_id))
        await wait_until(lambda: view.indexAt(view.visualRect(index).center()) == index)
        at = QPointF(view.visualRect(index).center())
        assert _drag_onto(view.viewport(), mime, at, alt=True)
        await wait_until(lambda: window.studio.frame0.keyframe is not None)
        await wait_until(lambda: window.prompt_panel.extension_label.text().startswith("Starts"))
        await _send_with_prompt(window, qtbot, "it took off from the orange card")
        body = _last_body(window)["keyframes"]
        assert body["frame0"]["type"] == "image"
        assert body["frame1"] == {"type": "generation", "id": _uuid(clip.generation_id)}


async def test_clip_dragged_onto_a_slot_and_a_player_frame(qtbot: QtBot, tmp_path: Path) -> None:
    async with running_window(tmp_path) as window:
        clip = await _ready(window, "a spinning top")
        mime = window.studio.library.mimeData([window.studio.library.index(0)])
        assert mime.hasFormat(GENERATION_MIME)
        assert [u.toLocalFile() for u in mime.urls()] == [clip.video_path]  # drag out: a file
        slot = window.prompt_panel.slot1
        assert _drag_onto(slot, mime, QPointF(slot.width() / 2, slot.height() / 2))
        assert window.studio.frame1.keyframe is not None

        # The frame on screen in the player becomes the first frame.
        await wait_until(lambda: window.player.current_frame() is not None, timeout=15)
        window.player.frame_requested.emit(window.player.current_frame(), "frame0")
        await wait_until(lambda: window.studio.frame0.keyframe is not None)
        await _send_with_prompt(window, qtbot, "the top wobbles and falls")
        body = _last_body(window)["keyframes"]
        assert body["frame0"]["url"].startswith("data:image/")
        assert body["frame1"] == {"type": "generation", "id": _uuid(clip.generation_id)}


async def test_tray_message_when_the_window_is_not_focused(tmp_path: Path) -> None:
    async with running_window(tmp_path) as window:
        other = QWidget()
        other.show()
        other.activateWindow()
        await wait_until(lambda: not window.isActiveWindow())
        clip = await _ready(window, "a quiet pond")
        assert ("Clip ready", clip.prompt) in window.notifier.sent
        other.close()
        assert clip.status is JobStatus.READY
