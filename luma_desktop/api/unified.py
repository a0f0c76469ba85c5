"""The gateway's unified video route: ``POST/GET /v2/video/generations`` (contract section 6).

- Create: any 2xx with an id is taken (the documentation names no code but 200).
  Ids come back as ``<uuid>:luma/ray-2`` and are polled exactly as returned.
- Fetch one: never held; the caller paces itself (see ``core.schedule``).
- Status ``queued|generating|completed|error`` maps onto :class:`State` through the
  shared tolerant parser; ``error{name,message}`` is the failure reason.
- Cost: ``meta.usage`` when the answer has it, else (on a create) the
  ``x-aimlapi-credits-used`` / ``x-aimlapi-usd-spent`` headers when they are not 0.
- Every create carries ``X-Client-Request-Id`` so a lost answer can be found in
  ``/v2/logs`` (:mod:`luma_desktop.api.account`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import httpx

from luma_desktop.api.client import REQUEST_ID_HEADER, GatewayClient, same_generation
from luma_desktop.api.errors import ApiError, ErrorKind
from luma_desktop.api.models import Generation, ResponseFormatError, parse_generation

UNIFIED_ROUTE = "/v2/video/generations"
CREDITS_HEADER = "x-aimlapi-credits-used"
USD_HEADER = "x-aimlapi-usd-spent"
INFERENCE_HEADER = "x-inference-id"
REQUEST_ID_PREFIX = "ld-"
REQUEST_ID_MAX = 128
_NOT_ALLOWED = re.compile(r"[^A-Za-z0-9._:-]")


def client_request_id(local_id: str) -> str:
    """The job's ``X-Client-Request-Id``: its local id in the documented alphabet
    (1–128 of ``A–Z a–z 0–9 . _ : -``; the gateway silently drops anything else)."""
    cleaned = _NOT_ALLOWED.sub("", local_id)
    return (REQUEST_ID_PREFIX + cleaned)[:REQUEST_ID_MAX]


class UnifiedRoute:
    """The unified route of one gateway, over its :class:`GatewayClient` (one HTTP client,
    the same key and redirect rules)."""

    def __init__(self, gateway: GatewayClient) -> None:
        self.gateway = gateway

    async def create(self, body: Mapping[str, Any], request_id: str | None = None) -> Generation:
        headers = {REQUEST_ID_HEADER: request_id} if request_id else None
        data, answer_headers = await self.gateway.call_json(
            "POST", UNIFIED_ROUTE, json_body=body, headers=headers
        )
        return with_header_costs(_generation(data), answer_headers)

    async def get(self, generation_id: str) -> Generation:
        """One generation, by the id exactly as the create returned it."""
        data, _headers = await self.gateway.call_json(
            "GET", UNIFIED_ROUTE, params={"generation_id": generation_id}
        )
        generation = _generation(data)
        if not same_generation(generation.id, generation_id):
            raise ApiError(
                ErrorKind.SERVER,
                "The gateway answered about another generation than the one asked for.",
            )
        return generation


def _generation(data: object) -> Generation:
    try:
        return parse_generation(data)
    except ResponseFormatError as exc:
        raise ApiError(
            ErrorKind.SERVER, f"The gateway sent an answer Luma Desktop cannot read ({exc})."
        ) from None


def with_header_costs(generation: Generation, headers: httpx.Headers) -> Generation:
    """Costs from the answer's headers where the body said none (0 means "not this call")."""
    if generation.credits is not None:
        return generation
    credits = _number(headers.get(CREDITS_HEADER))
    usd = _number(headers.get(USD_HEADER))
    if not credits:
        return generation
    return replace(generation, credits=int(credits), usd=usd)


def _number(text: str | None) -> float | None:
    try:
        value = float(text) if text is not None else None
    except ValueError:
        return None
    return value if value is not None and math.isfinite(value) and value >= 0 else None
