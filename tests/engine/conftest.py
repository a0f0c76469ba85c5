"""Engine fixtures: a store in a temp folder, a fast policy, and planned-delay recording."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from luma_desktop.core.engine import JobEngine
from luma_desktop.core.events import JobEvent
from luma_desktop.core.policy import PollPolicy
from luma_desktop.core.store import JobStore
from luma_desktop.sim import SimServer
from tests.conftest import SIM_KEY


class FakeTime:
    """An injected clock and sleep: sleeping advances the clock, no wall time passes."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, delay: float) -> None:
        self.sleeps.append(delay)
        self.now += delay
        await asyncio.sleep(0)


def fast_policy(**overrides: object) -> PollPolicy:
    values: dict[str, object] = {
        "min_interval": 0.02,
        "backoff_base": 0.01,
        "backoff_max": 0.05,
        "resume_stagger": 0.0,
        "rng": random.Random(7),
        "expected_render": 0.3,  # the fast simulator's render time
        "lookup_delays": (0.01, 0.02, 0.04),
    }
    values.update(overrides)
    return PollPolicy(**values)  # type: ignore[arg-type]


EngineFactory = Callable[..., JobEngine]


def creates(sim: SimServer) -> int:
    """Create requests that reached the gateway, on either route."""
    return sim.counts["create"] + sim.counts["u_create"]


def polls(sim: SimServer) -> int:
    """Fetch-one requests, on either route."""
    return sim.counts["get"] + sim.counts["u_get"]


@pytest.fixture
def store(tmp_path: Path) -> JobStore:
    return JobStore(tmp_path / "data" / "jobs.sqlite3")


@pytest.fixture
def events() -> list[JobEvent]:
    return []


@pytest.fixture(params=["luma", "unified"])
def route(request: pytest.FixtureRequest) -> str:
    """Every engine test runs over both routes (the engine's route setting)."""
    return str(request.param)


@pytest.fixture
def make_engine(
    http: httpx.AsyncClient, store: JobStore, tmp_path: Path, events: list[JobEvent], route: str
) -> EngineFactory:
    def make(
        sim: SimServer,
        policy: PollPolicy | None = None,
        key: str | Callable[[], str | None] | None = SIM_KEY,
        route_choice: str | None = None,
    ) -> JobEngine:
        engine = JobEngine(
            store,
            http,
            key if callable(key) else (lambda: key),
            tmp_path / "library",
            base_url=sim.base_url,
            policy=policy or fast_policy(),
            route_choice=route_choice or route,
        )
        engine.subscribe(events.append)
        return engine

    return make
