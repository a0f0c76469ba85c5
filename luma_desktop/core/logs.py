"""The log file under the data folder, with the API key scrubbed from every line."""

from __future__ import annotations

import logging
import logging.handlers
import re
from collections.abc import Callable
from pathlib import Path

_BEARER = re.compile(r"(Bearer\s+)[A-Za-z0-9._~+/=-]+", re.IGNORECASE)
LOG_NAME = "luma-desktop.log"


class RedactingFormatter(logging.Formatter):
    """Formats as usual, then replaces the current key and any ``Bearer …`` token.

    Redacting the finished text (not the record) also covers tracebacks and
    exception messages, and leaves the record untouched for other handlers.
    """

    def __init__(self, key: Callable[[], str | None], fmt: str) -> None:
        super().__init__(fmt)
        self._key = key

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record), self._key())


def redact(text: str, key: str | None) -> str:
    text = _BEARER.sub(r"\1[key]", text)
    if key and len(key) >= 4:
        text = text.replace(key, "[key]")
    return text


def setup_logging(folder: Path, key: Callable[[], str | None]) -> logging.Handler:
    """Log to ``folder/luma-desktop.log`` (rotated); returns the handler (remove it to stop)."""
    folder.mkdir(parents=True, exist_ok=True)
    handler = logging.handlers.RotatingFileHandler(
        folder / LOG_NAME, maxBytes=2_000_000, backupCount=3, encoding="utf-8"
    )
    handler.setFormatter(RedactingFormatter(key, "%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request is noise
    return handler
