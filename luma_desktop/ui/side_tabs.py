"""The window's side tabs: Jobs, shown at start; Library and Board, built when first
shown (their modules load then: ~30-50 ms less before the window can show) and wired
to the window's actions as they are built."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QTabWidget

from luma_desktop.ui.lazy_tab import LazyTab

if TYPE_CHECKING:
    from luma_desktop.ui.board_panel import BoardPanel
    from luma_desktop.ui.library_view import LibraryPanel
    from luma_desktop.ui.main_window import MainWindow


def build(window: MainWindow) -> tuple[QTabWidget, LazyTab[LibraryPanel], LazyTab[BoardPanel]]:
    tabs = QTabWidget()
    tabs.addTab(window.job_list, "Jobs")
    tabs.setTabToolTip(0, "This session's jobs and every unfinished one")
    library = LazyTab(
        tabs,
        "Library",
        "Every clip you made: search, extend, play chains",
        lambda: _library(window),
    )
    board = LazyTab(tabs, "Board", "Storyboards: shots that run as a chain", lambda: _board(window))
    return tabs, library, board


def _library(window: MainWindow) -> LibraryPanel:
    from luma_desktop.ui.library_view import LibraryPanel

    library = LibraryPanel(window.studio.library)
    library.extend_requested.connect(window.extend)
    library.bridge_requested.connect(window.bridge)
    library.image_extend_requested.connect(window.extend_to_image)
    library.play_requested.connect(window.play)
    library.reuse_requested.connect(window.reuse)
    library.play_chain_requested.connect(window.play_chain)
    library.export_requested.connect(window.export_clips)
    library.another_take_requested.connect(window.another_take)
    library.remake_requested.connect(window.remake)
    library.compare_requested.connect(window.compare)
    library.rate_requested.connect(window.rate)
    library.deleted.connect(window.forget_deleted)
    desk = window.desk
    library.takes_of = desk.takes_of
    library.marked = lambda stars, kept: desk.takes.matching(stars, kept)
    return library


def _board(window: MainWindow) -> BoardPanel:
    from luma_desktop.ui.board_panel import BoardPanel

    board = BoardPanel(window.desk.runner, window.desk.edits)
    board.play_requested.connect(window.play_chain)
    board.export_requested.connect(window.export_clips)
    board.pick_requested.connect(window.pick_board_take)
    board.confirm_run = window.confirm_board
    return board
