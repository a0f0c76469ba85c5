"""What the app loads before its window shows: not the simulator's server (aiohttp),
the HTTP stack (httpx and what it loads: made after the first paint, api/http_soon.py),
Pillow's image code, OpenTimelineIO, keyring, the self-test, httpx's command line, the
dialogs opened on demand (export, settings), or the Library and Board tabs (built when
first shown).

Each is loaded when first needed (demo mode's simulator after the first paint, on a
worker thread); at start-up they cost 0.1-0.3 s apiece (bench/startup.py). Checked in
a fresh interpreter, the way the app starts.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from luma_desktop.core.secrets import KeyStore
from tests.memory_keyring import MemoryKeyring

LEFT_FOR_LATER = (
    "aiohttp",
    "luma_desktop.sim.server",
    "httpx",
    "httpcore",
    "h11",
    "truststore",
    "luma_desktop.api.client",
    "luma_desktop.api.http",
    "luma_desktop.core.images",
    "PIL.ImageCms",
    "opentimelineio",
    "keyring",
    "luma_desktop.selftest",
    "httpx._main",
    "click",
    "luma_desktop.ui.export_dialog",
    "luma_desktop.ui.settings_dialog",
    "luma_desktop.ui.library_view",  # the side tabs hidden behind Jobs: built when shown
    "luma_desktop.ui.board_panel",
)


def test_starting_the_app_loads_none_of_what_waits_for_later(tmp_path: Path) -> None:
    script = (
        "import json, sys\n"
        "import luma_desktop.app\n"
        f"print(json.dumps([m for m in {list(LEFT_FOR_LATER)!r} if sys.modules.get(m)]))\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path)}
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []


class CountingKeyring(MemoryKeyring):
    asked = 0

    @property
    def priority(self) -> float:  # type: ignore[override]
        CountingKeyring.asked += 1
        return 1.0


def test_the_keychain_is_asked_about_when_first_needed_and_once() -> None:
    CountingKeyring.asked = 0
    keys = KeyStore(CountingKeyring())
    assert CountingKeyring.asked == 0  # a demo start never needs it
    assert keys.get() is None
    assert keys.keychain_available
    assert CountingKeyring.asked == 1
