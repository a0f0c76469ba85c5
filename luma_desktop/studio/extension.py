"""Extension gestures, as keyframe slot contents: forward, backward, bridge, to an image.

Every gesture only fills the first/last-frame slots; the artist sees the extension in
the prompt panel, then sends it with Generate like any request (same cost line, same
confirmation, same double-submit guard). A model that cannot continue a clip by its
id (Ray 3.2) gets the clip's last frame (leading into a clip: its first frame) as an
image instead, taken from the clip on disk (:mod:`luma_desktop.core.continuation`),
and the note says so.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from PySide6.QtGui import QImage

from luma_desktop.core.catalogue import GenType, model_named
from luma_desktop.core.continuation import End, by_frame, describe
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


def _remake_note(request: GenerationRequest, find: Finder) -> str:
    """Modify / reframe: which clip, into what."""
    video = request.video or ""
    job = find(video) if video else None
    clip = f"clip “{_excerpt(job.prompt)}”" if job else "the clip at the link"
    label = request.spec.label
    if request.type == GenType.REFRAME.value:
        return f"{label} reframes {clip} to {request.aspect_ratio or 'another aspect ratio'}"
    return f"{label} modifies {clip} as the prompt describes"


def _excerpt(prompt: str) -> str:
    return prompt if len(prompt) <= 28 else prompt[:27] + "…"


def _label(job: JobRecord) -> str:
    return f"Clip “{_excerpt(job.prompt)}”"


def hold_clip(slot: KeyframeSlotModel, job: JobRecord, model: str | None = None) -> None:
    """The slot continues (frame0) or leads into (frame1) ``job``: by its id, or through
    its frame where ``model`` (or the clip's own model) cannot go by id."""
    if not job.generation_id:
        return
    if by_frame(model, job):
        end = End.LAST if slot.frame == "frame0" else End.FIRST
        slot.load_clip_frame(job, end, _label(job))
    else:
        slot.set_generation(job.generation_id, _preview(job), _label(job))


def refit(slot: KeyframeSlotModel, find: Finder, model: str | None) -> None:
    """After the model changed: a clip held by id that must now go through its frame
    (or back: a clip frame the new model can continue by id) is held the other way."""
    held = slot.keyframe
    if isinstance(held, GenerationKeyframe):
        job = find(held.generation_id)
        if job is not None and by_frame(model, job):
            hold_clip(slot, job, model)
    elif isinstance(held, ImageKeyframe) and held.clip:
        job = find(held.clip)
        if job is not None and not by_frame(model, job):
            hold_clip(slot, job, model)


def extend(
    frame0: KeyframeSlotModel,
    frame1: KeyframeSlotModel,
    job: JobRecord,
    direction: Direction,
    model: str | None = None,
) -> None:
    if direction is Direction.FORWARD:
        hold_clip(frame0, job, model)
        frame1.clear()
    else:
        frame0.clear()
        hold_clip(frame1, job, model)


def bridge(
    frame0: KeyframeSlotModel,
    frame1: KeyframeSlotModel,
    a: JobRecord,
    b: JobRecord,
    model: str | None = None,
) -> None:
    hold_clip(frame0, a, model)
    hold_clip(frame1, b, model)


def extend_to_image(
    frame0: KeyframeSlotModel,
    frame1: KeyframeSlotModel,
    job: JobRecord,
    image: str,
    prepend: bool = False,
    model: str | None = None,
) -> None:
    """An image dropped on a clip: the clip ends on it (or, prepending, starts from it)."""
    clip_slot, image_slot = (frame1, frame0) if prepend else (frame0, frame1)
    hold_clip(clip_slot, job, model)
    image_slot.load_text(image)


def note(request: GenerationRequest, find: Finder) -> str:
    """What the slots make of the next clip, in words (empty for a plain generation)."""
    if request.type != GenType.VIDEO.value:
        return _remake_note(request, find)
    first, last = request.frame0, request.frame1

    def name(frame: GenerationKeyframe) -> str:
        job = find(frame.generation_id)
        return _label(job) if job else f"clip {frame.generation_id[:8]}"

    through = [f for f in (first, last) if isinstance(f, ImageKeyframe) and f.clip]
    if through:
        label = (model_named(request.model) or request.spec).label
        said = []
        for frame in through:
            job = find(frame.clip)
            clip = f"“{_excerpt(job.prompt)}”" if job else frame.clip[:8]
            said.append(describe(label, frame, clip))
        return "; ".join(said)

    if isinstance(first, GenerationKeyframe) and isinstance(last, GenerationKeyframe):
        return f"Bridges {name(first)} → {name(last)}"
    if isinstance(first, GenerationKeyframe):
        ends = " and ends on the image" if isinstance(last, ImageKeyframe) else ""
        return f"Extends {name(first)} forward{ends}"
    if isinstance(last, GenerationKeyframe):
        starts = "Starts on the image and leads" if isinstance(first, ImageKeyframe) else "Leads"
        return f"{starts} into {name(last)} (extends it backward)"
    return ""
