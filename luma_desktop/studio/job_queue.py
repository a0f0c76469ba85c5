"""JobQueue: the studio's face of the engine. Buttons call its methods; it owns the
coroutines (one task per live job) and turns the engine's events into signals and
errors. It writes nothing itself: every change to a job is an engine method."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from luma_desktop.core import budget
from luma_desktop.core.budget import Spend
from luma_desktop.core.engine import JobEngine
from luma_desktop.core.events import EventKind, JobEvent
from luma_desktop.core.jobs import JobRecord, JobStatus
from luma_desktop.core.request import GenerationRequest
from luma_desktop.core.titles import short
from luma_desktop.studio.errors import Action, ErrorHub, UserError, failure_error, user_error
from luma_desktop.studio.job_model import JobListModel
from luma_desktop.studio.tasks import TaskGroup
from luma_desktop.studio.thumbnails import ThumbnailMaker

SHOWN_AT_START = 200  # recent jobs listed at start-up (older ones live in the library)


class JobQueue(QObject):
    job_changed = Signal(object)  # JobRecord
    job_ready = Signal(object)  # JobRecord, the clip is on disk
    spent_changed = Signal(object)  # Spend: what this session's jobs cost (credits)
    notice = Signal(str)

    def __init__(
        self,
        engine: JobEngine,
        tasks: TaskGroup,
        errors: ErrorHub,
        thumbnails: ThumbnailMaker | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.engine = engine
        self.model = JobListModel(self)
        self._thumbnails = thumbnails
        if thumbnails is not None:
            thumbnails.setParent(self)
            thumbnails.made.connect(self._thumbnail_made)
        self._tasks = tasks
        self._errors = errors
        self.spent = Spend()
        # Jobs sent or adopted in this session, as last heard of: "spent this session"
        # counts these (a clip deleted later was still paid for).
        self._session: dict[str, JobRecord] = {}
        self._explained: set[str] = set()  # unknown jobs whose banner was shown once
        self._to_explain: list[str] = []  # unknown jobs waiting for the banner to be free
        # queued: the banner hides the old error first, then shows the next one
        errors.cleared.connect(self._explain_next, Qt.ConnectionType.QueuedConnection)
        self._ticker = QTimer(self)
        self._ticker.setInterval(1000)
        self._ticker.timeout.connect(self.model.refresh_elapsed)
        self._ticker.start()
        # The job list's one feed is the engine's event stream, like the library's.
        self._unsubscribe = [engine.subscribe(self.model.apply), engine.subscribe(self._on_event)]

    def close(self) -> None:
        """Before the store closes: no more updates reach it or the model."""
        self._ticker.stop()
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        if self._thumbnails is not None:
            self._thumbnails.made.disconnect(self._thumbnail_made)
            self._thumbnails.close()

    # -- start-up ------------------------------------------------------------------------

    def load(self) -> None:
        """Show recent jobs and every unfinished one; resume the unfinished through the
        engine's own resume (staggered, a few at a time), the one the CLI runs too, lost
        creates of earlier sessions looked up in the gateway's request log."""
        store = self.engine.store
        active = self.engine.prepare_resume()
        for job in reversed(store.recent(SHOWN_AT_START)):
            self.model.upsert(job)
            if job.status is JobStatus.READY:
                self._want_thumbnail(job)
        for job in [*store.with_status(JobStatus.UNKNOWN), *active]:
            self.model.upsert(job)
        # Unanswered requests from an earlier session: each explained once, in turn,
        # and looked up in the gateway's request log as within a session (adopted, "not
        # taken", or left unknown).
        for job in store.with_status(JobStatus.UNKNOWN):
            self._explain(job)
        lost = self.engine.lost_creates()
        self._tasks.spawn(self.engine.resume([*active, *lost]), name="resume")

    # -- what buttons call ---------------------------------------------------------------

    def generate(self, request: GenerationRequest) -> None:
        self._tasks.spawn(self.send(request), name=f"generate {request.prompt[:30]}")

    async def send(self, request: GenerationRequest) -> JobRecord:
        """Submit, count what it spent, track it: every way of sending goes through here."""
        job = await self.engine.submit(request)
        self._session[job.local_id] = job
        if job.status is JobStatus.UNKNOWN:  # the answer was lost: the gateway's log may know
            job = await self.engine.resolve_unknown(job.local_id)
        self._count_spent()
        if job.status.active:
            self.track(job.local_id)
        return job

    def track(self, local_id: str) -> None:
        # The engine keeps one tracker per job; this only saves spawning a task for nothing.
        if not self.engine.is_tracking(local_id):
            self._tasks.spawn(self.engine.track(local_id), name=f"track {local_id[:8]}")

    def retry_paused(self) -> None:
        """After the key or a folder changed: jobs that stopped on an error go again."""
        for job in self.engine.store.with_status(*(s for s in JobStatus if s.active)):
            self.track(job.local_id)

    def abandon(self, local_id: str) -> None:
        self.engine.abandon(local_id)

    def discard(self, local_id: str) -> None:
        """An unanswered request forgotten: its row and its banner go."""
        self.engine.forget(local_id)

    def clear(self, local_id: str) -> None:
        """A finished, failed or abandoned row off the list (the library keeps the clip)."""
        self.engine.clear(local_id)

    def clear_finished(self) -> int:
        """Every finished, failed and abandoned row off the list; how many went."""
        done = [job.local_id for job in self.model.jobs() if job.status.terminal]
        for local_id in done:
            self.engine.clear(local_id)
        return len(done)

    def adopt(self, local_id: str, generation_id: str) -> None:
        # adopted now: what it cost counts in this session
        self._session[local_id] = self.engine.store.get(local_id)
        self._tasks.spawn(self.engine.adopt(local_id, generation_id), name="adopt")

    # -- engine events -------------------------------------------------------------------

    def _on_event(self, event: JobEvent) -> None:
        job = event.job
        if job.local_id in self._session:
            self._session[job.local_id] = job
            self._count_spent()
        if event.kind is EventKind.NOTICE:
            self.notice.emit(event.message)
        elif event.kind is EventKind.RETRYING:
            error = user_error(event.error_kind or "network", event.message, event.retry_in)
            self._errors.report(replace(error, local_id=job.local_id))
        elif event.kind is EventKind.ERROR:
            self._report_error(job, user_error(event.error_kind or "internal", event.message))
        elif event.kind is EventKind.CHANGED:
            self._on_changed(job)
        elif event.kind in (EventKind.REMOVED, EventKind.CLEARED):
            self._errors.clear_for(job.local_id)  # discarded or cleared: its banner goes

    def _report_error(self, job: JobRecord, error: UserError) -> None:
        if job.status is JobStatus.UNKNOWN:  # a wrong id: it may still be adopted or discarded
            error = replace(error, action=Action.ADOPT)
        self._errors.report(replace(error, local_id=job.local_id))

    def _on_changed(self, job: JobRecord) -> None:
        self.job_changed.emit(job)
        if job.status is JobStatus.READY:
            self._errors.clear_for(job.local_id)
            self.job_ready.emit(job)
            self._want_thumbnail(job)
        elif job.status is JobStatus.FAILED:
            self._errors.report(failure_error(short(job.prompt), job.failure_reason, job.local_id))
        elif job.status is JobStatus.REFUSED:
            error = user_error(job.error_kind or "internal", job.error_message or "")
            # "not taken" is offered as a one-click resend of this very job
            self._errors.report(replace(error, local_id=job.local_id))
        elif job.status is JobStatus.UNKNOWN:
            self._explain(job)
        elif job.status.active and job.error_kind is None:
            self._errors.clear_for(job.local_id, running=True)
        elif not job.status.active:  # abandoned, not found: nothing left to wait for
            self._errors.clear_for(job.local_id)

    def _explain(self, job: JobRecord) -> None:
        """An unanswered request, explained once with Adopt / Discard. While the banner
        explains another one, this one waits its turn."""
        if job.local_id in self._explained:
            return
        shown = self._errors.current
        if shown is not None and shown.action is Action.ADOPT and shown.local_id != job.local_id:
            if job.local_id not in self._to_explain:
                self._to_explain.append(job.local_id)
            return
        self._explained.add(job.local_id)
        message = f"“{short(job.prompt)}”: {job.error_message or 'the gateway did not answer.'}"
        error = user_error("unknown", message)
        self._errors.report(replace(error, local_id=job.local_id))

    def _explain_next(self) -> None:
        while self._to_explain:
            local_id = self._to_explain.pop(0)
            job = self.model.job(local_id)
            if job is not None and job.status is JobStatus.UNKNOWN:
                self._explain(job)
                return

    def _want_thumbnail(self, job: JobRecord) -> None:
        if self._thumbnails is not None and job.video_path and not job.thumb_path:
            self._thumbnails.request(job.local_id, Path(job.video_path))

    def _thumbnail_made(self, local_id: str, path: str) -> None:
        # Through the engine: its event reaches the job list and the library alike.
        self.engine.set_thumbnail(local_id, path)

    def _count_spent(self) -> None:
        """What the gateway charged for this session's jobs, or the estimate until it
        says; a job it never took (refused, failed, discarded unanswered) costs nothing."""
        spent = budget.spent(j for j in self._session.values() if j.generation_id)
        if spent != self.spent:
            self.spent = spent
            self.spent_changed.emit(spent)
