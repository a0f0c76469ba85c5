"""What the engine tells its faces (the CLI prints these; the studio re-emits them)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from luma_desktop.core.jobs import JobRecord


class EventKind(StrEnum):
    CHANGED = "changed"  # status or fields of the job changed (the record is the new one)
    PROGRESS = "progress"  # download progress
    RETRYING = "retrying"  # a passing fault; the engine tries again in ``retry_in`` seconds
    ERROR = "error"  # stopped on something the artist must fix (key, credits, disk)
    NOTICE = "notice"  # worth saying once (e.g. "the server answers polls at once")


@dataclass(frozen=True)
class JobEvent:
    kind: EventKind
    job: JobRecord
    done: int = 0
    total: int | None = None
    retry_in: float | None = None
    message: str = ""
    error_kind: str | None = None  # with RETRYING and ERROR: what went wrong (an ErrorKind value)


Listener = Callable[[JobEvent], None]
