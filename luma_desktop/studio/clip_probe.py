"""Asks, off the UI thread, whether a clip plays here and whether it is HDR.

The player loads a clip at once and asks this beside it: the answer (one frame decoded
in software by ``core.clipinfo``, a few milliseconds) comes back as a signal. A clip
Qt cannot decode (AV1 without AV1 hardware) would otherwise play as a black picture
with no error at all.
"""

from __future__ import annotations

import contextlib
import threading
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal

from luma_desktop.core.clipinfo import ClipFacts, frames_label, probe
from luma_desktop.core.deliveries import frames_beside

__all__ = ["ClipFacts", "ClipProbe", "frames_beside", "frames_label"]


class ClipProbe(QObject):
    answered = Signal(str, object)  # the clip's path, its ClipFacts
    _done = Signal(int, str, object)  # ticket, path, facts (from the probing thread)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ticket = 0
        self._done.connect(self._on_done, Qt.ConnectionType.QueuedConnection)

    def ask(self, path: Path) -> None:
        """Probe ``path``; an answer for an earlier ask is dropped (the clip changed)."""
        self._ticket += 1
        worker = threading.Thread(
            target=self._work, args=(self._ticket, path), name=f"probe {path.name}", daemon=True
        )
        worker.start()

    def cancel(self) -> None:
        self._ticket += 1

    def _work(self, ticket: int, path: Path) -> None:
        try:
            facts = probe(path)
        except Exception as exc:  # noqa: BLE001 - a probe must never take the app down
            facts = ClipFacts(playable=False, problem=f"unreadable ({exc})")
        with contextlib.suppress(RuntimeError):  # the player closed meanwhile
            self._done.emit(ticket, str(path), facts)

    def _on_done(self, ticket: int, path: str, facts: ClipFacts) -> None:
        if ticket == self._ticket:
            self.answered.emit(path, facts)
