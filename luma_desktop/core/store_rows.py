"""A job row and a :class:`JobRecord`, both ways: every row checked as strictly as an
answer from the network (a row that cannot be loaded is skipped with a warning), the
raw answer capped when written.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Iterable
from dataclasses import fields
from enum import StrEnum
from pathlib import Path
from typing import Any

from luma_desktop.api.models import is_valid_generation_id
from luma_desktop.core.jobs import JobErrorKind, JobRecord, JobStatus
from luma_desktop.core.limits import DEFAULT_LIMITS
from luma_desktop.core.small_files import loads

log = logging.getLogger(__name__)

ROUTES = (None, "luma", "unified")

JSON_COLUMNS = frozenset({"body", "parents", "raw"})

COLUMNS = tuple(f.name for f in fields(JobRecord))

LIGHT_COLUMNS = ", ".join(c for c in COLUMNS if c != "raw")


def load_row(row: sqlite3.Row) -> JobRecord | None:
    try:
        return from_row(row)
    except (ValueError, TypeError, KeyError) as exc:  # JSONDecodeError is a ValueError
        local = row["local_id"] if "local_id" in row.keys() else "?"  # noqa: SIM118 (Row)
        log.warning(
            "skipped job %r: its row cannot be loaded (%s)", str(local)[:40], type(exc).__name__
        )
        return None


def load_rows(rows: Iterable[sqlite3.Row]) -> list[JobRecord]:
    return [job for job in map(load_row, rows) if job is not None]


def to_sql(name: str, value: Any) -> Any:
    if name == "raw" and value is not None:
        return capped_raw(value)
    if name in JSON_COLUMNS:
        return None if value is None else json.dumps(list(value) if name == "parents" else value)
    if isinstance(value, StrEnum):
        return value.value
    return value


def capped_raw(value: Any) -> str:
    """The last raw answer, for diagnostics: whole when small, its head when not."""
    text = json.dumps(value)
    limit = DEFAULT_LIMITS.max_stored_raw_bytes
    if len(text.encode()) <= limit:
        return text
    head = text.encode()[: limit - 256].decode("utf-8", "ignore")
    return json.dumps({"truncated_from_bytes": len(text.encode()), "head": head})


def from_row(row: sqlite3.Row) -> JobRecord:
    """One row, checked as strictly as an answer from the network."""
    present = row.keys()
    data: dict[str, Any] = {n: row[n] if n in present else None for n in COLUMNS}
    for name in JSON_COLUMNS:
        if data[name] is not None:
            data[name] = loads(data[name])  # too deep is a ValueError, not RecursionError
    if not isinstance(data["body"], dict) or not isinstance(data["parents"] or [], list):
        raise TypeError("body or parents of the wrong type")
    data["parents"] = tuple(str(p) for p in data["parents"] or ())
    data["status"] = JobStatus(data["status"])
    for text in ("local_id", "base_url", "prompt"):
        if not isinstance(data[text], str):
            raise TypeError(f"{text} is not text")
    gen_id = data["generation_id"]
    if gen_id is not None and not (isinstance(gen_id, str) and is_valid_generation_id(gen_id)):
        raise ValueError("unusable generation id")
    path = data["video_path"]
    if path is not None and not (
        isinstance(path, str) and "\0" not in path and Path(path).is_absolute()
    ):
        raise ValueError("unusable clip path")
    data["error_kind"] = JobErrorKind.parse(data["error_kind"])
    if data["route"] not in ROUTES:
        data["route"] = None  # read as the Luma route, where every older job went
    for number in ("cost_credits", "cost_usd", "render_seconds", "cleared_at"):
        value = data[number]
        if not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
            data[number] = None
    return JobRecord(**data)
