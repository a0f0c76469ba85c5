"""The cyclic collector is off while the app starts (~70 passes over a growing heap:
20-40 ms before the window could show) and back on once the window has painted."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from luma_desktop import app, selftest


@pytest.fixture
def collector_restored() -> Iterator[None]:
    yield
    gc.unfreeze()
    gc.enable()


def test_the_entry_point_starts_the_app_with_the_collector_off(tmp_path: Path) -> None:
    script = (
        "import gc, luma_desktop.app as app\n"
        "app.main = lambda: print('collector on' if gc.isenabled() else 'collector off') or 0\n"
        "import luma_desktop.__main__\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path)}
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "collector off"


@pytest.mark.usefixtures("collector_restored")
def test_settling_the_heap_after_the_first_paint_turns_it_back_on() -> None:
    gc.disable()
    app.settle_heap()
    assert gc.isenabled()


@pytest.mark.usefixtures("collector_restored")
def test_the_self_test_runs_with_the_collector_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(selftest, "run_selftest", lambda: 0 if gc.isenabled() else 1)
    gc.disable()
    assert app.main(["--selftest"]) == 0
