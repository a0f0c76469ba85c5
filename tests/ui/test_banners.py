"""The error banner and the info banner: show, hide, and the one thing to do."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from luma_desktop.studio.errors import Action, UserError, user_error
from luma_desktop.ui.error_banner import ErrorBanner, InfoBanner

DEMO_TEXT = "Demo mode: clips come from a built-in simulator; nothing is charged."


@pytest.fixture
def window(qtbot: QtBot) -> QWidget:
    host = QWidget()
    qtbot.addWidget(host)
    host.show()
    qtbot.waitExposed(host)
    return host


def test_error_banner_starts_hidden_and_shows_an_error(qtbot: QtBot, window: QWidget) -> None:
    banner = ErrorBanner(window)
    assert not banner.isVisible()

    banner.show_error(user_error("forbidden", "Your account has no credits left."))

    assert banner.isVisible()
    assert banner.title_label.text() == "Out of credits or not allowed"
    assert banner.title_label.font().bold()
    assert banner.message_label.text() == "Your account has no credits left."
    assert not banner.action_button.isVisible()
    assert banner.severity == "error"


def test_settings_action_opens_settings(qtbot: QtBot, window: QWidget) -> None:
    banner = ErrorBanner(window)
    banner.show_error(user_error("auth", "The gateway did not accept the key."))
    assert banner.action_button.isVisible()
    assert banner.action_button.text() == "Open Settings"

    with qtbot.waitSignal(banner.settings_requested):
        qtbot.mouseClick(banner.action_button, Qt.MouseButton.LeftButton)


def test_passing_trouble_is_amber(qtbot: QtBot, window: QWidget) -> None:
    banner = ErrorBanner(window)

    banner.show_error(user_error("network", "The gateway cannot be reached", retry_in=4))

    assert banner.severity == "warning"
    assert "Retrying in 4 s" in banner.message_label.text()
    assert not banner.action_button.isVisible()

    banner.show_error(UserError("internal", "Something went wrong", "", Action.NONE))
    assert banner.severity == "error"
    assert not banner.message_label.isVisible()  # no empty second line


def test_dismiss_and_clear_hide_the_banner(qtbot: QtBot, window: QWidget) -> None:
    banner = ErrorBanner(window)
    banner.show_error(user_error("server", "The gateway had a problem"))

    with qtbot.waitSignal(banner.dismissed):
        qtbot.mouseClick(banner.dismiss_button, Qt.MouseButton.LeftButton)
    assert not banner.isVisible()
    assert banner.error is None

    banner.show_error(user_error("server", "The gateway had a problem"))
    banner.clear()
    assert not banner.isVisible()


def test_info_banner_with_an_action(qtbot: QtBot, window: QWidget) -> None:
    banner = InfoBanner(window)
    assert not banner.isVisible()

    banner.show_info(DEMO_TEXT, "Enter your API key")

    assert banner.isVisible()
    assert banner.text_label.text() == DEMO_TEXT
    assert banner.action_button.isVisible()
    assert banner.action_button.toolTip()
    with qtbot.waitSignal(banner.action_clicked):
        qtbot.mouseClick(banner.action_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(banner.dismissed):
        qtbot.mouseClick(banner.dismiss_button, Qt.MouseButton.LeftButton)
    assert not banner.isVisible()


def test_info_banner_without_an_action(qtbot: QtBot, window: QWidget) -> None:
    banner = InfoBanner(window)

    banner.show_info("Downloads now go to the new folder.")

    assert banner.isVisible()
    assert not banner.action_button.isVisible()
    assert banner.dismiss_button.toolTip()
