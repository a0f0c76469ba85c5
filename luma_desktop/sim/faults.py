"""Fault injection switches of the simulator.

Every switch is off by default. The test thread sets fields directly
(``sim.faults.server_errors = 2``); the server thread consumes them through the
locked ``take*`` methods, so a counter never fires more often than asked.
``fired`` counts how many times each fault actually acted (keyed by field name).
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field, fields
from typing import Any

SPELLINGS = ("luma", "unified", "flat", "wrapped", "weird_state")


@dataclass
class Faults:
    """Mutable fault switches; counters decrement as they fire."""

    # gateway, any route
    server_errors: int = 0  # next N gateway requests answer server_error_status
    server_error_status: int = 503
    rate_limits: int = 0  # next N gateway requests answer 429 + Retry-After
    retry_after: float = 1.0
    # fetch one
    drop_polls: int = 0  # next N GET-one requests: connection closed, no answer
    ignore_wanted_state: bool = False  # GET-one answers at once whatever is asked
    malformed_json: int = 0  # next N GET answers (either GET route): 200 + truncated JSON
    drip_polls_seconds: float | None = None  # GET answers: headers, then body after a delay
    # create
    drop_creates_after_accept: int = 0  # next N creates are accepted, then dropped unanswered
    hold_create: bool = False  # accepted creates are answered only after release_create()
    reject_data_urls: bool = False  # data: keyframe URLs -> 400
    fail_creates: int = 0  # next N creates answer 500 and are logged as failed (not taken)
    unified_route_status: int | None = None  # the unified route answers this (404, 405)
    # shapes
    spelling: str = "luma"  # one of SPELLINGS
    wrap_many: bool = False  # fetch-many answers {"generations": [...]} instead of a bare list
    # video links / CDN
    expire_next_links: int = 0  # the next N video links issued are born expired (403)
    expire_links_after_complete: bool = False  # the first link issued per generation is expired
    drop_download_after: int | None = None  # next download: drop after N body bytes (once)
    pause_download_after: int | None = None  # next download: pause after N bytes (once)
    drip_bytes_per_second: int | None = None  # video bodies are sent at this rate
    delivery_bytes: bytes | None = None  # every video link serves these bytes (HDR, EXR, junk)
    big_payload_bytes: int | None = None  # serve a deterministic payload of this size

    fired: Counter[str] = field(default_factory=Counter, repr=False, compare=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def take(self, name: str) -> bool:
        """Consume one unit of the counter ``name``; True when the fault fires."""
        with self._lock:
            left = getattr(self, name)
            if not isinstance(left, int) or left <= 0:
                return False
            setattr(self, name, left - 1)
            self.fired[name] += 1
            return True

    def take_once(self, name: str) -> int | None:
        """Read and reset the one-shot threshold ``name`` (to None)."""
        with self._lock:
            value = getattr(self, name)
            if value is None:
                return None
            setattr(self, name, None)
            self.fired[name] += 1
            return int(value)

    def setting(self, name: str) -> Any:
        """Read a setting (a spelling, a rate, a delay), counting it as fired when it
        differs from the default, so tests can tell an injected fault really acted."""
        with self._lock:
            value = getattr(self, name)
            if value != _DEFAULTS[name]:
                self.fired[name] += 1
            return value

    def flag(self, name: str) -> bool:
        """Read a boolean switch, counting it as fired when on."""
        with self._lock:
            on = bool(getattr(self, name))
            if on:
                self.fired[name] += 1
            return on


_DEFAULTS: dict[str, Any] = {f.name: f.default for f in fields(Faults) if f.name[0] != "_"}
