"""The library panel: every clip in a searchable grid, with lineage and the clip gestures.

The panel only reads the library model and emits what the artist asked for; the main
window acts on it. "Delete from library…" asks, then calls the model (which deletes
through the engine).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QItemSelection, QModelIndex, QPoint, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from luma_desktop.core.jobs import JobRecord, JobStatus
from luma_desktop.core.request import PRICE_TOKENS
from luma_desktop.studio.job_model import video_exists
from luma_desktop.studio.library_model import LibraryModel, short_id
from luma_desktop.ui.library_grid import LibraryGrid
from luma_desktop.ui.lineage_strip import LineageStrip
from luma_desktop.ui.player_notice import add_openers
from luma_desktop.ui.popups import context_menu
from luma_desktop.ui.remake import add_remakes

_S = JobStatus
# (label, statuses shown, tooltip); an empty tuple means every status.
STATUS_FILTERS: tuple[tuple[str, tuple[JobStatus, ...], str], ...] = (
    ("All", (), "Every clip in the library"),
    ("Ready", (_S.READY,), "Clips on disk, ready to play"),
    ("Running", (_S.SUBMITTING, _S.QUEUED, _S.DREAMING, _S.DOWNLOADING), "Clips being made"),
    ("Failed", (_S.FAILED, _S.REFUSED, _S.NOT_FOUND, _S.STALE), "Clips that did not come"),
    ("Unknown", (_S.UNKNOWN,), "Requests whose answer was lost: they may have been taken"),
    ("Stopped", (_S.ABANDONED,), "Jobs you stopped tracking"),
)
SEARCH_DELAY_MS = 150  # typing reloads once per pause, not once per key
EMPTY_LIBRARY = "The library is empty. Finished clips appear here."
NO_MATCH = "No clip matches the search."
DELETE_TEXT = (
    "Delete {what} from the library? {their} video {files} removed from disk. "
    "This cannot be undone."
)
# (label, at least this many stars, kept only)
MARK_FILTERS = (("All clips", 0, False), ("Kept", 0, True), ("★★★ and up", 3, False),
                ("★★★★★", 5, False))  # fmt: skip

_TIPS = {
    "Play": "Play this clip in the player (Enter)",
    "Extend forward": f"New clip that continues this one ({PRICE_TOKENS:,} credits)",
    "Extend backward": f"New clip that leads into this one ({PRICE_TOKENS:,} credits)",
    "Bridge": f"New clip from the end of the first to the start of the second "
    f"({PRICE_TOKENS:,} credits)",
    "Play chain": "Play this clip with the clips it extends and that extend it, in order",
    "Reuse parameters": "Put this clip's prompt and settings back in the prompt panel",
    "Export…": "Save this clip as MP4, ProRes, GIF, WebP or PNG frames",
    "Another take": "The same request again, as one more take of this clip's group",
    "Compare takes…": "The takes of this clip's group side by side, in sync; keep one",
    "Export chain…": "Join the chain into one file, or hand it to an editor as a timeline",
    "Reveal in file manager": "Show the clip's folder in the file manager",
    "Delete from library…": "Remove the finished clips and their files (Delete)",
}


def _extendable(job: JobRecord) -> bool:
    """Only a ready clip with a gateway id can be a keyframe of a new generation."""
    return job.status is JobStatus.READY and bool(job.generation_id)


class LibraryPanel(QWidget):
    play_requested = Signal(object)  # JobRecord, a ready clip
    selection_changed_jobs = Signal(list)  # list[JobRecord], in selection order
    extend_requested = Signal(object, str)  # (JobRecord, "forward" | "backward")
    bridge_requested = Signal(object, object)  # (A, B): A's end leads into B's start
    image_extend_requested = Signal(object, str, bool)  # (JobRecord, path or url, prepend)
    reuse_requested = Signal(object)  # JobRecord
    play_chain_requested = Signal(list)  # list[JobRecord], ready clips in play order
    export_requested = Signal(list)  # list[JobRecord]: one clip, or a chain in play order
    another_take_requested = Signal(object)  # JobRecord whose request runs once more
    remake_requested = Signal(object)  # GenerationRequest: modify or reframe, for the draft
    compare_requested = Signal(list)  # list[JobRecord]: a group's takes
    rate_requested = Signal(list, int)  # (list[JobRecord], stars 0-5)
    deleted = Signal(object)  # the JobRecord deleted

    def __init__(self, model: LibraryModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = model
        # Local ids in the order they were selected (a dict: ordered, and O(1) lookups
        # when Ctrl+A selects ten thousand clips).
        self._order: dict[str, None] = {}

        self.search_edit = QLineEdit(self)
        self.status_combo = QComboBox(self)
        self.count_label = QLabel(self)
        self.marks_combo = QComboBox(self)
        # Set by the window: the takes of a clip's group, and the clips with given marks.
        self.takes_of: Callable[[JobRecord], list[JobRecord]] = lambda job: []
        self.marked: Callable[[int, bool], set[str]] | None = None
        self.view = LibraryGrid(model, self)
        self.lineage = LineageStrip(model, self)
        self.lineage_label = self.lineage.label
        self.chain_button = self.lineage.chain_button
        self._search_timer = QTimer(self)
        self._lineage_timer = QTimer(self)
        self._build()
        self._connect()
        self.reload()

    # -- building -----------------------------------------------------------------------

    def _build(self) -> None:
        self.search_edit.setPlaceholderText("Search prompts…")
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setToolTip("Show the clips whose prompt contains these words (Ctrl+F)")
        self.search_edit.setAccessibleName("Search prompts")
        for label, statuses, tip in STATUS_FILTERS:
            self.status_combo.addItem(label, statuses)
            self.status_combo.setItemData(
                self.status_combo.count() - 1, tip, Qt.ItemDataRole.ToolTipRole
            )
        self.status_combo.setToolTip("Show only the clips in this state")
        self.status_combo.setAccessibleName("Status filter")
        self.count_label.setToolTip("How many clips the search and filter show")
        top = QHBoxLayout()
        top.addWidget(self.search_edit, 1)
        top.addWidget(self.status_combo)
        for label, _stars, _kept in MARK_FILTERS:
            self.marks_combo.addItem(label)
        self.marks_combo.setToolTip("Show only kept or rated clips (rate a clip with keys 0-5)")
        top.addWidget(self.marks_combo)
        top.addWidget(self.count_label)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.lineage)

    def _connect(self) -> None:
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._apply_search)
        # Model changes (a new extension, a clip finishing) can change the strip; one
        # refresh per burst of changes is enough.
        self._lineage_timer.setSingleShot(True)
        self._lineage_timer.setInterval(50)
        self._lineage_timer.timeout.connect(self._update_lineage)
        self.search_edit.textChanged.connect(self._search_timer.start)
        self.search_edit.returnPressed.connect(self._apply_search)
        # A pending search is taken along by reload: one query, not two.
        self.status_combo.currentIndexChanged.connect(self.reload)
        QShortcut(QKeySequence.StandardKey.Find, self, self.focus_search)
        self.marks_combo.currentIndexChanged.connect(self._apply_marks)
        for stars in range(6):  # keys 0-5 rate the selected clips
            key = QShortcut(QKeySequence(str(stars)), self.view)
            key.setContext(Qt.ShortcutContext.WidgetShortcut)
            key.activated.connect(lambda n=stars: self._rate(n))
        escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self.search_edit)
        escape.setContext(Qt.ShortcutContext.WidgetShortcut)  # not Esc anywhere in the window
        escape.activated.connect(self.search_edit.clear)

        self.view.activated.connect(self._on_activated)
        self.view.selectionModel().selectionChanged.connect(self._on_selection)
        self.view.menu_requested.connect(self._show_menu)
        self.view.delete_pressed.connect(lambda: self.delete(self.selected_jobs()))
        self.view.image_dropped.connect(self.image_extend_requested)
        self.lineage.job_clicked.connect(self._on_lineage_link)
        self.lineage.play_chain_requested.connect(self.play_chain_requested)

        model = self._model
        model.modelReset.connect(self._on_reset)
        model.rowsInserted.connect(self._on_rows_changed)
        model.rowsRemoved.connect(self._on_rows_changed)
        model.dataChanged.connect(self._on_data_changed)

    # -- search and filter ----------------------------------------------------------------

    def focus_search(self) -> None:
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    def reload(self) -> None:
        """Query the store again with the current search and filter."""
        self._search_timer.stop()
        statuses = self.status_combo.currentData()
        self._model.reload(text=self.search_edit.text(), statuses=statuses)

    def _apply_search(self) -> None:
        self._search_timer.stop()
        self._model.reload(text=self.search_edit.text())

    def _filtered(self) -> bool:
        return bool(self.search_edit.text().strip()) or self.status_combo.currentIndex() > 0

    def _update_count(self) -> None:
        count = self._model.rowCount()
        self.count_label.setText(f"{count:,} clip" + ("" if count == 1 else "s"))
        self.view.empty_hint = NO_MATCH if self._filtered() else EMPTY_LIBRARY
        self.view.viewport().update()

    # -- selection ----------------------------------------------------------------------

    def selected_jobs(self) -> list[JobRecord]:
        """The selected clips, in the order the artist selected them."""
        rows = sorted(i.row() for i in self.view.selectionModel().selectedIndexes())
        jobs = [j for j in (self._model.job_at(r) for r in rows) if j is not None]
        rank = {local_id: n for n, local_id in enumerate(self._order)}
        return sorted(jobs, key=lambda j: rank.get(j.local_id, len(rank)))

    def select_job(self, local_id: str, reveal: bool = False) -> bool:
        """Select one clip and scroll to it; with ``reveal``, widen the search and filter
        when they hide it. False when it is not (or cannot be made) visible."""
        row = self._model.row_of(local_id)
        if row < 0 and reveal:
            self._reveal(local_id)
            row = self._model.row_of(local_id)
        if row < 0:
            return False
        index = self._model.index(row)
        self.view.setCurrentIndex(index)  # replaces the selection with this clip
        self.view.scrollTo(index)
        return True

    def _reveal(self, local_id: str) -> None:
        job = self._model.find(local_id)
        if job is None:
            return
        # Signals blocked: one reload below instead of one per widget.
        self.status_combo.blockSignals(True)
        self.status_combo.setCurrentIndex(0)
        self.status_combo.blockSignals(False)
        if self.search_edit.text().strip().lower() not in job.prompt.lower():
            self.search_edit.blockSignals(True)
            self.search_edit.clear()
            self.search_edit.blockSignals(False)
        self.reload()

    def _on_selection(self, selected: QItemSelection, deselected: QItemSelection) -> None:
        gone = {self._id_at(i) for i in deselected.indexes()}
        for local_id in gone:
            self._order.pop(local_id, None)
        for index in sorted(selected.indexes(), key=lambda i: i.row()):
            self._order.setdefault(self._id_at(index), None)
        self._order.pop("", None)
        self._update_lineage()
        self.selection_changed_jobs.emit(self.selected_jobs())

    def _id_at(self, index: QModelIndex) -> str:
        job = self._model.job_at(index.row())
        return job.local_id if job else ""

    def _on_activated(self, index: QModelIndex) -> None:
        job = self._model.job_at(index.row())
        if job is not None and job.status is JobStatus.READY:
            self.play_requested.emit(job)

    # -- model changes ------------------------------------------------------------------

    def _on_reset(self) -> None:
        # A reset drops the selection without a selectionChanged signal.
        had_selection = bool(self._order)
        self._order = {}
        self._update_count()
        self._update_lineage()
        if had_selection:
            self.selection_changed_jobs.emit([])

    def _on_rows_changed(self) -> None:
        self._update_count()
        self._lineage_timer.start()

    def _on_data_changed(self, _first: QModelIndex, _last: QModelIndex, roles: list[int]) -> None:
        if list(roles) != [Qt.ItemDataRole.DecorationRole]:  # a thumbnail changes no lineage
            self._lineage_timer.start()

    # -- lineage ------------------------------------------------------------------------

    def chain_of(self, job: JobRecord) -> list[JobRecord]:
        """The ready clips of the sequence through ``job``, in play order."""
        return self._model.chain(job)

    def _update_lineage(self) -> None:
        self._lineage_timer.stop()
        jobs = self.selected_jobs()
        self.lineage.show_job(jobs[0] if len(jobs) == 1 else None)

    def _on_lineage_link(self, local_id: str) -> None:
        self.select_job(local_id, reveal=True)
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- the menu -----------------------------------------------------------------------

    def menu_for(self, jobs: list[JobRecord]) -> QMenu:
        """The context menu for the selected clips; items that do not apply are disabled."""
        menu = context_menu(self)

        def add(text: str, enabled: object, slot: Callable[[], None], tip: str = "") -> None:
            action = menu.addAction(text)
            action.setToolTip(_TIPS[tip or text])
            action.setStatusTip(_TIPS[tip or text])
            action.setEnabled(bool(enabled))
            action.triggered.connect(slot)

        one = jobs[0] if len(jobs) == 1 else None
        ok = one is not None and _extendable(one)
        playable = one is not None and one.status is JobStatus.READY and video_exists(one)
        add("Play", playable, lambda: self.play_requested.emit(one))
        add_openers(menu, Path(one.video_path) if one and one.video_path else None)
        add("Extend forward", ok, lambda: self.extend_requested.emit(one, "forward"))
        add("Extend backward", ok, lambda: self.extend_requested.emit(one, "backward"))
        pair = jobs if len(jobs) == 2 and all(_extendable(j) for j in jobs) else []
        bridge = f"Bridge {short_id(pair[0])} → {short_id(pair[1])}" if pair else "Bridge A → B"
        add(bridge, pair, lambda: self.bridge_requested.emit(*pair), "Bridge")
        chain = self.chain_of(one) if one is not None else []
        text = f"Play chain ({len(chain)} clips)" if len(chain) > 1 else "Play chain"
        add(text, len(chain) > 1, lambda: self.play_chain_requested.emit(chain), "Play chain")
        menu.addSeparator()
        takes = self.takes_of(one) if one is not None else []
        add("Another take", one and one.status.terminal and one.prompt,
            lambda: self.another_take_requested.emit(one))  # fmt: skip
        text = f"Compare takes ({len(takes)})…" if len(takes) > 1 else "Compare takes…"
        add(text, len(takes) > 1, lambda: self.compare_requested.emit(takes), "Compare takes…")
        add_remakes(menu, one, self.remake_requested.emit)
        add("Export…", playable, lambda: self.export_requested.emit([one]))
        add("Export chain…", len(chain) > 1, lambda: self.export_requested.emit(chain))
        menu.addSeparator()
        add("Reuse parameters", one, lambda: self.reuse_requested.emit(one))
        add("Reveal in file manager", one and video_exists(one), lambda: self.reveal(one))
        menu.addSeparator()
        doomed = [j for j in jobs if j.status.terminal]
        add("Delete from library…", doomed, lambda: self.delete(doomed))
        return menu

    def _show_menu(self, where: QPoint) -> None:
        jobs = self.selected_jobs()
        if jobs:
            menu = self.menu_for(jobs)
            menu.exec(where)
            menu.deleteLater()

    def _rate(self, stars: int) -> None:
        jobs = [j for j in self.selected_jobs() if j.status.terminal]
        if jobs:
            self.rate_requested.emit(jobs, stars)
            self._apply_marks()

    def _apply_marks(self) -> None:
        _label, stars, kept = MARK_FILTERS[self.marks_combo.currentIndex()]
        wanted = self.marked(stars, kept) if self.marked and (stars or kept) else None
        self._model.set_only(wanted)

    def reveal(self, job: JobRecord | None) -> None:
        if job is None or not job.video_path:
            return
        folder = Path(job.video_path).parent
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))):
            self.inform("Cannot open the folder", f"The folder {folder} could not be opened.")

    # -- deleting -----------------------------------------------------------------------

    def delete(self, jobs: list[JobRecord]) -> None:
        """Remove finished clips: their files first, then their rows (after asking)."""
        doomed = [j for j in jobs if j.status.terminal]
        if not doomed:
            return
        many = len(doomed) > 1
        text = DELETE_TEXT.format(
            what=f"{len(doomed)} clips" if many else "this clip",
            their="Their" if many else "Its",
            files="files are" if many else "file is",
        )
        if not self.confirm("Delete from library", text):
            return
        problems = self._model.delete(doomed)
        for job in doomed:
            if self._model.find(job.local_id) is None:
                self.deleted.emit(job)
        if problems:
            self.inform("Some clips were not deleted", "\n\n".join(problems))

    # -- dialogs (tests replace these) --------------------------------------------------

    def confirm(self, title: str, text: str) -> bool:
        buttons = QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No
        answer = QMessageBox.question(self, title, text, buttons, QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def inform(self, title: str, text: str) -> None:
        QMessageBox.information(self, title, text)
