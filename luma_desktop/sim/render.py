"""The generation object in the spellings the simulator can answer with.

- ``luma`` (default): Luma's own object (``state``, ``assets.video``, ``failure_reason``).
- ``unified``: the gateway's newer unified video API (``status`` queued/generating/
  completed/error, ``video.url``, ``error.message``).
- ``flat``: ``status`` with Luma's state names, ``video_url``, ``error`` as a string.
- ``wrapped``: ``{"data": <luma object>}`` (single-object answers only; items of a
  fetch-many list stay in the luma spelling).
- ``weird_state``: luma spelling, but a running job reports the unknown state
  ``warming_up``.
"""

from __future__ import annotations

from typing import Any

from luma_desktop.sim.state import COMPLETED, FAILED, Job

_UNIFIED = {"queued": "queued", "dreaming": "generating", COMPLETED: "completed", FAILED: "error"}


def luma_object(job: Job, video_url: str | None) -> dict[str, Any]:
    return {
        "id": job.id,
        "state": job.state,
        "failure_reason": job.failure_reason,
        "created_at": job.created_at,
        "assets": {"video": video_url, "image": None, "progress_video": None},
        "model": job.model,
        "generation_type": "video",
        "request": job.request,
    }


def render(job: Job, video_url: str | None, spelling: str, in_list: bool = False) -> dict[str, Any]:
    """Render ``job`` in ``spelling`` (unknown spellings fall back to luma)."""
    if spelling == "unified":
        return {
            "id": job.id,
            "status": _UNIFIED[job.state],
            "video": {"url": video_url} if video_url else None,
            "error": {"message": job.failure_reason} if job.failure_reason else None,
            "created_at": job.created_at,
        }
    if spelling == "flat":
        return {
            "id": job.id,
            "status": job.state,
            "video_url": video_url,
            "error": job.failure_reason,
            "created_at": job.created_at,
        }
    obj = luma_object(job, video_url)
    if spelling == "weird_state" and job.state not in (COMPLETED, FAILED):
        obj["state"] = "warming_up"
    if spelling == "wrapped" and not in_list:
        return {"data": obj}
    return obj
