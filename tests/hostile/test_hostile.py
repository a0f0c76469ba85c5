"""The CLI against gateways that misbehave on purpose: one case per class of defect.

Every case runs the real CLI in-process against a small hostile server on loopback
and checks, besides its own outcome, the four things no gateway may ever cause:
the key showing up anywhere (stdout, stderr, the store, sidecars, logs, or a request
to another origin), a file written outside its folder, a create sent more often
than the gateway could have taken it, and memory growing with what the server sends.
The results are printed as a table after the run (tests/summary.py).

Deadlines, stall windows and the job deadline are made small through the same
``Limits`` the CLI builds from ``--max-clip-mb``; delays the engine plans run on a
fake clock (recorded, never slept).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from luma_desktop.core.jobs import JobStatus
from luma_desktop.core.limits import DEFAULT_LIMITS, Limits, MiB
from tests.hostile.handlers import (
    bounce,
    created_as,
    deep_json,
    drip_first_poll,
    drip_then_resume,
    echo_key_create,
    echo_key_failure,
    endless_json,
    endless_video,
    gzip_bomb,
    held_queued,
    huge_length,
    leave_and_come_back,
    other_id,
    poll_with_video,
    rate_limited,
    redirect_create,
    unknown_state,
)
from tests.hostile.harness import FAST, KEY, Harness, Run
from tests.hostile.server import CLIP
from tests.summary import record

TABLE = "Hostile gateway suite"
HEADER = ("case", "outcome", "creates", "key found", "files outside", "peak MiB")


# -- the cases -----------------------------------------------------------------------------


@dataclass
class Case:
    name: str
    play: Callable[[Harness], Run]
    code: int
    creates: int = 1
    bomb: bool = False


def _gen(h: Harness, **handlers: object) -> Run:
    return h.run(h.server(**handlers), "generate", "a hostile harbour")


def _ready_clip(h: Harness, run: Run) -> None:
    clip = Path(run.out.strip().splitlines()[-1])
    assert h.out in clip.parents
    assert hashlib.sha256(clip.read_bytes()).digest() == hashlib.sha256(CLIP).digest()


def path_id(h: Harness) -> Run:
    run = _gen(h, gen_id="/../../a")
    _ready_clip(h, run)
    return run


def nul_id(h: Harness) -> Run:
    run = _gen(h, on_create=created_as("a\x00b"))
    assert "may or may not" in run.out
    return run


def long_id(h: Harness) -> Run:
    return _gen(h, on_create=created_as("x" * 100_000))


def bomb(h: Harness) -> Run:
    run = _gen(h, on_poll=gzip_bomb)
    assert "too large" in run.out + run.err
    return run


def endless(h: Harness) -> Run:
    run = _gen(h, on_poll=endless_json)
    assert "too large" in run.out + run.err
    return run


def deep(h: Harness) -> Run:
    run = _gen(h, on_poll=deep_json)
    assert "too large" in run.out + run.err
    return run


def endless_clip(h: Harness) -> Run:
    gateway = h.server(on_video=endless_video)
    run = h.run(gateway, "--max-clip-mb", "1", "generate", "an endless river")
    assert "maximum clip size" in run.out + run.err
    assert not list(h.out.glob("*.part"))
    assert gateway.state == {}
    assert run.out.strip().splitlines()[-1] == gateway.gen_id
    return run


def huge_clip(h: Harness) -> Run:
    run = _gen(h, on_video=huge_length)
    assert "maximum clip size" in run.out + run.err
    assert not list(h.out.glob("*"))  # refused before a byte was written
    return run


def drip_download(h: Harness) -> Run:
    run = _gen(h, on_video=drip_then_resume)
    _ready_clip(h, run)
    assert "slowed" in run.err
    return run


def drip_poll(h: Harness) -> Run:
    run = _gen(h, on_poll=drip_first_poll)
    _ready_clip(h, run)
    return run


def echoed_key(h: Harness) -> Run:
    run = _gen(h, on_create=echo_key_create)
    assert "[key]" in run.out
    return run


def echoed_key_failure(h: Harness) -> Run:
    run = _gen(h, on_poll=echo_key_failure)
    assert "denied for" in run.out
    assert "\x1b" not in run.out
    return run


def trailing_newline_key(h: Harness) -> Run:
    gateway = h.server()
    run = h.run(gateway, "generate", "a pasted key", key=KEY + " \n")
    assert gateway.requests[0].headers["authorization"] == f"Bearer {KEY}"
    _ready_clip(h, run)
    return run


def non_ascii_key(h: Harness) -> Run:
    gateway = h.server()
    run = h.run(gateway, "generate", "an odd key", key="hk-ключ-7Qx9LmZ2")
    assert "cannot be sent" in run.err
    assert not gateway.requests
    assert not (h.data / "jobs.sqlite3").exists() or h.store().count() == 0
    return run


def redirected_create(h: Harness) -> Run:
    run = _gen(h, on_create=redirect_create)
    assert "moved" in run.out
    return run


def redirect_away_and_back(h: Harness) -> Run:
    gateway = h.server(
        on_poll=poll_with_video(lambda s: f"{s.base_url}/video/start"),
        on_video=leave_and_come_back,
    )
    other = h.server(on_other=bounce)
    gateway.state["other"], other.state["gateway"] = other, gateway
    run = h.run(gateway, "generate", "a round trip")
    assert [r.path for r in gateway.requests if r.path.startswith("/video")] == [
        "/video/start",
        "/video/back",
    ]
    assert [r.path for r in gateway.keyed() if r.path.startswith("/video")] == ["/video/start"]
    _ready_clip(h, run)
    return run


def link_local(h: Harness) -> Run:
    gateway = h.server(on_poll=poll_with_video(lambda s: "http://169.254.169.254/latest/x.mp4"))
    run = h.run(gateway, "generate", "metadata please")
    assert "link-local" in run.out + run.err
    assert run.out.strip().splitlines()[-1] == gateway.gen_id  # the id, for `status`/`resume`
    return run


def huge_link(h: Harness) -> Run:
    run = _gen(h, on_poll=poll_with_video(lambda s: "https://cdn.test/" + "v" * 1_000_000))
    assert "no video link" in run.out + run.err
    return run


def huge_retry_after(h: Harness) -> Run:
    run = _gen(h, on_create=rate_limited(2, "99999999"))
    assert max(h.time.sleeps) <= DEFAULT_LIMITS.retry_after_max
    _ready_clip(h, run)
    return run


def always_429(h: Harness) -> Run:
    run = _gen(h, on_create=rate_limited(99, "inf"))
    assert "Not sent (rate limited)" in run.out
    assert max(h.time.sleeps) < DEFAULT_LIMITS.retry_after_max  # "inf" ignored: normal backoff
    (job,) = h.store().recent()
    assert job.status is JobStatus.REFUSED
    return run


def poisoned_rows(h: Harness) -> Run:
    gateway = h.server()
    store = h.store()
    healthy = store.add(
        base_url=gateway.base_url,
        prompt="healthy",
        body={"prompt": "healthy"},
        parents=[],
        tokens=1,
        status=JobStatus.QUEUED,
        generation_id=gateway.gen_id,
    )
    for n, (column, value) in enumerate(
        [
            ("status", "exploded"),
            ("body", "{not json"),
            ("generation_id", "a\x00b"),
            ("video_path", "relative/../x.mp4"),
            ("parents", '{"a": 1}'),
        ]
    ):
        bad = store.add(
            base_url=gateway.base_url,
            prompt=f"p{n}",
            body={},
            parents=[],
            tokens=1,
            status=JobStatus.QUEUED,
            generation_id=f"bad-{n}",
        )
        store._db.execute(f"UPDATE jobs SET {column} = ? WHERE local_id = ?", (value, bad.local_id))
    store.close()
    run = h.run(gateway, "resume")
    assert h.store().get(healthy.local_id).status is JobStatus.READY
    return run


def device_keyframe(h: Harness) -> Run:
    gateway = h.server()
    run = h.run(gateway, "generate", "zeros", "--frame0", "/dev/zero")
    assert "not an image file" in run.err
    return run


def fifo_keyframe(h: Harness) -> Run:
    fifo = h.inputs / "pipe.png"
    os.mkfifo(fifo)
    gateway = h.server()
    run = h.run(gateway, "generate", "a pipe", "--frame1", str(fifo))
    assert "device or pipe" in run.err
    return run


def corrupt_store(h: Harness) -> Run:
    library = h.data / "library"
    library.mkdir(parents=True)
    (library / "old.mp4").write_bytes(CLIP)
    (library / "old.json").write_text(
        '{"generation_id": "g-old-1", "prompt": "an old clip", "parameters": {}, "parents": []}'
    )
    (h.data / "jobs.sqlite3").write_bytes(b"SQLite format 3\x00" + b"\xee" * 4096)
    run = h.run(None, "list")
    assert "an old clip" in run.out
    assert "damaged" in run.err
    assert list(h.data.glob("jobs.sqlite3.corrupt-*"))
    return run


def stale(h: Harness) -> Run:
    run = _gen(h, on_poll=unknown_state)
    assert "Still running after" in run.out
    assert run.out.strip().splitlines()[-1] == h.servers[0].gen_id
    return run


def wait_max(h: Harness) -> Run:
    gateway = h.server(on_poll=held_queued)
    run = h.run(gateway, "generate", "a long wait", "--wait-max", "0.5")
    assert run.out.strip().splitlines()[-1] == gateway.gen_id
    return run


def another_id(h: Harness) -> Run:
    run = _gen(h, on_poll=other_id)
    assert "another generation" in run.out + run.err
    return run


def out_is_a_file(h: Harness) -> Run:
    target = h.inputs / "not-a-folder"
    target.write_text("x")
    gateway = h.server()
    run = h.run(gateway, "generate", "x", "--out", str(target), out=False)
    assert "is a file" in run.err
    return run


def bad_utf8_argument(h: Harness) -> Run:
    gateway = h.server()
    return h.run(gateway, "generate", "caf\udce9")


def base_url_with_password(h: Harness) -> Run:
    gateway = h.server()
    url = gateway.base_url.replace("http://", "http://user:pw@")
    run = h.run(gateway, "generate", "x", base_url=url)
    assert "user name or password" in run.err
    return run


CASES = [
    Case("path id /../../a", path_id, 0),
    Case("NUL in the created id", nul_id, 5),
    Case("100k-character id", long_id, 5),
    Case("gzip bomb poll answer", bomb, 5, bomb=True),
    Case("endless JSON answer", endless, 5, bomb=True),
    Case("200k-deep JSON nesting", deep, 5, bomb=True),
    Case("endless clip, --max-clip-mb 1", endless_clip, 3, bomb=True),
    Case("10 GB Content-Length", huge_clip, 3),
    Case("download drips, resumed", drip_download, 0),
    Case("poll answer drips", drip_poll, 0),
    Case("key echoed in an error", echoed_key, 2),
    Case("key echoed in failure + raw", echoed_key_failure, 3),
    Case("key with trailing newline", trailing_newline_key, 0),
    Case("non-ASCII key", non_ascii_key, 4, creates=0),
    Case("redirected create", redirected_create, 2),
    Case("redirect off-origin and back", redirect_away_and_back, 0),
    Case("link-local video link", link_local, 3),
    Case("1 MB video link", huge_link, 3),
    Case("Retry-After 99999999", huge_retry_after, 0, creates=3),
    Case("429 on every create", always_429, 5, creates=5),
    Case("poisoned rows, resume", poisoned_rows, 0, creates=0),
    Case("keyframe /dev/zero", device_keyframe, 2, creates=0),
    Case("keyframe is a FIFO", fifo_keyframe, 2, creates=0),
    Case("corrupt store, rebuilt", corrupt_store, 0, creates=0),
    Case("unknown state past deadline", stale, 6),
    Case("--wait-max reached", wait_max, 6),
    Case("poll answer for another id", another_id, 5),
    Case("--out is a file", out_is_a_file, 2, creates=0),
    Case("invalid UTF-8 argument", bad_utf8_argument, 2, creates=0),
    Case("base URL with user:password", base_url_with_password, 2, creates=0),
]


@pytest.fixture
def harness(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Iterator[Harness]:
    h = Harness(tmp_path, monkeypatch, capsys)
    yield h
    h.close()


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile(case: Case, harness: Harness) -> None:
    run = case.play(harness)
    creates = sum(s.creates for s in harness.servers)
    record(
        TABLE,
        HEADER,
        (
            case.name,
            f"exit {run.code}",
            creates,
            len(run.key_sightings),
            len(run.outside),
            f"{run.peak / MiB:.1f}",
        ),
    )
    assert run.code == case.code, run.out + run.err
    assert creates == case.creates
    assert run.key_sightings == []
    assert run.outside == []
    if case.bomb:
        assert run.peak < 48 * MiB  # bounded by the limits, not by what the server sends
    assert "Traceback" not in run.err


def test_limits_used_here_are_smaller_than_the_defaults() -> None:
    """The suite shrinks time only; sizes are the users' own (``--max-clip-mb``)."""
    assert isinstance(FAST, Limits)
    assert FAST.max_json_bytes == DEFAULT_LIMITS.max_json_bytes
    assert FAST.stall_seconds < DEFAULT_LIMITS.stall_seconds
