"""Thumbnails of finished clips, taken from their first decoded frame.

One hidden QMediaPlayer works through a queue, so thumbnailing never competes with
the artist's player; nothing blocks the loop (decoding runs on Qt's media threads).
"""

from __future__ import annotations

import logging
from collections import deque
from pathlib import Path

from PySide6.QtCore import QByteArray, QObject, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QImage, QImageWriter
from PySide6.QtMultimedia import QMediaPlayer, QVideoFrame, QVideoSink

log = logging.getLogger(__name__)
THUMB_HEIGHT = 90


class ThumbnailMaker(QObject):
    made = Signal(str, str)  # key (the job's local id), thumbnail path

    def __init__(self, folder: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.folder = folder
        self._queue: deque[tuple[str, Path]] = deque()
        self._current: tuple[str, Path] | None = None
        self._taken: QImage | None = None  # the frame grabbed, waiting to be saved
        self._player = QMediaPlayer(self)
        self._sink = QVideoSink(self)
        self._player.setVideoSink(self._sink)
        self._sink.videoFrameChanged.connect(self._on_frame)
        self._player.errorOccurred.connect(self._on_error)

    def request(self, key: str, video: Path) -> None:
        self._queue.append((key, video))
        if self._current is None:
            self._next()

    def close(self) -> None:
        """Stop: nothing more is made (the store may be closing)."""
        self._queue.clear()
        self._current = None
        self._taken = None
        self._player.stop()
        self._player.setSource(QUrl())

    def _next(self) -> None:
        self._current = self._queue.popleft() if self._queue else None
        if self._current is None:
            self._player.setSource(QUrl())
            return
        self._player.setSource(QUrl.fromLocalFile(str(self._current[1])))
        self._player.play()

    def _on_frame(self, frame: QVideoFrame) -> None:
        if self._current is None or self._taken is not None or not frame.isValid():
            return
        image = frame.toImage()
        if image.isNull():
            return
        self._taken = image
        # Stop and switch sources after this signal returns, never from inside the
        # backend's own frame delivery.
        QTimer.singleShot(0, self._save_and_continue)

    def _save_and_continue(self) -> None:
        if self._current is None or self._taken is None:
            return
        key, video = self._current
        image, self._taken = self._taken, None
        self._player.stop()
        thumb = image.scaledToHeight(THUMB_HEIGHT, Qt.TransformationMode.SmoothTransformation)
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{video.stem}.jpg"
        writer = QImageWriter(str(path), QByteArray(b"jpg"))
        writer.setQuality(85)
        if writer.write(thumb):
            self.made.emit(key, str(path))
        else:
            log.warning("could not save the thumbnail %s", path)
        self._next()

    def _on_error(self, _error: QMediaPlayer.Error, text: str) -> None:
        if self._current is not None:
            log.warning("no thumbnail for %s: %s", self._current[1].name, text)
            QTimer.singleShot(0, self._next)
