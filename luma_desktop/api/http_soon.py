"""The app's one ``httpx.AsyncClient``, made off the start-up path.

Loading the HTTP stack (httpx, httpcore, h11, truststore: ~60 ms of imports) used to
come before the window could show, although nothing is sent before it has painted.
The studio holds this instead of the client: ``start_soon`` loads the stack and makes
the client (:func:`luma_desktop.api.http.make_http_client`: TLS verified through the
OS trust store) on a worker thread, called by the app after the window's first paint;
``get`` returns it, waiting for a start under way, or making it here and now if
nobody started it yet. Either way there is one client, made once.

This module itself loads no part of the HTTP stack.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import httpx


class HttpSoon:
    def __init__(self, proxy: str | None = None) -> None:
        self._proxy = proxy
        self._client: httpx.AsyncClient | None = None
        self._error: BaseException | None = None
        self._lock = threading.Lock()  # one maker at a time: the client is made once
        self._starter: threading.Thread | None = None

    @property
    def made(self) -> bool:
        return self._client is not None

    def start_soon(self) -> None:
        """Load the stack and make the client on a worker thread (the caller goes on)."""
        with self._lock:
            if self._starter is None and self._client is None:
                self._starter = threading.Thread(target=self._make, name="luma-http-start")
                self._starter.start()

    def get(self) -> httpx.AsyncClient:
        """The client: the worker's (waited for), or made now on this thread."""
        with self._lock:
            starter = self._starter
        if starter is not None:
            starter.join()
        self._make()
        if self._client is None:  # the worker's attempt failed: say why, here
            raise RuntimeError("the HTTP client could not be made") from self._error
        return self._client

    async def aclose(self) -> None:
        """Close the client if it was made (after a start under way has finished)."""
        with self._lock:
            starter = self._starter
        if starter is not None:
            starter.join()
        if self._client is not None:
            await self._client.aclose()

    def _make(self) -> None:
        with self._lock:
            if self._client is not None:
                return
            try:
                # The heavy part; the gateway's modules too, so the window's thread finds
                # them loaded (a thread that asks waits in ``get`` rather than importing
                # the same modules alongside this one).
                from luma_desktop.api import client, unified  # noqa: F401
                from luma_desktop.api.http import make_http_client

                self._client = make_http_client(proxy=self._proxy)
                self._error = None
            except Exception as exc:  # noqa: BLE001 - raised by ``get`` on the caller's thread
                self._error = exc
