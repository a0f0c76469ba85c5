"""The job list: painted rows per status, the context menu, the keyboard, activation."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from PySide6.QtCore import QModelIndex, QPoint, QSize, Qt, QTimer, QUrl
from PySide6.QtGui import QColor, QContextMenuEvent, QDesktopServices, QGuiApplication, QImage
from PySide6.QtWidgets import QApplication, QMenu
from pytestqt.qtbot import QtBot

from luma_desktop.core.engine import JobEngine
from luma_desktop.core.jobs import JobRecord, JobStatus
from luma_desktop.core.store import JobStore
from luma_desktop.studio.errors import ErrorHub
from luma_desktop.studio.job_model import JobListModel, JobRole
from luma_desktop.studio.job_queue import JobQueue
from luma_desktop.studio.library_model import LibraryModel
from luma_desktop.studio.tasks import TaskGroup
from luma_desktop.ui.job_delegate import ROW_HEIGHT, JobDelegate
from luma_desktop.ui.job_list import JobListView

GEN_ID = "1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d"
OTHER_ID = "9a8b7c6d-5e4f-4a3b-9c1d-0e1f2a3b4c5e"
BASE = "http://127.0.0.1:9"


class Fixture:
    def __init__(self, store: JobStore, queue: JobQueue, view: JobListView) -> None:
        self.store = store
        self.queue = queue
        self.view = view

    def add(self, status: JobStatus, *, prompt: str = "a fox", **changes: Any) -> JobRecord:
        job = self.store.add(
            base_url=BASE,
            prompt=prompt,
            body={"prompt": prompt},
            parents=(),
            tokens=1,
            status=status,
        )
        if changes:
            job = self.store.update(job.local_id, **changes)
        self.queue.model.upsert(job)
        return job

    def index_of(self, job: JobRecord) -> QModelIndex:
        return self.queue.model.index(self.queue.model.row_of(job.local_id))


@pytest.fixture
def jobs(qtbot: QtBot, tmp_path: Path) -> Iterator[Fixture]:
    store = JobStore(tmp_path / "jobs.sqlite3")
    client = httpx.AsyncClient()
    engine = JobEngine(store, client, lambda: "key", tmp_path / "library", base_url=BASE)
    queue = JobQueue(engine, TaskGroup(), ErrorHub())
    view = JobListView(queue)
    qtbot.addWidget(view)
    view.resize(480, 400)
    yield Fixture(store, queue, view)
    queue.close()  # its once-a-second ticker stops with it (the leak check holds us to it)
    asyncio.run(client.aclose())  # nothing was sent: closing needs no running app loop
    store.close()


def action(menu: QMenu, text: str):  # type: ignore[no-untyped-def]
    found = [a for a in menu.actions() if a.text() == text]
    assert found, f"no menu item {text!r} in {[a.text() for a in menu.actions()]}"
    return found[0]


def enabled_items(menu: QMenu) -> set[str]:
    return {a.text() for a in menu.actions() if a.isEnabled() and not a.isSeparator()}


def test_empty_list_paints_the_hint(jobs: Fixture) -> None:
    image = jobs.view.grab().toImage()
    assert not image.isNull()
    # The hint is drawn in the placeholder color somewhere in the middle of the viewport.
    base = image.pixelColor(2, 2)
    middle = image.height() // 2
    row = [
        image.pixelColor(x, y)
        for y in range(middle - 20, middle + 20)
        for x in range(image.width())
    ]
    assert any(c != base for c in row)


def test_rows_paint_for_every_status(jobs: Fixture, tmp_path: Path) -> None:
    thumb = tmp_path / "thumb.png"
    picture = QImage(160, 90, QImage.Format.Format_RGB32)
    picture.fill(QColor("#3366cc"))
    assert picture.save(str(thumb))
    for status in JobStatus:
        jobs.add(status, prompt=f"{status.value} " + "long prompt " * 20)
    jobs.add(JobStatus.READY, video_path=str(tmp_path / "clip.mp4"), thumb_path=str(thumb))
    downloading = jobs.add(JobStatus.DOWNLOADING)
    jobs.queue.model.progress(downloading, 45, 100)
    jobs.view.resize(480, ROW_HEIGHT * (len(JobStatus) + 3))
    jobs.view.selectionModel().setCurrentIndex(
        jobs.index_of(downloading), jobs.view.selectionModel().SelectionFlag.ClearAndSelect
    )

    image = jobs.view.grab().toImage()

    assert not image.isNull()
    index = jobs.index_of(downloading)
    assert JobDelegate.lines(index)[1] == "downloading 45%"
    assert index.data(JobRole.PROGRESS) == pytest.approx(0.45)
    assert jobs.view.sizeHintForRow(0) == ROW_HEIGHT
    # Rows fit the viewport (long prompts elide) instead of scrolling sideways.
    assert jobs.view.visualRect(index).width() <= jobs.view.viewport().width()


def test_thumbnail_is_cached_and_scaled_for_the_screen(tmp_path: Path, qtbot: QtBot) -> None:
    thumb = tmp_path / "thumb.png"
    picture = QImage(320, 180, QImage.Format.Format_RGB32)
    picture.fill(QColor("#cc3333"))
    assert picture.save(str(thumb))
    delegate = JobDelegate()
    size = QSize(78, 44)

    sharp = delegate.pixmap(str(thumb), size, 2.0)

    assert sharp is not None
    assert sharp.devicePixelRatio() == 2.0
    assert sharp.width() == 156  # device pixels: crisp on a 2x screen
    assert delegate.pixmap(str(thumb), size, 2.0) is sharp
    assert delegate.pixmap(str(tmp_path / "missing.png"), size, 1.0) is None


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (
            JobStatus.READY,
            {
                "Play",
                "Extend forward",
                "Extend backward",
                "Copy generation id",
                "Reuse parameters",
                "Open containing folder",
                "Remove from list",
                "Clear finished",
            },
        ),
        (JobStatus.DREAMING, {"Stop tracking…", "Copy generation id", "Reuse parameters"}),
        (JobStatus.DOWNLOADING, {"Stop tracking…", "Copy generation id", "Reuse parameters"}),
        (JobStatus.UNKNOWN, {"Stop tracking…", "Adopt by id…", "Discard", "Reuse parameters"}),
        (
            JobStatus.FAILED,
            {
                "Copy generation id",
                "Reuse parameters",
                "Retry",
                "Remove from list",
                "Clear finished",
            },
        ),
        (
            JobStatus.ABANDONED,
            {"Copy generation id", "Reuse parameters", "Remove from list", "Clear finished"},
        ),
    ],
)
def test_menu_items_follow_the_status(jobs: Fixture, status: JobStatus, expected: set[str]) -> None:
    changes: dict[str, Any] = {} if status is JobStatus.UNKNOWN else {"generation_id": GEN_ID}
    if status is JobStatus.READY:
        changes["video_path"] = "/tmp/clip.mp4"
    job = jobs.add(status, **changes)

    assert enabled_items(jobs.view.menu_for(job)) == expected


def test_a_job_waiting_for_the_key_offers_settings(jobs: Fixture, qtbot: QtBot) -> None:
    job = jobs.add(JobStatus.DREAMING, generation_id=GEN_ID, error_kind="auth")

    with qtbot.waitSignal(jobs.view.open_settings_requested):
        action(jobs.view.menu_for(job), "Open Settings…").trigger()


def test_stop_tracking_abandons_after_confirm(
    jobs: Fixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    job = jobs.add(JobStatus.DREAMING, generation_id=GEN_ID)
    asked: list[str] = []

    def confirm(title: str, text: str) -> bool:
        asked.append(text)
        return True

    monkeypatch.setattr(jobs.view, "confirm", confirm)

    action(jobs.view.menu_for(job), "Stop tracking…").trigger()

    assert "no cancel" in asked[0]
    assert "credits" in asked[0]
    assert jobs.store.get(job.local_id).status is JobStatus.ABANDONED
    assert jobs.queue.model.job(job.local_id).status is JobStatus.ABANDONED  # type: ignore[union-attr]


def test_stop_tracking_cancelled_keeps_the_job(
    jobs: Fixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    job = jobs.add(JobStatus.QUEUED, generation_id=GEN_ID)
    monkeypatch.setattr(jobs.view, "confirm", lambda title, text: False)

    action(jobs.view.menu_for(job), "Stop tracking…").trigger()

    assert jobs.store.get(job.local_id).status is JobStatus.QUEUED


def test_delete_key_stops_tracking_the_current_job(
    jobs: Fixture, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    job = jobs.add(JobStatus.DREAMING, generation_id=GEN_ID)
    monkeypatch.setattr(jobs.view, "confirm", lambda title, text: True)
    jobs.view.setCurrentIndex(jobs.index_of(job))

    qtbot.keyClick(jobs.view, Qt.Key.Key_Delete)

    assert jobs.store.get(job.local_id).status is JobStatus.ABANDONED


def test_discard_unknown_after_confirm(jobs: Fixture, monkeypatch: pytest.MonkeyPatch) -> None:
    job = jobs.add(JobStatus.UNKNOWN)
    monkeypatch.setattr(jobs.view, "confirm", lambda title, text: True)

    action(jobs.view.menu_for(job), "Discard").trigger()

    # "forget this request", as the dialog says: no row left behind as "abandoned"
    assert jobs.store.count() == 0
    assert jobs.queue.model.rowCount() == 0


def test_adopt_with_a_bad_id_refuses(jobs: Fixture, monkeypatch: pytest.MonkeyPatch) -> None:
    job = jobs.add(JobStatus.UNKNOWN)
    told: list[str] = []
    adopted: list[tuple[str, str]] = []
    monkeypatch.setattr(jobs.view, "ask_text", lambda title, label: "gen-42 from the dashboard")
    monkeypatch.setattr(jobs.view, "inform", lambda title, text: told.append(text))
    monkeypatch.setattr(jobs.queue, "adopt", lambda local_id, gid: adopted.append((local_id, gid)))

    action(jobs.view.menu_for(job), "Adopt by id…").trigger()

    assert adopted == []
    assert told
    assert "not a generation id" in told[0]


def test_adopt_with_an_id_already_listed_refuses(
    jobs: Fixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    jobs.add(JobStatus.READY, generation_id=GEN_ID)
    job = jobs.add(JobStatus.UNKNOWN)
    told: list[str] = []
    adopted: list[tuple[str, str]] = []
    monkeypatch.setattr(jobs.view, "ask_text", lambda title, label: GEN_ID)
    monkeypatch.setattr(jobs.view, "inform", lambda title, text: told.append(text))
    monkeypatch.setattr(jobs.queue, "adopt", lambda local_id, gid: adopted.append((local_id, gid)))

    jobs.view.adopt(job)

    assert adopted == []
    assert told


def test_adopt_with_a_good_id_goes_to_the_queue(
    jobs: Fixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    job = jobs.add(JobStatus.UNKNOWN)
    adopted: list[tuple[str, str]] = []
    monkeypatch.setattr(jobs.view, "ask_text", lambda title, label: f"  {OTHER_ID}\n")
    monkeypatch.setattr(jobs.queue, "adopt", lambda local_id, gid: adopted.append((local_id, gid)))

    action(jobs.view.menu_for(job), "Adopt by id…").trigger()

    assert adopted == [(job.local_id, OTHER_ID)]


def test_adopt_cancelled_does_nothing(jobs: Fixture, monkeypatch: pytest.MonkeyPatch) -> None:
    job = jobs.add(JobStatus.UNKNOWN)
    monkeypatch.setattr(jobs.view, "ask_text", lambda title, label: None)
    monkeypatch.setattr(jobs.queue, "adopt", lambda local_id, gid: pytest.fail("adopted"))

    jobs.view.adopt(job)


def test_copy_id_by_menu_and_by_ctrl_c(jobs: Fixture, qtbot: QtBot) -> None:
    job = jobs.add(JobStatus.READY, generation_id=GEN_ID, video_path="/tmp/clip.mp4")
    clipboard = QGuiApplication.clipboard()
    clipboard.clear()

    action(jobs.view.menu_for(job), "Copy generation id").trigger()
    assert clipboard.text() == GEN_ID

    clipboard.clear()
    jobs.view.setCurrentIndex(jobs.index_of(job))
    qtbot.keyClick(jobs.view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert clipboard.text() == GEN_ID


def test_reuse_emits_the_job(jobs: Fixture, qtbot: QtBot) -> None:
    job = jobs.add(JobStatus.FAILED, generation_id=GEN_ID)

    with qtbot.waitSignal(jobs.view.reuse_requested) as signal:
        action(jobs.view.menu_for(job), "Reuse parameters").trigger()

    assert signal.args[0].local_id == job.local_id


def test_open_containing_folder(
    jobs: Fixture, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    clip = tmp_path / "library" / "clip.mp4"
    job = jobs.add(JobStatus.READY, generation_id=GEN_ID, video_path=str(clip))
    opened: list[QUrl] = []

    def open_url(url: QUrl) -> bool:
        opened.append(url)
        return True

    monkeypatch.setattr(QDesktopServices, "openUrl", open_url)

    action(jobs.view.menu_for(job), "Open containing folder").trigger()

    assert [u.toLocalFile() for u in opened] == [str(clip.parent)]


def test_activation_of_a_ready_row_asks_to_play(jobs: Fixture, qtbot: QtBot) -> None:
    ready = jobs.add(JobStatus.READY, generation_id=GEN_ID, video_path="/tmp/clip.mp4")
    index = jobs.index_of(ready)

    with qtbot.waitSignal(jobs.view.play_requested) as signal:
        jobs.view.activated.emit(index)
    assert signal.args[0].local_id == ready.local_id

    jobs.view.setCurrentIndex(index)
    with qtbot.waitSignal(jobs.view.play_requested):
        qtbot.keyClick(jobs.view, Qt.Key.Key_Return)  # Enter on the current row


def test_double_click_plays_and_selection_of_a_running_job_does_not(
    jobs: Fixture, qtbot: QtBot
) -> None:
    running = jobs.add(JobStatus.DREAMING, generation_id=OTHER_ID)
    ready = jobs.add(JobStatus.READY, generation_id=GEN_ID, video_path="/tmp/clip.mp4")
    jobs.view.show()
    qtbot.waitExposed(jobs.view)
    played: list[JobRecord] = []
    jobs.view.play_requested.connect(played.append)

    centre = jobs.view.visualRect(jobs.index_of(running)).center()
    qtbot.mouseClick(jobs.view.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    assert played == []

    centre = jobs.view.visualRect(jobs.index_of(ready)).center()
    qtbot.mouseDClick(jobs.view.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    assert played
    assert all(j.local_id == ready.local_id for j in played)


def test_selecting_a_ready_row_asks_to_play(jobs: Fixture, qtbot: QtBot) -> None:
    ready = jobs.add(JobStatus.READY, generation_id=GEN_ID, video_path="/tmp/clip.mp4")

    with qtbot.waitSignal(jobs.view.play_requested):
        jobs.view.setCurrentIndex(jobs.index_of(ready))


def test_context_menu_opens_on_right_click(jobs: Fixture, qtbot: QtBot) -> None:
    job = jobs.add(JobStatus.UNKNOWN)
    shown: list[set[str]] = []

    def read_and_close_menu() -> None:
        menu = QApplication.activePopupWidget()
        assert isinstance(menu, QMenu)
        shown.append(enabled_items(menu))
        menu.close()

    jobs.view.show()
    qtbot.waitExposed(jobs.view)
    centre = jobs.view.visualRect(jobs.index_of(job)).center()
    QTimer.singleShot(0, read_and_close_menu)  # runs inside the menu's own event loop
    jobs.view.contextMenuEvent(QContextMenuEvent(QContextMenuEvent.Reason.Mouse, centre, centre))

    assert shown == [{"Stop tracking…", "Adopt by id…", "Discard", "Reuse parameters"}]


def test_no_menu_below_the_last_row(jobs: Fixture, qtbot: QtBot) -> None:
    jobs.add(JobStatus.UNKNOWN)
    jobs.view.show()
    qtbot.waitExposed(jobs.view)
    empty = QPoint(5, jobs.view.viewport().height() - 5)
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, empty, empty)

    jobs.view.contextMenuEvent(event)  # would block in exec() if a menu opened

    assert QApplication.activePopupWidget() is None


def test_drag_is_set_up(jobs: Fixture) -> None:
    view = jobs.view
    assert view.dragEnabled()
    assert view.dragDropMode() is view.DragDropMode.DragOnly
    ready = jobs.add(JobStatus.READY, generation_id=GEN_ID, video_path="/tmp/clip.mp4")
    assert jobs.queue.model.flags(jobs.index_of(ready)) & Qt.ItemFlag.ItemIsDragEnabled


def test_a_changed_row_repaints_alone_not_the_rows_between(
    jobs: Fixture, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two downloads' progress far apart: only their two rows are painted again (Qt's
    list repainted every row on screen for any one row's change)."""
    added = [jobs.add(JobStatus.READY, prompt=f"clip {n}") for n in range(6)]
    delegate = jobs.view.itemDelegate()
    assert isinstance(delegate, JobDelegate)
    painted: list[int] = []
    paint_item = delegate.paint_item

    def counting(painter: Any, option: Any, index: Any, selected: bool) -> None:
        painted.append(index.row())
        paint_item(painter, option, index, selected)

    monkeypatch.setattr(delegate, "paint_item", counting)
    jobs.view.show()
    qtbot.waitExposed(jobs.view)
    qtbot.waitUntil(lambda: len(set(painted)) == len(added))  # shown: every row once
    for _ in range(3):
        QApplication.processEvents()  # and the list's own delayed layout and repaint
    painted.clear()
    first, last = added[0], added[-1]
    jobs.queue.model.note(first.local_id, "retrying in 3 s")
    jobs.queue.model.note(last.local_id, "retrying in 3 s")
    wanted = {jobs.queue.model.row_of(first.local_id), jobs.queue.model.row_of(last.local_id)}
    qtbot.waitUntil(lambda: wanted <= set(painted))
    QApplication.processEvents()
    assert sorted(painted) == sorted(wanted)


def test_finished_rows_are_cleared_off_the_list_and_stay_in_the_library(
    jobs: Fixture, qtbot: QtBot
) -> None:
    ready = jobs.add(JobStatus.READY, generation_id=GEN_ID, video_path="/tmp/clip.mp4")
    failed = jobs.add(JobStatus.FAILED, prompt="a failed fox")
    abandoned = jobs.add(JobStatus.ABANDONED, prompt="an abandoned fox")
    running = jobs.add(JobStatus.DREAMING, prompt="a running fox", generation_id=OTHER_ID)
    library = LibraryModel(jobs.queue.engine)
    jobs.queue.engine.subscribe(library.apply)
    library.reload()
    assert library.rowCount() == 4

    # one row: the Delete key (before: it did nothing on a finished row)
    jobs.view.setCurrentIndex(jobs.index_of(ready))
    qtbot.keyClick(jobs.view, Qt.Key.Key_Delete)
    assert jobs.queue.model.job(ready.local_id) is None
    assert library.find(ready.local_id) is not None  # the clip stays in the library
    assert jobs.store.get(ready.local_id).cleared_at is not None  # and stays cleared

    # the rest: "Clear finished" from any row's menu; the running job stays
    action(jobs.view.menu_for(running), "Clear finished").trigger()
    assert [j.local_id for j in jobs.queue.model.jobs()] == [running.local_id]
    assert {failed.local_id, abandoned.local_id} <= {
        j.local_id for j in jobs.store.search("") if j.cleared_at is not None
    }
    assert library.rowCount() == 4

    # at the next start the cleared rows are not listed again
    again = JobListModel()
    for job in jobs.store.recent():
        again.upsert(job)
    assert [j.local_id for j in again.jobs()] == [running.local_id]
