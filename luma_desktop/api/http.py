"""The one long-lived ``httpx.AsyncClient`` and the rules every request obeys.

- TLS is always verified, through the OS trust store (truststore), so a studio's
  own CA works; plain http is allowed only to loopback (the simulator).
- Proxy settings come from the environment (``trust_env``) unless one is given.
- Redirects are never followed by httpx: :mod:`luma_desktop.api.client` follows
  them itself so the Authorization header never crosses to another origin.
- The pool is sized so the long polls can never starve downloads and creates.
"""

from __future__ import annotations

import ipaddress
import ssl

import httpcore
import httpx
import truststore

from luma_desktop.api.errors import ApiError, ErrorKind
from luma_desktop.core.limits import DEFAULT_LIMITS, MAX_DOWNLOADS_IN_FLIGHT, MAX_POLLS_IN_FLIGHT

LONG_POLL_HOLD = DEFAULT_LIMITS.long_poll_hold
# Read timeout comfortably above the hold so a held poll is never cut short.
TIMEOUT = httpx.Timeout(connect=15.0, read=LONG_POLL_HOLD + 30.0, write=30.0, pool=None)
# Polls, downloads, plus room for creates and one-off fetches.
POOL = httpx.Limits(
    max_connections=MAX_POLLS_IN_FLIGHT + MAX_DOWNLOADS_IN_FLIGHT + 8,
    max_keepalive_connections=16,
)
USER_AGENT = "LumaDesktop"
# httpcore asks its stream for at most 64 KiB per read, and every read is one pass
# through httpcore, h11, anyio and httpx's iterators (its Python costs more than the
# copy): a 500 MB clip took 7,600 passes. asyncio already holds up to 256 KiB per
# socket read, so asking for more hands each over in one pass (bench/download.py:
# 1.4-1.7x the throughput, 0.8x the CPU). Replies to polls are small either way.
READ_BYTES = 1024 * 1024


def make_http_client(
    *, proxy: str | None = None, user_agent: str = USER_AGENT
) -> httpx.AsyncClient:
    """The app's single HTTP client; the caller owns it and closes it with ``aclose()``."""
    httpcore.AsyncHTTP11Connection.READ_NUM_BYTES = READ_BYTES
    context = truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    return httpx.AsyncClient(
        verify=context,
        timeout=TIMEOUT,
        limits=POOL,
        trust_env=proxy is None,
        proxy=proxy or None,
        follow_redirects=False,
        headers={"User-Agent": user_agent},
    )


def is_loopback(host: str) -> bool:
    if host.lower() in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def is_link_local(host: str) -> bool:
    """169.254.0.0/16 and fe80::/10 (cloud metadata services live there): never fetched."""
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_link_local


def check_base_url(url: str) -> httpx.URL:
    """The gateway address: https (or http to loopback), and nothing hidden in it."""
    parsed = check_url(url, "gateway address")
    problem = ""
    if parsed.userinfo:
        problem = (
            "has a user name or password in it; the key is set in Settings, not in the address"
        )
    elif parsed.query:
        problem = "has a query (?...) in it"
    elif parsed.fragment or "#" in str(url):
        problem = "has a fragment (#...) in it"
    if problem:
        raise ApiError(
            ErrorKind.VALIDATION,
            f"The gateway address {problem}. Give just https://host (and a path if needed).",
            request_sent=False,
        )
    return parsed


def check_url(url: str | httpx.URL, what: str = "address", *, allow_http: bool = True) -> httpx.URL:
    """Refuse anything but https, or plain http to this machine; never link-local.

    ``allow_http=False`` refuses plain http even to loopback: a video link may use
    it only when the gateway itself is on this machine.
    """
    try:
        parsed = httpx.URL(str(url))
    except (httpx.InvalidURL, TypeError, UnicodeError) as exc:
        raise ApiError(
            ErrorKind.VALIDATION, f"The {what} is not a valid link.", request_sent=False
        ) from exc
    if parsed.host and is_link_local(parsed.host):
        raise ApiError(
            ErrorKind.VALIDATION,
            f"The {what} points at a link-local address ({parsed.host}), which is never fetched.",
            request_sent=False,
        )
    if parsed.scheme == "https" and parsed.host:
        return parsed
    if parsed.scheme == "http" and parsed.host and is_loopback(parsed.host) and allow_http:
        return parsed
    raise ApiError(
        ErrorKind.VALIDATION,
        f"The {what} must start with https:// (plain http is only allowed to this computer).",
        request_sent=False,
    )


def origin(url: httpx.URL) -> tuple[str, str, int | None]:
    port = url.port or {"https": 443, "http": 80}.get(url.scheme)
    return (url.scheme, url.host, port)
