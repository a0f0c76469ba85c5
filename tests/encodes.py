"""Small real encodes made at test time with imageio-ffmpeg's FFmpeg (never committed)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import imageio_ffmpeg

SOURCE = "testsrc2=size=64x36:rate=12:duration=0.25"

# name: (file name, FFmpeg output options)
TEN_BIT: dict[str, tuple[str, list[str]]] = {
    "h264 high 10": ("h264-10.mp4", ["-c:v", "libx264", "-pix_fmt", "yuv420p10le"]),
    "hevc main 10": (
        "hevc-10.mp4",
        ["-c:v", "libx265", "-pix_fmt", "yuv420p10le", "-tag:v", "hvc1"],
    ),
    "vp9 profile 2": ("vp9-10.webm", ["-c:v", "libvpx-vp9", "-pix_fmt", "yuv420p10le"]),
    "prores 422 hq": ("prores.mov", ["-c:v", "prores_ks", "-profile:v", "3"]),
}
HDR10 = (
    "hdr10.mp4",
    [
        *("-c:v", "libx265", "-pix_fmt", "yuv420p10le", "-tag:v", "hvc1"),
        *(
            "-x265-params",
            "log-level=none:colorprim=bt2020:transfer=smpte2084:colormatrix=bt2020nc",
        ),
    ],
)
HLG = (
    "hlg.mp4",
    [
        *("-c:v", "libx264", "-pix_fmt", "yuv420p10le"),
        *("-x264-params", "colorprim=bt2020:transfer=arib-std-b67:colormatrix=bt2020nc"),
    ],
)
AV1 = ("av1.mp4", ["-c:v", "libsvtav1", "-svtav1-params", "log-level=0"])
SDR = ("sdr.mp4", ["-c:v", "libx264", "-pix_fmt", "yuv420p"])
EXR_FRAME = ("frame.exr", ["-frames:v", "1", "-c:v", "exr", "-pix_fmt", "gbrpf32le"])


def encode(folder: Path, name: str, options: list[str]) -> Path:
    out = folder / name
    subprocess.run(
        [
            imageio_ffmpeg.get_ffmpeg_exe(),
            *("-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", SOURCE),
            *options,
            "-y",
            str(out),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return out
