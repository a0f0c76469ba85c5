"""Extension gestures, as keyframe slot contents: forward, backward, bridge, to an image.

Every gesture only fills the first/last-frame slots; the artist sees the extension in
the prompt panel, then sends it with Generate like any request (same cost line, same
confirmation, same double-submit guard).
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from PySide6.QtGui import QImage

from luma_desktop.core.jobs import JobRecord
from luma_desktop.core.request import GenerationKeyframe, GenerationRequest, ImageKeyframe
from luma_desktop.studio.keyframes import KeyframeSlotModel

Finder = Callable[[str], JobRecord | None]


class Direction(StrEnum):
    FORWARD = "forward"  # the new clip continues this one (frame0 = it)
    BACKWARD = "backward"  # the new clip leads into this one (frame1 = it)


def _preview(job: JobRecord) -> QImage | None:
    if not job.thumb_path:
        return None
    image = QImage(job.thumb_path)
    return None if image.isNull() else image


def _label(job: JobRecord) -> str:
    excerpt = job.prompt if len(job.prompt) <= 28 else job.prompt[:27] + "…"
    return f"Clip “{excerpt}”"


def hold_clip(slot: KeyframeSlotModel, job: JobRecord) -> None:
    if job.generation_id:
        slot.set_generation(job.generation_id, _preview(job), _label(job))


def extend(
    frame0: KeyframeSlotModel, frame1: KeyframeSlotModel, job: JobRecord, direction: Direction
) -> None:
    if direction is Direction.FORWARD:
        hold_clip(frame0, job)
        frame1.clear()
    else:
        frame0.clear()
        hold_clip(frame1, job)


def bridge(
    frame0: KeyframeSlotModel, frame1: KeyframeSlotModel, a: JobRecord, b: JobRecord
) -> None:
    hold_clip(frame0, a)
    hold_clip(frame1, b)


def extend_to_image(
    frame0: KeyframeSlotModel,
    frame1: KeyframeSlotModel,
    job: JobRecord,
    image: str,
    prepend: bool = False,
) -> None:
    """An image dropped on a clip: the clip ends on it (or, prepending, starts from it)."""
    clip_slot, image_slot = (frame1, frame0) if prepend else (frame0, frame1)
    hold_clip(clip_slot, job)
    image_slot.load_text(image)


def note(request: GenerationRequest, find: Finder) -> str:
    """What the slots make of the next clip, in words (empty for a plain generation)."""
    first, last = request.frame0, request.frame1

    def name(frame: GenerationKeyframe) -> str:
        job = find(frame.generation_id)
        return _label(job) if job else f"clip {frame.generation_id[:8]}"

    if isinstance(first, GenerationKeyframe) and isinstance(last, GenerationKeyframe):
        return f"Bridges {name(first)} → {name(last)}"
    if isinstance(first, GenerationKeyframe):
        ends = " and ends on the image" if isinstance(last, ImageKeyframe) else ""
        return f"Extends {name(first)} forward{ends}"
    if isinstance(last, GenerationKeyframe):
        starts = "Starts on the image and leads" if isinstance(first, ImageKeyframe) else "Leads"
        return f"{starts} into {name(last)} (extends it backward)"
    return ""
