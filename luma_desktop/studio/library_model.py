"""The library: every generation in the store, searchable, with lazy thumbnails, and
what the library panel asks of it (lineage, chains, deleting).

Backed by one query of ids and prompts per search/filter; a row's record is loaded
with its page of rows when first shown, and thumbnails only for rows that are painted. It reads the
store and changes nothing itself: deleting goes through the engine, and the engine's
events (wired by the bootstrap) keep the rows current.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from PySide6.QtCore import (
    QMimeData,
    QModelIndex,
    QObject,
    QStringListModel,
    Qt,
    QTimerEvent,
)

from luma_desktop.core import budget, lineage
from luma_desktop.core.catalogue import DEFAULT_RESOLUTION, model_named
from luma_desktop.core.engine import JobEngine
from luma_desktop.core.events import EventKind, JobEvent
from luma_desktop.core.jobs import JobRecord, JobStatus
from luma_desktop.core.lineage import Relatives
from luma_desktop.core.titles import TitleIndex
from luma_desktop.studio.job_model import Index, JobRole, clip_mime_data, state_text
from luma_desktop.studio.thumbnail_cache import ThumbnailCache
from luma_desktop.studio.thumbnails import clip_note, facts_of


def describe(job: JobRecord) -> str:
    """The one-line facts under a library tile: when, model, resolution, aspect, length, cost.

    Fields the request left to the model are shown as what the model makes of them
    (Ray 2 renders 1080p, 5 s), so a tile never says less than the clip is.
    """
    body = job.body
    spec = model_named(str(body.get("model") or "")) or model_named(None)
    assert spec is not None
    resolution = body.get("resolution") or spec.default_resolution or DEFAULT_RESOLUTION
    seconds = str(body.get("duration") or spec.default_duration).removesuffix("s")
    facts = [
        datetime.fromtimestamp(job.created_at).strftime("%Y-%m-%d %H:%M"),
        spec.label,
        str(resolution),
        str(body.get("aspect_ratio") or spec.default_aspect_ratio),
        f"{seconds} s",
    ]
    if body.get("loop"):
        facts.append("loop")
    if job.parents:
        facts.append("extension")
    cost = budget.job_cost(job)
    if cost.total:  # what the gateway charged, "~" while it is the estimate
        facts.append(budget.credits_text(cost))
    return " · ".join(facts)


_EXCERPT = 24
PAGE = 200  # records loaded at once, when the first of their rows is asked for
PICTURES_BATCH_MS = 50  # while thumbnails load, those that came are shown this often
PREFETCH_MOST = 120  # rows read ahead at once: a screen of tiles, a page of records


def short_id(job: JobRecord) -> str:
    return (job.generation_id or job.local_id)[:8]


def excerpt(job: JobRecord) -> str:
    """The start of the clip's prompt, on one line."""
    prompt = " ".join(job.prompt.split())
    return prompt if len(prompt) <= _EXCERPT else prompt[: _EXCERPT - 1] + "…"


_ROW_FLAGS = (
    Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemNeverHasChildren
)


class LibraryModel(QStringListModel):
    """The rows' count lives in C++ (a QStringListModel of empty strings, one per row):
    laying out 100,000 tiles, Qt asks the model for an index four times a row, and
    each ask called a Python ``rowCount`` (~0.3 s at 100,000 clips; 12 ms in C++).
    The rows' ids and everything else stay here; only the count is mirrored, by
    ``insertRows``/``removeRows``/``setStringList``, which signal the views."""

    def __init__(
        self,
        engine: JobEngine,
        thumbnails: ThumbnailCache | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._engine = engine
        self._store = engine.store
        self.thumbnails = thumbnails if thumbnails is not None else ThumbnailCache()
        self.thumbnails.setParent(self)
        self.thumbnails.loaded.connect(self._thumbnail_loaded)
        # A row is a local id (its prompt goes to the titles); its record is loaded when
        # the row is first asked for, a page at a time: 100,000 records took seconds.
        self._ids: list[str] = []
        self._records: dict[str, JobRecord] = {}
        self._row_index: dict[str, int] | None = None  # local id -> row; None: rebuild
        # The rows of the pages loaded since the ids last changed: a picture's row is
        # found without indexing 100,000 ids (as the first screen's pictures arrive).
        self._page_rows: dict[str, int] = {}
        self._by_thumb: dict[str, str] = {}  # thumbnail path -> local id (loaded records)
        self._details: dict[str, str] = {}  # local id -> describe(record), while it holds
        self._titles = TitleIndex()  # what tells each tile apart from its siblings
        self._pictures_due: set[str] = set()  # local ids whose thumbnail just arrived
        self._pictures_timer = 0  # its id while pictures wait to be shown
        self._text = ""
        self._statuses: tuple[JobStatus, ...] = ()
        self._only: set[str] | None = None  # a marks filter (rated, kept); None: all
        # Takes of one request show as one stack: the window sets how (ids in, ids shown
        # and each face's count out); None shows every take.
        self.stacker: Callable[[list[str]], tuple[list[str], dict[str, int]]] | None = None
        self._stacks: dict[str, int] = {}

    # -- queries ------------------------------------------------------------------------

    def set_only(self, local_ids: set[str] | None) -> None:
        """Show only these clips (the ratings and kept filter); None shows all."""
        self._only = local_ids
        self.reload()

    def reload(self, text: str | None = None, statuses: Sequence[JobStatus] | None = None) -> None:
        """Search by prompt text and filter by status (both optional, both kept)."""
        if text is not None:
            self._text = text.strip()
        if statuses is not None:
            self._statuses = tuple(statuses)
        found = self._store.search_prompts(self._text, self._statuses)
        if self._only is not None:
            found = [(i, prompt) for i, prompt in found if i in self._only]
        self._stacks = {}
        if self.stacker is not None:
            shown, self._stacks = self.stacker([i for i, _prompt in found])
            keep = set(shown)
            found = [(i, prompt) for i, prompt in found if i in keep]
        self._ids = [local_id for local_id, _prompt in found]
        self._records.clear()
        self._by_thumb.clear()
        self._details.clear()
        self._forget_rows()
        # The store answers newest first; takes count up, so the oldest go first.
        self._titles = TitleIndex(reversed(found))
        self.setStringList([""] * len(self._ids))  # the reset the views see

    def matches(self, job: JobRecord) -> bool:
        in_text = self._text.lower() in job.prompt.lower()
        return in_text and (not self._statuses or job.status in self._statuses)

    # -- Qt model -----------------------------------------------------------------------

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        job = self.job_at(index.row()) if index.isValid() else None
        if job is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            title = self._titles.title(job.local_id) or job.prompt
            stacked = self._stacks.get(job.local_id)
            return f"[{stacked} takes] {title}" if stacked else title
        if role == Qt.ItemDataRole.ToolTipRole:
            image = self.thumbnails.get(job.thumb_path) if job.thumb_path else None
            note = clip_note(facts_of(image))  # what the stream is, once its thumbnail is
            return f"{job.prompt}\n\n{describe(job)}\n{state_text(job)}" + (
                f"\n{note}" if note else ""
            )
        if role == Qt.ItemDataRole.DecorationRole:
            return self.thumbnails.get(job.thumb_path) if job.thumb_path else None
        if role == JobRole.RECORD:
            return job
        if role == JobRole.STATE_TEXT:
            return state_text(job)
        if role == JobRole.DETAILS:  # worked out once per record: tiles repaint often
            details = self._details.get(job.local_id)
            if details is None:
                details = self._details[job.local_id] = describe(job)
            return details
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        # Not QStringListModel's: its rows are editable and take drops.
        job = self.job_at(index.row()) if index.isValid() else None
        if job is None:
            return Qt.ItemFlag.NoItemFlags
        if job.status is JobStatus.READY:
            return _ROW_FLAGS | Qt.ItemFlag.ItemIsDragEnabled
        return _ROW_FLAGS

    def mimeTypes(self) -> list[str]:
        return clip_mime_data([]).formats()

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        return clip_mime_data([j for j in (self.job_at(i.row()) for i in indexes) if j])

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction

    # -- lineage and lookups ------------------------------------------------------------

    def find(self, local_id: str) -> JobRecord | None:
        try:
            return self._store.get(local_id)
        except KeyError:
            return None

    def find_generation(self, generation_id: str) -> JobRecord | None:
        return self._store.find_generation(generation_id)

    def relatives(self, job: JobRecord) -> Relatives:
        return lineage.relatives(self._store, job)

    def chain(self, job: JobRecord) -> list[JobRecord]:
        """The ready clips of the sequence through ``job``, in play order."""
        return [j for j in lineage.sequence(self._store, job) if j.status is JobStatus.READY]

    # -- changes (through the engine) -------------------------------------------------

    def delete(self, jobs: Sequence[JobRecord]) -> list[str]:
        """Delete finished clips, files first; what could not be deleted, in words.
        The rows leave through the engine's events."""
        problems = []
        for job in jobs:
            if not job.status.terminal:
                continue
            problem = self._engine.delete(job.local_id)
            if problem:
                problems.append(f"“{excerpt(job)}”: {problem}")
        return problems

    def apply(self, event: JobEvent) -> None:
        """The model's feed: the engine's event stream (wired by the bootstrap)."""
        if event.kind is EventKind.REMOVED:
            if event.job.thumb_path:
                self.thumbnails.forget(event.job.thumb_path)
            self.remove(event.job.local_id)
        elif event.kind not in (EventKind.PROGRESS, EventKind.NOTICE):
            self.upsert(event.job)

    # -- rows ---------------------------------------------------------------------------

    def job_at(self, row: int) -> JobRecord | None:
        if not 0 <= row < len(self._ids):
            return None
        job = self._records.get(self._ids[row])
        if job is None:
            start = row - row % PAGE
            page = self._ids[start : start + PAGE]
            self._page_rows.update(zip(page, range(start, start + len(page)), strict=True))
            wanted = [i for i in page if i not in self._records]
            for loaded in self._store.get_many(wanted):
                self._remember(loaded)
            job = self._records.get(self._ids[row])  # None: a row the store cannot read
        return job

    def prefetch(self, rows: range) -> None:
        """Read these rows' records and pictures ahead, before they are shown (at most
        PREFETCH_MOST rows: the view asks for the screen it expects next, such as the end
        of the list). Pictures load behind those on screen, into the bounded cache."""
        rows = rows[:PREFETCH_MOST]
        for row in rows:
            job = self.job_at(row)  # a page of records at a time
            if job is not None and job.thumb_path:
                self.thumbnails.prefetch(job.thumb_path)

    def row_of(self, local_id: str) -> int:
        row = self._page_rows.get(local_id)
        if row is not None:
            return row
        if self._row_index is None:
            self._row_index = {local_id: row for row, local_id in enumerate(self._ids)}
        return self._row_index.get(local_id, -1)

    def _forget_rows(self) -> None:
        """The ids changed: rows known so far may be wrong."""
        self._row_index = None
        self._page_rows.clear()

    def _remember(self, job: JobRecord) -> None:
        self._records[job.local_id] = job
        self._details.pop(job.local_id, None)
        if job.thumb_path:
            self._by_thumb[job.thumb_path] = job.local_id

    def upsert(self, job: JobRecord) -> None:
        """A job changed (or appeared): reflect it without reloading everything."""
        row = self.row_of(job.local_id)
        if row >= 0 and self.matches(job):
            self._remember(job)
            self.dataChanged.emit(self.index(row), self.index(row))
        elif row >= 0:
            self.remove(job.local_id)
        elif self.matches(job) and not self._stacked_away(job):
            # In place before the views hear of the row (insertRows signals them).
            self._ids.insert(0, job.local_id)
            self._forget_rows()
            self._remember(job)
            self._titles.add(job.local_id, job.prompt)
            self.insertRows(0, 1)
            self._retitle()

    def _stacked_away(self, job: JobRecord) -> bool:
        """A take hidden under its group's face (it shows when the stack is opened)."""
        if self.stacker is None or not self._stacks:
            return False
        ids = [job.local_id, *self._stacks]
        return job.local_id not in self.stacker(ids)[0]

    def remove(self, local_id: str) -> None:
        row = self.row_of(local_id)
        if row >= 0:
            # Views and the selection read the row while it goes (rowsAboutToBeRemoved):
            # it leaves here once removeRows has told them.
            self.removeRows(row, 1)
            del self._ids[row]
            self._forget_rows()
            self._records.pop(local_id, None)
            self._details.pop(local_id, None)
            self._titles.remove(local_id)
            self._retitle()

    def _retitle(self) -> None:
        """A row came or went: siblings' titles may have changed (the index knows them)."""
        if self._ids:
            last = self.index(len(self._ids) - 1)
            self.dataChanged.emit(self.index(0), last, [Qt.ItemDataRole.DisplayRole])

    def _thumbnail_loaded(self, path: str) -> None:
        """Pictures arrive one by one from the loader threads, and the grid repaints
        every tile on screen for any tile's change (a first screen of 40 tiles was
        repainted 40 times over): the tiles whose picture came are repainted together
        once the last picture asked for is in, and every PICTURES_BATCH_MS while more
        are still loading."""
        local_id = self._by_thumb.get(path)
        if local_id is not None:
            self._pictures_due.add(local_id)
        if not self.thumbnails.loading():
            self._stop_pictures_timer()
            self._show_pictures()
        elif self._pictures_due and not self._pictures_timer:
            self._pictures_timer = self.startTimer(PICTURES_BATCH_MS)  # dies with the model

    def timerEvent(self, event: QTimerEvent) -> None:
        if event.timerId() != self._pictures_timer:
            super().timerEvent(event)
            return
        self._stop_pictures_timer()
        self._show_pictures()

    def _stop_pictures_timer(self) -> None:
        if self._pictures_timer:
            self.killTimer(self._pictures_timer)
            self._pictures_timer = 0

    def _show_pictures(self) -> None:
        rows = [self.row_of(local_id) for local_id in self._pictures_due]
        self._pictures_due.clear()
        rows = [row for row in rows if row >= 0]
        if rows:
            first, last = self.index(min(rows)), self.index(max(rows))
            self.dataChanged.emit(first, last, [Qt.ItemDataRole.DecorationRole])
