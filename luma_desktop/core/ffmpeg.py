"""A small ctypes binding to the FFmpeg 7.1 libraries that Qt Multimedia already ships.

Why not PyAV: its wheel brings a second, full FFmpeg (about 100 MB unpacked), while the
bundle already carries Qt's (libavcodec 61 with the ``prores_ks``, ``gif``, ``png``
encoders, the H.264 decoder and the mov/mp4 muxers). Exports need only a handful of
calls, so this binding costs nothing in the bundle.

Only what exports and thumbnails need: demux, decode, convert (swscale), encode, mux,
and packet copy.
Struct fields are read through the few offsets that FFmpeg's public headers fix for
libavformat 61 / libavcodec 61 / libavutil 59; other majors are refused (``available``
says why) rather than read with a layout that may have moved. Everything else goes
through functions and AVOptions, which check names at run time.
"""

from __future__ import annotations

import ctypes
import os
import sys
from ctypes import POINTER, c_char_p, c_int, c_int64, c_void_p
from functools import cache
from pathlib import Path
from typing import Any

_MAJORS = {"avutil": 59, "swresample": 5, "swscale": 8, "avcodec": 61, "avformat": 61}
_ORDER = ("avutil", "swresample", "swscale", "avcodec", "avformat")

AVMEDIA_TYPE_VIDEO = 0
AVERROR_EOF = -0x20464F45  # FFERRTAG('E','O','F',' ')
AVERROR_EAGAIN = -11
AVIO_FLAG_WRITE = 2
SWS_BICUBIC = 4
AV_NOPTS_VALUE = -0x8000000000000000


class FFmpegError(RuntimeError):
    """An FFmpeg call failed; the message names the step and FFmpeg's reason."""


class Rational(ctypes.Structure):
    _fields_ = (("num", c_int), ("den", c_int))


class _Frame(ctypes.Structure):
    """The head of AVFrame (unchanged since FFmpeg 4)."""

    _fields_ = (
        ("data", c_void_p * 8),
        ("linesize", c_int * 8),
        ("extended_data", c_void_p),
        ("width", c_int),
        ("height", c_int),
        ("nb_samples", c_int),
        ("format", c_int),
    )


class _Packet(ctypes.Structure):
    """The head of AVPacket (unchanged since FFmpeg 5)."""

    _fields_ = (
        ("buf", c_void_p),
        ("pts", c_int64),
        ("dts", c_int64),
        ("data", c_void_p),
        ("size", c_int),
        ("stream_index", c_int),
        ("flags", c_int),
        ("side_data", c_void_p),
        ("side_data_elems", c_int),
        ("duration", c_int64),
        ("pos", c_int64),
    )


# Offsets in libavformat 61 (FFmpeg 7.x): AVFormatContext.pb, .nb_streams, .streams;
# AVStream.index, .codecpar, .time_base; AVCodecParameters.codec_id, .codec_tag,
# .extradata(_size), .width/.height.
FMT_PB, FMT_NB_STREAMS, FMT_STREAMS = 32, 44, 48
ST_INDEX, ST_CODECPAR, ST_TIME_BASE = 8, 16, 32
PAR_CODEC_ID, PAR_CODEC_TAG, PAR_EXTRADATA, PAR_EXTRADATA_SIZE, PAR_WIDTH = 4, 8, 16, 24, 72
# AVCodecParameters.format (the pixel format) and .color_trc (the transfer function).
PAR_FORMAT, PAR_COLOR_TRC = 44, 108
AVCOL_TRC_SMPTE2084, AVCOL_TRC_ARIB_STD_B67 = 16, 18  # HDR10 (PQ) and HLG

_P = c_void_p
_SIGNATURES: dict[str, tuple[str, object, tuple[object, ...]]] = {
    "av_frame_alloc": ("avutil", _P, ()),
    "av_frame_free": ("avutil", None, (POINTER(_P),)),
    "av_frame_unref": ("avutil", None, (_P,)),
    "av_frame_get_buffer": ("avutil", c_int, (_P, c_int)),
    "av_strerror": ("avutil", c_int, (c_int, c_char_p, ctypes.c_size_t)),
    "av_log_set_level": ("avutil", None, (c_int,)),
    "av_get_pix_fmt": ("avutil", c_int, (c_char_p,)),
    "av_get_pix_fmt_name": ("avutil", c_char_p, (c_int,)),
    "av_opt_set": ("avutil", c_int, (_P, c_char_p, c_char_p, c_int)),
    "av_opt_set_q": ("avutil", c_int, (_P, c_char_p, Rational, c_int)),
    "av_opt_get_int": ("avutil", c_int, (_P, c_char_p, c_int, POINTER(c_int64))),
    "av_opt_child_next": ("avutil", _P, (_P, _P)),
    "avutil_version": ("avutil", ctypes.c_uint, ()),
    "swresample_version": ("swresample", ctypes.c_uint, ()),
    "swscale_version": ("swscale", ctypes.c_uint, ()),
    "sws_getContext": ("swscale", _P, (c_int,) * 7 + (_P, _P, _P)),
    "sws_scale_frame": ("swscale", c_int, (_P, _P, _P)),
    "sws_freeContext": ("swscale", None, (_P,)),
    "avcodec_version": ("avcodec", ctypes.c_uint, ()),
    "avcodec_find_encoder_by_name": ("avcodec", _P, (c_char_p,)),
    "avcodec_alloc_context3": ("avcodec", _P, (_P,)),
    "avcodec_free_context": ("avcodec", None, (POINTER(_P),)),
    "avcodec_parameters_to_context": ("avcodec", c_int, (_P, _P)),
    "avcodec_parameters_from_context": ("avcodec", c_int, (_P, _P)),
    "avcodec_parameters_copy": ("avcodec", c_int, (_P, _P)),
    "avcodec_open2": ("avcodec", c_int, (_P, _P, _P)),
    "avcodec_send_packet": ("avcodec", c_int, (_P, _P)),
    "avcodec_receive_frame": ("avcodec", c_int, (_P, _P)),
    "avcodec_send_frame": ("avcodec", c_int, (_P, _P)),
    "avcodec_receive_packet": ("avcodec", c_int, (_P, _P)),
    "avcodec_get_name": ("avcodec", c_char_p, (c_int,)),
    "av_packet_alloc": ("avcodec", _P, ()),
    "av_packet_free": ("avcodec", None, (POINTER(_P),)),
    "av_packet_unref": ("avcodec", None, (_P,)),
    "av_packet_rescale_ts": ("avcodec", None, (_P, Rational, Rational)),
    "avformat_version": ("avformat", ctypes.c_uint, ()),
    "avformat_open_input": ("avformat", c_int, (POINTER(_P), c_char_p, _P, _P)),
    "avformat_find_stream_info": ("avformat", c_int, (_P, _P)),
    "avformat_close_input": ("avformat", None, (POINTER(_P),)),
    "av_find_best_stream": ("avformat", c_int, (_P, c_int, c_int, c_int, POINTER(_P), c_int)),
    "av_guess_frame_rate": ("avformat", Rational, (_P, _P, _P)),
    "av_read_frame": ("avformat", c_int, (_P, _P)),
    "avformat_alloc_output_context2": ("avformat", c_int, (POINTER(_P), _P, c_char_p, c_char_p)),
    "avformat_new_stream": ("avformat", _P, (_P, _P)),
    "avio_open": ("avformat", c_int, (POINTER(_P), c_char_p, c_int)),
    "avio_closep": ("avformat", c_int, (POINTER(_P),)),
    "avformat_write_header": ("avformat", c_int, (_P, _P)),
    "av_interleaved_write_frame": ("avformat", c_int, (_P, _P)),
    "av_write_trailer": ("avformat", c_int, (_P,)),
    "avformat_free_context": ("avformat", None, (_P,)),
}


def _file_names(lib: str) -> list[str]:
    major = _MAJORS[lib]
    if sys.platform == "win32":
        return [f"{lib}-{major}.dll"]
    if sys.platform == "darwin":
        return [f"lib{lib}.{major}.dylib"]
    return [f"lib{lib}.so.{major}"]


def _candidate_dirs() -> list[Path]:
    """Where PySide6's FFmpeg libraries live: in the bundle, or in site-packages."""
    roots: list[Path] = []
    meipass = getattr(sys, "_MEIPASS", None)
    if meipass:
        roots.append(Path(meipass) / "PySide6")
    roots += [Path(p) / "PySide6" for p in sys.path if p]
    dirs = []
    for root in roots:
        dirs += [root / "Qt" / "lib", root / "lib", root]
    env = os.environ.get("LUMA_DESKTOP_FFMPEG_DIR")
    return [Path(env)] if env else dirs


def _find_dir() -> Path:
    for folder in _candidate_dirs():
        if all((folder / _file_names(lib)[0]).is_file() for lib in _ORDER):
            return folder
    raise FFmpegError("Qt's FFmpeg libraries were not found next to PySide6")


class _Libs:
    def __init__(self) -> None:
        folder = _find_dir()
        if sys.platform == "win32":  # the DLLs find each other in their own folder
            os.add_dll_directory(str(folder))
        # On Linux Qt links its FFmpeg against stubs that stand in for OpenSSL and VA-API
        # (they load the real ones if present); their versioned symbols resolve only
        # when the stubs are loaded globally first.
        for stub in sorted(folder.glob("libQt6FFmpegStub-*.so.*")):
            ctypes.CDLL(str(stub), mode=ctypes.RTLD_GLOBAL)
        self.libs = {
            lib: ctypes.CDLL(str(folder / _file_names(lib)[0]), mode=ctypes.RTLD_GLOBAL)
            for lib in _ORDER
        }
        for name, (lib, restype, argtypes) in _SIGNATURES.items():
            fn = getattr(self.libs[lib], name)
            fn.restype = restype
            fn.argtypes = argtypes
            setattr(self, name, fn)
        for lib in _ORDER:
            major = int(getattr(self, f"{lib}_version")()) >> 16
            if major != _MAJORS[lib]:
                raise FFmpegError(f"lib{lib} {major} found; exports need {_MAJORS[lib]}")
        self.av_log_set_level(16)  # AV_LOG_ERROR: no per-frame chatter on stderr

    def __getattr__(self, name: str) -> Any:  # for mypy: the functions are set in __init__
        raise AttributeError(name)


@cache
def libs() -> _Libs:
    return _Libs()


AV_LOG_ERROR = 16


@cache
def quiet_logs() -> bool:
    """FFmpeg's own messages at errors only, for the whole process.

    Qt Multimedia's FFmpeg backend leaves the library at its default level (info),
    which prints every opened clip's stream dump ("Input #0, mov,mp4…") on the
    terminal. The level is one global of libavutil, the very library Qt loads, so
    setting it here quiets Qt's players too. ``QT_FFMPEG_DEBUG`` (Qt's own switch for
    FFmpeg's debug output) is left alone. False when the library is not found.
    """
    if os.environ.get("QT_FFMPEG_DEBUG"):
        return False
    try:
        folder = _find_dir()
        if sys.platform == "win32":
            os.add_dll_directory(str(folder))
        for stub in sorted(folder.glob("libQt6FFmpegStub-*.so.*")):
            ctypes.CDLL(str(stub), mode=ctypes.RTLD_GLOBAL)
        avutil = ctypes.CDLL(str(folder / _file_names("avutil")[0]), mode=ctypes.RTLD_GLOBAL)
    except (OSError, FFmpegError):
        return False
    avutil.av_log_set_level.argtypes = (c_int,)
    avutil.av_log_set_level.restype = None
    avutil.av_log_set_level(AV_LOG_ERROR)
    return True


def available() -> str | None:
    """None when exports can run; else why not (shown to the artist)."""
    try:
        libs()
    except (OSError, FFmpegError) as exc:
        return str(exc)
    return None


def check(code: int, step: str) -> int:
    if code < 0:
        buf = ctypes.create_string_buffer(256)
        libs().av_strerror(code, buf, len(buf))
        raise FFmpegError(f"{step}: {buf.value.decode(errors='replace')}")
    return code


def pix_fmt(name: str) -> int:
    value = int(libs().av_get_pix_fmt(name.encode()))
    if value < 0:
        raise FFmpegError(f"unknown pixel format {name}")
    return value


def pointer_at(address: int, offset: int) -> int:
    return int(c_void_p.from_address(address + offset).value or 0)


def stream_time_base(stream: int) -> Rational:
    return Rational.from_address(stream + ST_TIME_BASE)


def packet(pkt: int) -> _Packet:
    return _Packet.from_address(pkt)


def frame(frm: int) -> _Frame:
    return _Frame.from_address(frm)
