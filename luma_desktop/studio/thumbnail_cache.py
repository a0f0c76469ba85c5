"""Thumbnails for long lists, loaded lazily off the UI thread and kept in an LRU.

A view asks for the thumbnails of the rows it paints; the first ask starts a load
on Qt's thread pool and answers None; ``loaded`` says when to repaint. A view may
also ``prefetch`` the pictures it expects to show next (the end of the list, where
Ctrl+End and a dragged scrollbar go): they load behind every picture asked for, and
nobody is told when they come, since nothing shows them yet; they wait in the same
bounded LRU.
"""

from __future__ import annotations

from collections import OrderedDict

from PySide6.QtCore import QObject, QRunnable, QSize, Qt, QThreadPool, Signal
from PySide6.QtGui import QImage, QImageReader

CAPACITY = 1500  # images kept; at ~160×90 that is ~85 MB at most, usually far less
_SHOWN, _AHEAD = 1, 0  # pool priorities: a picture on screen goes before a prefetched one


class _Bridge(QObject):
    done = Signal(str, QImage)


class _Load(QRunnable):
    def __init__(self, path: str, size: QSize, bridge: _Bridge) -> None:
        super().__init__()
        self._path, self._size, self._bridge = path, size, bridge

    def run(self) -> None:
        # QImage (not QPixmap) is safe off the UI thread. A picture bigger than a tile
        # is decoded at tile size (JPEG scales while decoding): a huge file costs
        # neither the time nor the memory of its full size.
        reader = QImageReader(self._path)
        full = reader.size()
        if full.isValid() and (
            full.width() > self._size.width() or full.height() > self._size.height()
        ):
            reader.setScaledSize(full.scaled(self._size, Qt.AspectRatioMode.KeepAspectRatio))
        image = reader.read()
        if not image.isNull() and (  # a format that cannot tell its size before reading
            image.width() > self._size.width() or image.height() > self._size.height()
        ):
            image = image.scaled(
                self._size,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        self._bridge.done.emit(self._path, image)


class ThumbnailCache(QObject):
    loaded = Signal(str)  # the path whose image, asked for, is now available

    def __init__(
        self, size: QSize | None = None, parent: QObject | None = None, capacity: int = CAPACITY
    ) -> None:
        super().__init__(parent)
        self.size = size or QSize(192, 108)
        self.capacity = capacity
        self._images: OrderedDict[str, QImage] = OrderedDict()
        self._pending: set[str] = set()  # paths being read
        self._asked: set[str] = set()  # those of them asked for (not only prefetched)
        self._bridge = _Bridge(self)
        self._bridge.done.connect(self._done, Qt.ConnectionType.QueuedConnection)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(2)

    def get(self, path: str) -> QImage | None:
        image = self._images.get(path)
        if image is not None:
            self._images.move_to_end(path)
            return image
        if path and path not in self._asked:
            self._asked.add(path)  # a prefetch still loading is now shown: say when it comes
            if path not in self._pending:
                self._pending.add(path)
                self._pool.start(_Load(path, self.size, self._bridge), _SHOWN)
        return None

    def prefetch(self, path: str) -> None:
        """Read this picture ahead, after those asked for; it is kept, not announced."""
        if path and path not in self._images and path not in self._pending:
            self._pending.add(path)
            self._pool.start(_Load(path, self.size, self._bridge), _AHEAD)

    def has(self, path: str) -> bool:
        """The picture is in memory (asking for it would answer at once)."""
        return path in self._images

    def loading(self) -> bool:
        """Some picture asked for is still being read (prefetches do not count)."""
        return bool(self._asked)

    def __len__(self) -> int:
        return len(self._images)

    def forget(self, path: str) -> None:
        self._images.pop(path, None)

    def wait_idle(self, msecs: int = 5000) -> bool:
        return self._pool.waitForDone(msecs)

    def _done(self, path: str, image: QImage) -> None:
        self._pending.discard(path)
        asked = path in self._asked
        self._asked.discard(path)
        if image.isNull():
            return
        self._images[path] = image
        while len(self._images) > self.capacity:
            self._images.popitem(last=False)
        if asked:
            self.loaded.emit(path)
