"""The HTTP client is made after the window's first paint, as the app starts (the
HTTP stack cost ~60 ms before the window could show), and a request made before it
exists waits for it: it does not fail."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from luma_desktop.bootstrap import Options, open_studio
from luma_desktop.core.jobs import JobStatus
from luma_desktop.core.request import GenerationRequest
from luma_desktop.sim import SimConfig
from luma_desktop.ui.main_window import MainWindow
from tests.http_spy import clients_made_on
from tests.ui.conftest import wait_signal

FAST = SimConfig(api_key=None, queued_seconds=0.05, dreaming_seconds=0.2, hold_seconds=2.0)


async def test_a_generation_sent_before_the_client_exists_waits_for_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made_on = clients_made_on(monkeypatch)
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    app.setQuitOnLastWindowClosed(False)
    options = Options(demo=True, data_dir=tmp_path / "data", sim_config=FAST, start_later=True)
    async with open_studio(options) as studio:
        window = MainWindow(studio)
        assert made_on == []  # the studio and its window are built without it
        # Sent at once, before the app's after-first-paint start: neither the client nor
        # the simulator's server exists yet.
        studio.queue.generate(GenerationRequest("a kite over the dunes"))
        studio.start_later()
        (job,) = await wait_signal(studio.queue.job_ready, timeout=20)
        assert job.status is JobStatus.READY
        assert len(made_on) == 1  # one client for the window's whole life
        window.close()
        window.deleteLater()
