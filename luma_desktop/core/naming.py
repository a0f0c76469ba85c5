"""Meaningful clip names (date, prompt slug, short tag) that never collide, and sidecars.

No name holds a raw generation id (it comes from the network): only a sanitized
tag of it. Every path written here is checked to resolve inside its folder, so
neither a hostile id nor a symlink planted in the folder can aim a write elsewhere.
"""

from __future__ import annotations

import json
import logging
import re
import unicodedata
from datetime import datetime
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

SLUG_WORDS = 6
SLUG_CHARS = 40


def slug(text: str) -> str:
    """``"A cat, on the Moon!"`` → ``"a-cat-on-the-moon"``; ASCII, short, never empty."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())[:SLUG_WORDS]
    return "-".join(words)[:SLUG_CHARS].strip("-") or "clip"


def id_tag(generation_id: str) -> str:
    """Eight letters or digits of an id, for a file name; never a path, never empty."""
    return "".join(c for c in generation_id if c.isascii() and c.isalnum())[:8].lower() or "gen"


class OutsideFolder(ValueError):
    """A path to write does not resolve inside the folder it belongs to."""


def inside(folder: Path, path: Path) -> Path:
    """``path`` if it resolves inside ``folder`` (symlinks followed), else OutsideFolder."""
    root = folder.resolve()
    resolved = path.resolve()
    if resolved.parent != root and root not in resolved.parents:
        raise OutsideFolder(f"{path.name} would be written outside {folder}")
    return path


def clip_path(folder: Path, created: datetime, prompt: str, generation_id: str) -> Path:
    """A free path like ``2026-11-25_1301_a-cat-on-the-moon_1a2b3c4d.mp4``."""
    stem = f"{created:%Y-%m-%d_%H%M}_{slug(prompt)}_{id_tag(generation_id)}"
    candidate = folder / f"{stem}.mp4"
    n = 2
    while candidate.exists() or candidate.with_name(candidate.name + ".part").exists():
        candidate = folder / f"{stem}-{n}.mp4"
        n += 1
    return inside(folder, candidate)


def write_sidecar(video: Path, info: dict[str, Any]) -> Path:
    """A small JSON beside the clip with its prompt and parameters, for pipelines."""
    sidecar = inside(video.parent, video.with_suffix(".json"))
    tmp = inside(video.parent, sidecar.with_name(sidecar.name + ".tmp"))
    tmp.write_text(json.dumps(info, indent=2, ensure_ascii=False), encoding="utf-8")
    tmp.replace(sidecar)
    return sidecar


def remove_clip_files(video_path: str | None, thumb_path: str | None) -> str | None:
    """Delete a clip, its partial download, its sidecar and its thumbnail.

    The clip first: a message (and nothing else touched) when it cannot be deleted,
    so its row can stay and the clip can still be found. Leftovers beside it are only
    logged: a stray sidecar is not worth keeping the row for."""
    extras: list[Path] = []
    if video_path:
        video = Path(video_path)
        try:
            video.unlink(missing_ok=True)
        except OSError as exc:
            return f"{video} could not be deleted ({exc.strerror or exc})."
        extras = [video.with_name(video.name + ".part"), video.with_suffix(".json")]
        # Frames that came with the clip live beside it (core.deliveries.frames_beside).
        extras.append(video.with_suffix(".frames.zip"))
    if thumb_path:
        extras.append(Path(thumb_path))
    for path in extras:
        try:
            path.unlink(missing_ok=True)
        except OSError as exc:
            log.warning("could not delete %s: %s", path, exc)
    return None
