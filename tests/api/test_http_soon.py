"""The app's one HTTP client, made off the start-up path (api/http_soon.py): made once,
on the worker thread or by whoever asks first, with TLS verification as before."""

from __future__ import annotations

import ssl
import threading

import httpx
import pytest

from luma_desktop.api import http as api_http
from luma_desktop.api.http_soon import HttpSoon
from tests.http_spy import clients_made_on


async def test_started_soon_it_is_made_once_on_the_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    made_on = clients_made_on(monkeypatch)
    soon = HttpSoon()
    soon.start_soon()
    client = soon.get()  # waits for the worker if it is still at it
    soon.start_soon()  # a second start makes nothing new
    assert soon.get() is client
    assert made_on == ["luma-http-start"]
    # The same client as before: TLS verified against the OS trust store, no redirects.
    pool = client._transport._pool  # type: ignore[attr-defined]
    assert pool._ssl_context.verify_mode is ssl.CERT_REQUIRED
    assert not client.follow_redirects
    await soon.aclose()
    assert client.is_closed


async def test_asked_before_it_was_started_it_is_made_there_and_then(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    made_on = clients_made_on(monkeypatch)
    soon = HttpSoon(proxy="http://proxy.studio.lan:3128")
    assert not soon.made
    client = soon.get()
    soon.start_soon()  # the app's after-first-paint start, later: nothing more is made
    assert soon.get() is client
    assert made_on == [threading.current_thread().name]
    await soon.aclose()


async def test_never_made_nothing_to_close(monkeypatch: pytest.MonkeyPatch) -> None:
    made_on = clients_made_on(monkeypatch)
    soon = HttpSoon()
    await soon.aclose()
    assert made_on == []


def test_a_client_that_cannot_be_made_is_said_to_whoever_asks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(**kwargs: object) -> httpx.AsyncClient:
        raise ssl.SSLError("no trust store")

    monkeypatch.setattr(api_http, "make_http_client", broken)
    soon = HttpSoon()
    soon.start_soon()
    with pytest.raises(RuntimeError) as raised:
        soon.get()
    assert isinstance(raised.value.__cause__, ssl.SSLError)
