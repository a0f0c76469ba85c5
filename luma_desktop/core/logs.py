"""The log file under the data folder, with the API key scrubbed from every line."""

from __future__ import annotations

import logging
import logging.handlers
import os
from collections.abc import Callable
from pathlib import Path

from luma_desktop.api.text import redact

__all__ = ["LOG_NAME", "RedactingFormatter", "redact", "setup_logging"]

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


class _PrivateRotatingHandler(logging.handlers.RotatingFileHandler):
    """Every log file, the rotated ones included, readable by its owner only."""

    def _open(self):  # type: ignore[no-untyped-def]
        stream = super()._open()
        if os.name == "posix":
            os.chmod(self.baseFilename, 0o600)
        return stream


def setup_logging(folder: Path, key: Callable[[], str | None]) -> logging.Handler:
    """Log to ``folder/luma-desktop.log`` (rotated); returns the handler (remove it to stop)."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    handler = _PrivateRotatingHandler(
        folder / LOG_NAME, maxBytes=2_000_000, backupCount=3, encoding="utf-8"
    )
    handler.setFormatter(RedactingFormatter(key, "%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request is noise
    return handler
