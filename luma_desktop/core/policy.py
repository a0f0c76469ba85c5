"""How often to ask, how long to wait: the poll and retry policy.

Pure decisions plus an injectable clock and sleep, so tests assert the delays the
engine *planned* instead of measuring wall time.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from luma_desktop.api.models import State

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


@dataclass
class PollPolicy:
    min_interval: float = 3.0  # never two polls of one job closer than this
    early_answer: float = 1.0  # an answer below the wanted state faster than this: not holding
    backoff_base: float = 1.0
    backoff_max: float = 60.0
    jitter: float = 0.25  # ± this fraction of each backoff
    stop_when_stale: bool = False  # the app polls stale jobs rarely; the CLI stops and says so
    create_retries: int = 4  # only for creates the gateway surely did not take
    resume_stagger: float = 0.2  # between resumed jobs at start-up
    max_resumes_at_once: int = 8
    max_transient_retries: int | None = None  # None: keep trying (the app); the CLI sets a bound
    link_refreshes: int = 3  # fresh video links fetched in a row before giving up
    progress_step: float = 0.1  # seconds between two progress reports of one download
    # Waits before each look in the gateway's request log for a lost create (≈ 3 min in
    # all: its rows come from an analytics pipeline and can lag).
    lookup_delays: tuple[float, ...] = (5.0, 10.0, 20.0, 40.0, 60.0, 60.0)
    # A render's expected length on the unified route when the store has no history
    # of the model; None: the catalogue's figure (demo mode and tests set their own).
    expected_render: float | None = None
    clock: Clock = time.monotonic
    wall: Clock = time.time
    sleep: Sleep = asyncio.sleep
    rng: random.Random = field(default_factory=random.Random)

    @staticmethod
    def next_wanted(state: State) -> State:
        """The next state to wait for, in order; ``failed`` can never be asked for."""
        return State.DREAMING if state is State.QUEUED else State.COMPLETED

    def backoff(self, attempt: int, retry_after: float | None = None) -> float:
        """Exponential with jitter; the server's ``Retry-After`` is a floor, never shortened."""
        base = min(self.backoff_max, self.backoff_base * (2 ** max(0, attempt)))
        spread = base * self.jitter
        delay: float = base + self.rng.uniform(-spread, spread)
        if retry_after is not None:
            delay = max(delay, retry_after)
        return max(0.0, delay)

    def answered_early(self, elapsed: float, got: State, wanted: State) -> bool:
        return elapsed < self.early_answer and got.priority < wanted.priority


class Pacer:
    """Keeps one job's polls at least ``min_interval`` apart whenever the last answer
    fell short of the wanted state, so a server that does not hold is never hammered.
    An answer that reached the wanted state is progress: the next poll goes at once."""

    def __init__(self, policy: PollPolicy) -> None:
        self._policy = policy
        self._last: float | None = None
        self._short = False

    @property
    def polled(self) -> bool:
        """At least one poll went out through this pacer."""
        return self._last is not None

    def started(self) -> None:
        self._last = self._policy.clock()

    def answered(self, reached_wanted: bool) -> None:
        self._short = not reached_wanted

    async def wait_turn(self) -> None:
        if self._short and self._last is not None:
            due = self._last + self._policy.min_interval - self._policy.clock()
            if due > 0:
                await self._policy.sleep(due)
