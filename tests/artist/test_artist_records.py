"""Takes, marks, boards and prompt history persist in the artist database and come
back as they were; a board plans its next step from its jobs' states."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from luma_desktop.core.artist_db import SCHEMA_VERSION, open_artist_db
from luma_desktop.core.boards import Board, Boards, BoardSettings, Shot, Step, next_step, to_run
from luma_desktop.core.craft import PromptHistory
from luma_desktop.core.jobs import JobRecord, JobStatus
from luma_desktop.core.request import GenerationKeyframe
from luma_desktop.core.takes import Takes


@pytest.fixture
def db() -> Iterator[sqlite3.Connection]:
    connection = open_artist_db(":memory:")
    yield connection
    connection.close()


def job(local_id: str, status: JobStatus, gen: str | None = None) -> JobRecord:
    return JobRecord(local_id, status, "http://sim", "p", {}, (), 500_000, 1.0, 1.0, gen)


def test_the_database_survives_a_reopen_and_refuses_a_newer_schema(tmp_path: Path) -> None:
    path = tmp_path / "artist.sqlite3"
    first = open_artist_db(path)
    group = Takes(first).new_group("a fox", 3)
    first.close()
    again = open_artist_db(path)
    assert Takes(again).group(group).size == 3
    again.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    again.close()
    with pytest.raises(RuntimeError, match="newer"):
        open_artist_db(path)


def test_a_group_of_takes_and_its_face(db: sqlite3.Connection) -> None:
    takes = Takes(db)
    group_id = takes.new_group("a fox in the snow", 3)
    for local_id in ("t1", "t2", "t3"):
        takes.add(group_id, local_id)
    group = takes.group(group_id)
    assert (group.takes, group.face, group.kept) == (("t1", "t2", "t3"), "t1", None)
    takes.keep("t2")
    assert takes.group(group_id).face == "t2"
    takes.keep("t3")  # keeping another take of the group un-keeps the first
    assert {t: m.kept for t, m in takes.marks(["t1", "t2", "t3"]).items()} == {
        "t1": False,
        "t2": False,
        "t3": True,
    }
    assert takes.group_of("t1") == takes.group(group_id)
    assert [g.group_id for g in takes.groups()] == [group_id]
    takes.forget("t3")
    assert takes.group(group_id).takes == ("t1", "t2")
    assert takes.group(group_id).face == "t1"


def test_ratings_and_the_kept_filter(db: sqlite3.Connection) -> None:
    takes = Takes(db)
    takes.rate("a", 5)
    takes.rate("b", 3)
    takes.keep("b")
    takes.rate("c", 0)
    assert takes.matching(min_rating=4) == {"a"}
    assert takes.matching(min_rating=1) == {"a", "b"}
    assert takes.matching(kept_only=True) == {"b"}
    assert takes.mark("nobody").rating == 0
    with pytest.raises(ValueError, match="0 to 5"):
        takes.rate("a", 6)
    with pytest.raises(ValueError, match="1 to 4"):
        takes.new_group("x", 5)


def test_boards_are_saved_renamed_duplicated_and_deleted(db: sqlite3.Connection) -> None:
    boards = Boards(db)
    shots = (Shot("a lighthouse at dusk", {"aspect_ratio": "16:9"}), Shot("the beam sweeps"))
    board = boards.create("Lighthouse", shots, BoardSettings(auto_keep=False, takes=2))
    board = boards.update_shot(board.board_id, 0, take_group="g1", kept="t1")
    assert boards.get(board.board_id).shots[0].kept == "t1"
    assert boards.rename(board.board_id, "Coast").name == "Coast"
    copy = boards.duplicate(board.board_id)
    assert copy.name == "Coast (copy)"
    assert [s.prompt for s in copy.shots] == ["a lighthouse at dusk", "the beam sweeps"]
    assert all(s.take_group is None and s.kept is None for s in copy.shots)
    assert copy.settings == BoardSettings(auto_keep=False, takes=2)
    assert {b.board_id for b in boards.all()} == {board.board_id, copy.board_id}
    assert boards.board_of_group("g1") == (board.board_id, 0)
    boards.delete(copy.board_id)
    assert [b.name for b in boards.all()] == ["Coast"]
    with pytest.raises(KeyError):
        boards.rename(copy.board_id, "gone")


def test_a_board_runs_as_a_chain(db: sqlite3.Connection) -> None:
    boards, takes = Boards(db), Takes(db)
    board = boards.create("Chain", (Shot("one"), Shot("two"), Shot("three")))
    jobs: dict[str, JobRecord] = {}

    def step(b: Board) -> tuple[Step, int, str | None]:
        found = next_step(b, jobs.get, takes.group)
        return found.step, found.index, found.extends

    assert step(board) == (Step.RUN, 0, None)
    assert to_run(board) == 3
    group = takes.new_group("one", 1)
    takes.add(group, "j1")
    jobs["j1"] = job("j1", JobStatus.DREAMING)
    board = boards.update_shot(board.board_id, 0, take_group=group)
    assert step(board) == (Step.WAIT, 0, None)
    jobs["j1"] = job("j1", JobStatus.READY, "gen-1")
    found = next_step(board, jobs.get, takes.group)
    assert (found.step, found.take) == (Step.KEEP, "j1")
    board = boards.update_shot(board.board_id, 0, kept="j1")
    assert step(board) == (Step.RUN, 1, "gen-1")
    request = board.shots[1].request(extends="gen-1")
    assert request.frame0 == GenerationKeyframe("gen-1")
    assert request.prompt == "two"
    assert to_run(board) == 2
    # A failed shot says so; re-running from shot 1 clears it and what follows.
    failed = takes.new_group("two", 1)
    takes.add(failed, "j2")
    jobs["j2"] = job("j2", JobStatus.FAILED)
    board = boards.update_shot(board.board_id, 1, take_group=failed)
    assert step(board) == (Step.FAILED, 1, "gen-1")
    board = boards.rerun_from(board.board_id, 1)
    assert step(board) == (Step.RUN, 1, "gen-1")
    # Without auto-keep, the artist picks.
    board = boards.set_settings(board.board_id, replace(board.settings, auto_keep=False))
    jobs["j2"] = job("j2", JobStatus.READY, "gen-2")
    board = boards.update_shot(board.board_id, 1, take_group=failed)
    assert step(board) == (Step.PICK, 1, "gen-1")


def test_prompt_history_is_newest_first_and_searchable(db: sqlite3.Connection) -> None:
    history = PromptHistory(db)
    history.add("a fox in the snow", now=1)
    history.add("a heron at dawn", now=2)
    history.add("  ", now=3)
    history.add("a fox in the snow", now=4)
    assert history.recent() == ["a fox in the snow", "a heron at dawn"]
    assert history.search("DAWN heron") == ["a heron at dawn"]
    assert history.search("") == history.recent()


def test_a_group_shows_as_one_stack_with_its_face(db: sqlite3.Connection) -> None:
    takes = Takes(db)
    group = takes.new_group("a fox", 3)
    for local_id in ("t1", "t2", "t3"):
        takes.add(group, local_id)
    newest_first = ["t3", "other", "t2", "t1"]
    assert takes.stacks(newest_first) == (["other", "t1"], {"t1": 3})
    takes.keep("t2")
    assert takes.stacks(newest_first) == (["other", "t2"], {"t2": 3})
    # A filter that leaves one take of the group shows it on its own.
    assert takes.stacks(["t3", "other"]) == (["t3", "other"], {})


@pytest.mark.parametrize(
    ("table", "column", "value"),
    [
        ("boards", "settings", "{not json"),
        ("boards", "settings", "[1, 2]"),
        ("boards", "settings", "[" * 20_000 + "]" * 20_000),  # a RecursionError, before
        ("shots", "params", "{not json"),
        ("shots", "params", '"a string"'),
    ],
)
def test_a_damaged_board_is_skipped_and_the_others_still_load(
    db: sqlite3.Connection, table: str, column: str, value: str
) -> None:
    """The artist database is a file like any other: one damaged board costs that board,
    not the board panel (the same promise as damaged presets and job rows)."""
    boards = Boards(db)
    good = boards.create("Coast", (Shot("the beam sweeps"),))
    bad = boards.create("Damaged", (Shot("a lighthouse at dusk"),))
    db.execute(f"UPDATE {table} SET {column} = ? WHERE board_id = ?", (value, bad.board_id))
    assert [b.board_id for b in boards.all()] == [good.board_id]
