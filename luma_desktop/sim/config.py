"""Configuration of the simulated gateway."""

from __future__ import annotations

from dataclasses import dataclass

FAILURE_REASON = "The model could not render this prompt (simulated failure)."


@dataclass
class SimConfig:
    """How the simulator behaves; every duration is in seconds."""

    api_key: str | None = "sim-key"  # None: accept any non-empty Bearer key (demo mode)
    queued_seconds: float = 0.3  # time in queued
    dreaming_seconds: float = 1.0  # time in dreaming, then completed (or failed)
    hold_seconds: float = 30.0  # long-poll hold limit
    fail_word: str = "[fail]"  # a prompt containing this fails with FAILURE_REASON
    host: str = "127.0.0.1"
    port: int = 0  # 0 = ephemeral
    video_port: int = 0  # the second origin (CDN); 0 = ephemeral
    link_ttl_seconds: float | None = None  # None: links never expire on their own
    # The unified route and the account (contract sections 6 and 7)
    unified_route: bool = True  # False: /v2/video/generations answers 404 (an older gateway)
    log_delay_seconds: float = 0.0  # a request's /v2/logs row appears this long after it
    logs_per_minute: int = 200  # /v2/logs answers 429 past this many requests in 60 s
    balance_credits: int = 50_000_000
    low_balance_credits: int = 1_000_000  # lowBalance below this
    state_file: str | None = None  # jobs kept here survive a restart (demo mode); None: memory
