"""With a job file, the simulator's jobs survive a restart (demo mode's own gateway)."""

from __future__ import annotations

from pathlib import Path

import httpx

from luma_desktop.sim import SimServer
from luma_desktop.sim.journal import load
from tests.sim.conftest import AUTH, create, fast_config, wait_state


async def test_an_unfinished_job_finishes_in_the_next_simulator(tmp_path: Path) -> None:
    jobs = str(tmp_path / "jobs.json")
    with SimServer(fast_config(state_file=jobs, dreaming_seconds=600)) as first:
        async with httpx.AsyncClient(base_url=first.base_url, headers=AUTH) as http:
            job = await create(http, prompt="a crane at dawn", aspect_ratio="9:16")
            assert (await wait_state(http, job["id"], "dreaming"))["state"] == "dreaming"
    with SimServer(fast_config(state_file=jobs)) as second:
        assert second.base_url != first.base_url  # a new port, as in a new session
        async with httpx.AsyncClient(base_url=second.base_url, headers=AUTH) as http:
            done = await wait_state(http, job["id"])
            assert done["state"] == "completed"
            assert done["request"]["aspect_ratio"] == "9:16"
            video = await http.get(done["assets"]["video"], headers={"Authorization": ""})
            assert video.status_code == 200
        assert second.counts["create"] == 0


async def test_finished_jobs_are_kept_as_they_were(tmp_path: Path) -> None:
    jobs = tmp_path / "jobs.json"
    with SimServer(fast_config(state_file=str(jobs))) as sim:
        async with httpx.AsyncClient(base_url=sim.base_url, headers=AUTH) as http:
            failed = await create(http, prompt="[fail] a storm")
            assert (await wait_state(http, failed["id"]))["state"] == "failed"
    (saved,) = load(jobs)
    assert saved["state"] == "failed"
    assert saved["failure_reason"]


def test_an_unreadable_job_file_starts_empty(tmp_path: Path) -> None:
    jobs = tmp_path / "jobs.json"
    jobs.write_text("{not json", "utf-8")
    assert load(jobs) == []
    jobs.write_text('{"jobs": [{"id": 3}]}', "utf-8")
    assert load(jobs) == []
    jobs.write_text("[" * 20_000 + "]" * 20_000, "utf-8")  # a RecursionError, before
    assert load(jobs) == []
    with SimServer(fast_config(state_file=str(jobs))):
        pass  # starts
