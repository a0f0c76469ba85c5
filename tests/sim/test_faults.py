"""Every fault fires the expected number of times, then the sim behaves again."""

from __future__ import annotations

import asyncio
import logging
import time
import uuid

import httpx
import pytest

from luma_desktop.sim import SimServer
from tests.sim.conftest import (
    AUTH,
    CREATE,
    GET_MANY,
    GET_ONE,
    Hooks,
    completed,
    create,
    fast_config,
    served_clip,
)


async def test_server_errors_any_route(sim: SimServer, client: httpx.AsyncClient) -> None:
    gen = await create(client)
    sim.faults.server_errors = 3
    sim.faults.server_error_status = 502
    answers = [
        await client.post(CREATE, json={"prompt": "a"}),
        await client.get(GET_ONE, params={"generation_id": gen["id"]}),
        await client.get(GET_MANY, params={"generation_ids": gen["id"]}),
    ]
    assert [a.status_code for a in answers] == [502, 502, 502]
    assert answers[0].json()["message"] == "upstream unavailable"
    assert (await client.get(GET_ONE, params={"generation_id": gen["id"]})).status_code == 200
    assert sim.faults.fired["server_errors"] == 3
    assert sim.faults.server_errors == 0
    assert len(sim.received_bodies) == 1  # the refused create never reached validation
    assert sim.counts == {"create": 2, "get": 2, "get_many": 1}


async def test_rate_limits_carry_retry_after(sim: SimServer, client: httpx.AsyncClient) -> None:
    sim.faults.rate_limits = 2
    sim.faults.retry_after = 1.2
    first = await client.post(CREATE, json={"prompt": "a"})
    second = await client.get(GET_MANY, params={"generation_ids": "x"})
    assert [first.status_code, second.status_code] == [429, 429]
    assert first.headers["Retry-After"] == "2"
    assert "rate" in first.json()["message"]
    await create(client)
    assert sim.faults.fired["rate_limits"] == 2


async def test_drop_polls(sim: SimServer, client: httpx.AsyncClient) -> None:
    gen = await create(client)
    sim.faults.drop_polls = 2
    for _ in range(2):
        with pytest.raises(httpx.RemoteProtocolError):
            await client.get(GET_ONE, params={"generation_id": gen["id"]})
    many = await client.get(GET_MANY, params={"generation_ids": gen["id"]})
    assert many.status_code == 200  # fetch-many is not a poll of one
    assert (await client.get(GET_ONE, params={"generation_id": gen["id"]})).status_code == 200
    assert sim.counts["get"] == 3
    assert sim.faults.fired["drop_polls"] == 2


async def test_drop_creates_after_accept(
    sim: SimServer, client: httpx.AsyncClient, hooks: Hooks
) -> None:
    sim.faults.drop_creates_after_accept = 1
    with pytest.raises(httpx.RemoteProtocolError):
        await client.post(CREATE, json={"prompt": "lost answer"})
    await hooks.wait("created")
    (lost_id,) = hooks.ids("created")
    assert sim.generation(lost_id)["request"] == {"prompt": "lost answer"}
    assert sim.counts["create"] == 1
    answered = await create(client)
    assert answered["id"] != lost_id
    assert sim.faults.fired["drop_creates_after_accept"] == 1


async def test_hold_create_until_released(
    sim: SimServer, client: httpx.AsyncClient, hooks: Hooks
) -> None:
    sim.faults.hold_create = True
    task = asyncio.create_task(client.post(CREATE, json={"prompt": "held"}))
    await hooks.wait("created")
    assert not task.done()
    sim.faults.hold_create = False
    sim.release_create()
    answer = await asyncio.wait_for(task, 5)
    assert answer.status_code == 201
    assert answer.json()["id"] == hooks.ids("created")[0]
    assert answer.json()["state"] == "queued"


async def test_stop_releases_a_held_create(hooks: Hooks) -> None:
    with SimServer(fast_config()) as sim:
        sim.add_hook(hooks)
        sim.faults.hold_create = True
        async with httpx.AsyncClient(base_url=sim.base_url, headers=AUTH) as http:
            task = asyncio.create_task(http.post(CREATE, json={"prompt": "held"}))
            await hooks.wait("created")
            started = time.monotonic()
            await asyncio.to_thread(sim.stop)
            assert time.monotonic() - started < 3
            try:
                answer = await asyncio.wait_for(task, 5)
            except httpx.TransportError:
                return
            assert answer.status_code == 201


async def test_malformed_json_on_get_routes_only(sim: SimServer, client: httpx.AsyncClient) -> None:
    sim.faults.malformed_json = 2
    gen = await create(client)  # creates are never garbled
    one = await client.get(GET_ONE, params={"generation_id": gen["id"]})
    many = await client.get(GET_MANY, params={"generation_ids": gen["id"]})
    for answer in (one, many):
        assert answer.status_code == 200
        with pytest.raises(ValueError):
            answer.json()
    assert (await client.get(GET_ONE, params={"generation_id": gen["id"]})).json()["id"] == gen[
        "id"
    ]
    assert sim.faults.fired["malformed_json"] == 2


async def test_ignore_wanted_state(sim: SimServer, client: httpx.AsyncClient) -> None:
    gen = await create(client)
    sim.faults.ignore_wanted_state = True
    answer = await client.get(GET_ONE, params={"generation_id": gen["id"], "state": "completed"})
    assert answer.json()["state"] == "queued"


async def test_drip_polls_sends_headers_then_body(
    sim: SimServer, client: httpx.AsyncClient
) -> None:
    gen = await create(client)
    sim.faults.drip_polls_seconds = 0.3
    started = time.monotonic()
    async with client.stream("GET", GET_ONE, params={"generation_id": gen["id"]}) as answer:
        headers_at = time.monotonic() - started
        body = await answer.aread()
        body_at = time.monotonic() - started
    assert b'"id"' in body
    assert headers_at < 0.25 <= body_at


async def test_drop_download_after(
    sim: SimServer, client: httpx.AsyncClient, cdn: httpx.AsyncClient
) -> None:
    done = await completed(client)
    url = done["assets"]["video"]
    sim.faults.drop_download_after = 20_000
    received = bytearray()

    async def download() -> None:
        async with cdn.stream("GET", url) as answer:
            async for piece in answer.aiter_bytes():
                received.extend(piece)

    with pytest.raises(httpx.RemoteProtocolError):
        await download()
    assert bytes(received) == served_clip(done)[:20_000]
    assert sim.faults.drop_download_after is None
    assert (await cdn.get(url)).content == served_clip(done)  # once only
    assert sim.faults.fired["drop_download_after"] == 1


async def test_drop_download_on_a_range(
    sim: SimServer, client: httpx.AsyncClient, cdn: httpx.AsyncClient
) -> None:
    done = await completed(client)
    url = done["assets"]["video"]
    sim.faults.drop_download_after = 100
    with pytest.raises(httpx.RemoteProtocolError):
        await cdn.get(url, headers={"Range": "bytes=1000-"})
    resumed = await cdn.get(url, headers={"Range": "bytes=1000-"})
    assert resumed.content == served_clip(done)[1000:]


async def test_pause_download_until_released(
    sim: SimServer, client: httpx.AsyncClient, cdn: httpx.AsyncClient, hooks: Hooks
) -> None:
    done = await completed(client)
    sim.faults.pause_download_after = 10_000
    task = asyncio.create_task(cdn.get(done["assets"]["video"]))
    await hooks.wait("download_paused", done["id"])
    assert not task.done()
    sim.release_download()
    answer = await asyncio.wait_for(task, 5)
    assert answer.content == served_clip(done)
    assert hooks.ids("download_paused") == [done["id"]]
    assert sim.faults.pause_download_after is None


async def test_drip_bytes_per_second(
    sim: SimServer, client: httpx.AsyncClient, cdn: httpx.AsyncClient
) -> None:
    done = await completed(client)
    url = done["assets"]["video"]
    sim.faults.drip_bytes_per_second = 100_000
    started = time.monotonic()
    answer = await cdn.get(url, headers={"Range": "bytes=0-29999"})
    assert answer.content == served_clip(done)[:30_000]
    assert time.monotonic() - started >= 0.2  # ~0.3 s at 100 kB/s


async def test_hooks_fire_in_order_for_many_jobs(client: httpx.AsyncClient, hooks: Hooks) -> None:
    ids = [(await create(client, prompt=f"job {n}"))["id"] for n in range(3)]
    failing = (await create(client, prompt="[fail] job"))["id"]
    for gen_id in ids:
        await hooks.wait("completed", gen_id)
    await hooks.wait("failed", failing)
    for gen_id in ids:
        assert hooks.of(gen_id) == ["created", "queued", "dreaming", "completed"]
    assert hooks.of(failing) == ["created", "queued", "dreaming", "failed"]


async def test_a_failing_hook_is_logged_not_fatal(
    sim: SimServer, client: httpx.AsyncClient, hooks: Hooks, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(event: str, gen_id: str) -> None:
        raise RuntimeError("hook bug")

    sim.add_hook(broken)
    with caplog.at_level(logging.ERROR, logger="luma_desktop.sim"):
        gen = await create(client)
        await hooks.wait("completed", gen["id"])
    assert "hook bug" in caplog.text


async def test_counts_per_route(
    sim: SimServer, client: httpx.AsyncClient, cdn: httpx.AsyncClient
) -> None:
    done = await completed(client)
    await client.get(GET_MANY, params={"generation_ids": [done["id"], str(uuid.uuid4())]})
    await cdn.get(done["assets"]["video"])
    assert sim.counts == {"create": 1, "get": 1, "get_many": 1, "video": 1}
