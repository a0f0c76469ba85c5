"""Full screen and back under a real window manager (openbox in Xvfb), keys from X.

Offscreen Qt grants full screen and focus at once, which hid the bug: under a window
manager the full-screen player had no focus (Esc did nothing until a click) and came
back elsewhere in the splitter. Skipped where Xvfb, openbox or xdotool are missing.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

TOOLS = ("xvfb-run", "openbox", "xdotool")
PROBE = Path(__file__).with_name("wm_fullscreen_probe.py")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        sys.platform != "linux" or any(shutil.which(t) is None for t in TOOLS),
        reason="needs xvfb-run, openbox and xdotool",
    ),
]


def test_full_screen_round_trip_under_a_window_manager(tmp_path: Path) -> None:
    script = tmp_path / "run.sh"
    script.write_text(
        "openbox >/dev/null 2>&1 & wm=$!\n"
        "sleep 1\n"  # the window manager takes the screen before the window maps
        f'"{sys.executable}" "{PROBE}"; code=$?\n'
        "kill $wm; exit $code\n"
    )
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "xcb",
        "QT_LOGGING_RULES": "qt.*=false",
        "QT_API": "pyside6",
        "PYTHONPATH": str(Path(__file__).parents[2]),
    }  # the profile, data folder and keyring are the test's own (conftest sets them)
    done = subprocess.run(
        ["xvfb-run", "-a", "-s", "-screen 0 1280x800x24", "sh", str(script)],
        env=env,
        capture_output=True,
        text=True,
        timeout=90,
    )
    lines = [x for x in done.stdout.splitlines() if x.startswith("PROBE ")]
    assert lines, done.stdout[-2000:] + done.stderr[-2000:]
    seen = json.loads(lines[-1].removeprefix("PROBE "))
    assert seen["full_after_f"] is True
    assert seen["full_after_esc"] is False  # Esc works at once
    assert seen["full_at_end"] is False
    assert seen["is_window_at_end"] is False
    assert seen["same_place"] is True  # the same spot in the splitter, the same sizes
    assert seen["active_is_main"] is True
    assert seen["frames_after"] > 5  # and the picture still plays
