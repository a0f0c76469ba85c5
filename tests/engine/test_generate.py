"""A job from request to playable file, against the simulator over loopback."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from luma_desktop.core.events import EventKind, JobEvent
from luma_desktop.core.jobs import JobStatus
from luma_desktop.core.request import GenerationKeyframe, GenerationRequest, ImageKeyframe
from luma_desktop.core.store import JobStore
from luma_desktop.sim import SimServer
from tests.engine.conftest import EngineFactory, creates


async def test_generation_reaches_a_playable_file(
    sim: SimServer, make_engine: EngineFactory, events: list[JobEvent], store: JobStore, route: str
) -> None:
    engine = make_engine(sim)
    job = await engine.generate(GenerationRequest("a red fox in snow", aspect_ratio="16:9"))

    assert job.status is JobStatus.READY
    video = Path(job.video_path or "")
    data = video.read_bytes()
    assert data[4:8] == b"ftyp"
    assert len(data) > 10_000
    assert video.name.endswith(f"_a-red-fox-in-snow_{(job.generation_id or '')[:8]}.mp4")
    assert video.with_suffix(".json").exists()
    assert not video.with_name(video.name + ".part").exists()
    assert creates(sim) == 1
    assert sim.video_requests_with_auth == 0
    statuses = [e.job.status for e in events if e.kind is EventKind.CHANGED]
    assert statuses == [
        JobStatus.SUBMITTING,
        JobStatus.QUEUED,
        JobStatus.DREAMING,
        JobStatus.DOWNLOADING,
        JobStatus.READY,
    ]
    kept = store.get(job.local_id)
    assert kept.route == route
    if route == "luma":
        assert kept.tokens == 500_000
    else:  # the unified route says what it cost
        assert (job.generation_id or "").endswith(":luma/ray-2")
        assert kept.cost_credits == 120_000
        assert kept.cost_usd == 0.06
        assert sim.counts["get"] == 0  # never the other route
    assert kept.render_seconds is not None


async def test_polls_are_few(sim: SimServer, make_engine: EngineFactory, route: str) -> None:
    engine = make_engine(sim)
    await engine.generate(GenerationRequest("a lighthouse at dusk"))
    if route == "luma":
        # queued→dreaming, dreaming→completed: two held polls; plus the link and nothing else.
        assert sim.counts["get"] <= 3
    else:
        # no hold: the schedule (E = 0.3 s, floor 0.02 s) asks a bounded number of times
        assert 1 <= sim.counts["u_get"] <= 25
    assert creates(sim) == 1


async def test_failed_generation_keeps_the_servers_reason(
    sim: SimServer, make_engine: EngineFactory
) -> None:
    job = await make_engine(sim).generate(GenerationRequest("a storm [fail]"))
    assert job.status is JobStatus.FAILED
    assert "simulated failure" in (job.failure_reason or "")
    assert job.video_path is None


async def test_extend_backward_forward_and_interpolate_bodies(
    sim: SimServer, make_engine: EngineFactory, store: JobStore
) -> None:
    engine = make_engine(sim)
    first = await engine.generate(GenerationRequest("first clip"))
    second = await engine.generate(GenerationRequest("second clip"))
    a, b = first.generation_id or "", second.generation_id or ""

    forward = await engine.generate(
        GenerationRequest("go on", frame0=GenerationKeyframe(a), loop=True)
    )
    backward = await engine.generate(GenerationRequest("lead in", frame1=GenerationKeyframe(a)))
    bridge = await engine.generate(
        GenerationRequest("bridge", frame0=GenerationKeyframe(a), frame1=GenerationKeyframe(b))
    )
    image_end = await engine.generate(
        GenerationRequest(
            "ends on a picture",
            frame0=GenerationKeyframe(a),
            frame1=ImageKeyframe("https://images.example/end.jpg"),
        )
    )

    bodies = [_luma_shape(b) for b in sim.received_bodies[2:]]
    a, b = a.split(":")[0], b.split(":")[0]  # a keyframe names the uuid part
    assert bodies[0] == {
        "prompt": "go on",
        "loop": True,
        "keyframes": {"frame0": {"type": "generation", "id": a}},
    }
    assert bodies[1] == {
        "prompt": "lead in",
        "keyframes": {"frame1": {"type": "generation", "id": a}},
    }
    assert bodies[2]["keyframes"] == {
        "frame0": {"type": "generation", "id": a},
        "frame1": {"type": "generation", "id": b},
    }
    assert bodies[3]["keyframes"]["frame1"] == {
        "type": "image",
        "url": "https://images.example/end.jpg",
    }
    assert all(j.status is JobStatus.READY for j in (forward, backward, bridge, image_end))
    assert store.get(bridge.local_id).parents == (first.generation_id, second.generation_id)
    assert store.get(backward.local_id).parents == (first.generation_id,)


def _luma_shape(body: dict[str, Any]) -> dict[str, Any]:
    """A unified Ray 2 body without its model: the Luma route's body for the same request."""
    return {k: v for k, v in body.items() if k != "model"}


async def test_refused_request_is_recorded_not_lost(
    sim: SimServer, make_engine: EngineFactory
) -> None:
    unknown_parent = str(uuid.uuid4())
    job = await make_engine(sim).generate(
        GenerationRequest("continue", frame0=GenerationKeyframe(unknown_parent))
    )
    assert job.status is JobStatus.REFUSED
    assert job.error_kind == "validation"
    assert "server said" in (job.error_message or "")
    assert creates(sim) == 1


async def test_bad_key_is_a_definite_refusal(sim: SimServer, make_engine: EngineFactory) -> None:
    job = await make_engine(sim, key="wrong-key").generate(GenerationRequest("anything"))
    assert job.status is JobStatus.REFUSED
    assert job.error_kind == "auth"
    assert "wrong-key" not in (job.error_message or "")


async def test_no_key_sends_nothing(sim: SimServer, make_engine: EngineFactory) -> None:
    job = await make_engine(sim, key=None).generate(GenerationRequest("anything"))
    assert job.status is JobStatus.REFUSED
    assert job.error_kind == "auth"
    assert creates(sim) == 0


async def test_a_ready_clip_whose_file_vanished_downloads_again(
    sim: SimServer, make_engine: EngineFactory, store: JobStore
) -> None:
    engine = make_engine(sim)
    job = await engine.generate(GenerationRequest("keep me safe"))
    clip = Path(job.video_path or "")
    clip.unlink()
    sim.expire_links()  # and its CDN link expired meanwhile

    (again,) = await engine.resume_all()

    assert again.status is JobStatus.READY
    assert clip.read_bytes()[4:8] == b"ftyp"
    assert creates(sim) == 1
