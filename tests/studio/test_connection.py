"""The connection test is the studio's: it runs on the TaskGroup and answers by signal."""

from __future__ import annotations

import asyncio

import httpx
from PySide6.QtCore import QObject

from luma_desktop.sim import SimServer
from luma_desktop.studio.connection import (
    CONNECTED_TEXT,
    COULD_NOT_RUN,
    ConnectionTest,
    check_connection,
)
from luma_desktop.studio.tasks import TaskGroup
from tests.conftest import SIM_KEY


async def answer(tester: ConnectionTest) -> tuple[bool, str]:
    done: asyncio.Future[tuple[bool, str]] = asyncio.get_running_loop().create_future()

    def heard(ok: bool, text: str) -> None:
        done.set_result((ok, text))

    tester.finished.connect(heard)
    try:
        return await asyncio.wait_for(done, 10)
    finally:
        tester.finished.disconnect(heard)


async def test_a_real_key_and_a_wrong_one(
    sim: SimServer, http: httpx.AsyncClient, root: QObject
) -> None:
    tasks = TaskGroup()
    tester = ConnectionTest(lambda url, key: check_connection(http, url, key), tasks, root)
    assert tester.start(sim.base_url, SIM_KEY)
    assert tester.running
    assert not tester.start(sim.base_url, SIM_KEY)  # one at a time
    assert await answer(tester) == (True, CONNECTED_TEXT)
    assert tester.start(sim.base_url, "wrong")
    ok, text = await answer(tester)
    assert not ok
    assert "key" in text.lower()
    await tasks.close()


async def test_an_unusable_address_sends_nothing(root: QObject) -> None:
    sent: list[str] = []

    async def probe(url: str, key: str) -> str | None:
        sent.append(url)
        return None

    tester = ConnectionTest(probe, TaskGroup(), root)
    assert tester.url_problem("ftp://gateway.test") is not None
    assert not tester.start("ftp://gateway.test", "key")
    assert sent == []


async def test_a_broken_test_says_so_and_a_cancelled_one_says_nothing(root: QObject) -> None:
    release = asyncio.Event()

    async def broken(url: str, key: str) -> str | None:
        await release.wait()
        raise RuntimeError("bug")

    tasks = TaskGroup()
    tester = ConnectionTest(broken, tasks, root)
    heard: list[tuple[bool, str]] = []
    tester.finished.connect(lambda ok, text: heard.append((ok, text)))
    tester.start("https://gateway.test", "key")
    tester.cancel()
    await asyncio.sleep(0)
    assert not tester.running
    tester.start("https://gateway.test", "key")
    release.set()
    assert await answer(tester) == (False, COULD_NOT_RUN)
    assert heard == [(False, COULD_NOT_RUN)]
    await tasks.close()
