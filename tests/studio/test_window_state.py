"""The window's layout and the last image folder in the preferences file, checked when
loaded (problem 11)."""

from __future__ import annotations

import json
from pathlib import Path

from luma_desktop.studio.settings import Settings
from luma_desktop.studio.window_state import WindowState


def test_the_layout_and_the_image_folder_survive_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "prefs.json"
    settings = Settings(path)
    state = WindowState((10, 20, 1200, 800), True, (("main", (300, 600, 300)),))
    settings.update(window=state, image_folder=str(tmp_path))
    again = Settings(path)
    assert again.prefs.window == state
    assert again.prefs.window.sizes("main") == (300, 600, 300)
    assert again.prefs.image_folder == str(tmp_path)
    assert again.problems == []


def test_a_damaged_layout_falls_back_to_the_default_and_says_so(tmp_path: Path) -> None:
    path = tmp_path / "prefs.json"
    path.write_text(
        json.dumps(
            {
                "window": {
                    "geometry": [0, 0, -5, "wide"],
                    "maximized": "yes",
                    "splitters": {"main": [1, 2, -3], "side": [200, 400]},
                },
                "image_folder": "relative/folder",
                "aspect_ratio": "9:16",
            }
        )
    )
    settings = Settings(path)
    window = settings.prefs.window
    assert window.geometry is None
    assert window.maximized is False
    assert window.splitters == (("side", (200, 400)),)
    assert settings.prefs.image_folder == ""
    assert settings.prefs.aspect_ratio == "9:16"  # the rest of the file still counts
    assert len(settings.problems) == 3
    path.write_text(json.dumps({"window": [1, 2, 3]}))
    assert Settings(path).prefs.window == WindowState()
