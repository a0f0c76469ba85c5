"""Exports from the window: the core export on its own thread, reported as signals.

The export calls back on its worker thread; the signals below are emitted there and
Qt queues them to the GUI thread, so widgets only ever see them in their own thread.
"""

from __future__ import annotations

import concurrent.futures
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from luma_desktop.core import export as core_export
from luma_desktop.core.export import ExportCancelled, ExportError, ExportRequest, ExportResult
from luma_desktop.core.jobs import JobRecord
from luma_desktop.core.timeline import (
    TimelineError,
    TimelineFormat,
    describe,
    safe_name,
    write,
)


def clip_paths(jobs: list[JobRecord]) -> list[Path]:
    return [Path(j.video_path) for j in jobs if j.video_path and Path(j.video_path).is_file()]


def default_stem(jobs: list[JobRecord]) -> str:
    name = safe_name(jobs[0].prompt) if jobs else "clip"
    return f"{name} (chain of {len(jobs)})" if len(jobs) > 1 else name


class Exporter(QObject):
    """One export at a time; ``start`` again after ``finished``/``failed``/``cancelled``."""

    progress = Signal(int, int)  # frames done, frames in all
    finished = Signal(object)  # ExportResult
    failed = Signal(str)  # a message for the artist
    cancelled = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._task: core_export.ExportTask | None = None

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.future.done()

    def start(self, request: ExportRequest) -> None:
        if self.running:
            raise RuntimeError("an export is already running")
        self._task = core_export.start(request, self.progress.emit)
        self._task.future.add_done_callback(self._done)

    def cancel(self) -> None:
        if self._task is not None:
            self._task.cancel()

    def wait(self, timeout: float | None = None) -> None:
        """For closing the window: let the worker finish cleaning up."""
        if self._task is not None:
            self._task.join(timeout)

    def _done(self, future: concurrent.futures.Future[ExportResult]) -> None:
        error = future.exception()
        if error is None:
            self.finished.emit(future.result())
        elif isinstance(error, ExportCancelled):
            self.cancelled.emit()
        elif isinstance(error, ExportError):
            self.failed.emit(str(error))
        else:
            self.failed.emit(f"The export failed: {error}")


def write_timeline(jobs: list[JobRecord], target: Path, fmt: TimelineFormat) -> Path:
    """A chain as an editorial timeline (quick: only the clips' lengths are read)."""
    paths = clip_paths(jobs)
    if len(paths) != len(jobs):
        raise TimelineError("A clip of this chain is not on disk; download it first.")
    shots = [
        describe(path, f"{index}. {safe_name(job.prompt)}")
        for index, (job, path) in enumerate(zip(jobs, paths, strict=True), start=1)
    ]
    title = default_stem(jobs)
    return write(target, title, shots, fmt)
