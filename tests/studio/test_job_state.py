"""Job state has one writer (the engine) and one feed (its events): the job list and
the library follow every change without reloading, thumbnails included."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from luma_desktop.core.engine import JobEngine
from luma_desktop.core.events import EventKind, JobEvent
from luma_desktop.core.jobs import JobErrorKind, JobStatus
from luma_desktop.core.store import JobStore
from luma_desktop.studio.job_queue import JobQueue
from luma_desktop.studio.library_model import PAGE, LibraryModel
from tests.studio.conftest import Jobs


def test_a_thumbnail_reaches_the_library_tile_at_once(
    engine: JobEngine, library: LibraryModel, jobs: Jobs, qtbot: QtBot
) -> None:
    job = jobs.add(JobStatus.READY)
    library.reload()
    row = library.row_of(job.local_id)
    assert library.job_at(row).thumb_path is None  # type: ignore[union-attr]
    changed: list[int] = []
    library.dataChanged.connect(lambda first, _last, _roles: changed.append(first.row()))
    engine.set_thumbnail(job.local_id, "/thumbs/heron.jpg")
    assert library.job_at(row).thumb_path == "/thumbs/heron.jpg"  # type: ignore[union-attr]
    assert changed == [row]


async def test_a_clip_finished_in_this_session_gets_its_tile_thumbnail(
    engine: JobEngine, library: LibraryModel, queue: JobQueue, jobs: Jobs, store: JobStore
) -> None:
    """The whole path: the clip lands, the queue asks for a thumbnail, the engine records
    it, and both models show it without a reload."""
    job = jobs.add(JobStatus.DOWNLOADING, video_path=str(jobs.folder / "clip.mp4"))
    ready: list[object] = []
    queue.job_ready.connect(ready.append)
    finished = engine.mark_downloaded(store.get(job.local_id))
    thumb = store.get(job.local_id).thumb_path
    assert thumb is not None
    assert Path(thumb).is_file()
    tile = library.job_at(library.row_of(job.local_id))
    assert tile is not None
    assert tile.thumb_path == thumb
    listed = queue.model.job(job.local_id)
    assert listed is not None
    assert listed.thumb_path == thumb
    assert ready == [finished]  # the thumbnail is not a second "ready"


def test_the_library_follows_changes_and_removals(
    engine: JobEngine, library: LibraryModel, jobs: Jobs
) -> None:
    library.reload(text="heron")
    heron = jobs.add(JobStatus.DREAMING)
    fox = jobs.add(JobStatus.DREAMING, prompt="a fox")
    engine.emit(JobEvent.changed(heron))
    engine.emit(JobEvent.changed(fox))  # hidden by the search
    assert [library.job_at(r) for r in range(library.rowCount())] == [heron]
    engine.abandon(heron.local_id)
    assert library.job_at(0).status is JobStatus.ABANDONED  # type: ignore[union-attr]
    assert engine.delete(heron.local_id) is None
    assert library.rowCount() == 0


def test_deleting_from_the_library_goes_through_the_engine(
    engine: JobEngine,
    library: LibraryModel,
    queue: JobQueue,
    jobs: Jobs,
    store: JobStore,
    events: list[JobEvent],
) -> None:
    job = jobs.add(JobStatus.READY, thumb_path=str(jobs.folder / "t.jpg"))
    (jobs.folder / "t.jpg").write_bytes(b"jpg")
    running = jobs.add(JobStatus.DREAMING)
    queue.model.upsert(job)
    library.reload()
    assert library.delete([job, running]) == []  # a running job is not deletable
    assert not Path(job.video_path or "").exists()
    assert not (jobs.folder / "t.jpg").exists()
    assert store.count() == 1
    assert library.row_of(job.local_id) == -1
    assert queue.model.job(job.local_id) is None  # the job list follows the same event
    assert [e.kind for e in events] == [EventKind.REMOVED]


def test_the_job_list_model_reads_progress_and_retries(
    engine: JobEngine, queue: JobQueue, jobs: Jobs
) -> None:
    job = jobs.add(JobStatus.DOWNLOADING)
    engine.emit(JobEvent.progress(job, 50, 100))  # not listed yet: nothing to show it on
    assert queue.model.rowCount() == 0
    engine.emit(JobEvent.changed(job))
    engine.emit(JobEvent.progress(job, 50, 100))
    assert "50%" in str(queue.model.data(queue.model.index(0), _state_role()))
    engine.emit(JobEvent.retrying(job, JobErrorKind.NETWORK, "Offline.", 4.0))
    assert "retrying in 4 s" in str(queue.model.data(queue.model.index(0), _state_role()))


def test_lineage_questions_are_answered_by_the_library(library: LibraryModel, jobs: Jobs) -> None:
    first = jobs.add(JobStatus.READY, prompt="first")
    assert first.generation_id is not None
    body = {
        "prompt": "second",
        "keyframes": {"frame0": {"type": "generation", "id": first.generation_id}},
    }
    second = jobs.store.add(
        base_url=first.base_url,
        prompt="second",
        body=body,
        parents=[first.generation_id],
        tokens=1,
        status=JobStatus.READY,
        generation_id="gen-second",
    )
    assert library.find_generation(first.generation_id) == first
    assert library.relatives(second).extends == [first]
    assert [j.local_id for j in library.chain(second)] == [first.local_id, second.local_id]
    assert library.find("no such job") is None


def _state_role() -> int:
    from luma_desktop.studio.job_model import JobRole

    return int(JobRole.STATE_TEXT)


def test_a_long_library_loads_its_records_a_page_at_a_time(
    store: JobStore, library: LibraryModel, jobs: Jobs, qtbot: QtBot
) -> None:
    added = [jobs.add(JobStatus.READY, prompt=f"clip {n}") for n in range(PAGE + 5)]
    library.reload()
    assert library.rowCount() == PAGE + 5
    last = library.job_at(PAGE + 4)  # newest first: the oldest, on the second page
    assert last is not None
    assert last.local_id == added[0].local_id
    assert library.row_of(added[-1].local_id) == 0
    newest = jobs.add(JobStatus.READY, prompt="clip new")
    library.upsert(newest)
    assert library.row_of(newest.local_id) == 0
    assert library.row_of(added[0].local_id) == PAGE + 5
    changed: list[int] = []
    library.dataChanged.connect(lambda first, _last, _roles: changed.append(first.row()))
    thumb = str(jobs.folder / "oldest.jpg")
    library.upsert(store.update(added[0].local_id, thumb_path=thumb))
    library._thumbnail_loaded(thumb)  # what the cache says when the picture is in
    qtbot.waitUntil(lambda: len(changed) == 2)
    assert changed == [PAGE + 5, PAGE + 5]


def test_pictures_arriving_together_repaint_the_grid_once(
    store: JobStore, library: LibraryModel, jobs: Jobs, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Thumbnails come one by one from the loader threads; the grid repaints every tile
    on screen for any change, so the tiles whose pictures came are told as one change
    once the last picture asked for is in (the first screen repainted once per tile)."""
    added = []
    for n in range(6):
        job = jobs.add(JobStatus.READY, prompt=f"clip {n}")
        added.append(store.update(job.local_id, thumb_path=str(jobs.folder / f"{n}.jpg")))
    library.reload()
    for row in range(library.rowCount()):
        library.job_at(row)  # shown: their records (and thumbnail paths) are loaded
    changed: list[tuple[int, int]] = []
    library.dataChanged.connect(lambda a, b, _roles: changed.append((a.row(), b.row())))
    still_loading = [True]
    monkeypatch.setattr(library.thumbnails, "loading", lambda: still_loading[0])
    for job in added[1:3]:
        library._thumbnail_loaded(job.thumb_path or "")
    assert changed == []  # more pictures are on their way
    still_loading[0] = False
    library._thumbnail_loaded(added[3].thumb_path or "")  # the last one asked for
    rows = sorted(library.row_of(job.local_id) for job in added[1:4])
    assert changed == [(rows[0], rows[-1])]
