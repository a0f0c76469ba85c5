"""The simulator's jobs kept in a small JSON file, so demo work survives a restart.

Demo mode runs a fresh simulator each session on a fresh port; without this, a job
still dreaming when the window closed would be polled at a gateway that no longer
knows it. With ``SimConfig.state_file`` set, every job (its request, state and
failure reason) is written on each change, and read back at start: unfinished jobs
carry on dreaming from the state they were in. Links are not kept (a fetch issues a
fresh one). Only the newest ``KEEP`` jobs are kept, so the file stays small.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

KEEP = 500
VERSION = 1


def load(path: Path) -> list[dict[str, Any]]:
    """The jobs written last time, oldest first; nothing when absent or unreadable."""
    try:
        data = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        return []
    except (OSError, ValueError, RecursionError) as exc:  # nested too deeply: RecursionError
        log.warning("the simulator's job file %s is unreadable (%s); starting empty", path, exc)
        return []
    jobs = data.get("jobs") if isinstance(data, dict) else None
    if not isinstance(jobs, list):
        return []
    return [j for j in jobs if _valid(j)]


def _valid(job: object) -> bool:
    return (
        isinstance(job, dict)
        and isinstance(job.get("id"), str)
        and isinstance(job.get("created_at"), str)
        and isinstance(job.get("request"), dict)
        and isinstance(job.get("state"), str)
    )


def save(path: Path, jobs: list[dict[str, Any]]) -> None:
    """Write the newest ``KEEP`` jobs atomically (a crash leaves the old file whole)."""
    tmp = path.with_name(path.name + ".tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(json.dumps({"version": VERSION, "jobs": jobs[-KEEP:]}), "utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        # Demo work is worth keeping but not worth stopping the simulator for.
        log.warning("could not write the simulator's job file %s: %s", path, exc)
        with contextlib.suppress(OSError):
            tmp.unlink()
