"""Fixtures for the simulator's own tests: a fast sim, an httpx client, a hook recorder."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest

from luma_desktop.sim import SimConfig, SimServer
from tests.conftest import SIM_KEY, fast_sim_config

KEY = SIM_KEY
AUTH = {"Authorization": f"Bearer {KEY}"}
CREATE = "/v2/generate/video/luma-ai/generation"
GET_ONE = "/v2/generate/video/luma-ai/generation"
GET_MANY = "/v2/generate/video/luma-ai/generations"
WAIT = 5.0  # upper bound for anything the tests wait on


def fast_config(**overrides: Any) -> SimConfig:
    """The shared fast config, with a one-second hold so hold-limit tests end quickly."""
    return fast_sim_config(**{"dreaming_seconds": 0.2, "hold_seconds": 1.0, **overrides})


class Hooks:
    """Records (event, id, monotonic time) from the sim thread; waits for events."""

    def __init__(self) -> None:
        self.events: list[tuple[str, str]] = []
        self.times: dict[tuple[str, str], float] = {}
        self._cond = threading.Condition()

    def __call__(self, event: str, gen_id: str) -> None:
        with self._cond:
            self.events.append((event, gen_id))
            self.times.setdefault((event, gen_id), time.monotonic())
            self._cond.notify_all()

    def of(self, gen_id: str) -> list[str]:
        with self._cond:
            return [event for event, gid in self.events if gid == gen_id]

    def ids(self, event: str) -> list[str]:
        with self._cond:
            return [gid for ev, gid in self.events if ev == event]

    def _wait(self, event: str, gen_id: str | None, count: int) -> bool:
        def seen() -> bool:
            hits = [gid for ev, gid in self.events if ev == event]
            if gen_id is not None:
                hits = [gid for gid in hits if gid == gen_id]
            return len(hits) >= count

        with self._cond:
            return self._cond.wait_for(seen, WAIT)

    async def wait(self, event: str, gen_id: str | None = None, count: int = 1) -> None:
        assert await asyncio.to_thread(self._wait, event, gen_id, count), (event, self.events)


@pytest.fixture
def sim() -> Iterator[SimServer]:
    server = SimServer(fast_config()).start()
    yield server
    server.stop()


@pytest.fixture
def hooks(sim: SimServer) -> Hooks:
    recorder = Hooks()
    sim.add_hook(recorder)
    return recorder


@pytest.fixture
async def client(sim: SimServer) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=sim.base_url, headers=AUTH, timeout=WAIT) as http:
        yield http


@pytest.fixture
async def cdn() -> AsyncIterator[httpx.AsyncClient]:
    """A client for video links: no Authorization header."""
    async with httpx.AsyncClient(timeout=WAIT) as http:
        yield http


async def create(client: httpx.AsyncClient, **body: Any) -> dict[str, Any]:
    body.setdefault("prompt", "a lighthouse at dusk")
    response = await client.post(CREATE, json=body)
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()
    return data


async def wait_state(
    client: httpx.AsyncClient, gen_id: str, wanted: str = "completed"
) -> dict[str, Any]:
    response = await client.get(GET_ONE, params={"generation_id": gen_id, "state": wanted})
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


async def completed(client: httpx.AsyncClient, **body: Any) -> dict[str, Any]:
    """Create a generation and long-poll it to completion."""
    gen = await create(client, **body)
    done = await wait_state(client, gen["id"])
    assert done["state"] == "completed", done
    return done


def served_clip(generation: dict[str, Any]) -> bytes:
    """The clip the video origin serves for a generation (luma spelling)."""
    from luma_desktop.sim.video import job_clip

    return job_clip(generation["id"], generation["request"])
