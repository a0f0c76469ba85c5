"""The gateway client: create, long-poll one, fetch many, download a clip.

Every call goes through :meth:`GatewayClient._send`, which owns the three rules
that must never be broken: only allowed URLs (https, or http to loopback); the
Authorization header only to the gateway's own origin, never across a redirect;
every failure becomes one :class:`ApiError` whose text never holds the key.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

import httpx

from luma_desktop.api.body import ACCEPT_ENCODING, load_json, read_limited
from luma_desktop.api.download import local_file_error, stream_to_file
from luma_desktop.api.errors import ApiError, ErrorKind
from luma_desktop.api.failures import (
    error_from_response,
    error_from_transport,
    retry_after_seconds,
    server_message,
)
from luma_desktop.api.http import check_base_url, check_url, is_loopback, origin
from luma_desktop.api.models import (
    Generation,
    ResponseFormatError,
    State,
    parse_generation,
    parse_generation_list,
)
from luma_desktop.api.text import clean_text, redact, redact_json
from luma_desktop.core.limits import DEFAULT_LIMITS, Limits

log = logging.getLogger(__name__)

ROUTE_ONE = "/v2/generate/video/luma-ai/generation"
ROUTE_MANY = "/v2/generate/video/luma-ai/generations"
# The wanted-state parameter is ``state`` in the OpenAPI schema and ``status`` in the
# gateway's Python example; sending both copes with either reading (servers ignore
# query parameters they do not know).
WANTED_PARAMS = ("state", "status")
MANY_WANTED_PARAM = "status"
MAX_REDIRECTS = 5
# The gateway stores this header's value with the request and lists it in /v2/logs.
REQUEST_ID_HEADER = "X-Client-Request-Id"

__all__ = [
    "GatewayClient",
    "error_from_response",
    "error_from_transport",
    "retry_after_seconds",
    "server_message",
]

_T = TypeVar("_T")
KeySource = Callable[[], str | None]
Progress = Callable[[int, int | None], None]


class GatewayClient:
    """One gateway at one base URL. The ``httpx.AsyncClient`` is shared and owned by the caller."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        base_url: str,
        api_key: KeySource,
        limits: Limits = DEFAULT_LIMITS,
    ) -> None:
        self._http = http
        self.base_url = str(check_base_url(base_url.rstrip("/"))).rstrip("/")
        base = httpx.URL(self.base_url)
        self._origin = origin(base)
        # A video link may be plain http only when the gateway itself is on this machine.
        self._local_gateway = is_loopback(base.host)
        self._api_key = api_key
        self.limits = limits
        self._wanted_accepted = True  # until the gateway refuses the wanted-state parameter

    def __repr__(self) -> str:
        return f"GatewayClient({self.base_url!r})"

    async def create(
        self, body: Mapping[str, Any], client_request_id: str | None = None
    ) -> Generation:
        """POST a generation. ``ApiError.request_sent`` says whether it may have been taken."""
        headers = {REQUEST_ID_HEADER: client_request_id} if client_request_id else None
        data, _answer_headers = await self._json_answer(
            "POST", self.base_url + ROUTE_ONE, json_body=body, headers=headers
        )
        return _parse(data, parse_generation)

    async def call_json(
        self,
        method: str,
        path: str,
        *,
        json_body: Mapping[str, Any] | None = None,
        params: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> tuple[Any, httpx.Headers]:
        """One JSON call to a path of this gateway: the answer and its headers (the
        unified route and the account routes read costs and ids from them)."""
        return await self._json_answer(
            method, self.base_url + path, json_body=json_body, params=params, headers=headers
        )

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
        deadline = self.limits.request_deadline
        if wanted is not None:
            params.update(dict.fromkeys(WANTED_PARAMS, wanted.value))
            deadline = self.limits.poll_deadline
        data = await self._json("GET", self.base_url + ROUTE_ONE, params=params, deadline=deadline)
        generation = _parse(data, parse_generation)
        if not same_generation(generation.id, generation_id):
            raise ApiError(
                ErrorKind.SERVER,
                "The gateway answered about another generation than the one asked for.",
            )
        return generation

    async def get_many(
        self, generation_ids: Sequence[str], wanted: State | None = None
    ) -> list[Generation]:
        """Fetch several generations at once. Never assumed to hold; answers about
        generations that were not asked for are left out."""
        params: list[tuple[str, str]] = [("generation_ids", i) for i in generation_ids]
        if wanted is not None:
            params.append((MANY_WANTED_PARAM, wanted.value))
        data = await self._json("GET", self.base_url + ROUTE_MANY, params=params)
        asked = set(generation_ids)
        return [
            g
            for g in _parse(data, parse_generation_list)
            if any(same_generation(g.id, i) for i in asked)
        ]

    async def download(self, url: str, dest: Path, progress: Progress | None = None) -> Path:
        """Stream a video to ``dest``, resuming a ``.part`` file left by a broken transfer."""
        part = dest.with_name(dest.name + ".part")
        offset = part.stat().st_size if part.exists() else 0
        headers = {"Accept-Encoding": "identity"}
        if offset:
            headers["Range"] = f"bytes={offset}-"
        response = await self._send("GET", url, headers=headers, video=True)
        try:
            if response.status_code == 416 and offset:
                part.unlink(missing_ok=True)  # the part no longer matches: start over
                raise ApiError(ErrorKind.SERVER, "The download has to start over.")
            await stream_to_file(response, part, offset, progress, self.limits)
        finally:
            await response.aclose()
        try:
            part.replace(dest)
        except OSError as exc:
            raise local_file_error(exc, dest) from exc
        return dest

    async def _json(
        self,
        method: str,
        url: str,
        *,
        json_body: Mapping[str, Any] | None = None,
        params: Any = None,
        deadline: float | None = None,
    ) -> Any:
        """One JSON call: the whole of it (answer included) within ``deadline``."""
        data, _headers = await self._json_answer(
            method, url, json_body=json_body, params=params, deadline=deadline
        )
        return data

    async def _json_answer(
        self,
        method: str,
        url: str,
        *,
        json_body: Mapping[str, Any] | None = None,
        params: Any = None,
        deadline: float | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> tuple[Any, httpx.Headers]:
        """:meth:`_json`, with the answer's headers (costs, tracing ids)."""
        limits = self.limits
        try:
            async with asyncio.timeout(deadline or limits.request_deadline):
                response = await self._send(
                    method,
                    url,
                    json_body=json_body,
                    params=params,
                    headers={"Accept-Encoding": ACCEPT_ENCODING, **(headers or {})},
                    deadline_inside=True,
                )
                try:
                    body = await read_limited(response, limits.max_json_bytes)
                finally:
                    await response.aclose()
        except TimeoutError:
            raise ApiError(ErrorKind.TIMEOUT, "The gateway did not answer in time.") from None
        try:
            data = load_json(body, limits.max_json_depth)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ApiError(
                ErrorKind.SERVER,
                "The gateway sent an answer Luma Desktop cannot read "
                f"({clean_text(str(exc), 80)}).",
            ) from None
        return redact_json(data, self._key_or_none()), response.headers

    async def _send(
        self,
        method: str,
        url: str,
        *,
        json_body: Mapping[str, Any] | None = None,
        params: Any = None,
        headers: Mapping[str, str] | None = None,
        video: bool = False,
        deadline_inside: bool = False,
    ) -> httpx.Response:
        """Send, following redirects by hand; returns a streaming 2xx response.

        Once the chain leaves the gateway's origin it never carries the key again,
        even if it comes back; a redirected create is an error, never re-sent.
        """
        if deadline_inside:
            return await self._follow(method, url, json_body, params, headers, video)
        try:
            async with asyncio.timeout(self.limits.request_deadline):
                return await self._follow(method, url, json_body, params, headers, video)
        except TimeoutError:
            raise ApiError(ErrorKind.TIMEOUT, "The server did not answer in time.") from None

    async def _follow(
        self,
        method: str,
        url: str,
        json_body: Mapping[str, Any] | None,
        params: Any,
        headers: Mapping[str, str] | None,
        video: bool,
    ) -> httpx.Response:
        what = "video link" if video else "gateway address"
        target = check_url(url, what, allow_http=self._local_gateway)
        content = json.dumps(json_body).encode() if json_body is not None else None
        keyed = True  # False for good once the chain has left the gateway's origin
        for _hop in range(MAX_REDIRECTS + 1):
            keyed = keyed and origin(target) == self._origin
            request = self._http.build_request(
                method,
                target,
                params=params,
                content=content,
                headers=self._headers(keyed, headers, json_body is not None),
            )
            response = await self._transmit(request)
            if response.is_redirect and "location" in response.headers:
                await response.aclose()
                if method != "GET":
                    raise ApiError(
                        ErrorKind.VALIDATION,
                        "The gateway address moved (the request was redirected): check it "
                        "in Settings. Nothing was sent again.",
                        status=response.status_code,
                        request_sent=False,
                    )
                location = response.headers["location"]
                target = check_url(
                    _join(target, location), "redirect", allow_http=self._local_gateway
                )
                params = None  # the Location carries its own query
                continue
            if response.is_success:
                return response
            raise await self._error(response, video)
        raise ApiError(ErrorKind.SERVER, "The server redirected too many times.")

    async def _error(self, response: httpx.Response, video: bool) -> ApiError:
        try:
            body = await read_limited(response, self.limits.max_error_body_bytes)
        except ApiError:
            body = b""
        finally:
            await response.aclose()
        dropped = ("content-encoding", "content-length", "transfer-encoding")
        read = httpx.Response(
            response.status_code,
            headers=[(k, v) for k, v in response.headers.items() if k.lower() not in dropped],
            content=body,
            request=response.request,
        )
        error = error_from_response(read, video=video, limits=self.limits)
        return _redacted(error, self._key_or_none())

    def _key_or_none(self) -> str | None:
        key = self._api_key()
        return key.strip() if key else None

    def _headers(
        self, keyed: bool, extra: Mapping[str, str] | None, has_json: bool
    ) -> dict[str, str]:
        headers = dict(extra or {})
        if has_json:
            headers["Content-Type"] = "application/json"
        if keyed:  # the key goes to the gateway's origin only
            headers["Authorization"] = f"Bearer {checked_key(self._api_key())}"
        return headers

    async def _transmit(self, request: httpx.Request) -> httpx.Response:
        try:
            return await self._http.send(request, stream=True, follow_redirects=False)
        except httpx.HTTPError as exc:
            raise error_from_transport(exc) from None  # `from None`: the request holds the key


def checked_key(raw: str | None) -> str:
    """The key, trimmed, if it can travel in a header; else an AUTH error, nothing sent."""
    key = (raw or "").strip()
    if not key:
        raise ApiError(
            ErrorKind.AUTH,
            "No API key is set. Add your AI/ML API key in Settings.",
            request_sent=False,
        )
    if not all(" " <= c <= "~" for c in key):
        raise ApiError(
            ErrorKind.AUTH,
            "The API key contains characters that cannot be sent (spaces inside it, accents "
            "or invisible characters): copy it again from the AI/ML API dashboard and paste "
            "it in Settings.",
            request_sent=False,
        )
    return key


def same_generation(answered: str, asked: str) -> bool:
    """The unified route's ids carry ``:model``; an answer may drop or keep it."""
    return answered == asked or answered == asked.split(":", 1)[0]


def _join(base: httpx.URL, location: str) -> httpx.URL | str:
    try:
        return base.join(location)
    except (httpx.InvalidURL, ValueError, UnicodeError):
        return location  # check_url says why it cannot be followed


def _redacted(error: ApiError, key: str | None) -> ApiError:
    message = redact(error.message, key)
    if message == error.message:
        return error
    return ApiError(
        error.kind,
        message,
        status=error.status,
        retry_after=error.retry_after,
        request_sent=error.request_sent,
    )


def _parse(data: object, parser: Callable[[object], _T]) -> _T:
    try:
        return parser(data)
    except ResponseFormatError as exc:
        raise ApiError(
            ErrorKind.SERVER,
            f"The gateway sent an answer Luma Desktop cannot read ({clean_text(str(exc), 120)}).",
        ) from None
