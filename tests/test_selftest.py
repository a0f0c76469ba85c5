"""``luma-desktop --selftest``: from source, in a bare environment, it proves the app
works end to end and says so in one line; its failures are one line too."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from luma_desktop import selftest

ROOT = Path(__file__).resolve().parents[1]
SUMMARY = re.compile(
    r"^selftest: ok generation=[0-9a-f-]{8} frames=(\d+) keyring=(.+) "
    r"export=prores:\d+f,fcp_xml:2 text=6langs images=6fmts elapsed=\d+\.\ds$",
    re.MULTILINE,
)


@pytest.mark.slow
def test_selftest_from_source_in_a_bare_environment(tmp_path: Path) -> None:
    # No DISPLAY, no QT_QPA_PLATFORM: the self-test must pick offscreen by itself.
    home = tmp_path / "bare-home"
    home.mkdir()
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home)}
    done = subprocess.run(
        [sys.executable, "-m", "luma_desktop", "--selftest"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr[-3000:]
    match = SUMMARY.search(done.stdout)
    assert match, done.stdout
    assert int(match.group(1)) >= selftest.FRAMES_WANTED
    assert done.stdout.count("selftest:") == 1
    assert not any(home.iterdir()), "the self-test wrote into the HOME it was given"


def test_the_profile_goes_to_a_temporary_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = ["HOME", "APPDATA", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "LUMA_DESKTOP_DATA_DIR"]
    for name in [*names, "XDG_RUNTIME_DIR", "QT_QPA_PLATFORM"]:
        monkeypatch.setenv(name, "unchanged")  # monkeypatch restores them afterwards
    monkeypatch.delenv("XDG_RUNTIME_DIR")
    monkeypatch.delenv("QT_QPA_PLATFORM")
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setattr(sys, "platform", "linux")

    selftest.isolate_profile(tmp_path)
    selftest.choose_platform()

    for name in [*names, "XDG_RUNTIME_DIR"]:
        assert Path(os.environ[name]).is_relative_to(tmp_path), name
    assert os.environ["QT_QPA_PLATFORM"] == "offscreen"


def test_a_failed_check_is_one_line_and_a_non_zero_exit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("HOME", "USERPROFILE", "APPDATA", "LOCALAPPDATA", "LUMA_DESKTOP_DATA_DIR"):
        monkeypatch.setenv(name, str(tmp_path))
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        monkeypatch.setenv(name, str(tmp_path))
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    # keyring without its metadata finds no backend at all: a packaging bug.
    monkeypatch.setattr(selftest, "entry_points", lambda group: [])

    assert selftest.run_selftest() == 1
    out = capsys.readouterr().out
    assert out == "selftest: FAILED keyring has no backends registered (its metadata is missing)\n"
