"""Resolving a lost create from the gateway's own records (``GET /v2/logs``).

A create whose answer was lost (a dropped connection, a 5xx, the app stopped) left
the job ``unknown``. Every create carried ``X-Client-Request-Id`` built from the
job's local id, so the gateway's log can say what became of it:

- a ``succeeded`` row: its ``inference_id`` is the generation id; the job is
  adopted and finishes, with no second create;
- a ``failed`` row: the gateway did not bill it; the job says "not taken: safe to
  send again" (refused, kind ``not_taken``) and the artist resends with one click;
- no row (yet): the rows come from an analytics pipeline and can lag, so the log is
  asked again with backoff for a few minutes (:attr:`PollPolicy.lookup_delays`),
  then the job stays ``unknown`` as before. A gateway without the log route
  (404/405) or an account that may not read it leaves it ``unknown`` at once.

The log route allows 200 requests a minute; :class:`api.account.RateWindow` keeps
every lookup of one gateway under it.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from luma_desktop.api.account import LogRow
from luma_desktop.api.errors import ApiError, ErrorKind
from luma_desktop.core.events import JobEvent
from luma_desktop.core.jobs import JobErrorKind, JobRecord, JobStatus

if TYPE_CHECKING:
    from luma_desktop.core.engine import JobEngine

log = logging.getLogger(__name__)

NOT_TAKEN = (
    "Not taken: the gateway's request log says this create failed, so nothing was charged. "
    "It is safe to send it again."
)
_GIVE_UP = frozenset({ErrorKind.AUTH, ErrorKind.FORBIDDEN, ErrorKind.NOT_FOUND})


async def resolve_unknown(engine: JobEngine, local_id: str) -> JobRecord:
    """Look an ``unknown`` job up in the gateway's log; adopt it, free it, or leave it."""
    job = engine.store.get(local_id)
    if job.status is not JobStatus.UNKNOWN:
        return job
    from luma_desktop.api.unified import client_request_id  # with the HTTP stack, by now

    request_id = client_request_id(job.local_id)
    account = engine.account(job.base_url)
    for delay in engine.policy.lookup_delays:
        await engine.policy.sleep(delay)
        try:
            row = await account.find_request(request_id)
        except ApiError as error:
            if error.kind in _GIVE_UP or error.status == 405:
                log.info("job %s: no request log to look in (%s)", local_id, error.kind.value)
                return job
            continue  # a passing fault: the next delay
        if row is not None:
            return await _settle(engine, job, row)
    log.info("job %s: not in the gateway's request log; left for the artist", local_id)
    return engine.store.get(local_id)


async def _settle(engine: JobEngine, job: JobRecord, row: LogRow) -> JobRecord:
    if row.succeeded and row.inference_id:
        log.info("job %s: found in the request log as %s", job.local_id, row.inference_id)
        return await engine.adopt(job.local_id, row.inference_id)
    if row.succeeded:
        return job  # taken, but the row names no generation: the artist decides
    job = engine.store.update(
        job.local_id,
        status=JobStatus.REFUSED,
        error_kind=JobErrorKind.NOT_TAKEN,
        error_message=NOT_TAKEN,
    )
    engine.emit(JobEvent.changed(job))
    return job
