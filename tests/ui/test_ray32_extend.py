"""Extending with Ray 3.2 in the real window, against the demo simulator: Ray 3.2 has no
generation-id keyframes, so the clip's last frame (taken from the file) is sent as
``image_url``, the panel says so, the lineage still names the clip; a board on Ray
3.2 chains its shots the same way."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from luma_desktop.core.boards import BoardSettings, Shot
from luma_desktop.core.jobs import JobRecord
from luma_desktop.core.lineage import continues
from luma_desktop.core.request import GenerationKeyframe, GenerationRequest, ImageKeyframe
from luma_desktop.ui.main_window import MainWindow
from tests.ui.conftest import wait_signal, wait_until
from tests.ui.test_end_to_end import running_window
from tests.ui.test_gestures import _last_body, _send_with_prompt


def _pick_model(window: MainWindow, model: str) -> None:
    combo = window.prompt_panel.model_combo
    combo.setCurrentIndex(combo.findData(model))
    assert window.studio.draft.model == model


async def _clip(window: MainWindow, prompt: str, model: str) -> JobRecord:
    window.studio.queue.generate(GenerationRequest(prompt, model=model))
    (job,) = await wait_signal(window.studio.queue.job_ready, timeout=20)
    return window.studio.queue.engine.store.get(job.local_id)


async def test_extending_a_ray_3_2_clip_sends_its_last_frame(qtbot: QtBot, tmp_path: Path) -> None:
    async with running_window(tmp_path) as window:
        window.confirm_spend = lambda count=1: (True, False)  # type: ignore[method-assign]
        clip = await _clip(window, "a kite over the dunes", "ray-3.2")
        _pick_model(window, "ray-3.2")
        menu = window.job_list.menu_for(clip)
        next(a for a in menu.actions() if a.text() == "Extend forward").trigger()
        panel = window.prompt_panel
        frame0 = window.studio.frame0
        await wait_until(lambda: isinstance(frame0.keyframe, ImageKeyframe))
        assert frame0.preview is not None
        assert not frame0.error
        note = panel.extension_label.text()
        assert note == "Ray 3.2 continues from the last frame of clip “a kite over the dunes”"
        assert panel.extension_label.isVisible()

        after = await _send_with_prompt(window, qtbot, "the kite climbs into the clouds")
        body = _last_body(window)
        assert body["model"] == "luma/ray-3.2"
        assert body["image_url"].startswith("data:image/")
        assert "keyframes" not in body
        assert after.parents == (clip.generation_id,)
        assert continues(after) == clip.generation_id
        # The library plays them as one chain: clip, then its continuation.
        window.studio.library.reload()
        chain = window.library.chain_of(clip)
        assert [j.local_id for j in chain] == [clip.local_id, after.local_id]


async def test_switching_to_ray_3_2_after_extending_takes_the_frame(
    qtbot: QtBot, tmp_path: Path
) -> None:
    async with running_window(tmp_path) as window:
        clip = await _clip(window, "a harbour at dawn", "ray-2")
        menu = window.job_list.menu_for(clip)
        next(a for a in menu.actions() if a.text() == "Extend backward").trigger()
        frame1 = window.studio.frame1
        assert isinstance(frame1.keyframe, GenerationKeyframe)  # Ray 2: by its id
        _pick_model(window, "ray-3.2")
        await wait_until(lambda: isinstance(frame1.keyframe, ImageKeyframe))
        held = frame1.keyframe
        assert isinstance(held, ImageKeyframe)
        assert held.clip_end == "first"
        panel = window.prompt_panel
        assert panel.extension_label.text() == (
            "Ray 3.2 leads into the first frame of clip “a harbour at dawn”"
        )
        panel.prompt_edit.setPlainText("boats leave before dawn")
        await wait_until(panel.generate_button.isEnabled)  # not blocked by the id rule
        # Back on Ray 2, the clip is held by its id again (a true extension).
        _pick_model(window, "ray-2")
        await wait_until(lambda: isinstance(frame1.keyframe, GenerationKeyframe))
        assert "extends it backward" in panel.extension_label.text()


async def test_a_ray_3_2_board_chains_through_last_frames(qtbot: QtBot, tmp_path: Path) -> None:
    async with running_window(tmp_path) as window:
        runner = window.board_panel.runner
        ray32 = {"model": "ray-3.2"}
        prompts = ["a lighthouse at dusk", "the beam sweeps the sea"]
        board = runner.boards.create(
            "Ray 3.2 board", tuple(Shot(p, ray32) for p in prompts), BoardSettings()
        )
        finished = wait_signal(runner.finished, timeout=60)
        runner.run(board.board_id)
        await finished
        kept = runner.kept_jobs(runner.boards.get(board.board_id))
        assert [j.prompt for j in kept] == prompts
        sim = window.studio.simulator
        assert sim is not None
        second = sim.received_bodies[-1]
        assert second["model"] == "luma/ray-3.2"
        assert second["image_url"].startswith("data:image/")
        assert "keyframes" not in second
        assert kept[1].parents == (kept[0].generation_id,)
        assert continues(kept[1]) == kept[0].generation_id


async def test_the_ray_3_2_toggles_fit_in_the_panel(tmp_path: Path) -> None:
    """HDR and EXR appear with Ray 3.2 without making the panel need more width than
    its pane has (the picker row was squeezed and cut off in a 1600 px window)."""
    async with running_window(tmp_path) as window:
        window.resize(1560, 860)
        panel = window.prompt_panel
        _pick_model(window, "ray-3.2")
        await wait_until(panel.exr_check.isVisible)
        assert panel.hdr_check.isVisible()
        assert panel.minimumSizeHint().width() <= panel.width()
        for widget in (panel.hdr_check, panel.exr_check, panel.duration_combo):
            assert widget.width() >= widget.sizeHint().width()  # not squeezed
