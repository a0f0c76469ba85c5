"""Streaming a clip to a ``.part`` file: resumable, checked, and honest about the disk."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import queue
import re
import shutil
import threading
from collections.abc import AsyncGenerator, Callable
from pathlib import Path
from typing import BinaryIO, cast

import httpx

from luma_desktop.api.errors import ApiError, ErrorKind
from luma_desktop.api.formats import HEAD_BYTES, sniff
from luma_desktop.core.limits import DEFAULT_LIMITS, Limits, MiB

_CONTENT_RANGE = re.compile(r"bytes (\d+)-(\d+)/(\d+|\*)")
MP4_BRANDS = (b"ftyp", b"moov", b"mdat", b"free", b"wide", b"skip")
# Reads smaller than this are followed by a short wait, so the next read takes more.
COALESCE_BELOW = 128 * 1024
COALESCE_SECONDS = 0.005


async def stream_to_file(
    response: httpx.Response,
    part: Path,
    offset: int,
    progress: Callable[[int, int | None], None] | None,
    limits: Limits = DEFAULT_LIMITS,
) -> None:
    """Append the body to ``part`` (from ``offset`` when the server honoured the Range).

    A clip larger than ``limits.max_clip_bytes`` is refused before a byte is written
    when its size is announced, and stopped (its ``.part`` removed) when it is not.
    A transfer that stalls is broken off; its ``.part`` stays for a resume.
    """
    start, total = _span(response, offset)
    _check_size(total, part, limits)
    try:
        part.parent.mkdir(parents=True, exist_ok=True)
        _check_free_space(part, (total or 0) - start, limits)
        with part.open("r+b" if start else "wb") as out:
            if start:  # "wb" has emptied it already; truncating makes ext4 flush on close
                out.seek(start)
                out.truncate()
            writer = ChunkWriter(out)
            try:
                done = await _copy(response, writer, start, total, progress, limits)
                await writer.drain()
            finally:
                writer.close()
    except OSError as exc:
        raise local_file_error(exc, part) from exc
    except _TooLarge:
        raise _refuse(part, limits, None) from None
    if total is not None and done != total:
        raise ApiError(ErrorKind.NETWORK, f"The download stopped at {done:,} of {total:,} bytes.")
    _check_video(part)


class _TooLarge(Exception):
    pass


class ChunkWriter:
    """Writes a download's chunks to its file on a thread of its own.

    A disk that stalls (writeback of a full page cache, a network share, a sleeping USB
    drive) holds up this transfer, never the event loop the window paints from: the
    loop only collects chunks and hands them over a batch at a time (``batch_bytes``,
    or whatever came within ``flush_seconds``, so bytes reach the disk promptly even
    when the server pauses), which makes waking the thread cheap per byte. At most
    ``depth`` batches wait (the socket is read no faster than the disk takes them); a
    write's failure is raised by the next ``write`` or by ``drain``, as the ``OSError``
    it was.
    """

    def __init__(
        self, out: BinaryIO, depth: int = 4, batch_bytes: int = MiB, flush_seconds: float = 0.1
    ) -> None:
        self._out = out
        self._batches: queue.Queue[list[bytes] | None] = queue.Queue(maxsize=depth)
        self._batch: list[bytes] = []
        self._batched = 0
        self._batch_bytes = batch_bytes
        self._flush_seconds = flush_seconds
        self._flush: asyncio.TimerHandle | None = None
        self._failed: OSError | None = None
        self._thread = threading.Thread(target=self._run, name="clip-writer", daemon=True)
        self._thread.start()

    async def write(self, chunk: bytes) -> None:
        self._raise_failure()
        self._batch.append(chunk)
        self._batched += len(chunk)
        if self._batched >= self._batch_bytes:
            await self._hand_over()
        elif self._flush is None:
            loop = asyncio.get_running_loop()
            self._flush = loop.call_later(self._flush_seconds, self._flush_due)

    async def drain(self) -> None:
        """Wait until every chunk is written; raise a write's failure."""
        await self._hand_over()
        await asyncio.to_thread(self._finish)
        self._raise_failure()

    def close(self) -> None:
        """Write what was received, then end the thread: on a stall, a cancel or a
        failure the ``.part`` keeps every byte that came, for the resume. Blocks for at
        most ``depth`` + 1 batches' writes; after ``drain``, not at all."""
        batch = self._take_batch()
        if batch and self._thread.is_alive():
            self._batches.put(batch)
        self._finish()
        self._failed = self._failed or OSError(errno.ECANCELED, "the download has ended")

    def _take_batch(self) -> list[bytes]:
        if self._flush is not None:
            self._flush.cancel()
            self._flush = None
        batch, self._batch, self._batched = self._batch, [], 0
        return batch

    async def _hand_over(self) -> None:
        batch = self._take_batch()
        if not batch:
            return
        try:
            self._batches.put_nowait(batch)
        except queue.Full:  # the disk is behind: wait for room off the loop
            await asyncio.to_thread(self._batches.put, batch)

    def _flush_due(self) -> None:
        """What came within ``flush_seconds`` goes to the disk (a paused server, a kill)."""
        self._flush = None
        if not self._batch:
            return
        try:
            self._batches.put_nowait(self._batch)
        except queue.Full:  # the writer is busy: try again after its next batch
            self._flush = asyncio.get_running_loop().call_later(
                self._flush_seconds, self._flush_due
            )
            return
        self._batch, self._batched = [], 0

    def _finish(self) -> None:
        if self._thread.is_alive():
            self._batches.put(None)
            self._thread.join()

    def _run(self) -> None:
        while (batch := self._batches.get()) is not None:
            if self._failed is None:  # after a failure: only empty the queue
                try:
                    self._out.writelines(batch)
                    self._out.flush()  # on disk, not in the file's buffer
                except OSError as exc:
                    self._failed = exc

    def _raise_failure(self) -> None:
        if self._failed is not None:
            raise self._failed


async def _copy(
    response: httpx.Response,
    out: ChunkWriter,
    start: int,
    total: int | None,
    progress: Callable[[int, int | None], None] | None,
    limits: Limits,
) -> int:
    """Copy the body; break off a stalled transfer and a body past the size limit."""
    done = start
    if progress:
        progress(done, total)
    loop = asyncio.get_running_loop()
    window_end = loop.time() + limits.stall_seconds
    moved = 0  # in the current stall window
    # no chunk_size: it would buffer. Closed however the copy ends (a stall, a cancel
    # mid-wait), so httpcore cleans the stream up here, not in a finaliser later.
    chunks = cast(AsyncGenerator[bytes, None], response.aiter_raw())
    async with contextlib.aclosing(chunks):
        while True:
            # Short of the window's quota, the next bytes must come before the window ends;
            # past it, before the next one ends.
            due = window_end if moved < limits.stall_bytes else window_end + limits.stall_seconds
            try:
                async with asyncio.timeout_at(due):
                    chunk = await anext(chunks)
            except StopAsyncIteration:
                return done
            except TimeoutError:
                raise _stalled(done, limits) from None
            except httpx.HTTPError as exc:
                raise ApiError(
                    ErrorKind.NETWORK, f"The download broke off at {done:,} bytes; it will resume."
                ) from exc
            if done + len(chunk) > limits.max_clip_bytes:
                raise _TooLarge
            await out.write(chunk)
            done += len(chunk)
            moved += len(chunk)
            now = loop.time()
            if now >= window_end:
                if moved < limits.stall_bytes:
                    raise _stalled(done, limits)
                window_end, moved = now + limits.stall_seconds, 0
            if progress:
                progress(done, total)
            if len(chunk) < COALESCE_BELOW:
                # A link slower than this process hands over each few segments as they come
                # (~30 KB at 20 MB/s: hundreds of wake-ups a second of the window's thread).
                # Letting the kernel gather them costs no throughput (its buffer holds far
                # more than a few ms) and takes the next read in one piece.
                await asyncio.sleep(COALESCE_SECONDS)


def _stalled(done: int, limits: Limits) -> ApiError:
    return ApiError(
        ErrorKind.NETWORK,
        f"The download slowed to less than {limits.stall_bytes // 1024} KB in "
        f"{limits.stall_seconds:g} s at {done:,} bytes; it will resume.",
    )


def _check_size(total: int | None, part: Path, limits: Limits) -> None:
    if total is not None and total > limits.max_clip_bytes:
        raise _refuse(part, limits, total)


def _refuse(part: Path, limits: Limits, total: int | None) -> ApiError:
    """The ``.part`` removed, and why."""
    part.unlink(missing_ok=True)
    size = f" ({total / MiB:,.0f} MB)" if total is not None else ""
    return ApiError(
        ErrorKind.LOCAL_FILE,
        f"The clip is larger{size} than the maximum clip size of "
        f"{limits.max_clip_bytes / MiB:,.0f} MB, so it was not downloaded. Raise the "
        "maximum clip size in Settings (or --max-clip-mb) if the clip is expected to be this big.",
        request_sent=False,
    )


def _check_free_space(part: Path, needed: int, limits: Limits) -> None:
    """Refuse before writing when the announced size cannot fit on the disk."""
    if needed <= 0:
        return
    try:
        free = shutil.disk_usage(part.parent).free
    except OSError:
        return  # cannot tell: writing will say so if the disk fills
    if free < needed + limits.disk_headroom_bytes:
        raise OSError(errno.ENOSPC, "No space left on device", str(part))


def _span(response: httpx.Response, offset: int) -> tuple[int, int | None]:
    """Where this body starts in the file, and the file's full size if known."""
    if response.status_code == 206:
        match = _CONTENT_RANGE.fullmatch(response.headers.get("content-range", "")[:80])
        if match and int(match.group(1)) == offset:
            size = match.group(3)
            return offset, int(size) if size != "*" else None
        raise ApiError(ErrorKind.SERVER, "The video server answered a resumed download oddly.")
    length = response.headers.get("content-length", "")
    return 0, int(length) if length.isdigit() and len(length) < 20 else None


def _check_video(path: Path) -> None:
    """Recognised by content (:mod:`.formats`); anything else is refused for good:
    the generation is finished, so fetching it again would give the same bytes."""
    with path.open("rb") as f:
        head = f.read(HEAD_BYTES)
    if not sniff(head).usable:
        path.unlink(missing_ok=True)
        raise ApiError(
            ErrorKind.UNUSABLE,
            "The gateway's link gave a file that is no video or frames Luma Desktop can use "
            f"({_shown(head)}). It was not kept and will not be fetched again.",
        )


def _shown(head: bytes) -> str:
    """The first bytes, printable, for the message (a web page, an error text…)."""
    text = "".join(chr(b) if 32 <= b < 127 else "." for b in head[:16])
    return f"it starts with “{text}”" if head else "it is empty"


def local_file_error(exc: OSError, path: Path) -> ApiError:
    """Disk full and unwritable folders, in the artist's words."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        text = f"The disk holding {path.parent} is full. Free some space; the download will resume."
    elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        text = f"Luma Desktop may not write to {path.parent}. Choose another download folder."
    else:
        text = f"Could not write {path.name}: {exc.strerror or exc}."
    return ApiError(ErrorKind.LOCAL_FILE, text, request_sent=False)
