"""The app's icon, found where the sample clips are: ``$LUMA_DESKTOP_RESOURCES``, the
PyInstaller bundle (``sys._MEIPASS/resources``) or the source tree's ``resources/``."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtGui import QIcon

ICON_NAME = "luma-desktop.png"


def resources_dir() -> Path:
    """The same lookup as ``luma_desktop.sim.clips_dir`` (sim must not import ui, nor ui sim)."""
    env = os.environ.get("LUMA_DESKTOP_RESOURCES")
    if env:
        return Path(env)
    meipass = getattr(sys, "_MEIPASS", None)
    if getattr(sys, "frozen", False) and meipass:
        return Path(meipass) / "resources"
    return Path(__file__).resolve().parents[2] / "resources"


def app_icon() -> QIcon:
    """The window icon; an empty QIcon (Qt's default) if the file is missing."""
    path = resources_dir() / "icons" / ICON_NAME
    return QIcon(str(path)) if path.is_file() else QIcon()
