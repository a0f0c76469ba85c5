"""A keyframe of another shape than the clip is flagged on its slot, with one-click
Crop (the artist chooses the area), Fit and Keep; the choice is what is sent
(problem 6)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from luma_desktop.core.keyframe_shape import Fit, differs, inline_size
from luma_desktop.core.request import ImageKeyframe
from luma_desktop.ui.crop_dialog import CropDialog
from luma_desktop.ui.prompt_panel import PromptPanel
from tests.ui.test_prompt_panel import WAIT_MS, panel

__all__ = ["panel"]  # the fixture, shared


def _portrait(path: Path) -> Path:
    image = QImage(270, 480, QImage.Format.Format_RGB32)
    image.fill(QColor(40, 90, 200))
    assert image.save(str(path))
    return path


def _sent_shape(panel: PromptPanel) -> tuple[int, int]:
    frame = panel.request().frame1
    assert isinstance(frame, ImageKeyframe)
    size = inline_size(frame)
    assert size is not None
    return size


def _loaded_portrait(qtbot: QtBot, panel: PromptPanel, tmp_path: Path) -> None:
    panel.frame1.load_file(_portrait(tmp_path / "tall.png"))
    qtbot.waitUntil(lambda: panel.frame1.keyframe is not None, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not panel.frame1.busy, timeout=WAIT_MS)


def test_a_portrait_last_frame_is_flagged_and_fit_and_keep_decide_what_is_sent(
    qtbot: QtBot, panel: PromptPanel, tmp_path: Path
) -> None:
    _loaded_portrait(qtbot, panel, tmp_path)
    bar = panel.slot1.shape_bar
    assert bar.isVisible()  # before: taken silently
    assert bar.note.text() == "9:16 image, 16:9 clip:"
    assert "270×480" in bar.toolTip()
    assert not panel.slot1.detail_label.isVisible()  # the flag takes its place
    assert not panel.slot0.shape_bar.isVisible()

    qtbot.mouseClick(bar.buttons[Fit.PAD], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.frame1.fit is Fit.PAD, timeout=WAIT_MS)
    assert _sent_shape(panel) == (853, 480)  # the whole image, with bars
    assert bar.buttons[Fit.PAD].isChecked()
    assert bar.note.text() == "Fitted to 16:9 with bars"

    qtbot.mouseClick(bar.buttons[Fit.KEEP], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.frame1.fit is Fit.KEEP, timeout=WAIT_MS)
    assert _sent_shape(panel) == (270, 480)
    assert not bar.buttons[Fit.PAD].isChecked()

    panel.aspect_combo.setCurrentIndex(panel.aspect_combo.findData("9:16"))
    qtbot.waitUntil(lambda: not bar.isVisible(), timeout=WAIT_MS)  # now the same shape


def test_crop_lets_the_artist_choose_the_area_with_keys_and_the_mouse(
    qtbot: QtBot, panel: PromptPanel, tmp_path: Path
) -> None:
    _loaded_portrait(qtbot, panel, tmp_path)
    bar = panel.slot1.shape_bar
    qtbot.mouseClick(bar.buttons[Fit.CROP], Qt.MouseButton.LeftButton)
    dialog = bar.crop_dialog
    assert isinstance(dialog, CropDialog)
    qtbot.waitExposed(dialog)
    area = dialog.area
    centre = area.crop_box()
    assert centre == (0, 164, 270, 316)  # the middle, in the clip's shape
    assert not differs((centre[2] - centre[0], centre[3] - centre[1]), "16:9")
    area.setFocus()
    qtbot.keyClick(area, Qt.Key.Key_Up, Qt.KeyboardModifier.ShiftModifier)  # 10 % up
    assert area.crop_box()[1] == 164 - 48
    qtbot.keyClick(area, Qt.Key.Key_Minus)  # smaller, still 16:9
    smaller = area.crop_box()
    assert smaller[2] - smaller[0] < 270
    assert not differs((smaller[2] - smaller[0], smaller[3] - smaller[1]), "16:9")
    # A drag moves it down (screen pixels map to the image's).
    box = area._to_screen(area.box).center().toPoint()
    qtbot.mousePress(area, Qt.MouseButton.LeftButton, pos=box)
    qtbot.mouseMove(area, box + QPoint(0, 30))
    qtbot.mouseRelease(area, Qt.MouseButton.LeftButton, pos=box + QPoint(0, 30))
    moved = area.crop_box()
    assert moved[1] > smaller[1]
    qtbot.keyClick(area, Qt.Key.Key_Return)  # Enter crops
    qtbot.waitUntil(lambda: panel.frame1.fit is Fit.CROP, timeout=WAIT_MS)
    assert panel.frame1.box == moved
    width, height = _sent_shape(panel)
    assert (width, height) == (moved[2] - moved[0], moved[3] - moved[1])
    assert not differs((width, height), "16:9")
    assert bar.note.text() == "Cropped to 16:9"
    qtbot.waitUntil(lambda: bar.crop_dialog is None, timeout=WAIT_MS)  # closed and gone

    # Another aspect ratio undoes the crop made for the old one and asks again.
    panel.aspect_combo.setCurrentIndex(panel.aspect_combo.findData("1:1"))
    qtbot.waitUntil(lambda: panel.frame1.fit is None, timeout=WAIT_MS)
    QApplication.processEvents()
    assert _sent_shape(panel) == (270, 480)
    assert bar.note.text() == "9:16 image, 1:1 clip:"
