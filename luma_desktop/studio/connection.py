"""'Test connection' in Settings: one cheap authenticated request, a plain answer.

The dialog asks :class:`ConnectionTest`; the request runs on the studio's TaskGroup
(kept alive, cancelled at exit) and the answer comes back as a signal, so no widget
touches the wire or owns a coroutine.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from luma_desktop.api.errors import ApiError, ErrorKind
from luma_desktop.studio.tasks import TaskGroup

if TYPE_CHECKING:  # the HTTP stack loads after the window's first paint
    import httpx

log = logging.getLogger(__name__)

Probe = Callable[[str, str], Awaitable[str | None]]
CONNECTED_TEXT = "Connected: the key works."
COULD_NOT_RUN = "The test could not run; details are in the log file."
NO_KEY_TEXT = "Enter an API key first."


async def check_connection(http: httpx.AsyncClient, base_url: str, key: str) -> str | None:
    """None when the gateway accepts the key; otherwise what went wrong, in plain words.

    Asks for a generation that cannot exist: "not found" proves the key was accepted
    without creating anything or spending tokens.
    """
    from luma_desktop.api.client import GatewayClient

    try:
        client = GatewayClient(http, base_url, lambda: key)
        await client.get(str(uuid.uuid4()))
    except ApiError as error:
        if error.kind is ErrorKind.NOT_FOUND:
            return None
        return error.message
    return None


class ConnectionTest(QObject):
    """One test at a time; ``finished(ok, message)`` says how it went."""

    finished = Signal(bool, str)

    def __init__(self, probe: Probe, tasks: TaskGroup, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._probe = probe
        self._tasks = tasks
        self._task: asyncio.Task[None] | None = None

    @staticmethod
    def url_problem(base_url: str) -> str | None:
        """What is wrong with a gateway address, before anything is sent."""
        from luma_desktop.api.http import check_base_url

        try:
            check_base_url(base_url)
        except ApiError as exc:
            return exc.message
        return None

    @property
    def running(self) -> bool:
        return self._task is not None

    def start(self, base_url: str, key: str) -> bool:
        """False (and nothing sent) while a test runs or the address is unusable."""
        if self._task is not None or self.url_problem(base_url) is not None:
            return False
        self._task = self._tasks.spawn(self._run(base_url, key), name="connection test")
        return True

    def cancel(self) -> None:
        """Nobody will read the answer (the dialog closed)."""
        if self._task is not None:
            self._task.cancel()
            self._task = None

    async def _run(self, base_url: str, key: str) -> None:
        try:
            message = await self._probe(base_url, key)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("connection test failed")
            self._finish(False, COULD_NOT_RUN)
            return
        self._finish(message is None, CONNECTED_TEXT if message is None else message)

    def _finish(self, ok: bool, message: str) -> None:
        self._task = None
        self.finished.emit(ok, message)
