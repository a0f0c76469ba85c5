"""Editorial timelines: a chain or a board as a cut an editor opens in their own tool.

OpenTimelineIO writes ``.otio``; its adapter plug-ins (installed with the app, found
through their entry points, no network) write FCP 7 XML (``.xml``: Premiere, Resolve,
Final Cut through its importer) and CMX 3600 EDL (``.edl``). Clips are referenced by
absolute path (a ``file://`` URL), not copied: the editor links to the files on disk.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from luma_desktop.core.media import Input

if TYPE_CHECKING:  # loaded when a timeline is written or read (~0.05-0.1 s), not at start-up
    import opentimelineio as otio


class TimelineFormat(StrEnum):
    OTIO = "otio_json"
    FCP_XML = "fcp_xml"
    EDL = "cmx_3600"

    @property
    def suffix(self) -> str:
        return {"otio_json": ".otio", "fcp_xml": ".xml", "cmx_3600": ".edl"}[self.value]

    @property
    def label(self) -> str:
        return {
            "otio_json": "OpenTimelineIO (.otio)",
            "fcp_xml": "Final Cut Pro 7 XML (.xml)",
            "cmx_3600": "CMX 3600 EDL (.edl)",
        }[self.value]


class TimelineError(Exception):
    """The timeline could not be written; the message is for the artist."""


@dataclass(frozen=True)
class Shot:
    path: Path  # the clip file
    name: str  # what the editor sees (a prompt's first words, a shot's title)
    frames: int
    rate: float  # frames per second


def describe(path: Path, name: str) -> Shot:
    """A clip file as a shot: its length and frame rate, read from the file."""
    source = Input(path)
    try:
        rate = source.frame_rate()
        fps = rate.num / rate.den if rate.num > 0 and rate.den > 0 else 24.0
        return Shot(path, name, source.count_packets(), fps)
    finally:
        source.close()


def build(title: str, shots: Sequence[Shot]) -> otio.schema.Timeline:
    """One video track: the shots back to back, each the whole of its file."""
    import opentimelineio as otio

    timeline = otio.schema.Timeline(name=title)
    track = otio.schema.Track(name="V1", kind=otio.schema.TrackKind.Video)
    timeline.tracks.append(track)
    for index, shot in enumerate(shots, start=1):
        whole = otio.opentime.TimeRange(
            otio.opentime.RationalTime(0, shot.rate),
            otio.opentime.RationalTime(shot.frames, shot.rate),
        )
        reference = otio.schema.ExternalReference(
            target_url=shot.path.resolve().as_uri(), available_range=whole
        )
        clip = otio.schema.Clip(
            name=shot.name or f"Shot {index}", media_reference=reference, source_range=whole
        )
        clip.metadata["cmx_3600"] = {"reel": _reel(index)}  # EDLs need a reel per source
        track.append(clip)
    return timeline


def write(path: Path, title: str, shots: Sequence[Shot], fmt: TimelineFormat) -> Path:
    if not shots:
        raise TimelineError("Nothing to put on a timeline: no clip is ready.")
    import opentimelineio as otio

    timeline = build(title, shots)
    try:
        otio.adapters.write_to_file(timeline, str(path), adapter_name=fmt.value)
    except Exception as exc:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        raise TimelineError(f"The {fmt.label} timeline could not be written: {exc}") from exc
    return path


def read_clips(path: Path) -> Iterator[tuple[str, str, int]]:
    """(name, target url, frames) of each clip in a written timeline, in order."""
    import opentimelineio as otio

    timeline = otio.adapters.read_from_file(str(path))
    for clip in timeline.find_clips():
        reference = clip.media_reference
        url = reference.target_url if isinstance(reference, otio.schema.ExternalReference) else ""
        yield clip.name, url, round(clip.source_range.duration.value)


def _reel(index: int) -> str:
    return f"SHOT{index:03d}"


def safe_name(text: str, limit: int = 40) -> str:
    """A prompt's first words, usable as a clip or file name."""
    words = re.sub(r"[^\w\- ]+", " ", text).split()
    name = " ".join(words)[:limit].strip()
    return name or "clip"
