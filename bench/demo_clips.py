"""How long the simulator takes to draw a demo clip, and how big it is.

Draws ``--runs`` clips of each shape the window asks for (16:9 5 s, 9:16 9 s, 1:1
5 s loop, 21:9 10 s), each with its own seed, and reports the median and worst time
per clip and the median size. Target: well under a second a clip, a few MB at most.

    .venv/bin/python bench/demo_clips.py [--runs 5]

Prints one line: ``demo_clips: key=value ...``.
"""

from __future__ import annotations

import argparse
import statistics
import time

from luma_desktop.sim.clipmaker import ClipSpec, render_clip

SHAPES = [("16:9", 5, False), ("9:16", 9, False), ("1:1", 5, True), ("21:9", 10, False)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    times: list[float] = []
    sizes: list[int] = []
    for run in range(args.runs):
        for ratio, seconds, loop in SHAPES:
            spec = ClipSpec(
                seed=f"bench-{run}-{ratio}",
                prompt="A paper boat drifts down a rain-soaked cobblestone street at dusk",
                aspect_ratio=ratio,
                seconds=seconds,
                loop=loop,
            )
            started = time.perf_counter()
            sizes.append(len(render_clip(spec)))
            times.append(time.perf_counter() - started)
    print(
        f"demo_clips: clips={len(times)} median_s={statistics.median(times):.3f} "
        f"max_s={max(times):.3f} median_kb={statistics.median(sizes) / 1024:.0f} "
        f"max_kb={max(sizes) / 1024:.0f}"
    )


if __name__ == "__main__":
    main()
