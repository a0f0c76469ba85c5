"""The guards beside the draft: what to ask before a request spends tokens.

The same request again within a few seconds is probably a double press; outside demo
mode every paid generation is confirmed, until the artist says not to ask again.
The window asks the questions; these decide which ones.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from enum import StrEnum

from luma_desktop.core.request import GenerationRequest
from luma_desktop.studio.settings import Settings

REPEAT_WINDOW = 10.0  # seconds in which the same request again is probably a double press


class Guard(StrEnum):
    REPEAT = "repeat"  # the same request was just sent
    SPEND = "spend"  # real tokens: confirm


class SendGuards:
    def __init__(
        self, settings: Settings, *, demo: bool, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._settings = settings
        self._demo = demo
        self._clock = clock
        self._last: tuple[dict[str, object], float] | None = None

    def needed(self, request: GenerationRequest) -> list[Guard]:
        """The questions to ask before sending ``request``, in order."""
        guards = []
        if self._last is not None:
            body, when = self._last
            if body == request.to_body() and self._clock() - when < REPEAT_WINDOW:
                guards.append(Guard.REPEAT)
        if not self._demo and self._settings.prefs.confirm_spend:
            guards.append(Guard.SPEND)
        return guards

    def sent(self, request: GenerationRequest) -> None:
        self._last = (request.to_body(), self._clock())

    def stop_asking_to_spend(self) -> None:
        """ "Don't ask again": kept in Preferences."""
        self._settings.update(confirm_spend=False)
