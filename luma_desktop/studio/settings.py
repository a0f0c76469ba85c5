"""Preferences: a small JSON file under the config folder. Never the API key.

Invalid values in the file (hand-edited, or from an older version) fall back to
defaults, and :attr:`Settings.problems` says which, in plain words.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from luma_desktop.api.errors import ApiError
from luma_desktop.core.catalogue import route_choices
from luma_desktop.core.limits import DEFAULT_LIMITS, DEFAULT_MAX_CLIP_MB, Limits, clip_limit
from luma_desktop.core.paths import DEFAULT_BASE_URL, ensure_private_dir
from luma_desktop.core.request import ASPECT_RATIOS, DURATIONS, MODELS, RESOLUTIONS
from luma_desktop.core.small_files import read_json_file
from luma_desktop.studio.window_state import WindowState

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Preferences:
    base_url: str = DEFAULT_BASE_URL
    download_dir: str = ""  # empty: the library folder under the data folder
    proxy: str = ""  # empty: the system's proxy settings
    confirm_spend: bool = True  # ask before spending real tokens
    aspect_ratio: str = "16:9"
    model: str = "ray-2"
    resolution: str = ""
    duration: str = ""
    max_clip_mb: int = DEFAULT_MAX_CLIP_MB  # a larger clip is refused (core/limits.py)
    route: str = "auto"  # the gateway route (a catalogue RouteChoice): auto, luma, unified
    # Remembered, not set in the dialog: where the window was and the last image folder
    # (the keyframe file pickers open there).
    window: WindowState = field(default_factory=WindowState)
    image_folder: str = ""

    def limits(self) -> Limits:
        """The limits these preferences set (the rest are the defaults)."""
        return clip_limit(self.max_clip_mb)


class InvalidSetting(ValueError):
    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.name = name


def check_preferences(prefs: Preferences) -> None:
    """Raise :class:`InvalidSetting` for the first value that cannot work."""
    if prefs.base_url != DEFAULT_BASE_URL:  # the default is known good (a test checks it)
        # Checked with httpx's URL parser: the HTTP stack loads only for another address.
        from luma_desktop.api.http import check_base_url

        try:
            check_base_url(prefs.base_url)
        except ApiError as exc:
            raise InvalidSetting("base_url", exc.message) from None
    if prefs.proxy:
        try:
            check_proxy(prefs.proxy)
        except ValueError as exc:
            raise InvalidSetting("proxy", str(exc)) from None
    if not 1 <= prefs.max_clip_mb <= 1024 * 1024:
        raise InvalidSetting("max_clip_mb", "The maximum clip size is 1 MB to 1 TB.")
    if prefs.download_dir and not Path(prefs.download_dir).expanduser().is_absolute():
        raise InvalidSetting("download_dir", "The download folder must be a full path.")
    if prefs.image_folder and not Path(prefs.image_folder).is_absolute():
        raise InvalidSetting("image_folder", "The image folder must be a full path.")
    for name, allowed in (
        ("aspect_ratio", ASPECT_RATIOS),
        ("model", MODELS),
        ("route", route_choices()),
        ("resolution", ("", *RESOLUTIONS)),
        ("duration", ("", *DURATIONS)),
    ):
        if getattr(prefs, name) not in allowed:
            raise InvalidSetting(name, f"“{getattr(prefs, name)}” is not a valid {name}.")


def check_proxy(proxy: str) -> None:
    scheme, sep, rest = proxy.partition("://")
    if not sep or scheme not in ("http", "https", "socks5") or not rest.strip("/"):
        raise ValueError("A proxy looks like http://proxy.studio.lan:3128")


class Settings(QObject):
    changed = Signal(object)  # Preferences

    def __init__(self, path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.path = path
        self.problems: list[str] = []
        self._prefs = self._load()

    @property
    def prefs(self) -> Preferences:
        return self._prefs

    def update(self, **changes: Any) -> Preferences:
        """Check, save, announce. Raises :class:`InvalidSetting` and keeps the old values."""
        new = replace(self._prefs, **changes)
        check_preferences(new)
        if new != self._prefs:
            self._prefs = new
            self._save()
            self.changed.emit(new)
        return new

    def _load(self) -> Preferences:
        try:
            data = read_json_file(self.path, DEFAULT_LIMITS.max_own_file_bytes)
        except FileNotFoundError:
            return Preferences()
        except (OSError, ValueError):
            self.problems.append("The settings file could not be read; defaults are used.")
            return Preferences()
        prefs = Preferences()
        known = {f.name: f.type for f in fields(Preferences)}
        for name, value in (data if isinstance(data, dict) else {}).items():
            if name == "window":  # a layout, checked by its own rules
                window, problems = WindowState.from_json(value)
                prefs = replace(prefs, window=window)
                self.problems.extend(problems)
                continue
            if name not in known:
                continue
            candidate = replace(prefs, **{name: value})
            try:
                if type(value) is not type(getattr(prefs, name)):
                    raise InvalidSetting(name, f"{name} has the wrong type")
                check_preferences(candidate)
            except InvalidSetting as exc:
                self.problems.append(f"Ignored the saved {name}: {exc}")
                continue
            prefs = candidate
        return prefs

    def _save(self) -> None:
        ensure_private_dir(self.path.parent)
        tmp = self.path.with_name(self.path.name + ".tmp")
        try:
            # 0600 from the start: preferences say which gateway and folders are used.
            os.close(os.open(tmp, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600))
            data = asdict(self._prefs)
            data["window"] = self._prefs.window.to_json()
            tmp.write_text(json.dumps(data, indent=2), encoding="utf-8")
            tmp.replace(self.path)
        except OSError as exc:
            log.warning("could not save settings: %s", exc)
            with contextlib.suppress(OSError):
                tmp.unlink()
