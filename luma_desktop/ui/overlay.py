"""Banners that float over the top of the window's content instead of pushing it down.

An error that appears while the artist reaches for a control must not move that
control: the next click would land on something else. So the error banner is laid
over the content (not in the layout), at the top, at the content's width, and the
content under it never moves; dismissing it or fixing its cause takes it away.
A notice that is part of the layout (the demo notice) stays readable: the floating
banners start below it.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QGraphicsDropShadowEffect, QWidget

MARGIN = 8


class FloatingBanners(QObject):
    """Keeps ``banners`` (children of ``host``) stacked over the top of ``host``."""

    def __init__(
        self,
        host: QWidget,
        banners: list[QWidget],
        top: int = MARGIN,
        below: QWidget | None = None,
    ) -> None:
        super().__init__(host)
        self._host = host
        self._banners = banners
        self._top = top
        self._below = below  # a notice in the host's layout that banners must not cover
        self._placing = False
        host.installEventFilter(self)
        if below is not None:
            below.installEventFilter(self)
        for banner in banners:
            banner.setParent(host)
            banner.installEventFilter(self)
            # A shadow says "on top of", so nobody looks for what it hides as gone.
            shadow = QGraphicsDropShadowEffect(banner)
            shadow.setBlurRadius(14)
            shadow.setOffset(0, 3)
            shadow.setColor(QColor(0, 0, 0, 160))
            banner.setGraphicsEffect(shadow)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if watched is self._host:
            moved = kind == QEvent.Type.Resize
        elif watched is self._below:
            moved = kind in (
                QEvent.Type.Show,
                QEvent.Type.Hide,
                QEvent.Type.Move,
                QEvent.Type.Resize,
            )
        else:  # a banner showed up, or its text changed
            moved = kind in (QEvent.Type.Show, QEvent.Type.LayoutRequest)
        if moved and not self._placing:
            self.place()
        return False

    def place(self) -> None:
        self._placing = True
        try:
            self._place()
        finally:
            self._placing = False

    def _place(self) -> None:
        width = max(0, self._host.width() - 2 * MARGIN)
        y = self._top
        below = self._below
        if below is not None and not below.isHidden():
            y = max(y, below.geometry().bottom() + 1 + MARGIN // 2)
        for banner in self._banners:
            if banner.isHidden():
                continue
            height = banner.heightForWidth(width)
            height = height if height > 0 else banner.sizeHint().height()
            banner.setGeometry(MARGIN, y, width, height)
            banner.raise_()
            y += height + MARGIN // 2
