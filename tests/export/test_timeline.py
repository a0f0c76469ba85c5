"""A chain as an editorial timeline: OpenTimelineIO (and its FCP XML / EDL adapters)
read back the right clips, in order, with their lengths, pointing at the files."""

from __future__ import annotations

from pathlib import Path

import pytest

from luma_desktop.core.timeline import (
    Shot,
    TimelineError,
    TimelineFormat,
    describe,
    read_clips,
    safe_name,
    write,
)
from tests.export.media_cases import make_clip


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> list[Shot]:
    folder = tmp_path_factory.mktemp("clips")
    return [
        describe(make_clip(folder / "one.mp4", frames=12), "Shot one"),
        describe(make_clip(folder / "two.mp4", frames=7, source="testsrc"), "Shot two"),
        describe(make_clip(folder / "three.mp4", frames=9), "Shot three"),
    ]


def test_clips_are_described_from_their_files(shots: list[Shot]) -> None:
    assert [(s.frames, s.rate) for s in shots] == [(12, 24.0), (7, 24.0), (9, 24.0)]


@pytest.mark.parametrize("fmt", list(TimelineFormat))
def test_timeline_reads_back_in_order(
    fmt: TimelineFormat, shots: list[Shot], tmp_path: Path
) -> None:
    path = write(tmp_path / f"cut{fmt.suffix}", "My board", shots, fmt)
    clips = list(read_clips(path))
    assert [frames for _, _, frames in clips] == [12, 7, 9]
    assert [Path(url).name for _, url, _ in clips] == ["one.mp4", "two.mp4", "three.mp4"]
    if fmt is not TimelineFormat.EDL:  # an EDL keeps reels and comments, not clip names
        assert [name for name, _, _ in clips] == ["Shot one", "Shot two", "Shot three"]


def test_an_empty_timeline_is_refused(tmp_path: Path) -> None:
    with pytest.raises(TimelineError, match="Nothing"):
        write(tmp_path / "x.otio", "Empty", [], TimelineFormat.OTIO)


def test_names_from_prompts() -> None:
    assert safe_name("A fox / in the *snow*, at dawn!") == "A fox in the snow at dawn"
    assert safe_name("???") == "clip"
