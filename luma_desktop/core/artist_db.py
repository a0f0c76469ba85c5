"""The artist's own records beside the jobs: takes and their marks, boards, prompts,
and the preferences the CLI must honour too (the budget caps).

A database file of its own (``artist.sqlite3`` in the data folder), not tables in the
job store: the job store is rebuilt from its sidecars when it is damaged, and boards
and ratings are the artist's work, not something a gateway can tell again. Jobs are
referred to by their ``local_id``; a job deleted from the store simply drops out.

Thread-confined like the job store: use it from the thread that opened it.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

FILE_NAME = "artist.sqlite3"

# Each entry moves the schema one version on; a database opens at any older version.
_MIGRATIONS = (
    """
    CREATE TABLE take_groups (
        group_id TEXT PRIMARY KEY,
        prompt TEXT NOT NULL,
        size INTEGER NOT NULL,
        created_at REAL NOT NULL
    );
    CREATE TABLE takes (
        local_id TEXT PRIMARY KEY,
        group_id TEXT NOT NULL REFERENCES take_groups(group_id) ON DELETE CASCADE,
        position INTEGER NOT NULL
    );
    CREATE INDEX takes_group ON takes(group_id, position);
    CREATE TABLE marks (
        local_id TEXT PRIMARY KEY,
        rating INTEGER NOT NULL DEFAULT 0 CHECK (rating BETWEEN 0 AND 5),
        kept INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE boards (
        board_id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        created_at REAL NOT NULL,
        updated_at REAL NOT NULL,
        settings TEXT NOT NULL DEFAULT '{}'
    );
    CREATE TABLE shots (
        board_id TEXT NOT NULL REFERENCES boards(board_id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        prompt TEXT NOT NULL,
        params TEXT NOT NULL DEFAULT '{}',
        take_group TEXT,
        kept TEXT,
        PRIMARY KEY (board_id, position)
    );
    CREATE TABLE prompts (
        text TEXT PRIMARY KEY,
        used_at REAL NOT NULL,
        uses INTEGER NOT NULL DEFAULT 1
    );
    CREATE INDEX prompts_used ON prompts(used_at DESC);
    CREATE TABLE prefs (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    """,
)
SCHEMA_VERSION = len(_MIGRATIONS)


def open_artist_db(path: Path | str) -> sqlite3.Connection:
    """Open (creating or migrating) the artist database; ``":memory:"`` for tests."""
    if isinstance(path, Path):
        path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(str(path), isolation_level=None)
    db.row_factory = sqlite3.Row
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("PRAGMA foreign_keys=ON")
    db.execute("PRAGMA busy_timeout=5000")
    version = int(db.execute("PRAGMA user_version").fetchone()[0])
    if version > SCHEMA_VERSION:
        db.close()
        raise RuntimeError(
            f"{path} was written by a newer Luma Desktop (schema {version}); update the app."
        )
    for step in range(version, SCHEMA_VERSION):
        # One transaction per step (executescript commits whatever was open first).
        script = f"BEGIN;\n{_MIGRATIONS[step]}\nPRAGMA user_version={step + 1};\nCOMMIT;"
        try:
            db.executescript(script)
        except sqlite3.Error:
            if db.in_transaction:
                db.execute("ROLLBACK")
            db.close()
            raise
    return db


class transaction:
    """BEGIN … COMMIT, or ROLLBACK on an exception (the connection is in autocommit)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> sqlite3.Connection:
        self.db.execute("BEGIN")
        return self.db

    def __exit__(self, kind: object, exc: object, tb: object) -> None:
        self.db.execute("ROLLBACK" if kind else "COMMIT")


def get_pref(db: sqlite3.Connection, key: str) -> str | None:
    row = db.execute("SELECT value FROM prefs WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row["value"])


def set_pref(db: sqlite3.Connection, key: str, value: str | None) -> None:
    if value is None:
        db.execute("DELETE FROM prefs WHERE key = ?", (key,))
    else:
        db.execute(
            "INSERT INTO prefs (key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )
