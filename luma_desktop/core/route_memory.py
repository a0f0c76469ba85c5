"""Gateways found without the unified route, remembered across restarts.

Automatic sends to the unified route first; a gateway that answered 404/405 there
(nothing was created) is remembered by its base URL so later creates go straight
to the Luma route, in this session and the next ones (CLI and window alike: the
memory lives in the data folder, ``gateways.json``, beside the job store).

It is forgotten:

- after :data:`FORGET_AFTER_DAYS`: a gateway can gain the route (the unified route
  is the one the gateway documents today), and asking again costs one refused create
  (404, nothing created) a week;
- when the artist changes the route setting (:meth:`RouteMemory.forget`): choosing a
  route again is asking the app to look again.

A small JSON file, not a store table: it is what the gateway can tell again (so not
the artist's database), not a job's state (so no store migration), and the CLI must
read it too (so not the window's preferences). Unreadable or oversized, it is
ignored (the worst outcome is one more 404).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import time
from collections.abc import Callable
from pathlib import Path

from luma_desktop.core.limits import DEFAULT_LIMITS
from luma_desktop.core.small_files import read_json_file

log = logging.getLogger(__name__)

FILE_NAME = "gateways.json"
FORGET_AFTER_DAYS = 7
_VERSION = 1
_KEY = "no_unified_route"  # base URL → when the 404/405 was seen (Unix time)


class RouteMemory:
    """Which gateways have no unified route, as of when; ``path`` None: this run only."""

    def __init__(
        self,
        path: Path | None = None,
        *,
        days: float = FORGET_AFTER_DAYS,
        wall: Callable[[], float] = time.time,
    ) -> None:
        self.path = path
        self.days = days
        self._wall = wall
        self._seen: dict[str, float] = _read(path)

    def missing(self, base_url: str) -> bool:
        """True while ``base_url`` is remembered without a unified route (not expired)."""
        seen = self._seen.get(base_url)
        return seen is not None and self._wall() - seen < self.days * 86400

    def remember(self, base_url: str) -> None:
        self._seen[base_url] = self._wall()
        self._write()

    def forget(self, base_url: str | None = None) -> None:
        """Forget one gateway, or all of them (None)."""
        if base_url is None:
            self._seen.clear()
        else:
            self._seen.pop(base_url, None)
        self._write()

    def _write(self) -> None:
        if self.path is None:
            return
        fresh = {url: at for url, at in self._seen.items() if self._wall() - at < self.days * 86400}
        data = {"version": _VERSION, _KEY: fresh}
        tmp = self.path.with_name(self.path.name + ".tmp")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_text(json.dumps(data, indent=1), encoding="utf-8")
            os.replace(tmp, self.path)  # a crash leaves the old file or the new one
        except OSError as exc:
            log.warning("could not save %s: %s", self.path.name, exc)
            with contextlib.suppress(OSError):
                tmp.unlink()


def memory_path(store_path: object) -> Path | None:
    """``gateways.json`` beside a job store file (None for an in-memory store)."""
    return store_path.parent / FILE_NAME if isinstance(store_path, Path) else None


def _read(path: Path | None) -> dict[str, float]:
    if path is None:
        return {}
    try:
        data = read_json_file(path, DEFAULT_LIMITS.max_stored_raw_bytes)
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        log.warning("ignored %s: %s", path.name, exc)
        return {}
    seen = data.get(_KEY) if isinstance(data, dict) and data.get("version") == _VERSION else None
    if not isinstance(seen, dict):
        return {}
    return {
        url: float(at)
        for url, at in seen.items()
        if isinstance(url, str) and isinstance(at, int | float) and not isinstance(at, bool)
    }
