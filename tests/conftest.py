"""Shared fixtures. Every test runs in a throwaway profile: its own HOME, data and
config folders, an in-memory keyring, and no way to reach anything but loopback."""

from __future__ import annotations

import asyncio
import ipaddress
import os
import socket
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_API", "pyside6")
os.environ.setdefault("QT_LOGGING_RULES", "qt.multimedia.symbolsresolver=false")

import httpx
import keyring
import pytest
from hypothesis import HealthCheck, settings

from luma_desktop.api.http import make_http_client
from luma_desktop.sim import SimConfig, SimServer
from tests.memory_keyring import MemoryKeyring

settings.register_profile(
    "ci", deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

pytest_plugins = ["pytester"]  # tests of the test fixtures themselves

SIM_KEY = "sim-key"


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """The fault and input suites, in numbers."""
    from tests.summary import render

    for line in render():
        terminalreporter.write_line(line)


@pytest.fixture(autouse=True)
def isolated_profile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[MemoryKeyring]:
    """No test touches the real user profile, keychain or settings."""
    home = tmp_path / "home"
    home.mkdir()
    for name in ("HOME", "USERPROFILE", "APPDATA", "LOCALAPPDATA"):
        monkeypatch.setenv(name, str(home))
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        monkeypatch.setenv(name, str(home / name.lower()))
    monkeypatch.setenv("LUMA_DESKTOP_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
    for name in ("AIMLAPI_KEY", "LUMA_DESKTOP_BASE_URL", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    memory = MemoryKeyring()
    previous = keyring.get_keyring()
    keyring.set_keyring(memory)
    yield memory
    keyring.set_keyring(previous)


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any connection to a non-loopback address fails the test loudly."""
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def guard(address: Any) -> None:
        if isinstance(address, tuple):
            host = str(address[0])
            try:
                loopback = ipaddress.ip_address(host).is_loopback
            except ValueError:
                loopback = host == "localhost"
            if not loopback:
                raise AssertionError(f"test tried to reach {host}: tests use loopback only")

    def connect(self: socket.socket, address: Any) -> None:
        guard(address)
        real_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        guard(address)
        return real_connect_ex(self, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)


def fast_sim_config(**overrides: Any) -> SimConfig:
    values: dict[str, Any] = {
        "api_key": SIM_KEY,
        "queued_seconds": 0.05,
        "dreaming_seconds": 0.25,
        "hold_seconds": 2.0,
    }
    values.update(overrides)
    return SimConfig(**values)


@pytest.fixture
def sim() -> Iterator[SimServer]:
    server = SimServer(fast_sim_config()).start()
    yield server
    server.stop()


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    client = make_http_client()
    yield client
    await client.aclose()
    await asyncio.sleep(0)  # let the transports finish closing
