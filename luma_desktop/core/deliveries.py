"""Where a downloaded delivery is kept: the clip under its real extension, frames beside it.

How Ray 3.2's EXR export comes back is not documented. Whatever it is, the artist gets:

- a video (MP4/MOV/WebM/Matroska): the clip, renamed to its real extension;
- a zip holding a video and frames: the video taken out as the clip (``<clip>.mp4``),
  the archive kept beside it as ``<clip>.frames.zip``;
- a zip of frames only: ``<clip>.frames.zip`` is the job's file (its tile says what it
  holds, the player refuses it with "Open folder");
- one EXR frame: ``<clip>.exr``.

Pure file work, no network: the download step calls it once the bytes are complete.
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

from luma_desktop.api.formats import HEAD_BYTES, ZIP, sniff, sniff_file

FRAMES_SUFFIX = ".frames.zip"


def frames_beside(clip: Path) -> Path:
    """Where the frames that came with ``clip`` are kept (``x.mp4`` → ``x.frames.zip``)."""
    return clip.with_suffix(FRAMES_SUFFIX)


def free_name(target: Path) -> Path:
    """``target``, or ``name-2.ext``, ``name-3.ext``… when it is taken."""
    if not target.exists():
        return target
    stem, suffix = _split(target)
    n = 2
    while (candidate := target.with_name(f"{stem}-{n}{suffix}")).exists():
        n += 1
    return candidate


def place(dest: Path) -> Path:
    """Move the complete download ``dest`` where it belongs; returns the job's file."""
    kind = sniff_file(str(dest))
    if kind is ZIP:
        return _place_archive(dest)
    if not kind.usable or dest.suffix.lower() == kind.extension:
        return dest
    target = free_name(dest.with_suffix(kind.extension))
    dest.replace(target)
    return target


def _place_archive(dest: Path) -> Path:
    if dest.name.endswith(FRAMES_SUFFIX):
        return dest  # placed already (the app stopped before the store heard of it)
    frames = free_name(frames_beside(dest))
    dest.replace(frames)
    # Video hardly compresses: a member claiming more than twice the archive is a bomb.
    bound = 2 * frames.stat().st_size + HEAD_BYTES
    clip = _take_out_video(frames, dest.with_suffix(""), bound)
    return clip or frames


def _take_out_video(archive_path: Path, stem: Path, max_clip_bytes: int) -> Path | None:
    """The first video in the archive, copied out beside it as the clip; None if none."""
    try:
        with zipfile.ZipFile(archive_path) as archive:
            for info in archive.infolist():
                if info.is_dir() or info.file_size > max_clip_bytes:
                    continue
                with archive.open(info) as member:
                    kind = sniff(member.read(HEAD_BYTES))
                if not kind.video:
                    continue
                target = free_name(stem.with_name(stem.name + kind.extension))
                part = target.with_name(target.name + ".part")
                with archive.open(info) as member, part.open("wb") as out:
                    # The size the archive declares was checked; a member that inflates
                    # past it fails its CRC check in zipfile and raises BadZipFile.
                    shutil.copyfileobj(member, out, 1 << 20)
                part.replace(target)
                return target
    except (zipfile.BadZipFile, RuntimeError, OSError):
        return None  # the frames stay the job's file; the tile says what they are
    return None


def _split(path: Path) -> tuple[str, str]:
    """``x.frames.zip`` → (``x``, ``.frames.zip``); ``x.mp4`` → (``x``, ``.mp4``)."""
    if path.name.endswith(FRAMES_SUFFIX):
        return path.name[: -len(FRAMES_SUFFIX)], FRAMES_SUFFIX
    return path.stem, path.suffix
