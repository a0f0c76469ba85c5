"""The job list: one painted row per job (no widget per row), a context menu per job.

The view only reads the model and calls the queue; it owns no coroutine.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QItemSelection, QModelIndex, QPersistentModelIndex, Qt, QUrl, Signal
from PySide6.QtGui import (
    QContextMenuEvent,
    QDesktopServices,
    QGuiApplication,
    QKeyEvent,
    QKeySequence,
    QPainter,
    QPaintEvent,
    QPalette,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QInputDialog,
    QMenu,
    QMessageBox,
    QWidget,
)

from luma_desktop.core.jobs import JobRecord, JobStatus
from luma_desktop.core.request import is_generation_id
from luma_desktop.studio.errors import Action, user_error
from luma_desktop.studio.job_model import JobListModel
from luma_desktop.studio.job_queue import JobQueue
from luma_desktop.ui.job_delegate import JobDelegate
from luma_desktop.ui.list_view import ChangedRowsListView
from luma_desktop.ui.popups import context_menu

_Index = QModelIndex | QPersistentModelIndex

EMPTY_HINT = "No jobs yet. Write a prompt and press Ctrl+Enter."
STOP_TEXT = (
    "Luma Desktop will stop following this job. The gateway has no cancel, so the "
    "credits for it are already spent; the clip may still finish there."
)
DISCARD_TEXT = (
    "Luma Desktop will forget this request. If the gateway did take it, the clip may "
    "still be made there and show up in the gateway dashboard, but not here."
)
ADOPT_LABEL = (
    "The generation id from the gateway dashboard\n"
    "(it looks like 1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d):"
)
BAD_ID_TEXT = (
    "That is not a generation id. Copy the id from the gateway dashboard: it is 36 "
    "letters and digits in groups, like 1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d."
)

_RETRYABLE = frozenset({JobStatus.FAILED, JobStatus.REFUSED})
_MENU_TIPS = {
    "Play": "Play this clip in the player (Enter)",
    "Stop tracking…": "Stop following this job; its credits are already spent (Delete)",
    "Adopt by id…": "Claim this job with the generation id shown in the gateway dashboard",
    "Discard": "Forget this unanswered request (Delete)",
    "Copy generation id": "Copy the gateway's id of this job (Ctrl+C)",
    "Reuse parameters": "Put this job's prompt and settings back in the prompt panel",
    "Retry": "Send the same request again (asks first where a generation would)",
    "Open containing folder": "Show the clip's file in the file manager",
    "Remove from list": "Off this list; its clip stays in the library (Delete)",
    "Clear finished": "Finished, failed and abandoned jobs off this list (the library keeps them)",
    "Open Settings…": "This job waits for a fix in Settings (the key or the folder)",
    "Extend forward": "A new clip that continues this one (set up in the prompt panel)",
    "Extend backward": "A new clip that leads into this one (set up in the prompt panel)",
}


class JobListView(ChangedRowsListView):
    play_requested = Signal(object)  # JobRecord, a ready clip
    reuse_requested = Signal(object)  # JobRecord, its parameters go back to the prompt panel
    retry_requested = Signal(object)  # JobRecord, failed or refused: the same request again
    extend_requested = Signal(object, str)  # (JobRecord, "forward" | "backward")
    open_settings_requested = Signal()

    def __init__(self, queue: JobQueue, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._queue = queue
        self._model: JobListModel = queue.model
        self.setModel(self._model)
        self.setItemDelegate(JobDelegate(self))
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setDragEnabled(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.setDefaultDropAction(Qt.DropAction.CopyAction)
        self.setUniformItemSizes(True)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setAccessibleName("Jobs")
        self.setToolTip(
            "Your jobs, newest first. Double-click or press Enter on a finished clip to "
            "play it; drag it onto a frame slot to extend it; right-click for more."
        )
        self.activated.connect(self._on_activated)
        self.selectionModel().selectionChanged.connect(self._on_selection)
        # The empty-state hint depends on the row count; repaint when it changes.
        for signal in (self._model.rowsInserted, self._model.rowsRemoved, self._model.modelReset):
            signal.connect(self.viewport().update)

    # -- reading ---------------------------------------------------------------------

    def job_at(self, index: _Index) -> JobRecord | None:
        return self._model.job_at(index.row()) if index.isValid() else None

    def current_job(self) -> JobRecord | None:
        return self.job_at(self.currentIndex())

    # -- the menu ----------------------------------------------------------------------

    def menu_for(self, job: JobRecord) -> QMenu:
        """The context menu of one job; items that make no sense for its status are disabled."""
        status = job.status
        menu = context_menu(self)
        ready = status is JobStatus.READY and bool(job.video_path)
        unknown = status is JobStatus.UNKNOWN

        def add(text: str, enabled: bool, slot: Callable[[JobRecord], None]) -> None:
            action = menu.addAction(text)
            action.setToolTip(_MENU_TIPS[text])
            action.setStatusTip(_MENU_TIPS[text])
            action.setEnabled(enabled)
            action.triggered.connect(lambda: slot(job))

        add("Play", ready, self.play)
        extendable = ready and bool(job.generation_id)
        add("Extend forward", extendable, lambda j: self.extend_requested.emit(j, "forward"))
        add("Extend backward", extendable, lambda j: self.extend_requested.emit(j, "backward"))
        menu.addSeparator()
        add("Stop tracking…", status.active or unknown, self.stop_tracking)
        add("Adopt by id…", unknown, self.adopt)
        add("Discard", unknown, self.discard)
        menu.addSeparator()
        add("Copy generation id", bool(job.generation_id), self.copy_id)
        add("Reuse parameters", True, self.reuse)
        add("Retry", status in _RETRYABLE, self.retry_requested.emit)
        add("Open containing folder", ready, self.open_folder)
        menu.addSeparator()
        add("Remove from list", status.terminal, self.remove_from_list)
        self._add_clear_finished(menu)
        if job.error_kind and user_error(job.error_kind, "").action is Action.SETTINGS:
            menu.addSeparator()
            add("Open Settings…", True, self._open_settings)
        return menu

    def _add_clear_finished(self, menu: QMenu) -> None:
        action = menu.addAction("Clear finished")
        action.setToolTip(_MENU_TIPS["Clear finished"])
        action.setStatusTip(_MENU_TIPS["Clear finished"])
        action.setEnabled(any(job.status.terminal for job in self._model.jobs()))
        action.triggered.connect(self.clear_finished)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        if event.reason() == QContextMenuEvent.Reason.Keyboard:
            index = self.currentIndex()
            pos = self.visualRect(index).center()
        else:
            pos = event.pos()
            index = self.indexAt(pos)
        job = self.job_at(index)
        if job is None:
            event.ignore()
            return
        menu = self.menu_for(job)
        menu.exec(self.viewport().mapToGlobal(pos))
        menu.deleteLater()

    # -- what the menu items do ---------------------------------------------------------

    def play(self, job: JobRecord) -> None:
        if job.status is JobStatus.READY:
            self.play_requested.emit(job)

    def stop_tracking(self, job: JobRecord) -> None:
        if not (job.status.active or job.status is JobStatus.UNKNOWN):
            return
        if self.confirm("Stop tracking this job?", STOP_TEXT):
            self._queue.abandon(job.local_id)

    def discard(self, job: JobRecord) -> None:
        if job.status is JobStatus.UNKNOWN and self.confirm("Discard this request?", DISCARD_TEXT):
            self._queue.discard(job.local_id)

    def remove_from_list(self, job: JobRecord) -> None:
        """Off this list only: the library keeps the clip (and every record)."""
        if job.status.terminal:
            self._queue.clear(job.local_id)

    def clear_finished(self) -> None:
        self._queue.clear_finished()

    def adopt(self, job: JobRecord) -> None:
        if job.status is not JobStatus.UNKNOWN:
            return
        answer = self.ask_text("Adopt by id", ADOPT_LABEL)
        if answer is None or not answer.strip():
            return
        generation_id = answer.strip()
        if not is_generation_id(generation_id):
            self.inform("Not a generation id", BAD_ID_TEXT)
            return
        owner = next((j for j in self._model.jobs() if j.generation_id == generation_id), None)
        if owner is not None:
            self.inform("Already in the list", "That id already belongs to another job here.")
            return
        self._queue.adopt(job.local_id, generation_id)

    def copy_id(self, job: JobRecord) -> None:
        if job.generation_id:
            QGuiApplication.clipboard().setText(job.generation_id)

    def reuse(self, job: JobRecord) -> None:
        self.reuse_requested.emit(job)

    def open_folder(self, job: JobRecord) -> None:
        if not job.video_path:
            return
        folder = Path(job.video_path).parent
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))):
            self.inform("Cannot open the folder", f"The folder {folder} could not be opened.")

    def _open_settings(self, _job: JobRecord) -> None:
        self.open_settings_requested.emit()

    # -- dialogs (tests replace these) --------------------------------------------------

    def confirm(self, title: str, text: str) -> bool:
        buttons = QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No
        answer = QMessageBox.question(self, title, text, buttons, QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def ask_text(self, title: str, label: str) -> str | None:
        text, ok = QInputDialog.getText(self, title, label)
        return text if ok else None

    def inform(self, title: str, text: str) -> None:
        QMessageBox.information(self, title, text)

    # -- events ------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        job = self.current_job()
        if job is not None and job.generation_id and event.matches(QKeySequence.StandardKey.Copy):
            self.copy_id(job)
            event.accept()
            return
        plain = event.modifiers() == Qt.KeyboardModifier.NoModifier
        if job is not None and plain and event.key() == Qt.Key.Key_Delete:
            if job.status.active:
                self.stop_tracking(job)
            elif job.status is JobStatus.UNKNOWN:
                self.discard(job)
            else:
                self.remove_from_list(job)
            event.accept()
            return
        super().keyPressEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self._model.rowCount() == 0:
            painter = QPainter(self.viewport())
            painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
            area = self.viewport().rect().adjusted(16, 16, -16, -16)
            flags = Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap
            painter.drawText(area, int(flags), EMPTY_HINT)
            painter.end()

    def _on_activated(self, index: QModelIndex) -> None:
        job = self.job_at(index)
        if job is not None:
            self.play(job)

    def _on_selection(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        indexes = selected.indexes()
        job = self.job_at(indexes[0]) if len(indexes) == 1 else None
        if job is not None:
            self.play(job)
