"""Validation of a create body, the way the gateway's schema states it.

Structural problems (types, enums, unknown properties, URL formats) answer 422 with a
message naming the field; references to generations that do not exist or are not
completed answer 400, as does a ``data:`` URL when the simulator is told to refuse them.
"""

from __future__ import annotations

import base64
import binascii
import re
import uuid
from collections.abc import Callable, Mapping
from typing import Any

ASPECT_RATIOS = ("1:1", "16:9", "9:16", "4:3", "3:4", "21:9", "9:21")
MODELS = ("ray-1-6", "ray-2", "ray-flash-2")
RESOLUTIONS = ("540p", "720p", "1080p", "4k")
DURATIONS = ("5s", "9s")
GENERATION_TYPES = ("video",)
PROMPT_LIMIT = 2048
FRAMES = ("frame0", "frame1")

TOP_LEVEL = (
    "prompt",
    "aspect_ratio",
    "loop",
    "keyframes",
    "model",
    "resolution",
    "duration",
    "generation_type",
    "callback_url",
)

_DATA_URL = re.compile(r"^data:image/[A-Za-z0-9.+-]+;base64,(?P<payload>.+)$", re.DOTALL)
_HTTP_URL = re.compile(r"^https?://[^\s/?#]+[^\s]*$", re.IGNORECASE)

DATA_URL_REFUSED = "data URIs are not supported; provide a publicly reachable image URL"


class Refusal(Exception):
    """A refused create: HTTP status and message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _unprocessable(message: str) -> Refusal:
    return Refusal(422, message)


def _check_enum(
    body: Mapping[str, Any], name: str, allowed: tuple[str, ...], nullable: bool
) -> None:
    if name not in body:
        return
    value = body[name]
    if value is None and nullable:
        return
    if not isinstance(value, str) or value not in allowed:
        suffix = " or null" if nullable else ""
        raise _unprocessable(f"{name} must be one of {', '.join(allowed)}{suffix}")


def _check_unknown(obj: Mapping[str, Any], allowed: tuple[str, ...], where: str) -> None:
    for key in obj:
        if key not in allowed:
            raise _unprocessable(f"{where}{key}: property is not allowed (additional property)")


def _check_prompt(body: Mapping[str, Any]) -> None:
    if "prompt" not in body:
        raise _unprocessable("prompt is required")
    prompt = body["prompt"]
    if not isinstance(prompt, str) or not prompt.strip():
        raise _unprocessable("prompt must be a non-empty string")
    if len(prompt) > PROMPT_LIMIT:
        raise _unprocessable(f"prompt must be at most {PROMPT_LIMIT} characters")


def _check_image_url(url: object, where: str) -> bool:
    """Validate an image keyframe URL; True when it is a data: URI."""
    if not isinstance(url, str) or not url:
        raise _unprocessable(f"{where}.url must be a non-empty string")
    if url.startswith("data:"):
        match = _DATA_URL.match(url)
        if match is None:
            raise _unprocessable(f"{where}.url must be data:image/<type>;base64,<data>")
        try:
            base64.b64decode(match.group("payload"), validate=True)
        except (binascii.Error, ValueError):
            raise _unprocessable(f"{where}.url: invalid base64 data") from None
        return True
    if _HTTP_URL.match(url) is None:
        raise _unprocessable(f"{where}.url must be an http(s) URL")
    return False


def _check_frame(frame: object, where: str) -> tuple[str, str] | None:
    """Structural check of one keyframe; returns ("generation", id) / ("data", "") / None."""
    if not isinstance(frame, dict):
        raise _unprocessable(f"{where} must be an object")
    kind = frame.get("type")
    if kind == "image":
        _check_unknown(frame, ("type", "url"), f"{where}.")
        if "url" not in frame:
            raise _unprocessable(f"{where}.url is required")
        return ("data", "") if _check_image_url(frame["url"], where) else None
    if kind == "generation":
        _check_unknown(frame, ("type", "id"), f"{where}.")
        gen_id = frame.get("id")
        if not isinstance(gen_id, str):
            raise _unprocessable(f"{where}.id must be a uuid string")
        try:
            uuid.UUID(gen_id)
        except ValueError:
            raise _unprocessable(f"{where}.id must be a uuid string") from None
        return ("generation", gen_id)
    raise _unprocessable(f"{where}.type must be one of image, generation")


def _check_keyframes(
    body: Mapping[str, Any],
    state_of: Callable[[str], str | None],
    reject_data_urls: Callable[[], bool],
) -> None:
    keyframes = body.get("keyframes")
    if keyframes is None:
        return
    if not isinstance(keyframes, dict):
        raise _unprocessable("keyframes must be an object or null")
    _check_unknown(keyframes, FRAMES, "keyframes.")
    checked = [
        (name, _check_frame(keyframes[name], f"keyframes.{name}"))
        for name in FRAMES
        if name in keyframes
    ]
    for name, ref in checked:
        if ref is None:
            continue
        kind, gen_id = ref
        if kind == "generation":
            state = state_of(gen_id)
            if state is None:
                raise Refusal(400, f"keyframes.{name}: generation {gen_id} not found")
            if state != "completed":
                raise Refusal(400, f"generation {gen_id} is not completed")
        elif reject_data_urls():
            raise Refusal(400, f"keyframes.{name}.url: {DATA_URL_REFUSED}")


def validate_create(
    body: object,
    state_of: Callable[[str], str | None],
    reject_data_urls: Callable[[], bool] = lambda: False,
) -> dict[str, Any]:
    """Check a parsed create body; return it typed as a dict or raise Refusal.

    ``state_of(id)`` gives the state of a generation on this server (None: unknown).
    ``reject_data_urls()`` is asked only when a data: URL is present.
    """
    if not isinstance(body, dict):
        raise _unprocessable("body must be a JSON object")
    _check_unknown(body, TOP_LEVEL, "")
    _check_prompt(body)
    _check_enum(body, "aspect_ratio", ASPECT_RATIOS, nullable=False)
    if "loop" in body and not isinstance(body["loop"], bool):
        raise _unprocessable("loop must be a boolean")
    _check_enum(body, "model", MODELS, nullable=False)
    _check_enum(body, "resolution", RESOLUTIONS, nullable=True)
    _check_enum(body, "duration", DURATIONS, nullable=True)
    _check_enum(body, "generation_type", GENERATION_TYPES, nullable=True)
    callback = body.get("callback_url")
    if callback is not None and not isinstance(callback, str):
        raise _unprocessable("callback_url must be a string (URI) or null")
    _check_keyframes(body, state_of, reject_data_urls)
    return body
