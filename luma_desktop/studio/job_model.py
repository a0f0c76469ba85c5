"""The job list as a Qt item model: one row per job, newest first, no widget per row."""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from enum import IntEnum
from pathlib import Path

from PySide6.QtCore import (
    QAbstractListModel,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QUrl,
)

from luma_desktop.core.events import EventKind, JobEvent
from luma_desktop.core.jobs import JobRecord, JobStatus
from luma_desktop.core.titles import distinct_titles

GENERATION_MIME = "application/x-luma-generation"
Index = QModelIndex | QPersistentModelIndex
_Index = Index


class JobRole(IntEnum):
    RECORD = Qt.ItemDataRole.UserRole + 1  # the JobRecord
    STATE_TEXT = Qt.ItemDataRole.UserRole + 2  # "dreaming", "downloading 45%", "failed: …"
    PROGRESS = Qt.ItemDataRole.UserRole + 3  # 0..1 while downloading, else -1
    ELAPSED = Qt.ItemDataRole.UserRole + 4  # "1:23"
    THUMBNAIL = Qt.ItemDataRole.UserRole + 5  # path of the thumbnail, or ""
    DETAILS = Qt.ItemDataRole.UserRole + 6  # "2026-11-25 13:01 · ray-2 · 16:9 · 5s · loop"


@dataclass(frozen=True)
class _Row:
    job: JobRecord
    done: int = 0
    total: int | None = None
    note: str = ""  # "retrying in 4 s"…


def state_text(job: JobRecord, done: int = 0, total: int | None = None, note: str = "") -> str:
    status = job.status
    if status is JobStatus.DOWNLOADING and total:
        text = f"downloading {int(100 * done / total)}%"
    elif status is JobStatus.FAILED:
        text = f"failed: {job.failure_reason or 'no reason given'}"
    elif status is JobStatus.REFUSED:
        text = f"refused: {job.error_message or ''}"
    elif status is JobStatus.NOT_FOUND:
        text = "not found on the gateway"
    elif status is JobStatus.SUBMITTING:
        text = "sending…"
    else:
        text = status.value
    if job.error_message and status.active:
        text += f" — {job.error_message}"
    elif note and status.active:
        text += f" — {note}"
    return text


def elapsed_text(job: JobRecord, now: float | None = None) -> str:
    end = job.updated_at if job.status.terminal else (now or time.time())
    seconds = max(0, int(end - job.created_at))
    return f"{seconds // 60}:{seconds % 60:02d}"


class JobListModel(QAbstractListModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._order: list[str] = []  # local ids, newest first
        self._rows: dict[str, _Row] = {}
        self._titles: dict[str, str] = {}  # what tells each row apart from its siblings

    def rowCount(self, parent: _Index | None = None) -> int:
        return 0 if parent is not None and parent.isValid() else len(self._order)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or index.row() >= len(self._order):
            return None
        row = self._rows[self._order[index.row()]]
        job = row.job
        if role == Qt.ItemDataRole.DisplayRole:
            title = self._titles.get(job.local_id, job.prompt)
            return title if len(title) <= 80 else title[:79] + "…"
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{job.prompt}\n\n{state_text(job, row.done, row.total, row.note)}"
        return self._role_data(row, role)

    def _role_data(self, row: _Row, role: int) -> object:
        if role == JobRole.RECORD:
            return row.job
        if role == JobRole.STATE_TEXT:
            return state_text(row.job, row.done, row.total, row.note)
        if role == JobRole.PROGRESS:
            downloading = row.job.status is JobStatus.DOWNLOADING and row.total
            return row.done / row.total if downloading and row.total else -1.0
        if role == JobRole.ELAPSED:
            return elapsed_text(row.job)
        if role == JobRole.THUMBNAIL:
            return row.job.thumb_path or ""
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        job = self.job_at(index.row()) if index.isValid() else None
        if job and job.generation_id and job.status is JobStatus.READY:
            flags |= Qt.ItemFlag.ItemIsDragEnabled
        return flags

    def mimeTypes(self) -> list[str]:
        return [GENERATION_MIME, "text/uri-list"]

    def mimeData(self, indexes: list[QModelIndex]) -> QMimeData:  # type: ignore[override]
        return clip_mime_data([j for j in (self.job_at(i.row()) for i in indexes) if j])

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction

    # -- updates from the engine's events -----------------------------------------------

    def apply(self, event: JobEvent) -> None:
        """The model's one feed: the engine's event stream (wired by the studio)."""
        job = event.job
        if event.kind is EventKind.PROGRESS:
            self.progress(job, event.done, event.total)
        elif event.kind in (EventKind.REMOVED, EventKind.CLEARED):
            self.remove(job.local_id)
        elif event.kind is not EventKind.NOTICE:
            self.upsert(job)
            # "retrying" only while a retry is pending: any other news of the job ends it
            wait = f"retrying in {event.retry_in or 0:.0f} s"
            self.note(job.local_id, wait if event.kind is EventKind.RETRYING else "")

    def upsert(self, job: JobRecord) -> None:
        old = self._rows.get(job.local_id)
        if job.cleared_at is not None:  # cleared off this list: it lives in the library
            self.remove(job.local_id)
            return
        keep_progress = old is not None and job.status is JobStatus.DOWNLOADING
        self._rows[job.local_id] = _Row(
            job,
            old.done if old and keep_progress else 0,
            old.total if old and keep_progress else None,
            old.note if old and job.status.active else "",
        )
        if old is None:
            position = self._insert_position(job)
            self.beginInsertRows(QModelIndex(), position, position)
            self._order.insert(position, job.local_id)
            self.endInsertRows()
            self._retitle()
        else:
            self._changed(job.local_id)

    def progress(self, job: JobRecord, done: int, total: int | None) -> None:
        row = self._rows.get(job.local_id)
        if row is not None:
            self._rows[job.local_id] = replace(row, job=job, done=done, total=total, note="")
            self._changed(job.local_id)

    def note(self, local_id: str, text: str) -> None:
        row = self._rows.get(local_id)
        if row is not None and row.note != text:
            self._rows[local_id] = replace(row, note=text)
            self._changed(local_id)

    def remove(self, local_id: str) -> None:
        if local_id in self._rows:
            row = self._order.index(local_id)
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._order[row]
            del self._rows[local_id]
            self.endRemoveRows()
            self._retitle()

    def _retitle(self) -> None:
        """A row came or went: siblings' titles may change (oldest first: takes count up)."""
        oldest_first = self._order[::-1]
        prompts = [self._rows[i].job.prompt for i in oldest_first]
        self._titles = dict(zip(oldest_first, distinct_titles(prompts), strict=True))
        if self._order:
            last = self.index(len(self._order) - 1)
            self.dataChanged.emit(self.index(0), last, [Qt.ItemDataRole.DisplayRole])

    def job_at(self, row: int) -> JobRecord | None:
        if 0 <= row < len(self._order):
            return self._rows[self._order[row]].job
        return None

    def row_of(self, local_id: str) -> int:
        return self._order.index(local_id)

    def job(self, local_id: str) -> JobRecord | None:
        row = self._rows.get(local_id)
        return row.job if row else None

    def jobs(self) -> list[JobRecord]:
        return [self._rows[i].job for i in self._order]

    def refresh_elapsed(self) -> None:
        """Once a second while jobs run: only the rows whose clock is ticking repaint."""
        for i, local_id in enumerate(self._order):
            if self._rows[local_id].job.status.active:
                index = self.index(i)
                self.dataChanged.emit(index, index, [JobRole.ELAPSED])

    def _insert_position(self, job: JobRecord) -> int:
        for i, local_id in enumerate(self._order):
            if self._rows[local_id].job.created_at <= job.created_at:
                return i
        return len(self._order)

    def _changed(self, local_id: str) -> None:
        index = self.index(self._order.index(local_id))
        self.dataChanged.emit(index, index)


def clip_mime_data(jobs: list[JobRecord]) -> QMimeData:
    """Dragged clips: their generation ids (for keyframe slots and extension) and their
    files as URLs (for file managers and editors)."""
    mime = QMimeData()
    with_ids = [j for j in jobs if j.generation_id]
    if with_ids:
        mime.setData(GENERATION_MIME, "\n".join(j.generation_id or "" for j in with_ids).encode())
    files = [QUrl.fromLocalFile(j.video_path) for j in with_ids if j.video_path]
    if files:
        mime.setUrls(files)
    return mime


def video_exists(job: JobRecord) -> bool:
    return bool(job.video_path) and Path(job.video_path or "").is_file()
