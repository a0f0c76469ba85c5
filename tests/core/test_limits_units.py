"""The small guards every boundary relies on: text cleaning, redaction, bounded
bodies, Retry-After clamping, ids, addresses, the store's own distrust."""

from __future__ import annotations

import gzip
import json
import os
import stat
from pathlib import Path

import httpx
import pytest

from luma_desktop.api.body import load_json, read_limited
from luma_desktop.api.client import GatewayClient, checked_key
from luma_desktop.api.errors import ApiError, ErrorKind
from luma_desktop.api.failures import retry_after_seconds
from luma_desktop.api.http import check_base_url, check_url
from luma_desktop.api.models import is_valid_generation_id
from luma_desktop.api.text import clean_text, redact
from luma_desktop.core.jobs import JobStatus
from luma_desktop.core.limits import DEFAULT_LIMITS, KiB, MiB
from luma_desktop.core.naming import OutsideFolder, clip_path, id_tag, inside
from luma_desktop.core.store import JobStore, StoreConflict

KEY = "sk-live-0123456789abcdef"


class _Raw(httpx.AsyncByteStream):
    def __init__(self, *chunks: bytes) -> None:
        self._chunks = chunks

    async def __aiter__(self):  # type: ignore[no-untyped-def]
        for chunk in self._chunks:
            yield chunk


def test_clean_text_strips_escapes_controls_and_cuts() -> None:
    hostile = "ok\x1b[2J\x1b]0;pwned\x07 \u202eevil\x00\x07 line\nnext" + "x" * 1000
    shown = clean_text(hostile, 40)
    assert "\x1b" not in shown
    assert "\u202e" not in shown
    assert "\x00" not in shown
    assert "pwned" not in shown
    assert shown.startswith("ok evil line next")
    assert len(shown) == 40


def test_redact_replaces_the_real_key_only() -> None:
    said = f"bad header Authorization: Bearer {KEY} (key {KEY})"
    assert KEY not in redact(said, KEY)
    assert redact("a demo of the demo mode", "demo") == "a demo of the demo mode"
    assert redact("short keys stay: abc", "abc") == "short keys stay: abc"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("3", 3.0),
        ("99999999", DEFAULT_LIMITS.retry_after_max),
        ("inf", None),
        ("nan", None),
        ("-5", None),
        ("soon", None),
        ("Fri, 31 Dec 9999 23:59:59 GMT", DEFAULT_LIMITS.retry_after_max),
        ("1" * 500, None),
    ],
)
def test_retry_after_is_clamped_or_ignored(value: str, expected: float | None) -> None:
    assert retry_after_seconds(value) == expected


async def test_a_gzip_bomb_stops_at_the_limit() -> None:
    bomb = gzip.compress(b"[" + b" " * (8 * MiB) + b"]", compresslevel=6)
    response = httpx.Response(200, headers={"content-encoding": "gzip"}, stream=_Raw(bomb))
    with pytest.raises(ApiError) as caught:
        await read_limited(response, 64 * KiB)
    assert caught.value.kind is ErrorKind.SERVER
    assert "too large" in caught.value.message


async def test_a_small_gzip_answer_reads_whole() -> None:
    body = json.dumps({"id": "a", "state": "queued"}).encode()
    packed = gzip.compress(body)
    response = httpx.Response(
        200, headers={"content-encoding": "gzip"}, stream=_Raw(packed[:5], packed[5:])
    )
    assert await read_limited(response, 1024) == body


def test_deep_nesting_is_too_large() -> None:
    with pytest.raises(ApiError, match="too large"):
        load_json(b"[" * 100_000 + b"]" * 100_000, 64)
    with pytest.raises(ApiError, match="too large"):
        load_json(json.dumps({"a": [[[[[[1]]]]]]}).encode(), 4)
    assert load_json(b'{"a": [1]}', 4) == {"a": [1]}


@pytest.mark.parametrize("gen_id", ["a b", "a\x00b", "x" * 257, "", "é", "a\nb", "tab\tid"])
def test_unusable_ids(gen_id: str) -> None:
    assert not is_valid_generation_id(gen_id)


def test_usable_ids() -> None:
    assert is_valid_generation_id("7c880e75-9892-4238-8464-49cb0c6deabd:luma/ray-2")


@pytest.mark.parametrize(
    "url",
    [
        "https://user:pw@api.gateway.test",
        "https://api.gateway.test/?x=1",
        "https://api.gateway.test/#frag",
        "https://169.254.169.254",
        "https://[fe80::1]",
    ],
)
def test_odd_base_urls_are_refused(url: str) -> None:
    with pytest.raises(ApiError) as caught:
        check_base_url(url)
    assert caught.value.kind is ErrorKind.VALIDATION
    assert not caught.value.request_sent


def test_link_local_and_plain_http_links() -> None:
    with pytest.raises(ApiError, match="link-local"):
        check_url("http://169.254.169.254/latest/meta-data", "video link")
    with pytest.raises(ApiError):
        check_url("http://127.0.0.1/v.mp4", "video link", allow_http=False)


@pytest.mark.parametrize("raw", [" sk-key\n", "\tsk-key  "])
def test_keys_are_trimmed(raw: str) -> None:
    assert checked_key(raw) == "sk-key"


@pytest.mark.parametrize("raw", ["sk-kéy", "sk\x00key", "sk key\u200b", None, "  "])
def test_keys_that_cannot_go_in_a_header_are_refused(raw: str | None) -> None:
    with pytest.raises(ApiError) as caught:
        checked_key(raw)
    assert caught.value.kind is ErrorKind.AUTH
    assert not caught.value.request_sent


def test_names_never_hold_a_raw_id(tmp_path: Path) -> None:
    from datetime import datetime

    path = clip_path(tmp_path, datetime(2026, 1, 1), "x", "/../../a")
    assert path.parent == tmp_path
    assert id_tag("../..") == "gen"
    (tmp_path / "evil.mp4").symlink_to("/etc/passwd")
    with pytest.raises(OutsideFolder):
        inside(tmp_path, tmp_path / "evil.mp4")


def _store(tmp_path: Path) -> JobStore:
    return JobStore(tmp_path / "data" / "jobs.sqlite3")


def test_store_and_folder_are_private(tmp_path: Path) -> None:
    store = _store(tmp_path)
    assert stat.S_IMODE(os.stat(store.path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(tmp_path / "data").st_mode) == 0o700


def test_a_corrupt_store_is_moved_aside(tmp_path: Path) -> None:
    path = tmp_path / "data" / "jobs.sqlite3"
    path.parent.mkdir()
    path.write_bytes(b"SQLite format 3\x00" + b"\xff" * 5000)
    store = JobStore(path)
    assert store.recovered_from is not None
    assert store.recovered_from.name.startswith("jobs.sqlite3.corrupt-")
    assert store.recovered_from.read_bytes().startswith(b"SQLite format 3")
    assert store.count() == 0


def test_poisoned_rows_are_skipped(tmp_path: Path) -> None:
    store = _store(tmp_path)
    good = store.add(base_url="https://g.test", prompt="ok", body={}, parents=[], tokens=1)
    for n, (column, value) in enumerate(
        [
            ("status", "exploded"),
            ("body", "{not json"),
            ("generation_id", "a\x00b"),
            ("body", "[" * 100_000 + "]" * 100_000),  # a RecursionError, not a ValueError
            ("parents", "[" * 65 + "]" * 65),  # deeper than max_json_depth
        ]
    ):
        bad = store.add(base_url="https://g.test", prompt=f"bad {n}", body={}, parents=[], tokens=1)
        store._db.execute(f"UPDATE jobs SET {column} = ? WHERE local_id = ?", (value, bad.local_id))
    assert [j.local_id for j in store.recent()] == [good.local_id]
    assert [j.local_id for j in store.with_status(JobStatus.SUBMITTING)] == [good.local_id]


def test_raw_answers_are_capped_and_duplicate_ids_conflict(tmp_path: Path) -> None:
    store = _store(tmp_path)
    one = store.add(base_url="https://g.test", prompt="1", body={}, parents=[], tokens=1)
    two = store.add(base_url="https://g.test", prompt="2", body={}, parents=[], tokens=1)
    store.update(one.local_id, generation_id="gen-1", raw={"blob": "x" * (5 * MiB)})
    size = store._db.execute("SELECT length(raw) FROM jobs WHERE local_id = ?", (one.local_id,))
    assert size.fetchone()[0] <= DEFAULT_LIMITS.max_stored_raw_bytes
    with pytest.raises(StoreConflict, match="two jobs"):
        store.update(two.local_id, generation_id="gen-1")
    assert isinstance(store.get(one.local_id).raw, dict)


def test_a_read_only_or_full_folder_is_said_plainly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3

    from luma_desktop.core import store as store_module

    def refuse(path: object) -> None:
        raise sqlite3.OperationalError("attempt to write a readonly database")

    monkeypatch.setattr(store_module, "open_db", refuse)
    with pytest.raises(store_module.StoreUnavailable, match="cannot use its job store"):
        JobStore(tmp_path / "jobs.sqlite3")
    assert not list(tmp_path.glob("*.corrupt-*"))  # not damage: nothing moved aside


async def test_the_job_row_is_written_before_the_create_leaves(tmp_path: Path) -> None:
    """Write-ahead: when the POST reaches the gateway, the store already holds the job."""
    from luma_desktop.core.engine import JobEngine
    from luma_desktop.core.request import GenerationRequest

    store = _store(tmp_path)
    seen_at_post: list[list[str]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            seen_at_post.append([j.status.value for j in store.recent()])
            return httpx.Response(201, json={"id": "g-1", "state": "failed", "failure_reason": "x"})
        return httpx.Response(404)

    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as http:
        engine = JobEngine(store, http, lambda: KEY, tmp_path / "lib", base_url="https://g.test")
        await engine.generate(GenerationRequest("write me first"))
    assert seen_at_post == [["submitting"]]


async def test_a_poll_answer_about_another_id_is_a_server_error() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"id": "someone-else", "state": "completed"})

    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as http:
        client = GatewayClient(http, "https://g.test", lambda: KEY)
        with pytest.raises(ApiError) as caught:
            await client.get("mine")
    assert caught.value.kind is ErrorKind.SERVER


async def test_a_certificate_failure_says_so() -> None:
    import ssl

    def handler(request: httpx.Request) -> httpx.Response:
        try:
            raise ssl.SSLCertVerificationError(1, "[SSL: CERTIFICATE_VERIFY_FAILED] self-signed")
        except ssl.SSLError as exc:
            raise httpx.ConnectError("handshake failed", request=request) from exc

    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as http:
        client = GatewayClient(http, "https://g.test", lambda: KEY)
        with pytest.raises(ApiError) as caught:
            await client.get("g-1")
    assert "certificate" in caught.value.message
    assert "trust store" in caught.value.message
    assert "network connection" not in caught.value.message


async def test_a_stale_job_is_told_and_polled_rarely(tmp_path: Path) -> None:
    """Past its deadline a job still running is stale: said once, then asked rarely."""
    from dataclasses import replace

    from luma_desktop.core.engine import JobEngine
    from luma_desktop.core.events import EventKind, JobEvent
    from luma_desktop.core.policy import PollPolicy
    from luma_desktop.core.request import GenerationRequest
    from tests.engine.conftest import FakeTime

    polls: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            return httpx.Response(201, json={"id": "g-1", "state": "queued"})
        polls.append(1)
        state = "pondering" if len(polls) < 8 else "failed"
        return httpx.Response(200, json={"id": "g-1", "state": state, "failure_reason": "x"})

    fake = FakeTime()
    policy = PollPolicy(clock=fake.clock, wall=fake.clock, sleep=fake.sleep, min_interval=3.0)
    limits = replace(DEFAULT_LIMITS, default_job_deadline=5.0, stale_poll_interval=600.0)
    events: list[JobEvent] = []
    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as http:
        engine = JobEngine(
            _store(tmp_path),
            http,
            lambda: KEY,
            tmp_path / "lib",
            base_url="https://g.test",
            policy=policy,
            limits=limits,
        )
        engine.subscribe(events.append)
        job = await engine.submit(GenerationRequest("a slow one"))
        engine.store.update(job.local_id, created_at=fake.now)
        done = await engine.track(job.local_id)
    assert done.status is JobStatus.FAILED  # still followed to its end
    stale = [e for e in events if e.job.status is JobStatus.STALE and e.kind is EventKind.NOTICE]
    assert len(stale) == 1
    assert "Still running after" in stale[0].message
    assert fake.sleeps.count(600.0) >= 2  # rarely, not never


def test_image_preparation_stops_when_told(tmp_path: Path) -> None:
    from luma_desktop.core.images import Cancelled, prepare_image_file

    photo = tmp_path / "big.png"
    photo.write_bytes(b"\x89PNG" + b"\x00" * (3 * MiB))
    asked: list[int] = []

    def stop() -> bool:
        asked.append(1)
        return len(asked) > 1  # let the first chunk through, then stop

    with pytest.raises(Cancelled):
        prepare_image_file(photo, stop=stop)
    assert len(asked) == 2  # stopped while reading, not after the whole file


@pytest.mark.parametrize("target", ["/dev/zero", "/proc/self/status", "fifo", "folder"])
def test_only_regular_files_are_keyframes(tmp_path: Path, target: str) -> None:
    from luma_desktop.core.images import ImageRejected, prepare_image_file

    path = Path(target)
    if target == "fifo":
        path = tmp_path / "pipe.jpg"
        os.mkfifo(path)
    elif target == "folder":
        path = tmp_path / "dir.png"
        path.mkdir()
    with pytest.raises(ImageRejected):
        prepare_image_file(path)
