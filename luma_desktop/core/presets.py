"""The artist's own presets: a prompt fragment and the draft parameters it was saved
with, named, renamed, deleted, and kept in the artist database's preferences (one
JSON list under ``presets.user``) so every window and the next start see them.

What is read back is checked like anything else entering from the disk: an entry that
is not a preset, or breaks a limit, is skipped with a warning (the others still load);
what is saved is refused with a plain message when it breaks a limit.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Mapping

from luma_desktop.core.artist_db import get_pref, set_pref
from luma_desktop.core.craft import PRESET_PARAMS, USER_KIND, Preset
from luma_desktop.core.limits import DEFAULT_LIMITS, Limits
from luma_desktop.core.small_files import loads

log = logging.getLogger(__name__)

PREF_KEY = "presets.user"


class PresetError(ValueError):
    """A preset that cannot be saved as asked; the message is for the artist."""


def draft_preset(name: str, text: str, parameters: Mapping[str, object]) -> Preset:
    """A preset of ``text`` and the draft's ``parameters`` that a preset carries (the
    model's defaults, None or "", are left out: applying the preset leaves them be)."""
    params: dict[str, str | bool] = {}
    for key in PRESET_PARAMS:
        value = parameters.get(key)
        wanted = bool if key == "loop" else str
        if isinstance(value, wanted) and value != "":
            params[key] = value
    return Preset(name.strip(), USER_KIND, text.strip(), params)


class UserPresets:
    def __init__(self, db: sqlite3.Connection, limits: Limits = DEFAULT_LIMITS) -> None:
        self._db = db
        self.limits = limits

    def all(self) -> list[Preset]:
        """The saved presets, in the order saved; damaged entries are skipped."""
        raw = get_pref(self._db, PREF_KEY)
        if raw is None:
            return []
        try:
            entries = loads(raw)  # nested too deeply is a ValueError too
        except ValueError:
            log.warning("Your saved presets could not be read (not JSON); none were loaded.")
            return []
        if not isinstance(entries, list):
            log.warning("Your saved presets could not be read (not a list); none were loaded.")
            return []
        found: list[Preset] = []
        for number, entry in enumerate(entries, start=1):
            preset = self._read(entry)
            if preset is None or any(p.name == preset.name for p in found):
                log.warning("Saved preset %d is damaged or repeated; it was skipped.", number)
            elif len(found) >= self.limits.max_user_presets:
                log.warning("Only the first %d saved presets were loaded.", len(found))
                break
            else:
                found.append(preset)
        return found

    def save(self, preset: Preset) -> Preset:
        """Add ``preset``; one of the same name is replaced (saving over it)."""
        self._check(preset)
        presets = self.all()
        index = next((i for i, p in enumerate(presets) if p.name == preset.name), None)
        if index is not None:
            presets[index] = preset
        elif len(presets) >= self.limits.max_user_presets:
            raise PresetError(
                f"You have {len(presets)} presets, the most kept; delete one to save another."
            )
        else:
            presets.append(preset)
        self._write(presets)
        return preset

    def rename(self, name: str, new_name: str) -> Preset:
        presets = self.all()
        new_name = new_name.strip()
        if new_name != name and any(p.name == new_name for p in presets):
            raise PresetError(f"You already have a preset named “{new_name}”.")
        index = self._index(presets, name)
        renamed = Preset(new_name, presets[index].kind, presets[index].text, presets[index].params)
        self._check(renamed)
        presets[index] = renamed
        self._write(presets)
        return renamed

    def delete(self, name: str) -> None:
        presets = self.all()
        del presets[self._index(presets, name)]
        self._write(presets)

    def _read(self, entry: object) -> Preset | None:
        preset = Preset.from_dict(entry) if isinstance(entry, Mapping) else None
        if preset is None or self._problem(preset):
            return None
        return preset

    def _check(self, preset: Preset) -> None:
        problem = self._problem(preset)
        if problem:
            raise PresetError(problem)

    def _problem(self, preset: Preset) -> str:
        limits = self.limits
        if not preset.name:
            return "A preset needs a name."
        if len(preset.name) > limits.max_preset_name_chars:
            return f"A preset's name is at most {limits.max_preset_name_chars} characters."
        if len(preset.text) > limits.max_preset_text_chars:
            return (
                f"A preset's words are at most {limits.max_preset_text_chars:,} characters "
                f"(this one has {len(preset.text):,}); select the part to keep, then save."
            )
        if not preset.text and not preset.params:
            return "Write a prompt (or select part of it) to save as a preset."
        return ""

    @staticmethod
    def _index(presets: list[Preset], name: str) -> int:
        for index, preset in enumerate(presets):
            if preset.name == name:
                return index
        raise PresetError(f"There is no preset named “{name}”.")

    def _write(self, presets: list[Preset]) -> None:
        set_pref(self._db, PREF_KEY, json.dumps([p.to_dict() for p in presets]))
