"""The model catalogue and its rules: what each model and route takes, and the bodies."""

from __future__ import annotations

import pytest

from luma_desktop.core.catalogue import (
    MODELS,
    Route,
    RouteChoice,
    model_choices,
    model_named,
    route_for,
)
from luma_desktop.core.request import (
    GenerationKeyframe,
    GenerationRequest,
    ImageKeyframe,
    is_generation_id,
)
from luma_desktop.core.rules import Choice, why_not

UUID = "7c880e75-9892-4238-8464-49cb0c6deabd"
UNIFIED_ID = f"{UUID}:luma/ray-2"
CLIP = "https://cdn.example/clip.mp4"


def fields(request: GenerationRequest) -> list[str]:
    return [i.field for i in request.issues()]


def test_every_model_names_its_routes_and_ids() -> None:
    assert model_named("luma/ray-2") is MODELS["ray-2"]
    assert model_named("LUMA/RAY-3.2") is MODELS["ray-3.2"]
    assert model_named("ray-9") is None
    assert MODELS["ray-3.2"].routes == (Route.UNIFIED,)
    assert MODELS["ray-1-6"].routes == (Route.LUMA,)
    assert "luma/ray-flash-2" in model_choices()
    assert "luma/ray-1-6" not in model_choices()  # the unified route never served it


def test_automatic_goes_unified_where_it_can() -> None:
    assert route_for(None, MODELS["ray-2"]) is Route.UNIFIED
    assert route_for(RouteChoice.AUTO, MODELS["ray-1-6"]) is Route.LUMA
    assert route_for("luma", MODELS["ray-2"]) is Route.LUMA


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"aspect_ratio": "9:21"}, "aspect_ratio"),
        ({"resolution": "4k"}, "resolution"),
        ({"duration": "9s"}, "duration"),
        ({"hdr": True, "duration": "10s", "resolution": "720p"}, "hdr"),
        ({"hdr": True, "resolution": "540p"}, "hdr"),
        ({"exr": True}, "exr"),
        ({"frame0": GenerationKeyframe(UUID)}, "keyframes"),
        ({"route": "luma"}, "route"),
        ({"type": "video_edit"}, "video"),
        ({"type": "video_reframe", "video": CLIP}, "aspect_ratio"),
        ({"video": CLIP}, "video"),
        ({"type": "video_edit", "video": CLIP, "loop": True}, "loop"),
    ],
)
def test_ray_3_2_refuses_what_the_gateway_would(changes: dict[str, object], field: str) -> None:
    request = GenerationRequest("a harbour", model="ray-3.2", **changes)  # type: ignore[arg-type]
    assert field in fields(request)


def test_ray_3_2_takes_what_the_documentation_allows() -> None:
    for request in (
        GenerationRequest("a", model="luma/ray-3.2", resolution="360p", duration="10s"),
        GenerationRequest("a", model="ray-3.2", hdr=True, exr=True, resolution="1080p"),
        GenerationRequest("a", model="ray-3.2", hdr=True, duration="5s"),  # 720p by default
        GenerationRequest("a", model="ray-3.2", type="video_edit", video=CLIP),
        GenerationRequest(
            "a", model="ray-3.2", type="video_reframe", video=UNIFIED_ID, aspect_ratio="9:16"
        ),
    ):
        assert request.issues() == [], request


def test_other_models_refuse_ray_3_2_only_things() -> None:
    assert "hdr" in fields(GenerationRequest("a", hdr=True))
    assert "type" in fields(GenerationRequest("a", type="video_edit", video=CLIP))
    assert "route" in fields(GenerationRequest("a", model="ray-1-6", route="unified"))
    assert fields(GenerationRequest("a", model="ray-1-6")) == []  # automatic: the Luma route


def test_why_not_explains_a_disabled_choice() -> None:
    ray3 = Choice(model="ray-3.2", duration="10s")
    assert "5 s" in why_not(ray3, "hdr", True)
    assert "9:21" not in why_not(ray3, "aspect_ratio", "16:9")
    assert why_not(ray3, "aspect_ratio", "16:9") == ""
    assert "Ray 3.2 takes" in why_not(ray3, "aspect_ratio", "9:21")
    assert "HDR" in why_not(Choice(model="ray-3.2"), "exr", True)
    assert "unified" in why_not(Choice(model="ray-3.2"), "route", "luma")


def test_bodies_of_both_routes_for_ray_2() -> None:
    request = GenerationRequest(
        "go on", model="ray-2", duration="9s", frame0=GenerationKeyframe(UNIFIED_ID)
    )
    assert request.to_body(Route.LUMA) == {
        "prompt": "go on",
        "model": "ray-2",
        "duration": "9s",
        "keyframes": {"frame0": {"type": "generation", "id": UUID}},
    }
    assert request.to_body(Route.UNIFIED) == {
        "model": "luma/ray-2",
        "prompt": "go on",
        "duration": 9,
        "keyframes": {"frame0": {"type": "generation", "id": UUID}},
    }
    assert request.parents() == [UNIFIED_ID]  # the lineage keeps the id as returned


def test_unified_body_always_names_the_model() -> None:
    assert GenerationRequest("a fox").to_body(Route.UNIFIED) == {
        "model": "luma/ray-2",
        "prompt": "a fox",
    }


def test_ray_3_2_bodies_for_generate_modify_and_reframe() -> None:
    generate = GenerationRequest(
        "a",
        model="ray-3.2",
        frame0=ImageKeyframe("https://img.example/first.png"),
        frame1=ImageKeyframe("https://img.example/last.png"),
        hdr=True,
        exr=True,
        resolution="1080p",
        duration="5s",
    )
    assert generate.to_body() == {
        "model": "luma/ray-3.2",
        "prompt": "a",
        "resolution": "1080p",
        "duration": 5,
        "image_url": "https://img.example/first.png",
        "last_image_url": "https://img.example/last.png",
        "hdr": True,
        "exr_export": True,
    }
    modify = GenerationRequest("make it snow", model="ray-3.2", type="video_edit", video=CLIP)
    assert modify.to_body() == {
        "model": "luma/ray-3.2",
        "prompt": "make it snow",
        "type": "video_edit",
        "video_url": CLIP,
    }
    reframe = GenerationRequest(
        "same", model="ray-3.2", type="video_reframe", video=CLIP, aspect_ratio="9:16"
    )
    body = reframe.to_body()
    assert body["type"] == "video_reframe"
    assert body["aspect_ratio"] == "9:16"
    assert GenerationRequest.from_body(body) == reframe


def test_unified_ids_are_generation_ids() -> None:
    assert is_generation_id(UNIFIED_ID)
    assert is_generation_id(f"{UUID}:luma/ray-3.2")
    assert not is_generation_id(f"{UUID}:")
    assert not is_generation_id(f"{UUID}:luma/ray 2")
    assert not is_generation_id(f"{UUID}:luma/ray-2\n")
