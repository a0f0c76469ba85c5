"""Requests per job and detection latency: our engine vs naive pollers, on both routes.

Side by side in one run, against simulators in this process (each on its own thread):

- **Luma route** (the server holds a poll up to 30 s): ours (``JobEngine.generate``)
  vs a poller that asks every 3 s without a wanted state. Jobs last ``--job-seconds``.
- **Unified route** (no hold, no fetch-many): ours vs the gateway documentation's
  10 s poller; each job lasts 120 s ± 20 % (uniform, drawn per job). Ours runs warm
  (its store already holds 3 renders of these lengths, so its schedule expects their
  median, as it does after an artist's first renders: the goal's figures) and cold
  (a fresh store: the catalogue's expected time), side by side.

Every naive poller starts at a random phase (its first poll is uniform in one
interval after its create), so its latency is a sample of the interval, not one
lockstep value. Every duration is multiplied by ``--scale``; our engine runs on a
clock warped by the same factor (its ``PollPolicy.clock``/``sleep``), so its pacing
decisions are those of real time. Latency is from the simulator's completion to the
moment a client knows (ours: the job turns ``downloading``; naive: its poll sees
``completed``), scaled back to real time. Ours on the Luma route is event-driven (the
held poll answers at the completion) and is reported as measured; ours on the
unified route is scaled back whole, so any real processing delay counts 1/scale
times (against us); the naive pollers' waits are scaled back and their request's
own time is counted as measured. Requests are everything the gateway received per
job (creates and polls).

Goals: Luma route ≤ floor + 1 requests per job (floor = 1 + ⌈T/30 s⌉) and latency
≤ 0.2 s; unified route fewer requests than the 10 s poller and median latency ≤ 3 s.
The unified part says ``unified=not-available`` when our engine does not send to
that route (nothing reached ``/v2/video/generations``).

    .venv/bin/python bench/poll_efficiency.py [--jobs 12] [--job-seconds 120] [--scale 0.1]

Prints one line: ``poll_efficiency: key=value ...``.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import random
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx

from luma_desktop.api.http import make_http_client
from luma_desktop.core import store as store_module
from luma_desktop.core.engine import JobEngine
from luma_desktop.core.events import EventKind, JobEvent
from luma_desktop.core.jobs import JobStatus
from luma_desktop.core.policy import PollPolicy
from luma_desktop.core.request import GenerationRequest
from luma_desktop.core.store import JobStore
from luma_desktop.sim import SimConfig, SimServer

KEY = "bench"
HOLD = 30.0
LUMA_INTERVAL = 3.0
UNIFIED_INTERVAL = 10.0
UNIFIED_SPREAD = 0.2  # jobs of 120 s ± 20 %
LUMA_ONE = "/v2/generate/video/luma-ai/generation"
UNIFIED = "/v2/video/generations"
ROUTES = ("create", "get", "get_many", "u_create", "u_get")
WARM_RENDERS = 3  # renders of a model before the schedule uses their median (MIN_HISTORY)
LONG = 1e6  # "never" for the simulator's own timers: completions are scheduled here


class Sim:
    """A simulator whose jobs complete at per-job durations; records when each did."""

    def __init__(self, durations: Callable[[], float], scale: float) -> None:
        config = SimConfig(
            api_key=KEY, queued_seconds=10.0 * scale, dreaming_seconds=LONG,
            hold_seconds=HOLD * scale,
        )  # fmt: skip
        self.server = SimServer(config).start()
        self.completed: dict[str, float] = {}
        self._durations, self._scale = durations, scale
        self.server.add_hook(self._hook)

    def _hook(self, event: str, gen_id: str) -> None:
        if event == "created":  # on the simulator's loop
            delay = self._durations() * self._scale
            asyncio.get_running_loop().call_later(delay, self.server.complete_now, gen_id)
        elif event == "completed":
            self.completed.setdefault(gen_id, time.monotonic())

    def requests(self, *routes: str) -> int:
        return sum(self.server.counts[r] for r in routes)


class WarpedTime:
    """``time`` for the store: its ``created_at`` stamps on the same warped wall clock
    as the policy's (a unified-route job's age is wall time since ``created_at``)."""

    def __init__(self, scale: float) -> None:
        self.scale, self.origin = scale, time.time()

    def time(self) -> float:
        return self.origin + (time.time() - self.origin) / self.scale

    def __getattr__(self, name: str) -> Any:
        return getattr(time, name)


WALL = WarpedTime(1.0)


def warped_policy(scale: float, wall: WarpedTime) -> PollPolicy:
    """The engine's own policy on clocks that run 1/scale times faster."""
    origin = time.monotonic()

    async def sleep(seconds: float) -> None:
        await asyncio.sleep(seconds * scale)

    return PollPolicy(
        clock=lambda: origin + (time.monotonic() - origin) / scale, wall=wall.time, sleep=sleep
    )


async def ours(
    sim: Sim,
    requests: list[GenerationRequest],
    scale: float,
    warmup: list[GenerationRequest] | None = None,
) -> tuple[dict[str, float], int]:
    """Our engine: seconds from completion to knowing it, per job (real time), and the
    requests the gateway got for them. ``warmup`` jobs run first in the same store (its
    render history), unmeasured."""
    seen: dict[str, float] = {}

    def on_event(event: JobEvent) -> None:
        job = event.job
        downloading = event.kind is EventKind.CHANGED and job.status is JobStatus.DOWNLOADING
        if downloading and job.generation_id:
            seen.setdefault(job.generation_id, time.monotonic())

    with tempfile.TemporaryDirectory() as folder:
        async with make_http_client() as http:
            store = JobStore(Path(folder) / "jobs.sqlite3")
            engine = JobEngine(
                store,
                http,
                lambda: KEY,
                Path(folder),
                base_url=sim.server.base_url,
                policy=warped_policy(scale, WALL),
            )
            engine.subscribe(on_event)
            await asyncio.gather(*(engine.generate(r) for r in warmup or []))
            seen.clear()
            before = sim.requests(*ROUTES)
            await asyncio.gather(*(engine.generate(r) for r in requests))
            store.close()
    latencies = {g: seen[g] - sim.completed[g] for g in seen if g in sim.completed}
    return latencies, sim.requests(*ROUTES) - before


async def naive(
    sim: Sim,
    jobs: int,
    interval: float,
    scale: float,
    create: Callable[[httpx.AsyncClient, int], Awaitable[str]],
    done: Callable[[httpx.AsyncClient, str], Awaitable[bool]],
) -> dict[str, float]:
    """A poller per job at ``interval``, first poll at a random phase."""
    latencies: dict[str, float] = {}
    async with make_http_client() as http:

        async def one(n: int) -> None:
            gen_id = await create(http, n)
            await asyncio.sleep(random.uniform(0, interval) * scale)
            while True:
                sent = time.monotonic()
                if await done(http, gen_id):
                    break
                await asyncio.sleep(interval * scale)
            # The wait before the poll is scaled time; the poll itself is real time.
            waited = max(0.0, sent - sim.completed[gen_id])
            latencies[gen_id] = waited + (time.monotonic() - sent) * scale

        await asyncio.gather(*(one(n) for n in range(jobs)))
    return latencies


def luma_calls(base: str) -> tuple[Any, Any]:
    headers = {"Authorization": f"Bearer {KEY}"}

    async def create(http: httpx.AsyncClient, n: int) -> str:
        answer = await http.post(base + LUMA_ONE, json={"prompt": f"naive {n}"}, headers=headers)
        return str(answer.raise_for_status().json()["id"])

    async def done(http: httpx.AsyncClient, gen_id: str) -> bool:
        answer = await http.get(base + LUMA_ONE, params={"generation_id": gen_id}, headers=headers)
        return bool(answer.raise_for_status().json()["state"] == "completed")

    return create, done


def unified_calls(base: str) -> tuple[Any, Any]:
    headers = {"Authorization": f"Bearer {KEY}"}

    async def create(http: httpx.AsyncClient, n: int) -> str:
        body = {"model": "luma/ray-2", "prompt": f"naive {n}"}
        answer = await http.post(base + UNIFIED, json=body, headers=headers)
        return str(answer.raise_for_status().json()["id"])

    async def done(http: httpx.AsyncClient, gen_id: str) -> bool:
        answer = await http.get(base + UNIFIED, params={"generation_id": gen_id}, headers=headers)
        return bool(answer.raise_for_status().json()["status"] == "completed")

    return create, done


def ms(values: dict[str, float], scale: float, how: Callable[[Any], float]) -> float:
    return 1000 * how(list(values.values())) / scale


async def luma_route(jobs: int, job_seconds: float, scale: float) -> str:
    mine, theirs = Sim(lambda: job_seconds, scale), Sim(lambda: job_seconds, scale)
    create, done = luma_calls(theirs.server.base_url)
    requests = [GenerationRequest(f"bench {n}", route="luma") for n in range(jobs)]
    (lat_ours, sent), lat_naive = await asyncio.gather(
        ours(mine, requests, scale),
        naive(theirs, jobs, LUMA_INTERVAL, scale, create, done),
    )
    req_ours = sent / jobs
    req_naive = theirs.requests("create", "get") / jobs
    mine.server.stop()
    theirs.server.stop()
    floor = 1 + math.ceil(job_seconds / HOLD)
    return (
        f"luma_requests_per_job_ours={req_ours:.2f} luma_requests_per_job_naive3s={req_naive:.1f} "
        f"luma_floor={floor} luma_latency_ms_ours_median={ms(lat_ours, 1, statistics.median):.0f} "
        f"luma_latency_ms_ours_max={ms(lat_ours, 1, max):.0f} "
        f"luma_latency_ms_naive3s_median={ms(lat_naive, scale, statistics.median):.0f} "
        f"luma_latency_ms_naive3s_max={ms(lat_naive, scale, max):.0f}"
    )


async def unified_route(jobs: int, scale: float) -> str:
    """Ours twice: with a fresh store (the catalogue's expected render time) and warm
    (after WARM_RENDERS renders of these lengths: the store's median); the naive poller
    beside them. Every job lasts 120 s ± 20 %."""
    rng = random.Random(14)

    def spans(n: int) -> Callable[[], float]:
        drawn = [120.0 * rng.uniform(1 - UNIFIED_SPREAD, 1 + UNIFIED_SPREAD) for _ in range(n)]
        return drawn.pop

    cold, warm = Sim(spans(jobs), scale), Sim(spans(jobs + WARM_RENDERS), scale)
    theirs = Sim(spans(jobs), scale)
    create, done = unified_calls(theirs.server.base_url)

    def batch(name: str, n: int) -> list[GenerationRequest]:
        return [GenerationRequest(f"{name} {i}", route="unified") for i in range(n)]

    (lat_cold, sent_cold), (lat_warm, sent_warm), lat_naive = await asyncio.gather(
        ours(cold, batch("cold", jobs), scale),
        ours(warm, batch("warm", jobs), scale, batch("history", WARM_RENDERS)),
        naive(theirs, jobs, UNIFIED_INTERVAL, scale, create, done),
    )
    used_unified = cold.requests("u_create") > 0
    req_naive = theirs.requests("u_create", "u_get") / jobs
    for sim in (cold, warm, theirs):
        sim.server.stop()
    naive_part = (
        f"unified_requests_per_job_naive10s={req_naive:.1f} "
        f"unified_latency_ms_naive10s_median={ms(lat_naive, scale, statistics.median):.0f}"
    )
    if not used_unified:
        return f"unified=not-available {naive_part}"
    return (
        f"unified_requests_per_job_ours={sent_warm / jobs:.2f} {naive_part} "
        f"unified_latency_ms_ours_median={ms(lat_warm, scale, statistics.median):.0f} "
        f"unified_latency_ms_ours_max={ms(lat_warm, scale, max):.0f} "
        f"unified_cold_requests_per_job_ours={sent_cold / jobs:.2f} "
        f"unified_cold_latency_ms_ours_median={ms(lat_cold, scale, statistics.median):.0f}"
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jobs", type=int, default=12, help="jobs per client and route")
    parser.add_argument("--job-seconds", type=float, default=120.0, help="Luma-route jobs")
    parser.add_argument("--scale", type=float, default=0.1)
    args = parser.parse_args()
    WALL.scale = args.scale
    vars(store_module)["time"] = WALL  # the store stamps created_at on the warped clock
    luma, unified = await asyncio.gather(
        luma_route(args.jobs, args.job_seconds, args.scale), unified_route(args.jobs, args.scale)
    )
    print(
        f"poll_efficiency: jobs={args.jobs} scale={args.scale:g} job_s={args.job_seconds:g} "
        f"{luma} {unified}"
    )


if __name__ == "__main__":
    asyncio.run(main())
