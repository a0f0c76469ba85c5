"""The engine continues a clip through its frame wherever a Ray 3.2 request names it by
id: the CLI's ``--frame0 gen:<id>``, and another take of a Ray 3.2 extension rebuilt
from its stored body (where the frame was kept shortened, marked with its clip)."""

from __future__ import annotations

from pathlib import Path

import pytest

from luma_desktop.core.jobs import JobStatus
from luma_desktop.core.lineage import continues
from luma_desktop.core.request import GenerationKeyframe, GenerationRequest, InvalidRequest
from luma_desktop.sim import SimServer
from tests.engine.conftest import EngineFactory, creates


@pytest.fixture
def route() -> str:
    return "auto"  # Ray 3.2 is served on the unified route only


async def test_a_clip_named_by_id_goes_through_its_last_frame(
    sim: SimServer, make_engine: EngineFactory
) -> None:
    engine = make_engine(sim)
    clip = await engine.generate(GenerationRequest("a kite over the dunes"))
    assert clip.generation_id
    frame0 = GenerationKeyframe(clip.generation_id)

    ext = await engine.generate(GenerationRequest("it climbs", model="ray-3.2", frame0=frame0))

    assert ext.status is JobStatus.READY
    body = sim.received_bodies[-1]
    assert body["image_url"].startswith("data:image/")
    assert "keyframes" not in body
    assert ext.parents == (clip.generation_id,)
    assert continues(ext) == clip.generation_id

    # Another take, rebuilt from what was stored: the frame is taken again, not the
    # shortened copy sent.
    again = GenerationRequest.from_body(dict(ext.body))
    assert again.frame0 == frame0
    take = await engine.generate(again)
    assert take.status is JobStatus.READY
    resent = sim.received_bodies[-1]["image_url"]
    assert resent.startswith("data:image/")
    assert "…" not in resent
    assert resent == body["image_url"]  # the same last frame
    assert take.parents == (clip.generation_id,)


async def test_a_clip_whose_file_is_gone_is_refused_before_sending(
    sim: SimServer, make_engine: EngineFactory
) -> None:
    engine = make_engine(sim)
    clip = await engine.generate(GenerationRequest("a kite over the dunes"))
    Path(clip.video_path or "").unlink()
    sent = creates(sim)
    request = GenerationRequest(
        "it climbs", model="ray-3.2", frame0=GenerationKeyframe(clip.generation_id or "")
    )
    with pytest.raises(InvalidRequest, match="not on this computer"):
        await engine.generate(request)
    assert creates(sim) == sent
