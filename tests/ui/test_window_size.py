"""The window fits the screens artists have: a 1366 px laptop, not only a studio monitor."""

from __future__ import annotations

from pathlib import Path

from tests.ui.test_end_to_end import running_window

LAPTOP_WIDTH = 1366  # the narrowest common laptop screen
TITLE_AND_PANEL = 120  # a window manager's title bar and a desktop panel


async def test_the_window_fits_a_laptop_screen(tmp_path: Path) -> None:
    async with running_window(tmp_path) as window:
        smallest = window.minimumSizeHint().expandedTo(window.minimumSize())
        assert smallest.width() <= LAPTOP_WIDTH
        assert smallest.height() <= 768 - TITLE_AND_PANEL
