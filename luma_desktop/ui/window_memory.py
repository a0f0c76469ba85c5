"""The window's size, place and pane sizes: restored at start, remembered at close."""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMainWindow, QSplitter

from luma_desktop.studio.window_state import WindowState

# How much of the window's top strip (where the title bar is) must be on a screen for
# the artist to grab it; less, and the window opens at its default place instead.
GRAB_WIDTH, GRAB_HEIGHT = 80, 16


def on_a_screen(rect: QRect) -> bool:
    strip = QRect(rect.x(), rect.y(), rect.width(), 40)
    for screen in QGuiApplication.screens():
        seen = strip.intersected(screen.availableGeometry())
        if seen.width() >= GRAB_WIDTH and seen.height() >= GRAB_HEIGHT:
            return True
    return False


def restore(window: QMainWindow, state: WindowState, splitters: dict[str, QSplitter]) -> bool:
    """Put the window where it was (when that is on a screen now) and its panes as they
    were; whether the saved place was used."""
    placed = False
    if state.geometry is not None:
        rect = QRect(*state.geometry)
        if on_a_screen(rect):
            window.setGeometry(rect)
            placed = True
    if state.maximized:
        window.setWindowState(window.windowState() | Qt.WindowState.WindowMaximized)
    for name, splitter in splitters.items():
        sizes = state.sizes(name)
        if sizes and len(sizes) == splitter.count() and sum(sizes) > 0:
            splitter.setSizes(list(sizes))
    return placed


def remember(
    window: QMainWindow, previous: WindowState, splitters: dict[str, QSplitter]
) -> WindowState:
    """The state to save: the normal geometry (what a maximized window returns to)."""
    maximized = window.isMaximized()
    rect = window.normalGeometry() if maximized else window.geometry()
    geometry = (rect.x(), rect.y(), rect.width(), rect.height()) if rect.isValid() else None
    state = WindowState(geometry or previous.geometry, maximized, previous.splitters)
    for name, splitter in splitters.items():
        state = state.with_sizes(name, tuple(splitter.sizes()))
    return state
