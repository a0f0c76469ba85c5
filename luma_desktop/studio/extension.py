"""Extension gestures, as keyframe slot contents: forward, backward, bridge, to an image.

Every gesture only fills the first/last-frame slots; the artist sees the extension in
the prompt panel, then sends it with Generate like any request (same cost line, same
confirmation, same double-submit guard). A gesture is first a plan (what each slot
would hold), so the window can ask before it replaces what the artist put in a slot:
Replace, Keep mine, or Cancel. A model that cannot continue a clip by its
id (Ray 3.2) gets the clip's last frame (leading into a clip: its first frame) as an
image instead, taken from the clip on disk (:mod:`luma_desktop.core.continuation`),
and the note says so.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from luma_desktop.core.catalogue import GenType, model_named
from luma_desktop.core.continuation import End, by_frame, describe
from luma_desktop.core.jobs import JobRecord
from luma_desktop.core.request import GenerationKeyframe, GenerationRequest, ImageKeyframe
from luma_desktop.studio.keyframes import KeyframeSlotModel, clip_label, thumbnail_of

Finder = Callable[[str], JobRecord | None]


class Direction(StrEnum):
    FORWARD = "forward"  # the new clip continues this one (frame0 = it)
    BACKWARD = "backward"  # the new clip leads into this one (frame1 = it)


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


def hold_clip(slot: KeyframeSlotModel, job: JobRecord, model: str | None = None) -> None:
    """The slot continues (frame0) or leads into (frame1) ``job``: by its id, or through
    its frame where ``model`` (or the clip's own model) cannot go by id."""
    if not job.generation_id:
        return
    if by_frame(model, job):
        end = End.LAST if slot.frame == "frame0" else End.FIRST
        slot.load_clip_frame(job, end, clip_label(job))
    else:
        slot.set_generation(job.generation_id, thumbnail_of(job), clip_label(job))
        # Then the frame the new clip meets: the last when continued, the first when led into.
        slot.show_clip_frame(job)


# What a gesture puts in a slot: a clip, an image (a path or link), or nothing.
Content = JobRecord | str | None
Step = tuple[KeyframeSlotModel, Content]


def plan_extend(
    frame0: KeyframeSlotModel, frame1: KeyframeSlotModel, job: JobRecord, direction: Direction
) -> list[Step]:
    if direction is Direction.FORWARD:
        return [(frame0, job), (frame1, None)]
    return [(frame0, None), (frame1, job)]


def plan_bridge(
    frame0: KeyframeSlotModel, frame1: KeyframeSlotModel, a: JobRecord, b: JobRecord
) -> list[Step]:
    return [(frame0, a), (frame1, b)]


def plan_to_image(
    frame0: KeyframeSlotModel,
    frame1: KeyframeSlotModel,
    job: JobRecord,
    image: str,
    prepend: bool = False,
) -> list[Step]:
    """An image dropped on a clip: the clip ends on it (or, prepending, starts from it)."""
    clip_slot, image_slot = (frame1, frame0) if prepend else (frame0, frame1)
    return [(clip_slot, job), (image_slot, image)]


def replaced(steps: list[Step]) -> list[KeyframeSlotModel]:
    """The slots holding something the steps would replace or drop (the artist's work:
    an image, or another clip). What the gesture itself carries is no loss: extending
    the same clip backward after forward only moves it to the other slot."""
    carried = {c.generation_id if isinstance(c, JobRecord) else c for _slot, c in steps}
    lost = []
    for slot, _content in steps:
        held = slot.keyframe
        if held is None and not slot.busy:
            continue
        if isinstance(held, GenerationKeyframe) and held.generation_id in carried:
            continue
        if isinstance(held, ImageKeyframe) and {held.source, held.url, held.clip} & carried:
            continue  # the same image, or a frame of the same clip (Ray 3.2)
        lost.append(slot)
    return lost


def apply(
    steps: list[Step], keep: list[KeyframeSlotModel] | None = None, model: str | None = None
) -> None:
    """Fill the slots; those in ``keep`` stay as they are ("Keep mine")."""
    for slot, content in steps:
        if keep and slot in keep:
            continue
        if isinstance(content, JobRecord):
            hold_clip(slot, content, model)
        elif isinstance(content, str):
            slot.load_text(content)
        else:
            slot.clear()


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
    apply(plan_extend(frame0, frame1, job, direction), model=model)


def bridge(
    frame0: KeyframeSlotModel,
    frame1: KeyframeSlotModel,
    a: JobRecord,
    b: JobRecord,
    model: str | None = None,
) -> None:
    apply(plan_bridge(frame0, frame1, a, b), model=model)


def extend_to_image(
    frame0: KeyframeSlotModel,
    frame1: KeyframeSlotModel,
    job: JobRecord,
    image: str,
    prepend: bool = False,
    model: str | None = None,
) -> None:
    """An image dropped on a clip: the clip ends on it (or, prepending, starts from it)."""
    apply(plan_to_image(frame0, frame1, job, image, prepend), model=model)


def note(request: GenerationRequest, find: Finder) -> str:
    """What the slots make of the next clip, in words (empty for a plain generation)."""
    if request.type != GenType.VIDEO.value:
        return _remake_note(request, find)
    first, last = request.frame0, request.frame1

    def name(frame: GenerationKeyframe) -> str:
        job = find(frame.generation_id)
        return clip_label(job) if job else f"clip {frame.generation_id[:8]}"

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
