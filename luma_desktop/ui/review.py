"""The windows that review finished clips: takes side by side, the take a board goes on
from, and export. Each opens on demand (its module loads then), stays open while the
artist works, and deletes itself when closed."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from luma_desktop.core.jobs import JobRecord
from luma_desktop.studio.desk import Desk

if TYPE_CHECKING:
    from luma_desktop.ui.compare_view import CompareView
    from luma_desktop.ui.export_dialog import ExportDialog


def compare(parent: QWidget, desk: Desk, takes: list[JobRecord]) -> CompareView:
    """Takes side by side; Keep marks the group's chosen take."""
    from luma_desktop.ui.compare_view import CompareView

    group = desk.takes.group_of(takes[0].local_id)
    view = CompareView(takes, group.kept if group else None, parent)
    view.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    view.keep_requested.connect(lambda job: desk.keep(job.local_id))
    view.show()
    return view


def pick_board_take(
    parent: QWidget, desk: Desk, board_id: str, index: int, takes: list[JobRecord]
) -> CompareView:
    """A board waiting for the artist: Keep one of the shot's takes and the run goes on."""
    from luma_desktop.ui.compare_view import CompareView

    view = CompareView(takes, None, parent)
    view.setWindowTitle(f"Shot {index + 1}: pick the take to go on from")
    view.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    runner = desk.runner
    view.keep_requested.connect(lambda job: runner.keep(board_id, index, job.local_id))
    view.show()
    return view


def export(parent: QWidget, jobs: list[JobRecord], folder: Path) -> ExportDialog:
    """The export dialog for one clip or a chain."""
    from luma_desktop.ui.export_dialog import ExportDialog

    dialog = ExportDialog(jobs, folder, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog
