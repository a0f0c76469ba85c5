"""Boards: an ordered list of shots that runs as a chain.

Shot 1 is generated from its prompt; each next shot extends the previous shot's kept
take (a generation keyframe in ``frame0``: the clip continues that one). A shot may
carry its own first and last frame images (its own first frame starts it afresh
instead of extending) and its own model, aspect, resolution and duration; what it
leaves unset it takes from the board's parameters (``BoardSettings.params``). A shot runs
once the one before has a kept take: the first ready take, kept automatically, or the
one the artist picks (``BoardSettings.auto_keep``). ``next_step`` says what to do now;
the studio layer acts on it and asks again when a job changes.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from luma_desktop.core.artist_db import transaction
from luma_desktop.core.jobs import JobRecord, JobStatus
from luma_desktop.core.request import (
    GenerationKeyframe,
    GenerationRequest,
    ImageKeyframe,
    Keyframe,
    is_generation_id,
)
from luma_desktop.core.small_files import loads
from luma_desktop.core.takes import TakeGroup

log = logging.getLogger(__name__)

# The request fields a shot (or a board, for its shots) keeps besides its prompt.
SHOT_PARAMS = ("aspect_ratio", "model", "resolution", "duration", "loop", "route")
FRAMES = ("frame0", "frame1")  # a shot's own keyframes, kept in its params too


def only_params(values: Mapping[str, Any]) -> dict[str, Any]:
    """The values a shot or board keeps: set ones ("" is the model's default) of
    SHOT_PARAMS; None ("as the board has it") is left out."""
    return {k: v for k, v in values.items() if k in SHOT_PARAMS and v is not None}


def keyframe_json(keyframe: Keyframe) -> dict[str, str]:
    if isinstance(keyframe, GenerationKeyframe):
        return {"type": "generation", "id": keyframe.generation_id}
    return {"type": "image", "url": keyframe.url, "source": keyframe.source, "note": keyframe.note}


def keyframe_from_json(data: object) -> Keyframe | None:
    """A stored shot keyframe; None when it is not one (a damaged record is no frame)."""
    if not isinstance(data, Mapping):
        return None
    if data.get("type") == "generation":
        gen = data.get("id")
        return GenerationKeyframe(gen) if isinstance(gen, str) and is_generation_id(gen) else None
    url, source, note = (data.get(k, "") for k in ("url", "source", "note"))
    if not all(isinstance(v, str) for v in (url, source, note)):
        return None
    if not str(url).startswith(("data:image/", "https://", "http://")):
        return None
    return ImageKeyframe(str(url), str(source), str(note))


@dataclass(frozen=True)
class Shot:
    prompt: str
    params: Mapping[str, Any] = field(default_factory=dict)  # its own values and frames
    take_group: str | None = None  # the takes of this shot's latest run
    kept: str | None = None  # local id of the take the next shot extends
    # The board's parameters, for what the shot leaves unset (filled in when read).
    defaults: Mapping[str, Any] = field(default_factory=dict, compare=False)

    def settings(self) -> dict[str, Any]:
        """The parameters it runs with: its own, else the board's."""
        return {**only_params(self.defaults), **only_params(self.params)}

    def keyframe(self, frame: str) -> Keyframe | None:
        return keyframe_from_json(self.params.get(frame))

    def request(self, extends: str | None) -> GenerationRequest:
        """This shot's request; ``extends``: the generation id it continues (unless the
        shot has its own first frame: then it starts from that picture)."""
        known: dict[str, Any] = {k: (v if v != "" else None) for k, v in self.settings().items()}
        frame0 = self.keyframe("frame0") or (GenerationKeyframe(extends) if extends else None)
        return GenerationRequest(
            prompt=self.prompt, frame0=frame0, frame1=self.keyframe("frame1"), **known
        )

    def cleared(self) -> Shot:
        """The same shot, not yet run."""
        return replace(self, take_group=None, kept=None)


@dataclass(frozen=True)
class BoardSettings:
    auto_keep: bool = True  # the first ready take is kept and the chain goes on
    takes: int = 1  # takes per shot
    cap_credits: float | None = None  # what the board may spend in all
    params: Mapping[str, Any] = field(default_factory=dict, hash=False)  # for every shot

    def to_json(self) -> str:
        return json.dumps(
            {
                "auto_keep": self.auto_keep,
                "takes": self.takes,
                "cap_credits": self.cap_credits,
                "params": only_params(self.params),
            }
        )

    @classmethod
    def from_json(cls, text: str) -> BoardSettings:
        data = loads(text or "{}")  # nested too deeply: a ValueError, not a RecursionError
        if not isinstance(data, dict):
            raise ValueError("a board's settings are not an object")
        cap, params = data.get("cap_credits"), data.get("params")
        return cls(
            auto_keep=bool(data.get("auto_keep", True)),
            takes=int(data.get("takes", 1)),
            cap_credits=float(cap) if isinstance(cap, int | float) else None,
            params=only_params(params) if isinstance(params, dict) else {},
        )


@dataclass(frozen=True)
class Board:
    board_id: str
    name: str
    created_at: float
    updated_at: float
    settings: BoardSettings
    shots: tuple[Shot, ...]


class Step(StrEnum):
    RUN = "run"  # send shot ``index`` (extending ``extends``)
    WAIT = "wait"  # shot ``index``'s takes are on their way
    KEEP = "keep"  # keep ``take`` for shot ``index`` (auto_keep), then ask again
    PICK = "pick"  # the artist picks a take for shot ``index``
    FAILED = "failed"  # no take of shot ``index`` came out: re-run it
    DONE = "done"


@dataclass(frozen=True)
class Next:
    step: Step
    index: int = -1
    extends: str | None = None  # generation id the shot continues
    take: str | None = None  # for KEEP


def next_step(
    board: Board, job: Callable[[str], JobRecord | None], group: Callable[[str], TakeGroup]
) -> Next:
    """What the board needs now, from its shots, their takes and the jobs' states."""
    extends: str | None = None
    for index, shot in enumerate(board.shots):
        kept = job(shot.kept) if shot.kept else None
        if kept is not None and kept.status is JobStatus.READY and kept.generation_id:
            extends = kept.generation_id
            continue
        if shot.take_group is None:
            return Next(Step.RUN, index, extends)
        takes = [j for j in (job(t) for t in group(shot.take_group).takes) if j is not None]
        ready = [j for j in takes if j.status is JobStatus.READY]
        if ready:
            if board.settings.auto_keep:
                return Next(Step.KEEP, index, extends, ready[0].local_id)
            return Next(Step.PICK, index, extends)
        if any(not j.status.terminal for j in takes):
            return Next(Step.WAIT, index, extends)
        return Next(Step.FAILED, index, extends)
    return Next(Step.DONE)


def to_run(board: Board) -> int:
    """Shots not yet kept: what running the board from here will send (times takes)."""
    return sum(1 for shot in board.shots if shot.kept is None) * board.settings.takes


def take_groups(board: Board) -> list[str]:
    return [s.take_group for s in board.shots if s.take_group]


def _params(text: str) -> dict[str, Any]:
    params = loads(text)
    if not isinstance(params, dict):
        raise ValueError("a shot's parameters are not an object")
    return params


class Boards:
    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def create(
        self, name: str, shots: tuple[Shot, ...] = (), settings: BoardSettings | None = None
    ) -> Board:
        board_id, now = str(uuid.uuid4()), time.time()
        with transaction(self._db):
            self._db.execute(
                "INSERT INTO boards (board_id, name, created_at, updated_at, settings) "
                "VALUES (?, ?, ?, ?, ?)",
                (board_id, name.strip() or "Untitled board", now, now,
                 (settings or BoardSettings()).to_json()),
            )  # fmt: skip
            self._write_shots(board_id, shots)
        return self.get(board_id)

    def get(self, board_id: str) -> Board:
        row = self._db.execute("SELECT * FROM boards WHERE board_id = ?", (board_id,)).fetchone()
        if row is None:
            raise KeyError(board_id)
        settings = BoardSettings.from_json(row["settings"])
        shots = tuple(
            Shot(r["prompt"], _params(r["params"]), r["take_group"], r["kept"], settings.params)
            for r in self._db.execute(
                "SELECT * FROM shots WHERE board_id = ? ORDER BY position", (board_id,)
            )
        )
        return Board(board_id, row["name"], row["created_at"], row["updated_at"], settings, shots)

    def all(self) -> list[Board]:
        """Every board, newest first. The database is a file like any other: a board
        that cannot be read is skipped with a warning, the others still load."""
        rows = self._db.execute("SELECT board_id FROM boards ORDER BY updated_at DESC").fetchall()
        found: list[Board] = []
        for r in rows:
            try:
                found.append(self.get(r["board_id"]))
            except (ValueError, TypeError, KeyError) as exc:
                log.warning("skipped a board that cannot be read (%s)", type(exc).__name__)
        return found

    def rename(self, board_id: str, name: str) -> Board:
        self._touch(board_id, "name = ?", name.strip() or "Untitled board")
        return self.get(board_id)

    def set_settings(self, board_id: str, settings: BoardSettings) -> Board:
        self._touch(board_id, "settings = ?", settings.to_json())
        return self.get(board_id)

    def duplicate(self, board_id: str, name: str | None = None) -> Board:
        """A copy to try variations on: the same shots and settings, none of them run."""
        board = self.get(board_id)
        shots = tuple(s.cleared() for s in board.shots)
        return self.create(name or f"{board.name} (copy)", shots, board.settings)

    def delete(self, board_id: str) -> None:
        self._db.execute("DELETE FROM boards WHERE board_id = ?", (board_id,))

    def save_shots(self, board_id: str, shots: tuple[Shot, ...]) -> Board:
        with transaction(self._db):
            self._touch(board_id)
            self._write_shots(board_id, shots)
        return self.get(board_id)

    def update_shot(self, board_id: str, index: int, **changes: Any) -> Board:
        shots = list(self.get(board_id).shots)
        shots[index] = replace(shots[index], **changes)
        return self.save_shots(board_id, tuple(shots))

    def rerun_from(self, board_id: str, index: int) -> Board:
        """Shot ``index`` and every shot after it go back to not run (their takes stay in
        the library): after re-rolling a shot, the shots that extended it are stale."""
        shots = self.get(board_id).shots
        return self.save_shots(board_id, shots[:index] + tuple(s.cleared() for s in shots[index:]))

    def board_of_group(self, group_id: str) -> tuple[str, int] | None:
        row = self._db.execute(
            "SELECT board_id, position FROM shots WHERE take_group = ?", (group_id,)
        ).fetchone()
        return (row["board_id"], row["position"]) if row else None

    def _touch(self, board_id: str, assign: str = "", *values: object) -> None:
        sets = ", ".join(s for s in ("updated_at = ?", assign) if s)
        cursor = self._db.execute(
            f"UPDATE boards SET {sets} WHERE board_id = ?",  # noqa: S608 (fixed names)
            (time.time(), *values, board_id),
        )
        if cursor.rowcount != 1:
            raise KeyError(board_id)

    def _write_shots(self, board_id: str, shots: tuple[Shot, ...]) -> None:
        self._db.execute("DELETE FROM shots WHERE board_id = ?", (board_id,))
        self._db.executemany(
            "INSERT INTO shots (board_id, position, prompt, params, take_group, kept) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [
                (board_id, i, s.prompt, json.dumps(dict(s.params)), s.take_group, s.kept)
                for i, s in enumerate(shots)
            ],
        )
