"""The unified video route, the request log and the balance, as the simulator serves them."""

from __future__ import annotations

import time
import uuid
from typing import Any

import httpx
import pytest

from luma_desktop.sim import SimServer
from tests.sim.conftest import AUTH, CREATE, WAIT, Hooks, fast_config

ROUTE = "/v2/video/generations"
LOGS = "/v2/logs"


async def ucreate(
    client: httpx.AsyncClient, request_id: str | None = None, **body: Any
) -> httpx.Response:
    body.setdefault("model", "luma/ray-2")
    body.setdefault("prompt", "a lighthouse at dusk")
    headers = {"X-Client-Request-Id": request_id} if request_id else {}
    return await client.post(ROUTE, json=body, headers=headers)


async def uget(client: httpx.AsyncClient, gen_id: str) -> dict[str, Any]:
    answer = await client.get(ROUTE, params={"generation_id": gen_id})
    assert answer.status_code == 200, answer.text
    data: dict[str, Any] = answer.json()
    return data


async def test_lifecycle_in_the_unified_vocabulary(client: httpx.AsyncClient, hooks: Hooks) -> None:
    answer = await ucreate(client, duration=9)
    assert answer.status_code == 200
    created = answer.json()
    gen_id = created["id"]
    head, _, model = gen_id.partition(":")
    assert model == "luma/ray-2"
    uuid.UUID(head)
    assert created["status"] == "queued"
    assert answer.headers["x-inference-id"] == gen_id
    assert int(answer.headers["x-aimlapi-credits-used"]) == 240_000  # 9 s costs double

    started = time.monotonic()
    first = await uget(client, gen_id)
    assert time.monotonic() - started < 0.5  # never holds
    assert first["status"] in ("queued", "generating")
    assert first["video"] is None
    assert first["meta"] is None

    await hooks.wait("completed", gen_id)
    done = await uget(client, gen_id)
    assert done["status"] == "completed"
    assert done["video"]["url"].startswith("http://127.0.0.1:")
    assert done["meta"] == {"usage": {"credits_used": 240_000, "usd_spent": 0.12}}
    assert done["error"] is None


async def test_failure_is_an_error_object(client: httpx.AsyncClient, hooks: Hooks) -> None:
    gen_id = (await ucreate(client, prompt="storm [fail]")).json()["id"]
    await hooks.wait("failed", gen_id)
    failed = await uget(client, gen_id)
    assert failed["status"] == "error"
    assert failed["error"]["name"]
    assert "simulated failure" in failed["error"]["message"]
    assert failed["meta"] is None


async def test_a_bare_uuid_is_not_a_unified_id(client: httpx.AsyncClient) -> None:
    gen_id = (await ucreate(client)).json()["id"]
    answer = await client.get(ROUTE, params={"generation_id": gen_id.split(":")[0]})
    assert answer.status_code == 404


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ({"model": "luma/ray-3.2", "aspect_ratio": "9:21"}, "aspect_ratio"),
        ({"model": "luma/ray-3.2", "hdr": True, "duration": 10}, "hdr"),
        ({"model": "luma/ray-3.2", "exr_export": True}, "exr"),
        ({"model": "luma/ray-3.2", "resolution": "4k"}, "resolution"),
        ({"model": "luma/ray-3.2", "type": "video_edit"}, "video"),
        ({"model": "luma/ray-3.2", "keyframes": {}}, "keyframes"),
        ({"model": "luma/ray-2", "hdr": True}, "hdr"),
        ({"model": "luma/ray-2", "duration": "5s"}, "duration"),
        ({"model": "luma/ray-1-6"}, "model"),
        ({"model": "ray-2"}, "model"),
        ({"prompt": ""}, "prompt"),
    ],
)
async def test_validation_follows_the_catalogue(
    client: httpx.AsyncClient, body: dict[str, Any], needle: str
) -> None:
    answer = await ucreate(client, **body)
    assert answer.status_code == 422, answer.text
    assert needle in answer.json()["message"]


async def test_ray_3_2_modify_and_reframe_are_taken(client: httpx.AsyncClient) -> None:
    clip = "https://cdn.example/clip.mp4"
    for body in (
        {"type": "video_edit", "video_url": clip, "prompt": "make it snow"},
        {"type": "video_reframe", "video_url": clip, "aspect_ratio": "9:16"},
        {"hdr": True, "exr_export": True, "resolution": "1080p", "duration": 5},
        {"image_url": "https://img.example/a.png", "last_image_url": "https://img.example/b.png"},
    ):
        answer = await ucreate(client, model="luma/ray-3.2", **body)
        assert answer.status_code == 200, (body, answer.text)
        assert answer.json()["id"].endswith(":luma/ray-3.2")


async def test_generation_keyframes_take_the_uuid_part(
    client: httpx.AsyncClient, hooks: Hooks
) -> None:
    first = (await ucreate(client)).json()["id"]
    await hooks.wait("completed", first)
    frame = {"frame0": {"type": "generation", "id": first.split(":")[0]}}
    assert (await ucreate(client, keyframes=frame)).status_code == 200
    whole = {"frame0": {"type": "generation", "id": first}}
    assert (await ucreate(client, keyframes=whole)).status_code == 422


@pytest.mark.parametrize("status", [404, 405])
async def test_the_route_can_be_switched_off(
    sim: SimServer, client: httpx.AsyncClient, status: int
) -> None:
    sim.faults.unified_route_status = status
    assert (await ucreate(client)).status_code == status
    assert (await client.get(ROUTE, params={"generation_id": "x"})).status_code == status
    assert sim.received_bodies == []
    answer = await client.post(CREATE, json={"prompt": "the old route still works"})
    assert answer.status_code == 201


async def test_logs_rows_by_client_request_id_appear_late() -> None:
    with SimServer(fast_config(log_delay_seconds=30.0)) as sim:
        now = [1000.0]
        sim.ledger.clock = lambda: now[0]
        async with httpx.AsyncClient(base_url=sim.base_url, headers=AUTH, timeout=WAIT) as http:
            answer = await ucreate(http, request_id="ld-job.1")
            gen_id = answer.json()["id"]
            assert answer.headers["x-client-request-id"] == "ld-job.1"
            now[0] += 29.0
            early = (await http.get(LOGS, params={"period": "24h"})).json()
            now[0] += 2.0
            rows = (await http.get(LOGS, params={"period": "24h"})).json()["data"]
    assert early["data"] == []
    (row,) = rows
    assert row["client_request_id"] == "ld-job.1"
    assert row["inference_id"] == gen_id
    assert row["status"] == "succeeded"
    assert row["cost"]["credits"] == 120_000


async def test_logs_filter_paginate_and_log_refusals(
    sim: SimServer, client: httpx.AsyncClient
) -> None:
    await ucreate(client, request_id="a")
    await ucreate(client, request_id="b", model="luma/ray-flash-2")
    sim.faults.fail_creates = 1
    assert (await ucreate(client, request_id="c")).status_code == 500
    await ucreate(client, request_id="bad id with spaces")

    def ids(page: httpx.Response) -> list[str | None]:
        return [r["client_request_id"] for r in page.json()["data"]]

    assert ids(await client.get(LOGS)) == [None, "c", "b", "a"]  # newest first
    failed = await client.get(LOGS, params={"status": "failed"})
    assert ids(failed) == ["c"]
    assert failed.json()["data"][0]["cost"]["credits"] == 0
    both = await client.get(LOGS, params=[("model", "luma/ray-flash-2"), ("model", "nope")])
    assert ids(both) == ["b"]
    page = (await client.get(LOGS, params={"limit": 2, "offset": 1})).json()
    assert [r["client_request_id"] for r in page["data"]] == ["c", "b"]
    assert page["pagination"] == {"limit": 2, "offset": 1, "total": 4, "has_more": True}


async def test_logs_rate_limit() -> None:
    with SimServer(fast_config(logs_per_minute=2)) as sim:
        async with httpx.AsyncClient(base_url=sim.base_url, headers=AUTH, timeout=WAIT) as http:
            codes = [(await http.get(LOGS)).status_code for _ in range(3)]
    assert codes == [200, 200, 429]


async def test_balance_goes_down_and_warns_when_low() -> None:
    config = fast_config(balance_credits=1_100_000, low_balance_credits=1_000_000)
    with SimServer(config) as sim:
        async with httpx.AsyncClient(base_url=sim.base_url, headers=AUTH, timeout=WAIT) as http:
            before = (await http.get("/v1/billing/balance")).json()
            await ucreate(http)
            after = (await http.get("/v1/billing/balance")).json()
    assert before["balance"] == 1_100_000
    assert before["lowBalance"] is False
    assert after["balance"] == 980_000
    assert after["lowBalance"] is True
    assert set(after) >= {"lowBalanceThreshold", "lastUpdated", "status", "statusExplanation"}
