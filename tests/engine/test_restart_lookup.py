"""A create whose answer an earlier session lost is looked up in the gateway's request
log when the next session starts: two engines, one after the other, on one data folder
against one simulator, over both routes. Same outcomes as within a session: adopted
with no second create, or "not taken: safe to send again", or left unknown."""

from __future__ import annotations

import time
from pathlib import Path

import httpx

from luma_desktop.core.engine import JobEngine
from luma_desktop.core.jobs import JobErrorKind, JobStatus
from luma_desktop.core.lookup import NOT_TAKEN
from luma_desktop.core.policy import PollPolicy
from luma_desktop.core.request import GenerationRequest
from luma_desktop.core.store import JobStore
from luma_desktop.sim import SimServer
from tests.conftest import SIM_KEY
from tests.engine.conftest import creates, fast_policy

LATE = 3600.0  # the log row of the first session's create shows only this much later


class LedgerClock:
    """The simulator's log clock, moved by the test (rows appear when it passes)."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _session(
    http: httpx.AsyncClient, tmp_path: Path, sim: SimServer, route: str, policy: PollPolicy
) -> JobEngine:
    """One run of the app: its own store connection on the shared data folder."""
    store = JobStore(tmp_path / "data" / "jobs.sqlite3")
    return JobEngine(
        store,
        http,
        lambda: SIM_KEY,
        tmp_path / "library",
        base_url=sim.base_url,
        policy=policy,
        route_choice=route,
    )


async def _lost_in_first_session(
    http: httpx.AsyncClient, tmp_path: Path, sim: SimServer, route: str, crashed: bool
) -> str:
    """The first session sends a create whose answer is lost; its lookups find nothing
    (the row is late). ``crashed``: it stopped while sending (the row says submitting)."""
    sim.config.log_delay_seconds = LATE
    sim.faults.drop_creates_after_accept = 1
    first = _session(http, tmp_path, sim, route, fast_policy())
    job = await first.generate(GenerationRequest("sent before the restart"))
    assert job.status is JobStatus.UNKNOWN
    if crashed:
        first.store.update(job.local_id, status=JobStatus.SUBMITTING)
    first.store.close()
    return job.local_id


async def test_a_lost_create_of_an_earlier_session_is_adopted_at_start(
    http: httpx.AsyncClient, tmp_path: Path, sim: SimServer, route: str
) -> None:
    clock = LedgerClock()
    sim.ledger.clock = clock
    taken: list[str] = []
    sim.add_hook(lambda event, gen_id: taken.append(gen_id) if event == "created" else None)
    local_id = await _lost_in_first_session(http, tmp_path, sim, route, crashed=False)
    logs_before = sim.counts["logs"]

    clock.now = LATE + 1  # the row is there by the time the app starts again
    second = _session(http, tmp_path, sim, route, fast_policy())
    (job,) = await second.resume_all()

    assert job.local_id == local_id
    assert job.status is JobStatus.READY
    assert job.generation_id == taken[0]
    assert Path(job.video_path or "").is_file()
    assert creates(sim) == 1  # adopted: no second create
    assert sim.counts["logs"] == logs_before + 1
    second.store.close()


async def test_a_crashed_send_found_failed_is_offered_as_safe_to_resend(
    http: httpx.AsyncClient, tmp_path: Path, sim: SimServer, route: str
) -> None:
    clock = LedgerClock()
    sim.ledger.clock = clock
    sim.faults.fail_creates = 1  # the gateway logs it failed (not billed), answers 500
    local_id = await _lost_in_first_session(http, tmp_path, sim, route, crashed=True)

    clock.now = LATE + 1
    second = _session(http, tmp_path, sim, route, fast_policy())
    (job,) = await second.resume_all()

    assert job.local_id == local_id
    assert job.status is JobStatus.REFUSED
    assert job.error_kind is JobErrorKind.NOT_TAKEN
    assert job.error_message == NOT_TAKEN
    assert creates(sim) == 1
    second.store.close()


async def test_no_row_yet_leaves_it_unknown_and_old_ones_are_not_asked(
    http: httpx.AsyncClient, tmp_path: Path, sim: SimServer, route: str
) -> None:
    clock = LedgerClock()
    sim.ledger.clock = clock
    await _lost_in_first_session(http, tmp_path, sim, route, crashed=False)
    logs_before = sim.counts["logs"]

    second = _session(http, tmp_path, sim, route, fast_policy())  # the row is not there yet
    (job,) = await second.resume_all()
    assert job.status is JobStatus.UNKNOWN
    assert sim.counts["logs"] == logs_before + len(fast_policy().lookup_delays)
    assert creates(sim) == 1
    second.store.close()

    # A day later the log no longer covers it: nothing is asked.
    later = fast_policy(wall=lambda: time.time() + 25 * 3600)
    third = _session(http, tmp_path, sim, route, later)
    assert third.lost_creates() == []
    assert await third.resume_all() == []
    assert sim.counts["logs"] == logs_before + len(fast_policy().lookup_delays)
    third.store.close()
