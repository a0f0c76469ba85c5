"""The app takes PySide's ``__feature__`` import hook off before its own imports (it
read the source of every module imported after PySide: 75-90 ms of start-up), and
nothing in the package relies on that hook.
"""

from __future__ import annotations

import ast
import builtins
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from luma_desktop.pyside_hook import drop_feature_hook

PACKAGE = Path(__file__).resolve().parents[1] / "luma_desktop"

SCRIPT = """
import builtins, json
import luma_desktop.app
from PySide6.QtCore import QObject, Signal
from PySide6.support import feature

class Ping(QObject):
    rang = Signal(int)

heard = []
ping = Ping()
ping.rang.connect(heard.append)
ping.rang.emit(7)
print(json.dumps({
    "python_import": builtins.__import__ is builtins.__orig_import__,
    "sources_read": sorted(n for n in feature.pyside_feature_dict if n.startswith("luma_desktop")),
    "signal": heard,
}))
"""


def test_starting_the_app_puts_pythons_import_back(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path)}
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    assert seen["python_import"]
    # Before, PySide read the source of each of the package's modules (~170 of them).
    assert seen["sources_read"] == []
    assert seen["signal"] == [7]  # Qt's signals work as before


def test_another_import_hook_is_left_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    current = builtins.__import__

    def someone_elses(*args: object, **kwargs: object) -> object:
        return current(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(builtins, "__import__", someone_elses)
    assert not drop_feature_hook()
    assert builtins.__import__ is someone_elses


def test_the_package_asks_for_no_pyside_feature() -> None:
    """``from __feature__ import …`` would silently do nothing once the hook is off."""
    users = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "__feature__":
                users.append(str(path.relative_to(PACKAGE)))
    assert users == []
