"""The settings dialog, typed into like a person: errors at the field, the key never in
the settings file, the keychain notice, the connection test."""

from __future__ import annotations

import asyncio
import json
import stat
from pathlib import Path

import keyring.backends.fail
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from luma_desktop.core.secrets import ACCOUNT, SERVICE, KeyStore
from luma_desktop.studio.connection import CONNECTED_TEXT, ConnectionTest, Probe
from luma_desktop.studio.settings import Settings
from luma_desktop.studio.tasks import TaskGroup
from luma_desktop.ui.error_banner import GREEN, RED
from luma_desktop.ui.settings_dialog import NO_KEYCHAIN_TEXT, SettingsDialog
from tests.memory_keyring import MemoryKeyring

KEY = "sk-studio-0123456789abcdef"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(tmp_path / "config" / "settings.json")


def make_dialog(
    qtbot: QtBot, settings: Settings, keys: KeyStore, test_connection: Probe | None = None
) -> SettingsDialog:
    """With ``test_connection``, the studio's tester runs that probe on a TaskGroup."""
    tester = ConnectionTest(test_connection, TaskGroup()) if test_connection else None
    dialog = SettingsDialog(settings, keys, test_connection=tester)
    if tester is not None:
        tester.setParent(dialog)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def retype(qtbot: QtBot, edit: QLineEdit, text: str) -> None:
    edit.selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_Delete)
    qtbot.keyClicks(edit, text)


def press_ok(qtbot: QtBot, dialog: SettingsDialog) -> None:
    qtbot.mouseClick(
        dialog.buttons.button(dialog.buttons.StandardButton.Ok), Qt.MouseButton.LeftButton
    )


def text_color(label: QWidget) -> QColor:
    return label.palette().color(QPalette.ColorRole.WindowText)


def test_a_bad_base_url_is_shown_at_the_field_and_not_saved(
    qtbot: QtBot, settings: Settings, isolated_profile: MemoryKeyring
) -> None:
    dialog = make_dialog(qtbot, settings, KeyStore())
    retype(qtbot, dialog.base_url_edit, "http://example.com")

    press_ok(qtbot, dialog)

    assert dialog.isVisible()
    assert dialog.result() != dialog.DialogCode.Accepted
    assert dialog.base_url_error.isVisible()
    assert "https://" in dialog.base_url_error.text()
    assert dialog.focusWidget() is dialog.base_url_edit
    assert not settings.path.exists()
    assert settings.prefs.base_url == "https://api.aimlapi.com"


def test_a_bad_proxy_is_shown_at_its_field(qtbot: QtBot, settings: Settings) -> None:
    dialog = make_dialog(qtbot, settings, KeyStore())
    qtbot.keyClicks(dialog.proxy_edit, "proxy.studio.lan")

    press_ok(qtbot, dialog)

    assert dialog.proxy_error.isVisible()
    assert not dialog.base_url_error.isVisible()
    assert dialog.focusWidget() is dialog.proxy_edit
    assert dialog.isVisible()


def test_good_settings_are_saved_and_the_key_goes_to_the_keyring_only(
    qtbot: QtBot, settings: Settings, isolated_profile: MemoryKeyring, tmp_path: Path
) -> None:
    keys = KeyStore()
    dialog = make_dialog(qtbot, settings, keys)
    assert dialog.key_edit.echoMode() is QLineEdit.EchoMode.Password
    retype(qtbot, dialog.base_url_edit, "https://gateway.studio.example")
    qtbot.keyClicks(dialog.download_edit, str(tmp_path / "clips"))
    qtbot.keyClicks(dialog.proxy_edit, "http://proxy.studio.lan:3128")
    dialog.confirm_check.setChecked(False)
    assert dialog.max_clip_spin.value() == 2048  # the default clip size limit
    dialog.max_clip_spin.setValue(300)
    qtbot.keyClicks(dialog.key_edit, KEY)

    with qtbot.waitSignals([dialog.key_changed, dialog.settings_saved]):
        press_ok(qtbot, dialog)

    assert dialog.result() == dialog.DialogCode.Accepted
    saved = json.loads(settings.path.read_text(encoding="utf-8"))
    assert saved["base_url"] == "https://gateway.studio.example"
    assert saved["download_dir"] == str(tmp_path / "clips")
    assert saved["proxy"] == "http://proxy.studio.lan:3128"
    assert saved["confirm_spend"] is False
    assert saved["max_clip_mb"] == 300
    assert settings.prefs.limits().max_clip_bytes == 300 * 1024 * 1024
    assert KEY not in settings.path.read_text(encoding="utf-8")
    assert isolated_profile.secrets[(SERVICE, ACCOUNT)] == KEY
    assert keys.get() == KEY


def test_an_unchanged_key_is_not_written_again(
    qtbot: QtBot, settings: Settings, isolated_profile: MemoryKeyring
) -> None:
    keys = KeyStore()
    keys.set(KEY)
    dialog = make_dialog(qtbot, settings, keys)
    changed: list[bool] = []
    dialog.key_changed.connect(lambda: changed.append(True))

    press_ok(qtbot, dialog)

    assert changed == []
    assert dialog.result() == dialog.DialogCode.Accepted


def test_the_stored_key_stays_hidden_until_show(qtbot: QtBot, settings: Settings) -> None:
    keys = KeyStore()
    keys.set(KEY)
    dialog = make_dialog(qtbot, settings, keys)

    assert dialog.key_edit.text() == ""
    assert dialog.key_edit.placeholderText().startswith("•••• stored in the system keychain")
    assert KEY not in dialog.key_edit.placeholderText()
    assert "system keychain" in dialog.key_where_label.text()
    assert not dialog.keychain_notice.isVisible()

    qtbot.mouseClick(dialog.key_show_button, Qt.MouseButton.LeftButton)
    assert dialog.key_edit.text() == KEY
    assert dialog.key_edit.echoMode() is QLineEdit.EchoMode.Normal

    qtbot.mouseClick(dialog.key_show_button, Qt.MouseButton.LeftButton)
    assert dialog.key_edit.echoMode() is QLineEdit.EchoMode.Password


def test_remove_key(qtbot: QtBot, settings: Settings, isolated_profile: MemoryKeyring) -> None:
    keys = KeyStore()
    keys.set(KEY)
    dialog = make_dialog(qtbot, settings, keys)

    with qtbot.waitSignal(dialog.key_changed):
        qtbot.mouseClick(dialog.remove_key_button, Qt.MouseButton.LeftButton)

    assert keys.get() is None
    assert isolated_profile.secrets == {}
    assert dialog.key_edit.placeholderText() == "No key stored"
    assert not dialog.remove_key_button.isEnabled()


def test_without_a_keychain_the_notice_shows_and_the_key_stays_in_memory(
    qtbot: QtBot, settings: Settings, isolated_profile: MemoryKeyring
) -> None:
    keys = KeyStore(keyring.backends.fail.Keyring())
    assert not keys.keychain_available
    dialog = make_dialog(qtbot, settings, keys)
    assert dialog.keychain_notice.isVisible()
    assert dialog.keychain_notice.text().startswith(NO_KEYCHAIN_TEXT)
    assert "gnome-keyring" in dialog.keychain_notice.text()  # how to get one on Linux
    assert not dialog.key_file_check.isVisible()  # no key file offered: none configured
    qtbot.keyClicks(dialog.key_edit, KEY)

    with qtbot.waitSignal(dialog.key_changed):
        press_ok(qtbot, dialog)

    assert keys.get() == KEY
    assert "memory" in keys.where
    assert isolated_profile.secrets == {}
    assert not settings.path.exists() or KEY not in settings.path.read_text(encoding="utf-8")


def test_browse_fills_the_download_folder(
    qtbot: QtBot, settings: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    dialog = make_dialog(qtbot, settings, KeyStore())
    monkeypatch.setattr(dialog, "choose_folder", lambda: str(tmp_path))

    qtbot.mouseClick(dialog.browse_button, Qt.MouseButton.LeftButton)

    assert dialog.download_edit.text() == str(tmp_path)


def test_test_connection_shows_success(
    qtbot: QtBot, settings: Settings, qloop: asyncio.AbstractEventLoop
) -> None:
    calls: list[tuple[str, str]] = []
    release = asyncio.Event()

    async def fake(base_url: str, key: str) -> str | None:
        calls.append((base_url, key))
        await release.wait()
        return None

    dialog = make_dialog(qtbot, settings, KeyStore(), test_connection=fake)
    qtbot.keyClicks(dialog.key_edit, KEY)

    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(calls))
    assert not dialog.test_button.isEnabled()  # one test at a time
    release.set()
    qtbot.waitUntil(lambda: dialog.result_label.text() == CONNECTED_TEXT)

    assert calls == [("https://api.aimlapi.com", KEY)]
    assert text_color(dialog.result_label) == QColor(GREEN)
    assert dialog.test_button.isEnabled()


def test_test_connection_shows_the_error(
    qtbot: QtBot, settings: Settings, qloop: asyncio.AbstractEventLoop
) -> None:
    async def fake(base_url: str, key: str) -> str | None:
        await asyncio.sleep(0)
        return "The gateway refused the key."

    keys = KeyStore()
    keys.set(KEY)  # the stored key is used when the field is empty
    dialog = make_dialog(qtbot, settings, keys, test_connection=fake)

    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.result_label.text() == "The gateway refused the key.")

    assert text_color(dialog.result_label) == QColor(RED)


def test_closing_during_a_test_cancels_it(
    qtbot: QtBot, settings: Settings, qloop: asyncio.AbstractEventLoop
) -> None:
    started = asyncio.Event()
    cancelled: list[bool] = []

    async def never_answers(base_url: str, key: str) -> str | None:
        started.set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            cancelled.append(True)
            raise
        return None

    dialog = make_dialog(qtbot, settings, KeyStore(), test_connection=never_answers)
    qtbot.keyClicks(dialog.key_edit, KEY)
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(started.is_set)

    dialog.reject()

    qtbot.waitUntil(lambda: cancelled == [True])
    assert not settings.path.exists()


def test_test_connection_without_a_key_asks_for_one(
    qtbot: QtBot, settings: Settings, qloop: asyncio.AbstractEventLoop
) -> None:
    async def fake(base_url: str, key: str) -> str | None:
        pytest.fail("no key: nothing to test")

    dialog = make_dialog(qtbot, settings, KeyStore(), test_connection=fake)

    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)

    assert dialog.result_label.text() == "Enter an API key first."
    assert dialog.test_button.isEnabled()


def test_no_test_button_without_a_tester(qtbot: QtBot, settings: Settings) -> None:
    dialog = make_dialog(qtbot, settings, KeyStore())
    assert not dialog.test_button.isVisible()


def test_every_control_has_a_tooltip(qtbot: QtBot, settings: Settings) -> None:
    dialog = make_dialog(qtbot, settings, KeyStore(), test_connection=None)
    controls = [
        dialog.key_edit,
        dialog.key_show_button,
        dialog.remove_key_button,
        dialog.base_url_edit,
        dialog.download_edit,
        dialog.browse_button,
        dialog.proxy_edit,
        dialog.confirm_check,
        dialog.test_button,
    ]
    assert all(control.toolTip() for control in controls)


def test_without_a_keychain_a_key_file_is_an_explicit_opt_in(
    qtbot: QtBot, settings: Settings, tmp_path: Path
) -> None:
    key_file = tmp_path / "config" / "api-key"
    keys = KeyStore(keyring.backends.fail.Keyring(), key_file=key_file)
    dialog = make_dialog(qtbot, settings, keys)
    assert dialog.key_file_check.isVisible()
    assert not dialog.key_file_check.isChecked()  # never by default
    assert "unencrypted" in dialog.key_file_note.text()
    assert str(key_file) in dialog.key_file_note.text()
    qtbot.keyClicks(dialog.key_edit, KEY)
    dialog.key_file_check.setChecked(True)
    with qtbot.waitSignal(dialog.key_changed):
        press_ok(qtbot, dialog)
    assert key_file.read_text() == KEY
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    # The next session (a new key store) finds it, and says where it is.
    again = KeyStore(keyring.backends.fail.Keyring(), key_file=key_file)
    assert again.get() == KEY
    assert "a file only your user account can read" in again.where
    reopened = make_dialog(qtbot, settings, again)
    assert reopened.key_file_check.isChecked()
    reopened.key_file_check.setChecked(False)  # taking the opt-in back removes the file
    press_ok(qtbot, reopened)
    assert not key_file.exists()
    assert again.get() == KEY  # kept for this session


def test_settings_say_when_the_key_comes_from_the_environment(
    qtbot: QtBot, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AIMLAPI_KEY", "env-key-123")
    keys = KeyStore(use_env=True)
    dialog = make_dialog(qtbot, settings, keys)
    assert "AIMLAPI_KEY" in dialog.key_where_label.text()
    assert dialog.key_where_label.isVisible()
    assert not dialog.remove_key_button.isEnabled()  # removing would not stop it


def test_the_route_setting_is_saved_and_defaults_to_automatic(
    qtbot: QtBot, settings: Settings
) -> None:
    dialog = make_dialog(qtbot, settings, KeyStore())
    assert dialog.route_combo.currentData() == "auto"
    assert "404 or 405" in dialog.route_combo.toolTip()
    dialog.route_combo.setCurrentIndex(dialog.route_combo.findData("luma"))
    with qtbot.waitSignal(dialog.settings_saved):
        press_ok(qtbot, dialog)
    assert json.loads(settings.path.read_text(encoding="utf-8"))["route"] == "luma"
    assert settings.prefs.route == "luma"


def test_an_unknown_route_in_the_file_falls_back_to_automatic(tmp_path: Path) -> None:
    path = tmp_path / "config" / "settings.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"route": "teleport"}), encoding="utf-8")
    settings = Settings(path)
    assert settings.prefs.route == "auto"
    assert any("route" in p for p in settings.problems)
