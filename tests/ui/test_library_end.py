"""The end of a long library is read ahead: after the first screen, the last screen's
records and pictures are loaded in idle time (bounded), so Ctrl+End or the scrollbar
dragged to the bottom shows pictures at once."""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from uuid import uuid4

import httpx
import pytest
from PySide6.QtCore import QEvent, QItemSelectionModel, Qt
from PySide6.QtGui import QColor, QImage, QKeyEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from luma_desktop.core.engine import JobEngine
from luma_desktop.core.jobs import JobRecord, JobStatus
from luma_desktop.core.store import JobStore
from luma_desktop.studio import library_model as model_module
from luma_desktop.studio.job_model import JobRole
from luma_desktop.studio.library_model import PREFETCH_MOST, LibraryModel
from luma_desktop.studio.thumbnail_cache import ThumbnailCache
from luma_desktop.ui.library_view import LibraryPanel

BASE = "http://127.0.0.1:9"
CLIPS = 600  # three pages of records, far more tiles than a screen


@pytest.fixture
def store(tmp_path: Path) -> Iterator[JobStore]:
    store = JobStore(tmp_path / "jobs.sqlite3")
    picture = QImage(160, 90, QImage.Format.Format_RGB32)
    picture.fill(QColor(200, 80, 40))
    store._db.execute("BEGIN")
    for n in range(CLIPS):
        thumb = tmp_path / f"{n}.jpg"
        assert picture.save(str(thumb))
        job = store.add(
            base_url=BASE,
            prompt=f"clip {n} of a long night",
            body={"prompt": "x", "model": "ray-2"},
            parents=[],
            tokens=500_000,
            status=JobStatus.READY,
            generation_id=str(uuid4()),
        )
        store.update(job.local_id, video_path=str(tmp_path / f"{n}.mp4"), thumb_path=str(thumb))
    store._db.execute("COMMIT")
    yield store
    store.close()


def open_library(
    qtbot: QtBot, store: JobStore, tmp_path: Path, capacity: int = 1500
) -> tuple[LibraryModel, LibraryPanel]:
    engine = JobEngine(store, httpx.AsyncClient(), lambda: "key", tmp_path / "lib", base_url=BASE)
    model = LibraryModel(engine, ThumbnailCache(capacity=capacity))
    panel = LibraryPanel(model)
    qtbot.addWidget(panel)
    panel.resize(900, 640)
    panel.show()
    qtbot.waitExposed(panel)
    return model, panel


def picture_of(model: LibraryModel, row: int) -> str:
    job = model.job_at(row)
    assert job is not None
    assert job.thumb_path
    return job.thumb_path


def settle(model: LibraryModel) -> None:
    model.thumbnails.wait_idle()
    QApplication.processEvents()


def test_the_last_screen_is_read_ahead_after_the_first_paint(
    qtbot: QtBot, store: JobStore, tmp_path: Path
) -> None:
    model, panel = open_library(qtbot, store, tmp_path)
    view = panel.view
    last = model.rowCount() - 1
    end = view.end_rows()
    assert last in end
    assert len(end) < 100
    # No scrolling: the end's pictures come on their own, once the first screen is up.
    qtbot.waitUntil(lambda: model.thumbnails.has(picture_of(model, last)))
    qtbot.waitUntil(lambda: all(model.thumbnails.has(picture_of(model, r)) for r in end))
    settle(model)
    # Ctrl+End: the first paint of the end has every picture (nothing is asked for).
    view.setFocus()
    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        QApplication.sendEvent(
            view, QKeyEvent(kind, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
        )
    assert view.currentIndex().row() == last
    assert not view.grab().isNull()
    assert not model.thumbnails.loading()
    settle(model)


def test_reading_ahead_keeps_the_cache_bounded(
    qtbot: QtBot, store: JobStore, tmp_path: Path
) -> None:
    model, _panel = open_library(qtbot, store, tmp_path, capacity=40)
    qtbot.waitUntil(lambda: model.thumbnails.has(picture_of(model, CLIPS - 1)))
    settle(model)
    assert len(model.thumbnails) <= 40
    # Asked for more than a screen, the model reads PREFETCH_MOST rows ahead at most.
    model.prefetch(range(0, CLIPS))
    settle(model)
    assert len(model.thumbnails) <= 40
    assert not model.thumbnails.has(picture_of(model, PREFETCH_MOST))


def test_a_tile_s_facts_follow_its_record(qtbot: QtBot, store: JobStore, tmp_path: Path) -> None:
    model, _panel = open_library(qtbot, store, tmp_path)
    index = model.index(0)
    job = index.data(JobRole.RECORD)
    assert isinstance(job, JobRecord)
    assert "~" in index.data(JobRole.DETAILS)  # the estimate, until the gateway says
    model.upsert(dataclasses.replace(job, cost_credits=12.0))
    assert "~" not in index.data(JobRole.DETAILS)  # the facts are not kept past a change
    settle(model)


def test_rows_stay_right_as_clips_come_and_go(
    qtbot: QtBot, store: JobStore, tmp_path: Path
) -> None:
    model, _panel = open_library(qtbot, store, tmp_path)
    ids = [model.job_at(r).local_id for r in (0, 1, CLIPS - 1)]  # type: ignore[union-attr]
    new = store.add(
        base_url=BASE, prompt="newest", body={"prompt": "x"}, parents=[], tokens=1,
        status=JobStatus.READY, generation_id=str(uuid4()),
    )  # fmt: skip
    model.upsert(new)
    assert [model.row_of(i) for i in ids] == [1, 2, CLIPS]
    model.remove(ids[0])
    assert [model.row_of(i) for i in ids[1:]] == [1, CLIPS - 1]
    settle(model)


def test_laying_out_the_grid_calls_no_python_per_row(
    qtbot: QtBot, store: JobStore, tmp_path: Path
) -> None:
    """Qt asks for an index four times a tile while laying out; each ask ran the
    model's Python ``rowCount`` (400,000 calls, ~0.3 s, at 100,000 clips)."""
    model, panel = open_library(qtbot, store, tmp_path)
    here = Path(model_module.__file__).resolve()
    calls = 0

    def count(frame: FrameType, event: str, _arg: object) -> None:
        nonlocal calls
        if event == "call" and Path(frame.f_code.co_filename).resolve() == here:
            calls += 1

    sys.setprofile(count)
    try:
        panel.view.doItemsLayout()  # every tile placed again, as on a resize or a new clip
    finally:
        sys.setprofile(None)
    assert calls < CLIPS // 2  # at most the tiles it paints, never one call per row
    settle(model)


def test_a_removed_clip_leaves_the_selection_with_the_right_ones(
    qtbot: QtBot, store: JobStore, tmp_path: Path
) -> None:
    model, panel = open_library(qtbot, store, tmp_path)
    selection = panel.view.selectionModel()
    for row in (0, 1, 2):
        selection.select(model.index(row), QItemSelectionModel.SelectionFlag.Select)
    first, second, third = (model.job_at(r) for r in (0, 1, 2))
    assert first is not None
    assert second is not None
    assert third is not None
    model.remove(second.local_id)  # the rows read while it goes are the old ones
    assert [j.local_id for j in panel.selected_jobs()] == [first.local_id, third.local_id]
    assert model.rowCount() == CLIPS - 1
    assert not model.flags(model.index(0)) & Qt.ItemFlag.ItemIsEditable  # tiles are no text
    settle(model)
