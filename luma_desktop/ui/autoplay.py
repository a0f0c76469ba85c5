"""A finished clip plays if nothing else does.

A burst of finished jobs is coalesced: the player switches once, to the latest, not
once per job, and never interrupts a clip or a chain the artist is watching.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

from luma_desktop.core.jobs import JobRecord

DELAY_MS = 250  # long enough to gather a burst, short enough to feel immediate


class Autoplay(QObject):
    def __init__(
        self, parent: QObject, play: Callable[[JobRecord], None], busy: Callable[[], bool]
    ) -> None:
        super().__init__(parent)
        self._play = play
        self._busy = busy
        self._candidate: JobRecord | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DELAY_MS)
        self._timer.timeout.connect(self._play_latest)

    def offer(self, job: JobRecord) -> None:
        self._candidate = job
        self._timer.start()

    def _play_latest(self) -> None:
        job, self._candidate = self._candidate, None
        if job is not None and not self._busy():
            self._play(job)
