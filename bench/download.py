"""Download on loopback: our client vs ``curl`` from a minimal sendfile server.

The origin is ``bench/sendfile_server.py`` in its own process: ``socket.sendfile`` of a
``--size-mb`` MB file (MP4 header, then incompressible bytes) from the page cache, so
the server is never the bottleneck (the simulator was). The same link is fetched, to a
temporary folder, by ``curl -o`` and by ours: the app's real path,
``GatewayClient.download`` over ``make_http_client()``, through ``_send`` (URL check,
hand-followed redirects, the key only for the gateway's origin), with a progress
callback paced like the engine's, on the app's event loop (``StudioLoop``, asyncio on
Qt's; ``--loop asyncio`` for plain asyncio's, to compare). The gateway is given
another origin than the video link, as with a CDN, and the server checks that no
request carried the key.

``--runs`` rounds alternate who goes first. Figures, medians over the rounds:

- throughput: size / wall time (curl's own ``time_total``; ours around ``download``);
  ``ratio`` = ours / curl.
- CPU seconds per transfer: curl's from ``getrusage(RUSAGE_CHILDREN)``, ours from
  ``getrusage(RUSAGE_SELF)`` (all threads) around ``download``; ``cpu_ratio`` = ours / curl.
- ``rss_growth_mb``: growth of this process's peak RSS across all our downloads.

    .venv/bin/python bench/download.py [--size-mb 500] [--runs 3] [--loop qt|asyncio] [--profile]

Prints one line: ``download: key=value ...``. ``--profile`` prints a cProfile of one
of our downloads to stderr instead.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import ctypes
import os
import pstats
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING

from luma_desktop.api.client import GatewayClient
from luma_desktop.api.http import make_http_client

if TYPE_CHECKING:
    from PySide6.QtCore import QCoreApplication

HERE = Path(__file__).resolve().parent
MB = 1_000_000
PROGRESS_STEP = 0.1  # as PollPolicy.progress_step: the engine reports at most this often
GATEWAY = "http://127.0.0.1:9"  # another origin than the video link: the key must not go


def die_with_parent() -> None:
    """In the child: SIGTERM when this bench dies, even without running its cleanup."""
    ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def make_payload(path: Path, size: int) -> None:
    """An MP4 header (so the client's check passes), then incompressible bytes."""
    block = os.urandom(MB)
    with path.open("wb") as out:
        out.write(b"\x00\x00\x00\x18ftypisom")
        left = size - 12
        while left > 0:
            out.write(block[: min(left, MB)])
            left -= MB


def start_server(payload: Path) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [sys.executable, str(HERE / "sendfile_server.py"), str(payload)],
        stdout=subprocess.PIPE,
        text=True,
        preexec_fn=die_with_parent if sys.platform == "linux" else None,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if not line.startswith("base_url="):
        stop(proc)
        raise RuntimeError("the sendfile server did not start")
    return proc, line.strip().partition("=")[2]


def stop(proc: subprocess.Popen[str]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def cpu_self() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def cpu_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def proc_cpu(pid: int) -> float:
    """User + system CPU seconds of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def curl(curl_bin: str, url: str, dest: Path) -> tuple[float, float]:
    """Seconds (curl's own total time) and CPU seconds of one curl download."""
    before = cpu_children()
    out = subprocess.run(
        [curl_bin, "-s", "-S", "-f", "-o", str(dest), "-w", "%{time_total}", url],
        check=True,
        capture_output=True,
        text=True,
    )
    return float(out.stdout.strip()), cpu_children() - before


async def ours(url: str, dest: Path) -> tuple[float, float]:
    """Seconds and CPU seconds of our download (the client is made before, as in the app)."""
    last = float("-inf")

    def progress(done: int, total: int | None) -> None:  # the engine's pacing, minus the emit
        nonlocal last
        now = time.monotonic()
        if done != total and now - last < PROGRESS_STEP:
            return
        last = now

    async with make_http_client() as http:
        client = GatewayClient(http, GATEWAY, lambda: "bench-key")
        cpu_before = cpu_self()
        started = time.perf_counter()
        await client.download(url, dest, progress)
        seconds = time.perf_counter() - started
        cpu = cpu_self() - cpu_before
    return seconds, cpu


def run_ours(url: str, dest: Path, loop: str) -> tuple[float, float]:
    """``ours`` on the app's loop (asyncio on Qt's, as the window downloads) or asyncio's."""
    if loop == "asyncio":
        return asyncio.run(ours(url, dest))
    from luma_desktop.studio.event_loop import StudioLoop

    app = qt_app()
    with asyncio.Runner(loop_factory=lambda: StudioLoop(app)) as runner:
        return runner.run(ours(url, dest))


def qt_app() -> QCoreApplication:
    """The app's Qt (loaded before RSS is first read: its libraries are no growth)."""
    from PySide6.QtCore import QCoreApplication

    return QCoreApplication.instance() or QCoreApplication(sys.argv[:1])


def one_round(
    curl_bin: str, url: str, folder: Path, pid: int, curl_first: bool, loop: str
) -> dict[str, float]:
    out: dict[str, float] = {}
    for who in ("curl", "ours") if curl_first else ("ours", "curl"):
        dest = folder / f"{who}.mp4"
        server_before = proc_cpu(pid)
        if who == "curl":
            seconds, cpu = curl(curl_bin, url, dest)
        else:
            seconds, cpu = run_ours(url, dest, loop)
        out[f"{who}_server_cpu"] = proc_cpu(pid) - server_before
        out[f"{who}_size"] = size = dest.stat().st_size
        dest.unlink()  # the next transfer starts with the same free page cache
        out[who] = size / MB / seconds
        out[f"{who}_cpu"] = cpu
    return out


def profile_once(url: str, folder: Path, loop: str) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    run_ours(url, folder / "profiled.mp4", loop)
    profiler.disable()
    stats = pstats.Stats(profiler, stream=sys.stderr)
    stats.sort_stats("tottime").print_stats(25)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size-mb", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3, help="rounds of curl + ours (medians)")
    parser.add_argument("--profile", action="store_true", help="cProfile one of ours (stderr)")
    parser.add_argument(
        "--loop", choices=("qt", "asyncio"), default="qt", help="the app's loop or asyncio's"
    )
    args = parser.parse_args()
    curl_bin = shutil.which("curl")
    if curl_bin is None:
        sys.exit("download: curl is not installed (apt-get install -y curl); nothing measured")
    size = args.size_mb * MB
    with tempfile.TemporaryDirectory(prefix="luma-bench-") as tmp:
        folder = Path(tmp)
        make_payload(folder / "payload.mp4", size)
        proc, base = start_server(folder / "payload.mp4")
        url = f"{base}/videos/clip.mp4"
        try:
            if args.profile:
                profile_once(url, folder, args.loop)
                return
            if args.loop == "qt":
                qt_app()
                import luma_desktop.studio.event_loop  # noqa: F401 - loaded before RSS too
            rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            rounds = [
                one_round(curl_bin, url, folder, proc.pid, n % 2 == 0, args.loop)
                for n in range(args.runs)
            ]
            rss_growth = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024
            with urllib.request.urlopen(f"{base}/_auth_seen") as answer:
                key_sent = answer.read().decode()
        finally:
            stop(proc)
    wrong = {r[k] for r in rounds for k in ("curl_size", "ours_size")} - {size}
    if wrong:
        sys.exit(f"download: wrong sizes {sorted(wrong)} (want {size})")
    if key_sent != "no":
        sys.exit("download: the API key reached the video server")

    def med(key: str) -> float:
        return statistics.median(r[key] for r in rounds)

    each = " ".join(f"{r['ours'] / r['curl']:.2f}" for r in rounds)
    print(
        f"download: loop={args.loop} size_mb={args.size_mb} runs={args.runs} "
        f"ours_mb_s={med('ours'):.0f} "
        f"curl_mb_s={med('curl'):.0f} ratio={med('ours') / med('curl'):.2f} "
        f"ratio_each=[{each.replace(' ', ',')}] "
        f"ours_cpu_s={med('ours_cpu'):.2f} curl_cpu_s={med('curl_cpu'):.2f} "
        f"cpu_ratio={med('ours_cpu') / med('curl_cpu'):.2f} rss_growth_mb={rss_growth:.1f} "
        f"server_cpu_s_ours={med('ours_server_cpu'):.2f} "
        f"server_cpu_s_curl={med('curl_server_cpu'):.2f} key_to_video_host=no"
    )


if __name__ == "__main__":
    main()
