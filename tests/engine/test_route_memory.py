"""Automatic remembers a gateway without the unified route across restarts (keyed by
its base URL, beside the job store), and forgets it after a week or when the artist
changes the route setting."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from luma_desktop.core.catalogue import RouteChoice
from luma_desktop.core.engine import JobEngine
from luma_desktop.core.jobs import JobStatus
from luma_desktop.core.request import GenerationRequest
from luma_desktop.core.route_memory import FILE_NAME, FORGET_AFTER_DAYS, RouteMemory
from luma_desktop.core.store import JobStore
from luma_desktop.sim import SimServer
from tests.conftest import SIM_KEY
from tests.engine.conftest import fast_policy

DAY = 86400.0


@pytest.fixture
def route() -> str:
    return "auto"


def _session(http: httpx.AsyncClient, tmp_path: Path, sim: SimServer) -> JobEngine:
    store = JobStore(tmp_path / "data" / "jobs.sqlite3")
    return JobEngine(
        store,
        http,
        lambda: SIM_KEY,
        tmp_path / "library",
        base_url=sim.base_url,
        policy=fast_policy(),
    )


async def _ready(engine: JobEngine, prompt: str) -> None:
    job = await engine.generate(GenerationRequest(prompt))
    assert job.status is JobStatus.READY


async def test_the_next_session_goes_to_the_luma_route_directly(
    http: httpx.AsyncClient, tmp_path: Path, sim: SimServer
) -> None:
    sim.faults.unified_route_status = 404
    first = _session(http, tmp_path, sim)
    await _ready(first, "an old gateway")
    assert (sim.counts["u_create"], sim.counts["create"]) == (1, 1)
    first.store.close()
    saved = json.loads((tmp_path / "data" / FILE_NAME).read_text(encoding="utf-8"))
    assert list(saved["no_unified_route"]) == [sim.base_url]

    second = _session(http, tmp_path, sim)  # a restart: a new engine on the same folder
    await _ready(second, "remembered")
    assert (sim.counts["u_create"], sim.counts["create"]) == (1, 2)
    second.store.close()


async def test_forgotten_after_a_week(
    http: httpx.AsyncClient, tmp_path: Path, sim: SimServer
) -> None:
    sim.faults.unified_route_status = 404
    first = _session(http, tmp_path, sim)
    await _ready(first, "an old gateway")
    first.store.close()

    path = tmp_path / "data" / FILE_NAME
    saved = json.loads(path.read_text(encoding="utf-8"))
    saved["no_unified_route"][sim.base_url] -= FORGET_AFTER_DAYS * DAY + 60  # a week ago
    path.write_text(json.dumps(saved), encoding="utf-8")
    sim.faults.unified_route_status = None  # the gateway gained the route meanwhile
    second = _session(http, tmp_path, sim)
    await _ready(second, "a week later")
    assert (sim.counts["u_create"], sim.counts["create"]) == (2, 1)
    second.store.close()


async def test_changing_the_route_setting_forgets(
    http: httpx.AsyncClient, tmp_path: Path, sim: SimServer
) -> None:
    sim.faults.unified_route_status = 405
    engine = _session(http, tmp_path, sim)
    await _ready(engine, "an old gateway")
    engine.routes.choice = RouteChoice.AUTO  # the same setting again: nothing forgotten
    assert engine.routes.unified_missing(sim.base_url)
    engine.routes.choice = RouteChoice.LUMA
    engine.routes.choice = RouteChoice.AUTO
    assert not engine.routes.unified_missing(sim.base_url)
    sim.faults.unified_route_status = None
    await _ready(engine, "asked again")
    assert (sim.counts["u_create"], sim.counts["create"]) == (2, 1)
    engine.store.close()
    saved = json.loads((tmp_path / "data" / FILE_NAME).read_text(encoding="utf-8"))
    assert saved["no_unified_route"] == {}


@pytest.mark.parametrize(
    "text",
    ["", "not json", "[]", '{"version": 1, "no_unified_route": {"x": "soon", "y": true}}'],
)
def test_an_unreadable_memory_is_ignored(tmp_path: Path, text: str) -> None:
    path = tmp_path / FILE_NAME
    path.write_text(text, encoding="utf-8")
    memory = RouteMemory(path)
    assert not memory.missing("x")
    assert not memory.missing("y")
    memory.remember("https://gw.example")
    assert RouteMemory(path).missing("https://gw.example")
