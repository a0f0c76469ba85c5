"""A storyboard in the real window, on the simulator: three shots typed in, Run board,
each shot extends the previous shot's kept take, and the board plays as one chain."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from luma_desktop.core.budget import Caps
from luma_desktop.core.jobs import JobRecord
from luma_desktop.core.lineage import continues
from luma_desktop.ui.compare_view import CompareView
from tests.ui.conftest import wait_signal, wait_until
from tests.ui.test_end_to_end import running_window

SHOTS = ["a lighthouse at dusk", "the beam sweeps the sea", "a ship answers with a lamp"]


async def test_without_a_board_its_buttons_are_disabled(qtbot: QtBot, tmp_path: Path) -> None:
    async with running_window(tmp_path) as window:
        panel = window.board_panel
        assert panel.board is None
        needs_a_board = [
            panel.rename_button,
            panel.duplicate_button,
            panel.delete_button,
            panel.remove_button,
            panel.pick_button,
            panel.reroll_button,
            panel.run_button,
            panel.stop_button,
            panel.play_button,
            panel.export_button,
        ]
        # before: Remove shot, Pick take…, Re-roll, Run, Stop enabled and doing nothing
        assert [b.text() for b in needs_a_board if b.isEnabled()] == []
        assert panel.new_button.isEnabled()
        qtbot.keyClicks(panel.shot_edit, SHOTS[0])
        qtbot.keyClick(panel.shot_edit, Qt.Key.Key_Return)  # Add shot starts a board
        assert panel.board is not None
        assert panel.run_button.isEnabled()
        assert panel.remove_button.isEnabled()
        assert not panel.play_button.isEnabled()  # nothing kept yet


async def test_a_three_shot_board_runs_as_a_chain_and_plays_as_one(
    qtbot: QtBot, tmp_path: Path
) -> None:
    async with running_window(tmp_path) as window:
        panel = window.board_panel
        window.side_tabs.setCurrentWidget(panel)
        for text in SHOTS:
            qtbot.keyClicks(panel.shot_edit, text)
            qtbot.keyClick(panel.shot_edit, Qt.Key.Key_Return)
        board = panel.board
        assert board is not None
        assert [s.prompt for s in board.shots] == SHOTS
        assert panel.shot_list.count() == 3
        assert "To run: ~" in panel.cost_label.text()
        assert not panel.play_button.isEnabled()

        finished = wait_signal(panel.runner.finished, timeout=60)
        qtbot.mouseClick(panel.run_button, Qt.MouseButton.LeftButton)
        await finished

        kept = panel.runner.kept_jobs(panel.runner.boards.get(board.board_id))
        assert [j.prompt for j in kept] == SHOTS
        # Each shot continues the one before it (a generation keyframe in frame0).
        assert continues(kept[0]) is None
        assert continues(kept[1]) == kept[0].generation_id
        assert continues(kept[2]) == kept[1].generation_id
        assert "so far: " in panel.cost_label.text()
        assert "3 of 3 shots kept" in panel.cost_label.text()
        assert "play or export" in panel.status_label.text()

        qtbot.mouseClick(panel.play_button, Qt.MouseButton.LeftButton)
        assert window.chain.active
        assert window.player.current_path() == Path(kept[0].video_path or "")


async def test_boards_are_renamed_duplicated_and_kept_across_windows(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with running_window(tmp_path) as window:
        panel = window.board_panel
        monkeypatch.setattr(panel, "ask_name", lambda title, current: "Coast")
        qtbot.mouseClick(panel.new_button, Qt.MouseButton.LeftButton)
        qtbot.keyClicks(panel.shot_edit, "waves on rocks")
        qtbot.mouseClick(panel.add_button, Qt.MouseButton.LeftButton)
        qtbot.mouseClick(panel.duplicate_button, Qt.MouseButton.LeftButton)
        assert panel.board_combo.currentText() == "Coast (copy)"
        monkeypatch.setattr(panel, "ask_name", lambda title, current: "Harbour")
        qtbot.mouseClick(panel.rename_button, Qt.MouseButton.LeftButton)
        names = {panel.board_combo.itemText(i) for i in range(panel.board_combo.count())}
        assert names == {"Coast", "Harbour"}
    async with running_window(tmp_path) as window:  # the same data folder, a new window
        combo = window.board_panel.board_combo
        assert {combo.itemText(i) for i in range(combo.count())} == {"Coast", "Harbour"}


async def test_the_cap_refuses_a_board_shot(qtbot: QtBot, tmp_path: Path) -> None:
    async with running_window(tmp_path) as window:
        window.desk.set_caps(Caps(per_day=10))
        board = window.board_panel
        qtbot.keyClicks(board.shot_edit, "an expensive shot")
        qtbot.keyClick(board.shot_edit, Qt.Key.Key_Return)
        refused: list[str] = []
        board.runner.refused.connect(refused.append)
        qtbot.mouseClick(board.run_button, Qt.MouseButton.LeftButton)
        # The whole run is checked before anything is sent: it does not start.
        assert board.status_label.text().startswith("Not sent: Running the rest of this board")
        assert "today's cap is 10" in board.status_label.text()
        assert "Settings → Budget" in board.status_label.text()
        assert board.runner.running is None
        # The runner still checks each shot as it sends it (spending elsewhere goes on).
        assert board.board is not None
        board.runner.run(board.board.board_id)
        (message,) = refused  # at once: nothing is sent
        assert "today's cap is 10" in message
        await wait_until(lambda: board.runner.running is None)
        assert window.studio.queue.engine.store.count() == 0


async def test_the_board_cap_is_set_in_the_tab_and_a_run_past_it_is_not_sent(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with running_window(tmp_path) as window:
        panel = window.board_panel
        store = window.studio.queue.engine.store
        window.side_tabs.setCurrentWidget(panel)
        for text in SHOTS[:2]:
            qtbot.keyClicks(panel.shot_edit, text)
            qtbot.keyClick(panel.shot_edit, Qt.Key.Key_Return)
        assert panel.cap_spin.text() == "Board cap: as in Settings"
        window.desk.set_caps(Caps(per_board=2_000_000))
        panel.reload()
        assert "so far: 0 of 2,000,000 (cap) credits" in panel.cost_label.text()
        panel.cap_spin.lineEdit().selectAll()
        qtbot.keyClicks(panel.cap_spin.lineEdit(), "600000")
        board = panel.board
        assert board is not None
        assert panel.runner.boards.get(board.board_id).settings.cap_credits == 600_000
        assert "To run: ~1,000,000 credits" in panel.cost_label.text()
        assert "so far: 0 of 600,000 (cap) credits" in panel.cost_label.text()

        asked: list[int] = []

        def confirm_spend(count: int = 1) -> tuple[bool, bool]:
            asked.append(count)
            return len(asked) > 1, False  # no the first time, yes after

        monkeypatch.setattr(window, "confirm_spend", confirm_spend)
        window.studio.guards._demo = False  # as with a real key: paid work is confirmed
        qtbot.mouseClick(panel.run_button, Qt.MouseButton.LeftButton)
        text = panel.status_label.text()
        assert text.startswith("Not sent: Running the rest of this board would cost about")
        assert "this board's cap is 600,000 with 0 spent (600,000 left)" in text
        assert "Raise the board's cap in the Board tab" in text
        assert asked == []  # refused before the question
        assert (store.count(), panel.runner.running) == (0, None)

        panel.shot_list.setCurrentRow(1)
        qtbot.mouseClick(panel.remove_button, Qt.MouseButton.LeftButton)
        qtbot.mouseClick(panel.run_button, Qt.MouseButton.LeftButton)
        assert asked == [1]  # the question Generate asks, declined: nothing sent
        assert panel.status_label.text() == "Not sent."
        assert (store.count(), panel.runner.running) == (0, None)
        finished = wait_signal(panel.runner.finished, timeout=30)
        qtbot.mouseClick(panel.run_button, Qt.MouseButton.LeftButton)
        await finished
        assert asked == [1, 1]
        assert "of 600,000 (cap) credits" in panel.cost_label.text()

        qtbot.keyClicks(panel.shot_edit, SHOTS[1])
        qtbot.keyClick(panel.shot_edit, Qt.Key.Key_Return)
        qtbot.mouseClick(panel.run_button, Qt.MouseButton.LeftButton)
        assert "this board's cap is 600,000" in panel.status_label.text()
        assert store.count() == 1


async def test_picking_takes_and_rerolling_a_shot(qtbot: QtBot, tmp_path: Path) -> None:
    async with running_window(tmp_path) as window:
        panel = window.board_panel
        runner = panel.runner
        window.side_tabs.setCurrentWidget(panel)
        for text in SHOTS[:2]:
            qtbot.keyClicks(panel.shot_edit, text)
            qtbot.keyClick(panel.shot_edit, Qt.Key.Key_Return)
        panel.takes_spin.setValue(2)
        qtbot.mouseClick(panel.auto_keep, Qt.MouseButton.LeftButton)  # the artist picks
        board = panel.board
        assert board is not None
        assert (board.settings.takes, board.settings.auto_keep) == (2, False)
        assert "~1,000,000 credits" not in panel.cost_label.text()  # 2 shots × 2 takes
        assert "To run: ~2,000,000 credits" in panel.cost_label.text()
        qtbot.mouseClick(panel.run_button, Qt.MouseButton.LeftButton)

        def ready(index: int) -> list[JobRecord]:
            return runner.ready_takes(runner.boards.get(board.board_id).shots[index])

        await wait_until(lambda: "Pick the take of shot 1" in panel.status_label.text(), 30)
        await wait_until(lambda: len(ready(0)) == 2, 30)
        opened: list[tuple[str, int, list[JobRecord]]] = []
        panel.pick_requested.connect(lambda *args: opened.append(args))
        qtbot.mouseClick(panel.pick_button, Qt.MouseButton.LeftButton)
        board_id, index, takes = opened[0]
        assert (board_id, index, len(takes)) == (board.board_id, 0, 2)
        view = window.findChildren(CompareView)[-1]
        finished: list[object] = []
        runner.finished.connect(finished.append)
        qtbot.mouseClick(view.keep_buttons[1], Qt.MouseButton.LeftButton)  # go on from take 2
        await wait_until(lambda: "Pick the take of shot 2" in panel.status_label.text(), 30)
        await wait_until(lambda: len(ready(1)) == 2, 30)
        qtbot.mouseClick(panel.pick_button, Qt.MouseButton.LeftButton)
        window.findChildren(CompareView)[-1].keep_buttons[0].click()
        assert len(finished) == 1  # the last pick ends the board at once
        kept = runner.kept_jobs(runner.boards.get(board.board_id))
        assert kept[0].local_id == takes[1].local_id
        assert continues(kept[1]) == takes[1].generation_id

        # Re-roll shot 1: it and shot 2 run again.
        old_group = runner.boards.get(board.board_id).shots[0].take_group
        panel.shot_list.setCurrentRow(0)
        qtbot.mouseClick(panel.reroll_button, Qt.MouseButton.LeftButton)
        again = runner.boards.get(board.board_id)
        assert [s.kept for s in again.shots] == [None, None]

        def rerolled() -> bool:
            group = runner.boards.get(board.board_id).shots[0].take_group
            return group not in (None, old_group)

        await wait_until(rerolled, 20)
        await wait_until(lambda: "Pick the take of shot 1" in panel.status_label.text(), 30)
