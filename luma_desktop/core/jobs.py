"""The domain of a job: its status and its record. The store persists these;
it does not define them, so every layer can speak of jobs without the database."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class JobErrorKind(StrEnum):
    """Why a job stopped or paused, as stored with it. The gateway's kinds (the api's
    ``ErrorKind`` values, one for one) and the one only the app can know."""

    AUTH = "auth"  # 401: missing or invalid key
    FORBIDDEN = "forbidden"  # 403 on the gateway: no credits or not allowed
    NOT_FOUND = "not_found"  # 404: unknown generation id
    VALIDATION = "validation"  # 400/422: the request was refused as written
    RATE_LIMITED = "rate_limited"  # 429
    SERVER = "server"  # 5xx or an unreadable answer
    NETWORK = "network"  # connection refused, dropped, DNS, TLS
    TIMEOUT = "timeout"  # no answer in time
    LINK_EXPIRED = "link_expired"  # 403 on a video link
    LOCAL_FILE = "local_file"  # disk full, folder not writable
    UNUSABLE = "unusable"  # the clip is no video nor frames the app can use: final
    UNKNOWN = "unknown"  # the create's answer was lost (the app stopped, the line broke)
    NOT_TAKEN = "not_taken"  # the gateway's log says that create failed: safe to send again
    INTERNAL = "internal"  # a stored kind this version does not know

    @classmethod
    def parse(cls, value: str | None) -> JobErrorKind | None:
        """A stored kind; one written by a newer version reads as ``internal``."""
        if value is None:
            return None
        try:
            return cls(value)
        except ValueError:
            return cls.INTERNAL


class JobStatus(StrEnum):
    SUBMITTING = "submitting"  # written, create request not yet answered
    QUEUED = "queued"
    DREAMING = "dreaming"
    DOWNLOADING = "downloading"  # completed on the server, the clip is on its way
    READY = "ready"  # the clip is on disk
    FAILED = "failed"  # the gateway said it failed
    UNKNOWN = "unknown"  # the create may or may not have been taken: the artist decides
    REFUSED = "refused"  # the create was refused (or never sent): nothing was charged
    ABANDONED = "abandoned"  # the artist stopped tracking it
    STALE = "stale"  # running past its deadline: polled rarely, the artist told
    NOT_FOUND = "not_found"  # the gateway does not know the id

    @property
    def active(self) -> bool:
        """Being (or to be) polled or downloaded."""
        return self in _ACTIVE

    @property
    def terminal(self) -> bool:
        return self in _TERMINAL


_ACTIVE = frozenset({JobStatus.QUEUED, JobStatus.DREAMING, JobStatus.DOWNLOADING, JobStatus.STALE})
_TERMINAL = frozenset(
    {
        JobStatus.READY,
        JobStatus.FAILED,
        JobStatus.REFUSED,
        JobStatus.ABANDONED,
        JobStatus.NOT_FOUND,
    }
)


@dataclass(frozen=True)
class JobRecord:
    local_id: str
    status: JobStatus
    base_url: str
    prompt: str
    body: Mapping[str, Any]
    parents: tuple[str, ...]
    tokens: int
    created_at: float
    updated_at: float
    generation_id: str | None = None
    server_state: str | None = None
    video_url: str | None = None
    video_path: str | None = None
    thumb_path: str | None = None
    failure_reason: str | None = None
    error_kind: JobErrorKind | None = None
    error_message: str | None = None
    raw: Mapping[str, Any] | None = None
    route: str | None = None  # "luma" or "unified" (a catalogue Route); None: older rows, Luma
    cost_credits: float | None = None  # what the gateway says it cost (unified route)
    cost_usd: float | None = None
    render_seconds: float | None = None  # from the create to the first "completed" seen
    cleared_at: float | None = None  # when the artist cleared it off the Jobs list (kept here)
