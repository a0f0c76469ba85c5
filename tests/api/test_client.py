"""The gateway client against the simulator over real loopback sockets, and
``httpx.MockTransport`` for the byte-level cases the simulator cannot stage."""

from __future__ import annotations

import hashlib
from pathlib import Path

import httpx
import pytest

from luma_desktop.api.client import GatewayClient, error_from_response
from luma_desktop.api.errors import ApiError, ErrorKind
from luma_desktop.api.http import check_url, make_http_client
from luma_desktop.api.models import State
from luma_desktop.sim import SimServer, clips_dir
from luma_desktop.sim.video import job_clip
from tests.conftest import SIM_KEY


class _Streamed(httpx.AsyncByteStream):
    """A body that arrives as a stream, like a real transfer (MockTransport reads bytes at once)."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    async def __aiter__(self):  # type: ignore[no-untyped-def]
        yield self._data


def _client(http: httpx.AsyncClient, sim: SimServer, key: str | None = SIM_KEY) -> GatewayClient:
    return GatewayClient(http, sim.base_url, lambda: key)


async def _completed(client: GatewayClient, prompt: str = "a pier") -> tuple[str, str]:
    generation = await client.create({"prompt": prompt, "aspect_ratio": "16:9"})
    done = await client.get(generation.id, State.COMPLETED)
    assert done.state is State.COMPLETED
    assert done.video_url
    return done.id, done.video_url


async def test_long_poll_waits_for_the_wanted_state(
    sim: SimServer, http: httpx.AsyncClient
) -> None:
    client = _client(http, sim)
    created = await client.create({"prompt": "waves"})
    assert created.state is State.QUEUED
    dreaming = await client.get(created.id, State.DREAMING)
    assert dreaming.state is State.DREAMING
    assert sim.counts["get"] == 1


async def test_get_many_reads_both_shapes(sim: SimServer, http: httpx.AsyncClient) -> None:
    client = _client(http, sim)
    ids = [(await client.create({"prompt": f"clip {n}"})).id for n in range(3)]
    bare = await client.get_many(ids)
    sim.faults.wrap_many = True
    wrapped = await client.get_many(ids)
    assert sorted(g.id for g in bare) == sorted(ids) == sorted(g.id for g in wrapped)


async def test_download_resumes_after_a_break_and_bytes_match(
    sim: SimServer, http: httpx.AsyncClient, tmp_path: Path
) -> None:
    client = _client(http, sim)
    gen_id, url = await _completed(client)
    original = job_clip(gen_id, sim.generation(gen_id)["request"])
    sim.faults.drop_download_after = 30_000
    dest = tmp_path / "clip.mp4"
    with pytest.raises(ApiError) as broken:
        await client.download(url, dest)
    assert broken.value.kind is ErrorKind.NETWORK
    part = dest.with_name("clip.mp4.part")
    assert 0 < part.stat().st_size < len(original)

    seen: list[tuple[int, int | None]] = []
    await client.download(url, dest, lambda done, total: seen.append((done, total)))

    assert hashlib.sha256(dest.read_bytes()).digest() == hashlib.sha256(original).digest()
    assert not part.exists()
    assert seen[0][0] > 0  # resumed, not restarted
    assert seen[-1] == (len(original), len(original))
    assert any("bytes=" in h.get("range", h.get("Range", "")) for h in sim.video_request_headers)
    assert sim.video_requests_with_auth == 0


async def test_expired_link_is_its_own_error(
    sim: SimServer, http: httpx.AsyncClient, tmp_path: Path
) -> None:
    client = _client(http, sim)
    gen_id, url = await _completed(client)
    sim.expire_links()
    with pytest.raises(ApiError) as expired:
        await client.download(url, tmp_path / "x.mp4")
    assert expired.value.kind is ErrorKind.LINK_EXPIRED
    fresh = await client.get(gen_id)
    assert fresh.video_url
    assert fresh.video_url != url
    await client.download(fresh.video_url, tmp_path / "x.mp4")


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (400, ErrorKind.VALIDATION),
        (401, ErrorKind.AUTH),
        (403, ErrorKind.FORBIDDEN),
        (404, ErrorKind.NOT_FOUND),
        (422, ErrorKind.VALIDATION),
        (429, ErrorKind.RATE_LIMITED),
        (500, ErrorKind.SERVER),
        (502, ErrorKind.SERVER),
    ],
)
def test_status_codes_map_to_kinds(status: int, kind: ErrorKind) -> None:
    request = httpx.Request("GET", "https://api.gateway.test/v2/x")
    response = httpx.Response(
        status,
        json={"message": "prompt is required"},
        headers={"Retry-After": "7"},
        request=request,
    )
    error = error_from_response(response)
    assert error.kind is kind
    assert error.status == status
    if kind is ErrorKind.VALIDATION:
        assert "prompt is required" in error.message
    if kind is ErrorKind.RATE_LIMITED:
        assert error.retry_after == 7.0


def test_403_on_a_video_link_means_expired() -> None:
    request = httpx.Request("GET", "https://cdn.example/v.mp4")
    error = error_from_response(httpx.Response(403, request=request), video=True)
    assert error.kind is ErrorKind.LINK_EXPIRED


async def test_key_never_crosses_to_another_origin_on_redirect(tmp_path: Path) -> None:
    """The gateway redirects a video to a CDN: the CDN must not see the key."""
    seen: dict[str, str | None] = {}
    mp4 = (clips_dir() / "square.mp4").read_bytes()

    def handler(request: httpx.Request) -> httpx.Response:
        seen[request.url.host] = request.headers.get("authorization")
        if request.url.host == "api.gateway.test":
            return httpx.Response(302, headers={"Location": "https://cdn.test/v.mp4"})
        return httpx.Response(200, stream=_Streamed(mp4))

    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as http:
        client = GatewayClient(http, "https://api.gateway.test", lambda: "secret-key")
        await client.download("https://api.gateway.test/file/v.mp4", tmp_path / "v.mp4")
    assert seen == {"api.gateway.test": "Bearer secret-key", "cdn.test": None}
    assert (tmp_path / "v.mp4").read_bytes() == mp4


async def test_key_never_appears_in_errors() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as http:
        client = GatewayClient(http, "https://api.gateway.test", lambda: "secret-key")
        with pytest.raises(ApiError) as caught:
            await client.create({"prompt": "x"})
    error = caught.value
    assert error.kind is ErrorKind.NETWORK
    assert not error.request_sent
    text = f"{error} {error!r} {error.__cause__!r} {error.__context__!r}"
    assert "secret-key" not in text
    assert error.__cause__ is None


async def test_not_a_video_is_refused_for_good(tmp_path: Path) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, stream=_Streamed(b"<html>login page</html>"))

    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as http:
        client = GatewayClient(http, "https://api.gateway.test", lambda: "k")
        with pytest.raises(ApiError) as caught:
            await client.download("https://cdn.test/v.mp4", tmp_path / "v.mp4")
    assert caught.value.kind is ErrorKind.UNUSABLE  # final: never fetched again
    assert "login page" in caught.value.message
    assert not (tmp_path / "v.mp4").exists()
    assert not (tmp_path / "v.mp4.part").exists()


@pytest.mark.parametrize(
    "url",
    [
        "http://api.gateway.test",  # plain http off this machine
        "ftp://127.0.0.1/x",
        "file:///etc/passwd",
        "https://",
        "not a url",
    ],
)
def test_only_https_or_loopback_http(url: str) -> None:
    with pytest.raises(ApiError) as caught:
        check_url(url)
    assert caught.value.kind is ErrorKind.VALIDATION


@pytest.mark.parametrize(
    "url",
    ["https://api.gateway.test", "http://127.0.0.1:8080", "http://localhost:1", "http://[::1]:9"],
)
def test_allowed_urls(url: str) -> None:
    assert str(check_url(url)).startswith(url.split(":")[0])


async def test_http_client_verifies_tls_and_honours_env_proxies() -> None:
    http = make_http_client()
    try:
        assert http._transport._pool._ssl_context.verify_mode.name == "CERT_REQUIRED"  # type: ignore[attr-defined]
        assert http.trust_env
        assert not http.follow_redirects
        assert http.timeout.read is not None
        assert http.timeout.read > 30
    finally:
        await http.aclose()


async def test_a_gateway_refusing_the_wanted_state_is_polled_without_it() -> None:
    seen: list[dict[str, str]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        params = dict(request.url.params)
        seen.append(params)
        if "state" in params or "status" in params:
            return httpx.Response(422, json={"message": "unknown query parameter: state"})
        return httpx.Response(200, json={"id": params["generation_id"], "state": "dreaming"})

    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as http:
        client = GatewayClient(http, "https://api.gateway.test", lambda: "k")
        first = await client.get("g1", State.COMPLETED)
        second = await client.get("g1", State.COMPLETED)
    assert first.state is State.DREAMING
    assert second.state is State.DREAMING
    assert [sorted(p) for p in seen] == [
        ["generation_id", "state", "status"],  # asked once with the wanted state…
        ["generation_id"],  # …refused, so asked without it
        ["generation_id"],  # and never again with it
    ]


def test_a_server_message_ends_its_sentence_before_the_next_one() -> None:
    request = httpx.Request("POST", "https://api.gateway.test/v2/x")
    response = httpx.Response(500, json={"message": "Internal server error"}, request=request)
    error = error_from_response(response)
    # before: "...The server said: Internal server error" and the next sentence ran on
    assert error.message.endswith("Internal server error.")
    response = httpx.Response(429, headers={"Retry-After": "1"}, request=request)
    # the wait is said once, by whoever waits (before: here and again by the window)
    assert "Retrying" not in error_from_response(response).message
