"""The store's file: opening it (checked), its schema and in-place migration, and
what to do with one that is damaged (moved aside, never deleted) or unusable.
"""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

from luma_desktop.core.store_rows import COLUMNS

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
    ("cleared_at", "REAL"),
)

_SCHEMA_VERSION = 3


def open_db(path: Path | str) -> sqlite3.Connection:
    db = sqlite3.connect(str(path), isolation_level=None)
    try:
        db.row_factory = sqlite3.Row
        db.execute("PRAGMA busy_timeout=5000")
        if db.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise sqlite3.DatabaseError("database disk image is malformed (quick_check)")
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: durable across app crashes
        db.executescript(_SCHEMA)
        migrate(db)
        db.execute(f"PRAGMA user_version={_SCHEMA_VERSION}")
        columns = {r[1] for r in db.execute("PRAGMA table_info(jobs)")}
        if not set(COLUMNS) <= columns:
            raise sqlite3.DatabaseError("the jobs table is not one this version knows")
    except BaseException:
        db.close()
        raise
    return db


def migrate(db: sqlite3.Connection) -> None:
    """Version 1 → 2: the route, the cost and the render time of each job; 2 → 3: when
    it was cleared off the Jobs list."""
    columns = {r[1] for r in db.execute("PRAGMA table_info(jobs)")}
    for name, kind in _ADDED_COLUMNS:
        if name not in columns:
            db.execute(f"ALTER TABLE jobs ADD COLUMN {name} {kind}")


def is_corruption(exc: sqlite3.DatabaseError) -> bool:
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


def move_aside(path: Path) -> Path:
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


def private_file(path: Path) -> None:
    """The store holds prompts and answers: its owner's only (POSIX 0600)."""
    fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
    os.close(fd)
    if os.name == "posix":
        os.chmod(path, 0o600)


def unavailable_message(path: Path | str, exc: BaseException) -> str:
    folder = Path(path).parent
    said = getattr(exc, "strerror", None) or str(exc)
    return (
        f"Luma Desktop cannot use its job store in {folder} ({said}). Check that the folder "
        "is writable and the disk is not full."
    )
