"""After a full run with a known fake key, the key is in no file and no log line."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from luma_desktop.bootstrap import Options, demo_policy, open_studio
from luma_desktop.core import paths
from luma_desktop.core.request import GenerationRequest
from luma_desktop.core.secrets import KeyStore
from luma_desktop.sim import SimServer
from luma_desktop.ui.main_window import MainWindow
from tests.conftest import fast_sim_config
from tests.summary import record
from tests.ui.conftest import wait_signal

FAKE_KEY = "sk-fake-7Qz9-DO-NOT-LEAK-31415"


async def test_the_key_leaves_no_trace(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    caplog.set_level(logging.DEBUG)
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    app.setQuitOnLastWindowClosed(False)
    keys = KeyStore()
    keys.set(FAKE_KEY)
    data = tmp_path / "data"
    with SimServer(fast_sim_config(api_key=FAKE_KEY)) as sim:
        sim.faults.rate_limits = 1  # an error path too, with its messages and log lines
        options = Options(policy=demo_policy(sim.config), base_url=sim.base_url, data_dir=data)
        async with open_studio(options, keys) as studio:
            window = MainWindow(studio)
            monkeypatch.setattr(window, "confirm_spend", lambda: (True, False))
            window.show()
            studio.settings.update(confirm_spend=True)  # the settings file is written
            window.submit(GenerationRequest("a secret-free clip"))
            await wait_signal(studio.queue.job_ready, timeout=30)
            window.close()
            window.deleteLater()

    scanned = [p for p in (*data.rglob("*"), *paths.config_dir().rglob("*")) if p.is_file()]
    leaks = [p for p in scanned if FAKE_KEY.encode() in p.read_bytes()]
    log_lines = [r.getMessage() for r in caplog.records]
    record(
        "Secrets check",
        ("files scanned", "log lines", "files holding the key", "log lines holding the key"),
        (len(scanned), len(log_lines), len(leaks), sum(FAKE_KEY in line for line in log_lines)),
    )
    assert len(scanned) >= 5  # the store, its WAL, the clip, its sidecar, the log, settings…
    assert (data / "logs" / "luma-desktop.log").is_file()
    assert leaks == []
    assert not any(FAKE_KEY in line for line in log_lines)
