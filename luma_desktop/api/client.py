"""The gateway client: create, long-poll one, fetch many, download a clip.

Every call goes through :meth:`GatewayClient._send`, which owns the three rules
that must never be broken: only allowed URLs (https, or http to loopback); the
Authorization header only to the gateway's own origin, never across a redirect;
every failure becomes one :class:`ApiError` whose text never holds the key.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any, TypeVar

import httpx

from luma_desktop.api.download import local_file_error, stream_to_file
from luma_desktop.api.errors import ApiError, ErrorKind
from luma_desktop.api.http import check_url, origin
from luma_desktop.api.models import (
    Generation,
    ResponseFormatError,
    State,
    parse_generation,
    parse_generation_list,
)

log = logging.getLogger(__name__)

ROUTE_ONE = "/v2/generate/video/luma-ai/generation"
ROUTE_MANY = "/v2/generate/video/luma-ai/generations"
# The wanted-state parameter is ``state`` in the OpenAPI schema and ``status`` in the
# gateway's Python example; sending both copes with either reading (servers ignore
# query parameters they do not know).
WANTED_PARAMS = ("state", "status")
MANY_WANTED_PARAM = "status"
MAX_REDIRECTS = 5

_T = TypeVar("_T")
KeySource = Callable[[], str | None]
Progress = Callable[[int, int | None], None]


class GatewayClient:
    """One gateway at one base URL. The ``httpx.AsyncClient`` is shared and owned by the caller."""

    def __init__(self, http: httpx.AsyncClient, base_url: str, api_key: KeySource) -> None:
        self._http = http
        self.base_url = str(check_url(base_url.rstrip("/"), "gateway address")).rstrip("/")
        self._origin = origin(httpx.URL(self.base_url))
        self._api_key = api_key
        self._wanted_accepted = True  # until the gateway refuses the wanted-state parameter

    def __repr__(self) -> str:
        return f"GatewayClient({self.base_url!r})"

    async def create(self, body: Mapping[str, Any]) -> Generation:
        """POST a generation. ``ApiError.request_sent`` says whether it may have been taken."""
        response = await self._send("POST", self.base_url + ROUTE_ONE, json_body=body)
        return _parse(response, parse_generation)

    async def get(self, generation_id: str, wanted: State | None = None) -> Generation:
        """Fetch one generation; with ``wanted`` the server may hold until it gets there.

        A gateway that refuses the wanted-state parameters (400/422) is asked without
        them from then on; the poll policy's pacing covers its immediate answers.
        """
        if wanted is not None and self._wanted_accepted:
            try:
                return await self._get(generation_id, wanted)
            except ApiError as error:
                if error.kind is not ErrorKind.VALIDATION:
                    raise
                log.warning("the gateway refuses the wanted-state parameter; polling without it")
                self._wanted_accepted = False
        return await self._get(generation_id, None)

    async def _get(self, generation_id: str, wanted: State | None) -> Generation:
        params: dict[str, str] = {"generation_id": generation_id}
        if wanted is not None:
            params.update(dict.fromkeys(WANTED_PARAMS, wanted.value))
        response = await self._send("GET", self.base_url + ROUTE_ONE, params=params)
        return _parse(response, parse_generation)

    async def get_many(
        self, generation_ids: Sequence[str], wanted: State | None = None
    ) -> list[Generation]:
        """Fetch several generations at once. Never assumed to hold."""
        params: list[tuple[str, str]] = [("generation_ids", i) for i in generation_ids]
        if wanted is not None:
            params.append((MANY_WANTED_PARAM, wanted.value))
        response = await self._send("GET", self.base_url + ROUTE_MANY, params=params)
        return _parse(response, parse_generation_list)

    async def download(self, url: str, dest: Path, progress: Progress | None = None) -> Path:
        """Stream a video to ``dest``, resuming a ``.part`` file left by a broken transfer."""
        part = dest.with_name(dest.name + ".part")
        offset = part.stat().st_size if part.exists() else 0
        headers = {"Accept-Encoding": "identity"}
        if offset:
            headers["Range"] = f"bytes={offset}-"
        response = await self._send("GET", url, headers=headers, stream=True, video=True)
        try:
            if response.status_code == 416 and offset:
                part.unlink(missing_ok=True)  # the part no longer matches: start over
                raise ApiError(ErrorKind.SERVER, "The download has to start over.")
            await stream_to_file(response, part, offset, progress)
        finally:
            await response.aclose()
        try:
            part.replace(dest)
        except OSError as exc:
            raise local_file_error(exc, dest) from exc
        return dest

    async def _send(
        self,
        method: str,
        url: str,
        *,
        json_body: Mapping[str, Any] | None = None,
        params: Any = None,
        headers: Mapping[str, str] | None = None,
        stream: bool = False,
        video: bool = False,
    ) -> httpx.Response:
        target = check_url(url, "video link" if video else "gateway address")
        content = json.dumps(json_body).encode() if json_body is not None else None
        for _hop in range(MAX_REDIRECTS + 1):
            request = self._http.build_request(
                method,
                target,
                params=params,
                content=content,
                headers=self._headers(target, headers, json_body is not None),
            )
            response = await self._transmit(request, stream)
            if response.is_redirect and "location" in response.headers:
                await response.aclose()
                target = check_url(target.join(response.headers["location"]), "redirect")
                params = None  # the Location carries its own query
                continue
            if response.is_success:
                return response
            await response.aread()
            await response.aclose()
            raise error_from_response(response, video=video)
        raise ApiError(ErrorKind.SERVER, "The server redirected too many times.")

    def _headers(
        self, target: httpx.URL, extra: Mapping[str, str] | None, has_json: bool
    ) -> dict[str, str]:
        headers = dict(extra or {})
        if has_json:
            headers["Content-Type"] = "application/json"
        if origin(target) == self._origin:  # the key goes to the gateway's origin only
            key = self._api_key()
            if not key:
                raise ApiError(
                    ErrorKind.AUTH,
                    "No API key is set. Add your AI/ML API key in Settings.",
                    request_sent=False,
                )
            headers["Authorization"] = f"Bearer {key}"
        return headers

    async def _transmit(self, request: httpx.Request, stream: bool) -> httpx.Response:
        try:
            return await self._http.send(request, stream=stream, follow_redirects=False)
        except httpx.HTTPError as exc:
            raise error_from_transport(exc) from None  # `from None`: the request holds the key


def error_from_transport(exc: httpx.HTTPError) -> ApiError:
    """Map httpx's transport errors; only a connection never made is surely not sent."""
    host = exc.request.url.host if _has_request(exc) else "the server"
    if isinstance(exc, httpx.ConnectTimeout | httpx.PoolTimeout):
        return ApiError(ErrorKind.TIMEOUT, f"Could not reach {host} in time.", request_sent=False)
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


def _has_request(exc: httpx.HTTPError) -> bool:
    try:
        exc.request  # noqa: B018  # raises RuntimeError when unset
    except RuntimeError:
        return False
    return True


def error_from_response(response: httpx.Response, *, video: bool = False) -> ApiError:
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
            retry = retry_after_seconds(response.headers.get("retry-after"))
            wait = f" Retrying in {retry:.0f} s." if retry else ""
            return ApiError(
                ErrorKind.RATE_LIMITED,
                f"The gateway is busy (rate limited).{wait}",
                status=status,
                retry_after=retry,
            )
        kind = ErrorKind.SERVER
        text = f"The server had a problem (HTTP {status})."
    if said and kind in (ErrorKind.VALIDATION, ErrorKind.FORBIDDEN, ErrorKind.SERVER):
        text = f"{text} The server said: {said}"
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
    return str(message)[:500] if message else ""


def retry_after_seconds(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:  # an HTTP date
        return max(0.0, (parsedate_to_datetime(value) - datetime.now(UTC)).total_seconds())
    except (TypeError, ValueError):
        return None


def _parse(response: httpx.Response, parser: Callable[[object], _T]) -> _T:
    try:
        return parser(response.json())
    except (json.JSONDecodeError, UnicodeDecodeError, ResponseFormatError) as exc:
        raise ApiError(
            ErrorKind.SERVER, f"The gateway sent an answer Luma Desktop cannot read ({exc})."
        ) from None
