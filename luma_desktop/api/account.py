"""The account routes: the balance and the request log (contract section 7).

``GET /v2/logs`` is limited to 200 requests in any 60 s; :class:`RateWindow`
keeps this client under it (it waits, it never drops a lookup). The log's rows
come from an analytics pipeline and can appear late: looking again, with backoff,
is the caller's business (``core.lookup``).
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from luma_desktop.api.errors import ApiError, ErrorKind

if TYPE_CHECKING:  # the caller makes it: this module loads without the HTTP stack
    from luma_desktop.api.client import GatewayClient

BALANCE_ROUTE = "/v1/billing/balance"
LOGS_ROUTE = "/v2/logs"
LOGS_PER_MINUTE = 200
LOG_PAGE = 100
LOG_PAGES = 5  # rows of the last 500 requests of the key: a lost create is recent
LOG_PERIOD = "24h"  # the widest period the lookups ask for
LOG_PERIOD_SECONDS = 24 * 3600  # a create older than this is not in what they read


@dataclass(frozen=True)
class Balance:
    credits: float
    low: bool
    threshold: float | None = None
    status: str = ""
    explanation: str = ""


@dataclass(frozen=True)
class LogRow:
    status: str  # succeeded | failed (a failed request is not billed)
    inference_id: str | None  # for an asynchronous generation: the generation id
    client_request_id: str | None
    model: str = ""
    credits: float | None = None
    usd: float | None = None
    created: str = ""

    @property
    def succeeded(self) -> bool:
        return self.status.lower() == "succeeded"


class RateWindow:
    """At most ``limit`` calls in any ``window`` seconds; a call past it waits its turn."""

    def __init__(
        self,
        limit: int = LOGS_PER_MINUTE,
        window: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.limit, self.window = limit, window
        self._clock, self._sleep = clock, sleep
        self._calls: deque[float] = deque()

    async def acquire(self) -> None:
        while True:
            now = self._clock()
            while self._calls and now - self._calls[0] >= self.window:
                self._calls.popleft()
            if len(self._calls) < self.limit:
                self._calls.append(now)
                return
            await self._sleep(self._calls[0] + self.window - now)


class Account:
    def __init__(self, gateway: GatewayClient, rate: RateWindow | None = None) -> None:
        self.gateway = gateway
        self.rate = rate or RateWindow()

    async def balance(self) -> Balance:
        data, _headers = await self.gateway.call_json("GET", BALANCE_ROUTE)
        if not isinstance(data, Mapping) or not _is_number(data.get("balance")):
            raise ApiError(ErrorKind.SERVER, "The gateway's balance answer has no balance.")
        threshold = data.get("lowBalanceThreshold")
        return Balance(
            credits=float(data["balance"]),
            low=data.get("lowBalance") is True,
            threshold=float(threshold) if isinstance(threshold, int | float) else None,
            status=str(data.get("status") or "")[:100],
            explanation=str(data.get("statusExplanation") or "")[:300],
        )

    async def find_request(
        self, client_request_id: str, models: Sequence[str] = (), period: str = LOG_PERIOD
    ) -> LogRow | None:
        """The log row of the request that carried ``client_request_id``, or None.

        Pages through the newest rows (the lookup is for a create sent minutes ago);
        ``client_request_id`` is also sent as a filter, which a gateway that does not
        know it ignores: the rows are matched here either way."""
        for page in range(LOG_PAGES):
            rows, more = await self._page(client_request_id, models, period, page * LOG_PAGE)
            for row in rows:
                if row.client_request_id == client_request_id:
                    return row
            if not more:
                return None
        return None

    async def _page(
        self, request_id: str, models: Sequence[str], period: str, offset: int
    ) -> tuple[list[LogRow], bool]:
        params: list[tuple[str, str]] = [
            ("period", period),
            ("limit", str(LOG_PAGE)),
            ("offset", str(offset)),
            ("client_request_id", request_id),
        ]
        params.extend(("model", m) for m in models)  # repeated: commas do not split
        await self.rate.acquire()
        data, _headers = await self.gateway.call_json("GET", LOGS_ROUTE, params=params)
        return parse_log_page(data)


def parse_log_page(data: object) -> tuple[list[LogRow], bool]:
    """Rows (``data``/``items``/``logs``/``results`` or a bare list) and whether more follow."""
    items: Any = data
    more = False
    if isinstance(data, Mapping):
        items = next(
            (
                data[k]
                for k in ("data", "items", "logs", "results")
                if isinstance(data.get(k), list)
            ),
            [],
        )
        pagination = data.get("pagination")
        more = isinstance(pagination, Mapping) and pagination.get("has_more") is True
    if not isinstance(items, list):
        raise ApiError(ErrorKind.SERVER, "The gateway's log answer holds no list of rows.")
    return [row for row in map(_row, items) if row is not None], more


def _row(item: object) -> LogRow | None:
    if not isinstance(item, Mapping):
        return None
    cost = item.get("cost") if isinstance(item.get("cost"), Mapping) else {}
    assert isinstance(cost, Mapping)
    return LogRow(
        status=str(item.get("status") or ""),
        inference_id=_text(item.get("inference_id")),
        client_request_id=_text(item.get("client_request_id")),
        model=str(item.get("model") or ""),
        credits=float(cost["credits"]) if _is_number(cost.get("credits")) else None,
        usd=float(cost["usd"]) if _is_number(cost.get("usd")) else None,
        created=str(item.get("created") or ""),
    )


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
