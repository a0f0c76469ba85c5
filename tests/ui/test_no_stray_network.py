"""The app reaches nothing but what it was pointed at: in demo mode, starting the
studio and running one generation connect only to the simulator's two loopback
origins (the gateway and its video CDN). No update check, no telemetry, no fonts or
icons fetched from the internet.

Python-level connects are recorded (httpx, aiohttp, keyring's D-Bus client): that is
every socket this app opens itself; Qt's own networking is not used.
"""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from PySide6.QtWidgets import QApplication

from luma_desktop.bootstrap import Options, open_studio
from luma_desktop.core.jobs import JobStatus
from luma_desktop.core.request import GenerationRequest
from luma_desktop.sim import SimConfig
from luma_desktop.ui.main_window import MainWindow
from luma_desktop.ui.theme import apply_dark_theme
from tests.ui.conftest import wait_signal, wait_until

FAST = SimConfig(api_key=None, queued_seconds=0.1, dreaming_seconds=0.3, hold_seconds=5.0)


@pytest.fixture
def connects(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every address a socket of this process connects to (on top of loopback_only)."""
    seen: list[Any] = []
    connect = socket.socket.connect
    connect_ex = socket.socket.connect_ex

    def recording_connect(self: socket.socket, address: Any) -> None:
        seen.append(address)
        connect(self, address)

    def recording_connect_ex(self: socket.socket, address: Any) -> int:
        seen.append(address)
        return connect_ex(self, address)

    monkeypatch.setattr(socket.socket, "connect", recording_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", recording_connect_ex)
    return seen


def _origin(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    assert parts.hostname is not None
    assert parts.port is not None
    return parts.hostname, parts.port


async def test_start_and_one_generation_reach_only_the_simulator(
    connects: list[Any], tmp_path: Path
) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_dark_theme(app)
    app.setQuitOnLastWindowClosed(False)
    options = Options(demo=True, data_dir=tmp_path / "data", sim_config=FAST)
    # Start as app.run does: the studio, the window, the queue loaded.
    async with open_studio(options) as studio:
        window = MainWindow(studio)
        window.show()
        studio.queue.load()
        await wait_until(window.isVisible)
        at_start = list(connects)

        studio.queue.generate(GenerationRequest("a heron lifting off a misty pond"))
        (job,) = await wait_signal(studio.queue.job_ready, timeout=20)
        assert job.status is JobStatus.READY
        await wait_until(lambda: window.player.current_path() == Path(job.video_path))
        sim = studio.simulator
        assert sim is not None
        allowed = {_origin(sim.base_url), _origin(sim.video_base_url)}
        window.close()
        window.deleteLater()

    assert at_start == [], f"connections at start, before any request: {at_start}"
    destinations = {(str(a[0]), a[1]) if isinstance(a, tuple) else a for a in connects}
    assert destinations <= allowed, f"unexpected destinations: {destinations - allowed}"
    # Both origins were really used: the create/polls and the clip's download.
    assert destinations == allowed
