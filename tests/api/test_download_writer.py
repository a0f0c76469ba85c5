"""Clips are written to disk off the event loop (api/download.ChunkWriter): a stalled
disk holds up its own download, not the loop; a failing disk is said in plain words."""

from __future__ import annotations

import asyncio
import errno
import os
import sys
import threading
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from luma_desktop.api.download import ChunkWriter, stream_to_file
from luma_desktop.api.errors import ApiError, ErrorKind

MP4_HEAD = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"
CHUNK = 64 * 1024


def _response(chunks: int) -> httpx.Response:
    async def body() -> AsyncIterator[bytes]:
        yield MP4_HEAD + bytes(CHUNK - len(MP4_HEAD))
        for n in range(1, chunks):
            yield bytes([n % 256]) * CHUNK

    return httpx.Response(200, headers={"content-length": str(chunks * CHUNK)}, content=body())


class StallingFile:
    """A file whose second write blocks until released (or 5 s pass)."""

    def __init__(self, real: Any, stalled: threading.Event, release: threading.Event) -> None:
        self.real = real
        self.writes = 0
        self.stalled, self.release = stalled, release
        self.in_write = False

    def write(self, data: bytes) -> int:
        self.writes += 1
        if self.writes == 2:
            self.in_write = True
            self.stalled.set()
            self.release.wait(timeout=5)
            self.in_write = False
        return int(self.real.write(data))

    def writelines(self, chunks: list[bytes]) -> None:
        for chunk in chunks:
            self.write(chunk)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)

    def __enter__(self) -> StallingFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.real.close()


async def test_a_stalled_disk_does_not_stall_the_loop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    part = tmp_path / "clip.mp4.part"
    files: list[StallingFile] = []
    stalled, release = threading.Event(), threading.Event()
    real_open = Path.open

    def stalling_open(self: Path, *args: Any, **kwargs: Any) -> Any:
        handle = real_open(self, *args, **kwargs)
        if self == part:
            files.append(StallingFile(handle, stalled, release))
            return files[-1]
        return handle

    monkeypatch.setattr(Path, "open", stalling_open)
    download = asyncio.create_task(stream_to_file(_response(chunks=40), part, 0, None))
    assert await asyncio.to_thread(stalled.wait, 5)
    # While the disk is stuck the loop goes on: had the write blocked the loop, these
    # turns would come only after it (5 s later), with the write no longer under way.
    for _ in range(20):
        await asyncio.sleep(0)
    ticked_while_stalled = files[0].in_write
    release.set()
    await asyncio.wait_for(download, 10)
    assert ticked_while_stalled
    assert part.stat().st_size == 40 * CHUNK
    assert part.read_bytes()[-CHUNK:] == bytes([39]) * CHUNK


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/dev/full is Linux's")
async def test_a_disk_that_fills_mid_download_is_said_plainly(tmp_path: Path) -> None:
    """Every write to /dev/full fails with ENOSPC, as a disk filling up under us."""
    full = Path("/dev/full")
    if not os.access(full, os.W_OK):
        pytest.skip("/dev/full is not writable here")
    with pytest.raises(ApiError) as caught:
        await stream_to_file(_response(chunks=40), full, 0, None)
    assert caught.value.kind is ErrorKind.LOCAL_FILE
    assert "is full" in str(caught.value)


async def test_the_writer_ends_its_thread_when_the_download_is_cancelled(
    tmp_path: Path,
) -> None:
    before = {t.ident for t in threading.enumerate()}
    with (tmp_path / "x.part").open("wb") as out:
        writer = ChunkWriter(out, depth=2, batch_bytes=4)
        await writer.write(b"a" * 10)
        writer.close()  # as stream_to_file's finally, on cancel or failure
    assert {t.ident for t in threading.enumerate()} <= before | {None}
    with pytest.raises(OSError) as caught:
        await writer.write(b"late")
    assert caught.value.errno == errno.ECANCELED


async def test_a_slow_links_small_reads_are_gathered(tmp_path: Path) -> None:
    """A link slower than the app hands over a few KB per wake-up; the download waits a
    moment after a small read so the next takes more (the window's thread woke ~1,200
    times a second for two 20 MB/s downloads)."""
    pieces, piece = 400, 1024

    async def drip(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        head = f"HTTP/1.1 200 OK\r\nContent-Length: {pieces * piece}\r\n\r\n"
        writer.write(head.encode() + MP4_HEAD + bytes(piece - len(MP4_HEAD)))
        for _ in range(pieces - 1):
            await writer.drain()
            writer.write(b"x" * piece)
            await asyncio.sleep(0.0005)  # sleep-ok: the server dripping, not a wait
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(drip, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    reads: list[int] = []
    try:
        async with (
            httpx.AsyncClient() as client,
            client.stream("GET", f"http://127.0.0.1:{port}/clip.mp4") as response,
        ):
            part = tmp_path / "clip.mp4.part"
            await stream_to_file(response, part, 0, lambda done, _total: reads.append(done))
    finally:
        server.close()
        await server.wait_closed()
    assert part.stat().st_size == pieces * piece
    # Read as they came: ~400 reads; gathered: a few dozen.
    assert len(reads) < pieces // 3, len(reads)
