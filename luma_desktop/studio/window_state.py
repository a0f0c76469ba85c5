"""The window's place and layout, remembered in the preferences file.

Read back defensively: the file may be hand-edited or from another version, and a
screen may have gone since (the window then opens where it would the first time; the
check against the screens is the window's, which knows them).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

Rect = tuple[int, int, int, int]  # x, y, width, height of the normal (not maximized) window
MAX_SIDE = 100_000  # px: beyond any screen wall; larger is a damaged file
MAX_SPLITTERS = 16


@dataclass(frozen=True)
class WindowState:
    geometry: Rect | None = None  # None: the default size and place
    maximized: bool = False
    splitters: tuple[tuple[str, tuple[int, ...]], ...] = ()  # name → pane sizes

    def sizes(self, name: str) -> tuple[int, ...] | None:
        return next((sizes for key, sizes in self.splitters if key == name), None)

    def with_sizes(self, name: str, sizes: tuple[int, ...]) -> WindowState:
        kept = tuple((key, value) for key, value in self.splitters if key != name)
        return WindowState(self.geometry, self.maximized, (*kept, (name, sizes)))

    def to_json(self) -> dict[str, Any]:
        return {
            "geometry": list(self.geometry) if self.geometry else None,
            "maximized": self.maximized,
            "splitters": {name: list(sizes) for name, sizes in self.splitters},
        }

    @classmethod
    def from_json(cls, data: object) -> tuple[WindowState, list[str]]:
        """The state in ``data``, and what was ignored in it (in words)."""
        if not isinstance(data, dict):
            return cls(), ["Ignored the saved window layout: it is not a layout."]
        problems: list[str] = []
        geometry = _rect(data.get("geometry"))
        if data.get("geometry") is not None and geometry is None:
            problems.append("Ignored the saved window place: it is not a valid size.")
        maximized = data.get("maximized") is True
        splitters: list[tuple[str, tuple[int, ...]]] = []
        saved = data.get("splitters")
        for name, sizes in (saved if isinstance(saved, dict) else {}).items():
            checked = _sizes(sizes)
            if isinstance(name, str) and checked is not None:
                splitters.append((name, checked))
            else:
                problems.append(f"Ignored the saved sizes of the {name} panes.")
        return cls(geometry, maximized, tuple(splitters[:MAX_SPLITTERS])), problems


def _rect(value: object) -> Rect | None:
    if not isinstance(value, list) or len(value) != 4:
        return None
    if not all(type(v) is int and abs(v) <= MAX_SIDE for v in value):
        return None
    x, y, w, h = value
    return (x, y, w, h) if w > 0 and h > 0 else None


def _sizes(value: object) -> tuple[int, ...] | None:
    if not isinstance(value, list) or not 1 <= len(value) <= 8:
        return None
    if not all(type(v) is int and 0 <= v <= MAX_SIDE for v in value):
        return None
    return tuple(value)
