"""Asks, off the UI thread, whether a clip plays here and whether it is HDR; and takes
a frame at full size where Qt gives no image of it (10-bit frames without a GPU path).

The player loads a clip at once and asks this beside it: the answer (one frame decoded
in software by ``core.clipinfo``, a few milliseconds) comes back as a signal. A clip
Qt cannot decode (AV1 without AV1 hardware) would otherwise play as a black picture
with no error at all.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QImage

from luma_desktop.core.clipinfo import ClipFacts, Picture, frame_at, frames_label, probe
from luma_desktop.core.deliveries import frames_beside
from luma_desktop.core.ffmpeg import FFmpegError
from luma_desktop.studio.thumbnails import picture_image

__all__ = ["ClipFacts", "ClipProbe", "FrameGrab", "frames_beside", "frames_label"]
log = logging.getLogger(__name__)


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


class FrameGrab(QObject):
    """A frame of a clip at full size, decoded off the UI thread (``clipinfo.frame_at``)."""

    grabbed = Signal(QImage, str)  # the frame, what it is for ("frame0" | "frame1")
    _done = Signal(int, object, str)  # ticket, Picture | None, kind (from the thread)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ticket = 0
        self._done.connect(self._on_done, Qt.ConnectionType.QueuedConnection)

    def grab(self, path: Path, index: int, kind: str) -> None:
        self._ticket += 1
        worker = threading.Thread(
            target=self._work, args=(self._ticket, path, index, kind), name=f"frame {path.name}"
        )
        worker.daemon = True
        worker.start()

    def cancel(self) -> None:
        self._ticket += 1

    def _work(self, ticket: int, path: Path, index: int, kind: str) -> None:
        try:
            picture = frame_at(path, index)
        except (FFmpegError, OSError) as exc:
            log.warning("could not take frame %d of %s: %s", index, path.name, exc)
            picture = None
        with contextlib.suppress(RuntimeError):  # the player closed meanwhile
            self._done.emit(ticket, picture, kind)

    def _on_done(self, ticket: int, picture: Picture | None, kind: str) -> None:
        if ticket == self._ticket and picture is not None:
            self.grabbed.emit(picture_image(picture), kind)
