"""The unified route's poll schedule: sparse early, dense around the expected finish,
backing off past it; the expected time learnt from the store's history."""

from __future__ import annotations

from pathlib import Path

import pytest

from luma_desktop.core.jobs import JobStatus
from luma_desktop.core.schedule import CEILING, UnifiedSchedule, expected_seconds
from luma_desktop.core.store import JobStore


def _polls_until(schedule: UnifiedSchedule, finish: float) -> tuple[int, float]:
    """Polls made until one sees a render that finishes at ``finish``, and the delay."""
    elapsed, polls = 0.0, 0
    while True:
        elapsed += schedule.next_delay(elapsed)
        polls += 1
        if elapsed >= finish:
            return polls, elapsed - finish


def test_ray_2_on_time_costs_fewer_polls_and_is_seen_sooner_than_every_10_s() -> None:
    polls, late = _polls_until(UnifiedSchedule(expected=90.0, floor=3.0), finish=90.0)
    fixed_polls = 9  # every 10 s
    assert polls <= fixed_polls
    assert late <= 6.0


def test_phases() -> None:
    schedule = UnifiedSchedule(expected=90.0, floor=3.0)
    assert schedule.next_delay(0.0) == pytest.approx(4.5)  # one early look: E/20
    assert schedule.next_delay(4.5) == pytest.approx(22.5)  # then E/4
    assert schedule.next_delay(60.0) == pytest.approx(6.0)  # E/15 near the finish
    late = [schedule.next_delay(200.0) for _ in range(8)]
    assert late == sorted(late)  # backing off
    assert late[0] == pytest.approx(9.0)
    assert late[-1] == CEILING


def test_sparse_phase_never_sleeps_past_the_dense_window() -> None:
    schedule = UnifiedSchedule(expected=90.0, floor=3.0)
    assert 50.0 + schedule.next_delay(50.0) <= 54.0 + 6.0


def test_floor_holds_for_tiny_expectations() -> None:
    schedule = UnifiedSchedule(expected=0.01, floor=0.5)
    assert all(schedule.next_delay(t) >= 0.5 for t in (0.0, 0.005, 1.0, 100.0))


def test_expected_time_comes_from_history_once_there_is_enough() -> None:
    assert expected_seconds([], 90.0) == 90.0
    assert expected_seconds([40.0, 50.0], 90.0) == 90.0
    assert expected_seconds([40.0, 50.0, 70.0, 0.0], 90.0) == 50.0


def test_the_store_remembers_render_times_per_model_and_route(tmp_path: Path) -> None:
    store = JobStore(tmp_path / "jobs.sqlite3")
    for model, route, seconds in (
        ("luma/ray-2", "unified", 40.0),
        ("luma/ray-2", "unified", 60.0),
        ("luma/ray-3.2", "unified", 200.0),
        ("ray-2", "luma", 10.0),
    ):
        job = store.add(
            base_url="http://127.0.0.1:1",
            prompt="p",
            body={"model": model, "prompt": "p"},
            parents=[],
            tokens=0,
            status=JobStatus.READY,
            route=route,
        )
        store.update(job.local_id, render_seconds=seconds)
    assert sorted(store.render_times("luma/ray-2", "unified")) == [40.0, 60.0]
    assert store.render_times("luma/ray-3.2", "unified") == [200.0]
