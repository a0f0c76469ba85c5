"""Start the studio: QApplication + qasync loop, then the window.

    luma-desktop [--demo] [--base-url URL] [--data-dir DIR]

With no API key configured it starts in demo mode against the built-in simulator.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Sequence
from pathlib import Path

os.environ.setdefault("QT_API", "pyside6")  # qasync picks the first Qt binding it finds

import qasync
from PySide6.QtWidgets import QApplication, QMessageBox

from luma_desktop import __version__
from luma_desktop.bootstrap import Options, open_studio
from luma_desktop.core.lock import DataDirLocked
from luma_desktop.ui.main_window import MainWindow
from luma_desktop.ui.theme import apply_dark_theme


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="luma-desktop", description=__doc__.split("\n")[0])
    parser.add_argument("--demo", action="store_true", help="use the built-in simulator")
    parser.add_argument("--base-url", help="the gateway address (default from Settings)")
    parser.add_argument("--data-dir", type=Path, help="where the library and jobs live")
    parser.add_argument("--version", action="version", version=__version__)
    return parser.parse_args(argv)


async def run(app: QApplication, options: Options) -> int:
    try:
        async with open_studio(options) as studio:
            window = MainWindow(studio)
            closed = asyncio.Event()
            app.lastWindowClosed.connect(closed.set)
            window.show()
            studio.queue.load()
            await closed.wait()
    except DataDirLocked as exc:
        QMessageBox.information(None, "Luma Desktop is already open", str(exc))
        return 1
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("Luma Desktop")
    app.setApplicationVersion(__version__)
    app.setQuitOnLastWindowClosed(False)  # the loop ends when run() returns, after cleanup
    apply_dark_theme(app)
    options = Options(demo=args.demo, base_url=args.base_url, data_dir=args.data_dir)
    with asyncio.Runner(loop_factory=qasync.QEventLoop) as runner:
        return runner.run(run(app, options))


if __name__ == "__main__":
    sys.exit(main())
