"""What the artist was composing survives a restart: typed into the real window,
closed, opened again."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from pytestqt.qtbot import QtBot

from luma_desktop.core.request import ImageKeyframe
from tests.ui.conftest import png_file, wait_until
from tests.ui.test_end_to_end import running_window


async def test_the_draft_comes_back_after_a_restart(qtbot: QtBot, tmp_path: Path) -> None:
    image = png_file(tmp_path / "start.png", (320, 180), QColor(200, 80, 40))
    async with running_window(tmp_path) as window:
        panel = window.prompt_panel
        qtbot.mouseClick(panel.prompt_edit.viewport(), Qt.MouseButton.LeftButton)
        qtbot.keyClicks(panel.prompt_edit, "a kite over the dunes")
        panel.aspect_combo.setCurrentText("9:16")
        qtbot.mouseClick(panel.loop_check, Qt.MouseButton.LeftButton)
        window.studio.frame0.load_file(image)
        await wait_until(lambda: window.studio.frame0.keyframe is not None)
        before = panel.request()
        assert window.studio.draft.request() == before  # the panel writes into the draft
    async with running_window(tmp_path) as window:
        panel = window.prompt_panel
        await wait_until(lambda: window.studio.frame0.keyframe is not None)
        assert panel.prompt_edit.toPlainText() == "a kite over the dunes"
        assert panel.aspect_combo.currentText() == "9:16"
        assert panel.loop_check.isChecked()
        after = panel.request()
        assert isinstance(after.frame0, ImageKeyframe)
        assert after.to_body() == before.to_body()
        assert panel.generate_button.isEnabled()
