"""Demo clips drawn for their request: shape, duration, loop, per-job look, valid MP4."""

from __future__ import annotations

import struct
from io import BytesIO
from typing import cast

import pytest
from PIL import Image, ImageChops

from luma_desktop.sim.clipmaker import ClipSpec, parse_seconds, render_clip, timecode


def boxes(data: bytes, start: int = 0, end: int | None = None) -> dict[bytes, tuple[int, int]]:
    """Top-level boxes in [start, end): kind -> (payload start, payload end)."""
    found, pos, end = {}, start, len(data) if end is None else end
    while pos < end:
        size, kind = struct.unpack(">I4s", data[pos : pos + 8])
        found[kind] = (pos + 8, pos + size)
        pos += size
    return found


def child(data: bytes, path: list[bytes], skip: int = 0) -> bytes:
    start, end = 0, len(data)
    for depth, kind in enumerate(path):
        start, end = boxes(data, start, end)[kind]
        if depth == len(path) - 1:
            break
        if kind == b"stsd":
            start += 8
    return data[start + skip : end]


def frames(clip: bytes) -> list[bytes]:
    """The JPEG samples, read back through stsz and stco."""
    stbl = [b"moov", b"trak", b"mdia", b"minf", b"stbl"]
    stsz = child(clip, [*stbl, b"stsz"])
    _flags, _size, count = struct.unpack(">III", stsz[:12])
    sizes = struct.unpack(f">{count}I", stsz[12 : 12 + 4 * count])
    (offset,) = struct.unpack(">I", child(clip, [*stbl, b"stco"])[8:12])
    out = []
    for size in sizes:
        out.append(clip[offset : offset + size])
        offset += size
    return out


def seconds_of(clip: bytes) -> float:
    mdhd = child(clip, [b"moov", b"trak", b"mdia", b"mdhd"])
    timescale, duration = struct.unpack(">II", mdhd[12:20])
    return float(duration / timescale)


def picture(jpeg: bytes) -> Image.Image:
    return Image.open(BytesIO(jpeg)).convert("RGB")


def test_a_clip_is_a_fast_start_motion_jpeg_mp4() -> None:
    clip = render_clip(ClipSpec(seed="a", prompt="a lighthouse"))
    assert clip[4:8] == b"ftyp"
    assert 0 < clip.find(b"moov") < clip.find(b"mdat")
    assert b"jpeg" in child(clip, [b"moov", b"trak", b"mdia", b"minf", b"stbl", b"stsd"])
    shots = frames(clip)
    assert all(f.startswith(b"\xff\xd8") and f.endswith(b"\xff\xd9") for f in shots)
    assert len(clip) < 2_000_000


@pytest.mark.parametrize(
    ("ratio", "size"),
    [("16:9", (320, 180)), ("9:16", (180, 320)), ("1:1", (320, 320)), ("21:9", (320, 138))],
)
def test_the_requested_aspect_ratio(ratio: str, size: tuple[int, int]) -> None:
    clip = render_clip(ClipSpec(seed="a", aspect_ratio=ratio, seconds=1))
    assert picture(frames(clip)[0]).size == size


@pytest.mark.parametrize(("duration", "seconds"), [("5s", 5), ("9s", 9), (10, 10), (None, 5)])
def test_the_requested_duration(duration: object, seconds: int) -> None:
    spec = ClipSpec.from_request("a", {"prompt": "x", "duration": duration})
    clip = render_clip(spec)
    assert seconds_of(clip) == seconds
    assert len(frames(clip)) == seconds * 24


def test_a_loop_ends_on_its_first_picture_and_a_plain_clip_does_not() -> None:
    looped = frames(render_clip(ClipSpec(seed="a", seconds=1, loop=True)))
    assert looped[-1] == looped[0]
    assert looped[1] != looped[0]
    plain = frames(render_clip(ClipSpec(seed="a", seconds=1)))
    assert plain[-1] != plain[0]


def test_takes_of_one_prompt_look_different_and_each_is_stable() -> None:
    one = render_clip(ClipSpec(seed="job-1", prompt="a paper boat", seconds=1))
    two = render_clip(ClipSpec(seed="job-2", prompt="a paper boat", seconds=1))
    assert one == render_clip(ClipSpec(seed="job-1", prompt="a paper boat", seconds=1))
    diff = ImageChops.difference(picture(frames(one)[0]), picture(frames(two)[0]))
    extrema = cast("tuple[tuple[int, int], ...]", diff.getextrema())  # per band, for RGB
    assert max(hi for _lo, hi in extrema) > 60  # other colours, not noise


def test_the_prompt_is_on_screen() -> None:
    blank = picture(frames(render_clip(ClipSpec(seed="a", prompt=" ", seconds=1)))[0])
    words = picture(frames(render_clip(ClipSpec(seed="a", prompt="a tall ship", seconds=1)))[0])
    box = ImageChops.difference(blank, words).getbbox()
    assert box is not None
    left, top, right, bottom = box
    assert top > 40  # a line across the middle
    assert bottom < 140
    assert right - left > 60


def test_frames_move() -> None:
    shots = frames(render_clip(ClipSpec(seed="a", seconds=1)))
    assert len(set(shots)) == len(shots)


@pytest.mark.parametrize(
    ("value", "seconds"), [("5s", 5), ("9s", 9), ("5", 5), (9, 9), (True, 5), ("x", 5), (99, 5)]
)
def test_parse_seconds(value: object, seconds: int) -> None:
    assert parse_seconds(value) == seconds


def test_timecode() -> None:
    assert timecode(0, 24) == "00:00:00:00"
    assert timecode(24 * 61 + 5, 24) == "00:01:01:05"
