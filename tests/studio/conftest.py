"""Studio fixtures: the real engine and store, the studio's models wired as the
bootstrap wires them, and no network (these tests feed the models engine events)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx
import pytest
import shiboken6
from PySide6.QtCore import QObject
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication

from luma_desktop.core.engine import JobEngine
from luma_desktop.core.events import JobEvent
from luma_desktop.core.jobs import JobRecord, JobStatus
from luma_desktop.core.policy import PollPolicy
from luma_desktop.core.store import JobStore
from luma_desktop.studio.errors import ErrorHub
from luma_desktop.studio.job_queue import JobQueue
from luma_desktop.studio.library_model import LibraryModel
from luma_desktop.studio.tasks import TaskGroup
from luma_desktop.studio.thumbnails import ThumbnailMaker
from tests import leaks

BASE = "http://127.0.0.1:9"  # never reached: nothing here polls


class PlannedSleep:
    """The policy's sleep: records each planned delay, passes no wall time."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)
        await asyncio.sleep(0)


class InstantThumbnails(ThumbnailMaker):
    """Makes a thumbnail file at once instead of decoding the clip."""

    def __init__(self, folder: Path) -> None:
        super().__init__(folder)
        self.asked: list[str] = []

    def request(self, key: str, video: Path) -> None:
        self.asked.append(key)
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{video.stem}.jpg"
        image = QImage(160, 90, QImage.Format.Format_RGB32)
        image.fill(QColor(40, 90, 160))
        assert image.save(str(path))
        self.made.emit(key, str(path))


class Jobs:
    """Rows as the engine would have left them (set up directly in the store)."""

    def __init__(self, store: JobStore, folder: Path) -> None:
        self.store = store
        self.folder = folder

    def add(
        self, status: JobStatus = JobStatus.READY, prompt: str = "a heron at dawn", **changes: Any
    ) -> JobRecord:
        job = self.store.add(
            base_url=BASE,
            prompt=prompt,
            body={"prompt": prompt},
            parents=(),
            tokens=500_000,
            status=status,
            generation_id=None if status is JobStatus.SUBMITTING else str(uuid4()),
        )
        if status is JobStatus.READY and "video_path" not in changes:
            video = self.folder / f"{job.local_id[:8]}.mp4"
            self.folder.mkdir(parents=True, exist_ok=True)
            video.write_bytes(b"\0\0\0\x18ftypmp42")
            changes["video_path"] = str(video)
        return self.store.update(job.local_id, **changes) if changes else job


@pytest.fixture
def store(tmp_path: Path) -> Iterator[JobStore]:
    store = JobStore(tmp_path / "jobs.sqlite3")
    yield store
    store.close()


@pytest.fixture
def sleep() -> PlannedSleep:
    return PlannedSleep()


@pytest.fixture
def engine(store: JobStore, tmp_path: Path, sleep: PlannedSleep) -> JobEngine:
    policy = PollPolicy(resume_stagger=0.5, max_resumes_at_once=2, sleep=sleep)
    return JobEngine(
        store,
        httpx.AsyncClient(),
        lambda: "key",
        tmp_path / "library",
        base_url=BASE,
        policy=policy,
    )


@pytest.fixture
def events(engine: JobEngine) -> list[JobEvent]:
    seen: list[JobEvent] = []
    engine.subscribe(seen.append)
    return seen


@pytest.fixture
def jobs(store: JobStore, tmp_path: Path) -> Jobs:
    return Jobs(store, tmp_path / "library")


@pytest.fixture
def root(qapp: QApplication) -> Iterator[QObject]:
    """Owns the studio objects, deleted at the end on this thread (as the bootstrap does)."""
    root = QObject()
    yield root
    shiboken6.delete(root)


@pytest.fixture
def library(engine: JobEngine, root: QObject) -> Iterator[LibraryModel]:
    model = LibraryModel(engine, parent=root)
    unsubscribe = engine.subscribe(model.apply)  # as the bootstrap wires it
    model.reload()
    yield model
    unsubscribe()
    model.thumbnails.wait_idle()


@pytest.fixture
async def queue(engine: JobEngine, root: QObject, tmp_path: Path) -> AsyncIterator[JobQueue]:
    errors = ErrorHub(root)
    tasks = TaskGroup(on_error=errors.report_exception)
    queue = JobQueue(engine, tasks, errors, InstantThumbnails(tmp_path / "thumbs"), root)
    yield queue
    await tasks.close()
    queue.close()


@pytest.fixture(autouse=True)
def nothing_leaks(qapp: QApplication) -> Iterator[None]:
    """The studio's models are held to the UI tests' rule: nothing left running."""
    with leaks.nothing_left_behind(qapp):
        yield
