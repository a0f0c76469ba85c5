"""Where Luma Desktop keeps its things. Every face (app, CLI, tests) asks here."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "LumaDesktop"
DATA_DIR_ENV = "LUMA_DESKTOP_DATA_DIR"
BASE_URL_ENV = "LUMA_DESKTOP_BASE_URL"
DEFAULT_BASE_URL = "https://api.aimlapi.com"


def data_dir() -> Path:
    """The data folder: ``$LUMA_DESKTOP_DATA_DIR`` or the platform's user data folder."""
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def ensure_private_dir(folder: Path) -> Path:
    """Create ``folder`` (and parents) for this user only: 0700 on POSIX.

    The data folder holds the store, logs and clips' records; other accounts on the
    machine have no business reading them.
    """
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    if os.name == "posix":
        os.chmod(folder, 0o700)
    return folder


def config_dir() -> Path:
    """Preferences live beside the data when the data folder is overridden (tests, demo)."""
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override).expanduser() / "config"
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def key_file() -> Path:
    """Where the API key lives when the artist opted in to a file (no keychain)."""
    return config_dir() / "api-key"


def demo_dir(base: Path) -> Path:
    """Demo mode keeps its own store and clips, never mixed with the real library."""
    return base / "demo"


def library_dir(base: Path) -> Path:
    return base / "library"


def log_dir(base: Path) -> Path:
    return base / "logs"


def store_path(base: Path) -> Path:
    return base / "jobs.sqlite3"
