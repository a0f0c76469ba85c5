"""The log file under the data folder, with the API key scrubbed from every line."""

from __future__ import annotations

import logging
import logging.handlers
import re
from collections.abc import Callable
from pathlib import Path

_BEARER = re.compile(r"(Bearer\s+)[A-Za-z0-9._~+/=-]+", re.IGNORECASE)
LOG_NAME = "luma-desktop.log"


class RedactKey(logging.Filter):
    """Replaces the current key (and any ``Bearer …`` token) with ``[key]``."""

    def __init__(self, key: Callable[[], str | None]) -> None:
        super().__init__()
        self._key = key

    def filter(self, record: logging.LogRecord) -> bool:
        text = record.getMessage()
        key = self._key()
        cleaned = _BEARER.sub(r"\1[key]", text)
        if key and len(key) >= 4:
            cleaned = cleaned.replace(key, "[key]")
        if cleaned != text:
            record.msg, record.args = cleaned, None
        exc = record.exc_info[1] if record.exc_info else None
        # Tracebacks are formatted later; drop the exception text if it holds the key.
        if exc is not None and key and key in str(exc):
            record.exc_info = None
            record.msg = f"{record.msg} (exception text withheld: it held the key)"
        return True


def setup_logging(folder: Path, key: Callable[[], str | None]) -> logging.Handler:
    """Log to ``folder/luma-desktop.log`` (rotated); returns the handler (remove it to stop)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOG_NAME
    handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=2_000_000, backupCount=3, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactKey(key))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request is noise
    return handler
