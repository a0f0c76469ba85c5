"""What a delivered clip really is, and its first frame, read in software (Qt's FFmpeg).

Why software and not a hidden QMediaPlayer: without a GPU path Qt gives a null image
for 10-bit frames (H.264 High 10, HEVC Main 10, VP9 profile 2), so a player waiting for
a usable frame never answers. swscale converts any pixel format to 8-bit RGB.

Why a trial decode decides whether a clip plays here: Qt's FFmpeg carries an AV1
decoder that only works with AV1 hardware; the stream says "av1" either way and only
decoding a frame tells. No Qt here: the studio turns the answer into images.
"""

from __future__ import annotations

import ctypes
import json
import logging
import shutil
import tempfile
import zipfile
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path

from luma_desktop.api.formats import EXR, ZIP, sniff_file
from luma_desktop.core.archives import ArchiveRefused, check_unpack, open_archive, usable_members
from luma_desktop.core.ffmpeg import (
    AVCOL_TRC_ARIB_STD_B67,
    AVCOL_TRC_SMPTE2084,
    PAR_COLOR_TRC,
    PAR_FORMAT,
    FFmpegError,
    frame,
    libs,
)
from luma_desktop.core.limits import DEFAULT_LIMITS, Limits
from luma_desktop.core.media import Decoder, FrameTooLarge, Input, Scaler
from luma_desktop.core.small_files import loads
from luma_desktop.core.tonemap import tone_map

log = logging.getLogger(__name__)
FRAME_SUFFIXES = (".exr", ".png", ".jpg", ".jpeg", ".tif", ".tiff", ".dpx")
_TRANSFERS = {AVCOL_TRC_SMPTE2084: "PQ", AVCOL_TRC_ARIB_STD_B67: "HLG"}


@dataclass(frozen=True)
class ClipFacts:
    """What the app knows of a clip's stream; kept inside its thumbnail's text."""

    codec: str = ""
    pixel_format: str = ""
    transfer: str = ""  # "PQ" (HDR10) or "HLG" for HDR clips, else ""
    playable: bool = True
    problem: str = ""  # why it cannot be shown or played, in plain words
    frames: str = ""  # what a delivery of frames holds, "EXR frames (12)"; "" for a video
    beside: str = ""  # what frames came with the clip, kept beside it ("EXR frames (12)")

    @property
    def hdr(self) -> bool:
        return bool(self.transfer)

    def to_text(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_text(cls, text: str) -> ClipFacts | None:
        """Facts written by :meth:`to_text`; None for anything else."""
        try:
            data = loads(text)  # a thumbnail's text: nested too deeply is a ValueError too
        except ValueError:
            return None
        if not isinstance(data, dict):
            return None
        defaults = cls()
        kept: dict[str, str | bool] = {}
        for f in fields(cls):
            value = data.get(f.name, getattr(defaults, f.name))
            if type(value) is not type(getattr(defaults, f.name)):
                return None
            kept[f.name] = value
        return cls(**kept)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Picture:
    """A frame as packed 8-bit RGB rows (3 bytes a pixel, no padding)."""

    width: int
    height: int
    rgb: bytes


def first_frame(
    path: Path, max_height: int, limits: Limits = DEFAULT_LIMITS
) -> tuple[ClipFacts, Picture | None]:
    """The clip's facts and its first frame scaled to at most ``max_height`` rows.

    Never raises for a bad file: what went wrong is in ``facts.problem``. May block on
    a file that never answers (a stalled share): callers put a deadline around it.
    """
    kind = sniff_file(str(path))
    if kind is ZIP:
        return _from_archive(path, max_height, limits)
    if kind is EXR:
        facts, picture = _from_media(path, max_height, limits)
        return _as_frames(facts, "EXR frame"), picture
    return _from_media(path, max_height, limits)


def frames_label(path: Path, limits: Limits = DEFAULT_LIMITS) -> str:
    """What a delivery of frames holds ("EXR frames (12)", "EXR frame"); "" for anything
    else. Cheap (the file's first bytes, an archive's listing): callers may wait on it."""
    kind = sniff_file(str(path))
    if kind is EXR:
        return "EXR frame"
    if kind is not ZIP:
        return ""
    try:
        # Checked before it is listed: a directory of millions of entries would
        # hold up whoever waits on this (the player's notice, a menu).
        with open_archive(path, limits) as archive:
            names = [i.filename for i in usable_members(archive) if _is_frame(i.filename)]
    except (OSError, zipfile.BadZipFile, ArchiveRefused):
        return "archive"
    return _frames_label(names) if names else "archive"


def probe(path: Path) -> ClipFacts:
    """Whether the clip plays here, and if it is HDR (decodes one frame, tiny scale)."""
    return first_frame(path, 2)[0]


def _as_frames(facts: ClipFacts, label: str) -> ClipFacts:
    return ClipFacts(
        codec=facts.codec,
        pixel_format=facts.pixel_format,
        playable=False,
        problem=f"{label}, not a video: open its folder to use the frames",
        frames=label,
    )


def _from_media(path: Path, max_height: int, limits: Limits) -> tuple[ClipFacts, Picture | None]:
    try:
        source = Input(path)
    except (FFmpegError, OSError) as exc:
        reason = str(exc).replace(str(path), path.name)
        return ClipFacts(playable=False, problem=f"the file cannot be read ({reason})"), None
    try:
        facts = _stream_facts(source)
        try:
            picture = _decode_first(source, max_height, limits)
        except FrameTooLarge as exc:
            return _unplayable(facts, str(exc)), None
        except FFmpegError as exc:
            # AV1 here: FFmpeg's AV1 decoder needs AV1 hardware ("Function not implemented").
            log.info("cannot decode %s: %s", path.name, exc)
            name = facts.codec.upper() or "This"
            return _unplayable(facts, f"{name} video cannot be decoded on this computer"), None
        if picture is None:
            return _unplayable(facts, "the file holds no picture"), None
        return facts, replace(picture, rgb=tone_map(picture.rgb, facts.transfer))
    finally:
        source.close()


def transfer_of(source: Input) -> str:
    """The transfer of ``source``'s video stream: "PQ", "HLG" or "" (SDR)."""
    return _stream_facts(source).transfer


def _unplayable(facts: ClipFacts, problem: str) -> ClipFacts:
    return ClipFacts(facts.codec, facts.pixel_format, facts.transfer, False, problem)


def _stream_facts(source: Input) -> ClipFacts:
    par = source.codecpar
    fmt = ctypes.c_int.from_address(par + PAR_FORMAT).value
    trc = ctypes.c_int.from_address(par + PAR_COLOR_TRC).value
    name = libs().av_get_pix_fmt_name(fmt) if fmt >= 0 else None
    return ClipFacts(
        codec=source.info().codec,
        pixel_format=(name or b"").decode(),
        transfer=_TRANSFERS.get(trc, ""),
    )


def _decode_first(source: Input, max_height: int, limits: Limits) -> Picture | None:
    decoder = Decoder(source, limits.max_frame_pixels)
    try:
        for decoded in decoder.frames():
            head = frame(decoded)
            if head.width <= 0 or head.height <= 0:
                continue
            height = max(1, min(max_height, head.height))
            width = max(1, round(head.width * height / head.height))
            scaler = Scaler(width, height, "rgb24")
            try:
                return _packed(scaler.convert(decoded), width, height)
            finally:
                scaler.close()
        return None
    finally:
        decoder.close()


def _packed(converted: int, width: int, height: int) -> Picture:
    head = frame(converted)
    base, stride, row = head.data[0] or 0, head.linesize[0], 3 * width
    rgb = b"".join(ctypes.string_at(base + y * stride, row) for y in range(height))
    return Picture(width, height, rgb)


def _from_archive(path: Path, max_height: int, limits: Limits) -> tuple[ClipFacts, Picture | None]:
    """A zip of frames: how many of which kind, and the first one decoded if it can be."""
    try:
        with open_archive(path, limits) as archive:
            names = sorted(i.filename for i in usable_members(archive) if _is_frame(i.filename))
            if not names:
                problem = "an archive without frames or a video"
                return ClipFacts(playable=False, problem=problem, frames="archive"), None
            label = _frames_label(names)
            first = archive.getinfo(names[0])
            try:
                check_unpack(first, limits.max_keyframe_file_bytes, limits)
            except ArchiveRefused:
                return _as_frames(ClipFacts(), label), None
            with tempfile.TemporaryDirectory(prefix="luma-frame-") as folder:
                # FFmpeg reads a file, not a zip member; the name is ours, the suffix
                # one of FRAME_SUFFIXES (it tells FFmpeg the kind).
                loose = Path(folder) / f"first{Path(names[0]).suffix.lower()}"
                with archive.open(first) as member, loose.open("wb") as out:
                    shutil.copyfileobj(member, out, 1 << 20)
                facts, picture = _from_media(loose, max_height, limits)
    except ArchiveRefused as exc:
        problem = f"the archive is not opened: {exc}"
        return ClipFacts(playable=False, problem=problem, frames="archive"), None
    except (OSError, zipfile.BadZipFile, RuntimeError) as exc:
        return ClipFacts(playable=False, problem=f"the archive cannot be read ({exc})"), None
    return _as_frames(facts, label), picture


def _is_frame(name: str) -> bool:
    return name.lower().endswith(FRAME_SUFFIXES)


def _frames_label(names: list[str]) -> str:
    """ "EXR frames (12)": the commonest kind of frame in the archive, and the count."""
    suffixes = [Path(n).suffix.lower().lstrip(".") for n in names]
    common = max(set(suffixes), key=suffixes.count)
    kind = "JPEG" if common in ("jpg", "jpeg") else common.upper()
    return f"{kind} frames ({len(names)})"


def frame_at(path: Path, index: int, limits: Limits = DEFAULT_LIMITS) -> Picture | None:
    """Frame number ``index`` (the last one if the clip is shorter) at full size, decoded
    in software: without a GPU path Qt cannot turn a 10-bit frame into an image, so the
    player's "As first/As last" asks here. Blocking: callers use a thread."""
    source = Input(path)
    try:
        info = source.info()
        decoder = Decoder(source, limits.max_frame_pixels)  # checks the size scaled to
        scaler = Scaler(info.width, info.height, "rgb24")
        try:
            converted = 0
            for n, decoded in enumerate(decoder.frames()):
                converted = scaler.convert(decoded)  # the scaler's own frame: kept
                if n >= index:
                    break
            if not converted:
                return None
            picture = _packed(converted, info.width, info.height)
            # An HDR frame taken as a keyframe is an image on an SDR screen: tone-mapped.
            return replace(picture, rgb=tone_map(picture.rgb, _stream_facts(source).transfer))
        finally:
            scaler.close()
            decoder.close()
    finally:
        source.close()
