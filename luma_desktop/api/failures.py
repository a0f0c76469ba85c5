"""Turning what went wrong on the wire into one :class:`ApiError` in plain words.

Server text is quoted only after it was cleaned (no control characters, cut short);
the key is redacted by the caller, which knows it. ``Retry-After`` is honoured up to
a limit: an endless or unreadable value falls back to normal backoff.
"""

from __future__ import annotations

import json
import math
import ssl
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from luma_desktop.api.errors import ApiError, ErrorKind
from luma_desktop.api.text import clean_text, sentence
from luma_desktop.core.limits import DEFAULT_LIMITS, Limits


def error_from_transport(exc: httpx.HTTPError) -> ApiError:
    """Map httpx's transport errors; only a connection never made is surely not sent."""
    host = exc.request.url.host if _has_request(exc) else "the server"
    if isinstance(exc, httpx.ConnectTimeout | httpx.PoolTimeout):
        return ApiError(ErrorKind.TIMEOUT, f"Could not reach {host} in time.", request_sent=False)
    if _certificate_problem(exc):
        return ApiError(
            ErrorKind.NETWORK,
            f"The certificate of {host} was not accepted, so nothing was sent. This is a "
            "certificate problem, not the network: the operating system's trust store decides "
            "which certificates are trusted (a studio proxy's own CA must be installed there).",
            request_sent=False,
        )
    if isinstance(exc, httpx.ConnectError | httpx.ProxyError):
        return ApiError(
            ErrorKind.NETWORK,
            f"Could not connect to {host}. Check the network connection.",
            request_sent=False,
        )
    if isinstance(exc, httpx.TimeoutException):
        return ApiError(ErrorKind.TIMEOUT, f"{host} did not answer in time.")
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL):
        return ApiError(ErrorKind.VALIDATION, "That link is not supported.", request_sent=False)
    return ApiError(ErrorKind.NETWORK, f"The connection to {host} was lost.")


def _certificate_problem(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    for _ in range(8):  # the chain: httpx → httpcore → ssl
        if seen is None:
            return False
        if isinstance(seen, ssl.SSLCertVerificationError) or "CERTIFICATE_VERIFY_FAILED" in str(
            seen
        ):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _has_request(exc: httpx.HTTPError) -> bool:
    try:
        exc.request  # noqa: B018  # raises RuntimeError when unset
    except RuntimeError:
        return False
    return True


def error_from_response(
    response: httpx.Response, *, video: bool = False, limits: Limits = DEFAULT_LIMITS
) -> ApiError:
    """Map an HTTP error status onto an :class:`ApiError` with the server's own message."""
    status = response.status_code
    said = server_message(response)
    if video:
        if status in (401, 403, 410):
            return ApiError(ErrorKind.LINK_EXPIRED, "The video link has expired.", status=status)
        if status == 404:
            return ApiError(ErrorKind.LINK_EXPIRED, "The video link is gone.", status=status)
    kind, text = _STATUS_TEXT.get(status, (None, ""))
    if kind is None:
        if status == 429:
            retry = retry_after_seconds(response.headers.get("retry-after"), limits)
            # The wait is said once, by whoever waits (the engine's own backoff may be longer).
            return ApiError(
                ErrorKind.RATE_LIMITED,
                "The gateway is busy (rate limited).",
                status=status,
                retry_after=retry,
            )
        kind = ErrorKind.SERVER
        text = f"The server had a problem (HTTP {status})."
    if said and kind in (ErrorKind.VALIDATION, ErrorKind.FORBIDDEN, ErrorKind.SERVER):
        text = f"{text} The server said: {sentence(said)}"
    return ApiError(kind, text, status=status)


_STATUS_TEXT: dict[int, tuple[ErrorKind | None, str]] = {
    400: (ErrorKind.VALIDATION, "The gateway refused the request."),
    422: (ErrorKind.VALIDATION, "The gateway refused the request."),
    401: (ErrorKind.AUTH, "The API key was not accepted. Check your key in Settings."),
    403: (
        ErrorKind.FORBIDDEN,
        "The gateway refused: the account may be out of credits or not allowed to use this model.",
    ),
    404: (ErrorKind.NOT_FOUND, "The gateway does not know this generation."),
    429: (None, ""),
}


def server_message(response: httpx.Response) -> str:
    """The human part of an error body, shortened; never the raw bytes."""
    try:
        data = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError, httpx.ResponseNotRead):
        return ""
    message: Any = None
    if isinstance(data, dict):
        message = data.get("message") or data.get("detail") or data.get("error")
        if isinstance(message, dict):
            message = message.get("message")
    if isinstance(message, list):
        message = "; ".join(str(m) for m in message)
    return clean_text(str(message)) if message else ""


def retry_after_seconds(value: str | None, limits: Limits = DEFAULT_LIMITS) -> float | None:
    """Seconds to wait, at most ``limits.retry_after_max``; None when unusable."""
    seconds = _retry_after(value.strip()) if value else None
    if seconds is None or not math.isfinite(seconds) or seconds < 0:
        return None  # normal backoff decides
    return min(seconds, limits.retry_after_max)


def _retry_after(value: str) -> float | None:
    if len(value) > 64:
        return None
    try:
        return float(value)
    except ValueError:
        pass
    try:  # an HTTP date
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    try:
        return max(0.0, (when - datetime.now(UTC)).total_seconds())
    except (OverflowError, ValueError):
        return None
