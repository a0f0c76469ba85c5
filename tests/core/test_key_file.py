"""The opted-in key file: user-only, used only without a keychain, never wider."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import keyring.backends.fail
import pytest

from luma_desktop.core.secrets import KeyStore

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")


def no_keychain(path: Path) -> KeyStore:
    return KeyStore(keyring.backends.fail.Keyring(), key_file=path)


def test_written_only_when_asked_and_readable_by_the_user_only(tmp_path: Path) -> None:
    path = tmp_path / "cfg" / "api-key"
    keys = no_keychain(path)
    keys.set("k-123")
    assert not path.exists()  # no opt-in, no file
    keys.set("k-123", to_file=True)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert no_keychain(path).get() == "k-123"
    keys.delete()
    assert not path.exists()


def test_a_file_others_can_read_is_not_used(tmp_path: Path) -> None:
    path = tmp_path / "api-key"
    path.write_text("k-123")
    os.chmod(path, 0o644)
    assert no_keychain(path).get() is None


def test_an_older_wider_file_is_narrowed_when_written(tmp_path: Path) -> None:
    path = tmp_path / "api-key"
    path.write_text("old")
    os.chmod(path, 0o666)
    no_keychain(path).set("new", to_file=True)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text() == "new"


def test_the_environment_wins_and_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIMLAPI_KEY", " env-key ")
    keys = KeyStore(keyring.backends.fail.Keyring(), use_env=True, key_file=tmp_path / "k")
    assert keys.get() == "env-key"
    assert keys.from_env
    assert "AIMLAPI_KEY" in keys.where
