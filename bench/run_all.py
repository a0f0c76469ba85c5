"""Runs every bench, one after another, and writes ``BENCHMARKS.md`` at the repository root.

Each bench prints one ``name: key=value ...`` line; this script runs it in its own
process, reads that line, and judges it against the goals below (issue 14). The
page gives, per goal, the figure, pass or miss, the bench's whole line, the machine's
core count, its load before the run, and the date. A bench that fails or prints no
line is a miss, with its error. Benches without a goal of their own (``export``,
``demo_clips``) are listed with their figures.

    .venv/bin/python bench/run_all.py [--only download,startup] [--out BENCHMARKS.md]

``--build`` builds the bundle first (``bash packaging/build.sh``), so ``startup`` and
``bundle`` measure the current code.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
Figures = dict[str, str]


@dataclass(frozen=True)
class Goal:
    what: str  # in words, as in the issue
    figure: Callable[[Figures], str]  # what to show
    met: Callable[[Figures], bool | None]  # None: not measured


def num(figures: Figures, key: str) -> float:
    value = figures.get(key, "")
    try:
        return float(value)
    except ValueError:
        return float("inf")  # "timeout", "n/a", missing: never a pass


def below(key: str, limit: float, *, strict: bool = False) -> Callable[[Figures], bool]:
    return lambda f: num(f, key) < limit if strict else num(f, key) <= limit


def shown(*keys: str) -> Callable[[Figures], str]:
    return lambda f: ", ".join(f"{k}={f.get(k, '?')}" for k in keys)


def _all_of(fraction: str) -> bool:
    done, _slash, total = fraction.partition("/")
    return done == total


def _unified(f: Figures) -> bool | None:
    if f.get("unified") == "not-available":
        return None
    fewer = num(f, "unified_requests_per_job_ours") < num(f, "unified_requests_per_job_naive10s")
    return fewer and num(f, "unified_latency_ms_ours_median") <= 3000


BENCHES: dict[str, tuple[list[str], list[Goal]]] = {
    "download": (
        [],
        [
            Goal(
                "throughput ≥ 0.9× curl",
                shown("ratio", "ours_mb_s", "curl_mb_s", "loop"),
                lambda f: num(f, "ratio") >= 0.9,
            ),
            Goal(
                "CPU seconds ≤ 1.3× curl",
                shown("cpu_ratio", "ours_cpu_s", "curl_cpu_s"),
                below("cpu_ratio", 1.3),
            ),
            Goal(
                "RSS growth < 30 MB",
                shown("rss_growth_mb"),
                below("rss_growth_mb", 30, strict=True),
            ),
            Goal(
                "no key to the video host",
                shown("key_to_video_host"),
                lambda f: f.get("key_to_video_host") == "no",
            ),
        ],
    ),
    "library_open": (
        [],
        [
            Goal(
                "10k: first screen with thumbnails ≤ 0.3 s",
                shown("n10k_first_ms", "n10k_first_each"),
                below("n10k_first_ms", 300),
            ),
            Goal(
                "10k: Ctrl+End to the last row painted ≤ 50 ms",
                shown("n10k_end_ms", "n10k_end_each"),
                below("n10k_end_ms", 50),
            ),
            Goal(
                "100k: first screen with thumbnails ≤ 1 s",
                shown("n100k_first_ms", "n100k_first_each"),
                below("n100k_first_ms", 1000),
            ),
            Goal("100k: RSS ≤ 400 MB", shown("n100k_rss_mb"), below("n100k_rss_mb", 400)),
        ],
    ),
    "ui_lag": (
        [],
        [
            Goal(
                "every run: p99.9 < 8 ms",
                shown("p999_ms_each"),
                below("worst_p999_ms", 8, strict=True),
            ),
            Goal(
                "every run: max < 16 ms",
                shown("max_ms_each"),
                below("worst_max_ms", 16, strict=True),
            ),
            Goal(
                "the burst completed in the window",
                shown("completed", "thumbs", "autoplayed"),
                lambda f: _all_of(f.get("completed", "0/1")),
            ),
        ],
    ),
    "poll_efficiency": (
        ["--scale", "0.2"],
        [
            Goal(
                "Luma route: ≤ floor + 1 requests per job",
                shown("luma_requests_per_job_ours", "luma_floor", "luma_requests_per_job_naive3s"),
                lambda f: num(f, "luma_requests_per_job_ours") <= num(f, "luma_floor") + 1,
            ),
            Goal(
                "Luma route: detection latency ≤ 0.2 s (max)",
                shown("luma_latency_ms_ours_max", "luma_latency_ms_naive3s_median"),
                below("luma_latency_ms_ours_max", 200),
            ),
            Goal(
                "unified route (warm): fewer requests than a 10 s poller, median latency ≤ 3 s",
                shown(
                    "unified_requests_per_job_ours",
                    "unified_requests_per_job_naive10s",
                    "unified_latency_ms_ours_median",
                    "unified_latency_ms_naive10s_median",
                    "unified_cold_requests_per_job_ours",
                    "unified_cold_latency_ms_ours_median",
                ),
                _unified,
            ),
        ],
    ),
    "startup": (
        [],
        [
            Goal("from source ≤ 0.4 s", shown("source_median_ms"), below("source_median_ms", 400)),
            Goal(
                "from the bundle ≤ 0.5 s", shown("bundle_median_ms"), below("bundle_median_ms", 500)
            ),
        ],
    ),
    "bundle": (
        [],
        [
            Goal(
                "≤ 150 MB unpacked (archive reported)",
                shown("unpacked_mb", "tar_gz_mb"),
                below("unpacked_mb", 150),
            ),
        ],
    ),
    "export": (["--runs", "1"], []),
    "demo_clips": (["--runs", "3"], []),
}

LINE = re.compile(r"^(\w+): (.*)$")
PAIR = re.compile(r"(\w+)=(\[[^\]]*\]|\S+)")


def run(name: str, extra: list[str]) -> tuple[Figures, str, float]:
    """The bench's figures, its line (or its error), and its seconds."""
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / f"{name}.py"), *extra],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    seconds = time.monotonic() - started
    for line in reversed(done.stdout.splitlines()):
        match = LINE.match(line.strip())
        if match and match.group(1) == name:
            return dict(PAIR.findall(match.group(2))), line.strip(), seconds
    error = (done.stderr.strip().splitlines() or [f"exit {done.returncode}"])[-1]
    return {}, f"no line (exit {done.returncode}): {error}", seconds


def verdict(met: bool | None) -> str:
    return {True: "pass", False: "**miss**", None: "not available"}[met]


def page(results: dict[str, tuple[Figures, str, float]], load: str) -> str:
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    out = [
        "# Benchmarks",
        "",
        f"Measured {now} on {os.cpu_count()} cores ({platform.machine()}, "
        f"Python {platform.python_version()}), load average {load} before the run, by "
        "`.venv/bin/python bench/run_all.py`. Every comparison runs side by side in one "
        "process tree, so the ratios hold on a busy machine; absolute times do not.",
        "",
        "| bench | goal | figure | result |",
        "|---|---|---|---|",
    ]
    for name, (figures, _line, _seconds) in results.items():
        for goal in BENCHES[name][1]:
            met = goal.met(figures) if figures else False
            out.append(f"| `{name}` | {goal.what} | {goal.figure(figures)} | {verdict(met)} |")
    out += ["", "## Each bench's line", ""]
    for name, (_figures, line, seconds) in results.items():
        out += [f"- `{name}` ({seconds:.0f} s): `{line}`"]
    out += ["", "Each bench's docstring says what it measures and how (`bench/<name>.py`).", ""]
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", default="", help="comma-separated bench names")
    parser.add_argument("--out", type=Path, default=ROOT / "BENCHMARKS.md")
    parser.add_argument("--notes", type=Path, help="a file appended to the page (the misses)")
    parser.add_argument("--build", action="store_true", help="build the bundle first")
    args = parser.parse_args()
    names = [n for n in args.only.split(",") if n] or list(BENCHES)
    if args.build:
        subprocess.run(["bash", "packaging/build.sh"], cwd=ROOT, check=True)
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    results = {}
    for name in names:
        results[name] = run(name, BENCHES[name][0])
        print(results[name][1], flush=True)
    text = page(results, load)
    if args.notes:
        text += "\n" + args.notes.read_text()
    args.out.write_text(text)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
