"""A failure is said once, names the clip, and can be retried from the banner or the list."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from luma_desktop.core.jobs import JobStatus
from luma_desktop.core.request import GenerationRequest
from tests.ui.conftest import wait_until
from tests.ui.test_end_to_end import running_window

PROMPT = "A lighthouse in a storm at night [fail]"


async def test_a_failed_clip_is_named_once_and_retried(tmp_path: Path) -> None:
    async with running_window(tmp_path) as window:
        studio = window.studio
        sim = studio.simulator
        assert sim is not None
        asked: list[str] = []

        def creates() -> int:  # on whichever route the engine chose
            return sim.counts["create"] + sim.counts["u_create"]

        def confirm_repeat() -> bool:
            asked.append("repeat")
            return True

        window.confirm_repeat = confirm_repeat  # type: ignore[method-assign]
        studio.queue.generate(GenerationRequest(PROMPT))
        banner = window.error_banner
        await wait_until(lambda: banner.isVisible() and banner.error is not None, timeout=20)
        assert banner.title_label.text() == "A clip failed"
        text = banner.message_label.text()
        assert text.startswith("“A lighthouse in a storm at night [fail]” failed: ")
        assert text.count("failed") == 1  # before: "The clip failed / The clip failed: …"
        assert banner.action_button.isVisible()
        assert banner.action_button.text() == "Retry"

        QTest.mouseClick(banner.action_button, Qt.MouseButton.LeftButton)
        await wait_until(lambda: creates() == 2, timeout=20)
        assert sim.received_bodies[-1]["prompt"] == PROMPT  # the same request
        assert not banner.isVisible() or banner.error is None or banner.error.local_id

        (failed, *_) = [j for j in studio.queue.model.jobs() if j.status is JobStatus.FAILED]
        menu = window.job_list.menu_for(failed)
        retry = next(a for a in menu.actions() if a.text() == "Retry")
        assert retry.isEnabled()
        retry.trigger()
        await wait_until(lambda: creates() == 3, timeout=20)
        assert asked  # the same request again soon: the repeat question, as for Generate
