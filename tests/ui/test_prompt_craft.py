"""Prompt craft in the real window: a camera move and a preset inserted at the cursor
from the menu, the artist's own presets saved from the draft (words and parameters),
renamed, deleted and kept, and prompts sent recalled with Ctrl+Up/Down and from the
history list."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QMenu
from pytestqt.qtbot import QtBot

from luma_desktop.core.craft import USER_KIND, Preset
from luma_desktop.ui.preset_dialogs import ManagePresetsDialog
from luma_desktop.ui.prompt_craft import PromptCraft
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


def answer_save_dialog(
    qtbot: QtBot, craft: PromptCraft, name: str, with_params: bool = True
) -> Callable[[str], tuple[str, bool] | None]:
    """Stands in for the modal question: fills and accepts the real Save dialog."""

    def ask(fragment: str) -> tuple[str, bool] | None:
        dialog = craft.save_dialog(fragment)
        qtbot.keyClicks(dialog.name_edit, name)
        if not with_params:
            qtbot.mouseClick(dialog.with_params, Qt.MouseButton.LeftButton)
        buttons = dialog.findChild(QDialogButtonBox)
        assert buttons is not None
        save = buttons.button(QDialogButtonBox.StandardButton.Save)
        qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
        assert dialog.result() == QDialog.DialogCode.Accepted
        dialog.deleteLater()
        return dialog.answer()

    return ask


def my_presets(craft: PromptCraft) -> QMenu:
    menu = craft.menu()
    menu.aboutToShow.emit()
    return submenu(menu, "My presets")


async def test_a_preset_saved_from_the_draft_brings_back_words_and_parameters(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with running_window(tmp_path) as window:
        panel, draft = window.prompt_panel, window.studio.draft
        craft = panel.craft
        first = next(a.text() for a in my_presets(craft).actions() if a.text())
        assert first.startswith("None yet")
        panel.aspect_combo.setCurrentIndex(panel.aspect_combo.findData("9:16"))
        qtbot.mouseClick(panel.loop_check, Qt.MouseButton.LeftButton)
        assert (draft.parameters["aspect_ratio"], draft.parameters["loop"]) == ("9:16", True)
        qtbot.keyClicks(panel.prompt_edit, "a heron, teal and orange grade")
        cursor = panel.prompt_edit.textCursor()
        cursor.setPosition(len("a heron, "))
        cursor.movePosition(QTextCursor.MoveOperation.End, QTextCursor.MoveMode.KeepAnchor)
        panel.prompt_edit.setTextCursor(cursor)  # only the look is saved
        monkeypatch.setattr(craft, "ask_preset", answer_save_dialog(qtbot, craft, "Teal"))
        trigger(my_presets(craft), "Save draft as preset…")
        assert "Saved the preset “Teal”" in window.statusBar().currentMessage()

        panel.prompt_edit.setPlainText("a fox")
        panel.aspect_combo.setCurrentIndex(panel.aspect_combo.findData("16:9"))
        qtbot.mouseClick(panel.loop_check, Qt.MouseButton.LeftButton)
        panel.prompt_edit.moveCursor(QTextCursor.MoveOperation.End)
        trigger(my_presets(craft), "Teal")
        assert panel.prompt_edit.toPlainText() == "a fox, teal and orange grade"
        assert (draft.parameters["aspect_ratio"], draft.parameters["loop"]) == ("9:16", True)
        assert panel.aspect_combo.currentData() == "9:16"  # the panel shows what it set
        assert panel.loop_check.isChecked()
        assert draft.prompt == "a fox, teal and orange grade"

        # Words only: the draft's parameters stay as they are when it is used.
        panel.prompt_edit.setPlainText("rim light")
        monkeypatch.setattr(craft, "ask_preset", answer_save_dialog(qtbot, craft, "Rim", False))
        trigger(my_presets(craft), "Save draft as preset…")
        panel.aspect_combo.setCurrentIndex(panel.aspect_combo.findData("16:9"))
        trigger(my_presets(craft), "Rim")
        assert draft.parameters["aspect_ratio"] == "16:9"
        assert panel.prompt_edit.toPlainText() == "rim light, rim light"

    async with running_window(tmp_path) as window:  # kept: a new window lists them
        names = [a.text() for a in my_presets(window.prompt_panel.craft).actions()]
        assert names[:2] == ["Teal", "Rim"]


async def test_presets_are_renamed_and_deleted_and_a_refusal_is_said(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with running_window(tmp_path) as window:
        craft = window.prompt_panel.craft
        window.prompt_panel.prompt_edit.setPlainText("fog over the bay")
        for name in ("Fog", "Bay"):
            monkeypatch.setattr(craft, "ask_preset", answer_save_dialog(qtbot, craft, name))
            trigger(my_presets(craft), "Save draft as preset…")
        trigger(my_presets(craft), "Rename or delete…")
        dialog = window.findChildren(ManagePresetsDialog)[-1]
        assert [dialog.list.item(i).text() for i in range(dialog.list.count())] == ["Fog", "Bay"]
        monkeypatch.setattr(dialog, "ask_name", lambda current: "Sea fog")
        qtbot.mouseClick(dialog.rename_button, Qt.MouseButton.LeftButton)
        dialog.list.setCurrentRow(1)
        qtbot.mouseClick(dialog.delete_button, Qt.MouseButton.LeftButton)
        assert [dialog.list.item(i).text() for i in range(dialog.list.count())] == ["Sea fog"]
        problems: list[str] = []
        monkeypatch.setattr(dialog, "show_problem", problems.append)
        window.desk.presets.save(Preset("Other", USER_KIND, "x"))
        dialog.reload()
        monkeypatch.setattr(dialog, "ask_name", lambda current: "Other")
        qtbot.mouseClick(dialog.rename_button, Qt.MouseButton.LeftButton)
        assert problems == ["You already have a preset named “Other”."]
        dialog.close()
        assert [a.text() for a in my_presets(craft).actions()][:2] == ["Sea fog", "Other"]

        window.prompt_panel.prompt_edit.setPlainText("   ")
        monkeypatch.setattr(craft, "ask_preset", answer_save_dialog(qtbot, craft, "Blank", False))
        trigger(my_presets(craft), "Save draft as preset…")
        assert "Preset not saved: Write a prompt" in window.statusBar().currentMessage()
