"""Demo work survives quitting: a job still dreaming finishes after a restart."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication

from luma_desktop.bootstrap import DEMO_GATEWAY, Options, demo_policy, open_studio
from luma_desktop.core.jobs import JobStatus
from luma_desktop.core.request import GenerationRequest
from luma_desktop.sim import SimConfig
from tests.ui.conftest import wait_signal, wait_until

SLOW = SimConfig(api_key=None, queued_seconds=0.05, dreaming_seconds=600, hold_seconds=2.0)
FAST = SimConfig(api_key=None, queued_seconds=0.05, dreaming_seconds=0.2, hold_seconds=2.0)


async def test_an_interrupted_demo_job_finishes_after_a_restart(tmp_path: Path) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    app.setQuitOnLastWindowClosed(False)
    data = tmp_path / "data"
    # polled as if it rendered as fast as FAST does: the job is seen dreaming at once
    options = Options(demo=True, data_dir=data, sim_config=SLOW, policy=demo_policy(FAST))
    async with open_studio(options) as studio:
        studio.queue.load()
        studio.queue.generate(GenerationRequest("a crane at dawn, take 2"))
        await wait_until(
            lambda: any(j.status is JobStatus.DREAMING for j in studio.queue.model.jobs())
        )
        (job,) = studio.queue.model.jobs()
        assert job.base_url == DEMO_GATEWAY  # not this session's port

    async with open_studio(Options(demo=True, data_dir=data, sim_config=FAST)) as studio:
        sim = studio.simulator
        assert sim is not None
        studio.queue.load()
        (ready,) = await wait_signal(studio.queue.job_ready, timeout=20)
        assert ready.local_id == job.local_id
        assert Path(ready.video_path).is_file()
        assert sim.counts["create"] == 0
