"""What the command line says and takes that the window does not: its own words for
the things the window's messages send to Settings, and ids given by a short prefix."""

from __future__ import annotations

import re

from luma_desktop.core.store import JobStore

MIN_PREFIX = 8  # the CLI prints 8-character ids; any unique prefix this long is taken
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")

# The window's wording (left), the command line's (right); the first match wins.
_WORDS: tuple[tuple[str, str], ...] = (
    ("Check your key in Settings.", "Check the key in AIMLAPI_KEY (or the app's keychain)."),
    ("Add your AI/ML API key in Settings.", "Set AIMLAPI_KEY to your AI/ML API key."),
    ("paste it in Settings.", "set it in AIMLAPI_KEY."),
    ("check it in Settings.", "check --base-url."),
    ("maximum clip size in Settings (or --max-clip-mb)", "--max-clip-mb"),
    ("the key is set in Settings, not in the address", "the key goes in AIMLAPI_KEY"),
)


def command_line_words(text: str) -> str:
    """A message written for the window, told for the command line (no Settings there)."""
    for window, command_line in _WORDS:
        text = text.replace(window, command_line)
    return text.replace(" in Settings", " in the app's Settings")


class IdProblem(Exception):
    """An id the command line cannot use: too short, unknown here, or ambiguous."""


def resolve_id(store: JobStore | None, text: str) -> str:
    """A full generation id from itself or from a unique prefix of 8+ characters."""
    wanted = text.strip()
    if _UUID.fullmatch(wanted) or ":" in wanted:
        return wanted  # a whole id (a unified one carries its model after a colon)
    if len(wanted) < MIN_PREFIX:
        raise IdProblem(
            f"{wanted!r} is not a generation id: give a whole one, or at least "
            f"{MIN_PREFIX} characters of one"
        )
    matches = store.generation_ids_starting(wanted) if store is not None else []
    if not matches:
        raise IdProblem(f"no generation known here starts with {wanted!r}")
    if len(matches) > 1:
        raise IdProblem(f"{wanted!r} matches {len(matches)} generations: give more characters")
    return matches[0]
