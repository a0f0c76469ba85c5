"""After a crash, the window picks the work up: resumed jobs, adopted unknowns."""

from __future__ import annotations

import signal
import sys
import threading
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from luma_desktop.bootstrap import Options, demo_policy, open_studio
from luma_desktop.core.jobs import JobStatus
from luma_desktop.core.secrets import KeyStore
from luma_desktop.sim import SimServer
from luma_desktop.ui.main_window import MainWindow
from tests.conftest import SIM_KEY
from tests.crash.test_cli_crashes import Cli
from tests.ui.conftest import FrameCounter, wait_signal, wait_until

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL semantics")


async def test_window_adopts_a_create_lost_in_a_crash(sim: SimServer, tmp_path: Path) -> None:
    data = tmp_path / "data"
    cli = Cli(sim, data)
    sim.faults.hold_create = True
    taken: list[str] = []
    sim.add_hook(lambda name, gen_id: taken.append(gen_id) if name == "created" else None)
    proc = cli.start("generate", "a lost answer")
    killed = cli.kill_on(proc, "created")
    done = threading.Event()

    def wait_for_exit() -> None:
        proc.wait()
        done.set()

    threading.Thread(target=wait_for_exit, daemon=True).start()
    await wait_until(done.is_set, timeout=60)
    assert killed.is_set()
    assert proc.returncode == -signal.SIGKILL
    sim.faults.hold_create = False
    sim.release_create()

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    app.setQuitOnLastWindowClosed(False)
    keys = KeyStore()
    keys.set(SIM_KEY)
    async with open_studio(
        Options(policy=demo_policy(sim.config), base_url=sim.base_url, data_dir=data), keys
    ) as studio:
        window = MainWindow(studio)
        window.show()
        frames = FrameCounter(window.player.video_sink())
        studio.queue.load()
        (job,) = studio.queue.model.jobs()
        assert job.status is JobStatus.UNKNOWN  # shown, not resent
        menu = window.job_list.menu_for(job)
        assert any(a.text().startswith("Adopt") and a.isEnabled() for a in menu.actions())

        studio.queue.adopt(job.local_id, taken[0])
        (ready,) = await wait_signal(studio.queue.job_ready, timeout=30)
        await wait_until(lambda: frames.count >= 3, timeout=15)
        assert ready.generation_id == taken[0]
        assert Path(ready.video_path).is_file()
        assert sim.counts["create"] == 1
        window.close()
        window.deleteLater()
