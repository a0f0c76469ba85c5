"""Streaming a clip to a ``.part`` file: resumable, checked, and honest about the disk."""

from __future__ import annotations

import errno
import re
from collections.abc import Callable
from pathlib import Path

import httpx

from luma_desktop.api.errors import ApiError, ErrorKind

_CONTENT_RANGE = re.compile(r"bytes (\d+)-(\d+)/(\d+|\*)")
MP4_BRANDS = (b"ftyp", b"moov", b"mdat", b"free", b"wide", b"skip")


async def stream_to_file(
    response: httpx.Response,
    part: Path,
    offset: int,
    progress: Callable[[int, int | None], None] | None,
) -> None:
    """Append the body to ``part`` (from ``offset`` when the server honoured the Range)."""
    start, total = _span(response, offset)
    try:
        part.parent.mkdir(parents=True, exist_ok=True)
        with part.open("r+b" if start else "wb") as out:
            out.seek(start)
            out.truncate()
            done = start
            if progress:
                progress(done, total)
            try:
                async for chunk in response.aiter_raw():  # no chunk_size: it would buffer
                    out.write(chunk)
                    done += len(chunk)
                    if progress:
                        progress(done, total)
            except httpx.HTTPError as exc:
                raise ApiError(
                    ErrorKind.NETWORK, f"The download broke off at {done:,} bytes; it will resume."
                ) from exc
    except OSError as exc:
        raise local_file_error(exc, part) from exc
    if total is not None and done != total:
        raise ApiError(ErrorKind.NETWORK, f"The download stopped at {done:,} of {total:,} bytes.")
    _check_video(part)


def _span(response: httpx.Response, offset: int) -> tuple[int, int | None]:
    """Where this body starts in the file, and the file's full size if known."""
    if response.status_code == 206:
        match = _CONTENT_RANGE.match(response.headers.get("content-range", ""))
        if match and int(match.group(1)) == offset:
            size = match.group(3)
            return offset, int(size) if size != "*" else None
        raise ApiError(ErrorKind.SERVER, "The video server answered a resumed download oddly.")
    length = response.headers.get("content-length")
    return 0, int(length) if length and length.isdigit() else None


def _check_video(path: Path) -> None:
    with path.open("rb") as f:
        head = f.read(12)
    if len(head) < 8 or head[4:8] not in MP4_BRANDS:
        path.unlink(missing_ok=True)
        raise ApiError(ErrorKind.SERVER, "The video link did not give an MP4 video.")


def local_file_error(exc: OSError, path: Path) -> ApiError:
    """Disk full and unwritable folders, in the artist's words."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        text = f"The disk holding {path.parent} is full. Free some space; the download will resume."
    elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        text = f"Luma Desktop may not write to {path.parent}. Choose another download folder."
    else:
        text = f"Could not write {path.name}: {exc.strerror or exc}."
    return ApiError(ErrorKind.LOCAL_FILE, text, request_sent=False)
