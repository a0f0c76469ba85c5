"""The job list: one painted row per job (no widget per row), a context menu per job.

The view only reads the model and calls the queue; it owns no coroutine.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import (
    QItemSelection,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    QUrl,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QContextMenuEvent,
    QDesktopServices,
    QFont,
    QGuiApplication,
    QKeyEvent,
    QKeySequence,
    QPainter,
    QPaintEvent,
    QPalette,
    QPixmap,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QInputDialog,
    QListView,
    QMenu,
    QMessageBox,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from luma_desktop.core.request import is_generation_id
from luma_desktop.core.store import JobRecord, JobStatus
from luma_desktop.studio.errors import Action, user_error
from luma_desktop.studio.job_model import JobListModel, JobRole
from luma_desktop.studio.job_queue import JobQueue
from luma_desktop.ui.error_banner import AMBER, GREEN, RED

_Index = QModelIndex | QPersistentModelIndex

ROW_HEIGHT = 56
_PAD = 6
_THUMB_H = ROW_HEIGHT - 2 * _PAD
_THUMB_W = _THUMB_H * 16 // 9  # clips are mostly 16:9; others letterbox inside
_BAR_H = 3
_CACHE_SIZE = 256  # thumbnails kept scaled in memory; a row repaints often

EMPTY_HINT = "No jobs yet. Write a prompt and press Ctrl+Enter."
STOP_TEXT = (
    "Luma Desktop will stop following this job. The gateway has no cancel, so the "
    "tokens for it are already spent; the clip may still finish there."
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

_MENU_TIPS = {
    "Play": "Play this clip in the player (Enter)",
    "Stop tracking…": "Stop following this job; its tokens are already spent (Delete)",
    "Adopt by id…": "Claim this job with the generation id shown in the gateway dashboard",
    "Discard": "Forget this unanswered request (Delete)",
    "Copy generation id": "Copy the gateway's id of this job (Ctrl+C)",
    "Reuse parameters": "Put this job's prompt and settings back in the prompt panel",
    "Open containing folder": "Show the clip's file in the file manager",
    "Open Settings…": "This job waits for a fix in Settings (the key or the folder)",
    "Extend forward": "A new clip that continues this one (set up in the prompt panel)",
    "Extend backward": "A new clip that leads into this one (set up in the prompt panel)",
}

_WARN = frozenset({JobStatus.UNKNOWN, JobStatus.STALE})
_BAD = frozenset({JobStatus.FAILED, JobStatus.REFUSED, JobStatus.NOT_FOUND})


def status_color(status: JobStatus, palette: QPalette, selected: bool = False) -> QColor:
    """Active jobs in the accent, finished ones green, trouble red or amber."""
    if selected:
        # On the selection color any accent loses contrast; the words still say the state.
        return palette.color(QPalette.ColorRole.HighlightedText)
    if status is JobStatus.READY:
        return QColor(GREEN)
    if status in _BAD:
        return QColor(RED)
    if status in _WARN:
        return QColor(AMBER)
    if status.active or status is JobStatus.SUBMITTING:
        # Link is the bright accent; Highlight is often darkened for selection fills.
        return palette.color(QPalette.ColorRole.Link)
    return palette.color(QPalette.ColorRole.PlaceholderText)  # abandoned, stale: quiet


class JobDelegate(QStyledItemDelegate):
    """Paints a job row: thumbnail, prompt, colored state, elapsed time, download bar."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._pixmaps: OrderedDict[tuple[str, float], QPixmap] = OrderedDict()

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        # A small width: in list mode rows stretch to the viewport, and the texts elide.
        return QSize(_THUMB_W + 2 * _PAD + 40, ROW_HEIGHT)

    @staticmethod
    def lines(index: _Index) -> tuple[str, str, str]:
        """The three texts of a row (prompt, state, elapsed), as painted."""
        return (
            str(index.data(Qt.ItemDataRole.DisplayRole) or ""),
            str(index.data(JobRole.STATE_TEXT) or ""),
            str(index.data(JobRole.ELAPSED) or ""),
        )

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        painter.save()
        try:
            self._paint(painter, option, index)
        finally:
            painter.restore()

    def _paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        widget = option.widget
        style = widget.style() if widget is not None else QApplication.style()
        # Selection and hover backgrounds come from the style, so the theme decides.
        style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, widget)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect: QRect = option.rect
        palette: QPalette = option.palette
        selected = bool(option.state & QStyle.StateFlag.State_Selected)

        thumb = QRect(rect.left() + _PAD, rect.top() + _PAD, _THUMB_W, _THUMB_H)
        self._paint_thumbnail(painter, thumb, str(index.data(JobRole.THUMBNAIL) or ""), palette)

        text = QRect(thumb.right() + 1 + _PAD, rect.top() + _PAD, 0, _THUMB_H)
        text.setRight(rect.right() - _PAD)
        self._paint_texts(painter, option, text, index, selected)

        progress = index.data(JobRole.PROGRESS)
        if isinstance(progress, float) and progress >= 0:
            bar = QRect(text.left(), text.bottom() - _BAR_H + 1, text.width(), _BAR_H)
            painter.fillRect(bar, palette.color(QPalette.ColorRole.Mid))
            done = QRect(bar.left(), bar.top(), round(bar.width() * min(progress, 1.0)), _BAR_H)
            painter.fillRect(done, status_color(JobStatus.DOWNLOADING, palette, selected))

    def _paint_texts(
        self, painter: QPainter, option: QStyleOptionViewItem, area: QRect, index: _Index, sel: bool
    ) -> None:
        title, state, elapsed = self.lines(index)
        job = index.data(JobRole.RECORD)
        status = job.status if isinstance(job, JobRecord) else JobStatus.UNKNOWN
        palette: QPalette = option.palette
        font = QFont(option.font)
        painter.setFont(font)
        metrics = painter.fontMetrics()
        line_h = metrics.height()
        text_role = QPalette.ColorRole.HighlightedText if sel else QPalette.ColorRole.Text
        painter.setPen(palette.color(text_role))
        first = QRect(area.left(), area.top() + 2, area.width(), line_h)
        align = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        elided = metrics.elidedText(title, Qt.TextElideMode.ElideRight, first.width())
        painter.drawText(first, align, elided)

        small = QFont(font)
        small.setPointSizeF(max(font.pointSizeF() * 0.9, 7.0))
        painter.setFont(small)
        metrics = painter.fontMetrics()
        second = QRect(area.left(), first.bottom() + 3, area.width(), metrics.height())
        elapsed_w = metrics.horizontalAdvance(elapsed) + _PAD if elapsed else 0
        painter.drawText(
            second, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, elapsed
        )
        painter.setPen(status_color(status, palette, sel))
        state_rect = QRect(second.left(), second.top(), second.width() - elapsed_w, second.height())
        elided = metrics.elidedText(state, Qt.TextElideMode.ElideRight, state_rect.width())
        painter.drawText(state_rect, align, elided)

    def _paint_thumbnail(self, painter: QPainter, box: QRect, path: str, palette: QPalette) -> None:
        # The neutral box stays behind the picture so non-16:9 thumbnails letterbox.
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(palette.color(QPalette.ColorRole.Mid))
        painter.drawRoundedRect(box, 3, 3)
        if not path:
            return
        device = painter.device()
        dpr = device.devicePixelRatioF() if device is not None else 1.0
        pixmap = self.pixmap(path, box.size(), dpr)
        if pixmap is None:
            return
        size = pixmap.deviceIndependentSize().toSize()
        left = box.left() + (box.width() - size.width()) // 2
        top = box.top() + (box.height() - size.height()) // 2
        painter.drawPixmap(left, top, pixmap)

    def pixmap(self, path: str, size: QSize, dpr: float) -> QPixmap | None:
        """The thumbnail scaled for this screen, cached by path and pixel ratio."""
        key = (path, dpr)
        cached = self._pixmaps.get(key)
        if cached is not None:
            self._pixmaps.move_to_end(key)
            return cached
        source = QPixmap(path)
        if source.isNull():
            return None  # not cached: the file may be written a moment later
        target = QSize(round(size.width() * dpr), round(size.height() * dpr))
        scaled = source.scaled(
            target, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
        )
        scaled.setDevicePixelRatio(dpr)
        self._pixmaps[key] = scaled
        if len(self._pixmaps) > _CACHE_SIZE:
            self._pixmaps.popitem(last=False)
        return scaled


class JobListView(QListView):
    play_requested = Signal(object)  # JobRecord, a ready clip
    reuse_requested = Signal(object)  # JobRecord, its parameters go back to the prompt panel
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
        menu = QMenu(self)
        menu.setToolTipsVisible(True)
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
        add("Open containing folder", ready, self.open_folder)
        if job.error_kind and user_error(job.error_kind, "").action is Action.SETTINGS:
            menu.addSeparator()
            add("Open Settings…", True, self._open_settings)
        return menu

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
            self._queue.abandon(job.local_id)

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
