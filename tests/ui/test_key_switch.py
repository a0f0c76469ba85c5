"""Entering or removing the key switches between demo and real at once, no restart."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from luma_desktop.app import run
from luma_desktop.bootstrap import Options
from luma_desktop.core import paths
from luma_desktop.core.secrets import KeyStore
from luma_desktop.sim import SimServer
from luma_desktop.ui.main_window import MainWindow
from tests.conftest import SIM_KEY
from tests.ui.conftest import wait_until


def windows() -> list[MainWindow]:
    return [
        w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()
    ]


def the_window(demo: bool) -> MainWindow | None:
    shown = [w for w in windows() if w.studio.demo is demo]
    return shown[0] if len(windows()) == 1 and shown else None


async def test_a_key_entered_leaves_demo_mode_and_removing_it_returns(
    sim: SimServer, tmp_path: Path
) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    app.setQuitOnLastWindowClosed(False)
    settings = paths.config_dir() / "settings.json"
    settings.parent.mkdir(parents=True, exist_ok=True)
    settings.write_text(json.dumps({"base_url": sim.base_url}))  # the "real" gateway
    keys = KeyStore()  # the test's in-memory keychain
    running = asyncio.ensure_future(run(app, Options(data_dir=tmp_path / "data"), keys))
    try:
        await wait_until(lambda: the_window(demo=True) is not None, timeout=20)
        demo = the_window(demo=True)
        assert demo is not None
        dialog = demo.settings_dialog()
        dialog.show()
        QTest.keyClicks(dialog.key_edit, SIM_KEY)
        QTest.mouseClick(
            dialog.buttons.button(dialog.buttons.StandardButton.Ok), Qt.MouseButton.LeftButton
        )

        await wait_until(lambda: the_window(demo=False) is not None, timeout=20)
        real = the_window(demo=False)
        assert real is not None
        assert real.windowTitle() == "Luma Desktop"
        assert real.studio.data_dir == tmp_path / "data"  # the real library, not demo/
        assert keys.get() == SIM_KEY

        dialog = real.settings_dialog()
        dialog.show()
        QTest.mouseClick(dialog.remove_key_button, Qt.MouseButton.LeftButton)
        await wait_until(lambda: the_window(demo=True) is not None, timeout=20)
        back = the_window(demo=True)
        assert back is not None
        back.close()
        assert await asyncio.wait_for(running, 20) == 0
    finally:
        for window in windows():
            window.close()
        if not running.done():
            await asyncio.wait_for(running, 20)
