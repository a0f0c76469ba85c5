"""A tab whose page is built when first shown, or when the window first asks for it.

The window's Library and Board tabs are hidden behind the Jobs tab at start-up;
building them and loading their modules took ~30-50 ms before the window could show
(bench/startup.py). Until then the tab holds an empty placeholder; the real page takes
its place, title and tooltip, so ``tabs.currentWidget()`` is the page once it is shown.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from PySide6.QtCore import QSignalBlocker
from PySide6.QtWidgets import QTabWidget, QWidget

W = TypeVar("W", bound=QWidget)


class LazyTab(Generic[W]):
    def __init__(self, tabs: QTabWidget, title: str, tooltip: str, build: Callable[[], W]) -> None:
        self._tabs = tabs
        self._build = build
        self._page: W | None = None
        self._placeholder = QWidget()
        index = tabs.addTab(self._placeholder, title)
        tabs.setTabToolTip(index, tooltip)
        tabs.currentChanged.connect(self._on_current)

    @property
    def built(self) -> bool:
        return self._page is not None

    def get(self) -> W:
        """The page, built and put in the placeholder's place now if it was not yet."""
        if self._page is None:
            page = self._build()
            self._swap_in(page)
            self._page = page
        return self._page

    def _on_current(self, index: int) -> None:
        if self._page is None and self._tabs.widget(index) is self._placeholder:
            self.get()

    def _swap_in(self, page: W) -> None:
        tabs = self._tabs
        index = tabs.indexOf(self._placeholder)
        current = tabs.currentIndex()
        title, tooltip = tabs.tabText(index), tabs.tabToolTip(index)
        # One change as far as anyone listening can tell: the removal's own change of
        # the current tab is not announced.
        blocker = QSignalBlocker(tabs)
        tabs.removeTab(index)
        tabs.insertTab(index, page, title)
        tabs.setTabToolTip(index, tooltip)
        tabs.setCurrentIndex(current)
        blocker.unblock()
        tabs.currentChanged.disconnect(self._on_current)
        self._placeholder.deleteLater()
