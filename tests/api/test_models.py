"""The tolerant parser: every spelling onto one model, unknown states never success."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from luma_desktop.api.models import (
    ResponseFormatError,
    State,
    parse_generation,
    parse_generation_list,
)

GEN_ID = "0b8f2a8e-6a4e-4a59-9d4f-5a2c2d9a1e11"


@pytest.mark.parametrize(
    ("data", "state", "video", "reason"),
    [
        (
            {"id": GEN_ID, "state": "completed", "assets": {"video": "https://c/v.mp4"}},
            State.COMPLETED,
            "https://c/v.mp4",
            None,
        ),
        ({"id": GEN_ID, "status": "generating"}, State.DREAMING, None, None),
        (
            {"id": GEN_ID, "status": "completed", "video": {"url": "https://c/u.mp4"}},
            State.COMPLETED,
            "https://c/u.mp4",
            None,
        ),
        (
            {"id": GEN_ID, "status": "completed", "video_url": "https://c/f.mp4"},
            State.COMPLETED,
            "https://c/f.mp4",
            None,
        ),
        (
            {"id": GEN_ID, "status": "error", "error": {"message": "nsfw"}},
            State.FAILED,
            None,
            "nsfw",
        ),
        ({"id": GEN_ID, "state": "failed", "failure_reason": "bad"}, State.FAILED, None, "bad"),
        ({"data": {"id": GEN_ID, "state": "queued"}}, State.QUEUED, None, None),
    ],
)
def test_spellings(
    data: dict[str, Any], state: State, video: str | None, reason: str | None
) -> None:
    generation = parse_generation(data)
    assert generation.id == GEN_ID
    assert generation.state is state
    assert generation.video_url == video
    assert generation.failure_reason == reason


def test_unknown_state_is_still_running_never_success() -> None:
    generation = parse_generation({"id": GEN_ID, "state": "warming_up"})
    assert generation.state is State.DREAMING
    assert not generation.state_known
    assert generation.raw_state == "warming_up"


def test_inline_images_are_not_kept_in_raw() -> None:
    data_uri = "data:image/png;base64," + "A" * 100_000
    generation = parse_generation(
        {"id": GEN_ID, "state": "queued", "request": {"keyframes": {"frame0": {"url": data_uri}}}}
    )
    kept = generation.raw["request"]["keyframes"]["frame0"]["url"]
    assert kept.startswith("data:image/png;base64,…")
    assert len(kept) < 100


def test_list_shapes() -> None:
    item = {"id": GEN_ID, "state": "queued"}
    for shape in ([item], {"generations": [item]}, {"data": [item]}):
        assert [g.id for g in parse_generation_list(shape)] == [GEN_ID]


@pytest.mark.parametrize("bad", [None, 3, "text", [], {"state": "queued"}, {"id": ""}])
def test_not_a_generation(bad: object) -> None:
    with pytest.raises(ResponseFormatError):
        parse_generation(bad)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)


@given(json_values)
def test_parser_never_crashes_on_arbitrary_json(data: object) -> None:
    """Anything the server sends either parses or is a ResponseFormatError."""
    try:
        generation = parse_generation(data)
    except ResponseFormatError:
        return
    assert isinstance(generation.state, State)


@given(
    state=st.text(max_size=15),
    extra=st.dictionaries(st.sampled_from(["video", "assets", "error", "x"]), json_values),
)
def test_only_known_spellings_of_done_are_success(state: str, extra: dict[str, Any]) -> None:
    generation = parse_generation({"id": GEN_ID, "state": state, **extra})
    if generation.state is State.COMPLETED:
        assert state.strip().lower() in {"completed", "complete", "succeeded", "success"}
