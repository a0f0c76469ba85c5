"""The app's own files read back as untrusted (core/small_files.py): a FIFO never hangs,
a device or a huge file never fills memory, JSON nested past Python's recursion is a
plain refusal (it was a ``RecursionError`` past every ``except ValueError``)."""

from __future__ import annotations

import contextlib
import json
import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import keyring.backends.fail
import pytest

from luma_desktop.api.formats import UNUSABLE, sniff_file
from luma_desktop.core.artist_db import open_artist_db, set_pref
from luma_desktop.core.clipinfo import ClipFacts, frames_label
from luma_desktop.core.limits import DEFAULT_LIMITS
from luma_desktop.core.presets import PREF_KEY, UserPresets
from luma_desktop.core.recovery import rebuild_library
from luma_desktop.core.route_memory import RouteMemory
from luma_desktop.core.secrets import KeyStore
from luma_desktop.core.small_files import UnreadableFile, read_json_file, read_small_file
from luma_desktop.core.store import JobStore

DEEP = "[" * 20_000 + "]" * 20_000  # past Python's recursion limit, within 64 KiB


def finishes(call: Callable[[], object]) -> object:
    """``call``'s result (or its exception) if it ends within a few seconds; a hang fails
    the test (the stuck thread is let go by the fifo fixture, which opens the FIFO's
    other end)."""
    outcome: list[object] = []

    def run() -> None:
        try:
            outcome.append(call())
        except Exception as exc:  # handed to the test's thread
            outcome.append(exc)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(timeout=5)
    assert not worker.is_alive(), "reading a FIFO hung"
    if isinstance(outcome[0], Exception):
        raise outcome[0]
    return outcome[0]


@pytest.fixture
def fifo(tmp_path: Path) -> Iterator[Callable[[str], Path]]:
    made: list[Path] = []

    def make(name: str) -> Path:
        path = tmp_path / name
        os.mkfifo(path, 0o600)
        made.append(path)
        return path

    yield make
    for path in made:  # a reader stuck in open() gets its writer and then the end
        with contextlib.suppress(OSError):  # nobody was reading: nothing to let go
            os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))


def test_small_files_refuse_what_is_not_a_small_regular_file(
    tmp_path: Path, fifo: Callable[[str], Path]
) -> None:
    big = tmp_path / "big.json"
    big.write_bytes(b" " * 101)
    with pytest.raises(UnreadableFile, match="larger than"):
        read_small_file(big, 100)
    assert read_small_file(big, 101) == b" " * 101
    with pytest.raises(UnreadableFile, match="not a regular file"):
        finishes(lambda: read_small_file(fifo("pipe.json"), 100))  # refused, not waited on
    with pytest.raises(UnreadableFile, match="not a regular file"):
        read_small_file(Path("/dev/zero"), 100)
    deep = tmp_path / "deep.json"
    deep.write_text(DEEP)
    with pytest.raises(UnreadableFile, match="nested too deeply"):
        read_json_file(deep, 1 << 20)
    deep.write_text("[" * 65 + "]" * 65)
    with pytest.raises(UnreadableFile, match="deeper than 64"):
        read_json_file(deep, 1 << 20)


def test_a_key_file_that_is_a_fifo_huge_or_not_utf8_gives_no_key_and_no_hang(
    tmp_path: Path, fifo: Callable[[str], Path]
) -> None:
    def key_in(path: Path) -> object:
        return finishes(KeyStore(keyring.backends.fail.Keyring(), key_file=path).get)

    assert key_in(fifo("key")) is None
    bad, huge = tmp_path / "bad-key", tmp_path / "huge-key"
    bad.write_bytes(b"\xff\xfe not text")  # a traceback out of get(), before
    with huge.open("wb") as f:  # sparse: costs no disk; read whole into memory, before
        f.truncate(DEFAULT_LIMITS.max_own_file_bytes + 1)
    for path in (bad, huge):
        path.chmod(0o600)
        assert key_in(path) is None, path.name


def test_a_gateways_file_that_is_a_fifo_or_too_deep_is_ignored(
    tmp_path: Path, fifo: Callable[[str], Path]
) -> None:
    memory = finishes(lambda: RouteMemory(fifo("gateways.json")))
    assert isinstance(memory, RouteMemory)
    assert not memory.missing("https://g.test")
    deep = tmp_path / "deep.json"
    deep.write_text(DEEP)
    assert not RouteMemory(deep).missing("https://g.test")


def test_a_sidecar_nested_too_deeply_is_skipped_and_the_others_rebuilt(tmp_path: Path) -> None:
    folder = tmp_path / "clips"
    folder.mkdir()
    for name, sidecar in (("good", json.dumps({"generation_id": "gen-1", "prompt": "p"})),
                          ("deep", DEEP)):  # fmt: skip
        (folder / f"{name}.mp4").write_bytes(b"\x00\x00\x00\x18ftypisom" + b"\x00" * 64)
        (folder / f"{name}.json").write_text(sidecar)
    store = JobStore(tmp_path / "jobs.sqlite3")
    assert rebuild_library(store, folder, "https://g.test") == 1
    store.close()


def test_saved_presets_nested_too_deeply_are_not_loaded(tmp_path: Path) -> None:
    db = open_artist_db(tmp_path / "artist.sqlite3")
    set_pref(db, PREF_KEY, DEEP)
    assert UserPresets(db).all() == []
    db.close()


def test_clip_facts_nested_too_deeply_in_a_thumbnails_text_are_none() -> None:
    """Read from each thumbnail's JPEG text when a tile paints: a RecursionError, before."""
    assert ClipFacts.from_text(DEEP) is None
    facts = ClipFacts(codec="hevc", transfer="PQ")
    assert ClipFacts.from_text(facts.to_text()) == facts


def test_a_clip_that_is_a_fifo_is_told_apart_without_waiting(
    fifo: Callable[[str], Path],
) -> None:
    """The player's notice asks what a clip is on the window's thread: a FIFO in the
    clips folder hung the window there (the file's first bytes were waited for)."""
    clip = fifo("clip.mp4")
    assert finishes(lambda: sniff_file(str(clip))) is UNUSABLE
    assert finishes(lambda: frames_label(clip)) == ""
