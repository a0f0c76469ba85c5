"""The library grid: the tiles laid out in batches, image drops on ready tiles, clip drags
out, the Delete key, the context menu request and the empty-state hint."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import (
    QContextMenuEvent,
    QDragEnterEvent,
    QDragLeaveEvent,
    QDragMoveEvent,
    QDropEvent,
    QKeyEvent,
    QPainter,
    QPaintEvent,
    QPalette,
)
from PySide6.QtWidgets import QAbstractItemView, QListView, QWidget

from luma_desktop.core.jobs import JobRecord, JobStatus
from luma_desktop.studio.library_model import LibraryModel
from luma_desktop.ui.drops import dropped_link
from luma_desktop.ui.library_delegate import GRID, LibraryDelegate


class LibraryGrid(QListView):
    """The tiles in a grid that lays itself out in batches; takes image drops on ready
    tiles and gives clips away as drags (to keyframe slots, file managers, editors)."""

    menu_requested = Signal(QPoint)  # global position for the context menu
    delete_pressed = Signal()
    image_dropped = Signal(object, str, bool)  # (JobRecord, path or url, prepend)

    def __init__(self, model: LibraryModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = model
        self.empty_hint = ""
        self._delegate = LibraryDelegate(self)
        self.setModel(model)
        self.setItemDelegate(self._delegate)
        self.setViewMode(QListView.ViewMode.IconMode)
        # IconMode makes items movable by drag; a library keeps its order (newest first).
        self.setMovement(QListView.Movement.Static)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setGridSize(GRID)
        self.setUniformItemSizes(True)
        # One pass, not batched: in batched mode Ctrl+End stops at the last tile laid out
        # so far (Qt's MoveEnd), far from the true end of a long library; with uniform
        # sizes one pass over 100,000 tiles is cheap (bench/library_open.py).
        self.setLayoutMode(QListView.LayoutMode.SinglePass)
        self.setWrapping(True)
        self.setSpacing(0)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.verticalScrollBar().setSingleStep(GRID.height() // 4)
        # After setMovement: a Static movement turns drags and the viewport's drops off.
        self.setDragEnabled(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.viewport().setAcceptDrops(True)
        self.setDefaultDropAction(Qt.DropAction.CopyAction)
        self.setDragDropOverwriteMode(False)
        self.setDropIndicatorShown(False)  # the tile itself lights up instead
        self.setAccessibleName("Library")
        self.setToolTip(
            "Your clips, newest first. Enter or double-click plays a clip; drag it onto a "
            "frame slot to extend it; drop an image on a clip to extend it to that image "
            "(Alt: lead into the clip instead); right-click for more."
        )
        for signal in (model.rowsInserted, model.rowsRemoved, model.modelReset):
            signal.connect(self.viewport().update)  # the empty hint follows the row count
        self._end_ahead = True  # read the last screen ahead after the next paint
        model.modelReset.connect(self._want_end_ahead)

    # -- the end of the list, read ahead ----------------------------------------------

    def _want_end_ahead(self) -> None:
        self._end_ahead = True

    def end_rows(self) -> range:
        """The rows of the last screen (and the row of tiles above it): where Ctrl+End
        and a scrollbar dragged to the bottom go."""
        rows = self._model.rowCount()
        columns = max(1, self.viewport().width() // GRID.width())
        lines = -(-self.viewport().height() // GRID.height()) + 1
        return range(max(0, rows - columns * lines), rows)

    def _read_end_ahead(self) -> None:
        # Idle time after the first paint (the first screen's pictures are loading on
        # other threads): the end's records and pictures, so going there shows them at
        # once instead of after a page of records and a screen of decodes.
        self._model.prefetch(self.end_rows())

    def job_at(self, index: QModelIndex | QPersistentModelIndex) -> JobRecord | None:
        return self._model.job_at(index.row()) if index.isValid() else None

    # -- drops ----------------------------------------------------------------------------

    def _drop_target(self, event: QDropEvent) -> tuple[JobRecord, str] | None:
        link = dropped_link(event.mimeData())
        job = self.job_at(self.indexAt(event.position().toPoint()))
        if link is None or job is None or job.status is not JobStatus.READY:
            return None
        return job, link

    def _set_drop_row(self, row: int) -> None:
        if row != self._delegate.drop_row:
            self._delegate.drop_row = row
            self.viewport().update()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        # Only images: our own clips dragged back in (ids + video files) are no drop.
        if dropped_link(event.mimeData()) is None:
            event.ignore()
            return
        event.setDropAction(Qt.DropAction.CopyAction)
        event.accept()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        target = self._drop_target(event)
        if target is None:
            self._set_drop_row(-1)
            event.ignore()
            return
        self._set_drop_row(self._model.row_of(target[0].local_id))
        event.setDropAction(Qt.DropAction.CopyAction)
        event.accept()

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        self._set_drop_row(-1)
        event.accept()

    def dropEvent(self, event: QDropEvent) -> None:
        self._set_drop_row(-1)
        target = self._drop_target(event)
        if target is None:
            event.ignore()
            return
        event.setDropAction(Qt.DropAction.CopyAction)
        event.accept()
        prepend = bool(event.modifiers() & Qt.KeyboardModifier.AltModifier)
        self.image_dropped.emit(target[0], target[1], prepend)

    # -- keys, menu, empty state ----------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        plain = event.modifiers() in (
            Qt.KeyboardModifier.NoModifier,
            Qt.KeyboardModifier.KeypadModifier,
        )
        if plain and event.key() == Qt.Key.Key_Delete and self.selectionModel().hasSelection():
            self.delete_pressed.emit()
            event.accept()
            return
        super().keyPressEvent(event)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        if event.reason() == QContextMenuEvent.Reason.Keyboard:
            pos = self.visualRect(self.currentIndex()).center()
        else:
            pos = event.pos()
        if not self.selectionModel().hasSelection():
            event.ignore()
            return
        self.menu_requested.emit(self.viewport().mapToGlobal(pos))
        event.accept()

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self._end_ahead and self._model.rowCount():
            self._end_ahead = False
            QTimer.singleShot(0, self, self._read_end_ahead)
        if self._model.rowCount() == 0 and self.empty_hint:
            painter = QPainter(self.viewport())
            painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
            area = self.viewport().rect().adjusted(16, 16, -16, -16)
            flags = Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap
            painter.drawText(area, int(flags), self.empty_hint)
            painter.end()
