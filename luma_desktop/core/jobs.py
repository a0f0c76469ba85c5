"""The domain of a job: its status and its record. The store persists these;
it does not define them, so every layer can speak of jobs without the database."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


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
    error_kind: str | None = None
    error_message: str | None = None
    raw: Mapping[str, Any] | None = None
