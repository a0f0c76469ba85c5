"""The job store: SQLite in WAL mode, the one source of truth for every job.

A job is written as ``submitting`` *before* its create request leaves, so a crash
at any moment leaves a row that says what happened (or that we cannot know).
"""

from __future__ import annotations

import json
import sqlite3
import time
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import fields
from enum import StrEnum
from pathlib import Path
from typing import Any

from luma_desktop.core.jobs import JobRecord, JobStatus

_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    local_id TEXT PRIMARY KEY,
    generation_id TEXT UNIQUE,
    status TEXT NOT NULL,
    base_url TEXT NOT NULL,
    prompt TEXT NOT NULL,
    body TEXT NOT NULL,
    parents TEXT NOT NULL DEFAULT '[]',
    tokens INTEGER NOT NULL,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    server_state TEXT,
    video_url TEXT,
    video_path TEXT,
    thumb_path TEXT,
    failure_reason TEXT,
    error_kind TEXT,
    error_message TEXT,
    raw TEXT
);
CREATE INDEX IF NOT EXISTS jobs_status ON jobs(status);
CREATE INDEX IF NOT EXISTS jobs_created ON jobs(created_at DESC);
"""
_SCHEMA_VERSION = 1
_JSON_COLUMNS = frozenset({"body", "parents", "raw"})
_COLUMNS = tuple(f.name for f in fields(JobRecord))
_LIGHT = ", ".join(c for c in _COLUMNS if c != "raw")


class JobStore:
    """Thread-confined: use it from the thread that opened it (the event loop's)."""

    def __init__(self, path: Path | str) -> None:
        if isinstance(path, Path):
            path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._db = sqlite3.connect(str(path), isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: durable across app crashes
        self._db.execute("PRAGMA busy_timeout=5000")
        self._db.executescript(_SCHEMA)
        self._db.execute(f"PRAGMA user_version={_SCHEMA_VERSION}")

    def close(self) -> None:
        self._db.close()

    def add(
        self,
        *,
        base_url: str,
        prompt: str,
        body: Mapping[str, Any],
        parents: Iterable[str],
        tokens: int,
        status: JobStatus = JobStatus.SUBMITTING,
        generation_id: str | None = None,
    ) -> JobRecord:
        """Write a new job (write-ahead: before its create request leaves)."""
        now = time.time()
        record = JobRecord(
            local_id=str(uuid.uuid4()),
            status=status,
            base_url=base_url,
            prompt=prompt,
            body=body,
            parents=tuple(parents),
            tokens=tokens,
            created_at=now,
            updated_at=now,
            generation_id=generation_id,
        )
        values = [_to_sql(name, getattr(record, name)) for name in _COLUMNS]
        marks = ", ".join("?" * len(_COLUMNS))
        self._db.execute(f"INSERT INTO jobs ({', '.join(_COLUMNS)}) VALUES ({marks})", values)  # noqa: S608
        return record

    def update(self, local_id: str, **changes: Any) -> JobRecord:
        unknown = set(changes) - set(_COLUMNS)
        if unknown:
            raise TypeError(f"unknown job fields: {sorted(unknown)}")
        changes["updated_at"] = time.time()
        assigns = ", ".join(f"{name} = ?" for name in changes)
        values = [_to_sql(name, value) for name, value in changes.items()]
        cursor = self._db.execute(
            f"UPDATE jobs SET {assigns} WHERE local_id = ?",  # noqa: S608 (names checked above)
            [*values, local_id],
        )
        if cursor.rowcount != 1:
            raise KeyError(local_id)
        return self.get(local_id)

    def get(self, local_id: str) -> JobRecord:
        row = self._db.execute("SELECT * FROM jobs WHERE local_id = ?", (local_id,)).fetchone()
        if row is None:
            raise KeyError(local_id)
        return _from_row(row)

    def find_generation(self, generation_id: str) -> JobRecord | None:
        row = self._db.execute(
            "SELECT * FROM jobs WHERE generation_id = ?", (generation_id,)
        ).fetchone()
        return _from_row(row) if row else None

    def with_status(self, *statuses: JobStatus) -> list[JobRecord]:
        marks = ", ".join("?" * len(statuses))
        rows = self._db.execute(
            f"SELECT * FROM jobs WHERE status IN ({marks}) ORDER BY created_at",  # noqa: S608
            [s.value for s in statuses],
        ).fetchall()
        return [_from_row(r) for r in rows]

    def recent(self, limit: int = 200, offset: int = 0) -> list[JobRecord]:
        rows = self._db.execute(
            "SELECT * FROM jobs ORDER BY created_at DESC LIMIT ? OFFSET ?", (limit, offset)
        ).fetchall()
        return [_from_row(r) for r in rows]

    def count(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM jobs").fetchone()[0])

    def search(
        self, text: str = "", statuses: Iterable[JobStatus] = (), limit: int = -1
    ) -> list[JobRecord]:
        """Jobs whose prompt contains ``text`` (any case), newest first.

        For lists of thousands: the last raw answer (``raw``) is left out; ``get``
        has it."""
        where, args = ["prompt LIKE ? ESCAPE '\\'"], [f"%{_escape_like(text)}%"]
        wanted = [s.value for s in statuses]
        if wanted:
            where.append(f"status IN ({', '.join('?' * len(wanted))})")
            args.extend(wanted)
        rows = self._db.execute(
            f"SELECT {_LIGHT} FROM jobs WHERE {' AND '.join(where)} "  # noqa: S608 (fixed)
            "ORDER BY created_at DESC LIMIT ?",
            [*args, limit],
        ).fetchall()
        return [_from_row(r) for r in rows]

    def children(self, generation_id: str) -> list[JobRecord]:
        """Jobs that have ``generation_id`` among their parents (they extend it)."""
        rows = self._db.execute(
            "SELECT * FROM jobs WHERE parents LIKE ? ORDER BY created_at",
            (f'%"{generation_id}"%',),
        ).fetchall()
        return [_from_row(r) for r in rows if generation_id in json.loads(r["parents"])]

    def ready_with_missing_files(self) -> list[str]:
        """Local ids of ready jobs whose clip is gone or partial (to download again)."""
        rows = self._db.execute(
            "SELECT local_id, video_path FROM jobs WHERE status = ?", (JobStatus.READY.value,)
        ).fetchall()
        return [r["local_id"] for r in rows if not r["video_path"] or not _is_file(r["video_path"])]

    def delete(self, local_id: str) -> None:
        self._db.execute("DELETE FROM jobs WHERE local_id = ?", (local_id,))

    def mark_interrupted_submissions(self) -> list[JobRecord]:
        """At start-up, a ``submitting`` row means a create whose answer was lost."""
        stuck = self.with_status(JobStatus.SUBMITTING)
        return [
            self.update(
                job.local_id,
                status=JobStatus.UNKNOWN,
                error_kind="unknown",
                error_message="Luma Desktop stopped while this request was being sent: it may "
                "or may not have been taken (and charged). Adopt it by id or discard it.",
            )
            for job in stuck
        ]


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _is_file(path: str) -> bool:
    return Path(path).is_file()


def _to_sql(name: str, value: Any) -> Any:
    if name in _JSON_COLUMNS:
        return None if value is None else json.dumps(list(value) if name == "parents" else value)
    if isinstance(value, StrEnum):
        return value.value
    return value


def _from_row(row: sqlite3.Row) -> JobRecord:
    present = row.keys()
    data: dict[str, Any] = {n: row[n] if n in present else None for n in _COLUMNS}
    for name in _JSON_COLUMNS:
        if data[name] is not None:
            data[name] = json.loads(data[name])
    data["parents"] = tuple(data["parents"] or ())
    data["status"] = JobStatus(data["status"])
    return JobRecord(**data)
