"""Route choice and fallback, Ray 3.2 through the engine, lost creates found in the log."""

from __future__ import annotations

import pytest

from luma_desktop.core.catalogue import Route
from luma_desktop.core.jobs import JobStatus
from luma_desktop.core.request import GenerationKeyframe, GenerationRequest, InvalidRequest
from luma_desktop.core.store import JobStore
from luma_desktop.sim import SimServer
from tests.engine.conftest import EngineFactory, FakeTime, creates, fast_policy


@pytest.fixture
def route() -> str:
    """These tests name their route setting themselves: run once, not once per route."""
    return "auto"


def _taken(sim: SimServer) -> list[str]:
    ids: list[str] = []
    sim.add_hook(lambda event, gen_id: ids.append(gen_id) if event == "created" else None)
    return ids


@pytest.mark.parametrize("missing", [404, 405])
async def test_automatic_falls_back_to_the_luma_route_once(
    sim: SimServer, make_engine: EngineFactory, store: JobStore, missing: int
) -> None:
    sim.faults.unified_route_status = missing
    taken = _taken(sim)
    engine = make_engine(sim, route_choice="auto")

    first = await engine.generate(GenerationRequest("an old gateway"))
    second = await engine.generate(GenerationRequest("remembered"))

    assert first.status is JobStatus.READY
    assert second.status is JobStatus.READY
    assert store.get(first.local_id).route == Route.LUMA.value
    assert store.get(first.local_id).body == {"prompt": "an old gateway"}
    assert len(taken) == 2  # exactly one create taken per job
    assert sim.counts["u_create"] == 1  # the second went to the Luma route directly
    assert sim.counts["create"] == 2
    assert [b["prompt"] for b in sim.received_bodies] == ["an old gateway", "remembered"]


async def test_no_fallback_when_the_artist_chose_the_unified_route(
    sim: SimServer, make_engine: EngineFactory
) -> None:
    sim.faults.unified_route_status = 404
    job = await make_engine(sim, route_choice="unified").generate(GenerationRequest("x"))
    assert job.status is JobStatus.REFUSED
    assert "no unified video route" in (job.error_message or "")
    assert creates(sim) == 1
    assert sim.counts["create"] == 0


async def test_ray_3_2_has_no_route_to_fall_back_to(
    sim: SimServer, make_engine: EngineFactory
) -> None:
    sim.faults.unified_route_status = 404
    job = await make_engine(sim, route_choice="auto").generate(
        GenerationRequest("x", model="ray-3.2")
    )
    assert job.status is JobStatus.REFUSED
    assert "Ray 3.2 is served only there" in (job.error_message or "")
    assert sim.counts["create"] == 0


async def test_ray_1_6_goes_to_the_luma_route_automatically(
    sim: SimServer, make_engine: EngineFactory
) -> None:
    job = await make_engine(sim, route_choice="auto").generate(
        GenerationRequest("retro", model="ray-1-6")
    )
    assert job.status is JobStatus.READY
    assert job.route == "luma"
    assert sim.counts["u_create"] == 0


@pytest.mark.parametrize(
    "request_",
    [
        GenerationRequest("x", model="ray-3.2", hdr=True, duration="10s"),
        GenerationRequest("x", model="ray-3.2", exr=True),
        GenerationRequest("x", model="ray-3.2", aspect_ratio="9:21"),
        GenerationRequest("x", model="ray-3.2", route="luma"),
        GenerationRequest("x", model="ray-1-6", route="unified"),
    ],
)
async def test_refused_combinations_send_nothing(
    sim: SimServer, make_engine: EngineFactory, store: JobStore, request_: GenerationRequest
) -> None:
    with pytest.raises(InvalidRequest):
        await make_engine(sim).generate(request_)
    assert creates(sim) == 0
    assert store.count() == 0


async def test_the_luma_route_setting_judges_ray_3_2_before_sending(
    sim: SimServer, make_engine: EngineFactory
) -> None:
    with pytest.raises(InvalidRequest, match="served only on the unified route"):
        await make_engine(sim, route_choice="luma").generate(
            GenerationRequest("x", model="ray-3.2")
        )
    assert creates(sim) == 0


async def test_ray_3_2_modify_and_reframe_a_clip_by_its_id(
    sim: SimServer, make_engine: EngineFactory, store: JobStore
) -> None:
    engine = make_engine(sim, route_choice="auto")
    source = await engine.generate(GenerationRequest("a harbour", model="ray-3.2"))
    assert source.status is JobStatus.READY
    sim.expire_links()  # the stored link is stale by now: a fresh one is fetched

    modified = await engine.generate(
        GenerationRequest(
            "the same harbour in snow",
            model="ray-3.2",
            type="video_edit",
            video=source.generation_id,
        )
    )
    reframed = await engine.generate(
        GenerationRequest(
            "the same harbour",
            model="ray-3.2",
            type="video_reframe",
            video=source.generation_id,
            aspect_ratio="9:16",
        )
    )

    edit_body, reframe_body = sim.received_bodies[1:]
    assert edit_body["type"] == "video_edit"
    assert edit_body["video_url"].startswith(sim.video_base_url)
    assert edit_body["video_url"] != source.video_url  # the fresh link
    assert reframe_body["type"] == "video_reframe"
    assert reframe_body["aspect_ratio"] == "9:16"
    for job in (modified, reframed):
        assert job.status is JobStatus.READY
        assert store.get(job.local_id).parents == (source.generation_id,)


async def test_ray_3_2_extends_from_an_image_not_a_generation(
    sim: SimServer, make_engine: EngineFactory
) -> None:
    engine = make_engine(sim, route_choice="auto")
    with pytest.raises(InvalidRequest, match="last frame"):
        await engine.generate(
            GenerationRequest("go on", model="ray-3.2", frame0=GenerationKeyframe("a" * 8))
        )


async def test_a_lost_create_is_adopted_once_its_log_row_appears(
    sim: SimServer, make_engine: EngineFactory, store: JobStore
) -> None:
    fake = FakeTime()
    sim.ledger.clock = fake.clock  # the log's delay runs on the engine's clock
    sim.config.log_delay_seconds = 30.0
    sim.faults.drop_creates_after_accept = 1
    taken = _taken(sim)
    policy = fast_policy(clock=fake.clock, sleep=fake.sleep, lookup_delays=(5.0, 10.0, 20.0, 40.0))
    engine = make_engine(sim, policy, route_choice="auto")

    job = await engine.generate(GenerationRequest("answer lost"))

    assert job.status is JobStatus.READY
    assert job.generation_id == taken[0]
    assert creates(sim) == 1
    assert sim.counts["logs"] == 3  # 5 s and 15 s: not yet; 35 s: there
    assert fake.sleeps[:3] == [5.0, 10.0, 20.0]
    assert store.get(job.local_id).route == "unified"
