"""What the engine tells its faces: one event per change, made only by the engine.

The CLI prints these; the studio's models are fed by them (and nothing else). Each
kind has its own constructor, so an event never carries fields its kind has no use for.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from luma_desktop.core.jobs import JobErrorKind, JobRecord


class EventKind(StrEnum):
    CHANGED = "changed"  # the job's state changed: ``job`` is the new record
    THUMBNAIL = "thumbnail"  # the finished clip's thumbnail was made (``job.thumb_path``)
    PROGRESS = "progress"  # download progress
    RETRYING = "retrying"  # a passing fault; the engine tries again in ``retry_in`` seconds
    ERROR = "error"  # stopped on something the artist must fix (key, credits, disk)
    NOTICE = "notice"  # worth saying once (e.g. "the server answers polls at once")
    REMOVED = "removed"  # the job (row and files) was deleted: ``job`` is its last record
    CLEARED = "cleared"  # off the Jobs list (its record stays, in the library): ``job`` as now


@dataclass(frozen=True)
class JobEvent:
    kind: EventKind
    job: JobRecord
    done: int = 0
    total: int | None = None
    retry_in: float | None = None
    message: str = ""
    error_kind: JobErrorKind | None = None  # with RETRYING and ERROR: what went wrong

    @classmethod
    def changed(cls, job: JobRecord) -> JobEvent:
        return cls(EventKind.CHANGED, job)

    @classmethod
    def thumbnail(cls, job: JobRecord) -> JobEvent:
        return cls(EventKind.THUMBNAIL, job)

    @classmethod
    def progress(cls, job: JobRecord, done: int, total: int | None) -> JobEvent:
        return cls(EventKind.PROGRESS, job, done=done, total=total)

    @classmethod
    def retrying(
        cls, job: JobRecord, error_kind: JobErrorKind, message: str, retry_in: float
    ) -> JobEvent:
        return cls(
            EventKind.RETRYING, job, retry_in=retry_in, message=message, error_kind=error_kind
        )

    @classmethod
    def error(cls, job: JobRecord, error_kind: JobErrorKind, message: str) -> JobEvent:
        return cls(EventKind.ERROR, job, message=message, error_kind=error_kind)

    @classmethod
    def notice(cls, job: JobRecord, message: str) -> JobEvent:
        return cls(EventKind.NOTICE, job, message=message)

    @classmethod
    def removed(cls, job: JobRecord) -> JobEvent:
        return cls(EventKind.REMOVED, job)

    @classmethod
    def cleared(cls, job: JobRecord) -> JobEvent:
        return cls(EventKind.CLEARED, job)


Listener = Callable[[JobEvent], None]
