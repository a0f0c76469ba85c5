"""A gateway answer read as changes to one job: status, costs, failure, the clip's path.

Pure computation: :meth:`JobEngine.record` and :meth:`JobEngine.end` write what these
functions compute, so the engine stays the one writer of job state (and the one place
that emits its events).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from luma_desktop.api.errors import ApiError, ErrorKind
from luma_desktop.api.models import Generation, State
from luma_desktop.core.jobs import JobErrorKind, JobRecord, JobStatus
from luma_desktop.core.naming import OutsideFolder, clip_path

log = logging.getLogger(__name__)

SERVER_TO_STATUS = {
    State.QUEUED: JobStatus.QUEUED,
    State.DREAMING: JobStatus.DREAMING,
    State.COMPLETED: JobStatus.DOWNLOADING,
    State.FAILED: JobStatus.FAILED,
}


def job_error_kind(error: ApiError) -> JobErrorKind:
    return JobErrorKind(error.kind.value)


def answer_changes(
    job: JobRecord, generation: Generation, library: Path, wall: Callable[[], float]
) -> dict[str, object]:
    """The store changes ``generation`` makes to ``job``. Raises ``ApiError(LOCAL_FILE)``
    when the clip has no place in ``library`` (the artist must fix the folder)."""
    status = SERVER_TO_STATUS[generation.state]
    still_stale = job.status is JobStatus.STALE and not generation.state.terminal
    if not generation.state_known:
        log.info("job %s: unknown state %r read as running", job.local_id, generation.raw_state)
    changes: dict[str, object] = {
        "generation_id": generation.id,
        "server_state": generation.state.value,
        "status": JobStatus.STALE if still_stale else status,
        "raw": generation.raw,
        "error_kind": None,
    }
    if not still_stale:
        changes["error_message"] = None
    if generation.video_url:
        changes["video_url"] = generation.video_url
    if generation.credits is not None:
        changes["cost_credits"] = generation.credits
        changes["cost_usd"] = generation.usd
    if generation.state is State.COMPLETED and job.render_seconds is None:
        changes["render_seconds"] = max(0.0, wall() - job.created_at)
    if generation.state is State.FAILED:
        changes["failure_reason"] = generation.failure_reason or "The gateway gave no reason."
    if status is JobStatus.DOWNLOADING and not job.video_path:
        changes["video_path"] = str(_clip_path(job, generation, library))
    return changes


def _clip_path(job: JobRecord, generation: Generation, library: Path) -> Path:
    created = datetime.fromtimestamp(job.created_at)
    try:
        return clip_path(library, created, job.prompt, generation.id)
    except (OutsideFolder, OSError) as exc:
        raise ApiError(
            ErrorKind.LOCAL_FILE,
            f"The clip cannot be saved in {library}: {exc}",
            request_sent=False,
        ) from None


def changed(before: JobRecord, after: JobRecord) -> bool:
    """Whether the artist sees a difference (an answer that repeats the last is silent)."""
    return (before.status, before.server_state, before.error_kind) != (
        after.status,
        after.server_state,
        after.error_kind,
    )
