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
from luma_desktop.ui.compare_view import CompareView
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
        # Takes go through the queue like any request: counted in "spent this session",
        # at what the gateway charged for each
        spent = sum(store.get(t).cost_credits or 0 for t in group.takes)
        assert spent > 0
        assert window.studio.queue.spent.total == spent
        # the unified route reported what each cost (3 × 120,000): no estimate left
        # demo mode: the simulator's credits, said to be simulated (before: plain "Today …")
        # (the spend line follows job changes within BUDGET_REFRESH_MS)
        qtbot.waitUntil(lambda: window.budget_label.text() == "Simulated: Today 360,000 credits")
        assert window.prompt_panel.spent_label.text() == (
            "Simulated spend this session: 360,000 credits"
        )


async def test_the_daily_cap_refuses_a_batch_that_would_pass_it(
    qtbot: QtBot, tmp_path: Path
) -> None:
    async with running_window(tmp_path) as window:
        window.desk.set_caps(Caps(per_day=2 * PRICE_TOKENS))
        window._update_budget()
        assert window.budget_label.text() == f"Simulated: Today 0 of {2 * PRICE_TOKENS:,} credits"
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


async def test_compare_keep_another_take_and_ratings(qtbot: QtBot, tmp_path: Path) -> None:
    from tests.ui.test_library_view import action

    async with running_window(tmp_path) as window:
        panel, desk, library = window.prompt_panel, window.desk, window.library
        store = window.studio.queue.engine.store
        qtbot.keyClicks(panel.prompt_edit, "a kite over dunes")
        panel.takes_spin.setValue(3)
        qtbot.mouseClick(panel.generate_button, Qt.MouseButton.LeftButton)
        await wait_until(lambda: len(desk.takes.groups()) == 1, timeout=20)
        await wait_until(lambda: len(desk.takes.groups()[0].takes) == 3, timeout=20)
        first = store.get(desk.takes.groups()[0].takes[0])
        await wait_until(lambda: len(desk.takes_of(first)) == 3, timeout=30)
        first = store.get(first.local_id)

        # The library shows the group as one stack: its first take, with the count.
        library._model.reload()
        model = library._model
        stack = [model.job_at(r) for r in range(model.rowCount())]
        assert [j.local_id for j in stack if j] == [first.local_id]
        assert str(model.data(model.index(0))).startswith("[3 takes] ")

        menu = library.menu_for([first])
        compare = action(menu, "Compare takes (3)")
        assert compare.isEnabled()
        shown: list[list[object]] = []
        library.compare_requested.connect(shown.append)
        compare.trigger()
        view = window.findChild(CompareView)
        assert view is not None
        assert [j.local_id for j in view.takes] == list(desk.takes.groups()[0].takes)
        assert not view.two_by_two  # three takes: one row
        qtbot.mouseClick(view.play_button, Qt.MouseButton.LeftButton)
        await wait_until(lambda: all(p.position() > 200 for p in view.players), timeout=20)
        view.seek(1000)  # the one scrub bar moves every take
        await wait_until(
            lambda: all(abs(p.position() - view.players[0].position()) < 300 for p in view.players)
        )
        qtbot.mouseClick(view.keep_buttons[1], Qt.MouseButton.LeftButton)
        assert desk.takes.groups()[0].face == view.takes[1].local_id
        assert [b.text() for b in view.keep_buttons] == ["Keep", "Kept", "Keep"]
        await wait_until(lambda: model.job_at(0) is not None)
        face = model.job_at(0)
        assert face is not None
        assert face.local_id == view.takes[1].local_id  # the kept take is the stack's face
        view.close()

        # Another take: no warning about repeating, one more take in the same group.
        assert window.another_take(first)
        await wait_until(lambda: len(desk.takes.groups()[0].takes) == 4, timeout=20)

        # Keys 0-5 rate the selected clips (here the stack's face); the filters show them.
        kept_id = view.takes[1].local_id
        window.side_tabs.setCurrentWidget(library)
        library.select_job(kept_id, reveal=True)
        # The compare view was a window of its own: once closed, nothing hands activation
        # back to the main window by itself, and the star shortcuts need an active window.
        window.activateWindow()
        library.view.setFocus()
        await wait_until(lambda: window.isActiveWindow() and library.view.hasFocus())
        qtbot.keyClick(library.view, Qt.Key.Key_4)
        assert desk.takes.mark(kept_id).rating == 4
        library.marks_combo.setCurrentIndex(3)  # five stars: none
        assert library._model.rowCount() == 0
        library.marks_combo.setCurrentIndex(2)  # three stars and up
        assert library._model.rowCount() == 1
        library.marks_combo.setCurrentIndex(1)  # kept
        shown_job = library._model.job_at(0)
        assert shown_job is not None
        assert shown_job.local_id == kept_id


async def test_the_budget_is_set_in_settings(qtbot: QtBot, tmp_path: Path) -> None:
    from PySide6.QtWidgets import QDialogButtonBox

    from luma_desktop.ui.settings_dialog import SettingsDialog

    async with running_window(tmp_path) as window:
        studio = window.studio
        dialog = SettingsDialog(studio.settings, studio.keys, window)
        qtbot.addWidget(dialog)
        box = window.add_budget(dialog)
        assert box.day_spin.text() == "No cap"
        box.day_spin.setValue(3_000_000)
        box.board_spin.setValue(1_000_000)
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
        assert window.desk.caps() == Caps(per_day=3_000_000, per_board=1_000_000)
        assert window.budget_label.text() == "Simulated: Today 0 of 3,000,000 credits"
