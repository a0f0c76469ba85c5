"""Which threads made the app's HTTP client: the one-client rule, watched in tests."""

from __future__ import annotations

import threading

import httpx
import pytest

from luma_desktop.api import http as api_http


def clients_made_on(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The name of the thread each client is made on, from now on (in order)."""
    made_on: list[str] = []
    make = api_http.make_http_client

    def counting(**kwargs: object) -> httpx.AsyncClient:
        made_on.append(threading.current_thread().name)
        return make(**kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(api_http, "make_http_client", counting)
    return made_on
