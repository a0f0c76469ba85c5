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
import json
import logging
import os
import sqlite3
import time
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import fields
from enum import StrEnum
from pathlib import Path
from typing import Any

from luma_desktop.api.models import is_valid_generation_id
from luma_desktop.core.jobs import JobErrorKind, JobRecord, JobStatus
from luma_desktop.core.limits import DEFAULT_LIMITS
from luma_desktop.core.paths import ensure_private_dir

log = logging.getLogger(__name__)

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
# Columns added after version 1, added in place to an older store (never rebuilt).
_ADDED_COLUMNS = (
    ("route", "TEXT"),
    ("cost_credits", "REAL"),
    ("cost_usd", "REAL"),
    ("render_seconds", "REAL"),
)
_SCHEMA_VERSION = 2
_ROUTES = (None, "luma", "unified")
_JSON_COLUMNS = frozenset({"body", "parents", "raw"})
_COLUMNS = tuple(f.name for f in fields(JobRecord))
_LIGHT = ", ".join(c for c in _COLUMNS if c != "raw")


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
                _private_file(path)
            try:
                self._db = _open(path)
            except sqlite3.DatabaseError as exc:
                if not isinstance(path, Path) or not _is_corruption(exc):
                    raise
                self.recovered_from = _move_aside(path)
                log.warning("the job store was damaged; moved to %s", self.recovered_from)
                _private_file(path)
                self._db = _open(path)
        except (OSError, sqlite3.OperationalError) as exc:
            raise StoreUnavailable(_unavailable(path, exc)) from None

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
        values = [_to_sql(name, getattr(record, name)) for name in _COLUMNS]
        marks = ", ".join("?" * len(_COLUMNS))
        with self._conflicts(generation_id):
            self._db.execute(f"INSERT INTO jobs ({', '.join(_COLUMNS)}) VALUES ({marks})", values)  # noqa: S608
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
            raise StoreUnavailable(_unavailable(self.path, exc)) from None

    def update(self, local_id: str, **changes: Any) -> JobRecord:
        unknown = set(changes) - set(_COLUMNS)
        if unknown:
            raise TypeError(f"unknown job fields: {sorted(unknown)}")
        changes["updated_at"] = time.time()
        assigns = ", ".join(f"{name} = ?" for name in changes)
        values = [_to_sql(name, value) for name, value in changes.items()]
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
        job = _load(row)
        if job is None:
            raise KeyError(local_id)  # unloadable: to every reader it is not there
        return job

    def find_generation(self, generation_id: str) -> JobRecord | None:
        row = self._db.execute(
            "SELECT * FROM jobs WHERE generation_id = ?", (generation_id,)
        ).fetchone()
        return _load(row) if row else None

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
        return _load(row) if row else None

    def with_status(self, *statuses: JobStatus) -> list[JobRecord]:
        marks = ", ".join("?" * len(statuses))
        rows = self._db.execute(
            f"SELECT * FROM jobs WHERE status IN ({marks}) ORDER BY created_at",  # noqa: S608
            [s.value for s in statuses],
        ).fetchall()
        return _load_all(rows)

    def recent(self, limit: int = 200, offset: int = 0) -> list[JobRecord]:
        rows = self._db.execute(
            "SELECT * FROM jobs ORDER BY created_at DESC LIMIT ? OFFSET ?", (limit, offset)
        ).fetchall()
        return _load_all(rows)

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
        return _load_all(self._db.execute(*_search(_LIGHT, text, statuses, limit)).fetchall())

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
        sql = f"SELECT {_LIGHT} FROM jobs WHERE local_id IN ({marks})"  # noqa: S608 (fixed)
        return _load_all(self._db.execute(sql, list(local_ids)).fetchall())

    def children(self, generation_id: str) -> list[JobRecord]:
        """Jobs that have ``generation_id`` among their parents (they extend it)."""
        rows = self._db.execute(
            "SELECT * FROM jobs WHERE parents LIKE ? ORDER BY created_at",
            (f'%"{generation_id}"%',),
        ).fetchall()
        return [j for j in _load_all(rows) if generation_id in j.parents]

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


def _open(path: Path | str) -> sqlite3.Connection:
    db = sqlite3.connect(str(path), isolation_level=None)
    try:
        db.row_factory = sqlite3.Row
        db.execute("PRAGMA busy_timeout=5000")
        if db.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise sqlite3.DatabaseError("database disk image is malformed (quick_check)")
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: durable across app crashes
        db.executescript(_SCHEMA)
        _migrate(db)
        db.execute(f"PRAGMA user_version={_SCHEMA_VERSION}")
        columns = {r[1] for r in db.execute("PRAGMA table_info(jobs)")}
        if not set(_COLUMNS) <= columns:
            raise sqlite3.DatabaseError("the jobs table is not one this version knows")
    except BaseException:
        db.close()
        raise
    return db


def _migrate(db: sqlite3.Connection) -> None:
    """Version 1 → 2: the route, the cost and the render time of each job."""
    columns = {r[1] for r in db.execute("PRAGMA table_info(jobs)")}
    for name, kind in _ADDED_COLUMNS:
        if name not in columns:
            db.execute(f"ALTER TABLE jobs ADD COLUMN {name} {kind}")


def _is_corruption(exc: sqlite3.DatabaseError) -> bool:
    """Damage (move aside) as opposed to a locked, read-only or full folder (say so)."""
    if isinstance(exc, sqlite3.OperationalError):
        said = str(exc).lower()
        return not any(
            w in said
            for w in (
                "locked",
                "readonly",
                "read-only",
                "unable to open",
                "disk i/o",
                "full",
                "busy",
            )
        )
    return True


def _move_aside(path: Path) -> Path:
    """Keep the damaged store (and its journal) beside the new one: never delete it."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    n = 2
    while target.exists():
        target = path.with_name(f"{path.name}.corrupt-{stamp}-{n}")
        n += 1
    path.replace(target)
    for suffix in ("-wal", "-shm"):
        extra = path.with_name(path.name + suffix)
        if extra.exists():
            extra.replace(target.with_name(target.name + suffix))
    return target


def _private_file(path: Path) -> None:
    """The store holds prompts and answers: its owner's only (POSIX 0600)."""
    fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
    os.close(fd)
    if os.name == "posix":
        os.chmod(path, 0o600)


def _unavailable(path: Path | str, exc: BaseException) -> str:
    folder = Path(path).parent
    said = getattr(exc, "strerror", None) or str(exc)
    return (
        f"Luma Desktop cannot use its job store in {folder} ({said}). Check that the folder "
        "is writable and the disk is not full."
    )


def _load(row: sqlite3.Row) -> JobRecord | None:
    try:
        return _from_row(row)
    except (ValueError, TypeError, KeyError) as exc:  # JSONDecodeError is a ValueError
        local = row["local_id"] if "local_id" in row.keys() else "?"  # noqa: SIM118 (Row)
        log.warning(
            "skipped job %r: its row cannot be loaded (%s)", str(local)[:40], type(exc).__name__
        )
        return None


def _load_all(rows: Iterable[sqlite3.Row]) -> list[JobRecord]:
    return [job for job in map(_load, rows) if job is not None]


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _is_file(path: str) -> bool:
    return Path(path).is_file()


def _to_sql(name: str, value: Any) -> Any:
    if name == "raw" and value is not None:
        return _capped_raw(value)
    if name in _JSON_COLUMNS:
        return None if value is None else json.dumps(list(value) if name == "parents" else value)
    if isinstance(value, StrEnum):
        return value.value
    return value


def _capped_raw(value: Any) -> str:
    """The last raw answer, for diagnostics: whole when small, its head when not."""
    text = json.dumps(value)
    limit = DEFAULT_LIMITS.max_stored_raw_bytes
    if len(text.encode()) <= limit:
        return text
    head = text.encode()[: limit - 256].decode("utf-8", "ignore")
    return json.dumps({"truncated_from_bytes": len(text.encode()), "head": head})


def _from_row(row: sqlite3.Row) -> JobRecord:
    """One row, checked as strictly as an answer from the network."""
    present = row.keys()
    data: dict[str, Any] = {n: row[n] if n in present else None for n in _COLUMNS}
    for name in _JSON_COLUMNS:
        if data[name] is not None:
            data[name] = json.loads(data[name])
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
    if data["route"] not in _ROUTES:
        data["route"] = None  # read as the Luma route, where every older job went
    for number in ("cost_credits", "cost_usd", "render_seconds"):
        value = data[number]
        if not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
            data[number] = None
    return JobRecord(**data)
