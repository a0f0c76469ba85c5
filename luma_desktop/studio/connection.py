"""'Test connection' in Settings: one cheap authenticated request, a plain answer."""

from __future__ import annotations

import uuid

import httpx

from luma_desktop.api.client import GatewayClient
from luma_desktop.api.errors import ApiError, ErrorKind


async def check_connection(http: httpx.AsyncClient, base_url: str, key: str) -> str | None:
    """None when the gateway accepts the key; otherwise what went wrong, in plain words.

    Asks for a generation that cannot exist: "not found" proves the key was accepted
    without creating anything or spending tokens.
    """
    try:
        client = GatewayClient(http, base_url, lambda: key)
        await client.get(str(uuid.uuid4()))
    except ApiError as error:
        if error.kind is ErrorKind.NOT_FOUND:
            return None
        return error.message
    return None
