"""Clips of every delivery format, made with a real FFmpeg at test time (imageio-ffmpeg):
recognised by content, saved under their real extension, refused plainly where they
must be, and never downloaded again in a loop."""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

from luma_desktop.api.formats import EXR, MKV, MOV, MP4, UNUSABLE, WEBM, ZIP, Delivery, sniff
from luma_desktop.core.jobs import JobStatus
from luma_desktop.core.recovery import rebuild_library
from luma_desktop.core.request import GenerationRequest
from luma_desktop.core.store import JobStore
from luma_desktop.sim import SimServer
from tests.encodes import encode
from tests.engine.conftest import EngineFactory

# name: (output file, FFmpeg output options, what it is)
ENCODES: dict[str, tuple[str, list[str], Delivery]] = {
    "h264 mp4": ("a.mp4", ["-c:v", "libx264", "-pix_fmt", "yuv420p"], MP4),
    "10-bit hevc mp4": (
        "b.mp4",
        ["-c:v", "libx265", "-pix_fmt", "yuv420p10le", "-tag:v", "hvc1"],
        MP4,
    ),
    "prores mov": ("c.mov", ["-c:v", "prores_ks", "-profile:v", "3"], MOV),
    "vp9 10-bit webm": ("d.webm", ["-c:v", "libvpx-vp9", "-pix_fmt", "yuv420p10le"], WEBM),
    "ffv1 mkv": ("e.mkv", ["-c:v", "ffv1"], MKV),
    "exr frame": ("f.exr", ["-frames:v", "1", "-c:v", "exr", "-pix_fmt", "gbrpf32le"], EXR),
}


def _encode(folder: Path, name: str, options: list[str]) -> bytes:
    return encode(folder, name, options).read_bytes()


def _frames_zip(folder: Path) -> bytes:
    png = _encode(folder, "frame.png", ["-frames:v", "1"])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for i in range(3):
            archive.writestr(f"frames/{i:04d}.png", png)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def deliveries(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[bytes, Delivery]]:
    folder = tmp_path_factory.mktemp("encodes")
    made = {name: (_encode(folder, out, opts), kind) for name, (out, opts, kind) in ENCODES.items()}
    made["zip of png frames"] = (_frames_zip(folder), ZIP)
    made["an html error page"] = (b"<!doctype html><title>502</title>" + b"x" * 2000, UNUSABLE)
    return made


@pytest.fixture
def route() -> str:
    return "unified"  # the route Ray 3.2's HDR and EXR deliveries come from


def test_each_format_is_recognised_by_its_content(
    deliveries: dict[str, tuple[bytes, Delivery]],
) -> None:
    for name, (data, kind) in deliveries.items():
        assert sniff(data[:64]) == kind, name


@pytest.mark.parametrize(
    "name", [*ENCODES, "zip of png frames"], ids=[*ENCODES, "zip of png frames"]
)
async def test_a_delivery_is_saved_under_its_real_extension(
    name: str,
    deliveries: dict[str, tuple[bytes, Delivery]],
    sim: SimServer,
    make_engine: EngineFactory,
    store: JobStore,
) -> None:
    data, kind = deliveries[name]
    sim.faults.delivery_bytes = data
    job = await make_engine(sim).generate(GenerationRequest("an hdr sunrise"))
    assert job.status is JobStatus.READY, job.error_message
    clip = Path(job.video_path or "")
    assert clip.suffix == kind.extension
    assert clip.read_bytes() == data
    assert not clip.with_suffix(".mp4").exists() or kind is MP4
    assert clip.with_suffix(".json").exists()
    assert store.ready_with_missing_files() == []  # the store knows the new name


async def test_an_unusable_delivery_is_refused_once_in_plain_words(
    deliveries: dict[str, tuple[bytes, Delivery]], sim: SimServer, make_engine: EngineFactory
) -> None:
    sim.faults.delivery_bytes = deliveries["an html error page"][0]
    job = await make_engine(sim).generate(GenerationRequest("a broken link"))
    assert job.status is JobStatus.FAILED
    assert job.error_kind == "unusable"
    assert "no video or frames" in (job.error_message or "")
    assert "<!doctype" in (job.error_message or "")
    assert sim.counts["video"] == 1  # refused, not fetched again
    assert not list(Path(job.video_path or "/nonexistent").parent.glob("*.part"))


# -- frames kept beside the clip ------------------------------------------------------------


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def exr_frames(deliveries: dict[str, tuple[bytes, Delivery]]) -> dict[str, bytes]:
    frame = deliveries["exr frame"][0]
    return {f"exr/{i:04d}.exr": frame for i in range(3)}


async def test_frames_only_are_kept_as_frames_and_found_again_from_their_sidecar(
    exr_frames: dict[str, bytes],
    sim: SimServer,
    make_engine: EngineFactory,
    store: JobStore,
    tmp_path: Path,
) -> None:
    sim.faults.delivery_bytes = _zip(exr_frames)
    job = await make_engine(sim).generate(GenerationRequest("an hdr sunrise", model="ray-3.2"))
    assert job.status is JobStatus.READY, job.error_message
    frames = Path(job.video_path or "")
    assert frames.name.endswith(".frames.zip")
    assert not frames.with_name(frames.name.removesuffix(".frames.zip") + ".mp4").exists()
    sidecar = json.loads(frames.with_suffix(".json").read_text())
    assert sidecar["file"] == frames.name
    # A damaged store: the library comes back from the sidecars, frames included.
    fresh = JobStore(tmp_path / "fresh.sqlite3")
    assert rebuild_library(fresh, frames.parent, sim.base_url) == 1
    (found,) = fresh.with_status(JobStatus.READY)
    assert found.video_path == str(frames)
    fresh.close()


async def test_a_video_and_frames_in_one_zip_give_the_clip_with_its_frames_beside(
    deliveries: dict[str, tuple[bytes, Delivery]],
    exr_frames: dict[str, bytes],
    sim: SimServer,
    make_engine: EngineFactory,
    store: JobStore,
    tmp_path: Path,
) -> None:
    video = deliveries["h264 mp4"][0]
    sim.faults.delivery_bytes = _zip({**exr_frames, "movie/clip.mp4": video})
    engine = make_engine(sim)
    job = await engine.generate(GenerationRequest("an hdr sunrise", model="ray-3.2"))
    assert job.status is JobStatus.READY, job.error_message
    clip = Path(job.video_path or "")
    assert clip.suffix == ".mp4"
    assert clip.read_bytes() == video  # the clip plays: the video taken out of the archive
    beside = clip.with_suffix(".frames.zip")
    assert sorted(zipfile.ZipFile(beside).namelist())[:3] == sorted(exr_frames)
    fresh = JobStore(tmp_path / "fresh.sqlite3")
    assert rebuild_library(fresh, clip.parent, sim.base_url) == 1
    assert fresh.with_status(JobStatus.READY)[0].video_path == str(clip)
    fresh.close()
    assert engine.delete(job.local_id) is None
    assert not clip.exists()
    assert not beside.exists()  # deleting the clip takes its frames too


async def test_an_archive_past_the_artists_limits_is_kept_as_frames_not_unpacked(
    deliveries: dict[str, tuple[bytes, Delivery]],
    exr_frames: dict[str, bytes],
    sim: SimServer,
    make_engine: EngineFactory,
) -> None:
    """The engine's limits (the ones Settings sets) reach the archive check: one entry
    past ``max_archive_entries`` and the video is not taken out; the job still finishes."""
    sim.faults.delivery_bytes = _zip({**exr_frames, "movie/clip.mp4": deliveries["h264 mp4"][0]})
    engine = make_engine(sim)
    engine.limits = replace(engine.limits, max_archive_entries=len(exr_frames))
    job = await engine.generate(GenerationRequest("an hdr sunrise", model="ray-3.2"))
    assert job.status is JobStatus.READY, job.error_message
    frames = Path(job.video_path or "")
    assert frames.name.endswith(".frames.zip")
    assert [p.suffix for p in frames.parent.iterdir() if p.suffix in (".mp4", ".part")] == []
