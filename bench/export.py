"""Export speed: frames per second for each format, from a 5 s 1080p H.264 clip.

The clip (24 fps, 1920x1080, yuv420p, H.264 with B-frames like Luma's) is made in a
temporary folder with imageio-ffmpeg's ffmpeg (a dev extra), then exported with
``luma_desktop.core.export`` (Qt's FFmpeg through ctypes): ProRes 422 HQ, the MP4
stream copy, and, with ``--all``, GIF/WebP (720 px wide) and the PNG sequence.
Throughput is frames / wall time of ``export`` (demux + decode + convert + encode +
mux); the machine is shared, so the best of ``--runs``.

    .venv/bin/python bench/export.py [--runs 2] [--all]

Prints one line: ``export: key=value ...``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import tempfile
from pathlib import Path

import imageio_ffmpeg

from luma_desktop.core.export import ExportFormat, ExportRequest, export


def make_clip(path: Path) -> Path:
    graph = "testsrc2=size=1920x1080:rate=24"
    ffmpeg = imageio_ffmpeg.get_ffmpeg_exe()
    made = [ffmpeg, "-y", "-loglevel", "error", "-f", "lavfi", "-i", graph, "-t", "5"]
    encode = ["-pix_fmt", "yuv420p", "-c:v", "libx264", "-preset", "veryfast", str(path)]
    subprocess.run([*made, *encode], check=True)
    return path


def fps(clip: Path, folder: Path, fmt: ExportFormat, runs: int) -> float:
    best = 0.0
    for run in range(runs):
        result = export(ExportRequest((clip,), folder / f"out{run}{fmt.suffix}", fmt))
        best = max(best, result.frames / result.seconds)
    return best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--all", action="store_true")
    args = parser.parse_args()
    formats = list(ExportFormat) if args.all else [ExportFormat.PRORES, ExportFormat.MP4]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        clip = make_clip(folder / "clip.mp4")
        parts = [f"{fmt.value}_fps={fps(clip, folder, fmt, args.runs):.1f}" for fmt in formats]
    print(f"export: clip=1920x1080x120 cores={os.cpu_count()} " + " ".join(parts))


if __name__ == "__main__":
    main()
