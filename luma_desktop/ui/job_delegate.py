"""How a job row looks: thumbnail, prompt, colored state, elapsed time, download bar;
and the color of each job status (the library tiles use it too)."""

from __future__ import annotations

from collections import OrderedDict

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import (
    QStyleOptionViewItem,
    QWidget,
)

from luma_desktop.core.jobs import JobRecord, JobStatus
from luma_desktop.studio.job_model import JobRole
from luma_desktop.ui.error_banner import AMBER, GREEN, RED
from luma_desktop.ui.item_delegate import ItemDelegate

_Index = QModelIndex | QPersistentModelIndex

ROW_HEIGHT = 56
_PAD = 6
_THUMB_H = ROW_HEIGHT - 2 * _PAD
_THUMB_W = _THUMB_H * 16 // 9  # clips are mostly 16:9; others letterbox inside
_BAR_H = 3
_CACHE_SIZE = 256  # thumbnails kept scaled in memory; a row repaints often

_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter

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


class JobDelegate(ItemDelegate):
    """Paints a job row: thumbnail, prompt, colored state, elapsed time, download bar."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._pixmaps: OrderedDict[tuple[str, float], QPixmap] = OrderedDict()
        # Rows repaint every second (their clocks) and on every progress step: the
        # second line's font and each elided text are worked out once, not per paint.
        self._small: dict[str, QFont] = {}
        self._elided: OrderedDict[tuple[str, int, str], str] = OrderedDict()

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

    def paint_item(
        self, painter: QPainter, option: QStyleOptionViewItem, index: _Index, selected: bool
    ) -> None:
        rect: QRect = option.rect
        palette: QPalette = option.palette

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
        font: QFont = option.font
        painter.setFont(font)
        metrics = painter.fontMetrics()
        line_h = metrics.height()
        text_role = QPalette.ColorRole.HighlightedText if sel else QPalette.ColorRole.Text
        painter.setPen(palette.color(text_role))
        first = QRect(area.left(), area.top() + 2, area.width(), line_h)
        painter.drawText(first, _LEFT, self._elide(metrics, font.key(), title, first.width()))

        small = self._small_font(font)
        painter.setFont(small)
        metrics = painter.fontMetrics()
        second = QRect(area.left(), first.bottom() + 3, area.width(), metrics.height())
        elapsed_w = metrics.horizontalAdvance(elapsed) + _PAD if elapsed else 0
        painter.drawText(second, _RIGHT, elapsed)
        painter.setPen(status_color(status, palette, sel))
        state_rect = QRect(second.left(), second.top(), second.width() - elapsed_w, second.height())
        painter.drawText(
            state_rect, _LEFT, self._elide(metrics, small.key(), state, state_rect.width())
        )

    def _small_font(self, font: QFont) -> QFont:
        key = font.key()
        small = self._small.get(key)
        if small is None:
            small = self._small[key] = QFont(font)
            small.setPointSizeF(max(font.pointSizeF() * 0.9, 7.0))
        return small

    def _elide(self, metrics: QFontMetrics, font_key: str, text: str, width: int) -> str:
        key = (text, width, font_key)
        elided = self._elided.get(key)
        if elided is None:
            elided = metrics.elidedText(text, Qt.TextElideMode.ElideRight, width)
            self._elided[key] = elided
            if len(self._elided) > _CACHE_SIZE * 4:
                self._elided.popitem(last=False)
        return elided

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
