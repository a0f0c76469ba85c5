"""Polling one job: the paced long poll, the unified route's schedule, the deadline
after which a job is stale.

The poller asks and waits; it writes nothing. What a poll learns goes back through
the engine it was given (:meth:`JobEngine.record`, :meth:`JobEngine.mark_stale`,
:meth:`JobEngine.emit`), so the engine stays the one writer of job state. One poller
per engine: its slots cap the polls in flight across every job.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from luma_desktop.api.models import State
from luma_desktop.core.catalogue import Route, typical_seconds
from luma_desktop.core.events import JobEvent
from luma_desktop.core.jobs import JobRecord, JobStatus
from luma_desktop.core.limits import MAX_POLLS_IN_FLIGHT
from luma_desktop.core.policy import Pacer
from luma_desktop.core.schedule import UnifiedSchedule, expected_seconds

if TYPE_CHECKING:
    from luma_desktop.core.engine import JobEngine

log = logging.getLogger(__name__)


class JobPoller:
    def __init__(self, engine: JobEngine) -> None:
        # The engine's policy and limits are read at each use: both may be replaced.
        self._engine = engine
        self._slots = asyncio.Semaphore(MAX_POLLS_IN_FLIGHT)
        self._early_noticed = False

    def schedule(self, job: JobRecord) -> UnifiedSchedule:
        """The unified poll schedule of ``job``'s model (see :mod:`.schedule`)."""
        policy = self._engine.policy
        model = job.body.get("model") if isinstance(job.body, dict) else None
        model = model if isinstance(model, str) else None
        fallback = policy.expected_render or typical_seconds(model)
        history = self._engine.store.render_times(model, Route.UNIFIED.value) if model else []
        return UnifiedSchedule(expected_seconds(history, fallback), policy.min_interval)

    async def poll_once(self, job: JobRecord, pacer: Pacer) -> JobRecord:
        """One long poll, paced, for the next state the job should reach."""
        engine, policy = self._engine, self._engine.policy
        job = await self._mind_deadline(job, pacer.polled)
        assert job.generation_id is not None
        current = _state_of(job.server_state)
        wanted = policy.next_wanted(current)
        await pacer.wait_turn()
        async with self._slots:
            started = policy.clock()
            pacer.started()
            generation = await engine.client(job.base_url).get(job.generation_id, wanted)
            elapsed = policy.clock() - started
        pacer.answered(generation.state.priority >= wanted.priority)
        if policy.answered_early(elapsed, generation.state, wanted):
            self._notice_early(job)
        return engine.record(job, generation)

    async def poll_unified(self, job: JobRecord, schedule: UnifiedSchedule) -> JobRecord:
        """No long poll on this route: wait as the schedule says, then ask once."""
        engine = self._engine
        job = await self._mind_deadline(job, polled=False)
        assert job.generation_id is not None
        stale = job.status is JobStatus.STALE
        elapsed = engine.policy.wall() - job.created_at
        delay = engine.limits.stale_poll_interval if stale else schedule.next_delay(elapsed)
        await engine.policy.sleep(delay)
        async with self._slots:
            client = engine.route_client(job.base_url, Route.UNIFIED)
            generation = await client.get(job.generation_id)
        return engine.record(job, generation)

    async def _mind_deadline(self, job: JobRecord, polled: bool) -> JobRecord:
        if job.status is not JobStatus.STALE and self._past_deadline(job):
            job = self._engine.mark_stale(job, self._stale_message(job))
        elif job.status is JobStatus.STALE and polled:
            await self._engine.policy.sleep(self._engine.limits.stale_poll_interval)
        return job

    def _past_deadline(self, job: JobRecord) -> bool:
        model = job.body.get("model") if isinstance(job.body, dict) else None
        deadline = self._engine.limits.job_deadline(model if isinstance(model, str) else None)
        return self._engine.policy.wall() - job.created_at > deadline

    def _stale_message(self, job: JobRecord) -> str:
        hours = (self._engine.policy.wall() - job.created_at) / 3600
        minutes = self._engine.limits.stale_poll_interval / 60
        log.warning("job %s: stale after %.1f h", job.local_id, hours)
        return (
            f"Still running after {hours:.1f} h, longer than a clip should take. It is now "
            f"checked every {minutes:.0f} min; abandon it if it never finishes."
        )

    def _notice_early(self, job: JobRecord) -> None:
        if not self._early_noticed:  # once per session: the gateway will not change
            self._early_noticed = True
            text = "The gateway answers status requests at once; polling is paced instead."
            log.warning(text)
            self._engine.emit(JobEvent.notice(job, text))


def _state_of(server_state: str | None) -> State:
    try:
        return State(server_state) if server_state else State.QUEUED
    except ValueError:  # a row written by another version: ask from the start
        return State.QUEUED
