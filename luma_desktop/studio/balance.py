"""The account's balance for the window: fetched at start and after a clip finishes,
at most once a minute (the figure moves slowly; the gateway has better things to do)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from luma_desktop.api.errors import ApiError
from luma_desktop.core.engine import JobEngine
from luma_desktop.studio.tasks import TaskGroup

log = logging.getLogger(__name__)

MIN_INTERVAL = 60.0


class BalanceModel(QObject):
    changed = Signal(str, bool)  # what to show, whether the gateway says it is low

    def __init__(
        self,
        engine: JobEngine,
        tasks: TaskGroup,
        clock: Callable[[], float] = time.monotonic,
        min_interval: float = MIN_INTERVAL,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._engine = engine
        self._tasks = tasks
        self._clock = clock
        self._min_interval = min_interval
        self._last: float | None = None
        self.text = ""
        self.low = False

    def refresh(self, *, force: bool = False) -> asyncio.Task[None] | None:
        """Ask the gateway again unless it was asked less than a minute ago."""
        now = self._clock()
        if not force and self._last is not None and now - self._last < self._min_interval:
            return None
        self._last = now
        return self._tasks.spawn(self._fetch(), name="balance")

    async def _fetch(self) -> None:
        try:
            balance = await self._engine.balance()
        except ApiError as error:  # not every gateway has the route; never an error box
            log.info("balance unavailable: %s", error.kind.value)
            self._show("", False)
            return
        text = f"Balance {balance.credits:,.0f} credits"
        if balance.low:
            text += " — low"
        self._show(text, balance.low)

    def _show(self, text: str, low: bool) -> None:
        self.text, self.low = text, low
        self.changed.emit(text, low)
