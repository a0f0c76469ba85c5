"""A shot's own keyframes and parameters, and the board's it falls back on: stored in
the artist database, merged into the shot's request, damaged frames ignored."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import replace

import pytest

from luma_desktop.core.artist_db import open_artist_db
from luma_desktop.core.boards import (
    Boards,
    BoardSettings,
    Shot,
    keyframe_from_json,
    keyframe_json,
    only_params,
)
from luma_desktop.core.request import GenerationKeyframe, ImageKeyframe

GEN = "5a3c9c6e-3c1b-4f1e-9a51-2f7d7c1e0a11"
IMAGE = ImageKeyframe("data:image/jpeg;base64,AAAA", "/shots/dawn.jpg", "inline JPEG")


@pytest.fixture
def db() -> Iterator[sqlite3.Connection]:
    connection = open_artist_db(":memory:")
    yield connection
    connection.close()


def test_a_shot_takes_the_boards_parameters_unless_it_sets_its_own(
    db: sqlite3.Connection,
) -> None:
    boards = Boards(db)
    settings = BoardSettings(params={"model": "ray-flash-2", "resolution": "1080p", "loop": True})
    own = {"model": "ray-2", "resolution": "", "duration": "9s"}  # "": the model's default
    board = boards.create("Coast", (Shot("waves"), Shot("gulls", own)), settings)
    first, second = boards.get(board.board_id).shots
    one = first.request(None)
    assert (one.model, one.resolution, one.loop, one.duration) == (
        "ray-flash-2",
        "1080p",
        True,
        None,
    )
    two = second.request(GEN)
    assert (two.model, two.resolution, two.duration, two.loop) == ("ray-2", None, "9s", True)
    assert two.frame0 == GenerationKeyframe(GEN)  # it still extends the shot before

    # The board's parameters change: the shots without their own follow.
    boards.set_settings(board.board_id, replace(settings, params={"model": "ray-2"}))
    first = boards.get(board.board_id).shots[0]
    assert (first.request(None).model, first.request(None).resolution) == ("ray-2", None)
    assert boards.get(board.board_id).settings.params == {"model": "ray-2"}


def test_own_frames_start_the_shot_afresh_or_end_it_and_survive_a_duplicate(
    db: sqlite3.Connection,
) -> None:
    boards = Boards(db)
    start = Shot("dawn", {"frame0": keyframe_json(IMAGE)})
    end = Shot("dusk", {"frame1": keyframe_json(IMAGE)})
    board = boards.create("Day", (start, end))
    copy = boards.duplicate(board.board_id)
    start, end = copy.shots
    assert start.request(GEN).frame0 == IMAGE  # its own first frame, not the extension
    assert start.request(GEN).frame1 is None
    ending = end.request(GEN)
    assert (ending.frame0, ending.frame1) == (GenerationKeyframe(GEN), IMAGE)
    assert not ending.issues()


def test_damaged_stored_frames_and_unknown_values_are_left_out() -> None:
    assert keyframe_from_json(keyframe_json(IMAGE)) == IMAGE
    assert keyframe_from_json(keyframe_json(GenerationKeyframe(GEN))) == GenerationKeyframe(GEN)
    for damaged in (
        "not a frame",
        {"type": "image", "url": "file:///etc/passwd"},
        {"type": "image", "url": 4},
        {"type": "generation", "id": "not an id"},
    ):
        assert keyframe_from_json(damaged) is None
    shot = Shot("x", {"frame0": {"type": "image", "url": "javascript:alert(1)"}, "seed": 3})
    assert shot.request(None).frame0 is None
    assert only_params({"model": "ray-2", "seed": 3, "duration": None}) == {"model": "ray-2"}
    text = BoardSettings(params={"model": "ray-2", "seed": 3}).to_json()
    assert json.loads(text)["params"] == {"model": "ray-2"}
    assert BoardSettings.from_json('{"params": "junk"}').params == {}
