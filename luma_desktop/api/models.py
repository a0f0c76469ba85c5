"""The generation object, parsed tolerantly.

The gateway does not spell its answer out, so every spelling named in the contract
(Luma's ``state``/``assets.video``/``failure_reason``, the unified API's
``status``/``video.url``/``error.message``, a flat ``video_url``) maps onto one
:class:`Generation`. An unknown state reads as "still running", never as success.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, TypeGuard

from luma_desktop.api.text import clean_text
from luma_desktop.core.limits import DEFAULT_LIMITS


class State(StrEnum):
    QUEUED = "queued"
    DREAMING = "dreaming"
    COMPLETED = "completed"
    FAILED = "failed"

    @property
    def priority(self) -> int:
        return _PRIORITY[self]

    @property
    def terminal(self) -> bool:
        return self in (State.COMPLETED, State.FAILED)


_PRIORITY = {State.QUEUED: 0, State.DREAMING: 1, State.COMPLETED: 2, State.FAILED: 3}

# Every state spelling seen in the gateway's docs and its third-party clients.
_STATE_SPELLINGS: dict[str, State] = {
    "queued": State.QUEUED,
    "pending": State.QUEUED,
    "waiting": State.QUEUED,
    "dreaming": State.DREAMING,
    "generating": State.DREAMING,
    "processing": State.DREAMING,
    "in_progress": State.DREAMING,
    "running": State.DREAMING,
    "completed": State.COMPLETED,
    "complete": State.COMPLETED,
    "succeeded": State.COMPLETED,
    "success": State.COMPLETED,
    "failed": State.FAILED,
    "failure": State.FAILED,
    "error": State.FAILED,
}

_INLINE_PREFIX = "data:"


class ResponseFormatError(ValueError):
    """The answer is not a generation object in any known spelling."""


@dataclass(frozen=True)
class Generation:
    id: str
    state: State
    raw_state: str
    state_known: bool = True
    failure_reason: str | None = None
    video_url: str | None = None
    image_url: str | None = None
    created_at: str | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)
    credits: int | None = None  # what it cost, when the gateway says (meta.usage, headers)
    usd: float | None = None


def parse_generation(data: object) -> Generation:
    """Map any known spelling onto a :class:`Generation`; raise :class:`ResponseFormatError`."""
    if not isinstance(data, Mapping):
        raise ResponseFormatError(f"expected a JSON object, got {type(data).__name__}")
    data = _unwrap(data)
    gen_id = _first_str(data, ("id",), ("generation_id",), ("data", "id"))
    if not gen_id:
        raise ResponseFormatError("the answer has no generation id")
    if not is_valid_generation_id(gen_id):
        raise ResponseFormatError("the answer's generation id is not usable")
    raw_state = clean_text(_first_str(data, ("state",), ("status",)) or "", 64)
    state = _STATE_SPELLINGS.get(raw_state.lower())
    video_url = _link(
        _first_str(
            data, ("assets", "video"), ("video", "url"), ("video_url",), ("video",), ("url",)
        )
    )
    failure = _failure_reason(data)
    if state is None and failure and not video_url and not raw_state:
        state = State.FAILED  # an error object and nothing else: the job failed
    return Generation(
        id=gen_id,
        state=state if state is not None else State.DREAMING,
        raw_state=raw_state,
        state_known=state is not None,
        failure_reason=clean_text(failure) if failure else None,
        video_url=video_url,
        image_url=_link(
            _first_str(data, ("assets", "image"), ("image", "url"), ("thumbnail_url",))
        ),
        created_at=clean_text(_first_str(data, ("created_at",), ("createdAt",)) or "", 64) or None,
        raw=strip_inline_data(data),
        **usage(data),
    )


def _link(url: str | None) -> str | None:
    """A link as given, if it could be one: no whitespace or control characters, not huge.

    An unusable link is left out (never stored, printed or fetched): a finished clip
    without a usable link is then the engine's "no video link" server error."""
    if url is None or len(url) > DEFAULT_LIMITS.max_url_chars:
        return None
    if not all(" " < c < "\x7f" for c in url):
        return None
    return url


def is_valid_generation_id(text: str, max_chars: int = DEFAULT_LIMITS.max_id_chars) -> bool:
    """Printable ASCII without whitespace or control characters, and not too long.

    Ids go into URLs, the store and (as a sanitized tag) file names; anything else
    a gateway sends as an id is a server error, never a crash or a path.
    """
    return 0 < len(text) <= max_chars and all("!" <= c <= "~" for c in text)


def usage(data: Mapping[str, Any]) -> dict[str, Any]:
    """``meta.usage`` (the unified route's cost): ``credits``/``usd`` where they are numbers."""
    meta = data.get("meta")
    found = meta.get("usage") if isinstance(meta, Mapping) else None
    if not isinstance(found, Mapping):
        return {}
    credits, usd = found.get("credits_used"), found.get("usd_spent")
    costs: dict[str, Any] = {}
    if _amount(credits):
        costs["credits"] = int(credits)
    if _amount(usd):
        costs["usd"] = float(usd)
    return costs


def _amount(value: object) -> TypeGuard[int | float]:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and value >= 0
    )


def parse_generation_list(data: object) -> list[Generation]:
    """The many-generations answer: a bare list, or an object wrapping one."""
    if isinstance(data, Mapping):
        for key in ("generations", "data", "items", "results"):
            inner = data.get(key)
            if isinstance(inner, list):
                data = inner
                break
        else:
            if "id" in data:
                return [parse_generation(data)]
            raise ResponseFormatError("the answer holds no list of generations")
    if not isinstance(data, list):
        raise ResponseFormatError(f"expected a list of generations, got {type(data).__name__}")
    return [parse_generation(item) for item in data]


def strip_inline_data(value: Any) -> Any:
    """A copy of ``value`` with ``data:`` URIs (inline images, megabytes each) shortened."""
    if isinstance(value, Mapping):
        return {str(k): strip_inline_data(v) for k, v in value.items()}
    if isinstance(value, list):
        return [strip_inline_data(v) for v in value]
    if isinstance(value, str) and value.startswith(_INLINE_PREFIX):
        return f"{value.split(',', 1)[0]},… ({len(value)} chars)"
    return value


def _unwrap(data: Mapping[str, Any]) -> Mapping[str, Any]:
    """``{"data": {...generation...}}`` or ``{"generation": {...}}`` → the inner object."""
    for key in ("generation", "data"):
        inner = data.get(key)
        if isinstance(inner, Mapping) and "id" not in data and "id" in inner:
            return inner
    return data


def _first_str(data: Mapping[str, Any], *paths: tuple[str, ...]) -> str | None:
    for path in paths:
        node: Any = data
        for key in path:
            node = node.get(key) if isinstance(node, Mapping) else None
        if isinstance(node, str) and node:
            return node
    return None


def _failure_reason(data: Mapping[str, Any]) -> str | None:
    error = data.get("error")
    if isinstance(error, Mapping):
        text = error.get("message") or error.get("detail") or error.get("reason")
        if isinstance(text, str) and text:
            return text
    if isinstance(error, str) and error:
        return error
    return _first_str(data, ("failure_reason",), ("failureReason",), ("reason",))
