"""The asyncio loop on Qt's (studio/event_loop.py): asyncio's scheduling semantics, one
Qt timer instead of one per callback, and Qt's events let in between long queues."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QAbstractEventDispatcher, QObject, QTimer
from PySide6.QtWidgets import QApplication

from luma_desktop.studio.event_loop import BATCH_SECONDS, StudioLoop


@pytest.fixture
def loop(qapp: QApplication) -> Iterator[StudioLoop]:
    studio_loop = StudioLoop(qapp)
    yield studio_loop
    if not studio_loop.is_closed():
        studio_loop.close()


def _qt_timers(obj: QObject) -> int:
    dispatcher = QAbstractEventDispatcher.instance()
    assert dispatcher is not None
    return len(dispatcher.registeredTimers(obj))


def test_callbacks_run_in_asyncio_order(loop: StudioLoop) -> None:
    ran: list[str] = []

    async def main() -> None:
        loop.call_later(0.03, ran.append, "later 30 ms")
        loop.call_later(0.01, ran.append, "later 10 ms")
        loop.call_soon(ran.append, "soon 1")
        cancelled = loop.call_soon(ran.append, "cancelled")
        loop.call_soon(ran.append, "soon 2")
        cancelled.cancel()
        loop.call_at(loop.time() + 0.02, ran.append, "at 20 ms")
        last: asyncio.Future[None] = loop.create_future()
        loop.call_later(0.04, last.set_result, None)
        await last

    loop.run_until_complete(main())
    assert ran == ["soon 1", "soon 2", "later 10 ms", "at 20 ms", "later 30 ms"]


def test_a_deadline_fires_no_earlier_than_asked(loop: StudioLoop) -> None:
    async def main() -> float:
        started = loop.time()
        await asyncio.sleep(0.05)  # sleep-ok: the sleep's own deadline is what is tested
        return float(loop.time() - started)

    assert loop.run_until_complete(main()) >= 0.05 - loop._clock_resolution


def test_cancelled_deadlines_leave_no_qt_timers_behind(loop: StudioLoop) -> None:
    """What made a long session slow: with a Qt timer per call_later, every read
    deadline httpx set and cancelled stayed registered with Qt for its whole timeout."""

    async def main() -> tuple[int, int]:
        for _ in range(500):
            loop.call_later(3600, pytest.fail, "a cancelled deadline ran").cancel()
        await asyncio.sleep(0)  # a turn of the loop: the cancelled heap is cleaned
        return _qt_timers(loop._timer), len(loop._scheduled)

    qasync_timers, scheduled = loop.run_until_complete(main())
    assert qasync_timers == 0  # nothing registered per callback
    assert scheduled < 10  # the cancelled deadlines left asyncio's heap too
    assert _qt_timers(loop._wake) <= 1


def test_a_long_queue_lets_qt_events_in_between(loop: StudioLoop) -> None:
    """Callbacks that keep queueing more for longer than a batch do not starve Qt: a
    Qt timer due meanwhile fires before the queue is done."""
    qt_fired_at: list[int] = []
    turns = [0]
    spin = BATCH_SECONDS / 4
    done = asyncio.Event()

    def busy() -> None:
        turns[0] += 1
        until = loop.time() + spin
        while loop.time() < until:
            pass
        if turns[0] < 40:  # ~10 batches' worth of work
            loop.call_soon(busy)
        else:
            done.set()

    async def main() -> None:
        QTimer.singleShot(0, lambda: qt_fired_at.append(turns[0]))
        loop.call_soon(busy)
        await done.wait()

    loop.run_until_complete(main())
    assert qt_fired_at, "Qt's timer never fired"
    assert qt_fired_at[0] < 40


def test_call_soon_threadsafe_wakes_the_loop(loop: StudioLoop) -> None:
    async def main() -> str:
        done: asyncio.Future[str] = loop.create_future()
        threading.Thread(
            target=loop.call_soon_threadsafe, args=(done.set_result, "from a thread")
        ).start()
        return await asyncio.wait_for(done, 5)

    assert loop.run_until_complete(main()) == "from a thread"


def test_a_failing_callback_reaches_the_handler_and_the_loop_goes_on(
    loop: StudioLoop,
) -> None:
    seen: list[str] = []
    loop.set_exception_handler(lambda _loop, context: seen.append(str(context["exception"])))

    def boom() -> None:
        raise RuntimeError("a broken callback")

    async def main() -> str:
        after: asyncio.Future[str] = loop.create_future()
        loop.call_soon(boom)
        loop.call_soon(after.set_result, "still running")  # runs after the failure
        return await after

    assert loop.run_until_complete(main()) == "still running"
    assert seen == ["a broken callback"]


def test_coroutine_functions_are_refused_at_once(loop: StudioLoop) -> None:
    async def coroutine() -> None:
        pass

    with pytest.raises(TypeError, match="coroutines"):
        loop.call_soon(coroutine)
    with pytest.raises(TypeError, match="callable"):
        loop.call_later(1, "not a function")  # type: ignore[arg-type]


def test_closing_stops_the_wake(loop: StudioLoop) -> None:
    loop.call_later(3600, pytest.fail, "ran after close")
    assert loop._wake.isActive()
    loop.close()
    assert not loop._wake.isActive()


def test_streams_read_through_pause_and_resume_on_one_notifier(loop: StudioLoop) -> None:
    """Backpressure pauses and resumes reading around each chunk; the bytes arrive whole
    and in order, and the socket keeps one notifier throughout."""
    payload = bytes(range(256)) * 4096  # 1 MiB

    async def serve(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        for start in range(0, len(payload), 16384):
            writer.write(payload[start : start + 16384])
            await writer.drain()
        writer.close()
        await writer.wait_closed()

    async def main() -> tuple[bytes, int]:
        server = await asyncio.start_server(serve, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        # A small buffer limit: the transport pauses and resumes reading many times.
        reader, writer = await asyncio.open_connection("127.0.0.1", port, limit=4096)
        received = bytearray()
        while chunk := await reader.read(4096):
            received += chunk
        notifiers = len(loop._readers)
        writer.close()
        await writer.wait_closed()
        server.close()
        await server.wait_closed()
        return bytes(received), notifiers

    received, notifiers = loop.run_until_complete(main())
    assert received == payload
    assert notifiers <= 4  # the loop's self-pipe, the listening socket, both ends


def test_removing_a_reader_says_whether_one_was_there(loop: StudioLoop) -> None:
    left, right = socket.socketpair()
    try:
        got: list[bytes] = []
        arrived = asyncio.Event()

        def read() -> None:
            got.append(left.recv(10))
            arrived.set()

        assert loop.remove_reader(left) is False
        loop.add_reader(left, read)
        right.send(b"ping")
        loop.run_until_complete(asyncio.wait_for(arrived.wait(), 5))
        assert got == [b"ping"]
        assert loop.remove_reader(left) is True
        assert loop.remove_reader(left) is False
    finally:
        left.close()
        right.close()
