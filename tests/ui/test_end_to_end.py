"""The real window, driven like a person: type, drop, generate, watch it play."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, QSize, Qt, QUrl
from PySide6.QtGui import QColor, QDragEnterEvent, QDropEvent, QImage
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from luma_desktop.bootstrap import Options, open_studio
from luma_desktop.core.jobs import JobStatus
from luma_desktop.sim import SimConfig
from luma_desktop.studio.job_model import JobRole
from luma_desktop.studio.session import Studio
from luma_desktop.ui.main_window import MainWindow
from luma_desktop.ui.theme import apply_dark_theme
from tests.ui.conftest import FrameCounter, png_file, wait_signal, wait_until

FAST = SimConfig(api_key=None, queued_seconds=0.1, dreaming_seconds=0.4, hold_seconds=5.0)


@contextlib.asynccontextmanager
async def running_window(tmp_path: Path) -> AsyncIterator[MainWindow]:
    """The real bootstrap and window in demo mode (inside the test's own coroutine:
    an async fixture's teardown would run outside the qasync loop)."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_dark_theme(app)
    app.setQuitOnLastWindowClosed(False)  # as the app does: closing must not stop the loop
    options = Options(demo=True, data_dir=tmp_path / "data", sim_config=FAST)
    async with open_studio(options) as studio:
        win = MainWindow(studio)
        win.show()
        win.activateWindow()  # shortcuts fire in the active window, as for a person
        await wait_until(win.isActiveWindow)
        studio.queue.load()
        yield win
        win.close()
        win.deleteLater()


def drop_files(target: QWidget, *paths: Path) -> None:
    """A real drag-and-drop of files, as a file manager sends it."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    point = QPointF(target.width() / 2, target.height() / 2)
    enter = QDragEnterEvent(
        point.toPoint(),  # drag events take whole pixels before PySide6 6.12
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(target, enter)
    assert enter.isAccepted(), "the slot refused the drag"
    drop = QDropEvent(
        point,
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(target, drop)


ROUTES = ("luma", "unified")
CREATES = {"luma": "create", "unified": "u_create"}  # the simulator's counter per route
MODEL_IDS = {"luma": "ray-2", "unified": "luma/ray-2"}


def use_route(window: MainWindow, route: str) -> None:
    """Settings → Gateway route, as the artist sets it (the engine follows the setting)."""
    window.studio.settings.update(route=route)
    assert window.studio.queue.engine.routes.choice.value == route


@pytest.mark.parametrize("route", ROUTES)
async def test_artist_generates_a_looping_clip_and_it_plays(
    qtbot: QtBot, tmp_path: Path, route: str
) -> None:
    async with running_window(tmp_path) as window:
        use_route(window, route)
        await _generate_looping_clip(window, qtbot, tmp_path, route)


async def _generate_looping_clip(
    window: MainWindow, qtbot: QtBot, tmp_path: Path, route: str = "unified"
) -> None:
    studio: Studio = window.studio
    sim = studio.simulator
    assert sim is not None
    panel = window.prompt_panel
    states: list[JobStatus] = []
    studio.queue.job_changed.connect(lambda job: states.append(job.status))
    frames = FrameCounter(window.player.video_sink())

    qtbot.mouseClick(panel.prompt_edit.viewport(), Qt.MouseButton.LeftButton)
    qtbot.keyClicks(panel.prompt_edit, "a lantern drifting on a night lake")
    qtbot.mouseClick(panel.loop_check, Qt.MouseButton.LeftButton)
    panel.aspect_combo.setCurrentText("9:16")
    drop_files(panel.slot0, png_file(tmp_path / "blue.png", (640, 360), QColor(30, 120, 200)))
    await wait_until(
        lambda: studio.frame0.keyframe is not None and panel.generate_button.isEnabled()
    )

    qtbot.keyClick(panel.prompt_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    (job,) = await wait_signal(studio.queue.job_ready, timeout=20)

    assert job.status is JobStatus.READY
    assert states[:2] == [JobStatus.SUBMITTING, JobStatus.QUEUED]
    assert JobStatus.DREAMING in states
    assert JobStatus.DOWNLOADING in states
    (body,) = sim.received_bodies
    assert body["prompt"] == "a lantern drifting on a night lake"
    assert body["aspect_ratio"] == "9:16"
    assert body["loop"] is True
    assert body["keyframes"]["frame0"]["type"] == "image"
    assert body["keyframes"]["frame0"]["url"].startswith("data:image/")
    assert "frame1" not in body["keyframes"]
    assert set(body) == {"prompt", "aspect_ratio", "loop", "model", "keyframes"}
    assert body["model"] == MODEL_IDS[route]
    assert sim.counts[CREATES[route]] == 1  # sent to the route the setting names
    assert studio.queue.engine.store.get(job.local_id).route == route

    # The finished clip plays by itself: decoded frames reach the player's sink.
    await wait_until(lambda: frames.count >= 5, timeout=15)
    assert frames.last_size == QSize(180, 320)  # the portrait sample clip
    assert window.player.current_path() == Path(job.video_path)
    # Its thumbnail is taken from a decoded frame and recorded in the store.
    store = studio.queue.engine.store
    await wait_until(lambda: store.get(job.local_id).thumb_path is not None, timeout=15)
    thumb = QImage(store.get(job.local_id).thumb_path or "")
    assert (thumb.width(), thumb.height()) == (51, 90)  # 9:16 at the thumbnail height
    # The Library tab's tile shows it at once, without a search or a restart.
    library = studio.library
    tile = library.index(library.row_of(job.local_id))
    assert tile.data(JobRole.RECORD).thumb_path == store.get(job.local_id).thumb_path
    await wait_until(lambda: tile.data(Qt.ItemDataRole.DecorationRole) is not None, timeout=5)
    assert window.windowTitle().endswith("Demo mode")
    assert window.demo_badge.isVisible()


async def test_double_ctrl_enter_asks_before_a_second_create(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    async with running_window(tmp_path) as window:
        await _double_submit(window, qtbot, monkeypatch)


async def _double_submit(window: MainWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    studio = window.studio
    asked: list[bool] = []

    def confirm_repeat() -> bool:
        asked.append(True)
        return False

    monkeypatch.setattr(window, "confirm_repeat", confirm_repeat)
    panel = window.prompt_panel
    qtbot.mouseClick(panel.prompt_edit.viewport(), Qt.MouseButton.LeftButton)
    qtbot.keyClicks(panel.prompt_edit, "the same shot twice")
    qtbot.keyClick(panel.prompt_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(panel.prompt_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    await wait_signal(studio.queue.job_ready, timeout=20)
    assert asked == [True]
    assert studio.simulator is not None
    assert studio.simulator.counts["create"] + studio.simulator.counts["u_create"] == 1


async def test_the_balance_shows_in_the_status_bar(tmp_path: Path) -> None:
    async with running_window(tmp_path) as window:
        await wait_until(lambda: window.balance_label.text().startswith("Balance "))
        assert "credits" in window.balance_label.text()
        sim = window.studio.simulator
        assert sim is not None
        assert sim.counts["balance"] == 1
