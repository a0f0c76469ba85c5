"""Continuing a clip through its frames (Ray 3.2 has no generation-id keyframes): the
frame taken from the clip on disk, the rule of when, and the request it makes."""

from __future__ import annotations

import io
import time
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageStat

from luma_desktop.core.continuation import (
    End,
    FrameUnavailable,
    by_frame,
    clip_frame,
    frame_png,
    through_frames,
)
from luma_desktop.core.jobs import JobRecord, JobStatus
from luma_desktop.core.request import GenerationKeyframe, GenerationRequest, ImageKeyframe
from luma_desktop.sim.clipmaker import ClipSpec, _Painter, render_clip

SPEC = ClipSpec(seed="0f6c1bd8", prompt="a lighthouse at dusk", seconds=1, fps=6)
RAY2_ID = "7c880e75-9892-4238-8464-49cb0c6deabd"
RAY32_ID = "8d991f86-0000-4238-8464-49cb0c6deabd:luma/ray-3.2"


def _clip(tmp_path: Path, model: str = "ray-2", gen_id: str = RAY2_ID) -> JobRecord:
    path = tmp_path / "clip.mp4"
    path.write_bytes(render_clip(SPEC))
    now = time.time()
    return JobRecord(
        local_id="local-1",
        status=JobStatus.READY,
        base_url="http://127.0.0.1:1",
        prompt=SPEC.prompt,
        body={"model": model, "prompt": SPEC.prompt},
        parents=(),
        tokens=0,
        created_at=now,
        updated_at=now,
        generation_id=gen_id,
        video_path=str(path),
    )


def _distance(a: Image.Image, b: Image.Image) -> float:
    diff = ImageChops.difference(a.convert("RGB"), b.convert("RGB"))
    return sum(ImageStat.Stat(diff).mean) / 3


def test_the_last_and_first_frames_are_taken_from_the_file(tmp_path: Path) -> None:
    clip = _clip(tmp_path)
    painter = _Painter(SPEC)
    drawn = [painter.frame(i) for i in range(SPEC.frame_count)]
    last = Image.open(io.BytesIO(frame_png(Path(clip.video_path or ""), End.LAST)))
    first = Image.open(io.BytesIO(frame_png(Path(clip.video_path or ""), End.FIRST)))
    assert last.size == SPEC.size
    # Each is by far the nearest to the frame drawn at its end (moving orbs, timecode);
    # JPEG's loss and the colour range keep none of them identical.
    for taken, index in ((last, len(drawn) - 1), (first, 0)):
        distances = [_distance(taken, d) for d in drawn]
        others = [d for i, d in enumerate(distances) if i != index]
        assert distances[index] < 0.6 * min(others), distances


def test_a_clip_frame_is_an_image_keyframe_that_names_its_clip(tmp_path: Path) -> None:
    clip = _clip(tmp_path)
    keyframe = clip_frame(clip)
    assert keyframe.url.startswith("data:image/")
    assert (keyframe.clip, keyframe.clip_end) == (RAY2_ID, "last")
    request = GenerationRequest("on", model="ray-3.2", frame0=keyframe)
    assert request.issues() == []
    assert request.parents() == [RAY2_ID]  # the lineage still names the clip
    body = request.to_body()
    assert body["image_url"] == keyframe.url
    assert "keyframes" not in body


def test_a_missing_file_says_so(tmp_path: Path) -> None:
    clip = _clip(tmp_path)
    Path(clip.video_path or "").unlink()
    with pytest.raises(FrameUnavailable, match="not on this computer"):
        clip_frame(clip)


def test_when_a_clip_is_continued_by_its_frame(tmp_path: Path) -> None:
    ray2, ray32 = _clip(tmp_path), _clip(tmp_path, "luma/ray-3.2", RAY32_ID)
    assert not by_frame("ray-2", ray2)
    assert by_frame("ray-3.2", ray2)  # the model has no generation-id keyframes
    assert by_frame("ray-2", ray32)  # nor did the model that made the clip
    assert by_frame("luma/ray-3.2", None)


async def test_a_request_goes_through_frames_only_where_it_must(tmp_path: Path) -> None:
    clip = _clip(tmp_path)
    found = {RAY2_ID: clip}
    by_id = GenerationRequest("on", model="ray-2", frame0=GenerationKeyframe(RAY2_ID))
    assert await through_frames(by_id, found.get) == by_id
    ray32 = GenerationRequest(
        "on", model="ray-3.2", frame0=GenerationKeyframe(RAY2_ID), frame1=None
    )
    assert ray32.issues()  # as it stands, Ray 3.2 refuses it
    sent = await through_frames(ray32, found.get)
    assert isinstance(sent.frame0, ImageKeyframe)
    assert sent.frame0.clip == RAY2_ID
    assert sent.frame0.clip_end == "last"
    assert sent.issues() == []
    leading = GenerationRequest("before", model="ray-3.2", frame1=GenerationKeyframe(RAY2_ID))
    sent = await through_frames(leading, found.get)
    assert isinstance(sent.frame1, ImageKeyframe)
    assert sent.frame1.clip_end == "first"
    assert sent.to_body()["last_image_url"].startswith("data:image/")
    with pytest.raises(FrameUnavailable, match="not in the library"):
        await through_frames(ray32, lambda _id: None)
