"""What the artist sees when things go wrong, and where demo mode keeps its data."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import keyring.backends.fail
import pytest
from PySide6.QtWidgets import QApplication

from luma_desktop.bootstrap import Options, demo_policy, open_studio, wants_demo
from luma_desktop.core.jobs import JobStatus
from luma_desktop.core.request import GenerationRequest
from luma_desktop.core.secrets import KeyStore
from luma_desktop.sim import SimServer
from luma_desktop.ui.main_window import MainWindow
from tests.conftest import SIM_KEY, fast_sim_config
from tests.ui.conftest import wait_until


@contextlib.asynccontextmanager
async def real_window(
    tmp_path: Path, sim: SimServer, key: str, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[MainWindow]:
    """Not demo mode: a configured key and gateway (the simulator plays the gateway)."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    app.setQuitOnLastWindowClosed(False)
    keys = KeyStore()
    keys.set(key)
    policy = replace(demo_policy(sim.config), lookup_delays=(0.05, 0.1))  # the request log
    options = Options(policy=policy, base_url=sim.base_url, data_dir=tmp_path / "data")
    async with open_studio(options, keys) as studio:
        window = MainWindow(studio)
        monkeypatch.setattr(window, "confirm_spend", lambda: (True, False))
        window.show()
        yield window
        window.close()
        window.deleteLater()


async def test_bad_key_says_check_your_key_with_the_settings_action(
    tmp_path: Path, sim: SimServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with real_window(tmp_path, sim, "not-the-key", monkeypatch) as window:
        opened: list[bool] = []
        monkeypatch.setattr(window, "open_settings", lambda: opened.append(True))
        window.error_banner.settings_requested.disconnect()
        window.error_banner.settings_requested.connect(window.open_settings)
        assert window.submit(GenerationRequest("a refused shot"))
        banner = window.error_banner
        await wait_until(lambda: banner.isVisible() and banner.error is not None)
        assert banner.title_label.text() == "Check your API key"
        assert banner.action_button.isVisible()
        banner.action_button.click()
        assert opened == [True]
        (job,) = window.studio.queue.model.jobs()
        assert job.status is JobStatus.REFUSED
        assert "not-the-key" not in banner.message_label.text()
        assert not window.demo_badge.isVisible()
        assert window.windowTitle() == "Luma Desktop"


async def test_rate_limit_is_shown_as_retrying(
    tmp_path: Path, sim: SimServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with real_window(tmp_path, sim, SIM_KEY, monkeypatch) as window:
        # the window asks for the balance first: the 429 is for the create
        await wait_until(lambda: bool(window.balance_label.text()))
        sim.faults.rate_limits = 1
        sim.faults.retry_after = 1
        banner = window.error_banner
        shown: list[str] = []
        window.studio.errors.raised.connect(lambda e: shown.append(e.title + ": " + e.message))
        window.submit(GenerationRequest("a busy afternoon"))
        await wait_until(lambda: bool(shown))
        assert banner.severity == "warning"
        assert "Retrying in" in banner.message_label.text()
        await wait_until(
            lambda: any(j.status is JobStatus.READY for j in window.studio.queue.model.jobs()),
            timeout=20,
        )
        assert sim.counts["create"] + sim.counts["u_create"] == 2  # one 429, then the accepted one


async def test_confirmation_outside_demo_can_be_turned_off(
    tmp_path: Path, sim: SimServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with real_window(tmp_path, sim, SIM_KEY, monkeypatch) as window:
        asked: list[bool] = []

        def confirm_spend() -> tuple[bool, bool]:
            asked.append(True)
            return True, True

        monkeypatch.setattr(window, "confirm_spend", confirm_spend)
        window.submit(GenerationRequest("first"))
        window.submit(GenerationRequest("second"))
        assert asked == [True]  # "don't ask again" was ticked the first time
        assert window.studio.settings.prefs.confirm_spend is False
        monkeypatch.setattr(window, "confirm_spend", lambda: (False, False))
        window.studio.settings.update(confirm_spend=True)
        assert window.submit(GenerationRequest("third")) is False
        await wait_until(lambda: sim.counts["create"] + sim.counts["u_create"] == 2)


async def test_demo_mode_first_start_keeps_its_own_data(tmp_path: Path) -> None:
    base = tmp_path / "data"
    keys = KeyStore(keyring.backends.fail.Keyring())  # no keychain and no key: demo
    assert wants_demo(Options(), keys)
    options = Options(data_dir=base, sim_config=fast_sim_config(api_key=None))
    async with open_studio(options, keys) as studio:
        assert studio.demo
        assert studio.data_dir == base / "demo"
        assert studio.simulator is not None
        studio.queue.generate(GenerationRequest("demo clip"))
        await wait_until(
            lambda: any(j.status is JobStatus.READY for j in studio.queue.model.jobs()), timeout=20
        )
        (job,) = studio.queue.model.jobs()
    assert Path(job.video_path or "").is_relative_to(base / "demo")
    assert not (base / "jobs.sqlite3").exists()  # the real library was never touched
    assert (base / "demo" / "jobs.sqlite3").exists()


async def test_a_create_the_log_says_failed_is_offered_as_a_safe_resend(
    tmp_path: Path, sim: SimServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with real_window(tmp_path, sim, SIM_KEY, monkeypatch) as window:
        await wait_until(lambda: bool(window.balance_label.text()))
        sim.faults.fail_creates = 1  # a 500 the gateway's log lists as failed: not billed
        window.submit(GenerationRequest("a second chance"))
        banner = window.error_banner
        await wait_until(lambda: banner.error is not None and banner.error.kind == "not_taken")
        assert banner.title_label.text() == "Not taken: safe to send again"
        assert banner.action_button.isVisible()
        banner.action_button.click()  # one click sends it again
        await wait_until(
            lambda: any(j.status is JobStatus.READY for j in window.studio.queue.model.jobs()),
            timeout=20,
        )
        assert sim.counts["u_create"] == 2
        assert sim.faults.fired["fail_creates"] == 1
