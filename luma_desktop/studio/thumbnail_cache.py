"""Thumbnails for long lists, loaded lazily off the UI thread and kept in an LRU.

A view asks for the thumbnails of the rows it paints; the first ask starts a load
on Qt's thread pool and answers None; ``loaded`` says when to repaint.
"""

from __future__ import annotations

from collections import OrderedDict

from PySide6.QtCore import QObject, QRunnable, QSize, Qt, QThreadPool, Signal
from PySide6.QtGui import QImage

CAPACITY = 1500  # images kept; at ~160×90 that is ~85 MB at most, usually far less


class _Bridge(QObject):
    done = Signal(str, QImage)


class _Load(QRunnable):
    def __init__(self, path: str, size: QSize, bridge: _Bridge) -> None:
        super().__init__()
        self._path, self._size, self._bridge = path, size, bridge

    def run(self) -> None:
        image = QImage(self._path)  # QImage (not QPixmap) is safe off the UI thread
        if not image.isNull() and (
            image.width() > self._size.width() or image.height() > self._size.height()
        ):
            image = image.scaled(
                self._size,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        self._bridge.done.emit(self._path, image)


class ThumbnailCache(QObject):
    loaded = Signal(str)  # the path whose image is now available

    def __init__(self, size: QSize | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.size = size or QSize(192, 108)
        self._images: OrderedDict[str, QImage] = OrderedDict()
        self._pending: set[str] = set()
        self._bridge = _Bridge(self)
        self._bridge.done.connect(self._done, Qt.ConnectionType.QueuedConnection)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(2)

    def get(self, path: str) -> QImage | None:
        image = self._images.get(path)
        if image is not None:
            self._images.move_to_end(path)
            return image
        if path and path not in self._pending:
            self._pending.add(path)
            self._pool.start(_Load(path, self.size, self._bridge))
        return None

    def loading(self) -> bool:
        """Some picture asked for is still being read."""
        return bool(self._pending)

    def forget(self, path: str) -> None:
        self._images.pop(path, None)

    def wait_idle(self, msecs: int = 5000) -> bool:
        return self._pool.waitForDone(msecs)

    def _done(self, path: str, image: QImage) -> None:
        self._pending.discard(path)
        if image.isNull():
            return
        self._images[path] = image
        while len(self._images) > CAPACITY:
            self._images.popitem(last=False)
        self.loaded.emit(path)
