"""SimServer: a faithful local stand-in for the AI/ML API gateway's three Luma routes.

It runs aiohttp on its own thread with its own event loop and listens on two loopback
ports: the gateway origin (``base_url``) and a CDN-like video origin
(``video_base_url``), so a client that leaks its API key to video links is caught
(``video_requests_with_auth``).

Gateway routes (JSON; errors are ``{"statusCode": N, "message": "..."}``; the Bearer
key is checked first on every route, 401 otherwise):

- ``POST /v2/generate/video/luma-ai/generation``: validated like the contract (400
  malformed JSON / unknown or unfinished keyframe generation / refused data URI, 422
  types, enums and unknown properties); 201 with the generation object. A job is
  ``queued`` for ``queued_seconds``, ``dreaming`` for ``dreaming_seconds``, then
  ``completed`` (``failed`` if the prompt contains ``fail_word``).
- ``GET .../generation?generation_id=&state=`` (``status`` accepted too): long poll.
  Holds until the job's priority (queued < dreaming < completed < failed) reaches the
  wanted state's, or ``hold_seconds`` pass; no wanted state answers at once; ``failed``
  is refused (400); unknown values 422; unknown ids 404.
- ``GET .../generations?generation_ids=...``: ``generation_ids``, ``generation_ids[]``
  (repeated) or one comma-separated string. Choice: this route NEVER holds; it answers
  at once with the current states whatever ``status`` asks. Unknown ids are omitted;
  no ids at all is a 422. A bare list, or ``{"generations": [...]}`` with
  ``faults.wrap_many``.

The unified route (``/v2/video/generations``), ``/v1/billing/balance`` and
``/v2/logs`` are described in :mod:`luma_desktop.sim.unified`; the switches that
belong to them are ``config.unified_route`` / ``faults.unified_route_status`` (the
route answers 404/405: an older gateway), ``faults.fail_creates`` (500, logged as
failed: not taken) and ``config.log_delay_seconds`` (rows appear late).

Video origin: ``GET``/``HEAD /videos/<token>/<id>.mp4`` with ``Range`` (206, 416),
``403 {"message": "link expired"}`` for unknown/expired tokens. A completed job's link
is reused while valid; once expired (``expire_links()``, ``link_ttl_seconds``, or a
fault) the next fetch of the generation issues a fresh one.

Fault modes (``Faults``; all off by default, counters decrement as they fire):

- ``server_errors`` (+ ``server_error_status``): next N gateway requests, any route,
  answer 503 ``{"message": "upstream unavailable"}`` (after the auth check).
- ``rate_limits`` (+ ``retry_after``): next N gateway requests answer 429 with an
  integer ``Retry-After``.
- ``drop_polls``: next N GET-one requests are closed without an answer.
- ``drop_creates_after_accept``: next N creates are accepted (job created, hooks fired)
  and then closed without an answer (the lost answer).
- ``hold_create``: accepted creates are answered only after ``release_create()``.
- ``malformed_json``: next N answers of either GET route are 200 with truncated JSON
  (creates are never garbled, so no create is lost by it).
- ``ignore_wanted_state``: GET-one answers at once whatever is asked.
- ``spelling`` (luma, unified, flat, wrapped, weird_state) and ``wrap_many``.
- ``reject_data_urls``: data: keyframe URLs answer 400.
- ``expire_next_links``: the next N video links issued are born expired (403).
  ``expire_links_after_complete``: the FIRST link issued for each generation is born
  expired; the next fetch of that generation issues a fresh valid one.
  (Plus ``SimServer.expire_links()``: every link issued so far answers 403.)
- ``drop_download_after`` / ``pause_download_after``: the next video download drops
  the connection / pauses (hook ``download_paused``, until ``release_download()``)
  after that many body bytes; one-shot.
- ``drip_bytes_per_second``: video bodies are sent slowly; ``drip_polls_seconds``: GET
  answers send their headers, then their body after that delay.
- ``big_payload_bytes``: serve a payload of that size (the clip's first 4 KiB, then
  deterministic filler generated block by block); Range works on it.

With ``SimConfig.state_file`` the jobs are kept in a small JSON file (``journal``) and
read back at start, so demo work survives a restart; unfinished jobs go on dreaming.

Hooks ``fn(event, generation_id)`` run on the sim thread for: created, queued,
dreaming, completed, failed, download_paused.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import logging
import socket
import threading
from collections import Counter
from collections.abc import Callable
from types import TracebackType
from typing import Any, TypeVar

from aiohttp import web

from luma_desktop.sim.config import SimConfig
from luma_desktop.sim.faults import Faults
from luma_desktop.sim.gateway import gateway_app
from luma_desktop.sim.ledger import Ledger
from luma_desktop.sim.render import luma_object
from luma_desktop.sim.sockets import listen, url
from luma_desktop.sim.state import Hook, SimCore
from luma_desktop.sim.unified import add_routes as add_unified_routes
from luma_desktop.sim.video import video_app

T = TypeVar("T")
log = logging.getLogger(__name__)

_START_TIMEOUT = 10.0
_SHUTDOWN_TIMEOUT = 1.0


class SimServer:
    """The simulated gateway and CDN on a private thread; see the module docstring."""

    def __init__(self, config: SimConfig | None = None) -> None:
        self.config = config or SimConfig()
        self._core = SimCore(self.config, Faults())
        self.base_url = ""
        self.video_base_url = ""
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runners: list[web.AppRunner] = []
        self._stopped = asyncio.Event()
        self._ready = threading.Event()
        self._error: BaseException | None = None

    # records -------------------------------------------------------------------------
    @property
    def faults(self) -> Faults:
        return self._core.faults

    @faults.setter
    def faults(self, value: Faults) -> None:
        self._core.faults = value

    @property
    def counts(self) -> Counter[str]:
        return self._core.counts

    @property
    def received_bodies(self) -> list[Any]:
        return self._core.received_bodies

    @property
    def ledger(self) -> Ledger:
        return self._core.ledger

    @property
    def video_requests_with_auth(self) -> int:
        return self._core.video_requests_with_auth

    @property
    def video_request_headers(self) -> list[dict[str, str]]:
        return self._core.video_request_headers

    # lifecycle -----------------------------------------------------------------------
    def start(self, sockets: tuple[socket.socket, socket.socket] | None = None) -> SimServer:
        """Serve on its own thread; ``sockets``: the gateway's and the video origin's,
        already listening (demo mode binds them before it loads the server)."""
        if self._thread is not None:
            if self._thread.is_alive():
                return self
            raise RuntimeError("a stopped SimServer cannot be started again; make a new one")
        gateway_sock, video_sock = sockets or (
            listen(self.config.host, self.config.port),
            listen(self.config.host, self.config.video_port),
        )
        self.base_url = url(self.config.host, gateway_sock)
        self.video_base_url = url(self.config.host, video_sock)
        self._core.video_base_url = self.video_base_url
        self._thread = threading.Thread(
            target=self._run, args=(gateway_sock, video_sock), name="luma-sim", daemon=True
        )
        self._thread.start()
        if not self._ready.wait(_START_TIMEOUT) or self._error is not None:
            self.stop()
            raise RuntimeError("the Luma simulator did not start") from self._error
        return self

    def _run(self, gateway_sock: socket.socket, video_sock: socket.socket) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        try:
            loop.run_until_complete(self._serve(gateway_sock, video_sock))
        except Exception as exc:  # reported to start()
            log.exception("the Luma simulator failed")
            self._error = exc
            self._ready.set()
        finally:
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

    async def _serve(self, gateway_sock: socket.socket, video_sock: socket.socket) -> None:
        self._stopped = asyncio.Event()
        try:
            self._core.restore()
            gateway = gateway_app(self._core)
            add_unified_routes(gateway)
            for app, sock in (
                (gateway, gateway_sock),
                (video_app(self._core), video_sock),
            ):
                runner = web.AppRunner(app, access_log=None, shutdown_timeout=_SHUTDOWN_TIMEOUT)
                await runner.setup()
                self._runners.append(runner)
                await web.SockSite(runner, sock).start()
            self._ready.set()
            await self._stopped.wait()
        finally:
            self._core.wake_all()
            for runner in reversed(self._runners):
                await runner.cleanup()
            gateway_sock.close()
            video_sock.close()

    def stop(self) -> None:
        """Close both origins and join the thread; safe to call more than once."""
        thread, loop = self._thread, self._loop
        if thread is None:
            return
        if loop is not None and not loop.is_closed() and thread.is_alive():
            with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
                loop.call_soon_threadsafe(self._shutdown)
        if threading.current_thread() is not thread:
            thread.join(_START_TIMEOUT + 5)

    def _shutdown(self) -> None:
        self._core.wake_all()
        self._stopped.set()

    def __enter__(self) -> SimServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # control from the test thread ------------------------------------------------------
    def _call(self, fn: Callable[[], T]) -> T:
        """Run ``fn`` on the sim loop and return its result (directly when already there)."""
        loop, thread = self._loop, self._thread
        if loop is None or thread is None or not thread.is_alive():
            raise RuntimeError("the Luma simulator is not running")
        if threading.current_thread() is thread:
            return fn()
        done: concurrent.futures.Future[T] = concurrent.futures.Future()

        def run() -> None:
            try:
                done.set_result(fn())
            except BaseException as exc:  # noqa: BLE001 - handed to the calling thread
                done.set_exception(exc)

        loop.call_soon_threadsafe(run)
        return done.result(_START_TIMEOUT)

    def generation(self, gen_id: str) -> dict[str, Any]:
        """The current generation object (luma spelling); KeyError when unknown."""

        def build() -> dict[str, Any]:
            job = self._core.jobs[gen_id]
            return luma_object(job, self._core.video_url(job, issue=False))

        return self._call(build)

    def add_hook(self, fn: Hook) -> None:
        self._core.add_hook(fn)

    def release_download(self) -> None:
        self._call(self._core.release_download)

    def release_create(self) -> None:
        self._call(self._core.release_create)

    def complete_now(self, gen_id: str) -> None:
        self._call(lambda: self._core.complete_now(gen_id))

    def expire_links(self) -> None:
        self._call(self._core.expire_links)
