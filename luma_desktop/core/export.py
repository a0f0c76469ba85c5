"""Exports for the edit: a clip, or a chain joined into one file, in the artist's format.

- H.264 MP4: the clips' own packets copied (remuxed, and joined end to end for a
  chain), so no quality is lost and no H.264 encoder is needed (Qt's FFmpeg has none).
  Clips of another codec (the demo's Motion-JPEG) are copied the same way.
- ProRes 422 HQ ``.mov`` (``prores_ks``, 10-bit 4:2:2), what editors ask for.
- Animated GIF or WebP (Pillow), scaled to at most ``PREVIEW_WIDTH`` unless asked.
- A PNG image sequence in a folder.

``export`` runs where it is called (a worker thread: ``start`` makes one), reports
``progress(done, total)`` in frames and stops at the next frame once ``cancel`` is set.
A file is written under a temporary name and renamed when whole, so a cancelled or
failed export leaves nothing behind.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import ctypes
import shutil
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from PIL import Image

from luma_desktop.core import ffmpeg
from luma_desktop.core.media import Decoder, Encoder, Input, Output, Scaler

PREVIEW_WIDTH = 720  # GIF/WebP default: they are for sharing, and held in memory whole

Progress = Callable[[int, int], None]


class ExportFormat(StrEnum):
    MP4 = "mp4"
    PRORES = "prores"
    GIF = "gif"
    WEBP = "webp"
    PNG = "png"

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def suffix(self) -> str:
        """The file suffix; a PNG sequence is a folder (no suffix)."""
        return _SUFFIXES[self]


_LABELS = {
    ExportFormat.MP4: "H.264 MP4 (original quality)",
    ExportFormat.PRORES: "ProRes 422 HQ (.mov)",
    ExportFormat.GIF: "Animated GIF",
    ExportFormat.WEBP: "Animated WebP",
    ExportFormat.PNG: "PNG image sequence",
}
_SUFFIXES = {
    ExportFormat.MP4: ".mp4",
    ExportFormat.PRORES: ".mov",
    ExportFormat.GIF: ".gif",
    ExportFormat.WEBP: ".webp",
    ExportFormat.PNG: "",
}


class ExportError(Exception):
    """The export could not be made; the message is for the artist."""


class ExportCancelled(Exception):
    """The artist cancelled; nothing was left behind."""


@dataclass(frozen=True)
class ExportRequest:
    sources: tuple[Path, ...]  # one clip, or a chain's clips in play order
    target: Path  # the file (or, for PNG, the folder) to make
    format: ExportFormat
    width: int | None = None  # scale to this width (aspect kept); None: the clips' own


@dataclass(frozen=True)
class ExportResult:
    path: Path
    frames: int
    width: int
    height: int
    seconds: float


def target_for(folder: Path, stem: str, fmt: ExportFormat) -> Path:
    """A path in ``folder`` that does not exist yet: ``stem.ext``, ``stem-2.ext``…"""
    candidate = folder / f"{stem}{fmt.suffix}"
    n = 2
    while candidate.exists():
        candidate = folder / f"{stem}-{n}{fmt.suffix}"
        n += 1
    return candidate


def export(
    request: ExportRequest, progress: Progress | None = None, cancel: threading.Event | None = None
) -> ExportResult:
    if not request.sources:
        raise ExportError("Nothing to export: no clip was given.")
    missing = [p for p in request.sources if not p.is_file()]
    if missing:
        raise ExportError(f"The clip file {missing[0].name} is missing; download it again.")
    why = ffmpeg.available()
    if why:
        raise ExportError(f"Exports are unavailable: {why}")
    run = _Run(request, progress or (lambda done, total: None), cancel or threading.Event())
    started = time.perf_counter()
    try:
        frames, width, height = run.go()
    except ffmpeg.FFmpegError as exc:
        raise ExportError(f"The export failed: {exc}") from exc
    return ExportResult(request.target, frames, width, height, time.perf_counter() - started)


class ExportTask:
    """An export running on its own thread: ``future`` has the result, ``cancel`` stops it."""

    def __init__(self, request: ExportRequest, progress: Progress | None = None) -> None:
        self.request = request
        self._cancel = threading.Event()
        self.future: concurrent.futures.Future[ExportResult] = concurrent.futures.Future()
        self._thread = threading.Thread(
            target=self._run, args=(progress,), name="export", daemon=True
        )
        self._thread.start()

    def _run(self, progress: Progress | None) -> None:
        if not self.future.set_running_or_notify_cancel():
            return
        try:
            self.future.set_result(export(self.request, progress, self._cancel))
        except BaseException as exc:  # noqa: BLE001 (handed to whoever waits on the future)
            self.future.set_exception(exc)

    def cancel(self) -> None:
        self._cancel.set()

    def join(self, timeout: float | None = None) -> None:
        self._thread.join(timeout)


def start(request: ExportRequest, progress: Progress | None = None) -> ExportTask:
    return ExportTask(request, progress)


class _Run:
    def __init__(self, request: ExportRequest, progress: Progress, cancel: threading.Event):
        self.request = request
        self.progress = progress
        self.cancel = cancel
        self.done = 0
        self.total = 0

    def go(self) -> tuple[int, int, int]:
        fmt = self.request.format
        self.total = _count_packets(self.request.sources)
        if fmt is ExportFormat.PNG:
            return self._png()
        partial = self.request.target.with_name(self.request.target.name + ".partial")
        try:
            result = self._write(partial)
            partial.replace(self.request.target)
            return result
        finally:
            with contextlib.suppress(FileNotFoundError):
                partial.unlink()

    def _write(self, path: Path) -> tuple[int, int, int]:
        fmt = self.request.format
        if fmt is ExportFormat.MP4:
            return _join_copies(self.request.sources, path, self._step)
        if fmt is ExportFormat.PRORES:
            return self._prores(path)
        return self._animation(path)

    def _step(self) -> None:
        if self.cancel.is_set():
            raise ExportCancelled
        self.done += 1
        self.progress(self.done, max(self.total, self.done))

    def _size(self, default_width: int | None = None) -> tuple[int, int]:
        with _opened(self.request.sources[0]) as first:
            info = first.info()
        width = self.request.width or min(info.width, default_width or info.width)
        height = round(info.height * width / info.width)
        return width - width % 2, height - height % 2  # 4:2:2 and 4:2:0 need even sizes

    def _frames(self, scaler: Scaler) -> Iterator[int]:
        """Every frame of every clip, in order, converted by ``scaler``."""
        for path in self.request.sources:
            with _opened(path) as source:
                decoder = Decoder(source)
                try:
                    for frm in decoder.frames():
                        self._step()
                        yield scaler.convert(frm)
                finally:
                    decoder.close()

    def _rate(self) -> ffmpeg.Rational:
        with _opened(self.request.sources[0]) as first:
            rate = first.frame_rate()
        return rate if rate.num > 0 and rate.den > 0 else ffmpeg.Rational(24, 1)

    def _prores(self, path: Path) -> tuple[int, int, int]:
        width, height = self._size()
        pixels = "yuv422p10le"
        encoder = Encoder("prores_ks", width, height, pixels, self._rate(), profile="hq")
        output = Output(path, "mov")
        scaler = Scaler(width, height, pixels)
        try:
            ffmpeg.check(
                ffmpeg.libs().avcodec_parameters_from_context(output.codecpar, encoder.ctx),
                "stream parameters",
            )
            out_tb = output.start(encoder.time_base)
            for frm in self._frames(scaler):
                encoder.encode(frm, output, out_tb)
            encoder.encode(None, output, out_tb)
            output.finish()
            return encoder.count, width, height
        finally:
            scaler.close()
            output.close()
            encoder.close()

    def _animation(self, path: Path) -> tuple[int, int, int]:
        width, height = self._size(PREVIEW_WIDTH)
        rate = self._rate()
        gif = self.request.format is ExportFormat.GIF
        scaler = Scaler(width, height, "rgb24")
        images: list[Image.Image] = []
        try:
            for frm in self._frames(scaler):
                image = _rgb_image(frm, width, height)
                # A GIF frame is kept as its palette image: a third of the memory.
                images.append(image.convert("P", palette=Image.Palette.ADAPTIVE) if gif else image)
        finally:
            scaler.close()
        if not images:
            raise ExportError("The clip has no frames to export.")
        duration = _durations(len(images), rate, step=10 if gif else 1)
        extra = {"optimize": False} if gif else {"quality": 90, "method": 4}
        images[0].save(
            path,
            format="GIF" if gif else "WEBP",
            save_all=True,
            append_images=images[1:],
            duration=duration,
            loop=0,
            **extra,
        )
        return len(images), width, height

    def _png(self) -> tuple[int, int, int]:
        folder = self.request.target
        made = not folder.exists()
        folder.mkdir(parents=True, exist_ok=True)
        width, height = self._size()
        scaler = Scaler(width, height, "rgb24")
        written: list[Path] = []
        try:
            for index, frm in enumerate(self._frames(scaler), start=1):
                image = _rgb_image(frm, width, height)
                name = folder / f"{folder.name}_{index:05d}.png"
                image.save(name, format="PNG", compress_level=3)  # fast, still lossless
                written.append(name)
        except BaseException:
            for name in written:
                name.unlink(missing_ok=True)
            if made:
                shutil.rmtree(folder, ignore_errors=True)
            raise
        finally:
            scaler.close()
        return len(written), width, height


def _durations(count: int, rate: ffmpeg.Rational, step: int) -> list[int]:
    """Per-frame display times in ms, rounded to the format's ``step`` (GIF: 10 ms) so
    that the rounding does not add up: 24 fps plays as 40, 40, 50, 40… ms."""
    ms = 1000 * rate.den / rate.num
    ends = [round((i + 1) * ms / step) * step for i in range(count)]
    return [end - start for start, end in zip([0, *ends[:-1]], ends, strict=True)]


def _rgb_image(frm: int, width: int, height: int) -> Image.Image:
    """An rgb24 frame as a Pillow image (its own copy of the pixels)."""
    head = ffmpeg.frame(frm)
    stride = head.linesize[0]
    data = ctypes.string_at(head.data[0], stride * height)
    return Image.frombuffer("RGB", (width, height), data, "raw", "RGB", stride, 1)


@contextlib.contextmanager
def _opened(path: Path) -> Iterator[Input]:
    source = Input(path)
    try:
        yield source
    finally:
        source.close()


def _count_packets(paths: Sequence[Path]) -> int:
    """Frames to come (one packet a frame in these clips): demuxing only, fast."""
    total = 0
    for path in paths:
        with _opened(path) as source:
            total += source.count_packets()
    return total


def _join_copies(
    paths: Sequence[Path], target: Path, step: Callable[[], None]
) -> tuple[int, int, int]:
    """The clips' packets (H.264 from Luma), copied one clip after another into one MP4."""
    sources = [Input(p) for p in paths]
    output: Output | None = None
    try:
        first = sources[0].info()
        for source in sources:
            info = source.info()
            if (info.codec, info.width, info.height, info.extradata) != (
                first.codec,
                first.width,
                first.height,
                first.extradata,
            ):
                raise ExportError(
                    "These clips were encoded with different sizes or settings, so they cannot "
                    "be joined without re-encoding (this build has no H.264 encoder). Export "
                    "the chain as ProRes instead."
                )
        output = Output(target, "mp4")
        lib = ffmpeg.libs()
        ffmpeg.check(
            lib.avcodec_parameters_copy(output.codecpar, sources[0].codecpar), "stream parameters"
        )
        # The source's four-character code may be one only its own container knows
        # (the demo's Motion-JPEG): let the MP4 muxer pick its own.
        output.clear_codec_tag()
        out_tb = output.start(sources[0].time_base)
        offset = count = 0
        for source in sources:
            end = offset
            for pkt in source.packets():
                step()
                lib.av_packet_rescale_ts(pkt, source.time_base, out_tb)
                head = ffmpeg.packet(pkt)
                # Each clip starts where the previous one ended.
                head.pts += offset
                head.dts += offset
                head.pos = -1
                end = max(end, head.pts + head.duration)
                output.write(pkt)
                count += 1
            offset = end
        output.finish()
        return count, first.width, first.height
    finally:
        if output is not None:
            output.close()
        for source in sources:
            source.close()
