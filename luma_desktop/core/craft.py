"""Prompt craft: camera moves and presets as words, and the history of prompts sent.

The gateway has no field for Luma's camera concepts: the words in the prompt are the
interface ("camera push in", "orbit left"…), so a camera move or a preset is a phrase
inserted at the cursor. Starter presets ship here; the artist's own (a fragment and,
optionally, the parameters of the draft they were saved from) are kept in the artist
database's preferences by :mod:`luma_desktop.core.presets`.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

from luma_desktop.core.artist_db import transaction


@dataclass(frozen=True)
class Phrase:
    label: str  # what the menu shows
    text: str  # what goes into the prompt
    group: str = ""


# Luma's camera concepts, in the words its models answer to.
CAMERA_MOVES: tuple[Phrase, ...] = (
    Phrase("Push in", "camera push in", "Dolly"),
    Phrase("Pull out", "camera pull out", "Dolly"),
    Phrase("Orbit left", "camera orbit left", "Orbit"),
    Phrase("Orbit right", "camera orbit right", "Orbit"),
    Phrase("Truck left", "camera truck left", "Truck"),
    Phrase("Truck right", "camera truck right", "Truck"),
    Phrase("Crane up", "camera crane up", "Crane"),
    Phrase("Crane down", "camera crane down", "Crane"),
    Phrase("Pan left", "camera pan left", "Pan and tilt"),
    Phrase("Pan right", "camera pan right", "Pan and tilt"),
    Phrase("Tilt up", "camera tilt up", "Pan and tilt"),
    Phrase("Tilt down", "camera tilt down", "Pan and tilt"),
    Phrase("Zoom in", "camera zoom in", "Lens"),
    Phrase("Zoom out", "camera zoom out", "Lens"),
    Phrase("Dolly zoom", "dolly zoom", "Lens"),
    Phrase("Roll left", "camera roll left", "Roll"),
    Phrase("Roll right", "camera roll right", "Roll"),
    Phrase("Aerial", "aerial drone shot", "Style"),
    Phrase("Aerial drone", "aerial drone flyover", "Style"),
    Phrase("Handheld", "handheld camera", "Style"),
    Phrase("Tracking", "tracking shot following the subject", "Style"),
    Phrase("Overhead", "overhead top-down shot", "Style"),
    Phrase("Low angle", "low angle shot", "Angle"),
    Phrase("High angle", "high angle shot", "Angle"),
    Phrase("Ground level", "ground level shot", "Angle"),
    Phrase("Over the shoulder", "over the shoulder shot", "Angle"),
    Phrase("POV", "first-person POV shot", "Angle"),
    Phrase("Static", "static camera, locked-off shot", "Style"),
)


# The draft parameters a preset may carry besides its words (what an artist sets per
# look: the model, the frame, the length), each a string but ``loop``.
PRESET_PARAMS = ("model", "resolution", "aspect_ratio", "duration", "loop")
USER_KIND = "mine"  # the artist's own presets: a menu of their own


@dataclass(frozen=True)
class Preset:
    name: str
    kind: str  # "style", "lens", "light" (menus group by it); USER_KIND for the artist's
    text: str  # the prompt fragment ("" for a preset of parameters only)
    params: Mapping[str, str | bool] = field(default_factory=dict, hash=False)

    def to_dict(self) -> dict[str, object]:
        data: dict[str, object] = {"name": self.name, "kind": self.kind, "text": self.text}
        if self.params:
            data["params"] = dict(self.params)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> Preset | None:
        """A preset read back from the preferences; None if it is not one."""
        name, kind, text = (data.get(k) for k in ("name", "kind", "text"))
        params = _params(data.get("params", {}))
        if params is None or not all(isinstance(v, str) for v in (name, kind, text)):
            return None
        name, kind, text = str(name).strip(), str(kind).strip(), str(text).strip()
        if not (name and kind and (text or params)):
            return None
        return cls(name, kind, text, params)

    def describe(self) -> str:
        """For a tooltip: the words, then the parameters it sets."""
        settings = ", ".join(f"{k.replace('_', ' ')} {_shown(v)}" for k, v in self.params.items())
        return "\n".join(p for p in (self.text, f"Sets {settings}" if settings else "") if p)


def _params(value: object) -> dict[str, str | bool] | None:
    """The parameters of a stored preset; None when they are not a preset's."""
    if not isinstance(value, Mapping):
        return None
    found: dict[str, str | bool] = {}
    for key, item in value.items():
        wanted = bool if key == "loop" else str
        if key not in PRESET_PARAMS or not isinstance(item, wanted):
            return None
        found[key] = item
    return found


def _shown(value: str | bool) -> str:
    return ("on" if value else "off") if isinstance(value, bool) else value


STARTER_PRESETS: tuple[Preset, ...] = (
    Preset("Cinematic", "style", "cinematic, film grain, anamorphic, shallow depth of field"),
    Preset("Documentary", "style", "documentary footage, natural colours, observational"),
    Preset("Animation", "style", "stylized 3D animation, soft shading, vibrant colours"),
    Preset("Vintage 16 mm", "style", "16mm film, soft focus, light leaks, muted colours"),
    Preset("Wide 24 mm", "lens", "24mm wide-angle lens"),
    Preset("Portrait 85 mm", "lens", "85mm lens, creamy bokeh"),
    Preset("Macro", "lens", "macro lens, extreme close-up, fine detail"),
    Preset("Telephoto", "lens", "200mm telephoto lens, compressed perspective"),
    Preset("Golden hour", "light", "golden hour light, warm low sun, long shadows"),
    Preset("Blue hour", "light", "blue hour, cool ambient light, city lights coming on"),
    Preset("Neon night", "light", "night, neon signs, wet reflections"),
    Preset("Soft overcast", "light", "soft overcast daylight, even diffuse light"),
    Preset("Low key", "light", "low-key lighting, hard rim light, deep shadows"),
)


def insert_phrase(text: str, cursor: int, phrase: str) -> tuple[str, int]:
    """``phrase`` put into ``text`` at ``cursor``, with the commas and spaces a prompt
    needs around it; returns the new text and the cursor after the phrase."""
    cursor = max(0, min(cursor, len(text)))
    before, after = text[:cursor].rstrip(), text[cursor:].lstrip()
    lead = ", " if before and not before.endswith((",", ".", ";", ":")) else " " if before else ""
    tail = ", " if after and not after.startswith((",", ".", ";")) else ""
    start = before + lead
    return start + phrase + tail + after, len(start) + len(phrase)


class PromptHistory:
    """Every prompt sent, newest first; the same prompt again moves to the top."""

    LIMIT = 2000  # oldest forgotten past this

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def add(self, text: str, now: float | None = None) -> None:
        text = text.strip()
        if not text:
            return
        with transaction(self._db):
            self._db.execute(
                "INSERT INTO prompts (text, used_at) VALUES (?, ?) ON CONFLICT(text) "
                "DO UPDATE SET used_at = excluded.used_at, uses = uses + 1",
                (text, time.time() if now is None else now),
            )
            self._db.execute(
                "DELETE FROM prompts WHERE text NOT IN "
                "(SELECT text FROM prompts ORDER BY used_at DESC LIMIT ?)",
                (self.LIMIT,),
            )

    def recent(self, limit: int = 50) -> list[str]:
        rows = self._db.execute(
            "SELECT text FROM prompts ORDER BY used_at DESC LIMIT ?", (limit,)
        ).fetchall()
        return [r["text"] for r in rows]

    def search(self, words: str, limit: int = 50) -> list[str]:
        """Prompts containing every word of ``words`` (any case), newest first."""
        terms = words.lower().split()
        return [t for t in self.recent(self.LIMIT) if all(w in t.lower() for w in terms)][:limit]


class HistoryCursor:
    """Ctrl+Up/Down through the history: Up goes to older prompts, Down back to newer,
    and past the newest to what was being typed before the first Up."""

    def __init__(self, entries: list[str], draft: str) -> None:
        self._entries = entries  # newest first
        self._draft = draft
        self._index = -1  # -1: the draft

    def older(self) -> str | None:
        if self._index + 1 >= len(self._entries):
            return None
        self._index += 1
        return self._entries[self._index]

    def newer(self) -> str | None:
        if self._index < 0:
            return None
        self._index -= 1
        return self._draft if self._index < 0 else self._entries[self._index]
