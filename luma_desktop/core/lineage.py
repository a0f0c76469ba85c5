"""How clips connect: what a clip extends, what extends it, and the sequence they make.

A generation keyframe in ``frame0`` means "this clip continues that one" (it comes
after it); in ``frame1``, "this clip leads into that one" (it comes before it). A
bridge has both. Ray 3.2 continues a clip through its last frame (``image_url``): the
stored body marks such a frame with the clip it came from
(:func:`luma_desktop.core.request.frame_mark`), so the link reads the same. The
sequence through a clip follows those links both ways.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from luma_desktop.core.jobs import JobRecord, JobStatus
from luma_desktop.core.request import marked_clip
from luma_desktop.core.store import JobStore

MAX_CHAIN = 200  # a guard against cycles or absurd chains
_IMAGE_FIELDS = {"frame0": "image_url", "frame1": "last_image_url"}


def _generation_frame(body: Mapping[str, Any], frame: str) -> str | None:
    clip = marked_clip(body.get(_IMAGE_FIELDS[frame]))
    if clip:
        return clip
    keyframes = body.get("keyframes") or {}
    data = keyframes.get(frame) if isinstance(keyframes, Mapping) else None
    if isinstance(data, Mapping) and data.get("type") == "generation":
        value = data.get("id")
        return str(value) if value else None
    return None


def _same(keyframe_id: str | None, generation_id: str | None) -> bool:
    """A keyframe names the uuid part of a unified id (``<uuid>:luma/ray-2``)."""
    if not keyframe_id or not generation_id:
        return False
    return keyframe_id.split(":")[0] == generation_id.split(":")[0]


def continues(job: JobRecord) -> str | None:
    """The generation this clip continues (its frame0), if any."""
    return _as_stored(job, _generation_frame(job.body, "frame0"))


def leads_into(job: JobRecord) -> str | None:
    """The generation this clip leads into (its frame1), if any."""
    return _as_stored(job, _generation_frame(job.body, "frame1"))


def _as_stored(job: JobRecord, keyframe_id: str | None) -> str | None:
    """The id as the gateway returned it (kept in the lineage) for a keyframe's uuid."""
    return next((p for p in job.parents if _same(keyframe_id, p)), keyframe_id)


@dataclass(frozen=True)
class Relatives:
    extends: list[JobRecord]  # the clips this one was made from
    extended_by: list[JobRecord]  # the clips made from this one


def relatives(store: JobStore, job: JobRecord) -> Relatives:
    parents = [p for p in (store.find_generation(g) for g in job.parents) if p is not None]
    children = store.children(job.generation_id) if job.generation_id else []
    return Relatives(parents, children)


def sequence(store: JobStore, job: JobRecord) -> list[JobRecord]:
    """The clips in the order they play, through ``job``: earlier ones, it, later ones."""
    chain = [job]
    seen = {job.local_id}
    for step, at_start in ((_before, True), (_after, False)):
        clip: JobRecord | None = job
        while len(chain) < MAX_CHAIN:
            clip = step(store, clip) if clip else None
            if clip is None or clip.local_id in seen:
                break
            chain.insert(0, clip) if at_start else chain.append(clip)
            seen.add(clip.local_id)
    return chain


def _before(store: JobStore, clip: JobRecord) -> JobRecord | None:
    """The clip that plays just before: the one it continues, or one leading into it."""
    parent = continues(clip)
    if parent:
        return store.find_generation(parent)
    return _first_ready(
        c for c in _children(store, clip) if _same(leads_into(c), clip.generation_id)
    )


def _after(store: JobStore, clip: JobRecord) -> JobRecord | None:
    """The clip that plays just after: the one it leads into, or one continuing it."""
    target = leads_into(clip)
    if target:
        return store.find_generation(target)
    return _first_ready(
        c for c in _children(store, clip) if _same(continues(c), clip.generation_id)
    )


def _children(store: JobStore, clip: JobRecord) -> list[JobRecord]:
    return store.children(clip.generation_id) if clip.generation_id else []


def _first_ready(candidates: Iterable[JobRecord]) -> JobRecord | None:
    """Among alternatives (several extensions of one clip), the earliest ready one."""
    found = list(candidates)
    ready = [c for c in found if c.status is JobStatus.READY]
    return next(iter(ready or found), None)
