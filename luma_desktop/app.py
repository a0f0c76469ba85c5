"""Start the studio: QApplication + qasync loop, then the window.

    luma-desktop [--demo] [--base-url URL] [--data-dir DIR] [--selftest]

With no API key configured it starts in demo mode against the built-in simulator.
``--selftest`` checks an installation end to end in a throwaway profile and exits.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

os.environ.setdefault("QT_API", "pyside6")  # qasync picks the first Qt binding it finds

from luma_desktop.pyside_hook import drop_feature_hook

# Before the imports below: PySide's import hook reads the source of each module
# imported after it (75-90 ms at start-up; see luma_desktop/pyside_hook.py).
drop_feature_hook()

from PySide6.QtCore import QByteArray, QCoreApplication, QEvent, QObject, Qt, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QMessageBox  # noqa: E402

from luma_desktop import __version__  # noqa: E402
from luma_desktop.bootstrap import Options, open_studio  # noqa: E402
from luma_desktop.core import paths  # noqa: E402
from luma_desktop.core.lock import DataDirLocked  # noqa: E402
from luma_desktop.core.secrets import KeyStore  # noqa: E402
from luma_desktop.core.store import StoreUnavailable  # noqa: E402
from luma_desktop.studio.event_loop import StudioLoop  # noqa: E402
from luma_desktop.ui.icons import app_icon  # noqa: E402
from luma_desktop.ui.main_window import MainWindow  # noqa: E402
from luma_desktop.ui.theme import apply_dark_theme  # noqa: E402

# bench/startup.py sets this: print when the window has painted and answered an input
# event, then quit.
STARTUP_PROBE_ENV = "LUMA_DESKTOP_STARTUP_PROBE"
# What waits for the first paint runs anyway this long after the window is shown (a
# window shown minimized or on another desktop may not be painted for a while).
FIRST_PAINT_WAIT_MS = 1500
_IMPORTED_AT = time.monotonic()


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="luma-desktop", description=__doc__.split("\n")[0])
    parser.add_argument("--demo", action="store_true", help="use the built-in simulator")
    parser.add_argument("--base-url", help="the gateway address (default from Settings)")
    parser.add_argument("--data-dir", type=Path, help="where the library and jobs live")
    parser.add_argument("--version", action="version", version=__version__)
    parser.add_argument(
        "--selftest",
        action="store_true",
        help="check this installation end to end in a throwaway profile, print one line, exit",
    )
    return parser.parse_args(argv)


def settle_heap() -> None:
    """Everything built at start-up lives as long as the app: keep it out of the cyclic
    collector, whose full passes over it stalled the event loop for 45-65 ms. The
    collector, off while the app started (``__main__``, ``main``), is turned back on."""
    gc.collect()
    gc.freeze()
    gc.enable()


async def run(app: QApplication, options: Options, keys: KeyStore | None = None) -> int:
    """One studio after another: entering or removing the key switches between demo and
    real at once (the other data folder, gateway and library), without a restart."""
    keys = keys or KeyStore(use_env=True, key_file=paths.key_file())
    geometry = None
    try:
        while True:
            switched, geometry = await _one_studio(app, options, keys, geometry)
            if not switched:
                return 0
    except DataDirLocked as exc:
        QMessageBox.information(None, "Luma Desktop is already open", str(exc))
        return 1
    except StoreUnavailable as exc:  # a read-only or full data folder: plain words
        QMessageBox.warning(None, "Luma Desktop cannot start", str(exc))
        return 1


async def _one_studio(
    app: QApplication, options: Options, keys: KeyStore, geometry: QByteArray | None
) -> tuple[bool, QByteArray | None]:
    """Run one studio until its window closes (False) or asks for the other mode (True)."""
    async with open_studio(options, keys) as studio:
        window = MainWindow(studio)
        if geometry is not None:
            window.restoreGeometry(geometry)  # the same place on screen, in the other mode
        done = asyncio.Event()
        switched = False

        def switch() -> None:
            nonlocal switched
            switched = True
            done.set()

        def closed() -> None:
            done.set()

        def after_first_paint() -> None:
            # The window first, then what it shows: demo mode's simulator starts (on a
            # worker thread), the job list fills, unfinished jobs resume.
            studio.start_later()
            studio.queue.load()
            settle_heap()

        window.mode_switch_requested.connect(switch, Qt.ConnectionType.QueuedConnection)
        app.lastWindowClosed.connect(closed)
        try:
            _AfterFirstPaint(window, after_first_paint)
            window.show()
            if os.environ.get(STARTUP_PROBE_ENV):
                _StartupProbe(window, done)
            await done.wait()
            geometry = window.saveGeometry()
            if switched:
                window.close()
        finally:
            app.lastWindowClosed.disconnect(closed)
            window.deleteLater()
    return switched, geometry


def _process_age() -> float:
    """Seconds since this process started (from /proc on Linux, else since app.py loaded)."""
    try:
        with open("/proc/self/stat", encoding="ascii") as stat, open("/proc/uptime") as up:
            started_ticks = int(stat.read().rpartition(")")[2].split()[19])
            uptime = float(up.read().split()[0])
        return uptime - started_ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return time.monotonic() - _IMPORTED_AT


class _AfterFirstPaint(QObject):
    """Runs ``then`` once, as soon as the window's first paint is done (or after
    FIRST_PAINT_WAIT_MS if it is not painted by then)."""

    def __init__(self, window: MainWindow, then: Callable[[], None]) -> None:
        super().__init__(window)
        self._window, self._then, self._done = window, then, False
        window.installEventFilter(self)
        QTimer.singleShot(FIRST_PAINT_WAIT_MS, self, self._run)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._window and event.type() == QEvent.Type.Paint:
            self._window.removeEventFilter(self)
            QTimer.singleShot(0, self, self._run)  # once this paint is on screen
        return False

    def _run(self) -> None:
        if not self._done:
            self._done = True
            self._then()


class _StartupProbe(QObject):
    """Reports once the shown window has painted and then handled an input event posted
    after that paint (the moment an artist's first key press would be answered); quits."""

    def __init__(self, window: MainWindow, closed: asyncio.Event) -> None:
        super().__init__(window)
        self._window, self._closed = window, closed
        self._painted = False
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is not self._window:
            return False
        if event.type() == QEvent.Type.Paint and not self._painted:
            self._painted = True  # posted now, it is handled after this paint finishes
            QCoreApplication.postEvent(self._window, QEvent(QEvent.Type.KeyboardLayoutChange))
        elif event.type() == QEvent.Type.KeyboardLayoutChange and self._painted:
            print(f"startup-probe: shown {_process_age():.3f}", flush=True)
            self._window.removeEventFilter(self)
            self._window.close()
            self._closed.set()
        return False


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.selftest:
        from luma_desktop.selftest import run_selftest  # not paid for by every start-up

        gc.enable()  # it never paints a window of its own: no settle_heap to turn it on
        return run_selftest()  # before any QApplication: it picks its own platform
    gc.disable()  # until the window's first paint (settle_heap); see __main__
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("Luma Desktop")
    app.setApplicationVersion(__version__)
    app.setQuitOnLastWindowClosed(False)  # the loop ends when run() returns, after cleanup
    app.setWindowIcon(app_icon())
    apply_dark_theme(app)
    options = Options(
        demo=args.demo, base_url=args.base_url, data_dir=args.data_dir, start_later=True
    )
    with asyncio.Runner(loop_factory=StudioLoop) as runner:
        return runner.run(run(app, options))


if __name__ == "__main__":
    sys.exit(main())
