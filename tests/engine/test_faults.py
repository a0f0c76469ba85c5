"""Every simulator fault mode as one table: what the artist is left with.

Each row asserts: no job lost (the store holds it, in the right status), the
create counted exactly as often as the gateway could have taken it, the delays the
engine planned, and the error kind the artist sees.
"""

from __future__ import annotations

import base64
import errno
import hashlib
import io
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from luma_desktop.core.engine import JobEngine
from luma_desktop.core.events import EventKind, JobEvent
from luma_desktop.core.jobs import JobStatus
from luma_desktop.core.request import GenerationRequest, ImageKeyframe
from luma_desktop.core.store import JobStore
from luma_desktop.sim import SimServer
from luma_desktop.sim.video import job_clip
from tests.engine.conftest import EngineFactory, FakeTime, creates, fast_policy
from tests.summary import FAULT_HEADER, FAULT_TABLE, record


def _inline_png() -> ImageKeyframe:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 36), (200, 40, 40)).save(buffer, "PNG")
    uri = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
    return ImageKeyframe(uri, source="red.png")


def _after_create(sim: SimServer, **faults: object) -> None:
    """Switch faults on once the create is taken, so they hit polls and downloads."""

    def hook(event: str, _gen_id: str) -> None:
        if event == "created":
            for name, value in faults.items():
                setattr(sim.faults, name, value)

    sim.add_hook(hook)


@dataclass
class Case:
    name: str
    faults: dict[str, object]
    after_create: bool = False  # switched on once the create is taken (hits polls, downloads)
    status: JobStatus = JobStatus.READY
    error_kind: str | None = None
    creates_taken: int = 1  # generations the gateway accepted
    creates_sent: int = 1  # create requests that reached it
    min_planned_wait: float = 0.0  # the longest planned pause must be at least this
    request: GenerationRequest = field(default_factory=lambda: GenerationRequest("a quiet harbor"))
    message_has: str = ""
    luma_only: bool = False  # a fault of the Luma route's long poll or answer spellings

    def setup(self, sim: SimServer) -> None:
        if self.after_create:
            _after_create(sim, **self.faults)
        else:
            for name, value in self.faults.items():
                setattr(sim.faults, name, value)

    def counted(self) -> list[str]:
        """The injected faults whose firing the simulator counts (``Faults.fired``)."""
        return [n for n in self.faults if n in COUNTED_FAULTS]


# Switches the simulator counts as they act; the others (shapes, rates, Retry-After's
# value) are settings of a fault, checked through the outcome instead.
COUNTED_FAULTS = frozenset(
    {
        "server_errors",
        "rate_limits",
        "drop_polls",
        "malformed_json",
        "drop_creates_after_accept",
        "reject_data_urls",
        "ignore_wanted_state",
        "expire_links_after_complete",
        "drop_download_after",
        "hold_create",
        "fail_creates",
        "spelling",
        "drip_bytes_per_second",
        "drip_polls_seconds",
    }
)


def _served(sim: SimServer, gen_id: str) -> bytes:
    """The bytes the simulator's video origin serves for this generation."""
    return job_clip(gen_id, sim.generation(gen_id)["request"])


def clip_matches(sim: SimServer, gen_id: str | None, path: str | None) -> bool:
    """Size and hash of the clip on disk equal what the simulator served."""
    if not gen_id or not path or not Path(path).is_file():
        return False
    served, kept = _served(sim, gen_id), Path(path).read_bytes()
    return (
        len(kept) == len(served)
        and hashlib.sha256(kept).digest() == hashlib.sha256(served).digest()
    )


CASES = [
    Case("5xx burst while polling", {"server_errors": 3}, after_create=True),
    Case(
        "5xx on create: maybe taken",
        {"server_errors": 1},
        status=JobStatus.UNKNOWN,
        error_kind="server",
        creates_taken=0,
        message_has="may or may not",
    ),
    Case(
        "429 on create: retried after Retry-After",
        {"rate_limits": 2, "retry_after": 3},
        creates_sent=3,
        min_planned_wait=3.0,
    ),
    Case(
        "429 while polling",
        {"rate_limits": 2, "retry_after": 2},
        after_create=True,
        min_planned_wait=2.0,
    ),
    Case("dropped connection mid-poll", {"drop_polls": 2}, after_create=True),
    Case(
        "create taken, answer lost: adopted from the request log",
        {"drop_creates_after_accept": 1},
    ),
    Case(
        "5xx on create, log says failed: safe to resend",
        {"fail_creates": 1},
        status=JobStatus.REFUSED,
        error_kind="not_taken",
        creates_taken=0,
        message_has="safe to send it again",
    ),
    Case("malformed JSON while polling", {"malformed_json": 2}, after_create=True),
    Case("server ignores the wanted state", {"ignore_wanted_state": True}, luma_only=True),
    Case("unified spelling", {"spelling": "unified"}, luma_only=True),
    Case("flat spelling", {"spelling": "flat"}, luma_only=True),
    Case("wrapped object", {"spelling": "wrapped"}, luma_only=True),
    Case("unknown running state", {"spelling": "weird_state"}, luma_only=True),
    Case("dropped connection mid-download", {"drop_download_after": 10_000}),
    Case("slow drip download", {"drip_bytes_per_second": 400_000}),
    Case("slow drip poll answers", {"drip_polls_seconds": 0.2}),
    Case("link expired before download", {"expire_links_after_complete": True}),
    Case(
        "data: images refused by the gateway",
        {"reject_data_urls": True},
        status=JobStatus.REFUSED,
        error_kind="validation",
        creates_taken=0,
        request=GenerationRequest("starts on a red card", frame0=_inline_png()),
        message_has="public https image link",
    ),
    Case(
        "out of credits (403 on create)",
        {"server_errors": 1, "server_error_status": 403},
        status=JobStatus.REFUSED,
        error_kind="forbidden",
        creates_taken=0,
        message_has="credits",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
async def test_fault(
    case: Case,
    sim: SimServer,
    make_engine: EngineFactory,
    store: JobStore,
    events: list[JobEvent],
    route: str,
) -> None:
    if case.luma_only and route == "unified":
        pytest.skip("the unified route has one answer spelling and never holds")
    created: list[str] = []
    sim.add_hook(lambda event, gen_id: created.append(gen_id) if event == "created" else None)
    case.setup(sim)
    fake = FakeTime()
    engine: JobEngine = make_engine(sim, fast_policy(clock=fake.clock, sleep=fake.sleep))

    job = await engine.generate(case.request)

    retries = [e for e in events if e.kind is EventKind.RETRYING]
    seen = (
        f"{job.error_kind}: {job.error_message}"
        if job.error_kind
        else (f"(retrying) {retries[-1].error_kind}: {retries[-1].message}" if retries else "-")
    )
    ready = job.status is JobStatus.READY
    matches = clip_matches(sim, job.generation_id, job.video_path) if ready else None
    fired = {name: sim.faults.fired[name] for name in case.counted()}
    record(
        FAULT_TABLE,
        FAULT_HEADER,
        (
            case.name,
            job.status.value,
            seen[:64],
            f"{len(created)}/{creates(sim)}",
            f"{max(fake.sleeps, default=0.0):.2f}",
            "-" if matches is None else ("yes" if matches else "NO"),
            ", ".join(f"{n} x{c}" for n, c in fired.items()) or "n/a",
        ),
    )
    assert all(fired.values()), f"an injected fault never fired: {fired}"
    assert job.status is case.status, job.error_message
    assert job.error_kind == case.error_kind
    assert store.get(job.local_id) == job  # the store holds exactly what the engine returned
    assert len(created) == case.creates_taken
    assert creates(sim) == case.creates_sent
    assert max(fake.sleeps, default=0.0) >= case.min_planned_wait
    assert case.message_has in (job.error_message or "")
    assert sim.video_requests_with_auth == 0
    if ready:
        assert matches, "the clip on disk is not what the simulator served"
        assert not Path(f"{job.video_path}.part").exists()
        retries = [e for e in events if e.kind is EventKind.RETRYING]
        assert all(e.retry_in is not None and e.retry_in >= 0 for e in retries)


async def test_unknown_create_is_never_resent(
    sim: SimServer, make_engine: EngineFactory, store: JobStore
) -> None:
    sim.faults.drop_creates_after_accept = 1
    sim.config.log_delay_seconds = 3600.0  # the request log never shows it in time
    engine = make_engine(sim)
    job = await engine.generate(GenerationRequest("only once"))
    assert job.status is JobStatus.UNKNOWN
    assert sim.counts["logs"] == len(fast_policy().lookup_delays)  # looked for, with backoff
    await engine.resume_all()
    assert creates(sim) == 1
    assert store.get(job.local_id).status is JobStatus.UNKNOWN


async def test_unknown_job_adopted_by_id(
    sim: SimServer, make_engine: EngineFactory, store: JobStore
) -> None:
    taken: list[str] = []
    sim.add_hook(lambda event, gen_id: taken.append(gen_id) if event == "created" else None)
    sim.faults.drop_creates_after_accept = 1
    sim.config.log_delay_seconds = 3600.0
    engine = make_engine(sim)
    job = await engine.generate(GenerationRequest("adopt me"))
    assert job.status is JobStatus.UNKNOWN
    adopted = await engine.adopt(job.local_id, taken[0])
    assert adopted.status is JobStatus.READY
    assert adopted.generation_id == taken[0]
    assert creates(sim) == 1


async def test_ignored_wanted_state_is_paced(
    sim: SimServer, make_engine: EngineFactory, route: str
) -> None:
    """At most one poll per minimum interval, measured on the injected clock."""
    if route == "unified":
        pytest.skip("the unified route has no wanted state (see test_unified_poll_schedule)")
    sim.faults.ignore_wanted_state = True
    fake = FakeTime()
    policy = fast_policy(min_interval=3.0, clock=fake.clock, sleep=fake.sleep)
    engine = make_engine(sim, policy)
    start = fake.now
    notices: list[JobEvent] = []
    engine.subscribe(lambda e: notices.append(e) if e.kind is EventKind.NOTICE else None)

    job = await engine.generate(GenerationRequest("a slow sunrise"))

    assert job.status is JobStatus.READY
    elapsed = fake.now - start
    polls = sim.counts["get"]
    assert polls > 3  # the server really did answer at once, many times
    assert polls <= elapsed / 3.0 + 2  # +1 for the first poll, +1 for the link refresh slack
    assert len(notices) == 1  # noticed and said once


async def test_not_found_is_terminal(
    sim: SimServer, make_engine: EngineFactory, store: JobStore
) -> None:
    engine = make_engine(sim)
    job = store.add(
        base_url=sim.base_url,
        prompt="lost",
        body={"prompt": "lost"},
        parents=[],
        tokens=500_000,
        status=JobStatus.QUEUED,
        generation_id="6b1a6c1e-0000-4000-8000-000000000000",
    )
    result = await engine.track(job.local_id)
    assert result.status is JobStatus.NOT_FOUND
    assert result.error_kind == "not_found"


async def test_blocking_error_pauses_and_keeps_the_job(
    sim: SimServer, make_engine: EngineFactory
) -> None:
    """A key removed mid-session: the job stays active, with the error to show."""
    key: list[str | None] = ["sim-key"]
    engine = make_engine(sim, key=lambda: key[0])
    job = await engine.submit(GenerationRequest("keep me"))
    key[0] = None  # the keychain entry disappears mid-session
    paused = await engine.track(job.local_id)
    assert paused.status.active
    assert paused.error_kind == "auth"
    key[0] = "sim-key"
    done = await engine.track(job.local_id)
    assert done.status is JobStatus.READY
    assert done.error_kind is None
    matches = clip_matches(sim, done.generation_id, done.video_path)
    record(
        FAULT_TABLE,
        FAULT_HEADER,
        (
            "key removed mid-session",
            f"{paused.status.value} → {done.status.value}",
            f"{paused.error_kind}: {paused.error_message}"[:64],
            f"1/{sim.counts['create']}",
            "-",
            "yes" if matches else "NO",
            "key gone",
        ),
    )
    assert matches


LOCAL_FAULTS = [
    ("disk full", errno.ENOSPC, "is full"),
    ("folder not writable", errno.EACCES, "may not write"),
]


@pytest.mark.parametrize(("name", "code", "said"), LOCAL_FAULTS, ids=[f[0] for f in LOCAL_FAULTS])
async def test_local_disk_faults_pause_the_download_and_keep_the_job(
    name: str,
    code: int,
    said: str,
    sim: SimServer,
    make_engine: EngineFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real_open = Path.open

    def failing_open(self: Path, *args: Any, **kwargs: Any) -> Any:
        if self.name.endswith(".part"):
            raise OSError(code, os.strerror(code), str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", failing_open)
    engine = make_engine(sim)
    paused = await engine.generate(GenerationRequest("a full disk"))
    record(
        FAULT_TABLE,
        FAULT_HEADER,
        (
            name,
            paused.status.value,
            f"{paused.error_kind}: {paused.error_message}"[:64],
            "1/1",
            "-",
            "-",
            "yes (open refused)",
        ),
    )
    assert paused.status is JobStatus.DOWNLOADING  # kept, to finish once there is room
    assert paused.error_kind == "local_file"
    assert said in (paused.error_message or "")

    monkeypatch.setattr(Path, "open", real_open)  # the artist frees space / picks a folder
    done = await engine.track(paused.local_id)
    assert done.status is JobStatus.READY
    assert creates(sim) == 1
