"""A frame larger than ``Limits.max_frame_pixels`` is refused from the stream's declared
size, before a decoder or a full-size frame buffer is made for it (a tiny file may claim
60000x60000): the thumbnail says so plainly, a frame grab raises."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from luma_desktop.core.clipinfo import first_frame, frame_at
from luma_desktop.core.ffmpeg import FFmpegError
from luma_desktop.core.limits import DEFAULT_LIMITS
from tests.encodes import EXR_FRAME, SDR, encode

SMALL = replace(DEFAULT_LIMITS, max_frame_pixels=64 * 36 - 1)  # the encodes are 64x36


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("frames")
    return {"sdr": encode(folder, *SDR), "exr": encode(folder, *EXR_FRAME)}


@pytest.mark.parametrize("name", ["sdr", "exr"])
def test_a_frame_past_the_pixel_limit_gets_no_picture_and_a_plain_reason(
    clips: dict[str, Path], name: str
) -> None:
    facts, picture = first_frame(clips[name], 90, SMALL)
    assert picture is None
    if name == "sdr":  # an EXR frame's tile says what it is ("EXR frame") instead
        assert "its frames are 64×36 pixels, too large to decode here" in facts.problem
    facts, picture = first_frame(clips[name], 90)  # at the default limit: a picture
    assert picture is not None, facts.problem


def test_a_frame_grab_past_the_pixel_limit_is_refused(clips: dict[str, Path]) -> None:
    with pytest.raises(FFmpegError, match="too large to decode here"):
        frame_at(clips["sdr"], 0, SMALL)
    picture = frame_at(clips["sdr"], 0)
    assert picture is not None
    assert (picture.width, picture.height) == (64, 36)
