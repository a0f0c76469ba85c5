"""The job store: SQLite in WAL mode, the one source of truth for every job.

A job is written as ``submitting`` *before* its create request leaves, so a crash
at any moment leaves a row that says what happened (or that we cannot know).

Nothing in the file is trusted either: a store that cannot be opened is moved
aside (never deleted) and a fresh one started (:attr:`JobStore.recovered_from`
says so; :mod:`luma_desktop.core.recovery` rebuilds the library from the clips'
sidecars); a row that cannot be loaded is skipped with a warning; the raw answer
kept per job is capped; the file is readable by its owner only.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import time
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from luma_desktop.core.jobs import JobErrorKind, JobRecord, JobStatus
from luma_desktop.core.paths import ensure_private_dir
from luma_desktop.core.store_file import (
    is_corruption,
    move_aside,
    open_db,
    private_file,
    unavailable_message,
)
from luma_desktop.core.store_rows import COLUMNS, LIGHT_COLUMNS, load_row, load_rows, to_sql

log = logging.getLogger(__name__)


class StoreUnavailable(Exception):
    """The store cannot be opened or written (read-only or full folder); plain words."""


class StoreConflict(Exception):
    """The gateway gave a generation id that another job already holds."""


class JobStore:
    """Thread-confined: use it from the thread that opened it (the event loop's)."""

    def __init__(self, path: Path | str) -> None:
        self.path = path
        self.recovered_from: Path | None = None  # where a corrupt store was moved aside
        try:
            if isinstance(path, Path):
                ensure_private_dir(path.parent)
                private_file(path)
            try:
                self._db = open_db(path)
            except sqlite3.DatabaseError as exc:
                if not isinstance(path, Path) or not is_corruption(exc):
                    raise
                self.recovered_from = move_aside(path)
                log.warning("the job store was damaged; moved to %s", self.recovered_from)
                private_file(path)
                self._db = open_db(path)
        except (OSError, sqlite3.OperationalError) as exc:
            raise StoreUnavailable(unavailable_message(path, exc)) from None

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
        route: str | None = None,
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
            route=route,
        )
        values = [to_sql(name, getattr(record, name)) for name in COLUMNS]
        marks = ", ".join("?" * len(COLUMNS))
        with self._conflicts(generation_id):
            self._db.execute(f"INSERT INTO jobs ({', '.join(COLUMNS)}) VALUES ({marks})", values)  # noqa: S608
        return record

    @contextlib.contextmanager
    def _conflicts(self, generation_id: object) -> Iterator[None]:
        """A duplicate generation id (or a full disk) in plain words, not an sqlite error."""
        try:
            yield
        except sqlite3.IntegrityError as exc:
            if "generation_id" not in str(exc):
                raise
            raise StoreConflict(
                f"The gateway gave generation id {str(generation_id)[:80]} to two jobs; "
                "the other job already holds it. This one is kept apart."
            ) from None
        except sqlite3.OperationalError as exc:
            raise StoreUnavailable(unavailable_message(self.path, exc)) from None

    def update(self, local_id: str, **changes: Any) -> JobRecord:
        unknown = set(changes) - set(COLUMNS)
        if unknown:
            raise TypeError(f"unknown job fields: {sorted(unknown)}")
        changes["updated_at"] = time.time()
        assigns = ", ".join(f"{name} = ?" for name in changes)
        values = [to_sql(name, value) for name, value in changes.items()]
        with self._conflicts(changes.get("generation_id")):
            cursor = self._db.execute(
                f"UPDATE jobs SET {assigns} WHERE local_id = ?",  # noqa: S608 (names checked)
                [*values, local_id],
            )
        if cursor.rowcount != 1:
            raise KeyError(local_id)
        return self.get(local_id)

    def get(self, local_id: str) -> JobRecord:
        row = self._db.execute("SELECT * FROM jobs WHERE local_id = ?", (local_id,)).fetchone()
        if row is None:
            raise KeyError(local_id)
        job = load_row(row)
        if job is None:
            raise KeyError(local_id)  # unloadable: to every reader it is not there
        return job

    def find_generation(self, generation_id: str) -> JobRecord | None:
        row = self._db.execute(
            "SELECT * FROM jobs WHERE generation_id = ?", (generation_id,)
        ).fetchone()
        return load_row(row) if row else None

    def generation_ids_starting(self, prefix: str, limit: int = 5) -> list[str]:
        """Generation ids that start with ``prefix`` (a short id typed by a person)."""
        pattern = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        rows = self._db.execute(
            "SELECT DISTINCT generation_id FROM jobs WHERE generation_id LIKE ? ESCAPE '\\' "
            "LIMIT ?",
            (pattern, limit),
        ).fetchall()
        return [str(row[0]) for row in rows]

    def find_video_url(self, url: str) -> JobRecord | None:
        """The job whose clip was served at ``url`` (a modify/reframe source)."""
        row = self._db.execute("SELECT * FROM jobs WHERE video_url = ? LIMIT 1", (url,)).fetchone()
        return load_row(row) if row else None

    def with_status(self, *statuses: JobStatus) -> list[JobRecord]:
        marks = ", ".join("?" * len(statuses))
        rows = self._db.execute(
            f"SELECT * FROM jobs WHERE status IN ({marks}) ORDER BY created_at",  # noqa: S608
            [s.value for s in statuses],
        ).fetchall()
        return load_rows(rows)

    def recent(self, limit: int = 200, offset: int = 0) -> list[JobRecord]:
        rows = self._db.execute(
            "SELECT * FROM jobs ORDER BY created_at DESC LIMIT ? OFFSET ?", (limit, offset)
        ).fetchall()
        return load_rows(rows)

    def render_times(self, model: str, route: str, limit: int = 20) -> list[float]:
        """How long the latest clips of ``model`` (as sent) took on ``route``, newest first."""
        rows = self._db.execute(
            "SELECT render_seconds FROM jobs WHERE route = ? AND render_seconds IS NOT NULL "
            "AND json_extract(body, '$.model') = ? ORDER BY created_at DESC LIMIT ?",
            (route, model, limit),
        ).fetchall()
        return [float(r[0]) for r in rows if isinstance(r[0], int | float) and r[0] >= 0]

    def count(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM jobs").fetchone()[0])

    def search(
        self, text: str = "", statuses: Iterable[JobStatus] = (), limit: int = -1
    ) -> list[JobRecord]:
        """Jobs whose prompt contains ``text`` (any case), newest first.

        For lists of thousands: the last raw answer (``raw``) is left out; ``get``
        has it."""
        return load_rows(
            self._db.execute(*_search(LIGHT_COLUMNS, text, statuses, limit)).fetchall()
        )

    def created_since(self, since: float) -> list[JobRecord]:
        """Jobs created at or after ``since`` (a time.time()), newest first: today's
        spend reads these on every job change, never the whole library."""
        sql = f"SELECT {LIGHT_COLUMNS} FROM jobs WHERE created_at >= ? ORDER BY created_at DESC"  # noqa: S608 (fixed)
        return load_rows(self._db.execute(sql, (since,)).fetchall())

    def search_prompts(
        self, text: str = "", statuses: Iterable[JobStatus] = ()
    ) -> list[tuple[str, str]]:
        """The local ids and prompts ``search`` finds, in its order: a big library loads
        only these up front, and its rows' records a page at a time (``get_many``)."""
        cursor = self._db.cursor()
        cursor.row_factory = None  # plain tuples: 100,000 sqlite3.Row objects cost 50 ms
        return cursor.execute(*_search("local_id, prompt", text, statuses)).fetchall()

    def get_many(self, local_ids: Sequence[str]) -> list[JobRecord]:
        """The records of these local ids, as ``search`` loads them; unknown ids are left out."""
        marks = ", ".join("?" * len(local_ids))
        sql = f"SELECT {LIGHT_COLUMNS} FROM jobs WHERE local_id IN ({marks})"  # noqa: S608 (fixed)
        return load_rows(self._db.execute(sql, list(local_ids)).fetchall())

    def children(self, generation_id: str) -> list[JobRecord]:
        """Jobs that have ``generation_id`` among their parents (they extend it)."""
        rows = self._db.execute(
            "SELECT * FROM jobs WHERE parents LIKE ? ORDER BY created_at",
            (f'%"{generation_id}"%',),
        ).fetchall()
        return [j for j in load_rows(rows) if generation_id in j.parents]

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
                error_kind=JobErrorKind.UNKNOWN,
                error_message="Luma Desktop stopped while this request was being sent: it may "
                "or may not have been taken (and charged). Adopt it by id or discard it.",
            )
            for job in stuck
        ]


def _search(
    columns: str, text: str, statuses: Iterable[JobStatus], limit: int = -1
) -> tuple[str, list[Any]]:
    """The query of ``search``: prompt text (any case) and statuses, newest first."""
    where, args = ["prompt LIKE ? ESCAPE '\\'"], [f"%{_escape_like(text)}%"]
    if not text:  # everything: no LIKE to test on every row
        where, args = ["1"], []
    wanted = [s.value for s in statuses]
    if wanted:
        where.append(f"status IN ({', '.join('?' * len(wanted))})")
        args.extend(wanted)
    # The columns and placeholders are fixed text; every value is a parameter.
    sql = f"SELECT {columns} FROM jobs WHERE {' AND '.join(where)} ORDER BY created_at DESC"  # noqa: S608
    return sql + " LIMIT ?", [*args, limit]


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _is_file(path: str) -> bool:
    return Path(path).is_file()
