"""Resume is the engine's, for both faces: staggered, a few at a time, one tracker per
job. The window's start-up shows lost creates as unknown before anything is sent."""

from __future__ import annotations

import asyncio

import pytest

from luma_desktop.core.engine import JobEngine
from luma_desktop.core.jobs import JobRecord, JobStatus
from luma_desktop.studio.job_queue import JobQueue
from tests.studio.conftest import Jobs, PlannedSleep


class HeldTracking:
    """Stands in for the engine's polling: each tracked job waits until released."""

    def __init__(self, engine: JobEngine) -> None:
        self.engine = engine
        self.running: set[str] = set()
        self.started: list[str] = []
        self.peak = 0
        self.release = asyncio.Event()

    async def track(self, local_id: str) -> JobRecord:
        self.started.append(local_id)
        self.running.add(local_id)
        self.peak = max(self.peak, len(self.running))
        await self.release.wait()
        self.running.discard(local_id)
        return self.engine.store.get(local_id)


async def settle() -> None:
    """Let every ready task run until all wait on something (no wall time passes)."""
    for _ in range(50):
        await asyncio.sleep(0)


@pytest.fixture
def held(engine: JobEngine, monkeypatch: pytest.MonkeyPatch) -> HeldTracking:
    held = HeldTracking(engine)
    monkeypatch.setattr(engine, "_track", held.track)
    return held


async def test_the_window_resumes_staggered_and_gated(
    queue: JobQueue, jobs: Jobs, held: HeldTracking, sleep: PlannedSleep
) -> None:
    active = [jobs.add(JobStatus.DREAMING, prompt=f"job {n}") for n in range(5)]
    queue.load()
    await settle()
    assert sleep.delays == [0.0, 0.5, 1.0, 1.5, 2.0]  # the policy's stagger
    assert held.running == {active[0].local_id, active[1].local_id}  # the policy's gate: 2
    queue.track(active[0].local_id)  # a retry racing the resume
    await settle()
    assert held.started.count(active[0].local_id) == 1
    held.release.set()
    await settle()
    assert sorted(held.started) == sorted(j.local_id for j in active)
    assert held.peak == 2


async def test_one_tracker_per_job(engine: JobEngine, jobs: Jobs, held: HeldTracking) -> None:
    job = jobs.add(JobStatus.QUEUED)
    first = asyncio.ensure_future(engine.track(job.local_id))
    await settle()
    assert engine.is_tracking(job.local_id)
    again = await engine.track(job.local_id)  # returns at once with the current record
    assert again.status is JobStatus.QUEUED
    held.release.set()
    await first
    assert held.started == [job.local_id]
    assert not engine.is_tracking(job.local_id)


async def test_start_up_shows_lost_creates_as_unknown(
    queue: JobQueue, jobs: Jobs, held: HeldTracking
) -> None:
    lost = jobs.add(JobStatus.SUBMITTING)
    queue.load()
    shown = queue.model.job(lost.local_id)
    assert shown is not None
    assert shown.status is JobStatus.UNKNOWN
    assert held.started == []  # never sent again
