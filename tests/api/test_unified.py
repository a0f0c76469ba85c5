"""The unified route and the account routes, against the simulator over loopback."""

from __future__ import annotations

import asyncio
import threading

import httpx
import pytest

from luma_desktop.api.account import Account, RateWindow, parse_log_page
from luma_desktop.api.client import GatewayClient
from luma_desktop.api.errors import ApiError, ErrorKind
from luma_desktop.api.models import State
from luma_desktop.api.unified import UnifiedRoute, client_request_id, with_header_costs
from luma_desktop.sim import SimServer
from tests.conftest import SIM_KEY, fast_sim_config

WAIT = 5.0


def _routes(http: httpx.AsyncClient, sim: SimServer) -> tuple[UnifiedRoute, Account]:
    gateway = GatewayClient(http, sim.base_url, lambda: SIM_KEY)
    return UnifiedRoute(gateway), Account(gateway)


def _completion(sim: SimServer) -> tuple[threading.Event, list[str]]:
    done, ids = threading.Event(), []

    def hook(event: str, gen_id: str) -> None:
        if event in ("completed", "failed"):
            ids.append(gen_id)
            done.set()

    sim.add_hook(hook)
    return done, ids


async def test_create_and_poll_by_the_id_as_returned(
    sim: SimServer, http: httpx.AsyncClient
) -> None:
    unified, _account = _routes(http, sim)
    done, _ = _completion(sim)
    created = await unified.create({"model": "luma/ray-2", "prompt": "a pier"}, "ld-abc")
    assert created.id.endswith(":luma/ray-2")
    assert created.state is State.QUEUED
    assert created.credits == 120_000  # from the create's headers
    assert created.usd == pytest.approx(0.06)
    assert await asyncio.to_thread(done.wait, WAIT)
    finished = await unified.get(created.id)
    assert finished.id == created.id
    assert finished.state is State.COMPLETED
    assert finished.video_url
    assert (finished.credits, finished.usd) == (120_000, 0.06)  # meta.usage


async def test_error_object_is_the_failure_reason(sim: SimServer, http: httpx.AsyncClient) -> None:
    unified, _ = _routes(http, sim)
    done, _ = _completion(sim)
    created = await unified.create({"model": "luma/ray-flash-2", "prompt": "a storm [fail]"})
    assert await asyncio.to_thread(done.wait, WAIT)
    failed = await unified.get(created.id)
    assert failed.state is State.FAILED
    assert "simulated failure" in (failed.failure_reason or "")
    assert failed.credits is None


@pytest.mark.parametrize("status", [404, 405])
async def test_a_gateway_without_the_route_says_so_by_status(
    sim: SimServer, http: httpx.AsyncClient, status: int
) -> None:
    sim.faults.unified_route_status = status
    unified, _ = _routes(http, sim)
    with pytest.raises(ApiError) as caught:
        await unified.create({"model": "luma/ray-2", "prompt": "x"})
    assert caught.value.status == status


def test_client_request_ids_stay_in_the_allowed_alphabet() -> None:
    local = "0f8e3c52-7a1d-4b6e-9c2f-1d2e3f4a5b6c"
    assert client_request_id(local) == "ld-" + local
    assert client_request_id("a b/c?é" + "x" * 300) == "ld-abc" + "x" * 122
    assert len(client_request_id("x" * 300)) == 128


def test_header_costs_fill_only_what_the_body_did_not_say() -> None:
    from luma_desktop.api.models import parse_generation

    plain = parse_generation({"id": "a", "status": "queued"})
    headers = httpx.Headers({"x-aimlapi-credits-used": "5000", "x-aimlapi-usd-spent": "0.0025"})
    assert with_header_costs(plain, headers).credits == 5000
    zero = httpx.Headers({"x-aimlapi-credits-used": "0"})
    assert with_header_costs(plain, zero).credits is None
    junk = httpx.Headers({"x-aimlapi-credits-used": "inf"})
    assert with_header_costs(plain, junk).credits is None
    said = parse_generation(
        {"id": "a", "status": "completed", "meta": {"usage": {"credits_used": 7, "usd_spent": 1}}}
    )
    assert with_header_costs(said, headers).credits == 7


async def test_balance(sim: SimServer, http: httpx.AsyncClient) -> None:
    _, account = _routes(http, sim)
    balance = await account.balance()
    assert balance.credits == 50_000_000
    assert balance.low is False


async def test_find_request_by_client_request_id(sim: SimServer, http: httpx.AsyncClient) -> None:
    unified, account = _routes(http, sim)
    created = await unified.create({"model": "luma/ray-2", "prompt": "a"}, "ld-one")
    await unified.create({"model": "luma/ray-2", "prompt": "b"}, "ld-two")
    row = await account.find_request("ld-one", models=["luma/ray-2"])
    assert row is not None
    assert row.succeeded
    assert row.inference_id == created.id
    assert await account.find_request("ld-nobody") is None


async def test_late_rows_are_not_there_yet(http: httpx.AsyncClient) -> None:
    with SimServer(fast_sim_config(log_delay_seconds=60.0)) as sim:
        unified, account = _routes(http, sim)
        await unified.create({"model": "luma/ray-2", "prompt": "a"}, "ld-late")
        assert await account.find_request("ld-late") is None


async def test_rate_window_waits_instead_of_exceeding() -> None:
    now = [0.0]
    slept: list[float] = []

    async def sleep(delay: float) -> None:
        slept.append(delay)
        now[0] += delay

    window = RateWindow(limit=2, window=60.0, clock=lambda: now[0], sleep=sleep)
    for _ in range(3):
        await window.acquire()
        now[0] += 1.0
    assert slept == [58.0]


def test_log_pages_are_parsed_tolerantly() -> None:
    rows, more = parse_log_page(
        {
            "items": [
                {"status": "failed", "client_request_id": "x", "cost": "free"},
                "junk",
                {"status": "succeeded", "inference_id": "g", "cost": {"credits": 3}},
            ],
            "pagination": {"has_more": True},
        }
    )
    assert [r.status for r in rows] == ["failed", "succeeded"]
    assert rows[1].credits == 3
    assert more
    assert parse_log_page([])[0] == []
    with pytest.raises(ApiError) as caught:
        parse_log_page("nope")
    assert caught.value.kind is ErrorKind.SERVER
