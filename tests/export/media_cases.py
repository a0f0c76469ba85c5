"""Tiny H.264 clips made at test time with imageio-ffmpeg's ffmpeg (no media is committed),
and the checks that read exports back with the same independent ffmpeg."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import imageio_ffmpeg

FPS = 24


def make_clip(path: Path, size: str = "64x48", frames: int = 12, source: str = "testsrc2") -> Path:
    """An H.264 MP4 (yuv420p, with B-frames, as Luma's are) of ``frames`` frames."""
    subprocess.run(
        [
            imageio_ffmpeg.get_ffmpeg_exe(),
            "-y",
            "-loglevel",
            "error",
            "-f",
            "lavfi",
            "-i",
            f"{source}=size={size}:rate={FPS}",
            "-frames:v",
            str(frames),
            "-pix_fmt",
            "yuv420p",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-bf",
            "2",
            str(path),
        ],
        check=True,
    )
    return path


def probe(path: Path) -> tuple[int, str, str]:
    """(frames decoded, codec, WxH) as ffmpeg itself sees the file."""
    done = subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-i", str(path), "-f", "null", "-"],
        capture_output=True,
        text=True,
        check=True,
    )
    stream = re.search(r"Stream #0:0.*?Video: (\w+).*?, (\d+x\d+)", done.stderr)
    frames = re.findall(r"frame=\s*(\d+)", done.stderr)
    assert stream, done.stderr
    assert frames, done.stderr
    return int(frames[-1]), stream.group(1), stream.group(2)
