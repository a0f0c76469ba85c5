"""Jobs, their time-driven state machine, video links and hooks.

Everything here is owned by the simulator's event loop: call it from the sim thread
only (``SimServer`` marshals calls from other threads with ``call_soon_threadsafe``).
Transitions run from ``loop.call_later`` timers, so hooks fire and long polls wake at
the exact moment a job changes state.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from luma_desktop.sim import journal
from luma_desktop.sim.config import FAILURE_REASON, SimConfig
from luma_desktop.sim.faults import Faults
from luma_desktop.sim.ledger import Ledger

log = logging.getLogger(__name__)

QUEUED = "queued"
DREAMING = "dreaming"
COMPLETED = "completed"
FAILED = "failed"
PRIORITY = {QUEUED: 0, DREAMING: 1, COMPLETED: 2, FAILED: 3}

Hook = Callable[[str, str], None]


@dataclass
class Link:
    """One issued video link (a random token in the CDN path)."""

    token: str
    gen_id: str
    issued_at: float
    expired: bool = False


@dataclass
class Job:
    """One generation and its timers."""

    id: str
    created_at: str
    request: dict[str, Any]
    state: str = QUEUED
    failure_reason: str | None = None
    changed: asyncio.Event = field(default_factory=asyncio.Event)
    timer: asyncio.TimerHandle | None = None
    link: Link | None = None
    links_issued: int = 0
    route: str = "luma"  # or "unified": which route created it (ids and spelling differ)
    client_request_id: str | None = None

    @property
    def uuid(self) -> str:
        """The uuid part of the id (unified ids are ``<uuid>:luma/ray-2``)."""
        return self.id.split(":", 1)[0]

    @property
    def model(self) -> str:
        model = self.request.get("model")
        return model if isinstance(model, str) else "ray-2"

    @property
    def extension(self) -> str:
        return "mp4"

    @property
    def aspect_ratio(self) -> str:
        ratio = self.request.get("aspect_ratio")
        return ratio if isinstance(ratio, str) else "16:9"


def _now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class SimCore:
    """The simulator's shared state: jobs, links, records, faults and hooks."""

    def __init__(self, config: SimConfig, faults: Faults) -> None:
        self.config = config
        self.faults = faults
        self.counts: Counter[str] = Counter()
        self.received_bodies: list[Any] = []
        self.video_requests_with_auth = 0
        self.video_request_headers: list[dict[str, str]] = []
        self.jobs: dict[str, Job] = {}
        self.by_uuid: dict[str, Job] = {}
        self.ledger = Ledger(config)  # keyframes name a generation by its uuid part
        self.links: dict[str, Link] = {}
        self.video_base_url = ""
        self.stopping = False
        self._hooks: list[Hook] = []
        self._hooks_lock = threading.Lock()
        self._create_release = asyncio.Event()
        self._download_release = asyncio.Event()

    # hooks -------------------------------------------------------------------------
    def add_hook(self, fn: Hook) -> None:
        with self._hooks_lock:
            self._hooks.append(fn)

    def emit(self, event: str, gen_id: str) -> None:
        with self._hooks_lock:
            hooks = list(self._hooks)
        for fn in hooks:
            try:
                fn(event, gen_id)
            except Exception:
                log.exception("sim hook failed on %s %s", event, gen_id)

    # state machine -----------------------------------------------------------------
    def create_job(
        self, request: dict[str, Any], route: str = "luma", client_request_id: str | None = None
    ) -> Job:
        key = str(uuid.uuid4())
        gen_id = f"{key}:{request.get('model')}" if route == "unified" else key
        job = Job(
            id=gen_id,
            created_at=_now_iso(),
            request=request,
            route=route,
            client_request_id=client_request_id,
        )
        self.jobs[job.id] = job
        self.by_uuid[key] = job
        self._save()
        self.emit("created", job.id)
        self.emit(QUEUED, job.id)
        loop = asyncio.get_running_loop()
        job.timer = loop.call_later(self.config.queued_seconds, self._to_dreaming, job)
        return job

    # the job file --------------------------------------------------------------------
    def _save(self) -> None:
        if self.config.state_file:
            kept = [
                {"id": j.id, "created_at": j.created_at, "request": j.request, "state": j.state}
                | {"route": j.route, "client_request_id": j.client_request_id}
                | ({"failure_reason": j.failure_reason} if j.failure_reason else {})
                for j in self.jobs.values()
            ]
            journal.save(Path(self.config.state_file), kept)

    def restore(self) -> None:
        """Read the job file back; unfinished jobs go on from the state they were in."""
        if not self.config.state_file:
            return
        loop = asyncio.get_running_loop()
        for saved in journal.load(Path(self.config.state_file)):
            state = saved["state"] if saved["state"] in PRIORITY else QUEUED
            job = Job(saved["id"], saved["created_at"], saved["request"], state)
            job.failure_reason = saved.get("failure_reason")
            job.route = "unified" if saved.get("route") == "unified" else "luma"
            crid = saved.get("client_request_id")
            job.client_request_id = crid if isinstance(crid, str) else None
            self.jobs[job.id] = job
            self.by_uuid[job.uuid] = job
            if state == QUEUED:
                job.timer = loop.call_later(self.config.queued_seconds, self._to_dreaming, job)
            elif state == DREAMING:
                job.timer = loop.call_later(self.config.dreaming_seconds, self._finish, job)

    def _set_state(self, job: Job, state: str, reason: str | None = None) -> None:
        job.state = state
        job.failure_reason = reason
        job.changed.set()
        job.changed = asyncio.Event()
        self._save()
        self.emit(state, job.id)

    def _to_dreaming(self, job: Job) -> None:
        self._set_state(job, DREAMING)
        loop = asyncio.get_running_loop()
        job.timer = loop.call_later(self.config.dreaming_seconds, self._finish, job)

    def _finish(self, job: Job) -> None:
        job.timer = None
        prompt = job.request.get("prompt")
        if isinstance(prompt, str) and self.config.fail_word and self.config.fail_word in prompt:
            self._set_state(job, FAILED, FAILURE_REASON)
        else:
            self._set_state(job, COMPLETED)

    def complete_now(self, gen_id: str) -> None:
        job = self.jobs[gen_id]
        if job.timer is not None:
            job.timer.cancel()
            job.timer = None
        if job.state != COMPLETED:
            self._set_state(job, COMPLETED)

    def state_of(self, gen_id: str) -> str | None:
        job = self.jobs.get(gen_id) or self.by_uuid.get(gen_id)
        return None if job is None else job.state

    async def wait_for(self, job: Job, wanted: str, hold: float) -> None:
        """Hold until the job's priority reaches ``wanted``'s, or ``hold`` seconds pass."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + hold
        while PRIORITY[job.state] < PRIORITY[wanted] and not self.stopping:
            remaining = deadline - loop.time()
            if remaining <= 0:
                return
            try:
                await asyncio.wait_for(job.changed.wait(), remaining)
            except TimeoutError:
                return

    # links -------------------------------------------------------------------------
    def _link_ok(self, link: Link) -> bool:
        if link.expired:
            return False
        ttl = self.config.link_ttl_seconds
        return ttl is None or time.monotonic() - link.issued_at < ttl

    def video_url(self, job: Job, issue: bool = True) -> str | None:
        """The job's video URL: the current link while valid, else a freshly issued one.

        With ``issue=False`` nothing new is issued unless the job never had a link (and
        then no fault applies to it): this is for test assertions.
        """
        if job.state != COMPLETED:
            return None
        link = job.link
        if link is None or (issue and not self._link_ok(link)):
            born_expired = issue and (
                self.faults.take("expire_next_links")
                or (job.links_issued == 0 and self.faults.flag("expire_links_after_complete"))
            )
            link = Link(secrets.token_urlsafe(12), job.id, time.monotonic(), born_expired)
            self.links[link.token] = link
            job.link = link
            job.links_issued += 1
        return f"{self.video_base_url}/videos/{link.token}/{job.uuid}.{job.extension}"

    def link_job(self, token: str, gen_id: str) -> Job | None:
        """The job a valid link points at, or None (expired, unknown, mismatched)."""
        link = self.links.get(token)
        if link is None or link.gen_id.split(":", 1)[0] != gen_id or not self._link_ok(link):
            return None
        return self.jobs.get(link.gen_id)

    def expire_links(self) -> None:
        for link in self.links.values():
            link.expired = True

    # held answers ------------------------------------------------------------------
    async def wait_create_release(self) -> None:
        if not self.stopping:
            await self._create_release.wait()

    def release_create(self) -> None:
        self._create_release.set()
        self._create_release = asyncio.Event()

    async def wait_download_release(self) -> None:
        if not self.stopping:
            await self._download_release.wait()

    def release_download(self) -> None:
        self._download_release.set()
        self._download_release = asyncio.Event()

    def wake_all(self) -> None:
        """Release every held request (used by stop())."""
        self.stopping = True
        self._create_release.set()
        self._download_release.set()
        for job in self.jobs.values():
            if job.timer is not None:
                job.timer.cancel()
                job.timer = None
            job.changed.set()
