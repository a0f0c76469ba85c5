"""The Library and Board tabs are built when first shown (not before the window's first
paint): until then a placeholder holds their place; once shown, each is the real panel,
with its clips and boards, wired to the window as before."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from luma_desktop.core.jobs import JobStatus
from luma_desktop.core.request import GenerationRequest
from luma_desktop.ui.board_panel import BoardPanel
from luma_desktop.ui.library_view import LibraryPanel
from tests.ui.conftest import wait_signal, wait_until
from tests.ui.test_end_to_end import running_window


async def test_the_library_tab_is_built_when_first_shown_with_its_clips(
    qtbot: QtBot, tmp_path: Path
) -> None:
    async with running_window(tmp_path) as window:
        tabs = window.side_tabs
        window.studio.queue.generate(GenerationRequest("a lantern drifting downstream"))
        (job,) = await wait_signal(window.studio.queue.job_ready, timeout=20)
        assert job.status is JobStatus.READY
        assert not isinstance(tabs.widget(1), LibraryPanel)  # not built at start
        assert tabs.tabText(1) == "Library"
        bar = tabs.tabBar()
        qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(1).center())
        library = tabs.currentWidget()
        assert isinstance(library, LibraryPanel)
        assert library is window.library
        assert tabs.tabText(1) == "Library"
        assert tabs.tabToolTip(1).startswith("Every clip you made")
        assert tabs.count() == 3
        # It shows the clip made before it existed, and its gestures reach the window.
        await wait_until(lambda: library.select_job(job.local_id))
        library.play_requested.emit(job)
        assert window.player.current_path() == Path(job.video_path)


async def test_the_board_tab_asked_for_by_code_is_built_without_being_shown(
    tmp_path: Path,
) -> None:
    async with running_window(tmp_path) as window:
        tabs = window.side_tabs
        assert not isinstance(tabs.widget(2), BoardPanel)
        board = window.board_panel  # as a menu action or a test would ask for it
        assert isinstance(board, BoardPanel)
        assert tabs.widget(2) is board
        assert tabs.currentIndex() == 0  # Jobs stays in front
        assert board.confirm_run == window.confirm_board
        tabs.setCurrentIndex(2)
        assert tabs.currentWidget() is board
