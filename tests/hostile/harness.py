"""The hostile suite's harness: runs the CLI in-process, looks for the key and for
files outside their folder, measures peak memory with tracemalloc."""

from __future__ import annotations

import asyncio
import random
import time
import tracemalloc
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType

import pytest

from luma_desktop import cli
from luma_desktop.core.limits import DEFAULT_LIMITS, MiB
from luma_desktop.core.policy import PollPolicy
from luma_desktop.core.store import JobStore
from tests.hostile.server import HostileServer

KEY = "hk-7Qx9LmZ2vB4nR8tW"  # distinctive: any sighting of it is a leak
# Time shrunk (deadlines, stall window, job deadline); sizes stay the users' own.
FAST = replace(
    DEFAULT_LIMITS,
    request_deadline=2.0,
    long_poll_hold=0.3,
    long_poll_margin=0.7,
    stall_seconds=0.3,
    job_deadlines=MappingProxyType({}),
    default_job_deadline=60.0,
)


class FakeTime:
    """Planned delays are recorded and advance the clocks; no wall time passes."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.wall0 = time.time()
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def wall(self) -> float:
        return self.wall0 + (self.now - 1000.0) + (time.time() - self.wall0)

    async def sleep(self, delay: float) -> None:
        self.sleeps.append(delay)
        self.now += delay
        await asyncio.sleep(0)


@dataclass
class Run:
    code: int
    out: str
    err: str
    peak: int
    key_sightings: list[str] = field(default_factory=list)
    outside: list[Path] = field(default_factory=list)


class Harness:
    def __init__(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        self.root = tmp_path
        self.box = tmp_path / "sandbox" / "box"
        self.data = self.box / "data"
        self.out = self.box / "out"
        self.inputs = tmp_path / "inputs"
        self.inputs.mkdir()
        self.time = FakeTime()
        self.servers: list[HostileServer] = []
        self._monkeypatch = monkeypatch
        self._capsys = capsys
        monkeypatch.setattr(cli, "clip_limit", lambda mb: replace(FAST, max_clip_bytes=mb * MiB))
        monkeypatch.setattr(cli, "cli_policy", self._policy)

    def _policy(self) -> PollPolicy:
        return PollPolicy(
            max_transient_retries=2,
            stop_when_stale=True,
            resume_stagger=0.0,
            clock=self.time.clock,
            wall=self.time.wall,
            sleep=self.time.sleep,
            rng=random.Random(7),
        )

    def server(self, **handlers: object) -> HostileServer:
        server = HostileServer(**handlers).start()  # type: ignore[arg-type]
        self.servers.append(server)
        return server

    def close(self) -> None:
        for server in self.servers:
            server.stop()

    def run(
        self,
        gateway: HostileServer | None,
        *args: str,
        key: str = KEY,
        base_url: str | None = None,
        out: bool = True,
    ) -> Run:
        self._monkeypatch.setenv("AIMLAPI_KEY", key)
        base = base_url or (gateway.base_url if gateway else "https://gateway.invalid")
        argv = ["--base-url", base, "--data-dir", str(self.data), *args]
        if out and args and args[0] == "generate":
            argv += ["--out", str(self.out)]
        if "generate" in args:
            argv += ["--route", "luma"]  # these servers play the Luma route
        before = _files(self.root)
        tracemalloc.start()
        try:
            code = cli.main(argv)
        except SystemExit as exc:
            code = int(exc.code or 0)
        finally:
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
        stdout, stderr = self._capsys.readouterr()
        run = Run(code, stdout, stderr, peak)
        run.key_sightings = self._sightings(run, key.strip())
        allowed = (self.data, self.out, self.inputs)
        run.outside = [
            p for p in _files(self.root) - before if not any(a in p.parents for a in allowed)
        ]
        return run

    def _sightings(self, run: Run, key: str) -> list[str]:
        found = [name for name, text in (("stdout", run.out), ("stderr", run.err)) if key in text]
        for folder in (self.data, self.out):
            for path in _files(folder):
                if key.encode() in path.read_bytes():
                    found.append(str(path.relative_to(self.box)))
        gateway = self.servers[0] if self.servers else None
        for server in self.servers[1:]:
            found += [f"sent to {server.base_url}{r.path}" for r in server.keyed()]
        if gateway is not None:
            found += [
                f"sent back to {r.path} after leaving"
                for r in gateway.keyed()
                if r.path.startswith("/video/back")
            ]
        return found

    def store(self) -> JobStore:
        return JobStore(self.data / "jobs.sqlite3")


def _files(folder: Path) -> set[Path]:
    if not folder.exists():
        return set()
    return {p for p in folder.rglob("*") if p.is_file() or p.is_symlink()}
