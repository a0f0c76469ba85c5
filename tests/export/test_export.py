"""Exports produce files that an independent FFmpeg (or Pillow) opens with the right
frame count, codec and size; a chain becomes one file; cancel leaves nothing behind."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PIL import Image

from luma_desktop.core.export import (
    ExportCancelled,
    ExportError,
    ExportFormat,
    ExportRequest,
    export,
    start,
    target_for,
)
from tests.export.media_cases import make_clip, probe


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("clips")
    return {
        "a": make_clip(folder / "a.mp4"),
        "b": make_clip(folder / "b.mp4", frames=10, source="testsrc"),
        "counter": make_clip(folder / "counter.mp4", source="testsrc"),  # every frame differs
        "wide": make_clip(folder / "wide.mp4", size="96x48", frames=6),
    }


def test_a_clip_copies_to_mp4_without_reencoding(clips: dict[str, Path], tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    result = export(
        ExportRequest((clips["a"],), tmp_path / "a.mp4", ExportFormat.MP4),
        lambda done, total: seen.append((done, total)),
    )
    assert probe(result.path) == (12, "h264", "64x48")
    assert (result.frames, result.width, result.height) == (12, 64, 48)
    assert seen[-1] == (12, 12)
    assert [d for d, _ in seen] == list(range(1, 13))


def test_a_chain_joins_into_one_mp4_in_order(clips: dict[str, Path], tmp_path: Path) -> None:
    result = export(
        ExportRequest(
            (clips["a"], clips["b"], clips["a"]), tmp_path / "chain.mp4", ExportFormat.MP4
        )
    )
    assert probe(result.path) == (34, "h264", "64x48")


def test_clips_of_different_sizes_cannot_be_joined_by_copy(
    clips: dict[str, Path], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(ExportError, match="ProRes"):
        export(ExportRequest((clips["a"], clips["wide"]), out / "mixed.mp4", ExportFormat.MP4))
    assert list(out.iterdir()) == []


def test_prores_hq_of_a_chain(clips: dict[str, Path], tmp_path: Path) -> None:
    result = export(
        ExportRequest((clips["a"], clips["b"]), tmp_path / "c.mov", ExportFormat.PRORES)
    )
    assert probe(result.path) == (22, "prores", "64x48")
    header = result.path.read_bytes()
    assert b"apch" in header  # the HQ profile's four-character code


def test_prores_of_clips_with_different_sizes_scales_to_the_first(
    clips: dict[str, Path], tmp_path: Path
) -> None:
    result = export(
        ExportRequest((clips["a"], clips["wide"]), tmp_path / "m.mov", ExportFormat.PRORES)
    )
    assert probe(result.path) == (18, "prores", "64x48")


@pytest.mark.parametrize("fmt", [ExportFormat.GIF, ExportFormat.WEBP])
def test_animations(fmt: ExportFormat, clips: dict[str, Path], tmp_path: Path) -> None:
    result = export(ExportRequest((clips["counter"],), tmp_path / f"a{fmt.suffix}", fmt, width=32))
    with Image.open(result.path) as image:
        assert image.format == fmt.value.upper()
        frames = int(getattr(image, "n_frames", 1))  # animated formats only (not in the stubs)
        assert (frames, image.size) == (12, (32, 24))
        # 24 fps: 12 frames last half a second (GIF rounds each to 10 ms, not the total)
        total = 0
        for index in range(frames):
            image.seek(index)
            image.load()  # WebP tells a frame's duration once it is read
            total += image.info["duration"]
        assert total == 500


def test_png_sequence(clips: dict[str, Path], tmp_path: Path) -> None:
    result = export(ExportRequest((clips["b"],), tmp_path / "shots", ExportFormat.PNG))
    files = sorted(result.path.iterdir())
    assert [f.name for f in files[:2]] == ["shots_00001.png", "shots_00002.png"]
    assert len(files) == 10
    with Image.open(files[-1]) as image:
        assert (image.format, image.size) == ("PNG", (64, 48))


@pytest.mark.parametrize("fmt", list(ExportFormat))
def test_cancel_leaves_nothing_behind(
    fmt: ExportFormat, clips: dict[str, Path], tmp_path: Path
) -> None:
    cancel = threading.Event()

    def progress(done: int, total: int) -> None:
        if done == 3:
            cancel.set()

    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(ExportCancelled):
        export(
            ExportRequest((clips["a"], clips["b"]), out / f"x{fmt.suffix}", fmt), progress, cancel
        )
    assert list(out.iterdir()) == []


def test_a_task_runs_off_the_calling_thread(clips: dict[str, Path], tmp_path: Path) -> None:
    threads: set[str] = set()
    task = start(
        ExportRequest((clips["a"],), tmp_path / "t.mov", ExportFormat.PRORES),
        lambda done, total: threads.add(threading.current_thread().name),
    )
    result = task.future.result(timeout=30)
    assert threads == {"export"}
    assert result.frames == 12


def test_a_missing_clip_is_a_plain_error(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="missing"):
        export(ExportRequest((tmp_path / "gone.mp4",), tmp_path / "x.mp4", ExportFormat.MP4))


def test_targets_never_overwrite(tmp_path: Path) -> None:
    first = target_for(tmp_path, "shot", ExportFormat.PRORES)
    first.write_bytes(b"")
    assert target_for(tmp_path, "shot", ExportFormat.PRORES).name == "shot-2.mov"
    assert target_for(tmp_path, "shot", ExportFormat.PNG).name == "shot"


def test_the_demo_clips_export_too(tmp_path: Path) -> None:
    """The simulator's clips are Motion-JPEG: copied as they are, or made ProRes."""
    from luma_desktop.sim.video import job_clip

    clip = tmp_path / "demo.mp4"
    clip.write_bytes(job_clip("g1", {"prompt": "a demo", "aspect_ratio": "1:1", "duration": "5s"}))
    frames, codec, size = probe(clip)
    copied = export(ExportRequest((clip, clip), tmp_path / "two.mp4", ExportFormat.MP4))
    assert probe(copied.path) == (2 * frames, codec, size)
    made = export(ExportRequest((clip,), tmp_path / "one.mov", ExportFormat.PRORES, width=64))
    assert probe(made.path) == (frames, "prores", "64x64")


def test_without_qts_ffmpeg_exports_say_why(
    clips: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from luma_desktop.core import ffmpeg

    monkeypatch.setenv("LUMA_DESKTOP_FFMPEG_DIR", str(tmp_path))
    ffmpeg.libs.cache_clear()
    try:
        assert "not found" in (ffmpeg.available() or "")
        with pytest.raises(ExportError, match="unavailable"):
            export(ExportRequest((clips["a"],), tmp_path / "x.mov", ExportFormat.PRORES))
    finally:
        monkeypatch.delenv("LUMA_DESKTOP_FFMPEG_DIR")
        ffmpeg.libs.cache_clear()
    assert ffmpeg.available() is None
