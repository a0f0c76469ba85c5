"""Takes: N generations of one request, kept together as a group; ratings and "kept".

A group's face (what the library shows for its stack) is its kept take, else its
first. Keeping a take un-keeps the group's others: the rest stay in the library,
marked as not kept, until the artist deletes them.
"""

from __future__ import annotations

import sqlite3
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from luma_desktop.core.artist_db import transaction

MAX_TAKES = 4
MAX_RATING = 5


@dataclass(frozen=True)
class Mark:
    rating: int = 0  # 0 (unrated) to 5 stars
    kept: bool = False


@dataclass(frozen=True)
class TakeGroup:
    group_id: str
    prompt: str
    size: int  # takes asked for
    created_at: float
    takes: tuple[str, ...]  # local ids, in the order they were sent
    kept: str | None  # the kept take, if one was chosen

    @property
    def face(self) -> str | None:
        return self.kept or (self.takes[0] if self.takes else None)


class Takes:
    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def new_group(self, prompt: str, size: int) -> str:
        if not 1 <= size <= MAX_TAKES:
            raise ValueError(f"takes: 1 to {MAX_TAKES}, not {size}")
        group_id = str(uuid.uuid4())
        self._db.execute(
            "INSERT INTO take_groups (group_id, prompt, size, created_at) VALUES (?, ?, ?, ?)",
            (group_id, prompt, size, time.time()),
        )
        return group_id

    def add(self, group_id: str, local_id: str) -> None:
        """File a job (just written to the job store) as the group's next take."""
        with transaction(self._db):
            self._db.execute(
                "INSERT OR REPLACE INTO takes (local_id, group_id, position) VALUES (?, ?, "
                "(SELECT COUNT(*) FROM takes WHERE group_id = ?))",
                (local_id, group_id, group_id),
            )
            # "Another take" grows a group past the size it was sent with.
            self._db.execute(
                "UPDATE take_groups SET size = MAX(size, "
                "(SELECT COUNT(*) FROM takes WHERE group_id = ?)) WHERE group_id = ?",
                (group_id, group_id),
            )

    def group(self, group_id: str) -> TakeGroup:
        row = self._db.execute(
            "SELECT * FROM take_groups WHERE group_id = ?", (group_id,)
        ).fetchone()
        if row is None:
            raise KeyError(group_id)
        takes = tuple(
            r["local_id"]
            for r in self._db.execute(
                "SELECT local_id FROM takes WHERE group_id = ? ORDER BY position", (group_id,)
            )
        )
        kept = next((t for t in takes if self.mark(t).kept), None)
        return TakeGroup(group_id, row["prompt"], row["size"], row["created_at"], takes, kept)

    def group_of(self, local_id: str) -> TakeGroup | None:
        row = self._db.execute(
            "SELECT group_id FROM takes WHERE local_id = ?", (local_id,)
        ).fetchone()
        return self.group(row["group_id"]) if row else None

    def groups(self) -> list[TakeGroup]:
        """Every group of two or more takes, newest first (single takes are plain clips)."""
        rows = self._db.execute(
            "SELECT group_id FROM take_groups WHERE size > 1 ORDER BY created_at DESC"
        ).fetchall()
        return [self.group(r["group_id"]) for r in rows]

    def keep(self, local_id: str) -> None:
        """Keep this take; in a group, the others are no longer kept."""
        group = self.group_of(local_id)
        others = [t for t in group.takes if t != local_id] if group else []
        with transaction(self._db):
            for other in others:
                self._set(other, kept=0)
            self._set(local_id, kept=1)

    def unkeep(self, local_id: str) -> None:
        self._set(local_id, kept=0)

    def rate(self, local_id: str, stars: int) -> None:
        if not 0 <= stars <= MAX_RATING:
            raise ValueError(f"a rating is 0 to {MAX_RATING} stars, not {stars}")
        self._set(local_id, rating=stars)

    def mark(self, local_id: str) -> Mark:
        row = self._db.execute(
            "SELECT rating, kept FROM marks WHERE local_id = ?", (local_id,)
        ).fetchone()
        return Mark(row["rating"], bool(row["kept"])) if row else Mark()

    def marks(self, local_ids: Iterable[str]) -> dict[str, Mark]:
        return {local_id: self.mark(local_id) for local_id in local_ids}

    def matching(self, min_rating: int = 0, kept_only: bool = False) -> set[str]:
        """Local ids with at least ``min_rating`` stars (and kept, if asked)."""
        rows = self._db.execute(
            "SELECT local_id FROM marks WHERE rating >= ? AND kept >= ?",
            (min_rating, 1 if kept_only else 0),
        ).fetchall()
        return {r["local_id"] for r in rows}

    def stacks(self, local_ids: list[str]) -> tuple[list[str], dict[str, int]]:
        """The library's stacks: ``local_ids`` (in their order) with each group of two or
        more shown as its face only (the kept take, else the first sent), and how many
        takes each face stands for."""
        member = {
            r["local_id"]: (r["group_id"], r["position"])
            for r in self._db.execute("SELECT local_id, group_id, position FROM takes")
        }
        kept = {r["local_id"] for r in self._db.execute("SELECT local_id FROM marks WHERE kept")}
        present: dict[str, list[str]] = {}
        for local_id in local_ids:
            if local_id in member:
                present.setdefault(member[local_id][0], []).append(local_id)
        faces: dict[str, str] = {}
        for group_id, takes in present.items():
            if len(takes) > 1:
                chosen = [t for t in takes if t in kept]
                faces[group_id] = chosen[0] if chosen else min(takes, key=lambda t: member[t][1])
        shown, counts = [], {}
        for local_id in local_ids:
            group_id = member.get(local_id, ("", 0))[0]
            if group_id not in faces:
                shown.append(local_id)
            elif faces[group_id] == local_id:
                shown.append(local_id)
                counts[local_id] = len(present[group_id])
        return shown, counts

    def forget(self, local_id: str) -> None:
        """The job was deleted: its marks and its place in a group go too."""
        with transaction(self._db):
            self._db.execute("DELETE FROM marks WHERE local_id = ?", (local_id,))
            self._db.execute("DELETE FROM takes WHERE local_id = ?", (local_id,))

    def _set(self, local_id: str, **values: int) -> None:
        ((name, value),) = values.items()
        self._db.execute(
            f"INSERT INTO marks (local_id, {name}) VALUES (?, ?) "  # noqa: S608 (fixed names)
            f"ON CONFLICT(local_id) DO UPDATE SET {name} = excluded.{name}",
            (local_id, value),
        )
