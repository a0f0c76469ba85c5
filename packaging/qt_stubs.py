"""Stand-ins for Qt libraries the bundle must name but never calls (Linux).

Qt's FFmpeg multimedia plugin links QtQuick and QtQml (15 MB with the QtQml modules
they pull in) for one feature: capturing a QQuickWindow (QWindowCapture). Of QtQuick
it imports two symbols, ``QQuickWindow::staticMetaObject`` (a ``qobject_cast`` that
fails for every window of ours, which are all widgets) and ``QQuickWindow::grabWindow``
(reached only after that cast succeeds); of QtQml, nothing. A stand-in library under
the same name exports exactly what the importers import: objects as zeroed storage of
the real size (``qobject_cast`` compares addresses and never reads them), functions
as a trap, so a call that should never happen stops loudly instead of misbehaving.

The build fails if an importer starts needing anything beyond ``ALLOWED`` (a newer
Qt): then the stand-in is no longer known to be safe and the spec must be revisited.
"""

from __future__ import annotations

import subprocess
from collections import defaultdict
from pathlib import Path

# Per library, what the importers may import from it (mangled names).
ALLOWED: dict[str, frozenset[str]] = {
    "libQt6Quick.so.6": frozenset(
        {"_ZN12QQuickWindow16staticMetaObjectE", "_ZN12QQuickWindow10grabWindowEv"}
    ),
    "libQt6Qml.so.6": frozenset(),
}
_FUNCTION_TYPES = set("TtWiw")


def _symbols(path: Path, *flags: str) -> list[list[str]]:
    out = subprocess.run(
        ["nm", "-D", *flags, str(path)], check=True, capture_output=True, text=True
    ).stdout
    return [line.split() for line in out.splitlines() if line.strip()]


def imported(importers: list[Path]) -> dict[str, str]:
    """Undefined dynamic symbols of the importers: name -> version ('' for none)."""
    wanted: dict[str, str] = {}
    for path in importers:
        for fields in _symbols(path, "--undefined-only"):
            name, _, version = fields[-1].partition("@")
            wanted[name] = version.lstrip("@")
    return wanted


def stub_library(real: Path, importers: list[Path], folder: Path) -> Path:
    """Build the stand-in for ``real`` (same soname) that ``importers`` can load."""
    defined = {f[-1].split("@")[0]: f for f in _symbols(real, "-S", "--defined-only")}
    needed = {n: v for n, v in imported(importers).items() if n in defined}
    unexpected = set(needed) - ALLOWED.get(real.name, frozenset())
    if unexpected:
        raise SystemExit(
            f"qt_stubs: {', '.join(sorted(unexpected))} from {real.name} is now imported; "
            "the stand-in is no longer known to be safe (see packaging/qt_stubs.py)"
        )
    source, by_version = [], defaultdict(list)
    for name, version in sorted(needed.items()):
        fields = defined[name]
        by_version[version or "Qt_6"].append(name)
        if fields[-2] in _FUNCTION_TYPES:
            source.append(f'void stub_{len(source)}(void) __asm__("{name}");')
            source.append(f"void stub_{len(source) - 1}(void) {{ __builtin_trap(); }}")
        else:  # an object: zeroed, aligned, of the real size
            size = int(fields[1], 16)
            source.append(
                f"__attribute__((aligned(16))) const char stub_{len(source)}[{size}] "
                f'__asm__("{name}") = {{0}};'
            )
    by_version.setdefault("Qt_6", [])
    script = "".join(
        f"{v} {{ {'global: ' if names else ''}{''.join(f'{n}; ' for n in names)}local: *; }};\n"
        for v, names in by_version.items()
    )
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{real.name}.c").write_text("\n".join(source) + "\n")
    (folder / f"{real.name}.map").write_text(script)
    target = folder / real.name
    subprocess.run(
        ["gcc", "-shared", "-fPIC", "-O2", "-nostdlib", f"-Wl,-soname,{real.name}",
         f"-Wl,--version-script,{folder / f'{real.name}.map'}", "-o", str(target),
         str(folder / f"{real.name}.c")],
        check=True,
    )  # fmt: skip
    return target
