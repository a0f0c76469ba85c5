"""Download throughput on loopback: our client vs ``curl``, and our memory growth.

Starts the simulator in its own process (``python -m luma_desktop.sim
--big-payload-bytes``), so it serves every video as one deterministic payload of
``--size-mb`` MB. One generation is created and completed there; its video link is
then fetched, to a temporary folder, by ``curl -o`` and by ours
(``GatewayClient.download`` over ``make_http_client()``, with a progress callback
paced like the engine's): same URL, same bytes, ``--runs`` rounds alternating who
goes first (the machine is shared, so medians). Throughput is size / wall time
(curl's own ``time_total``); ``ratio`` is ours / curl. ``rss_growth_mb`` is the growth
of this process's peak RSS (``ru_maxrss``) across all our downloads. CPU seconds per
transfer (ours, curl, and the simulator's while serving each) tell who is the
bottleneck when the ratio moves.

    .venv/bin/python bench/download.py [--size-mb 500] [--runs 3]

Prints one line: ``download: key=value ...``.
"""

from __future__ import annotations

import argparse
import asyncio
import ctypes
import os
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from luma_desktop.api.client import GatewayClient
from luma_desktop.api.http import make_http_client
from luma_desktop.api.models import State

ROOT = Path(__file__).resolve().parents[1]
KEY = "bench"
MB = 1_000_000
PROGRESS_STEP = 0.1  # as PollPolicy.progress_step: the engine reports at most this often


def die_with_parent() -> None:
    """In the child: SIGTERM when this bench dies, even without running its cleanup."""
    ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def start_sim(size: int) -> tuple[subprocess.Popen[str], str]:
    """The simulator in its own process; returns it and its gateway URL."""
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "luma_desktop.sim",
            "--any-key",
            "--queued",
            "0.05",
            "--dreaming",
            "0.05",
            "--big-payload-bytes",
            str(size),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        preexec_fn=die_with_parent if sys.platform == "linux" else None,
    )
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("base_url="):
            return proc, line.strip().partition("=")[2]
    stop(proc)
    raise RuntimeError("the simulator did not start")


def stop(proc: subprocess.Popen[str]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


async def video_url(base_url: str) -> str:
    async with make_http_client() as http:
        client = GatewayClient(http, base_url, lambda: KEY)
        generation = await client.create({"prompt": "download bench"})
        generation = await client.get(generation.id, State.COMPLETED)
    assert generation.video_url, generation
    return generation.video_url


def curl(curl_bin: str, url: str, dest: Path) -> float:
    """Seconds curl took (its own total time)."""
    out = subprocess.run(
        [curl_bin, "-s", "-S", "-f", "-o", str(dest), "-w", "%{time_total}", url],
        check=True,
        capture_output=True,
        text=True,
    )
    return float(out.stdout.strip())


async def ours(url: str, dest: Path) -> tuple[float, float]:
    """Seconds and CPU seconds of our download."""
    last = float("-inf")

    def progress(done: int, total: int | None) -> None:  # the engine's pacing, minus the emit
        nonlocal last
        now = time.monotonic()
        if done != total and now - last < PROGRESS_STEP:
            return
        last = now

    async with make_http_client() as http:
        client = GatewayClient(http, url.split("/videos/")[0], lambda: KEY)
        cpu_before = time.process_time()
        started = time.perf_counter()
        await client.download(url, dest, progress)
        seconds = time.perf_counter() - started
        cpu = time.process_time() - cpu_before
    return seconds, cpu


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def one_round(
    curl_bin: str, url: str, folder: Path, sim_pid: int, curl_first: bool
) -> dict[str, float]:
    """One curl and one of ours, in the given order; throughputs and CPU seconds."""
    size = 0
    out: dict[str, float] = {}
    for who in ("curl", "ours") if curl_first else ("ours", "curl"):
        dest = folder / f"{who}.mp4"
        sim_cpu, child_cpu = cpu_seconds(sim_pid), children_cpu()
        if who == "curl":
            seconds = curl(curl_bin, url, dest)
            out["curl_cpu"] = children_cpu() - child_cpu
        else:
            seconds, out["ours_cpu"] = asyncio.run(ours(url, dest))
        out[f"{who}_sim_cpu"] = cpu_seconds(sim_pid) - sim_cpu
        size = dest.stat().st_size
        dest.unlink()  # the next transfer starts with the same free page cache
        out[who] = size / MB / seconds
        out[f"{who}_size"] = size
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size-mb", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3, help="rounds of curl + ours (medians)")
    args = parser.parse_args()
    curl_bin = shutil.which("curl")
    if curl_bin is None:
        sys.exit("download: curl is not installed (apt-get install -y curl); nothing measured")
    size = args.size_mb * MB
    proc, base_url = start_sim(size)
    try:
        url = asyncio.run(video_url(base_url))
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        with tempfile.TemporaryDirectory(prefix="luma-bench-") as folder:
            rounds = [
                one_round(curl_bin, url, Path(folder), proc.pid, curl_first=n % 2 == 0)
                for n in range(args.runs)
            ]
        rss_growth = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024
    finally:
        stop(proc)
    wrong = {r[k] for r in rounds for k in ("curl_size", "ours_size")} - {size}
    if wrong:
        sys.exit(f"download: wrong sizes {sorted(wrong)} (want {size})")

    def med(key: str) -> float:
        return statistics.median(r[key] for r in rounds)

    print(
        f"download: size_mb={args.size_mb} ours_mb_s={med('ours'):.0f} "
        f"curl_mb_s={med('curl'):.0f} ratio={med('ours') / med('curl'):.2f} "
        f"rss_growth_mb={rss_growth:.1f} ours_cpu_s={med('ours_cpu'):.2f} "
        f"curl_cpu_s={med('curl_cpu'):.2f} sim_cpu_s_ours={med('ours_sim_cpu'):.2f} "
        f"sim_cpu_s_curl={med('curl_sim_cpu'):.2f} runs={args.runs}"
    )


if __name__ == "__main__":
    main()
