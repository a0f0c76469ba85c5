"""The artist's desk for one window: the artist database and what works on it (boards,
takes, the budget caps), opened beside the studio and closed with the window."""

from __future__ import annotations

from PySide6.QtCore import QObject

from luma_desktop.core import budget
from luma_desktop.core.artist_db import FILE_NAME, open_artist_db
from luma_desktop.core.budget import Caps
from luma_desktop.studio.board_runner import BoardRunner
from luma_desktop.studio.session import Studio


class Desk(QObject):
    def __init__(self, studio: Studio, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db = open_artist_db(studio.data_dir / FILE_NAME)
        self._closed = False
        queue = studio.queue
        self.runner = BoardRunner(queue.engine, studio.tasks, self.db, queue.track, self.caps, self)

    def caps(self) -> Caps:
        return budget.load_caps(self.db)

    def set_caps(self, caps: Caps) -> None:
        budget.save_caps(self.db, caps)

    def close(self) -> None:
        """Idempotent: the window may be closed more than once."""
        if not self._closed:
            self._closed = True
            self.runner.close()
            self.db.close()
