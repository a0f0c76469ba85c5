"""What the artist decides about a job that the engine cannot: adopt, forget, clear.

The engine stays the one writer: these run through its store and its events (the
studio's models only read the event stream).

- **adopt**: an ``unknown`` job claimed by the id found in the gateway's dashboard.
  An id the gateway does not know (or cannot be asked about now) leaves the job
  ``unknown`` and says so, as an error event about that job (not an exception: a
  wrong id is an everyday mistake, not a programming error).
- **forget**: an ``unknown`` job discarded: its row goes (a ``removed`` event).
- **clear**: a finished, failed or abandoned job taken off the Jobs list. Its record
  stays, so the library keeps its clip and today's spending still counts it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from luma_desktop.api.errors import ApiError, ErrorKind
from luma_desktop.core.events import JobEvent
from luma_desktop.core.jobs import JobErrorKind, JobRecord, JobStatus
from luma_desktop.core.routing import job_route

if TYPE_CHECKING:
    from luma_desktop.core.engine import JobEngine


def not_known_text(generation_id: str) -> str:
    return (
        f"The gateway does not know the generation {generation_id}. Check the id in the "
        "gateway's dashboard and adopt again, or discard the request."
    )


async def adopt(engine: JobEngine, local_id: str, generation_id: str) -> JobRecord:
    """The job as recorded from the gateway's answer, or unchanged (and said why)."""
    job = engine.store.get(local_id)
    client = engine.route_client(job.base_url, job_route(job.route))
    try:
        generation = await client.get(generation_id)
    except ApiError as error:
        known = error.kind is not ErrorKind.NOT_FOUND
        message = error.message if known else not_known_text(generation_id)
        engine.emit(JobEvent.error(job, JobErrorKind(error.kind.value), message))
        return job
    return engine.record(job, generation)


def forget(engine: JobEngine, local_id: str) -> None:
    job = engine.store.get(local_id)
    if job.status is not JobStatus.UNKNOWN:
        raise ValueError(f"job {local_id} is {job.status.value}: only unknown jobs are forgotten")
    engine.store.delete(local_id)
    engine.emit(JobEvent.removed(job))


def clear(engine: JobEngine, local_id: str) -> JobRecord:
    job = engine.store.get(local_id)
    if not job.status.terminal:
        raise ValueError(f"job {local_id} is {job.status.value}: only finished jobs are cleared")
    if job.cleared_at is None:
        job = engine.store.update(local_id, cleared_at=engine.policy.wall())
    engine.emit(JobEvent.cleared(job))
    return job
