"""What the window remembers across a restart: its size and place, the panes' sizes and
the last image folder (problem 11). A place off every screen opens at the default."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QRect
from PySide6.QtGui import QColor, QGuiApplication
from pytestqt.qtbot import QtBot

from luma_desktop.ui.main_window import MainWindow
from tests.ui.conftest import png_file, wait_until
from tests.ui.test_end_to_end import running_window


def _screen() -> QRect:
    screen = QGuiApplication.primaryScreen()
    assert screen is not None
    return screen.availableGeometry()


def _panes(window: MainWindow) -> list[int]:
    return window.splitters["main"].sizes()


async def test_size_place_panes_and_image_folder_come_back(qtbot: QtBot, tmp_path: Path) -> None:
    screen = _screen()
    pictures = tmp_path / "pictures"
    pictures.mkdir()
    async with running_window(tmp_path) as window:
        # Another size and place than the default, its top on the screen.
        width = window.minimumSizeHint().width() + 60
        place = QRect(screen.x() + 40, screen.y() + 50, width, 760)
        window.setGeometry(place)
        await wait_until(lambda: window.geometry() == place)
        splitter = window.splitters["main"]
        sizes = splitter.sizes()
        wanted = [sizes[0] + 40, sizes[1] - 80, sizes[2] + 40]
        splitter.setSizes(wanted)
        wanted = splitter.sizes()
        window.studio.frame0.load_file(png_file(pictures / "a.png", (64, 36), QColor("red")))
        await wait_until(lambda: window.studio.frame0.keyframe is not None)
    async with running_window(tmp_path) as window:
        await wait_until(lambda: window.geometry() == place)  # before: 1400×820, anywhere
        assert _panes(window) == wanted
        dialog = window.prompt_panel.slot1.file_dialog()
        assert Path(dialog.directory().absolutePath()) == pictures  # before: the current folder
        dialog.deleteLater()


async def test_a_place_off_every_screen_opens_at_the_default(qtbot: QtBot, tmp_path: Path) -> None:
    screen = _screen()
    async with running_window(tmp_path) as window:
        default = window.size()
        prefs_file = window.studio.settings.path
    away = [screen.right() + 5000, screen.bottom() + 5000, 900, 600]
    data = json.loads(prefs_file.read_text())
    data["window"] = {"geometry": away, "maximized": False, "splitters": {"main": [1, 2]}}
    prefs_file.write_text(json.dumps(data))
    async with running_window(tmp_path) as window:
        await wait_until(window.isVisible)
        assert window.size() == default
        assert on_screen(window.geometry())


def on_screen(rect: QRect) -> bool:
    return any(rect.intersects(s.availableGeometry()) for s in QGuiApplication.screens())
