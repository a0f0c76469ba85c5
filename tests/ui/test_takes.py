"""Takes in the real window: a 3-take batch after one question, filed as one group;
the daily cap refusing a batch that would pass it; the status bar's spend."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from luma_desktop.core.budget import Caps
from luma_desktop.core.jobs import JobStatus
from luma_desktop.core.request import PRICE_TOKENS
from tests.ui.conftest import wait_until
from tests.ui.test_end_to_end import running_window


async def test_three_takes_after_one_question_as_one_group(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with running_window(tmp_path) as window:
        asked: list[int] = []

        def confirm_spend(count: int = 1) -> tuple[bool, bool]:
            asked.append(count)
            return True, False

        monkeypatch.setattr(window, "confirm_spend", confirm_spend)
        window.studio.guards._demo = False  # as with a real key: paid work is confirmed
        panel = window.prompt_panel
        qtbot.keyClicks(panel.prompt_edit, "a heron takes off from a misty pond")
        panel.takes_spin.setValue(3)
        qtbot.mouseClick(panel.generate_button, Qt.MouseButton.LeftButton)
        assert asked == [3]
        desk = window.desk
        store = window.studio.queue.engine.store
        await wait_until(lambda: len(desk.takes.groups()) == 1, timeout=20)
        await wait_until(lambda: len(desk.takes.groups()[0].takes) == 3, timeout=20)
        group = desk.takes.groups()[0]
        assert store.count() == 3
        assert group.size == 3
        await wait_until(
            lambda: all(store.get(t).status is JobStatus.READY for t in group.takes), timeout=30
        )
        assert desk.history.recent() == ["a heron takes off from a misty pond"]
        assert "Today ~" in window.budget_label.text()


async def test_the_daily_cap_refuses_a_batch_that_would_pass_it(
    qtbot: QtBot, tmp_path: Path
) -> None:
    async with running_window(tmp_path) as window:
        window.desk.set_caps(Caps(per_day=2 * PRICE_TOKENS))
        window._update_budget()
        assert window.budget_label.text() == f"Today 0 of {2 * PRICE_TOKENS:,} credits"
        panel = window.prompt_panel
        qtbot.keyClicks(panel.prompt_edit, "fireflies over a meadow")
        panel.takes_spin.setValue(3)
        qtbot.mouseClick(panel.generate_button, Qt.MouseButton.LeftButton)
        message = window.statusBar().currentMessage()
        assert message.startswith("Not sent: These 3 takes would cost about 1,500,000 credits")
        assert "(1,000,000 left)" in message
        assert "Settings → Budget" in message
        assert window.studio.queue.engine.store.count() == 0
        panel.takes_spin.setValue(2)  # fits exactly
        qtbot.mouseClick(panel.generate_button, Qt.MouseButton.LeftButton)
        await wait_until(lambda: window.studio.queue.engine.store.count() == 2, timeout=20)
