"""The app's own small files read back as untrusted: settings, the saved draft, the key
file, ``gateways.json``, sidecars beside the clips.

Any of them may have been replaced (by a sync tool, a script, a broken disk) with a
FIFO that never answers, a device that never ends, gigabytes, or JSON nested deeper
than Python's parser recurses (``RecursionError``, not ``ValueError``: it went past
every ``except ValueError`` and stopped the app). Here the open never blocks, only
regular files are read, the size is counted while reading, and JSON's nesting is
bounded; every refusal is a :class:`UnreadableFile` (a ``ValueError``) in plain words.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

from luma_desktop.api.body import depth_exceeds
from luma_desktop.core.limits import DEFAULT_LIMITS, KiB


class UnreadableFile(ValueError):
    """A file refused before or while reading it; the message says why."""


def read_small_file(path: Path, limit: int) -> bytes:
    """The bytes of the regular file at ``path``, at most ``limit`` of them.

    Raises ``FileNotFoundError`` when absent, :class:`UnreadableFile` for a FIFO, a
    device, a folder or a file past ``limit``, ``OSError`` for the rest.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    with os.fdopen(os.open(path, flags), "rb") as f:  # never blocks, even on a FIFO
        if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
            raise UnreadableFile(f"{path.name} is not a regular file")
        data = f.read(limit + 1)
    if len(data) > limit:
        raise UnreadableFile(f"{path.name} is larger than {_size(limit)}")
    return data


def loads(text: str | bytes, max_depth: int = DEFAULT_LIMITS.max_json_depth) -> Any:
    """``json.loads`` whose every failure is a ``ValueError``, nesting included."""
    try:
        value = json.loads(text)
    except RecursionError:
        raise UnreadableFile("the JSON is nested too deeply") from None
    if depth_exceeds(value, max_depth):
        raise UnreadableFile(f"the JSON is nested deeper than {max_depth} levels")
    return value


def read_json_file(path: Path, limit: int, max_depth: int = DEFAULT_LIMITS.max_json_depth) -> Any:
    """The JSON in the regular file at ``path`` (see :func:`read_small_file`); invalid
    UTF-8 or JSON, or nesting past ``max_depth``, is a ``ValueError`` too."""
    return loads(read_small_file(path, limit), max_depth)


def _size(n: int) -> str:
    return f"{n // KiB:,} KiB" if n < 1024 * KiB else f"{n / (1024 * KiB):,.0f} MB"
