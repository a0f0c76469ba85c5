"""The job store, the data-folder lock, the keychain wrapper and the log redaction."""

from __future__ import annotations

import logging
import subprocess
import sys
import time
from pathlib import Path

import keyring.backends.fail
import pytest

from luma_desktop.core import budget
from luma_desktop.core.jobs import JobStatus
from luma_desktop.core.lock import DataDirLock, DataDirLocked
from luma_desktop.core.logs import setup_logging
from luma_desktop.core.naming import clip_path, slug
from luma_desktop.core.secrets import KeyStore
from luma_desktop.core.store import JobStore
from tests.memory_keyring import MemoryKeyring


def _add(store: JobStore, **kw: object) -> str:
    job = store.add(
        base_url="https://api.gateway.test",
        prompt="p",
        body={"prompt": "p"},
        parents=["a", "b"],
        tokens=500_000,
        **kw,  # type: ignore[arg-type]
    )
    return job.local_id


def test_store_round_trips_and_survives_reopen(tmp_path: Path) -> None:
    path = tmp_path / "jobs.sqlite3"
    store = JobStore(path)
    local_id = _add(store)
    store.update(local_id, status=JobStatus.DREAMING, generation_id="g1", raw={"x": [1]})
    store.close()
    again = JobStore(path)
    job = again.get(local_id)
    assert job.status is JobStatus.DREAMING
    assert job.parents == ("a", "b")
    assert job.raw == {"x": [1]}
    assert again.find_generation("g1") == job
    assert again.count() == 1


def test_interrupted_submissions_become_unknown(tmp_path: Path) -> None:
    store = JobStore(tmp_path / "jobs.sqlite3")
    local_id = _add(store)
    (job,) = store.mark_interrupted_submissions()
    assert job.local_id == local_id
    assert job.status is JobStatus.UNKNOWN
    assert "may or may not" in (job.error_message or "")


def test_store_refuses_unknown_fields(tmp_path: Path) -> None:
    store = JobStore(tmp_path / "jobs.sqlite3")
    local_id = _add(store)
    with pytest.raises(TypeError):
        store.update(local_id, colour="red")
    with pytest.raises(KeyError):
        store.update("nope", status=JobStatus.READY)


def test_lock_refuses_a_second_holder_across_processes(tmp_path: Path) -> None:
    with DataDirLock(tmp_path):
        with pytest.raises(DataDirLocked):
            DataDirLock(tmp_path).acquire()
        code = (
            "import sys; from pathlib import Path\n"
            "from luma_desktop.core.lock import DataDirLock, DataDirLocked\n"
            "try:\n    DataDirLock(Path(sys.argv[1])).acquire()\n"
            "except DataDirLocked:\n    sys.exit(7)\n"
        )
        result = subprocess.run(
            [sys.executable, "-c", code, str(tmp_path)], timeout=30, check=False
        )
        assert result.returncode == 7
    DataDirLock(tmp_path).acquire().release()  # free again once released


def test_clip_names_are_meaningful_and_never_collide(tmp_path: Path) -> None:
    from datetime import datetime

    when = datetime(2026, 11, 25, 13, 1)
    first = clip_path(tmp_path, when, "A cat, on the Moon!", "1a2b3c4d-0000")
    assert first.name == "2026-11-25_1301_a-cat-on-the-moon_1a2b3c4d.mp4"
    first.write_bytes(b"x")
    second = clip_path(tmp_path, when, "A cat, on the Moon!", "1a2b3c4d-0000")
    assert second != first
    assert slug("日本語") == "clip"


def test_keystore_uses_the_keychain(isolated_profile: MemoryKeyring) -> None:
    keys = KeyStore()
    assert keys.keychain_available
    assert keys.set("k-123456")
    assert isolated_profile.secrets
    assert keys.get() == "k-123456"
    assert "k-123456" not in repr(keys)
    keys.delete()
    assert keys.get() is None


def test_keystore_without_keychain_keeps_key_in_memory() -> None:
    keys = KeyStore(keyring.backends.fail.Keyring())
    assert not keys.keychain_available
    assert keys.set("k-abcdef") is False
    assert keys.get() == "k-abcdef"
    assert "memory" in keys.where


def test_log_never_holds_the_key(tmp_path: Path) -> None:
    key = "sk-very-secret-123"
    handler = setup_logging(tmp_path, lambda: key)
    try:
        log = logging.getLogger("luma_desktop.test")
        log.warning("sending with key %s", key)
        log.warning("header Authorization: Bearer %s", "other-token-999")
        try:
            raise RuntimeError(f"boom {key}")
        except RuntimeError:
            log.exception("failed")
        handler.flush()
    finally:
        logging.getLogger().removeHandler(handler)
        handler.close()
    text = (tmp_path / "luma-desktop.log").read_text()
    assert "sending with key [key]" in text
    assert key not in text
    assert "other-token-999" not in text


def test_search_prompts_and_get_many_agree_with_search(tmp_path: Path) -> None:
    store = JobStore(tmp_path / "jobs.sqlite3")
    for prompt in ("a heron", "a kite", "the heron again"):
        store.add(base_url="https://api.gateway.test", prompt=prompt, body={}, parents=[], tokens=1)
    for text in ("", "HERON", "none"):
        found = store.search(text)
        assert store.search_prompts(text) == [(j.local_id, j.prompt) for j in found]
    ids = [local_id for local_id, _prompt in store.search_prompts()]
    assert {j.local_id for j in store.get_many([ids[2], ids[0], "unknown"])} == {ids[0], ids[2]}
    assert store.get_many([]) == []


def test_todays_spend_reads_only_todays_jobs(tmp_path: Path) -> None:
    """The budget line is refreshed on every job change: it asks the store for today's
    jobs, not for the whole library."""
    store = JobStore(tmp_path / "jobs.sqlite3")
    today = [_add(store), _add(store)]
    old = _add(store)
    yesterday = budget.start_of_day(time.time()) - 3600
    store.update(old, created_at=yesterday)
    assert {j.local_id for j in store.created_since(yesterday + 3600)} == set(today)
    assert [j.local_id for j in store.created_since(yesterday)][-1] == old  # newest first
    assert budget.spent_today(store.created_since) == budget.Spend(estimated=1_000_000)
