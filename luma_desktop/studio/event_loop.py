"""The asyncio loop on Qt's: qasync's loop with asyncio's own scheduling.

qasync starts one Qt timer per callback: every ``call_soon`` (each socket read, each
resumed task) is a ``startTimer`` and a ``killTimer``, and a cancelled ``call_later``
(every read deadline httpx sets, then cancels when the bytes come) keeps its Qt timer
until it would have fired. Qt keeps an object's timers in lists it scans on each
``killTimer``, so a long download (tens of reads a second, each leaving a deadline
behind for its full timeout) makes every callback slower as the session goes on:
measured in ``bench/ui_lag.py``, ~22,000 ``killTimer`` calls took 3.3 s of an 8 s
window after four studios, stalling the window 1.5-3.6 s at a time.

This loop keeps asyncio's structures instead (``_ready``, a deque; ``_scheduled``, a
heap of ``TimerHandle``, cancelled ones dropped as asyncio drops them) and drives them
with one single-shot Qt timer, armed for the earliest deadline. Ready callbacks run in
batches of at most ``BATCH_SECONDS``; the rest wait one turn of Qt's loop, so painting
and input get in between however much work is queued.

Sockets too: asyncio pauses and resumes reading a socket around every chunk a stream
takes (anyio's backpressure), and qasync made a new ``QSocketNotifier`` and a signal
connection each time (~160 us a chunk, a twentieth of the GUI thread during two
downloads). Here each descriptor keeps one notifier, enabled and disabled, and its
callback runs as the notifier fires. Threads and the rest stay qasync's.
"""

from __future__ import annotations

import asyncio
import heapq
import math
import os
import time
from collections.abc import Callable
from contextvars import Context
from typing import Any

os.environ.setdefault("QT_API", "pyside6")  # qasync takes the first Qt binding it finds

import qasync
from PySide6.QtCore import QCoreApplication, QSocketNotifier, Qt, QTimer

# Ready callbacks run for at most this long before Qt's loop gets a turn (paint, input,
# socket notifiers). Below a frame, so a queue of work costs frames only if one callback
# alone is long.
BATCH_SECONDS = 0.004
# As asyncio's BaseEventLoop: rebuild the heap once most of it is cancelled timers.
_MIN_HEAP_TO_CLEAN = 100
_CANCELLED_SHARE_TO_CLEAN = 0.5


class StudioLoop(qasync.QEventLoop):  # type: ignore[misc]
    """qasync's loop with one Qt timer for all of asyncio's callbacks."""

    _ready: Any  # asyncio.BaseEventLoop's deque of Handles
    _scheduled: list[asyncio.TimerHandle]  # ... and its heap of TimerHandles
    _timer_cancelled_count: int

    def __init__(self, app: QCoreApplication | None = None, already_running: bool = False):
        self._wake = QTimer()
        self._wake.setSingleShot(True)
        self._wake.setTimerType(Qt.TimerType.PreciseTimer)
        self._wake.timeout.connect(self._on_wake)
        self._armed_for: float | None = None  # the loop time the wake is set for
        self._in_io = False  # in a socket's callback: the turn runs right after it
        self._readers: dict[int, _Watch] = {}
        self._writers: dict[int, _Watch] = {}
        super().__init__(app, already_running=already_running)

    # -- scheduling: asyncio's own, instead of a Qt timer per callback -----------------

    def call_soon(
        self,
        callback: Callable[..., object],
        *args: Any,
        context: Context | None = None,
    ) -> asyncio.Handle:
        _check_callable(callback)
        handle = asyncio.BaseEventLoop.call_soon(self, callback, *args, context=context)
        self._arm(self.time())
        return handle

    def call_later(
        self,
        delay: float,
        callback: Callable[..., object],
        *args: Any,
        context: Context | None = None,
    ) -> asyncio.TimerHandle:
        return self.call_at(self.time() + delay, callback, *args, context=context)

    def call_at(
        self,
        when: float,
        callback: Callable[..., object],
        *args: Any,
        context: Context | None = None,
    ) -> asyncio.TimerHandle:
        _check_callable(callback)
        timer = asyncio.BaseEventLoop.call_at(self, when, callback, *args, context=context)
        self._arm(timer.when())
        return timer

    def close(self) -> None:
        self._wake.stop()
        self._armed_for = None
        super().close()
        for watch in (*self._readers.values(), *self._writers.values()):
            watch.stop()
        self._readers.clear()
        self._writers.clear()

    # -- sockets: one notifier per descriptor, kept across pause and resume ------------

    def _add_reader(self, fd: Any, callback: Callable[..., object], *args: Any) -> None:
        self._watch(self._readers, fd, QSocketNotifier.Type.Read, callback, args)

    def _remove_reader(self, fd: Any) -> bool:
        return self._unwatch(self._readers, fd)

    def _add_writer(self, fd: Any, callback: Callable[..., object], *args: Any) -> None:
        self._watch(self._writers, fd, QSocketNotifier.Type.Write, callback, args)

    def _remove_writer(self, fd: Any) -> bool:
        return self._unwatch(self._writers, fd)

    def _watch(
        self,
        watches: dict[int, _Watch],
        fd: Any,
        kind: QSocketNotifier.Type,
        callback: Callable[..., object],
        args: tuple[Any, ...],
    ) -> None:
        self._check_closed()
        number = _fileno(fd)
        watch = watches.get(number)
        if watch is None:
            watch = watches[number] = _Watch(QSocketNotifier(number, kind), self._on_io)
        watch.start(asyncio.Handle(callback, args, self, None))

    def _unwatch(self, watches: dict[int, _Watch], fd: Any) -> bool:
        if self.is_closed():
            return False
        watch = watches.get(_fileno(fd))
        return watch is not None and watch.stop()

    # -- the one timer -----------------------------------------------------------------

    def _arm(self, when: float) -> None:
        """Make sure the wake fires by ``when`` (loop time)."""
        if self._in_io or self.is_closed():
            return  # a socket's callback: the turn right after it sets the wake
        if self._armed_for is not None and self._armed_for <= when:
            return  # already set to fire as early or earlier
        self._armed_for = when
        delay_ms = max(0, math.ceil((when - self.time()) * 1000))  # never early
        self._wake.start(delay_ms)

    def _on_wake(self) -> None:
        self._armed_for = None
        self._run_due()

    def _on_io(self, handle: asyncio.Handle) -> None:
        """A socket is ready: its callback, then at once what it made ready (the task
        waiting for those bytes), as asyncio's turn runs I/O then the ready queue: one
        wake of Qt's loop a chunk, not two."""
        if self._in_io:  # not expected (Qt does not nest notifiers), but harmless
            handle._run()
            return
        self._in_io = True
        try:
            handle._run()
        finally:
            self._in_io = False
        self._run_due()

    def _run_due(self) -> None:
        """One turn, as asyncio's ``_run_once`` after its select: the due timers become
        ready, then the ready callbacks run (within the batch time), then the wake is
        set for what is left."""
        self._drop_cancelled()
        end = self.time() + self._clock_resolution
        while self._scheduled and self._scheduled[0].when() < end:
            timer = heapq.heappop(self._scheduled)
            timer._scheduled = False  # type: ignore[attr-defined]
            self._ready.append(timer)
        stop_at = time.perf_counter() + BATCH_SECONDS
        for _ in range(len(self._ready)):
            handle = self._ready.popleft()
            if not handle._cancelled:
                handle._run()
            if time.perf_counter() >= stop_at:
                break
        if self._ready:
            self._arm(self.time())
        elif self._scheduled:
            self._arm(self._scheduled[0].when())

    def _drop_cancelled(self) -> None:
        """Cancelled timers leave the heap as in asyncio: all at once when they are most
        of it, else as they reach its head."""
        heap = self._scheduled
        if (
            len(heap) > _MIN_HEAP_TO_CLEAN
            and self._timer_cancelled_count / len(heap) > _CANCELLED_SHARE_TO_CLEAN
        ):
            kept = []
            for timer in heap:
                if timer.cancelled():
                    timer._scheduled = False  # type: ignore[attr-defined]
                else:
                    kept.append(timer)
            heapq.heapify(kept)
            self._scheduled = kept
            self._timer_cancelled_count = 0
            return
        while heap and heap[0].cancelled():
            self._timer_cancelled_count -= 1
            timer = heapq.heappop(heap)
            timer._scheduled = False  # type: ignore[attr-defined]


class _Watch:
    """One descriptor's notifier and what to call when it is ready.

    Kept (disabled) while asyncio has no callback for it, so pausing and resuming a
    stream costs an enable and a disable. A descriptor's number outlives its socket: a
    new socket that gets the number reuses the notifier, which watches the number."""

    __slots__ = ("handle", "notifier", "run")

    def __init__(self, notifier: QSocketNotifier, run: Callable[[asyncio.Handle], None]) -> None:
        self.notifier = notifier
        self.run = run
        self.handle: asyncio.Handle | None = None
        notifier.setEnabled(False)
        notifier.activated.connect(self._ready)

    def start(self, handle: asyncio.Handle) -> None:
        if self.handle is not None:
            self.handle.cancel()
        self.handle = handle
        self.notifier.setEnabled(True)

    def stop(self) -> bool:
        """Stop watching; was anything watched?"""
        handle, self.handle = self.handle, None
        self.notifier.setEnabled(False)
        if handle is None:
            return False
        handle.cancel()
        return True

    def _ready(self) -> None:
        # Run at once (the data is there now; asyncio's selector loop also runs ready
        # descriptors' callbacks before others). Handle._run reports a failure to the
        # loop's exception handler, as from any callback.
        handle = self.handle
        if handle is None or handle.cancelled():
            self.notifier.setEnabled(False)
            return
        self.run(handle)


def _fileno(fd: Any) -> int:
    """A descriptor's number, from a number or anything with ``fileno()``."""
    number = fd if isinstance(fd, int) else int(fd.fileno())
    if number < 0:
        raise ValueError(f"invalid file descriptor: {fd!r}")
    return number


def _check_callable(callback: object) -> None:
    """As qasync and asyncio: a coroutine function is a mistake, said at once."""
    if asyncio.iscoroutinefunction(callback):
        raise TypeError("coroutines cannot be used with call_soon/call_later")
    if not callable(callback):
        raise TypeError(f"a callback must be callable, not {type(callback).__name__}")
