"""How a library tile looks: thumbnail (or a box saying the state), prompt, details.

A tile is painted, not a widget: with 10,000 clips in the grid, only the visible
tiles cost anything, and painting never touches the disk (the model's thumbnails
are loaded in the background and arrive as QImages).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import NamedTuple

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage, QPainter, QPalette, QPen, QPixmap
from PySide6.QtWidgets import (
    QStyle,
    QStyleOptionViewItem,
    QWidget,
)

from luma_desktop.core.clipinfo import ClipFacts
from luma_desktop.core.jobs import JobRecord, JobStatus
from luma_desktop.studio.job_model import JobRole
from luma_desktop.studio.thumbnails import facts_of
from luma_desktop.ui.item_delegate import ItemDelegate
from luma_desktop.ui.job_delegate import status_color

_Index = QModelIndex | QPersistentModelIndex

GRID = QSize(208, 190)  # one cell of the grid: the tile plus the gap around it
_GAP = 4
_PAD = 4
# 192×108: the ThumbnailCache's size, so a 16:9 thumbnail is drawn 1:1, never rescaled.
_THUMB = QSize(GRID.width() - 2 * (_GAP + _PAD), 108)
_DOT = 9
HDR_BADGE = QColor(245, 190, 40)  # amber: readable over any picture
FRAMES_BADGE = QColor(120, 200, 230)  # light blue, also readable over any picture
_PIXMAP_CACHE = 600  # a few screens of tiles; QImage→QPixmap is the costly step
_TEXTS_CACHE = 600  # tiles whose lines are kept (measuring and eliding them is costly)


class LibraryDelegate(ItemDelegate):
    """Paints a tile: thumbnail (or a box saying the state), prompt, details, state dot."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # Keyed by QImage.cacheKey: the thumbnail cache hands out the same image each
        # time, so each image is converted to a pixmap once, not at every repaint.
        self._pixmaps: OrderedDict[int, tuple[QPixmap, ClipFacts | None]] = OrderedDict()
        # A tile's lines as laid out (prompt on two lines, facts on up to two), by what
        # they depend on: repaints and scrolling back measure no text again.
        self._texts: OrderedDict[tuple[str, str, int, str], _Lines] = OrderedDict()
        self.drop_row = -1  # the tile under a drag that it would take (highlighted)

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        return QSize(GRID.width() - 2 * _GAP, GRID.height() - 2 * _GAP)

    def paint_item(
        self, painter: QPainter, option: QStyleOptionViewItem, index: _Index, selected: bool
    ) -> None:
        rect: QRect = option.rect
        palette: QPalette = option.palette
        job = index.data(JobRole.RECORD)
        status = job.status if isinstance(job, JobRecord) else JobStatus.UNKNOWN

        thumb = QRect(rect.left() + _PAD, rect.top() + _PAD, rect.width() - 2 * _PAD, 0)
        thumb.setHeight(_THUMB.height())
        image = index.data(Qt.ItemDataRole.DecorationRole)
        self._paint_thumbnail(painter, thumb, image if isinstance(image, QImage) else None)
        if image is None and status is not JobStatus.READY:
            state = str(index.data(JobRole.STATE_TEXT) or status.value)
            self._paint_state(painter, thumb, state, status_color(status, palette))
        if status is not JobStatus.READY:
            self._paint_dot(painter, thumb, status_color(status, palette))
        facts = self.facts(image) if isinstance(image, QImage) else None
        # Asked for in HDR, or found HDR in the stream (PQ/HLG) when the thumbnail was made.
        if isinstance(job, JobRecord) and (is_hdr(job) or (facts is not None and facts.hdr)):
            self._paint_badge(painter, thumb, "HDR")
        if facts is not None and facts.frames:  # "EXR frames (12)": not a clip to play
            self._paint_badge(painter, thumb, facts.frames, FRAMES_BADGE)
        elif facts is not None and facts.beside:  # frames that came with the clip
            self._paint_badge(painter, thumb, f"+ {facts.beside}", FRAMES_BADGE)

        text = QRect(thumb.left(), thumb.bottom() + 5, thumb.width(), 0)
        text.setBottom(rect.bottom() - _PAD)
        self._paint_texts(painter, option, text, index, selected)

        if index.row() == self.drop_row:
            self._paint_frame(painter, rect, palette.color(QPalette.ColorRole.Link), 3.0)
        elif option.state & QStyle.StateFlag.State_HasFocus:
            # Keyboard users need to see where they are inside a multi-selection.
            self._paint_frame(painter, rect, palette.color(QPalette.ColorRole.Link), 1.0)

    def _paint_thumbnail(self, painter: QPainter, box: QRect, image: QImage | None) -> None:
        # The neutral box stays behind the picture, so other ratios letterbox inside it.
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(18, 18, 20))
        painter.drawRoundedRect(box, 4, 4)
        if image is None or image.isNull():
            return
        pixmap = self.pixmap(image)
        size = pixmap.size()
        if size.width() > box.width() or size.height() > box.height():
            size = size.scaled(box.size(), Qt.AspectRatioMode.KeepAspectRatio)
        target = QRect(0, 0, size.width(), size.height())
        target.moveCenter(box.center())
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        painter.drawPixmap(target, pixmap)

    def pixmap(self, image: QImage) -> QPixmap:
        """The image as a pixmap, converted once per image."""
        return self._converted(image)[0]

    def facts(self, image: QImage) -> ClipFacts | None:
        """The clip facts the thumbnail carries, read once per image."""
        return self._converted(image)[1]

    def _converted(self, image: QImage) -> tuple[QPixmap, ClipFacts | None]:
        key = image.cacheKey()
        cached = self._pixmaps.get(key)
        if cached is not None:
            self._pixmaps.move_to_end(key)
            return cached
        cached = self._pixmaps[key] = (QPixmap.fromImage(image), facts_of(image))
        if len(self._pixmaps) > _PIXMAP_CACHE:
            self._pixmaps.popitem(last=False)
        return cached

    @staticmethod
    def _paint_state(painter: QPainter, box: QRect, state: str, color: QColor) -> None:
        painter.setPen(color)
        area = box.adjusted(8, 8, -8, -8)
        flags = Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap
        metrics = painter.fontMetrics()
        # Long refusal messages would overflow the box; the tooltip has the whole text.
        if metrics.horizontalAdvance(state) > 3 * area.width():
            state = metrics.elidedText(state, Qt.TextElideMode.ElideRight, 3 * area.width())
        painter.drawText(area, int(flags), state)

    @staticmethod
    def _paint_dot(painter: QPainter, box: QRect, color: QColor) -> None:
        painter.setPen(QPen(QColor(0, 0, 0, 160), 1.0))
        painter.setBrush(color)
        painter.drawEllipse(box.right() - _DOT - 5, box.top() + 5, _DOT, _DOT)

    @staticmethod
    def _paint_badge(painter: QPainter, box: QRect, text: str, colour: QColor = HDR_BADGE) -> None:
        """A small label in a corner of the thumbnail (the state dot is top-right):
        top-left for HDR, bottom-left in ``FRAMES_BADGE`` for what frames are."""
        small = QFont(painter.font())
        small.setBold(True)
        small.setPointSizeF(max(small.pointSizeF() * 0.75, 6.0))
        painter.setFont(small)
        metrics = painter.fontMetrics()
        badge = QRect(box.left() + 5, box.top() + 5, metrics.horizontalAdvance(text) + 8, 0)
        badge.setHeight(metrics.height())
        if colour == FRAMES_BADGE:
            badge.moveBottom(box.bottom() - 5)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        painter.drawRoundedRect(badge, 3, 3)
        painter.setPen(QColor(20, 20, 20))
        painter.drawText(badge, int(Qt.AlignmentFlag.AlignCenter), text)

    @staticmethod
    def _paint_frame(painter: QPainter, rect: QRect, color: QColor, width: float) -> None:
        painter.setPen(QPen(color, width))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        inset = round(width / 2 + 0.5)
        painter.drawRoundedRect(rect.adjusted(inset, inset, -inset, -inset), 5, 5)

    def _paint_texts(
        self, painter: QPainter, option: QStyleOptionViewItem, area: QRect, index: _Index, sel: bool
    ) -> None:
        palette: QPalette = option.palette
        font = QFont(option.font)
        small = QFont(font)
        small.setPointSizeF(max(font.pointSizeF() * 0.85, 7.0))
        prompt = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        lines = self._lines(
            prompt, str(index.data(JobRole.DETAILS) or ""), area.width(), font, small
        )
        align = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        painter.setPen(
            palette.color(QPalette.ColorRole.HighlightedText if sel else QPalette.ColorRole.Text)
        )
        painter.setFont(font)
        line_h = lines.line_height
        for i, line in enumerate(lines.prompt):
            box = QRect(area.left(), area.top() + i * line_h, area.width(), line_h)
            painter.drawText(box, align, line)
        painter.setFont(small)
        quiet = QPalette.ColorRole.HighlightedText if sel else QPalette.ColorRole.PlaceholderText
        painter.setPen(palette.color(quiet))
        small_h = lines.small_height
        top = max(area.top() + 2 * line_h + 2, area.bottom() - len(lines.details) * small_h + 1)
        for i, line in enumerate(lines.details):
            painter.drawText(
                QRect(area.left(), top + i * small_h, area.width(), small_h), align, line
            )

    def _lines(self, prompt: str, details: str, width: int, font: QFont, small: QFont) -> _Lines:
        """The tile's lines fitted to ``width``: worked out once per tile and width."""
        key = (prompt, details, width, font.key())
        cached = self._texts.get(key)
        if cached is not None:
            self._texts.move_to_end(key)
            return cached
        metrics = QFontMetrics(font)
        first, rest = _split_line(" ".join(prompt.split()), metrics.horizontalAdvance, width)
        second = metrics.elidedText(rest, Qt.TextElideMode.ElideRight, width)
        fine = QFontMetrics(small)
        facts = [
            fine.elidedText(line, Qt.TextElideMode.ElideRight, width)
            for line in detail_lines(details, fine.horizontalAdvance, width)
        ]
        lines = _Lines((first, second), tuple(facts), metrics.height(), fine.height())
        self._texts[key] = lines
        if len(self._texts) > _TEXTS_CACHE:
            self._texts.popitem(last=False)
        return lines


class _Lines(NamedTuple):
    prompt: tuple[str, str]
    details: tuple[str, ...]
    line_height: int
    small_height: int


def detail_lines(
    details: str, measure: Callable[[str], int], width: int, most: int = 2
) -> list[str]:
    """The tile's facts on at most ``most`` lines, broken between facts (never inside
    "720p" or a cost), so the cost at the end is shown whole."""
    facts = [f for f in details.split(" · ") if f]
    lines: list[str] = []
    for fact in facts:
        joined = f"{lines[-1]} · {fact}" if lines else fact
        if lines and measure(joined) <= width:
            lines[-1] = joined
        elif len(lines) < most:
            lines.append(fact)
        else:
            lines[-1] = joined  # out of lines: the last one is elided when painted
    return lines


def _split_line(text: str, measure: Callable[[str], int], width: int) -> tuple[str, str]:
    """The words of ``text`` that fit on one line of ``width``, and the rest.

    Done by hand (not with a word-wrapping drawText) so the second line can end
    in an ellipsis instead of being cut in half.
    """
    if measure(text) <= width:
        return text, ""
    words = text.split(" ")
    line = ""
    for i, word in enumerate(words):
        candidate = f"{line} {word}" if line else word
        if measure(candidate) > width:
            if line:
                return line, " ".join(words[i:])
            cut = _cut(word, measure, width)  # one long word: break it where it stops fitting
            return cut, text[len(cut) :]
        line = candidate
    return line, ""


def _cut(word: str, measure: Callable[[str], int], width: int) -> str:
    # Binary search: a pasted prompt can be one word thousands of characters long.
    low, high = 1, len(word)
    while low < high:
        middle = (low + high + 1) // 2
        if measure(word[:middle]) <= width:
            low = middle
        else:
            high = middle - 1
    return word[:low]


def is_hdr(job: JobRecord) -> bool:
    """The clip was asked for in HDR (its stored request says so)."""
    return job.body.get("hdr") is True
