"""Continuing a clip through its frames (Ray 3.2 has no generation-id keyframes): the
frame taken from the clip on disk, the rule of when, and the request it makes."""

from __future__ import annotations

import base64
import io
import time
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageStat

from luma_desktop.core.clipinfo import first_frame
from luma_desktop.core.continuation import (
    End,
    FrameUnavailable,
    by_frame,
    clip_frame,
    frame_png,
    through_frames,
)
from luma_desktop.core.images import prepare_image_bytes
from luma_desktop.core.jobs import JobRecord, JobStatus
from luma_desktop.core.request import GenerationKeyframe, GenerationRequest, ImageKeyframe
from luma_desktop.sim.clipmaker import ClipSpec, _Painter, render_clip
from tests.encodes import HDR10, HLG, encode

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


@pytest.mark.parametrize("made", [HDR10, HLG], ids=["pq", "hlg"])
def test_an_hdr_clip_frame_is_tone_mapped_like_its_thumbnail(
    tmp_path: Path, made: tuple[str, list[str]]
) -> None:
    """The keyframe taken from an HDR clip (a Ray 3.2 extension, "As first" in the
    player) is the SDR picture its thumbnail shows, not swscale's flat code values."""
    name, options = made
    path = encode(tmp_path, name, options)
    untagged = encode(tmp_path, "plain.mp4", options[:-2])  # same codes, no transfer
    facts, thumb = first_frame(path, 36)
    _plain_facts, codes = first_frame(untagged, 36)
    assert facts.transfer in ("PQ", "HLG")
    assert thumb is not None
    assert codes is not None
    thumbnail = Image.frombytes("RGB", (thumb.width, thumb.height), thumb.rgb)
    flat = Image.frombytes("RGB", (codes.width, codes.height), codes.rgb)
    assert thumb.rgb != codes.rgb  # the mapping shows: the checks below can fail

    taken = Image.open(io.BytesIO(frame_png(path, End.FIRST)))
    assert taken.convert("RGB").tobytes() == thumb.rgb
    clip = replace(_clip(tmp_path, "ray-3.2", RAY32_ID), video_path=str(path))
    keyframe = clip_frame(clip, End.FIRST)
    # What is sent is the thumbnail's picture through the same preparation (JPEG or
    # PNG), pixel for pixel; the flat code values would be sent otherwise.
    assert _pixels(keyframe) == _pixels(prepare_image_bytes(_png(thumbnail), "thumbnail"))
    assert _pixels(keyframe) != _pixels(prepare_image_bytes(_png(flat), "codes"))


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _pixels(keyframe: ImageKeyframe) -> bytes:
    data = base64.b64decode(keyframe.url.split(",", 1)[1])
    return Image.open(io.BytesIO(data)).convert("RGB").tobytes()
