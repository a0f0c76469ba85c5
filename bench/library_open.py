"""Opening a big library: until the first screen is painted with its thumbnails, and
until the true end of the list is.

A store of N ready clips, each with its own real thumbnail file (160×90 JPEG, as the
app writes them), is built in a temporary folder. Then, in a fresh process (so its
peak RSS is the library's, not the builder's), with an offscreen QApplication, each
run does what opening the library does: open the store, the engine and the
``LibraryModel``, build and show the ``LibraryPanel`` (1200×800), and lets the event
loop run until every visible tile has been painted **with its picture** (the
delegate is watched: each painted tile, and whether its latest paint had an image; a
paint may cover only the tiles whose picture just came). That is
``first_ms``. Then it presses Ctrl+End in the grid, as an artist would, and runs the
loop until the tiles of the list's last row are painted with their pictures:
``end_ms``. A run that does not get there in ``--timeout`` seconds counts as a miss
(reported as ``timeout``), never as a shorter time.

    .venv/bin/python bench/library_open.py [--rows 10000,100000] [--runs 5]

Prints one line: ``library_open: key=value ...`` with each run's figures, their
median, and each size's peak RSS (``ru_maxrss`` of its process).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from io import BytesIO
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PIL import Image
from PySide6.QtCore import (
    QEvent,
    QEventLoop,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    Qt,
    QTimer,
)
from PySide6.QtGui import QImage, QKeyEvent, QPainter
from PySide6.QtWidgets import QApplication, QStyleOptionViewItem

from luma_desktop.api.http import make_http_client
from luma_desktop.core.engine import JobEngine
from luma_desktop.core.jobs import JobStatus
from luma_desktop.core.store import JobStore
from luma_desktop.studio.library_model import LibraryModel
from luma_desktop.ui.library_delegate import GRID, LibraryDelegate
from luma_desktop.ui.library_view import LibraryPanel
from luma_desktop.ui.theme import apply_dark_theme

_Index = QModelIndex | QPersistentModelIndex
ROOT = Path(__file__).resolve().parents[1]
SIZE = (1200, 800)
THUMB = (160, 90)  # what ThumbnailMaker writes for a 16:9 clip


# -- the store (built in the parent) ---------------------------------------------------


def build_store(folder: Path, rows: int) -> Path:
    thumbs = folder / "thumbnails"
    thumbs.mkdir()
    jpegs = []
    for n in range(64):  # 64 distinct pictures, each written to its own file per clip
        out = BytesIO()
        colour = ((n * 37) % 255, (n * 91) % 255, (n * 53) % 255)
        Image.new("RGB", THUMB, colour).save(out, "JPEG", quality=85)
        jpegs.append(out.getvalue())
    store = JobStore(folder / "jobs.sqlite3")
    store._db.execute("BEGIN")
    for n in range(rows):
        thumb = thumbs / f"{n}.jpg"
        thumb.write_bytes(jpegs[n % len(jpegs)])
        job = store.add(
            base_url="http://127.0.0.1:9",
            prompt=f"clip {n}: a slow dolly shot through a misty forest at dawn",
            body={"prompt": "…", "aspect_ratio": "16:9", "model": "ray-2", "loop": n % 3 == 0},
            parents=[],
            tokens=500_000,
            status=JobStatus.READY,
            generation_id=str(uuid.uuid4()),
        )
        store.update(job.local_id, video_path=str(folder / f"{n}.mp4"), thumb_path=str(thumb))
    store._db.execute("COMMIT")
    store.close()
    return folder / "jobs.sqlite3"


# -- the measuring child ------------------------------------------------------------------------


class Watch(QObject):
    """Each finished paint of the grid: which rows it drew, and which had a picture."""

    def __init__(self, delegate: LibraryDelegate) -> None:
        super().__init__()
        self.frame: dict[int, bool] = {}
        self.done: dict[int, bool] = {}  # the last finished paint
        self._had = False
        paint_item, paint_thumbnail = delegate.paint_item, delegate._paint_thumbnail

        def thumbnail(painter: QPainter, box: QRect, image: QImage | None) -> None:
            self._had = image is not None and not image.isNull()
            paint_thumbnail(painter, box, image)

        def item(
            painter: QPainter, option: QStyleOptionViewItem, index: _Index, selected: bool
        ) -> None:
            self._had = False
            paint_item(painter, option, index, selected)
            self.frame[index.row()] = self._had

        delegate._paint_thumbnail = thumbnail  # type: ignore[method-assign]
        delegate.paint_item = item  # type: ignore[method-assign]

    def eventFilter(self, _obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.frame = {}
        return False

    def finish(self) -> None:
        # A paint may cover only some tiles (those whose picture just came): each tile
        # keeps what its own latest paint showed. Replacing the whole record with the
        # latest paint's rows made a last row whose pictures came in two batches never
        # "painted" (a timeout in 2 of 5 runs).
        self.done.update(self.frame)
        self.frame = {}

    def start(self) -> None:
        """Measure from here: earlier paints do not count."""
        self.done, self.frame = {}, {}

    def painted(self, rows: set[int]) -> bool:
        """Each of these rows' tiles was last painted with its picture."""
        return rows <= self.done.keys() and all(self.done[r] for r in rows)


def run_until(app: QApplication, watch: Watch, rows: set[int], limit: float) -> float | None:
    """The moment a finished paint drew ``rows`` with pictures, or None past ``limit`` s."""
    started = time.perf_counter()
    watch.start()
    heartbeat = QTimer()  # wakes the loop even if nothing else would
    heartbeat.start(20)
    try:
        while time.perf_counter() - started < limit:
            app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
            watch.finish()
            if watch.painted(rows):
                return time.perf_counter()
        return None
    finally:
        heartbeat.stop()


def one_run(app: QApplication, path: Path, timeout: float) -> dict[str, float | None]:
    started = time.perf_counter()
    store = JobStore(path)
    http = make_http_client()
    engine = JobEngine(store, http, lambda: None, path.parent, base_url="http://127.0.0.1:9")
    model = LibraryModel(engine)
    panel = LibraryPanel(model)
    view = panel.view
    delegate = view.itemDelegate()
    assert isinstance(delegate, LibraryDelegate)
    watch = Watch(delegate)
    view.viewport().installEventFilter(watch)
    panel.resize(*SIZE)
    panel.show()
    rows = model.rowCount()
    columns = max(1, view.viewport().width() // GRID.width())
    visible = columns * math.ceil(view.viewport().height() / GRID.height())
    first = run_until(app, watch, set(range(min(rows, visible))), timeout)
    # Ctrl+End, as an artist would; then the tiles of the list's last row.
    scroll_start = time.perf_counter()
    view.setFocus()
    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        app.sendEvent(view, QKeyEvent(kind, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier))
    last_row = set(range((rows - 1) // columns * columns, rows))
    end = run_until(app, watch, last_row, timeout)
    result = {
        "first_ms": None if first is None else 1000 * (first - started),
        "end_ms": None if end is None else 1000 * (end - scroll_start),
        "scroll_px": float(view.verticalScrollBar().value()),
        "scroll_max_px": float(view.verticalScrollBar().maximum()),
    }
    panel.close()
    panel.deleteLater()
    app.processEvents()
    store.close()
    return result


def child(path: Path, runs: int, timeout: float) -> None:
    app = QApplication([])
    apply_dark_theme(app)
    results = [one_run(app, path, timeout) for _ in range(runs)]
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"runs": results, "rss_mb": rss}), flush=True)


# -- the parent -----------------------------------------------------------------------------------


def fmt(values: list[float | None]) -> str:
    return ",".join("timeout" if v is None else f"{v:.0f}" for v in values)


def med(values: list[float | None]) -> str:
    if any(v is None for v in values):
        return "timeout"
    return f"{statistics.median(v for v in values if v is not None):.0f}"


def measure(rows: int, runs: int, timeout: float) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="luma-bench-library-") as folder:
        path = build_store(Path(folder), rows)
        out = subprocess.run(
            [sys.executable, __file__, "--child", str(path), "--runs", str(runs),
             "--timeout", str(timeout)],
            cwd=ROOT, check=True, capture_output=True, text=True,
        )  # fmt: skip
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", default="10000,100000", help="comma-separated library sizes")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds before a miss")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.runs, args.timeout)
        return
    fields = []
    for rows in (int(r) for r in args.rows.split(",")):
        got = measure(rows, args.runs, args.timeout)
        runs: list[dict[str, float | None]] = got["runs"]  # type: ignore[assignment]
        first = [r["first_ms"] for r in runs]
        end = [r["end_ms"] for r in runs]
        tag = f"n{rows // 1000}k"
        fields += [
            f"{tag}_first_ms={med(first)}",
            f"{tag}_end_ms={med(end)}",
            f"{tag}_first_each=[{fmt(first)}]",
            f"{tag}_end_each=[{fmt(end)}]",
            f"{tag}_rss_mb={got['rss_mb']:.0f}",
            f"{tag}_scrolled_px={runs[-1]['scroll_px']:.0f}/{runs[-1]['scroll_max_px']:.0f}",
        ]
    print(f"library_open: runs={args.runs} {' '.join(fields)}")


if __name__ == "__main__":
    main()
