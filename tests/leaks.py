"""Leak checks for tests that use Qt (the UI and studio suites apply them to every test)."""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator

import pytest
import shiboken6
from PySide6.QtCore import QEvent, QObject, QThreadPool, QTimer
from PySide6.QtWidgets import QApplication

THREAD_GRACE = 5.0  # seconds a new thread may take to finish after its test


def _address(obj: QObject) -> int:
    return int(shiboken6.getCppPointer(obj)[0])


def _running_timers() -> dict[int, QTimer]:
    return {
        _address(o): o
        for o in gc.get_objects()
        if isinstance(o, QTimer) and shiboken6.isValid(o) and o.isActive()
    }


def _what(obj: QObject) -> str:
    name = obj.objectName()
    return f"{type(obj).__name__}{f' {name!r}' if name else ''}"


@contextlib.contextmanager
def nothing_left_behind(qapp: QApplication) -> Iterator[None]:
    """As napari's test fixtures do: a test that leaves a window, a running timer or a
    thread behind fails. Each leak is a bug: a window nobody closes, a timer that fires
    into a deleted object, a thread that outlives the studio that started it."""
    windows = {_address(w) for w in qapp.topLevelWidgets()}
    timers = set(_running_timers())
    threads = set(threading.enumerate())
    yield
    # pytest-qt has closed the test's widgets (deleteLater): delete them now.
    for _ in range(2):
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
        gc.collect()
    leaks = [f"window {_what(w)}" for w in qapp.topLevelWidgets() if _address(w) not in windows]
    leaks += [f"running timer {_what(t)}" for a, t in _running_timers().items() if a not in timers]
    for thread in set(threading.enumerate()) - threads:
        if isinstance(thread, threading._DummyThread):
            continue  # a Qt pool thread that ran Python: checked through the pool below
        thread.join(timeout=THREAD_GRACE)  # one finishing its last step is not a leak
        if thread.is_alive():
            leaks.append(f"thread {thread.name!r}")
    if not QThreadPool.globalInstance().waitForDone(5000):
        leaks.append("Qt thread-pool work still running")
    if leaks:
        pytest.fail("left behind: " + ", ".join(leaks), pytrace=False)
