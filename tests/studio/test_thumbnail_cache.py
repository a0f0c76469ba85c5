"""The library's thumbnail cache: pictures asked for, pictures read ahead, its bound."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import QSize
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from luma_desktop.studio.thumbnail_cache import ThumbnailCache


def picture(path: Path, size: tuple[int, int] = (160, 90)) -> str:
    image = QImage(*size, QImage.Format.Format_RGB32)
    image.fill(QColor(30, 120, 200))
    assert image.save(str(path))
    return str(path)


@pytest.fixture
def cache(qapp: QApplication) -> Iterator[ThumbnailCache]:
    cache = ThumbnailCache(capacity=3)
    yield cache
    cache.wait_idle()
    QApplication.processEvents()
    shiboken6.delete(cache)


def settle(cache: ThumbnailCache) -> None:
    """Every read finished and its answer taken in (they come back as queued events)."""
    assert cache.wait_idle()
    QApplication.processEvents()


def test_a_prefetched_picture_is_kept_without_a_word(
    cache: ThumbnailCache, qtbot: QtBot, tmp_path: Path
) -> None:
    path = picture(tmp_path / "end.jpg")
    said: list[str] = []
    cache.loaded.connect(said.append)
    cache.prefetch(path)
    assert not cache.loading()  # nothing on screen waits for it
    qtbot.waitUntil(lambda: cache.has(path))
    assert said == []  # nothing shows it yet: no repaint asked for
    image = cache.get(path)
    assert image is not None
    assert image.size() == QSize(160, 90)


def test_a_prefetch_asked_for_while_it_loads_is_announced(
    cache: ThumbnailCache, qtbot: QtBot, tmp_path: Path
) -> None:
    path = picture(tmp_path / "end.jpg")
    cache.prefetch(path)
    assert cache.get(path) is None  # its answer is a queued event: not in before we wait
    assert cache.loading()  # now a tile waits for it
    with qtbot.waitSignal(cache.loaded) as said:
        pass
    assert said.args == [path]
    assert not cache.loading()


def test_the_cache_stays_bounded_with_prefetches(cache: ThumbnailCache, tmp_path: Path) -> None:
    paths = [picture(tmp_path / f"{n}.jpg") for n in range(6)]
    for path in paths[:3]:
        cache.get(path)
    settle(cache)
    for path in paths[3:]:
        cache.prefetch(path)
    settle(cache)
    assert len(cache) == 3  # capacity=3
    assert all(cache.has(path) for path in paths[3:])  # the newest stay, the oldest went


def test_a_huge_thumbnail_file_is_read_at_tile_size(
    cache: ThumbnailCache, qtbot: QtBot, tmp_path: Path
) -> None:
    path = picture(tmp_path / "huge.jpg", (3840, 2160))
    cache.get(path)
    qtbot.waitUntil(lambda: cache.has(path))
    image = cache.get(path)
    assert image is not None
    assert image.size() == QSize(192, 108)
