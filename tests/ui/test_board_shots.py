"""A board's parameters and a shot's own keyframes and parameters, set in the Board tab
of the real window, stored, shown in the cost, and honoured when the board runs on the
simulator."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox
from pytestqt.qtbot import QtBot

from luma_desktop.core.continuation import FROM_LAST, board_chain
from luma_desktop.core.lineage import continues
from luma_desktop.core.request import GenerationKeyframe, GenerationRequest, ImageKeyframe
from luma_desktop.ui.board_panel import BoardPanel
from tests.ui.conftest import wait_signal, wait_until
from tests.ui.test_end_to_end import running_window


def pick(combos: Mapping[str, QComboBox], name: str, data: str) -> None:
    index = combos[name].findData(data)
    assert index > 0, data
    combos[name].setCurrentIndex(index)


async def choose_image(
    panel: BoardPanel, monkeypatch: pytest.MonkeyPatch, frame: str, path: Path
) -> None:
    editor = panel.shot_editor
    monkeypatch.setattr(editor, "ask_image", lambda _frame: str(path))
    editor.choose_buttons[frame].click()
    await wait_until(lambda: panel.edits.preparing == 0, 20)


async def test_shots_carry_their_own_frames_and_parameters_into_the_run(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dawn, dusk = tmp_path / "dawn.png", tmp_path / "dusk.png"
    Image.new("RGB", (320, 180), (200, 120, 40)).save(dawn)
    Image.new("RGB", (320, 180), (20, 30, 90)).save(dusk)
    async with running_window(tmp_path) as window:
        panel = window.board_panel
        window.side_tabs.setCurrentWidget(panel)
        for text in ("a harbour at dawn", "the harbour at dusk"):
            qtbot.keyClicks(panel.shot_edit, text)
            qtbot.keyClick(panel.shot_edit, Qt.Key.Key_Return)
        assert not panel.shot_editor.isEnabled()  # no shot selected
        pick(panel.board_params.combos, "model", "ray-flash-2")  # the board's model
        board = panel.board
        assert board is not None
        boards = panel.runner.boards
        assert boards.get(board.board_id).settings.params == {"model": "ray-flash-2"}

        panel.shot_list.setCurrentRow(0)
        editor = panel.shot_editor
        assert editor.isEnabled()
        assert editor.title().startswith("Shot 1")
        assert editor.pickers.combos["model"].currentText() == "Board's (ray-flash-2)"
        await choose_image(panel, monkeypatch, "frame0", dawn)
        assert editor.frame_labels["frame0"].text() == "dawn.png"
        assert "own: first frame" in panel.shot_list.item(0).text()

        panel.shot_list.setCurrentRow(1)
        pick(editor.pickers.combos, "model", "ray-2")
        pick(editor.pickers.combos, "duration", "9s")
        pick(editor.pickers.combos, "resolution", "720p")
        assert panel.shot_list.currentRow() == 1  # editing keeps the selection
        await choose_image(panel, monkeypatch, "frame1", dusk)
        assert editor.frame_labels["frame0"].text() == "none: extends the shot before"
        shot = boards.get(board.board_id).shots[1]
        assert shot.settings() == {"model": "ray-2", "duration": "9s", "resolution": "720p"}
        about = editor.about_label.text()
        assert "Runs with ray-2 · 16:9 · 720p · 9s; about 500,000 credits for a take" in about
        assert "own: ray-2, 720p, 9s, last frame" in panel.shot_list.item(1).text()
        panel.takes_spin.setValue(2)  # the shot's cost follows the takes per shot
        assert "about 1,000,000 credits for 2 takes" in editor.about_label.text()
        assert panel.shot_list.currentRow() == 1
        panel.takes_spin.setValue(1)
        assert "To run: ~1,000,000 credits" in panel.cost_label.text()

        finished = wait_signal(panel.runner.finished, timeout=60)
        qtbot.mouseClick(panel.run_button, Qt.MouseButton.LeftButton)
        await finished
        first, second = panel.runner.kept_jobs(boards.get(board.board_id))
        one = GenerationRequest.from_body(dict(first.body))
        assert one.model == "ray-flash-2"
        assert isinstance(one.frame0, ImageKeyframe)
        assert one.frame0.url.startswith("data:image/")
        two = GenerationRequest.from_body(dict(second.body))
        assert (two.model, two.duration, two.resolution) == ("ray-2", "9s", "720p")
        assert isinstance(two.frame0, GenerationKeyframe)  # it extends shot 1's take
        assert continues(second) == first.generation_id
        assert isinstance(two.frame1, ImageKeyframe)


async def test_a_bad_picture_is_said_and_a_frame_is_cleared(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    not_an_image = tmp_path / "notes.png"
    not_an_image.write_text("just words")
    good = tmp_path / "good.png"
    Image.new("RGB", (64, 64), (0, 128, 0)).save(good)
    async with running_window(tmp_path) as window:
        panel = window.board_panel
        qtbot.keyClicks(panel.shot_edit, "a field")
        qtbot.keyClick(panel.shot_edit, Qt.Key.Key_Return)
        panel.shot_list.setCurrentRow(0)
        await choose_image(panel, monkeypatch, "frame0", not_an_image)
        assert panel.status_label.text().startswith("Shot 1: ")
        assert panel.board is not None
        assert "frame0" not in panel.board.shots[0].params
        await choose_image(panel, monkeypatch, "frame0", good)
        assert panel.shot_editor.clear_buttons["frame0"].isEnabled()
        qtbot.mouseClick(panel.shot_editor.clear_buttons["frame0"], Qt.MouseButton.LeftButton)
        assert panel.board.shots[0].keyframe("frame0") is None
        assert panel.shot_editor.frame_labels["frame0"].text() == "none: starts the board"


async def test_the_board_tab_says_a_ray32_board_chains_through_last_frames(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """A board (or a shot) on Ray 3.2 says each shot continues from the last frame of the
    shot before, in the prompt panel's words; on Ray 2 it says the shot extends."""
    said = board_chain("ray-3.2")
    assert FROM_LAST in said
    async with running_window(tmp_path) as window:
        panel = window.board_panel
        window.side_tabs.setCurrentWidget(panel)
        for text in ("a harbour at dawn", "the harbour at dusk"):
            qtbot.keyClicks(panel.shot_edit, text)
            qtbot.keyClick(panel.shot_edit, Qt.Key.Key_Return)
        editor = panel.shot_editor
        pick(panel.board_params.combos, "model", "ray-2")
        panel.shot_list.setCurrentRow(1)
        assert said not in panel.cost_label.text()
        assert said not in editor.about_label.text()
        assert editor.frame_labels["frame0"].text() == "none: extends the shot before"

        pick(panel.board_params.combos, "model", "ray-3.2")  # the board's model
        assert said in panel.cost_label.text()
        panel.shot_list.setCurrentRow(1)
        assert said in editor.about_label.text()
        frame0 = editor.frame_labels["frame0"].text()
        assert frame0 == f"none: {FROM_LAST} the shot before"

        pick(editor.pickers.combos, "model", "ray-2")  # the shot's own model goes by id
        assert said not in editor.about_label.text()
        assert editor.frame_labels["frame0"].text() == "none: extends the shot before"

        pick(panel.board_params.combos, "model", "ray-2")
        panel.shot_list.setCurrentRow(0)
        pick(editor.pickers.combos, "model", "ray-3.2")  # a shot's own Ray 3.2
        assert said in editor.about_label.text()
        assert said not in panel.cost_label.text()
