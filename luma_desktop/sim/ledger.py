"""The account side of the simulated gateway: costs, the request log and the balance.

- Every create that reaches a create handler (either route) writes a row to the log:
  ``succeeded`` when it was taken, ``failed`` when it was refused (not billed). A row
  becomes visible ``log_delay_seconds`` after the request (the real rows come from
  an analytics pipeline and can lag).
- ``X-Client-Request-Id`` is kept only when it fits the documented alphabet
  (1–128 of ``A–Z a–z 0–9 . _ : -``); anything else is dropped silently.
- A taken generation costs credits by model and duration; the balance goes down.
"""

from __future__ import annotations

import re
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from luma_desktop.sim.config import SimConfig

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
# Credits for a 5 s clip; the documentation's own example is 120,000 credits ($0.06).
CREDITS_5S = {"ray-2": 120_000, "ray-flash-2": 40_000, "ray-3.2": 200_000, "ray-1-6": 100_000}
CREDITS_PER_USD = 2_000_000  # 120,000 credits = $0.06


def valid_request_id(value: str | None) -> str | None:
    return value if value is not None and _REQUEST_ID.fullmatch(value) else None


def cost_of(body: dict[str, Any]) -> tuple[int, float]:
    """(credits, usd) of a create body: by model, doubled for a long clip, more for HDR."""
    model = str(body.get("model") or "ray-2").removeprefix("luma/")
    credits = CREDITS_5S.get(model, 120_000)
    duration = str(body.get("duration") or "5").removesuffix("s")
    if duration.isascii() and duration.isdigit() and int(duration) > 5:
        credits *= 2
    if body.get("hdr"):
        credits = credits * 3 // 2
    return credits, credits / CREDITS_PER_USD


@dataclass
class LogRow:
    created: str
    status: str  # succeeded | failed
    model: str
    credits: int
    usd: float
    inference_id: str
    client_request_id: str | None
    visible_at: float

    def to_json(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "status": self.status,
            "model": self.model,
            "cost": {"usd": self.usd, "credits": self.credits},
            "inference_id": self.inference_id,
            "client_request_id": self.client_request_id,
        }


@dataclass
class Ledger:
    config: SimConfig
    rows: list[LogRow] = field(default_factory=list)
    spent: int = 0
    clock: Callable[[], float] = time.monotonic  # tests move it to make late rows appear
    _log_calls: deque[float] = field(default_factory=deque)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def record(
        self,
        *,
        status: str,
        model: str,
        inference_id: str,
        client_request_id: str | None,
        credits: int = 0,
    ) -> None:
        with self._lock:
            self.rows.append(
                LogRow(
                    created=datetime.now(UTC).isoformat(timespec="milliseconds"),
                    status=status,
                    model=model,
                    credits=credits,
                    usd=credits / CREDITS_PER_USD,
                    inference_id=inference_id,
                    client_request_id=client_request_id,
                    visible_at=self.clock() + self.config.log_delay_seconds,
                )
            )
            if status == "succeeded":
                self.spent += credits

    def allow_log_call(self) -> bool:
        """The logs route's limit: ``logs_per_minute`` requests in any 60 s."""
        now = time.monotonic()
        with self._lock:
            while self._log_calls and now - self._log_calls[0] >= 60.0:
                self._log_calls.popleft()
            if len(self._log_calls) >= self.config.logs_per_minute:
                return False
            self._log_calls.append(now)
            return True

    def page(self, query: dict[str, list[str]], limit: int, offset: int) -> dict[str, Any]:
        """Visible rows, newest first, filtered by repeated ``model`` / ``status``."""
        now = self.clock()
        models, statuses = set(query.get("model", [])), set(query.get("status", []))
        ids = query.get("client_request_id") or []
        wanted_id = ids[0] if ids else None
        with self._lock:
            rows = [
                r
                for r in reversed(self.rows)
                if r.visible_at <= now
                and (not models or r.model in models)
                and (not statuses or r.status in statuses)
                and (wanted_id is None or r.client_request_id == wanted_id)
            ]
        chosen = rows[offset : offset + limit]
        return {
            "data": [r.to_json() for r in chosen],
            "pagination": {
                "limit": limit,
                "offset": offset,
                "total": len(rows),
                "has_more": offset + len(chosen) < len(rows),
            },
        }

    def balance(self) -> dict[str, Any]:
        with self._lock:
            left = self.config.balance_credits - self.spent
        low = left < self.config.low_balance_credits
        return {
            "balance": left,
            "lowBalance": low,
            "lowBalanceThreshold": self.config.low_balance_credits,
            "lastUpdated": datetime.now(UTC).isoformat(timespec="seconds"),
            "autoDebitStatus": "disabled",
            "status": "low" if low else "ok",
            "statusExplanation": "Balance is low" if low else "Balance is sufficient",
        }
