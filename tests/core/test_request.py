"""GenerationRequest validation and the create body it produces (contract section 1)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from luma_desktop.core.catalogue import Route, model_named
from luma_desktop.core.request import (
    ASPECT_RATIOS,
    DURATIONS,
    MODELS,
    PROMPT_LIMIT,
    RESOLUTIONS,
    GenerationKeyframe,
    GenerationRequest,
    ImageKeyframe,
    InvalidRequest,
    is_generation_id,
)

CONTRACT_KEYS = {"prompt", "aspect_ratio", "loop", "model", "resolution", "duration", "keyframes"}
RAY3_KEYS = {
    *(CONTRACT_KEYS - {"keyframes"}),
    *("type", "hdr", "exr_export", "image_url", "last_image_url", "video_url"),
}
ENUM_FIELDS = {
    "aspect_ratio": ASPECT_RATIOS,
    "model": MODELS,
    "resolution": RESOLUTIONS,
    "duration": DURATIONS,
}
GEN_A = "0f8e3c52-7a1d-4b6e-9c2f-1d2e3f4a5b6c"
GEN_B = "a1b2c3d4-e5f6-4789-8abc-def012345678"

prompts = st.text(min_size=1, max_size=PROMPT_LIMIT).filter(lambda s: s.strip() != "")
generation_keyframes = st.uuids().map(lambda u: GenerationKeyframe(str(u)))
http_keyframes = st.builds(
    lambda scheme, host, path: ImageKeyframe(f"{scheme}://{host}/{path}"),
    st.sampled_from(["http", "https", "HTTPS"]),
    st.from_regex(r"[a-z0-9]{1,20}(\.[a-z0-9]{1,10}){1,3}", fullmatch=True),
    st.from_regex(r"[A-Za-z0-9_.~%/-]{0,40}", fullmatch=True),
)
keyframes = st.none() | generation_keyframes | http_keyframes


@st.composite
def valid_requests(draw: st.DrawFn) -> GenerationRequest:
    """Any request the catalogue allows, for any model, on the route it goes to first."""
    model = draw(st.none() | st.sampled_from(MODELS))
    spec = model_named(model)
    assert spec is not None
    frames = keyframes if spec.generation_keyframes else st.none() | http_keyframes
    hdr = spec.hdr and draw(st.booleans())
    durations = spec.hdr_durations if hdr else spec.durations
    resolutions = spec.hdr_resolutions if hdr else spec.resolutions
    return GenerationRequest(
        prompt=draw(prompts),
        aspect_ratio=draw(st.none() | st.sampled_from(spec.aspect_ratios)),
        loop=draw(st.booleans()),
        model=model,
        resolution=(
            draw(st.sampled_from(resolutions))
            if hdr
            else draw(st.none() | st.sampled_from(resolutions))
        ),
        duration=draw(st.none() | st.sampled_from([f"{d}s" for d in durations])),
        frame0=draw(frames),
        frame1=draw(frames),
        hdr=hdr,
        exr=hdr and draw(st.booleans()),
    )


def _check_body_types(body: dict[str, Any]) -> None:
    if "model" in body and "/" in str(body["model"]):
        _check_unified_body(body)
        return
    assert set(body) <= CONTRACT_KEYS
    assert isinstance(body["prompt"], str)
    for name, allowed in ENUM_FIELDS.items():
        if name in body:
            assert body[name] in allowed
    if "loop" in body:
        assert body["loop"] is True  # false is the default: not sent
    if "keyframes" in body:
        frames = body["keyframes"]
        assert frames  # never an empty object
        assert set(frames) <= {"frame0", "frame1"}
        for frame in frames.values():
            assert frame["type"] in ("image", "generation")
            key = "url" if frame["type"] == "image" else "id"
            assert set(frame) == {"type", key}
            assert isinstance(frame[key], str)


def _check_unified_body(body: dict[str, Any]) -> None:
    spec = model_named(body["model"])
    assert spec is not None
    assert body["model"] == spec.ids[Route.UNIFIED]
    if "duration" in body:
        assert isinstance(body["duration"], int)
        assert body["duration"] in spec.durations
    if spec.generation_keyframes:
        assert set(body) <= CONTRACT_KEYS
    else:
        assert "keyframes" not in body
        assert set(body) <= RAY3_KEYS


@given(valid_requests())
def test_valid_requests_pass_and_send_only_contract_keys(req: GenerationRequest) -> None:
    assert req.issues() == []
    assert req.validated() is req
    _check_body_types(req.to_body())


@given(valid_requests())
def test_body_round_trips(req: GenerationRequest) -> None:
    for route in req.spec.routes:
        body = req.to_body(route)
        _check_body_types(body)
        again = GenerationRequest.from_body(body)
        assert again.to_body(route) == body
        if route is Route.LUMA:
            assert again == req


@given(st.text(min_size=PROMPT_LIMIT + 1, max_size=PROMPT_LIMIT + 300))
def test_long_prompts_are_refused(prompt: str) -> None:
    issues = GenerationRequest(prompt).issues()
    assert [i.field for i in issues] == ["prompt"]


@given(st.sampled_from(sorted(ENUM_FIELDS)), st.text())
def test_values_outside_an_enum_are_refused(field: str, value: str) -> None:
    if value in ENUM_FIELDS[field]:
        return
    changes: dict[str, Any] = {field: value}
    request = GenerationRequest("a lighthouse at dusk", **changes)
    issues = request.issues()
    assert [i.field for i in issues] == [field]
    with pytest.raises(InvalidRequest) as caught:
        request.validated()
    assert caught.value.issues == issues


@given(keyframes, keyframes)
def test_parents_follow_frame_order(frame0: Any, frame1: Any) -> None:
    request = GenerationRequest("p", frame0=frame0, frame1=frame1)
    expected = [f.generation_id for f in (frame0, frame1) if isinstance(f, GenerationKeyframe)]
    assert request.parents() == expected


def test_parents_interpolate_order() -> None:
    request = GenerationRequest(
        "p", frame0=GenerationKeyframe(GEN_B), frame1=GenerationKeyframe(GEN_A)
    )
    assert request.parents() == [GEN_B, GEN_A]
    assert GenerationRequest("p", frame1=ImageKeyframe("https://e.com/a.png")).parents() == []


@pytest.mark.parametrize("prompt", ["", " ", "\n\t  ", "\u3000"])
def test_empty_prompt(prompt: str) -> None:
    issues = GenerationRequest(prompt).issues()
    assert [i.field for i in issues] == ["prompt"]
    assert "Write a prompt" in issues[0].message


def test_prompt_limit_is_exact() -> None:
    assert GenerationRequest("x" * PROMPT_LIMIT).issues() == []
    issues = GenerationRequest("x" * (PROMPT_LIMIT + 1)).issues()
    assert [i.field for i in issues] == ["prompt"]
    assert "1 character over" in issues[0].message


@pytest.mark.parametrize("bad", ["1234", "", GEN_A + "\n", GEN_A[:-1] + "g", "gen:" + GEN_A])
def test_bad_generation_id(bad: str) -> None:
    assert not is_generation_id(bad)
    issues = GenerationRequest("p", frame1=GenerationKeyframe(bad)).issues()
    assert [i.field for i in issues] == ["frame1"]
    assert "last frame" in issues[0].message


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.com/a.png",
        "file:///home/me/a.png",
        "javascript:alert(1)",
        "/home/me/a.png",
        "https://",
        "https://example.com/a b.png",
        "https://example.com/a.png\n",
        "data:text/plain;base64,aGk=",
    ],
)
def test_non_http_image_url(url: str) -> None:
    issues = GenerationRequest("p", frame0=ImageKeyframe(url)).issues()
    assert [i.field for i in issues] == ["frame0"]
    assert "first frame" in issues[0].message


def test_inline_image_is_allowed_and_flagged() -> None:
    request = GenerationRequest("p", frame0=ImageKeyframe("data:image/png;base64,iVBORw0KGgo="))
    assert request.issues() == []
    assert request.has_inline_images


def test_several_problems_are_reported_together() -> None:
    request = GenerationRequest("", aspect_ratio="2:1", model="ray-9", duration="5")
    with pytest.raises(InvalidRequest) as caught:
        request.validated()
    assert [i.field for i in caught.value.issues] == ["prompt", "aspect_ratio", "model", "duration"]
    assert "aspect_ratio:" in str(caught.value)


def test_defaults_send_only_the_prompt() -> None:
    assert GenerationRequest("a fox").to_body() == {"prompt": "a fox"}


def test_from_body_tolerates_odd_stored_bodies() -> None:
    odd = GenerationRequest.from_body({"prompt": None, "keyframes": ["frame0"]})
    assert odd.prompt == ""
    assert odd.frame0 is None
    extended = GenerationRequest.from_body(
        {"prompt": "p", "keyframes": {"frame0": {"type": "generation", "id": GEN_A}, "x": {}}}
    )
    assert extended.frame0 == GenerationKeyframe(GEN_A)
    assert extended.frame1 is None
