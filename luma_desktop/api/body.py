"""Reading an answer's body with limits: bytes counted while decompressing, depth checked.

httpx would inflate a whole gzip body in one go (a 1 MB bomb becomes gigabytes),
so JSON answers are read raw and inflated here, a bounded piece at a time: the
read stops the moment the inflated size passes the limit, whatever the body claims.
"""

from __future__ import annotations

import json
import zlib
from typing import TYPE_CHECKING, Any

from luma_desktop.api.errors import ApiError, ErrorKind

if TYPE_CHECKING:  # core/small_files.py reads JSON depth from here before httpx is loaded
    import httpx

# What we ask for; anything else the server sends anyway is refused, not guessed at.
ACCEPT_ENCODING = "gzip, deflate"
TOO_LARGE = "The gateway sent an answer Luma Desktop will not read: the answer was too large."


class _Inflater:
    """identity, gzip or deflate (zlib-wrapped or raw), inflated with a ceiling."""

    def __init__(self, encoding: str) -> None:
        codings = [c.strip().lower() for c in encoding.split(",") if c.strip()]
        codings = [c for c in codings if c != "identity"]
        if len(codings) > 1 or (codings and codings[0] not in ("gzip", "x-gzip", "deflate")):
            raise ApiError(ErrorKind.SERVER, f"The gateway sent an answer in {encoding!r}.")
        self._coding = codings[0] if codings else ""
        wbits = 16 + zlib.MAX_WBITS if "gzip" in self._coding else zlib.MAX_WBITS
        self._z = zlib.decompressobj(wbits) if self._coding else None
        self._raw_deflate = False

    def feed(self, data: bytes, room: int) -> bytes:
        """Inflate ``data``, giving at most ``room`` + 1 bytes (one more means: too much)."""
        if self._z is None:
            return data[: room + 1]
        try:
            out = self._z.decompress(data, room + 1)
        except zlib.error:
            if self._coding != "deflate" or self._raw_deflate:
                raise
            # Some servers send raw deflate under "deflate": start again without the header.
            self._raw_deflate = True
            self._z = zlib.decompressobj(-zlib.MAX_WBITS)
            out = self._z.decompress(data, room + 1)
        return out


async def read_limited(response: httpx.Response, limit: int) -> bytes:
    """The decoded body, or ``ApiError(SERVER, too large)`` past ``limit`` bytes."""
    import httpx  # loaded already: a response is in hand

    if hasattr(response, "_content"):  # already in memory (a mock transport's answer)
        if len(response.content) > limit:
            raise ApiError(ErrorKind.SERVER, TOO_LARGE)
        return response.content
    inflater = _Inflater(response.headers.get("content-encoding", ""))
    length = response.headers.get("content-length", "")
    if not response.headers.get("content-encoding") and length.isdigit() and int(length) > limit:
        raise ApiError(ErrorKind.SERVER, TOO_LARGE)
    parts: list[bytes] = []
    size = 0
    try:
        async for chunk in response.aiter_raw():
            piece = inflater.feed(chunk, limit - size)
            size += len(piece)
            if size > limit:
                raise ApiError(ErrorKind.SERVER, TOO_LARGE)
            parts.append(piece)
    except zlib.error:
        raise ApiError(ErrorKind.SERVER, "The gateway sent a damaged compressed answer.") from None
    except httpx.HTTPError as exc:
        raise ApiError(ErrorKind.NETWORK, "The connection broke while reading the answer.") from exc
    return b"".join(parts)


def load_json(data: bytes, max_depth: int) -> Any:
    """Parse JSON, refusing nesting deeper than ``max_depth`` as too large."""
    try:
        value = json.loads(data)
    except RecursionError:
        raise ApiError(ErrorKind.SERVER, TOO_LARGE) from None
    if depth_exceeds(value, max_depth):
        raise ApiError(ErrorKind.SERVER, TOO_LARGE)
    return value


def depth_exceeds(value: Any, max_depth: int) -> bool:
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        children = (
            node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
        )
        for child in children:
            if isinstance(child, dict | list):
                if depth + 1 > max_depth:
                    return True
                stack.append((child, depth + 1))
    return False
