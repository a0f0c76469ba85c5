"""Validation of a unified-route create body (contract section 6).

The shapes (types, required fields, unknown properties, URL formats) are checked
here, by the documentation's schemas; which values each model takes and which
combinations it refuses (Ray 3.2's HDR limits, no 9:21, no generation keyframes)
come from the app's catalogue, which is pure data. Structural problems answer 422;
a keyframe naming a generation that does not exist or is unfinished answers 400.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from luma_desktop.core.catalogue import Route, model_named
from luma_desktop.core.rules import Choice, choice_issues
from luma_desktop.sim.validation import (
    DATA_URL_REFUSED,
    Refusal,
    _check_frame,
    _check_image_url,
    _check_prompt,
    _check_unknown,
)

KEYFRAME_FIELDS = ("model", "prompt", "resolution", "aspect_ratio", "duration", "keyframes", "loop")
IMAGE_FIELDS = (
    *("model", "prompt", "type", "resolution", "duration", "aspect_ratio", "loop"),
    *("hdr", "exr_export", "image_url", "last_image_url", "video_url"),
)
_STRINGS = ("resolution", "aspect_ratio", "type")
_BOOLS = ("loop", "hdr", "exr_export")


def _unprocessable(message: str) -> Refusal:
    return Refusal(422, message)


def validate_unified(
    body: object,
    state_of: Callable[[str], str | None],
    reject_data_urls: Callable[[], bool] = lambda: False,
) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise _unprocessable("body must be a JSON object")
    spec = model_named(body["model"]) if isinstance(body.get("model"), str) else None
    if spec is None or not spec.served_on(Route.UNIFIED) or "/" not in body["model"]:
        raise _unprocessable("model is required and must be a known video model")
    allowed = KEYFRAME_FIELDS if spec.generation_keyframes else IMAGE_FIELDS
    _check_unknown(body, allowed, "")
    _check_prompt(body)
    _check_types(body)
    seconds = _duration(body.get("duration"))
    _check_catalogue(body, seconds)
    if spec.generation_keyframes:
        _check_keyframes(body.get("keyframes"), state_of, reject_data_urls)
    else:
        _check_links(body, reject_data_urls)
    return body


def _check_types(body: dict[str, Any]) -> None:
    for name in _STRINGS:
        if name in body and not isinstance(body[name], str):
            raise _unprocessable(f"{name} must be a string")
    for name in _BOOLS:
        if name in body and not isinstance(body[name], bool):
            raise _unprocessable(f"{name} must be a boolean")


def _duration(value: object) -> int | None:
    """The schema says integer; the documentation's own examples send "5": both pass."""
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return int(value)
    raise _unprocessable("duration must be an integer")


def _check_catalogue(body: dict[str, Any], seconds: int | None) -> None:
    choice = Choice(
        model=body["model"],
        route=Route.UNIFIED.value,
        type=body.get("type") or "video",
        aspect_ratio=body.get("aspect_ratio"),
        resolution=body.get("resolution"),
        duration=None if seconds is None else f"{seconds}s",
        loop=bool(body.get("loop")),
        hdr=bool(body.get("hdr")),
        exr=bool(body.get("exr_export")),
        has_video="video_url" in body,
        image_frames=sum(k in body for k in ("image_url", "last_image_url")),
        generation_frames=0,
    )
    issues = choice_issues(choice)
    if issues:
        raise _unprocessable("; ".join(f"{i.field}: {i.message}" for i in issues))


def _check_keyframes(
    keyframes: object,
    state_of: Callable[[str], str | None],
    reject_data_urls: Callable[[], bool],
) -> None:
    if keyframes is None:
        return
    if not isinstance(keyframes, dict):
        raise _unprocessable("keyframes must be an object or null")
    _check_unknown(keyframes, ("frame0", "frame1"), "keyframes.")
    for name, frame in keyframes.items():
        ref = _check_frame(frame, f"keyframes.{name}")
        if ref is not None and ref[0] == "data" and reject_data_urls():
            raise Refusal(400, f"keyframes.{name}.url: {DATA_URL_REFUSED}")
        if ref is None or ref[0] != "generation":
            continue
        gen_id = ref[1]
        uuid.UUID(gen_id)  # _check_frame already refused anything else
        state = state_of(gen_id)
        if state is None:
            raise Refusal(400, f"keyframes.{name}: generation {gen_id} not found")
        if state != "completed":
            raise Refusal(400, f"generation {gen_id} is not completed")


def _check_links(body: dict[str, Any], reject_data_urls: Callable[[], bool]) -> None:
    for name in ("image_url", "last_image_url", "video_url"):
        if name not in body:
            continue
        inline = _check_image_url(body[name], name)
        if inline and (name == "video_url" or reject_data_urls()):
            raise Refusal(400, f"{name}: data URIs are not supported; give a public URL")
