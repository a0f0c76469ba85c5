"""UI test plumbing: async tests run on a qasync loop (Qt events flow while they
await), sync qtbot tests get a qasync loop made current, and helpers that await a
signal or a condition without blocking the loop (a blocking ``qtbot.wait*`` inside an
async test would hang)."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QObject, QSize, QTimer, SignalInstance, Slot
from PySide6.QtGui import QColor, QImage
from PySide6.QtMultimedia import QVideoFrame, QVideoSink
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from luma_desktop.studio.event_loop import StudioLoop
from tests import leaks


def _qasync_loop() -> asyncio.AbstractEventLoop:
    app = QApplication.instance() or QApplication([])
    loop: asyncio.AbstractEventLoop = StudioLoop(app)
    return loop


def pytest_asyncio_loop_factories(
    config: pytest.Config, item: pytest.Item
) -> Mapping[str, Callable[[], asyncio.AbstractEventLoop]]:
    return {"qasync": _qasync_loop}


@pytest.fixture(autouse=True)
def collect_on_the_gui_thread() -> Iterator[None]:
    """Collect each test's garbage here, on the GUI thread. Left for later, a Qt object
    in a reference cycle may be collected on whatever thread allocates next (the
    simulator's, a worker's), and a QObject destroyed off its thread corrupts Qt."""
    yield
    gc.collect()


@pytest.fixture(autouse=True)
def nothing_leaks(qapp: QApplication) -> Iterator[None]:
    """A test that leaves a window, a running timer or a thread behind fails."""
    with leaks.nothing_left_behind(qapp):
        yield


@pytest.fixture
def qloop(qapp: QApplication, qtbot: QtBot) -> Iterator[asyncio.AbstractEventLoop]:
    """For sync qtbot tests whose code spawns asyncio tasks: a qasync loop made current.

    Torn down completely, because an ``already_running`` qasync loop otherwise stays the
    "running loop" and keeps its timers alive into later tests.
    """
    loop = StudioLoop(qapp, already_running=True)
    # Our own executor for asyncio.to_thread, so its threads are joined at the end.
    executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="qloop-test")
    loop.set_default_executor(executor)
    asyncio.set_event_loop(loop)
    yield loop
    leftover = [task for task in asyncio.all_tasks(loop) if not task.done()]
    for task in leftover:
        task.cancel()
    qtbot.waitUntil(lambda: all(task.done() for task in leftover), timeout=5000)
    executor.shutdown(wait=True, cancel_futures=True)
    qapp.aboutToQuit.disconnect(loop._after_run_forever)
    loop._QEventLoop__is_running = False  # it never ran for real
    asyncio.events._set_running_loop(None)
    loop.close()
    asyncio.set_event_loop(None)


class FrameCounter(QObject):
    """Counts decoded frames reaching a sink, on the GUI thread.

    A QObject receiver makes the connection queued: the FFmpeg backend emits
    ``videoFrameChanged`` from its render thread, and a plain Python callable would
    run there. It keeps sizes, never the frames (a kept frame pins decoder buffers).
    """

    def __init__(self, sink: QVideoSink) -> None:
        super().__init__(sink)  # owned by the sink: deleted with it, on the GUI thread
        self.count = 0
        self.last_size = QSize()
        sink.videoFrameChanged.connect(self.on_frame)

    @Slot(QVideoFrame)
    def on_frame(self, frame: QVideoFrame) -> None:
        if frame.isValid():
            self.count += 1
            self.last_size = frame.size()


def png_file(path: Path, size: tuple[int, int], color: QColor) -> Path:
    """A real image file of one colour, as an artist would drop."""
    image = QImage(*size, QImage.Format.Format_RGB32)
    image.fill(color)
    assert image.save(str(path))
    return path


async def wait_signal(signal: SignalInstance, timeout: float = 10.0) -> tuple[Any, ...]:
    """Await one emission of ``signal``; its arguments."""
    future: asyncio.Future[tuple[Any, ...]] = asyncio.get_running_loop().create_future()

    def fire(*args: Any) -> None:
        if not future.done():
            future.set_result(args)

    signal.connect(fire)
    try:
        return await asyncio.wait_for(future, timeout)
    finally:
        signal.disconnect(fire)


async def wait_until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    """Await ``condition()`` becoming true, checked on a Qt timer (no sleeping)."""
    if condition():
        return
    future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    timer = QTimer()
    timer.setInterval(10)

    def check() -> None:
        if not future.done() and condition():
            future.set_result(None)

    timer.timeout.connect(check)
    timer.start()
    try:
        await asyncio.wait_for(future, timeout)
    finally:
        timer.stop()
