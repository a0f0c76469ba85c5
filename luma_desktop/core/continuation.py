"""Continuing a clip through its frames, for models that cannot continue one by its id.

Ray 3.2 has no generation-id keyframes (API contract, section 6): to extend a clip it
is given the clip's last frame as ``image_url`` (and, leading into a clip, its first
frame as ``last_image_url``). The frame is taken here, from the clip on disk, with
FFmpeg (Qt's own libraries, see :mod:`.media`), and prepared like any image keyframe
(:func:`.images.prepare_image_bytes`: JPEG or PNG, inline). The keyframe remembers the
clip it came from, so the new clip's lineage still names it and the prompt panel can
say what happens in plain words.

The same rule decides for the prompt panel (a slot filled by "Extend") and for the
storyboard runner (each shot continues the previous shot's kept take), so a board on
Ray 3.2 chains its shots through the previous shot's last frame. Pure Python, no Qt;
the decoding is blocking, so callers run :func:`clip_frame` in a worker thread.
"""

from __future__ import annotations

import asyncio
import ctypes
import io
from collections.abc import Callable
from dataclasses import replace
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from luma_desktop.core import ffmpeg
from luma_desktop.core.catalogue import model_named
from luma_desktop.core.clipinfo import transfer_of
from luma_desktop.core.jobs import JobRecord
from luma_desktop.core.keyframe_errors import KeyframeError
from luma_desktop.core.media import Decoder, Input, Scaler
from luma_desktop.core.request import GenerationKeyframe, GenerationRequest, ImageKeyframe
from luma_desktop.core.tonemap import tone_map

Finder = Callable[[str], JobRecord | None]

if TYPE_CHECKING:  # the studio imports this module when it opens; Pillow loads on use
    from PIL import Image


class End(StrEnum):
    LAST = "last"  # frame0: the new clip continues the clip
    FIRST = "first"  # frame1: the new clip leads into the clip


class FrameUnavailable(KeyframeError):
    """The clip's frame cannot be taken (no file, not decodable); the message says why."""


def by_frame(model: str | None, clip: JobRecord | None) -> bool:
    """True when ``model`` must continue ``clip`` through its frame, not its id: the
    model has no generation-id keyframes, or the clip was made by one that has none
    (a Ray 3.2 clip is not something another model can continue by id)."""
    spec = model_named(model)
    if spec is not None and not spec.generation_keyframes:
        return True
    made_by = clip.body.get("model") if clip is not None else None
    maker = model_named(made_by) if isinstance(made_by, str) else None
    return maker is not None and not maker.generation_keyframes


def frame_png(path: Path, end: End) -> bytes:
    """The clip's first or last decoded frame, as PNG bytes (blocking: a worker thread).

    An HDR (PQ, HLG) frame is tone-mapped for SDR exactly as its thumbnail is
    (:func:`.tonemap.tone_map`): the model takes an 8-bit SDR image, and flat code
    values would make the new clip start dim and washed out."""
    source = Input(path)
    try:
        info = source.info()
        width, height = info.width, info.height
        transfer = transfer_of(source)
        decoder = Decoder(source)
        scaler = Scaler(width, height, "rgb24")
        try:
            taken = 0
            for frm in decoder.frames():
                taken = scaler.convert(frm)  # the scaler's own frame: valid until the next
                if end is End.FIRST:
                    break
            if not taken:
                raise FrameUnavailable(f"“{path.name}” has no video frames.")
            image = _rgb_image(taken, width, height, transfer)
        finally:
            scaler.close()
            decoder.close()
    finally:
        source.close()
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=3)
    return out.getvalue()


def clip_frame(clip: JobRecord, end: End = End.LAST) -> ImageKeyframe:
    """The clip's frame as an image keyframe that remembers the clip (blocking)."""
    if not clip.generation_id:
        raise FrameUnavailable("This clip has no gateway id yet: wait until it is ready.")
    path = Path(clip.video_path) if clip.video_path else None
    if path is None or not path.is_file():
        raise FrameUnavailable(
            "The clip's file is not on this computer, so its frame cannot be taken."
        )
    try:
        data = frame_png(path, end)
    except (ffmpeg.FFmpegError, OSError) as exc:
        reason = f"The {end.value} frame of “{path.name}” could not be read: {exc}"
        raise FrameUnavailable(reason) from None
    from luma_desktop.core.images import prepare_image_bytes  # Pillow: not at start-up

    keyframe = prepare_image_bytes(data, f"{end.value} frame of {path.name}", source=str(path))
    return replace(keyframe, clip=clip.generation_id, clip_end=end.value)


async def through_frames(
    request: GenerationRequest, find: Finder, *, unknown_ok: bool = False
) -> GenerationRequest:
    """``request`` with every clip it continues by id that its model must continue by
    frame replaced by that clip's frame (the storyboard runner's step before a send,
    and the engine's before any create). ``unknown_ok``: a clip not in the library is
    left as it is (the request's own rules then say why it cannot be sent)."""
    frames = {"frame0": request.frame0, "frame1": request.frame1}
    for name, frame in frames.items():
        if not isinstance(frame, GenerationKeyframe):
            continue
        clip = find(frame.generation_id)
        if not by_frame(request.model, clip) or (clip is None and unknown_ok):
            continue
        if clip is None:
            raise FrameUnavailable(f"Clip {frame.generation_id[:8]} is not in the library.")
        end = End.LAST if name == "frame0" else End.FIRST
        frames[name] = await asyncio.to_thread(clip_frame, clip, end)
    return replace(request, frame0=frames["frame0"], frame1=frames["frame1"])


FROM_LAST = "continues from the last frame of"  # the prompt panel's and the Board tab's words


def describe(label: str, keyframe: ImageKeyframe, clip_name: str) -> str:
    """What a clip frame does for the next clip, in the artist's words."""
    if keyframe.clip_end == End.FIRST.value:
        return f"{label} leads into the first frame of clip {clip_name}"
    return f"{label} {FROM_LAST} clip {clip_name}"


def board_chain(model: str | None) -> str:
    """How a board on ``model`` chains its shots, when it goes through frames ("" else)."""
    spec = model_named(model)
    if spec is None or spec.generation_keyframes:
        return ""
    return f"On {spec.label}, each shot {FROM_LAST} the shot before (not by its generation id)."


def _rgb_image(frm: int, width: int, height: int, transfer: str) -> Image.Image:
    """An rgb24 frame as a Pillow image (its own copy of the pixels, SDR)."""
    from PIL import Image

    head = ffmpeg.frame(frm)
    stride = head.linesize[0]
    data = tone_map(ctypes.string_at(head.data[0], stride * height), transfer)
    return Image.frombuffer("RGB", (width, height), data, "raw", "RGB", stride, 1)
