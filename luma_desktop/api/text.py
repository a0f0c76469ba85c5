"""Text from the network, made safe to show, print, log or store.

Two rules, used by every face (CLI, studio, logs, the store):

- :func:`redact`: the API key (and its ``Bearer`` form) never travels further than
  the request it went out with. Only a real key is replaced: a short or demo
  "key" would otherwise garble ordinary words ("demo" in a prompt).
- :func:`clean_text`: control characters and terminal escape sequences are removed
  (a gateway could otherwise move the cursor, retitle the terminal or hide text
  with bidi overrides) and the length is cut.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from luma_desktop.core.limits import DEFAULT_LIMITS

PLACEHOLDER = "[key]"
DEMO_KEYS = frozenset({"demo"})
_BEARER = re.compile(r"(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}", re.IGNORECASE)
# CSI (ESC [ ... final), OSC (ESC ] ... BEL or ESC \), and two-character ESC sequences;
# the C1 forms (0x9B CSI, 0x9D OSC) too.
_ESCAPES = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"
    r"|(?:\x1b\]|\x9d)[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[PX^_][^\x1b\x9c]*(?:\x1b\\|\x9c)?"
    r"|\x1b[@-Z\\-_]?"
)
_SPACES = re.compile(r"[ \t\r\n\v\f]+")


def is_real_key(key: str | None) -> bool:
    return (
        bool(key)
        and key not in DEMO_KEYS
        and len(key or "") >= (DEFAULT_LIMITS.min_redacted_key_chars)
    )


def redact(text: str, key: str | None) -> str:
    """``text`` without the key, nor any ``Bearer <token>``."""
    text = _BEARER.sub(r"\1" + PLACEHOLDER, text)
    if key and is_real_key(key):
        text = text.replace(key, PLACEHOLDER)
        stripped = key.strip()
        if stripped != key and is_real_key(stripped):
            text = text.replace(stripped, PLACEHOLDER)
    return text


def redact_json(value: Any, key: str | None) -> Any:
    """A copy of a parsed JSON value with the key redacted from every string in it."""
    if isinstance(value, dict):
        return {redact(str(k), key): redact_json(v, key) for k, v in value.items()}
    if isinstance(value, list):
        return [redact_json(v, key) for v in value]
    if isinstance(value, str):
        return redact(value, key)
    return value


def clean_text(text: str, limit: int = DEFAULT_LIMITS.max_shown_chars) -> str:
    """One line of plain printable text, at most ``limit`` characters."""
    text = _ESCAPES.sub("", text)
    text = _SPACES.sub(" ", text)
    kept = "".join(c for c in text if _printable(c))
    kept = kept.strip()
    if len(kept) > limit:
        kept = kept[: max(0, limit - 1)] + "…"
    return kept


def _printable(char: str) -> bool:
    # Cc: control characters; Cf: format characters (bidi overrides, zero-width);
    # Cs/Co/Cn: surrogates, private use and unassigned code points.
    return char == " " or not unicodedata.category(char).startswith("C")


def sentence(text: str) -> str:
    """``text`` ending its sentence, so the next one does not run into it."""
    text = text.rstrip()
    return text if not text or text[-1] in ".!?…" else text + "."
