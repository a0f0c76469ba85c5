"""The gateway routes: auth, validation, lifecycle and long polls, fetch-many, spellings."""

from __future__ import annotations

import time
import uuid
from typing import Any

import httpx
import pytest

from luma_desktop.sim import SimConfig, SimServer
from tests.sim.conftest import (
    CREATE,
    GET_MANY,
    GET_ONE,
    WAIT,
    Hooks,
    completed,
    create,
    fast_config,
    wait_state,
)

PNG_DATA_URL = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4"
    "DwABBAEAcCBlCwAAAABJRU5ErkJggg=="
)
IMAGE = {"type": "image", "url": "https://example.com/a.jpg"}


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer wrong"},
        {"Authorization": "Basic sim-key"},
        {"Authorization": "Bearer"},
    ],
)
async def test_auth_is_checked_first_on_every_route(
    sim: SimServer, headers: dict[str, str]
) -> None:
    async with httpx.AsyncClient(base_url=sim.base_url, headers=headers) as http:
        answers = [
            await http.post(CREATE, content=b"not json"),
            await http.get(GET_ONE, params={"generation_id": str(uuid.uuid4())}),
            await http.get(GET_MANY),
        ]
    for answer in answers:
        assert answer.status_code == 401
        assert answer.json() == {
            "statusCode": 401,
            "message": "Unauthorized: invalid or missing API key",
        }
    assert sim.counts == {"create": 1, "get": 1, "get_many": 1}
    assert sim.received_bodies == []


async def test_demo_mode_accepts_any_key() -> None:
    with SimServer(fast_config(api_key=None)) as sim:
        async with httpx.AsyncClient(base_url=sim.base_url) as http:
            ok = await http.post(
                CREATE, json={"prompt": "x"}, headers={"Authorization": "Bearer anything"}
            )
            missing = await http.post(CREATE, json={"prompt": "x"})
    assert ok.status_code == 201
    assert missing.status_code == 401


UNKNOWN_ID = "0b0b0b0b-1111-4222-8333-444444444444"


@pytest.mark.parametrize(
    ("body", "status", "fragment"),
    [
        ({}, 422, "prompt is required"),
        ({"prompt": ""}, 422, "prompt"),
        ({"prompt": 5}, 422, "prompt"),
        ({"prompt": "x" * 2049}, 422, "2048"),
        ({"prompt": "a", "aspect_ratio": "2:1"}, 422, "aspect_ratio must be one of"),
        ({"prompt": "a", "model": "ray-3"}, 422, "model"),
        ({"prompt": "a", "resolution": "8k"}, 422, "resolution"),
        ({"prompt": "a", "duration": 5}, 422, "duration"),
        ({"prompt": "a", "duration": "5"}, 422, "duration"),
        ({"prompt": "a", "loop": "yes"}, 422, "loop"),
        ({"prompt": "a", "generation_type": "image"}, 422, "generation_type"),
        ({"prompt": "a", "callback_url": 7}, 422, "callback_url"),
        ({"prompt": "a", "seed": 1}, 422, "seed"),
        ({"prompt": "a", "keyframes": []}, 422, "keyframes"),
        ({"prompt": "a", "keyframes": {"frame2": IMAGE}}, 422, "frame2"),
        (
            {"prompt": "a", "keyframes": {"frame0": {"type": "video", "url": "https://x/y"}}},
            422,
            "type",
        ),
        ({"prompt": "a", "keyframes": {"frame0": {**IMAGE, "weight": 1}}}, 422, "weight"),
        ({"prompt": "a", "keyframes": {"frame0": {"type": "image"}}}, 422, "url"),
        (
            {"prompt": "a", "keyframes": {"frame0": {"type": "image", "url": "ftp://x/a.jpg"}}},
            422,
            "url",
        ),
        (
            {
                "prompt": "a",
                "keyframes": {"frame1": {"type": "image", "url": "data:text/plain;base64,aGk="}},
            },
            422,
            "frame1.url",
        ),
        (
            {
                "prompt": "a",
                "keyframes": {"frame0": {"type": "image", "url": "data:image/png;base64,@@@"}},
            },
            422,
            "base64",
        ),
        (
            {"prompt": "a", "keyframes": {"frame0": {"type": "generation", "id": "nope"}}},
            422,
            "uuid",
        ),
        (
            {"prompt": "a", "keyframes": {"frame0": {"type": "generation", "id": UNKNOWN_ID}}},
            400,
            UNKNOWN_ID,
        ),
        (
            {
                "prompt": "a",
                "keyframes": {"frame0": {"type": "generation", "id": UNKNOWN_ID, "x": 1}},
            },
            422,
            "x",
        ),
        (["prompt"], 422, "object"),
    ],
)
async def test_validation_refuses(
    sim: SimServer, client: httpx.AsyncClient, body: Any, status: int, fragment: str
) -> None:
    answer = await client.post(CREATE, json=body)
    assert answer.status_code == status, answer.text
    assert answer.json()["statusCode"] == status
    assert fragment in answer.json()["message"]
    assert sim.received_bodies == [body]
    assert sim.counts["create"] == 1


async def test_malformed_json_is_400(sim: SimServer, client: httpx.AsyncClient) -> None:
    answer = await client.post(
        CREATE, content=b'{"prompt": ', headers={"Content-Type": "application/json"}
    )
    assert answer.status_code == 400
    assert "JSON" in answer.json()["message"]


async def test_full_body_is_accepted_and_echoed(
    sim: SimServer, client: httpx.AsyncClient, hooks: Hooks
) -> None:
    body = {
        "prompt": "x" * 2048,
        "aspect_ratio": "21:9",
        "loop": True,
        "keyframes": {
            "frame0": IMAGE,
            "frame1": {"type": "image", "url": "http://example.com/b.png"},
        },
        "model": "ray-flash-2",
        "resolution": None,
        "duration": "9s",
        "generation_type": "video",
        "callback_url": None,
    }
    gen = await create(client, **body)
    uuid.UUID(gen["id"])
    assert gen["state"] == "queued"
    assert gen["request"] == body
    assert gen["model"] == "ray-flash-2"
    assert gen["generation_type"] == "video"
    assert gen["failure_reason"] is None
    assert gen["assets"] == {"video": None, "image": None, "progress_video": None}
    assert gen["created_at"].endswith("Z")
    await hooks.wait("created", gen["id"])
    assert sim.generation(gen["id"])["request"] == body


async def test_default_model_is_ray_2(client: httpx.AsyncClient) -> None:
    assert (await create(client))["model"] == "ray-2"


async def test_data_urls_accepted_unless_refused(sim: SimServer, client: httpx.AsyncClient) -> None:
    frames = {"frame0": {"type": "image", "url": PNG_DATA_URL}}
    await create(client, keyframes=frames)
    sim.faults.reject_data_urls = True
    answer = await client.post(CREATE, json={"prompt": "a", "keyframes": frames})
    assert answer.status_code == 400
    assert answer.json()["message"] == (
        "keyframes.frame0.url: data URIs are not supported; provide a publicly reachable image URL"
    )
    await create(client, keyframes={"frame0": IMAGE})  # http URLs still pass


async def test_generation_keyframe_must_be_completed(client: httpx.AsyncClient) -> None:
    gen = await create(client)
    frames = {"frame0": {"type": "generation", "id": gen["id"]}}
    answer = await client.post(CREATE, json={"prompt": "more", "keyframes": frames})
    assert answer.status_code == 400
    assert answer.json()["message"] == f"generation {gen['id']} is not completed"
    await wait_state(client, gen["id"])
    extended = await create(client, prompt="more", keyframes=frames)
    assert extended["request"]["keyframes"] == frames


async def test_lifecycle_long_poll_answers_at_the_transition(
    client: httpx.AsyncClient, hooks: Hooks
) -> None:
    gen = await create(client)
    dreaming = await wait_state(client, gen["id"], "dreaming")
    assert dreaming["state"] == "dreaming"
    done = await wait_state(client, gen["id"], "completed")
    answered = time.monotonic()
    assert done["state"] == "completed"
    assert done["assets"]["video"].endswith(f"/{gen['id']}.mp4")
    changed = hooks.times[("completed", gen["id"])]
    assert changed <= answered < changed + 0.5  # held, then answered when the state changed
    assert hooks.of(gen["id"]) == ["created", "queued", "dreaming", "completed"]


async def test_status_is_accepted_as_the_parameter_name(client: httpx.AsyncClient) -> None:
    gen = await create(client)
    answer = await client.get(GET_ONE, params={"generation_id": gen["id"], "status": "completed"})
    assert answer.json()["state"] == "completed"


async def test_without_a_wanted_state_answers_at_once(client: httpx.AsyncClient) -> None:
    gen = await create(client)
    answer = await client.get(GET_ONE, params={"generation_id": gen["id"]})
    assert answer.json()["state"] == "queued"


async def test_already_reached_answers_at_once(client: httpx.AsyncClient) -> None:
    done = await completed(client)
    for wanted in ("queued", "dreaming", "completed"):
        assert (await wait_state(client, done["id"], wanted))["state"] == "completed"


async def test_hold_limit_answers_with_the_current_state() -> None:
    config = fast_config(queued_seconds=0.01, dreaming_seconds=60, hold_seconds=0.3)
    with SimServer(config) as sim:
        async with httpx.AsyncClient(
            base_url=sim.base_url, headers={"Authorization": "Bearer sim-key"}
        ) as http:
            gen = await create(http)
            started = time.monotonic()
            answer = await wait_state(http, gen["id"], "completed")
            held = time.monotonic() - started
    assert answer["state"] == "dreaming"
    assert 0.25 <= held < WAIT


async def test_complete_now_wakes_a_long_poll(hooks: Hooks) -> None:
    with SimServer(fast_config(queued_seconds=60, hold_seconds=30)) as sim:
        sim.add_hook(hooks)
        async with httpx.AsyncClient(
            base_url=sim.base_url, headers={"Authorization": "Bearer sim-key"}
        ) as http:
            gen = await create(http)
            started = time.monotonic()
            sim.complete_now(gen["id"])
            answer = await wait_state(http, gen["id"])
    assert answer["state"] == "completed"
    assert time.monotonic() - started < WAIT
    assert hooks.of(gen["id"]) == ["created", "queued", "completed"]


async def test_failure_prompt_fails(client: httpx.AsyncClient, hooks: Hooks) -> None:
    gen = await create(client, prompt="a storm [fail]")
    answer = await wait_state(client, gen["id"], "completed")
    assert answer["state"] == "failed"
    assert answer["failure_reason"] == "The model could not render this prompt (simulated failure)."
    assert answer["assets"]["video"] is None
    assert hooks.of(gen["id"]) == ["created", "queued", "dreaming", "failed"]


@pytest.mark.parametrize(
    ("params", "status", "fragment"),
    [
        ({"state": "failed"}, 400, "cannot wait for failed; ask for completed"),
        ({"status": "failed"}, 400, "cannot wait for failed"),
        ({"state": "done"}, 422, "state must be one of"),
        ({}, 404, "not found"),
    ],
)
async def test_get_one_refusals(
    client: httpx.AsyncClient, params: dict[str, str], status: int, fragment: str
) -> None:
    gen = await create(client)
    gen_id = gen["id"] if params else str(uuid.uuid4())
    answer = await client.get(GET_ONE, params={"generation_id": gen_id, **params})
    assert answer.status_code == status
    assert fragment in answer.json()["message"]


async def test_get_one_without_id_is_422(client: httpx.AsyncClient) -> None:
    assert (await client.get(GET_ONE)).status_code == 422


async def _two(client: httpx.AsyncClient) -> tuple[str, str]:
    done = await completed(client)
    running = await create(client)
    return done["id"], running["id"]


@pytest.mark.parametrize("form", ["repeated", "brackets", "comma"])
async def test_fetch_many_param_spellings(client: httpx.AsyncClient, form: str) -> None:
    a, b = await _two(client)
    unknown = str(uuid.uuid4())
    ids = [a, unknown, b]
    if form == "repeated":
        params: Any = [("generation_ids", i) for i in ids]
    elif form == "brackets":
        params = [("generation_ids[]", i) for i in ids]
    else:
        params = {"generation_ids": ",".join(ids)}
    started = time.monotonic()
    answer = await client.get(GET_MANY, params=params)
    assert answer.status_code == 200
    items = answer.json()
    assert [item["id"] for item in items] == [a, b]  # unknown ids omitted
    # The second is still running: queued, or dreaming on a machine slow enough to
    # let its short queue pass before this request arrives.
    assert items[0]["state"] == "completed"
    assert items[1]["state"] in ("queued", "dreaming")
    assert items[0]["assets"]["video"]
    # Not held: a held answer would take the whole hold (a margin for a loaded machine).
    assert time.monotonic() - started < fast_config().hold_seconds


async def test_fetch_many_never_holds(client: httpx.AsyncClient) -> None:
    gen = await create(client)
    answer = await client.get(GET_MANY, params={"generation_ids": gen["id"], "status": "completed"})
    assert answer.json()[0]["state"] == "queued"


async def test_fetch_many_wrapped(sim: SimServer, client: httpx.AsyncClient) -> None:
    gen = await create(client)
    sim.faults.wrap_many = True
    answer = await client.get(GET_MANY, params={"generation_ids": gen["id"]})
    assert [item["id"] for item in answer.json()["generations"]] == [gen["id"]]


async def test_fetch_many_without_ids_is_422(client: httpx.AsyncClient) -> None:
    assert (await client.get(GET_MANY)).status_code == 422
    assert (await client.get(GET_MANY, params={"generation_ids": ","})).status_code == 422


async def test_unknown_paths_answer_json(client: httpx.AsyncClient) -> None:
    answer = await client.get("/v2/nothing")
    assert answer.status_code == 404
    assert answer.json()["statusCode"] == 404


async def test_spellings(sim: SimServer, client: httpx.AsyncClient) -> None:
    done = await completed(client)
    failed = await wait_state(client, (await create(client, prompt="[fail]"))["id"])
    running = await create(client, prompt="slow")
    gid, fid, rid = done["id"], failed["id"], running["id"]

    async def one(gen_id: str) -> dict[str, Any]:
        answer = await client.get(GET_ONE, params={"generation_id": gen_id})
        data: dict[str, Any] = answer.json()
        return data

    sim.faults.spelling = "unified"
    unified = await one(gid)
    assert unified["status"] == "completed"
    assert unified["video"]["url"].endswith(f"{gid}.mp4")
    assert unified["error"] is None
    assert (await one(fid))["status"] == "error"
    assert (await one(fid))["error"] == {"message": failed["failure_reason"]}
    assert (await one(rid))["status"] in ("queued", "generating")

    sim.faults.spelling = "flat"
    flat = await one(gid)
    assert flat["status"] == "completed"
    assert flat["video_url"].endswith(f"{gid}.mp4")
    assert (await one(fid))["error"] == failed["failure_reason"]

    sim.faults.spelling = "wrapped"
    assert (await one(gid))["data"]["state"] == "completed"
    created = await client.post(CREATE, json={"prompt": "wrapped"})
    assert created.json()["data"]["state"] == "queued"

    sim.faults.spelling = "weird_state"
    assert (await one(rid))["state"] == "warming_up"
    assert (await one(gid))["state"] == "completed"
    assert (await one(fid))["state"] == "failed"


async def test_generation_for_assertions(sim: SimServer, client: httpx.AsyncClient) -> None:
    done = await completed(client)
    assert sim.generation(done["id"]) == done
    with pytest.raises(KeyError):
        sim.generation(str(uuid.uuid4()))


def test_stop_is_idempotent_and_start_returns_self() -> None:
    sim = SimServer(SimConfig(port=0, video_port=0))
    assert sim.start() is sim
    assert sim.base_url.startswith("http://127.0.0.1:")
    assert sim.video_base_url != sim.base_url
    assert sim.start() is sim  # already running
    sim.stop()
    sim.stop()
    with pytest.raises(RuntimeError):
        sim.complete_now("x")
    with pytest.raises(RuntimeError):
        sim.start()
