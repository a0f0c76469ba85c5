"""The life of a job, written once: write-ahead, create, long-poll, download, resume.

Faces (CLI, studio) call :meth:`JobEngine.generate` / :meth:`JobEngine.track` /
:meth:`JobEngine.resume_all` and listen to :class:`JobEvent`. The engine is the one
writer of jobs: every change (state, thumbnail, deletion, adoption) goes through one
of its methods, which writes the store and emits one event. Expected outcomes
(refused, failed, out of credits) come back as the final :class:`JobRecord` with its
error fields set; only programming errors raise.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from luma_desktop.api.account import LOG_PERIOD_SECONDS, Account, Balance
from luma_desktop.api.errors import ApiError, ErrorKind
from luma_desktop.api.http_soon import HttpSoon
from luma_desktop.api.models import Generation
from luma_desktop.core import decisions, lookup, submission
from luma_desktop.core.answers import answer_changes, changed, job_error_kind
from luma_desktop.core.catalogue import Route, RouteChoice
from luma_desktop.core.downloads import DownloadStep
from luma_desktop.core.events import JobEvent, Listener
from luma_desktop.core.jobs import JobRecord, JobStatus
from luma_desktop.core.limits import DEFAULT_LIMITS, Limits
from luma_desktop.core.naming import remove_clip_files
from luma_desktop.core.policy import Pacer, PollPolicy
from luma_desktop.core.polling import JobPoller
from luma_desktop.core.request import GenerationRequest
from luma_desktop.core.route_memory import RouteMemory, memory_path
from luma_desktop.core.routing import RouteBook, RouteClient, job_route
from luma_desktop.core.store import JobStore, StoreConflict

if TYPE_CHECKING:  # the HTTP stack loads when the first gateway client is made
    import httpx

    from luma_desktop.api.client import GatewayClient, KeySource

log = logging.getLogger(__name__)

# Errors the artist must fix; tracking pauses (the job stays active and resumes later).
_BLOCKING = frozenset({ErrorKind.AUTH, ErrorKind.FORBIDDEN, ErrorKind.LOCAL_FILE})


class JobEngine:
    def __init__(
        self,
        store: JobStore,
        http: httpx.AsyncClient | HttpSoon,
        api_key: KeySource,
        library: Path,
        *,
        base_url: str,
        policy: PollPolicy | None = None,
        limits: Limits = DEFAULT_LIMITS,
        route_choice: RouteChoice | str = RouteChoice.AUTO,
    ) -> None:
        self.store = store
        self._limits = limits
        self.library = library
        self.base_url = base_url
        self.policy = policy or PollPolicy()
        self._http = http
        self._api_key = api_key
        self._clients: dict[str, GatewayClient] = {}
        self._aliases: dict[str, str] = {}
        self._route_clients: dict[tuple[str, Route], RouteClient] = {}
        self._accounts: dict[str, Account] = {}
        # What Automatic learnt of each gateway, kept beside the store across restarts.
        self.routes = RouteBook(
            route_choice, RouteMemory(memory_path(store.path), wall=self.policy.wall)
        )
        self._listeners: list[Listener] = []
        self._poller = JobPoller(self)  # asks and waits; what it learns comes back here
        self._tracking: set[str] = set()  # local ids with a tracker running (one each)

    # -- listening ---------------------------------------------------------------------

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def emit(self, event: JobEvent) -> None:
        for listener in list(self._listeners):
            listener(event)

    @property
    def limits(self) -> Limits:
        return self._limits

    @limits.setter
    def limits(self, limits: Limits) -> None:
        """New limits (the artist changed the maximum clip size) apply to every gateway."""
        self._limits = limits
        for client in self._clients.values():
            client.limits = limits

    def alias(self, name: str, base_url: str) -> None:
        """Jobs recorded against ``name`` go to ``base_url`` in this session.

        Demo jobs are recorded against "the demo gateway", not the port this session's
        simulator happens to listen on, so a demo job sent before a restart is still
        followed after it.
        """
        self._aliases[name] = base_url
        self._clients.pop(name, None)
        self._accounts.pop(name, None)
        for route in Route:
            self._route_clients.pop((name, route), None)

    def client(self, base_url: str) -> GatewayClient:
        """A job is only ever polled at the base URL it was sent to."""
        if base_url not in self._clients:
            # The client first: ``get`` waits for a worker still loading the HTTP stack,
            # so this thread never imports the same modules alongside it.
            http = self._http.get() if isinstance(self._http, HttpSoon) else self._http
            from luma_desktop.api.client import GatewayClient

            real = self._aliases.get(base_url, base_url)
            self._clients[base_url] = GatewayClient(http, real, self._api_key, self._limits)
        return self._clients[base_url]

    def _recorded_url(self, client: GatewayClient) -> str:
        return self.base_url if self.base_url in self._aliases else client.base_url

    def route_client(self, base_url: str, route: Route) -> RouteClient:
        key = (base_url, route)
        if key not in self._route_clients:
            self._route_clients[key] = RouteClient(self.client(base_url), route)
        return self._route_clients[key]

    async def balance(self) -> Balance:
        """The balance of the account at the gateway new jobs go to."""
        return await self.account(self.base_url).balance()

    def account(self, base_url: str) -> Account:
        """The balance and request log of a gateway (one rate window per gateway)."""
        if base_url not in self._accounts:
            self._accounts[base_url] = Account(self.client(base_url))
        return self._accounts[base_url]

    # -- the whole life ----------------------------------------------------------------

    async def generate(self, request: GenerationRequest) -> JobRecord:
        job = await self.submit(request)
        if job.status is JobStatus.UNKNOWN:
            job = await self.resolve_unknown(job.local_id)
        return await self.track(job.local_id) if job.status.active else job

    async def submit(self, request: GenerationRequest) -> JobRecord:
        """Write the job, then POST it (see :mod:`luma_desktop.core.submission`)."""
        return await submission.submit(self, request)

    async def resolve_unknown(self, local_id: str) -> JobRecord:
        """An ``unknown`` job looked up in the gateway's request log (:mod:`.lookup`)."""
        return await lookup.resolve_unknown(self, local_id)

    def is_tracking(self, local_id: str) -> bool:
        return local_id in self._tracking

    async def track(self, local_id: str) -> JobRecord:
        """Poll and download until the job ends or needs the artist.

        One tracker per job: a second call while one runs returns the current record
        at once (a double click, a resume racing a retry never poll a job twice)."""
        if local_id in self._tracking:
            return self.store.get(local_id)
        self._tracking.add(local_id)
        try:
            return await self._track(local_id)
        finally:
            self._tracking.discard(local_id)

    async def _track(self, local_id: str) -> JobRecord:
        job = self.store.get(local_id)
        pacer = Pacer(self.policy)
        schedule = self._poller.schedule(job)
        attempt = 0
        while job.status.active:
            try:
                if job.status is JobStatus.DOWNLOADING:
                    client = self.route_client(job.base_url, job_route(job.route))
                    job = await DownloadStep(self, client, self.policy, job).run()
                elif job_route(job.route) is Route.UNIFIED:
                    job = await self._poller.poll_unified(job, schedule)
                else:
                    job = await self._poller.poll_once(job, pacer)
                    if job.status is JobStatus.STALE and self.policy.stop_when_stale:
                        return job
                if attempt and job.status.active:  # the retry went through: none pending
                    self.emit(JobEvent.changed(job))
                attempt = 0
            except ApiError as error:
                if self.store.get(local_id).status.terminal:  # abandoned meanwhile
                    return self.store.get(local_id)
                if error.kind in _BLOCKING:
                    return self._blocked(job, error)
                if error.kind is ErrorKind.UNUSABLE:  # final: the same bytes every time
                    return self.end(job, JobStatus.FAILED, error)
                if error.kind is ErrorKind.NOT_FOUND:
                    return self.end(job, JobStatus.NOT_FOUND, error)
                if error.kind is ErrorKind.VALIDATION or self._out_of_retries(attempt):
                    return self._blocked(job, error)
                await self.pause(job, error, attempt)
                attempt += 1
                job = self.store.get(local_id)
        return job

    def prepare_resume(self) -> list[JobRecord]:
        """At start-up: lost create answers become ``unknown``; ready clips whose file is
        gone or partial go back to downloading. Returns every job to resume."""
        for job in self.store.mark_interrupted_submissions():
            self.emit(JobEvent.changed(job))
        for local_id in self.store.ready_with_missing_files():
            job = self.store.update(local_id, status=JobStatus.DOWNLOADING)
            log.info("job %s: the clip is missing; downloading it again", local_id)
            self.emit(JobEvent.changed(job))
        return self.store.with_status(*(s for s in JobStatus if s.active))

    def lost_creates(self) -> list[JobRecord]:
        """``unknown`` jobs (a create whose answer was lost, in this session or an
        earlier one) recent enough for the gateway's request log to know them."""
        since = self.policy.wall() - LOG_PERIOD_SECONDS
        return [j for j in self.store.with_status(JobStatus.UNKNOWN) if j.created_at >= since]

    async def resume_all(self) -> list[JobRecord]:
        """Every unfinished job, staggered, a few at a time; lost creates looked up."""
        active = self.prepare_resume()
        return await self.resume([*active, *self.lost_creates()])

    async def resume(self, jobs: list[JobRecord]) -> list[JobRecord]:
        """Track ``jobs`` (from :meth:`prepare_resume`), staggered, a few at a time: the
        one resume of both faces (the CLI awaits it, the studio runs it as a task).
        An ``unknown`` one (from :meth:`lost_creates`) is looked up in the gateway's
        request log first, as within a session: adopted with no second create, or
        "not taken", or left unknown."""
        gate = asyncio.Semaphore(self.policy.max_resumes_at_once)

        async def resume(index: int, job: JobRecord) -> JobRecord:
            await self.policy.sleep(index * self.policy.resume_stagger)
            async with gate:
                if job.status is JobStatus.UNKNOWN:
                    return await self.resolve_unknown(job.local_id)
                return await self.track(job.local_id)

        return list(await asyncio.gather(*(resume(i, j) for i, j in enumerate(jobs))))

    # -- decisions the artist makes ------------------------------------------------------

    def abandon(self, local_id: str) -> JobRecord:
        """Stop tracking for good. The gateway has no cancel: the credits are spent."""
        job = self.store.update(local_id, status=JobStatus.ABANDONED)
        self.emit(JobEvent.changed(job))
        return job

    def forget(self, local_id: str) -> None:
        """Discard an ``unknown`` job: its row goes (see :mod:`.decisions`)."""
        decisions.forget(self, local_id)

    def clear(self, local_id: str) -> JobRecord:
        """Off the Jobs list, kept in the library (see :mod:`.decisions`)."""
        return decisions.clear(self, local_id)

    def set_thumbnail(self, local_id: str, path: str) -> JobRecord:
        job = self.store.update(local_id, thumb_path=path)
        self.emit(JobEvent.thumbnail(job))
        return job

    def delete(self, local_id: str) -> str | None:
        """Remove a finished clip: its files first, then its row. What went wrong, in
        words, when its video cannot be deleted (the row then stays)."""
        job = self.store.get(local_id)
        if not job.status.terminal:
            raise ValueError(f"job {local_id} is {job.status.value}: only finished jobs go")
        problem = remove_clip_files(job.video_path, job.thumb_path)
        if problem is None:
            self.store.delete(local_id)
            self.emit(JobEvent.removed(job))
        return problem

    async def adopt(self, local_id: str, generation_id: str) -> JobRecord:
        """An ``unknown`` job claimed by an id from the gateway's dashboard (:mod:`.decisions`)."""
        job = await decisions.adopt(self, local_id, generation_id)
        return await self.track(job.local_id) if job.status.active else job

    # -- what the download step changes (see ``downloads.DownloadLedger``) ---------------

    def drop_link(self, job: JobRecord) -> JobRecord:
        """The video link expired: forget it (no event, nothing the artist sees)."""
        return self.store.update(job.local_id, video_url=None)

    def moved(self, job: JobRecord, path: Path) -> JobRecord:
        """The clip now lives at ``path`` (saved under its real extension)."""
        return self.store.update(job.local_id, video_path=str(path))

    def mark_downloaded(self, job: JobRecord) -> JobRecord:
        job = self.store.update(job.local_id, status=JobStatus.READY)
        self.emit(JobEvent.changed(job))
        return job

    def report_progress(self, job: JobRecord, done: int, total: int | None) -> None:
        self.emit(JobEvent.progress(job, done, total))

    # -- what a poll changes (see :mod:`.polling`, :mod:`.answers`) ----------------------

    def mark_stale(self, job: JobRecord, message: str) -> JobRecord:
        """Past its deadline: polled rarely from now on, and the artist is told why."""
        job = self.store.update(job.local_id, status=JobStatus.STALE, error_message=message)
        self.emit(JobEvent.changed(job))
        self.emit(JobEvent.notice(job, message))
        return job

    def record(self, job: JobRecord, generation: Generation) -> JobRecord:
        """Store what the gateway said; emit only when something changed."""
        if self.store.get(job.local_id).status is JobStatus.ABANDONED:
            return self.store.get(job.local_id)  # an answer that came after "Stop tracking"
        changes = answer_changes(job, generation, self.library, self.policy.wall)
        before = job
        try:
            job = self.store.update(job.local_id, **changes)
        except StoreConflict as exc:
            raise ApiError(ErrorKind.SERVER, str(exc)) from None
        if changed(before, job):
            self.emit(JobEvent.changed(job))
        return job

    def end(
        self, job: JobRecord, status: JobStatus, error: ApiError | None, message: str = ""
    ) -> JobRecord:
        job = self.store.update(
            job.local_id,
            status=status,
            error_kind=job_error_kind(error) if error else None,
            error_message=(message or error.message) if error else None,
        )
        self.emit(JobEvent.changed(job))
        return job

    def _blocked(self, job: JobRecord, error: ApiError) -> JobRecord:
        job = self.store.update(
            job.local_id, error_kind=job_error_kind(error), error_message=error.message
        )
        self.emit(JobEvent.error(job, job_error_kind(error), error.message))
        return job

    async def pause(self, job: JobRecord, error: ApiError, attempt: int) -> None:
        delay = self.policy.backoff(attempt, error.retry_after)
        log.info("job %s: %s; retrying in %.1f s", job.local_id, error.kind.value, delay)
        self.emit(JobEvent.retrying(job, job_error_kind(error), error.message, delay))
        await self.policy.sleep(delay)

    def _out_of_retries(self, attempt: int) -> bool:
        limit = self.policy.max_transient_retries
        return limit is not None and attempt >= limit
