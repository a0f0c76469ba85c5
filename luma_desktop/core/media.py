"""Media files through FFmpeg: read packets, decode, convert, encode, write.

Thin objects over ``core.ffmpeg``'s calls; each owns its FFmpeg context and frees it in
``close``. Frames and packets handed out are valid until the next one is asked for.
"""

from __future__ import annotations

import ctypes
import os
from collections.abc import Iterator
from ctypes import byref, c_int, c_int64, c_void_p
from dataclasses import dataclass
from pathlib import Path

from luma_desktop.core.ffmpeg import (
    AVERROR_EAGAIN,
    AVERROR_EOF,
    AVIO_FLAG_WRITE,
    AVMEDIA_TYPE_VIDEO,
    FMT_NB_STREAMS,
    FMT_PB,
    FMT_STREAMS,
    PAR_CODEC_ID,
    PAR_CODEC_TAG,
    PAR_EXTRADATA,
    PAR_EXTRADATA_SIZE,
    PAR_WIDTH,
    ST_CODECPAR,
    ST_INDEX,
    SWS_BICUBIC,
    FFmpegError,
    Rational,
    check,
    frame,
    libs,
    packet,
    pix_fmt,
    pointer_at,
    stream_time_base,
)
from luma_desktop.core.limits import DEFAULT_LIMITS


class FrameTooLarge(FFmpegError):
    """The stream's frames are larger than :attr:`Limits.max_frame_pixels`."""

    def __init__(self, width: int, height: int) -> None:
        super().__init__(f"its frames are {width}×{height} pixels, too large to decode here")


@dataclass(frozen=True)
class StreamInfo:
    codec: str
    width: int
    height: int
    extradata: bytes


class Input:
    """An opened media file and its best video stream."""

    def __init__(self, path: Path) -> None:
        lib = libs()
        self.path = path
        self.ctx = c_void_p()
        check(lib.avformat_open_input(byref(self.ctx), os.fsencode(path), None, None), str(path))
        try:
            check(lib.avformat_find_stream_info(self.ctx, None), f"{path.name}: stream info")
            self.decoder = c_void_p()
            found = lib.av_find_best_stream(
                self.ctx, AVMEDIA_TYPE_VIDEO, -1, -1, byref(self.decoder), 0
            )
            self.index = check(found, f"{path.name}: no video")
            base = self.ctx.value or 0
            self.stream = pointer_at(pointer_at(base, FMT_STREAMS), 8 * self.index)
            count = c_int.from_address(base + FMT_NB_STREAMS).value
            # A cheap guard on the layout: the stream found says it is at that index.
            seen = c_int.from_address(self.stream + ST_INDEX).value
            if not (0 <= self.index < count and seen == self.index):
                raise FFmpegError("FFmpeg's stream layout is not the expected one")
        except BaseException:
            self.close()
            raise

    @property
    def codecpar(self) -> int:
        return pointer_at(self.stream, ST_CODECPAR)

    @property
    def time_base(self) -> Rational:
        tb = stream_time_base(self.stream)
        return Rational(tb.num, tb.den)

    def frame_rate(self) -> Rational:
        return libs().av_guess_frame_rate(self.ctx, self.stream, None)  # type: ignore[no-any-return]

    def info(self) -> StreamInfo:
        par = self.codecpar
        size = c_int.from_address(par + PAR_EXTRADATA_SIZE).value
        data = pointer_at(par, PAR_EXTRADATA)
        name = libs().avcodec_get_name(c_int.from_address(par + PAR_CODEC_ID).value)
        return StreamInfo(
            codec=(name or b"").decode(),
            width=c_int.from_address(par + PAR_WIDTH).value,
            height=c_int.from_address(par + PAR_WIDTH + 4).value,
            extradata=ctypes.string_at(data, size) if data and size > 0 else b"",
        )

    def packets(self) -> Iterator[int]:
        """The video stream's packets, each valid until the next one is asked for."""
        lib = libs()
        pkt = c_void_p(lib.av_packet_alloc())
        try:
            while lib.av_read_frame(self.ctx, pkt) >= 0:
                try:
                    if packet(pkt.value or 0).stream_index == self.index:
                        yield pkt.value or 0
                finally:
                    lib.av_packet_unref(pkt)
        finally:
            lib.av_packet_free(byref(pkt))

    def count_packets(self) -> int:
        return sum(1 for _ in self.packets())

    def close(self) -> None:
        if self.ctx:
            libs().avformat_close_input(byref(self.ctx))


class Decoder:
    """Decodes an input's video stream into frames (each valid until the next)."""

    def __init__(self, source: Input, max_pixels: int = DEFAULT_LIMITS.max_frame_pixels) -> None:
        lib = libs()
        self.source = source
        # The size the stream declares sizes what callers allocate (a full-size frame
        # grab's scaler): a tiny file may claim 60000x60000. Refused before any of it.
        info = source.info()
        if info.width * info.height > max_pixels:
            raise FrameTooLarge(info.width, info.height)
        self.ctx = c_void_p(lib.avcodec_alloc_context3(source.decoder))
        check(lib.avcodec_parameters_to_context(self.ctx, source.codecpar), "decoder parameters")
        lib.av_opt_set(self.ctx, b"threads", b"auto", 0)
        # And every decoded frame (an EXR's header may say otherwise than its stream).
        lib.av_opt_set(self.ctx, b"max_pixels", str(max(1, max_pixels)).encode(), 0)
        check(lib.avcodec_open2(self.ctx, source.decoder, None), "open decoder")

    def frames(self) -> Iterator[int]:
        lib = libs()
        frm = c_void_p(lib.av_frame_alloc())
        try:
            for pkt in self.source.packets():
                check(lib.avcodec_send_packet(self.ctx, pkt), "decode")
                yield from self._receive(frm.value or 0)
            lib.avcodec_send_packet(self.ctx, None)  # drain the frames held back
            yield from self._receive(frm.value or 0)
        finally:
            lib.av_frame_free(byref(frm))

    def _receive(self, frm: int) -> Iterator[int]:
        lib = libs()
        while True:
            code = lib.avcodec_receive_frame(self.ctx, frm)
            if code in (AVERROR_EAGAIN, AVERROR_EOF):
                return
            check(code, "decode")
            try:
                yield frm
            finally:
                lib.av_frame_unref(frm)

    def close(self) -> None:
        if self.ctx:
            libs().avcodec_free_context(byref(self.ctx))


class Scaler:
    """Converts frames to one pixel format and size (swscale), into a reused frame."""

    def __init__(self, width: int, height: int, pixel_format: str) -> None:
        self.width, self.height, self.format = width, height, pix_fmt(pixel_format)
        self._ctx: int | None = None
        self._src: tuple[int, int, int] | None = None
        self.out = c_void_p(libs().av_frame_alloc())

    def convert(self, src: int) -> int:
        lib = libs()
        head = frame(src)
        key = (head.width, head.height, head.format)
        if key != self._src:  # the first frame, or a clip of another size in a chain
            self.close_context()
            self._ctx = lib.sws_getContext(
                *key, self.width, self.height, self.format, SWS_BICUBIC, None, None, None
            )
            if not self._ctx:
                raise FFmpegError("cannot convert these frames")
            self._src = key
        lib.av_frame_unref(self.out)
        out = frame(self.out.value or 0)
        out.width, out.height, out.format = self.width, self.height, self.format
        check(lib.av_frame_get_buffer(self.out, 0), "frame buffer")
        check(lib.sws_scale_frame(self._ctx, self.out, src), "convert")
        return self.out.value or 0

    def close_context(self) -> None:
        if self._ctx:
            libs().sws_freeContext(self._ctx)
            self._ctx = None

    def close(self) -> None:
        self.close_context()
        libs().av_frame_free(byref(self.out))


class Output:
    """A file being written (mov/mp4), one video stream."""

    def __init__(self, path: Path, muxer: str) -> None:
        lib = libs()
        self.path = path
        self.ctx = c_void_p()
        name = os.fsencode(path)
        check(
            lib.avformat_alloc_output_context2(byref(self.ctx), None, muxer.encode(), name), muxer
        )
        self.stream = lib.avformat_new_stream(self.ctx, None)
        if not self.stream:
            raise FFmpegError("new stream")
        self._pb = c_void_p.from_address((self.ctx.value or 0) + FMT_PB)
        self._open = False
        check(lib.avio_open(byref(self._pb), name, AVIO_FLAG_WRITE), str(path))

    @property
    def codecpar(self) -> int:
        return pointer_at(self.stream, ST_CODECPAR)

    def clear_codec_tag(self) -> None:
        c_int.from_address(self.codecpar + PAR_CODEC_TAG).value = 0

    def start(self, time_base: Rational) -> Rational:
        """Write the header; the muxer may pick its own time base, which is returned."""
        tb = stream_time_base(self.stream)
        tb.num, tb.den = time_base.num, time_base.den
        check(libs().avformat_write_header(self.ctx, None), "write header")
        self._open = True
        chosen = stream_time_base(self.stream)
        return Rational(chosen.num, chosen.den)

    def write(self, pkt: int) -> None:
        packet(pkt).stream_index = 0
        check(libs().av_interleaved_write_frame(self.ctx, pkt), "write")

    def finish(self) -> None:
        check(libs().av_write_trailer(self.ctx), "write trailer")
        self._open = False

    def close(self) -> None:
        lib = libs()
        if self.ctx:
            lib.avio_closep(byref(self._pb))
            lib.avformat_free_context(self.ctx)
            self.ctx = c_void_p()


class Encoder:
    """A video encoder by name, with its own options; packets come out numbered."""

    def __init__(
        self, name: str, width: int, height: int, pixel_format: str, rate: Rational, **opts: str
    ) -> None:
        lib = libs()
        codec = lib.avcodec_find_encoder_by_name(name.encode())
        if not codec:
            raise FFmpegError(f"no {name} encoder in this FFmpeg")
        self.ctx = c_void_p(lib.avcodec_alloc_context3(codec))
        self.time_base = Rational(rate.den, rate.num)
        check(lib.av_opt_set(self.ctx, b"video_size", f"{width}x{height}".encode(), 0), "size")
        check(lib.av_opt_set(self.ctx, b"pixel_format", pixel_format.encode(), 0), "pixels")
        check(lib.av_opt_set_q(self.ctx, b"time_base", self.time_base, 0), "time base")
        lib.av_opt_set(self.ctx, b"threads", b"auto", 0)
        private = lib.av_opt_child_next(self.ctx, None)  # the encoder's own options
        for key, value in opts.items():
            check(lib.av_opt_set(private, key.encode(), value.encode(), 0), f"{name} {key}")
        check(lib.avcodec_open2(self.ctx, codec, None), f"open {name}")
        self.private = private
        self.count = 0
        self._pkt = c_void_p(lib.av_packet_alloc())

    def option(self, key: str) -> int:
        out = c_int64()
        check(libs().av_opt_get_int(self.private, key.encode(), 0, byref(out)), key)
        return out.value

    def encode(self, frm: int | None, output: Output, out_tb: Rational) -> None:
        """Send one frame (None: flush) and write what comes out to ``output``."""
        lib = libs()
        check(lib.avcodec_send_frame(self.ctx, frm), "encode")
        while True:
            code = lib.avcodec_receive_packet(self.ctx, self._pkt)
            if code in (AVERROR_EAGAIN, AVERROR_EOF):
                return
            check(code, "encode")
            head = packet(self._pkt.value or 0)
            # Intra-only codecs: one packet per frame, in order, so the count is the time.
            head.pts = head.dts = self.count
            head.duration = 1
            self.count += 1
            lib.av_packet_rescale_ts(self._pkt, self.time_base, out_tb)
            output.write(self._pkt.value or 0)
            lib.av_packet_unref(self._pkt)

    def close(self) -> None:
        lib = libs()
        lib.av_packet_free(byref(self._pkt))
        if self.ctx:
            lib.avcodec_free_context(byref(self.ctx))
