"""A fresh store after a damaged one: the library comes back from the clips' sidecars.

Each finished clip has a small JSON beside it (prompt, parameters, generation id,
parents); that is what sidecars are for. Sidecars are read like any outside input:
small files only, checked fields, anything odd skipped with a warning.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from luma_desktop.api.formats import EXTENSIONS
from luma_desktop.api.models import is_valid_generation_id
from luma_desktop.core.jobs import JobStatus
from luma_desktop.core.limits import DEFAULT_LIMITS
from luma_desktop.core.naming import OutsideFolder, inside
from luma_desktop.core.small_files import read_json_file
from luma_desktop.core.store import JobStore, StoreConflict

log = logging.getLogger(__name__)


def recovered_message(store: JobStore, folder: Path, base_url: str) -> str:
    """Rebuild after a damaged store was moved aside, and say so in plain words."""
    count = rebuild_library(store, folder, base_url)
    return (
        f"The job store was damaged; it was kept as {store.recovered_from} and a fresh one "
        f"started. {count} clip(s) were brought back into the library from their sidecar files."
    )


def rebuild_library(store: JobStore, folder: Path, base_url: str) -> int:
    """Add a ready job for every clip in ``folder`` with a usable sidecar; returns how many."""
    if not folder.is_dir():
        return 0
    added = 0
    for sidecar in sorted(folder.glob("*.json")):
        info = _read(sidecar)
        clip = _clip_of(sidecar, info)
        if info is None or clip is None:
            continue
        try:
            inside(folder, clip)
            if store.find_generation(info["generation_id"]) is not None:
                continue
            job = store.add(
                base_url=info.get("base_url") or base_url,
                prompt=info["prompt"],
                body=info["parameters"],
                parents=info["parents"],
                tokens=info["tokens"],
                status=JobStatus.READY,
                generation_id=info["generation_id"],
            )
            store.update(job.local_id, video_path=str(clip), server_state="completed")
            added += 1
        except (OutsideFolder, StoreConflict, OSError) as exc:
            log.warning("skipped %s: %s", sidecar.name, exc)
    return added


def _clip_of(sidecar: Path, info: dict[str, Any] | None) -> Path | None:
    """The file a sidecar describes: the one it names (a ``.mov``, ``.webm``, a
    ``.frames.zip`` of EXR frames), else the first delivery kind found under its name."""
    named = info.get("file") if info else None
    candidates = [sidecar.with_suffix(ext) for ext in EXTENSIONS]
    if isinstance(named, str) and named and "/" not in named and "\\" not in named:
        candidates.insert(0, sidecar.with_name(named))
    for clip in candidates:
        if clip.parent == sidecar.parent and clip.is_file():
            return clip
    return None


def _read(sidecar: Path) -> dict[str, Any] | None:
    try:
        data = read_json_file(sidecar, DEFAULT_LIMITS.max_stored_raw_bytes)
        gen_id = data["generation_id"]
        if not (isinstance(gen_id, str) and is_valid_generation_id(gen_id)):
            raise ValueError("no usable generation id")
        prompt, params = data.get("prompt"), data.get("parameters") or {}
        parents = data.get("parents") or []
        base_url = data.get("base_url")
        if not isinstance(prompt, str) or not isinstance(params, dict):
            raise ValueError("no prompt or parameters")
        if not isinstance(parents, list) or not all(isinstance(p, str) for p in parents):
            raise ValueError("unusable parents")
        tokens = data.get("estimated_tokens")
        return {
            "generation_id": gen_id,
            "prompt": prompt,
            "parameters": params,
            "parents": parents,
            "tokens": tokens if isinstance(tokens, int) else 0,
            "base_url": base_url if isinstance(base_url, str) else None,
            "file": data.get("file") if isinstance(data.get("file"), str) else None,
        }
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.warning("skipped sidecar %s: %s", sidecar.name, type(exc).__name__)
        return None
