"""Regenerate the sample clips the simulator serves (dev-time only, not used at runtime).

Run from anywhere: ``python resources/clips/make_clips.py``. It needs ``imageio-ffmpeg``
(its static ffmpeg binary). Each clip: 2 s, 24 fps, yuv420p, H.264, ``+faststart``,
one per aspect family, each with visibly different moving content.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import imageio_ffmpeg

HERE = Path(__file__).resolve().parent

# name -> (size, lavfi source graph)
CLIPS: dict[str, tuple[str, str]] = {
    "landscape": ("320x180", "testsrc2=size=320x180:rate=24"),
    "portrait": ("180x320", "mandelbrot=size=180x320:rate=24"),
    "square": (
        "240x240",
        "color=c=0x2050a0:size=240x240:rate=24[bg];"
        "color=c=orange:size=40x40:rate=24[box];"
        "[bg][box]overlay=x='mod(t*120,200)':y='mod(t*60,200)':shortest=1",
    ),
}


def make(name: str, size: str, graph: str) -> Path:
    out = HERE / f"{name}.mp4"
    cmd = [
        imageio_ffmpeg.get_ffmpeg_exe(),
        "-y",
        "-loglevel",
        "error",
        "-f",
        "lavfi",
        "-i",
        graph,
        "-t",
        "2",
        "-r",
        "24",
        "-s",
        size,
        "-pix_fmt",
        "yuv420p",
        "-c:v",
        "libx264",
        "-preset",
        "medium",
        "-crf",
        "30",
        "-an",
        "-map_metadata",
        "-1",
        "-movflags",
        "+faststart",
        str(out),
    ]
    subprocess.run(cmd, check=True)
    return out


def main() -> None:
    for name, (size, graph) in CLIPS.items():
        path = make(name, size, graph)
        print(f"{path.name}: {path.stat().st_size} bytes")


if __name__ == "__main__":
    main()
