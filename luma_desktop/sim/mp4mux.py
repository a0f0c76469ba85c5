"""A minimal ISO-BMFF (``.mp4``) writer for Motion-JPEG frames, in pure Python.

Demo clips are drawn at run time, and the app ships no encoder binary: Qt's FFmpeg
decodes Motion-JPEG in MP4 (sample entry ``jpeg``), and Pillow writes the JPEGs. The
layout is the "fast start" one (``ftyp``, ``moov``, then ``mdat``), one chunk, every
sample a sync sample, so a player can start before the last byte arrives.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence

_MATRIX = struct.pack(">9I", 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000)
MOVIE_TIMESCALE = 1000
# Ticks per frame in the track's time scale (24 fps → 12288 ticks a second, as
# FFmpeg writes it), so durations stay whole numbers for any frame rate.
TICKS_PER_FRAME = 512


def box(kind: bytes, *payload: bytes) -> bytes:
    body = b"".join(payload)
    return struct.pack(">I", 8 + len(body)) + kind + body


def full_box(kind: bytes, version: int, flags: int, *payload: bytes) -> bytes:
    return box(kind, struct.pack(">I", (version << 24) | flags), *payload)


def _mvhd(duration_ms: int) -> bytes:
    return full_box(
        b"mvhd",
        0,
        0,
        struct.pack(">IIII", 0, 0, MOVIE_TIMESCALE, duration_ms),
        struct.pack(">IH", 0x10000, 0x100),  # rate 1.0, volume 1.0
        bytes(10),
        _MATRIX,
        bytes(24),
        struct.pack(">I", 2),  # next track id
    )


def _tkhd(duration_ms: int, width: int, height: int) -> bytes:
    return full_box(
        b"tkhd",
        0,
        3,  # enabled, in movie
        struct.pack(">IIII", 0, 0, 1, 0),  # times, track id 1, reserved
        struct.pack(">I", duration_ms),
        bytes(8),
        struct.pack(">hhhH", 0, 0, 0, 0),  # layer, group, volume (video: 0), reserved
        _MATRIX,
        struct.pack(">II", width << 16, height << 16),
    )


def _jpeg_entry(width: int, height: int) -> bytes:
    name = b"Photo - JPEG"
    compressor = bytes([len(name)]) + name + bytes(31 - len(name))
    return box(
        b"jpeg",
        bytes(6),
        struct.pack(">H", 1),  # data reference index
        bytes(16),
        struct.pack(">HH", width, height),
        struct.pack(">II", 0x480000, 0x480000),  # 72 dpi
        bytes(4),
        struct.pack(">H", 1),  # frames per sample
        compressor,
        struct.pack(">Hh", 0x18, -1),
    )


def _stbl(sizes: Sequence[int], width: int, height: int, data_offset: int) -> bytes:
    count = len(sizes)
    return box(
        b"stbl",
        full_box(b"stsd", 0, 0, struct.pack(">I", 1), _jpeg_entry(width, height)),
        full_box(b"stts", 0, 0, struct.pack(">III", 1, count, TICKS_PER_FRAME)),
        full_box(b"stsc", 0, 0, struct.pack(">IIII", 1, 1, count, 1)),
        full_box(b"stsz", 0, 0, struct.pack(f">II{count}I", 0, count, *sizes)),
        full_box(b"stco", 0, 0, struct.pack(">II", 1, data_offset)),
    )


def _moov(sizes: Sequence[int], width: int, height: int, fps: int, data_offset: int) -> bytes:
    duration_ms = round(len(sizes) * MOVIE_TIMESCALE / fps)
    timescale = fps * TICKS_PER_FRAME
    media_duration = len(sizes) * TICKS_PER_FRAME
    minf = box(
        b"minf",
        full_box(b"vmhd", 0, 1, bytes(8)),
        box(b"dinf", full_box(b"dref", 0, 0, struct.pack(">I", 1), full_box(b"url ", 0, 1))),
        _stbl(sizes, width, height, data_offset),
    )
    mdia = box(
        b"mdia",
        full_box(b"mdhd", 0, 0, struct.pack(">IIIIHH", 0, 0, timescale, media_duration, 0x55C4, 0)),
        full_box(b"hdlr", 0, 0, bytes(4), b"vide", bytes(12), b"VideoHandler\0"),
        minf,
    )
    trak = box(b"trak", _tkhd(duration_ms, width, height), mdia)
    return box(b"moov", _mvhd(duration_ms), trak)


def mux_mjpeg(frames: Sequence[bytes], width: int, height: int, fps: int) -> bytes:
    """An MP4 holding ``frames`` (JPEG files) as one Motion-JPEG track at ``fps``."""
    if not frames:
        raise ValueError("a clip needs at least one frame")
    ftyp = box(b"ftyp", b"isom", struct.pack(">I", 0x200), b"isomiso2mp41")
    sizes = [len(f) for f in frames]
    # The chunk offset does not change the moov's size, so measure it once with 0.
    moov_size = len(_moov(sizes, width, height, fps, 0))
    offset = len(ftyp) + moov_size + 8
    moov = _moov(sizes, width, height, fps, offset)
    mdat = struct.pack(">I", 8 + sum(sizes)) + b"mdat"
    return b"".join((ftyp, moov, mdat, *frames))
