"""Where a widget that went full screen came from, so it goes back exactly there.

A child widget cannot be full screen; it becomes its own window for the while. Qt
takes it out of its parent's layout or splitter then, and on the way back a splitter
appends it at the end (another place, other sizes) and a layout forgets it. So the
place is remembered before and restored after, and focus follows the widget both
ways: a new top-level window has no focus widget, and its shortcuts (Esc) would not
fire until a click.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QBoxLayout, QSplitter, QWidget


class FullScreenHome:
    def __init__(self, widget: QWidget) -> None:
        self._widget = widget
        self._parent: QWidget | None = None
        self._index = -1
        self._sizes: list[int] = []

    def leave(self) -> bool:
        """Make the widget its own full-screen window; False when it already was one."""
        widget = self._widget
        self._parent = None if widget.isWindow() else widget.parentWidget()
        parent = self._parent
        layout = parent.layout() if parent is not None else None
        if isinstance(parent, QSplitter):
            self._index, self._sizes = parent.indexOf(widget), parent.sizes()
        elif isinstance(layout, QBoxLayout):
            self._index = layout.indexOf(widget)
        if parent is not None:
            widget.setWindowFlag(Qt.WindowType.Window, True)
        widget.showFullScreen()
        _take_focus(widget)
        return parent is not None

    def come_back(self) -> None:
        """Back into the same place with the same sizes, shown, with focus."""
        widget, parent = self._widget, self._parent
        if parent is not None:
            widget.setWindowFlag(Qt.WindowType.Window, False)
            self._restore_place(parent)
        widget.showNormal()
        _take_focus(widget)
        self._parent = None

    def _restore_place(self, parent: QWidget) -> None:
        widget = self._widget
        if isinstance(parent, QSplitter):
            parent.insertWidget(self._index, widget)
            if self._sizes:
                parent.setSizes(self._sizes)
            return
        layout = parent.layout()
        if isinstance(layout, QBoxLayout) and self._index >= 0 and layout.indexOf(widget) < 0:
            layout.insertWidget(self._index, widget)


def _take_focus(widget: QWidget) -> None:
    widget.raise_()
    widget.activateWindow()
    widget.setFocus(Qt.FocusReason.ActiveWindowFocusReason)
