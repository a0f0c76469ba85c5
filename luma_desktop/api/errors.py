"""One exception type for everything the gateway, the CDN or the local disk can do to a job.

The ``kind`` decides what happens next (retry, stop, ask the artist); the ``message``
is plain words for the artist. Neither ever contains the API key.
"""

from __future__ import annotations

from enum import StrEnum


class ErrorKind(StrEnum):
    AUTH = "auth"  # 401: missing or invalid key
    FORBIDDEN = "forbidden"  # 403 on the gateway: no credits or not allowed
    NOT_FOUND = "not_found"  # 404: unknown generation id
    VALIDATION = "validation"  # 400/422: the server refused the request as written
    RATE_LIMITED = "rate_limited"  # 429, maybe with Retry-After
    SERVER = "server"  # 5xx or an unreadable answer
    NETWORK = "network"  # connection refused, dropped, DNS, TLS
    TIMEOUT = "timeout"  # no answer in time
    LINK_EXPIRED = "link_expired"  # 403 on a video link: fetch the generation again
    LOCAL_FILE = "local_file"  # disk full, folder not writable
    UNUSABLE = "unusable"  # the link gave something that is no video nor frames: final


class ApiError(Exception):
    """A failed call. ``request_sent`` is False only when the server surely never saw it."""

    def __init__(
        self,
        kind: ErrorKind,
        message: str,
        *,
        status: int | None = None,
        retry_after: float | None = None,
        request_sent: bool = True,
    ) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.status = status
        self.retry_after = retry_after
        self.request_sent = request_sent

    def __repr__(self) -> str:
        return f"ApiError({self.kind.value!r}, {self.message!r}, status={self.status})"
