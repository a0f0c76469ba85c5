"""The download step of a job: fetch the clip at once (CDN links expire), resumably.

A 403 on the link means it expired: the generation is fetched again for a fresh
link. A broken transfer leaves a ``.part`` file that the next try resumes.

The step gets narrow collaborators (a client, the policy, a ledger that records what
changed) instead of the engine, so this module does not import the engine.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from luma_desktop.api.errors import ApiError, ErrorKind
from luma_desktop.api.formats import sniff_file
from luma_desktop.api.models import Generation
from luma_desktop.core.deliveries import place
from luma_desktop.core.jobs import JobRecord
from luma_desktop.core.limits import Limits
from luma_desktop.core.naming import OutsideFolder, inside, write_sidecar
from luma_desktop.core.policy import PollPolicy


class ClipSource(Protocol):
    """Where a job's clip comes from: its route's fetch-one and the download."""

    async def get(self, generation_id: str) -> Generation: ...
    async def download(
        self, url: str, dest: Path, progress: Callable[[int, int | None], None] | None = ...
    ) -> Path: ...


class DownloadLedger(Protocol):
    """What the download step may change about its job (the engine: the one writer)."""

    @property
    def limits(self) -> Limits: ...  # the archive limits, when frames come back zipped

    def record(self, job: JobRecord, generation: Generation) -> JobRecord: ...
    def drop_link(self, job: JobRecord) -> JobRecord: ...
    def mark_downloaded(self, job: JobRecord) -> JobRecord: ...
    def moved(self, job: JobRecord, path: Path) -> JobRecord: ...
    def report_progress(self, job: JobRecord, done: int, total: int | None) -> None: ...


class DownloadStep:
    def __init__(
        self, ledger: DownloadLedger, client: ClipSource, policy: PollPolicy, job: JobRecord
    ) -> None:
        self._ledger = ledger
        self._client = client
        self._policy = policy
        self._job = job
        self._last_report = float("-inf")
        self._last_percent = -1

    async def run(self) -> JobRecord:
        job = self._job
        assert job.video_path is not None
        dest = _checked_destination(Path(job.video_path))
        if not _is_complete_video(dest):
            await self._fetch(dest)
        dest = self._real_name(dest)
        # The sidecar is a convenience for pipelines; the clip is what matters.
        with contextlib.suppress(OSError, OutsideFolder):
            write_sidecar(dest, _sidecar(self._job))
        return self._ledger.mark_downloaded(self._job)

    def _real_name(self, dest: Path) -> Path:
        """The clip under the extension of what it really is (a ProRes ``.mov``, a
        ``.webm``, an ``.exr`` frame), never a ``.mp4`` label; frames in a zip kept
        beside the clip as ``<clip>.frames.zip`` (:mod:`.deliveries`)."""
        try:
            target = place(dest, self._ledger.limits)
        except OSError as exc:
            from luma_desktop.api.download import local_file_error  # the HTTP stack's module

            raise local_file_error(exc, dest) from exc
        if target != dest:
            self._job = self._ledger.moved(self._job, target)
        return target

    async def _fetch(self, dest: Path) -> None:
        job = self._job
        for _refresh in range(self._policy.link_refreshes + 1):
            url = job.video_url or await self._fresh_link()
            try:
                await self._client.download(url, dest, self._progress)
                return
            except ApiError as error:
                if error.kind is not ErrorKind.LINK_EXPIRED:
                    raise
                job = self._job = self._ledger.drop_link(job)
        raise ApiError(ErrorKind.SERVER, "The gateway keeps giving expired video links.")

    async def _fresh_link(self) -> str:
        job = self._job
        assert job.generation_id is not None
        generation = await self._client.get(job.generation_id)
        self._job = self._ledger.record(job, generation)
        if not generation.video_url:
            raise ApiError(ErrorKind.SERVER, "The gateway gave no video link for a finished clip.")
        return generation.video_url

    def _progress(self, done: int, total: int | None) -> None:
        """At most every ``progress_step``, and at every whole percent: a burst of bytes
        just before a stall is shown while the transfer waits, not lost to the pacing."""
        now = self._policy.clock()
        percent = 100 * done // total if total else -1
        moved = percent != self._last_percent
        if done != total and not moved and now - self._last_report < self._policy.progress_step:
            return
        self._last_report, self._last_percent = now, percent
        self._ledger.report_progress(self._job, done, total)


def _checked_destination(dest: Path) -> Path:
    """The clip and its ``.part`` must land in the clip's folder, not through a symlink."""
    try:
        inside(dest.parent, dest)
        inside(dest.parent, dest.with_name(dest.name + ".part"))
    except (OutsideFolder, OSError) as exc:
        raise ApiError(
            ErrorKind.LOCAL_FILE,
            f"{dest.name} would be written outside {dest.parent} (a link points elsewhere); "
            "remove the link or choose another download folder.",
            request_sent=False,
        ) from exc
    return dest


def _is_complete_video(path: Path) -> bool:
    """A clip already renamed into place (the app stopped before recording it)."""
    return sniff_file(str(path)).usable


def _sidecar(job: JobRecord) -> dict[str, object]:
    return {
        "generation_id": job.generation_id,
        "base_url": job.base_url,
        "prompt": job.prompt,
        "parameters": dict(job.body),
        "parents": list(job.parents),
        "created_at": job.created_at,
        "estimated_tokens": job.tokens,
        "route": job.route or "luma",
        "cost_credits": job.cost_credits,
        "cost_usd": job.cost_usd,
        # The delivery's real name (a .mov, a .frames.zip): a rebuilt library finds it.
        "file": Path(job.video_path).name if job.video_path else None,
    }
