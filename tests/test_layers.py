"""Layers import downward only: ui → studio → core → api; sim stands alone but for the
catalogue (pure data) and its rules, which it reads to validate like the gateway.

Checked two ways: statically (every import statement in each layer) and for real
(api/, core/ and sim/ import in a fresh interpreter where Qt cannot be imported).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "luma_desktop"

FORBIDDEN = {
    "api": ("PySide6", "qasync", "luma_desktop.core", "luma_desktop.studio", "luma_desktop.ui"),
    "core": ("PySide6", "qasync", "luma_desktop.studio", "luma_desktop.ui", "luma_desktop.sim"),
    "sim": ("PySide6", "qasync", "luma_desktop.api", "luma_desktop.core", "luma_desktop.studio"),
    "studio": ("luma_desktop.ui", "PySide6.QtWidgets"),
}


# Modules a layer may import although their package is forbidden to it. The one module
# of limits is a leaf every layer may read (api included): it imports nothing from the
# package, which test_limits_module_is_a_leaf checks.
ALLOWED = {
    "sim": ("luma_desktop.core.catalogue", "luma_desktop.core.rules"),
    "api": ("luma_desktop.core.limits",),
}
PURE = ("luma_desktop.core.catalogue", "luma_desktop.core.rules")


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_imports_only_downward(layer: str) -> None:
    offenders = []
    for path in sorted((PACKAGE / layer).rglob("*.py")):
        for name in _imports(path):
            if name in ALLOWED.get(layer, ()):
                continue
            if any(name == bad or name.startswith(bad + ".") for bad in FORBIDDEN[layer]):
                offenders.append(f"{path.relative_to(PACKAGE)} imports {name}")
    assert not offenders, "\n".join(offenders)


def test_what_the_simulator_may_read_is_pure() -> None:
    """The catalogue and its rules import nothing of the app but each other."""
    for module in PURE:
        path = PACKAGE.parent / (module.replace(".", "/") + ".py")
        ours = {n for n in _imports(path) if n.startswith("luma_desktop")}
        assert ours <= set(PURE), (module, ours)


def test_limits_module_is_a_leaf() -> None:
    names = _imports(PACKAGE / "core" / "limits.py")
    assert not [n for n in names if n.startswith("luma_desktop")], names


def test_engine_layers_import_without_qt() -> None:
    modules = [
        "luma_desktop." + ".".join(p.relative_to(PACKAGE).with_suffix("").parts)
        for layer in ("api", "core", "sim")
        for p in sorted((PACKAGE / layer).rglob("*.py"))
        if p.name != "__main__.py"
    ]
    script = (
        "import sys\n"
        "for blocked in ('PySide6', 'qasync', 'shiboken6'):\n"
        "    sys.modules[blocked] = None\n"
        f"for name in {modules!r}:\n"
        "    __import__(name)\n"
        "print(len(sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert len(modules) > 15
