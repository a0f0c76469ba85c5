"""Requests and detection latency: our long-polling engine vs a naive 3-second poller.

Both run side by side against the simulator in one process. Every duration (the
server's hold, the job's length, the naive interval, our pacing) is multiplied by
``--scale``, so the request counts are those of the real timings; the naive
client's latency is proportional to its interval and is scaled back to real time,
ours is event-driven (the server answers a held poll the moment the job completes)
and is reported as measured.

    .venv/bin/python bench/poll_efficiency.py [--jobs 3] [--job-seconds 120] [--scale 0.05]

Prints one line: ``poll_efficiency: key=value ...``.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import statistics
import tempfile
import time
from pathlib import Path

from luma_desktop.api.client import GatewayClient
from luma_desktop.api.http import make_http_client
from luma_desktop.api.models import State
from luma_desktop.core.engine import JobEngine
from luma_desktop.core.events import EventKind, JobEvent
from luma_desktop.core.jobs import JobStatus
from luma_desktop.core.policy import PollPolicy
from luma_desktop.core.request import GenerationRequest
from luma_desktop.core.store import JobStore
from luma_desktop.sim import SimConfig, SimServer

HOLD = 30.0
NAIVE_INTERVAL = 3.0


def _sim(job_seconds: float, scale: float) -> SimServer:
    queued = min(10.0, job_seconds / 4)
    config = SimConfig(
        api_key="bench",
        queued_seconds=queued * scale,
        dreaming_seconds=(job_seconds - queued) * scale,
        hold_seconds=HOLD * scale,
    )
    return SimServer(config).start()


def _completion_clock(sim: SimServer) -> dict[str, float]:
    done: dict[str, float] = {}

    def hook(event: str, gid: str) -> None:
        if event == "completed":
            done.setdefault(gid, time.monotonic())

    sim.add_hook(hook)
    return done


async def ours(jobs: int, job_seconds: float, scale: float) -> tuple[int, list[float]]:
    sim = _sim(job_seconds, scale)
    completed = _completion_clock(sim)
    seen: dict[str, float] = {}

    def on_event(event: JobEvent) -> None:
        job = event.job
        if (
            event.kind is EventKind.CHANGED
            and job.status is JobStatus.DOWNLOADING
            and job.generation_id
        ):
            seen.setdefault(job.generation_id, time.monotonic())

    policy = PollPolicy(min_interval=3.0 * scale, backoff_base=scale, backoff_max=60 * scale)
    with tempfile.TemporaryDirectory() as folder:
        async with make_http_client() as http:
            store = JobStore(Path(folder) / "jobs.sqlite3")
            engine = JobEngine(
                store, http, lambda: "bench", Path(folder), base_url=sim.base_url, policy=policy
            )
            engine.subscribe(on_event)
            await asyncio.gather(
                *(engine.generate(GenerationRequest(f"bench {n}")) for n in range(jobs))
            )
            store.close()
    sim.stop()
    requests = sim.counts["create"] + sim.counts["get"] + sim.counts["get_many"]
    # The link re-fetch is not part of detecting completion: count only the polls up to it.
    return requests, [1000 * (seen[g] - completed[g]) for g in seen]


async def naive(jobs: int, job_seconds: float, scale: float) -> tuple[int, list[float]]:
    sim = _sim(job_seconds, scale)
    completed = _completion_clock(sim)
    latencies: list[float] = []
    async with make_http_client() as http:
        client = GatewayClient(http, sim.base_url, lambda: "bench")

        async def one(n: int) -> None:
            generation = await client.create({"prompt": f"naive {n}"})
            while True:
                await asyncio.sleep(NAIVE_INTERVAL * scale)
                generation = await client.get(generation.id)  # no wanted state: answers at once
                if generation.state is State.COMPLETED:
                    latencies.append(1000 * (time.monotonic() - completed[generation.id]) / scale)
                    return

        await asyncio.gather(*(one(n) for n in range(jobs)))
    sim.stop()
    return sim.counts["create"] + sim.counts["get"], latencies


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jobs", type=int, default=3)
    parser.add_argument("--job-seconds", type=float, default=120.0)
    parser.add_argument("--scale", type=float, default=0.05)
    args = parser.parse_args()
    (req_ours, lat_ours), (req_naive, lat_naive) = await asyncio.gather(
        ours(args.jobs, args.job_seconds, args.scale),
        naive(args.jobs, args.job_seconds, args.scale),
    )
    floor = args.jobs * (1 + math.ceil(args.job_seconds / HOLD))
    print(
        f"poll_efficiency: jobs={args.jobs} job_s={args.job_seconds:g} hold_s={HOLD:g} "
        f"scale={args.scale:g} requests_ours={req_ours} requests_naive={req_naive} "
        f"ratio={req_naive / req_ours:.2f} requests_floor={floor} "
        f"per_job_ours={req_ours / args.jobs:.1f} per_job_floor={floor / args.jobs:.1f} "
        f"detect_latency_ms_ours={statistics.median(lat_ours):.0f} "
        f"detect_latency_ms_naive={statistics.median(lat_naive):.0f} "
        f"detect_latency_max_ms_ours={max(lat_ours):.0f} "
        f"detect_latency_max_ms_naive={max(lat_naive):.0f}"
    )


if __name__ == "__main__":
    asyncio.run(main())
