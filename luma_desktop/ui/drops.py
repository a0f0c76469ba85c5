"""What image a drag carries: a local image file (the player, library tiles) or a web
image link (library tiles)."""

from __future__ import annotations

from functools import cache
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from PySide6.QtCore import QMimeData
from PySide6.QtGui import QImageReader


@cache
def image_suffixes() -> frozenset[str]:
    """The file suffixes (lowercase, no dot) of the image formats Qt can read."""
    return frozenset(
        bytes(fmt.data()).decode().lower() for fmt in QImageReader.supportedImageFormats()
    )


def dropped_image(mime: QMimeData) -> Path | None:
    """The first local image file in a drag, if any."""
    suffixes = image_suffixes()
    for url in mime.urls():
        if url.isLocalFile():
            path = Path(url.toLocalFile())
            if path.suffix.lower().lstrip(".") in suffixes:
                return path
    return None


def dropped_link(mime: QMimeData) -> str | None:
    """The image a drag carries, as a local path or an http(s) link; None if none.

    A file manager gives file URLs (judged by suffix, as the player does). A browser
    gives the image's link, often without a suffix (CDN links), but then with the
    picture itself or an <img> tag alongside, which is how a page link is told apart.
    """
    path = dropped_image(mime)
    if path is not None:
        return str(path)
    links = [url.toString() for url in mime.urls() if url.scheme() in ("http", "https")]
    if not links and mime.hasText():
        first = next((line.strip() for line in mime.text().splitlines() if line.strip()), "")
        links = [first] if urlsplit(first).scheme in ("http", "https") else []
    if not links:
        return None
    browser_image = mime.hasImage() or (mime.hasHtml() and "<img" in mime.html().lower())
    suffix = PurePosixPath(urlsplit(links[0]).path).suffix.lower().lstrip(".")
    return links[0] if browser_image or suffix in image_suffixes() else None
