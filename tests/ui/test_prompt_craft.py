"""Prompt craft in the real window: a camera move and a preset inserted at the cursor
from the menu, and prompts sent recalled with Ctrl+Up/Down and from the history list."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QMenu
from pytestqt.qtbot import QtBot

from tests.ui.conftest import wait_until
from tests.ui.test_end_to_end import running_window


def submenu(menu: QMenu, title: str) -> QMenu:
    found = [a.menu() for a in menu.actions() if a.text() == title]
    assert found, [a.text() for a in menu.actions()]
    assert isinstance(found[0], QMenu)
    return found[0]


def trigger(menu: QMenu, text: str) -> None:
    found = [a for a in menu.actions() if a.text() == text]
    assert found, [a.text() for a in menu.actions()]
    found[0].trigger()


async def test_a_camera_move_and_a_preset_go_in_at_the_cursor(qtbot: QtBot, tmp_path: Path) -> None:
    async with running_window(tmp_path) as window:
        panel = window.prompt_panel
        qtbot.keyClicks(panel.prompt_edit, "a fox in the snow")
        cursor = panel.prompt_edit.textCursor()
        cursor.setPosition(5)  # after "a fox"
        panel.prompt_edit.setTextCursor(cursor)
        menu = panel.craft.menu()
        menu.aboutToShow.emit()
        trigger(submenu(submenu(menu, "Camera move"), "Orbit"), "Orbit left")
        assert panel.prompt_edit.toPlainText() == "a fox, camera orbit left, in the snow"
        panel.prompt_edit.moveCursor(QTextCursor.MoveOperation.End)
        trigger(submenu(menu, "Light preset"), "Golden hour")
        text = panel.prompt_edit.toPlainText()
        assert text.endswith("in the snow, golden hour light, warm low sun, long shadows")
        assert window.studio.draft.prompt == text  # the draft follows the box


async def test_history_recall_with_keys_and_the_list(qtbot: QtBot, tmp_path: Path) -> None:
    async with running_window(tmp_path) as window:
        panel = window.prompt_panel
        for prompt in ("first light on the ridge", "rain on a tin roof"):
            panel.prompt_edit.setPlainText(prompt)
            qtbot.mouseClick(panel.generate_button, Qt.MouseButton.LeftButton)
        await wait_until(lambda: len(window.desk.history.recent()) == 2)
        panel.prompt_edit.setPlainText("half typed")
        panel.prompt_edit.setFocus()
        await wait_until(panel.prompt_edit.hasFocus)
        up = (Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier)
        down = (Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
        qtbot.keyClick(panel.prompt_edit, *up)
        assert panel.prompt_edit.toPlainText() == "rain on a tin roof"
        qtbot.keyClick(panel.prompt_edit, *up)
        assert panel.prompt_edit.toPlainText() == "first light on the ridge"
        qtbot.keyClick(panel.prompt_edit, *down)
        qtbot.keyClick(panel.prompt_edit, *down)
        assert panel.prompt_edit.toPlainText() == "half typed"

        popup = panel.craft.show_history()
        qtbot.keyClicks(popup.search, "ridge")
        assert popup.list.count() == 1
        qtbot.keyClick(popup.search, Qt.Key.Key_Return)
        assert panel.prompt_edit.toPlainText() == "first light on the ridge"
