"""Menus hold the actions that exist; quitting with jobs running says they resume."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QAction, QDesktopServices
from PySide6.QtWidgets import QMenu

from luma_desktop.core.jobs import JobStatus
from luma_desktop.core.request import GenerationRequest
from luma_desktop.sim import SimConfig
from luma_desktop.ui.main_window import MainWindow
from luma_desktop.ui.menus import quit_asking
from tests.ui import test_end_to_end
from tests.ui.conftest import wait_until
from tests.ui.test_end_to_end import running_window


def menu_items(window: MainWindow) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for top in window.menuBar().actions():
        menu = top.menu()
        if isinstance(menu, QMenu):
            found[top.text()] = [a.text() for a in menu.actions() if not a.isSeparator()]
    return found


def action(window: MainWindow, text: str) -> QAction:
    for top in window.menuBar().actions():
        menu = top.menu()
        for item in menu.actions() if isinstance(menu, QMenu) else []:
            if item.text() == text:
                return item
    raise AssertionError(f"no menu item {text!r}")


async def test_menus_and_the_shortcut_list(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[QUrl] = []

    def open_url(url: QUrl) -> bool:
        opened.append(url)
        return True

    monkeypatch.setattr(QDesktopServices, "openUrl", open_url)
    async with running_window(tmp_path) as window:
        items = menu_items(window)
        assert set(items) >= {"&File", "&Edit", "&View", "&Help"}
        assert "&Open clips folder" in items["&File"]
        assert "&Keyboard shortcuts" in items["&Help"]
        told: list[tuple[str, str]] = []
        window.inform = lambda title, text: told.append((title, text))  # type: ignore[method-assign]
        action(window, "&Keyboard shortcuts").trigger()
        assert told[0][0] == "Keyboard shortcuts"
        assert "J / K / L" in told[0][1]
        action(window, "&Open clips folder").trigger()
        assert Path(opened[0].toLocalFile()) == window.studio.queue.engine.library
        action(window, "&Library").trigger()
        assert window.side_tabs.currentWidget() is window.library


async def test_quitting_with_jobs_running_says_they_resume(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    slow = SimConfig(api_key=None, queued_seconds=0.05, dreaming_seconds=600, hold_seconds=0.5)
    monkeypatch.setattr(test_end_to_end, "FAST", slow)
    async with running_window(tmp_path) as window:
        asked: list[str] = []

        def confirm(title: str, text: str) -> bool:
            asked.append(text)
            return False  # stay

        window.confirm = confirm  # type: ignore[method-assign]
        window.studio.queue.generate(GenerationRequest("still dreaming at quit"))
        await wait_until(
            lambda: any(j.status is JobStatus.DREAMING for j in window.studio.queue.model.jobs())
        )
        quit_asking(window)  # what File → Quit and Ctrl+Q do
        assert len(asked) == 1
        assert "resume the next time you open Luma Desktop" in asked[0]
        assert window.isVisible()  # the artist chose to stay
