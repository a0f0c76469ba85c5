"""Opening a library of 10,000 clips: time to the first painted grid, and a scroll.

Builds a store of N ready clips (each with a real thumbnail file on disk) in a
temporary folder, then, in a fresh offscreen QApplication, measures: the store query
and model reload, the LibraryPanel construction, and the first paint of the grid
(including the batched layout's first batch), then scrolls to the end and paints.

    .venv/bin/python bench/library_open.py [--rows 10000] [--runs 5]

Prints one line: ``library_open: key=value ...`` (medians over the runs).
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
import uuid
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_API", "pyside6")

import httpx
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication

from luma_desktop.core.engine import JobEngine
from luma_desktop.core.jobs import JobStatus
from luma_desktop.core.store import JobStore
from luma_desktop.studio.library_model import LibraryModel
from luma_desktop.ui.library_view import LibraryPanel


def build_store(folder: Path, rows: int) -> Path:
    thumbs = folder / "thumbnails"
    thumbs.mkdir()
    image = QImage(160, 90, QImage.Format.Format_RGB32)
    store = JobStore(folder / "jobs.sqlite3")
    store._db.execute("BEGIN")
    for n in range(rows):
        image.fill(QColor((n * 37) % 255, (n * 91) % 255, (n * 53) % 255))
        thumb = thumbs / f"{n}.jpg"
        image.save(str(thumb), quality=80)  # JPEG, from the suffix
        job = store.add(
            base_url="https://api.aimlapi.com",
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


def one_run(app: QApplication, path: Path) -> tuple[float, float, float]:
    started = time.perf_counter()
    store = JobStore(path)
    engine = JobEngine(store, httpx.AsyncClient(), lambda: None, path.parent, base_url="")
    model = LibraryModel(engine)
    panel = LibraryPanel(model)  # reloads the model once
    panel.resize(1200, 800)
    panel.show()
    built = time.perf_counter()
    panel.view.viewport().repaint()
    app.processEvents()
    first_paint = time.perf_counter()
    panel.view.scrollToBottom()
    app.processEvents()
    panel.view.viewport().repaint()
    scrolled = time.perf_counter()
    panel.close()
    panel.deleteLater()
    app.processEvents()
    store.close()
    return built - started, first_paint - started, scrolled - first_paint


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    app = QApplication([])
    with tempfile.TemporaryDirectory() as folder:
        path = build_store(Path(folder), args.rows)
        results = [one_run(app, path) for _ in range(args.runs)]
    built, painted, scroll = (statistics.median(r[i] for r in results) for i in range(3))
    print(
        f"library_open: rows={args.rows} runs={args.runs} "
        f"build_ms={1000 * built:.0f} first_paint_ms={1000 * painted:.0f} "
        f"scroll_to_end_ms={1000 * scroll:.0f}"
    )


if __name__ == "__main__":
    main()
