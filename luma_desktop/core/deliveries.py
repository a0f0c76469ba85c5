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

import logging
import shutil
import zipfile
from pathlib import Path

from luma_desktop.api.formats import HEAD_BYTES, ZIP, sniff, sniff_file
from luma_desktop.core.archives import ArchiveRefused, check_unpack, open_archive, usable_members
from luma_desktop.core.limits import DEFAULT_LIMITS, Limits

log = logging.getLogger(__name__)

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


def place(dest: Path, limits: Limits = DEFAULT_LIMITS) -> Path:
    """Move the complete download ``dest`` where it belongs; returns the job's file."""
    kind = sniff_file(str(dest))
    if kind is ZIP:
        return _place_archive(dest, limits)
    if not kind.usable or dest.suffix.lower() == kind.extension:
        return dest
    target = free_name(dest.with_suffix(kind.extension))
    dest.replace(target)
    return target


def _place_archive(dest: Path, limits: Limits) -> Path:
    if dest.name.endswith(FRAMES_SUFFIX):
        return dest  # placed already (the app stopped before the store heard of it)
    frames = free_name(frames_beside(dest))
    dest.replace(frames)
    # Video hardly compresses: a member claiming more than twice the archive is a bomb.
    bound = 2 * frames.stat().st_size + HEAD_BYTES
    clip = _take_out_video(frames, dest.with_suffix(""), bound, limits)
    return clip or frames


def _take_out_video(archive_path: Path, stem: Path, bound: int, limits: Limits) -> Path | None:
    """The first video in the archive, copied out beside it as the clip; None if none.

    The archive's size is checked before it is listed, and only plain, safely named
    members within the unpack bounds are read (:mod:`.archives`); the clip's name is
    ours, never the member's."""
    try:
        with open_archive(archive_path, limits) as archive:
            for info in usable_members(archive):
                try:
                    check_unpack(info, bound, limits)
                except ArchiveRefused:
                    continue
                with archive.open(info) as member:
                    kind = sniff(member.read(HEAD_BYTES))
                if not kind.video:
                    continue
                target = free_name(stem.with_name(stem.name + kind.extension))
                part = target.with_name(target.name + ".part")
                try:
                    with archive.open(info) as member, part.open("wb") as out:
                        # The size the archive declares was checked; a member that
                        # inflates past it fails its CRC check and raises BadZipFile.
                        shutil.copyfileobj(member, out, 1 << 20)
                except BaseException:
                    part.unlink(missing_ok=True)  # no half clip left beside the frames
                    raise
                part.replace(target)
                return target
    except ArchiveRefused as exc:
        log.warning("%s: no clip taken out: %s", archive_path.name, exc)
    except (zipfile.BadZipFile, RuntimeError, OSError):
        pass  # the frames stay the job's file; the tile says what they are
    return None


def _split(path: Path) -> tuple[str, str]:
    """``x.frames.zip`` → (``x``, ``.frames.zip``); ``x.mp4`` → (``x``, ``.mp4``)."""
    if path.name.endswith(FRAMES_SUFFIX):
        return path.name[: -len(FRAMES_SUFFIX)], FRAMES_SUFFIX
    return path.stem, path.suffix
