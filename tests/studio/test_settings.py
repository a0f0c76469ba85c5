"""Preferences: checked, saved atomically, never holding the key."""

from __future__ import annotations

import contextlib
import json
import os
import threading
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from luma_desktop.api.http import check_base_url
from luma_desktop.core.paths import DEFAULT_BASE_URL
from luma_desktop.studio.settings import InvalidSetting, Settings


def test_defaults_then_saved_values(tmp_path: Path, qtbot: QtBot) -> None:
    path = tmp_path / "settings.json"
    settings = Settings(path)
    assert settings.prefs.base_url == "https://api.aimlapi.com"
    with qtbot.waitSignal(settings.changed):
        settings.update(aspect_ratio="9:16", confirm_spend=False)
    assert Settings(path).prefs.aspect_ratio == "9:16"
    assert json.loads(path.read_text())["confirm_spend"] is False


@pytest.mark.parametrize(
    ("field", "value", "said"),
    [
        ("base_url", "http://api.example.com", "https://"),
        ("base_url", "not a url", "https://"),
        ("proxy", "proxy.lan:3128", "proxy looks like"),
        ("download_dir", "relative/folder", "full path"),
        ("aspect_ratio", "5:4", "not a valid"),
        ("duration", "7s", "not a valid"),
    ],
)
def test_invalid_values_are_refused(tmp_path: Path, field: str, value: str, said: str) -> None:
    settings = Settings(tmp_path / "settings.json")
    with pytest.raises(InvalidSetting) as caught:
        settings.update(**{field: value})
    assert caught.value.name == field
    assert said in str(caught.value)
    assert not (tmp_path / "settings.json").exists()


def test_the_default_gateway_passes_the_check_it_is_spared_at_load() -> None:
    """Settings skip the URL check (and the HTTP stack it loads) for the default address."""
    assert str(check_base_url(DEFAULT_BASE_URL)) == DEFAULT_BASE_URL


def test_a_bad_file_falls_back_and_says_so(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"base_url": "ftp://x", "model": "ray-2", "confirm_spend": "yes"}))
    settings = Settings(path)
    assert settings.prefs.base_url == "https://api.aimlapi.com"
    assert len(settings.problems) == 2
    path.write_text("{not json")
    assert Settings(path).problems == ["The settings file could not be read; defaults are used."]


def test_a_settings_file_nested_too_deeply_or_a_fifo_gives_the_defaults(tmp_path: Path) -> None:
    """Read at start-up: JSON past Python's recursion (a RecursionError, which went past
    ``except ValueError``) or a FIFO (which hung the start) is a plain problem."""
    path = tmp_path / "settings.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    settings = Settings(path)
    assert settings.prefs.base_url == "https://api.aimlapi.com"
    assert settings.problems == ["The settings file could not be read; defaults are used."]
    path.unlink()
    os.mkfifo(path, 0o600)
    outcome: list[Settings] = []
    worker = threading.Thread(target=lambda: outcome.append(Settings(path)), daemon=True)
    worker.start()
    worker.join(timeout=5)
    try:
        assert not worker.is_alive(), "reading a FIFO hung"
        assert outcome[0].problems == ["The settings file could not be read; defaults are used."]
    finally:
        with contextlib.suppress(OSError):  # let a stuck reader go: its writer, then the end
            os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))
