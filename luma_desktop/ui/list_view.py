"""A QListView that repaints only the rows that changed.

Qt's QListView answers any ``dataChanged`` with a relayout and a repaint of the whole
viewport, even for one row of a view with uniform item sizes: a download's progress
(10 times a second) or a tile's thumbnail repainted every row or tile on screen. And
when two rows far apart are dirty, its ``paintEvent`` paints every item inside the
bounding rectangle of the two. Our views have uniform, fixed item sizes, so a change
to one row never moves another: only that row's rectangle is marked dirty, and each
rectangle of the dirty region is painted on its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import cast

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect
from PySide6.QtGui import QAccessible, QPaintEvent
from PySide6.QtWidgets import QListView

_Index = QModelIndex | QPersistentModelIndex
MAX_SEPARATE_RECTS = 16  # past this many, one pass over the bounding rectangle is cheaper


class ChangedRowsListView(QListView):
    def dataChanged(
        self, top_left: _Index, bottom_right: _Index, roles: Sequence[int] = ()
    ) -> None:
        one = top_left == bottom_right and top_left.isValid()
        # A screen reader hears of changes through Qt's own handling: keep it then.
        if one and self.isVisible() and not QAccessible.isActive():
            self.viewport().update(self.visualRect(top_left))
            return
        super().dataChanged(top_left, bottom_right, list(roles))

    def paintEvent(self, event: QPaintEvent) -> None:
        region = event.region()
        if 1 < region.rectCount() <= MAX_SEPARATE_RECTS:
            for rect in cast("Iterable[QRect]", region):  # QRegion iterates its rectangles
                super().paintEvent(QPaintEvent(rect))
        else:
            super().paintEvent(event)
