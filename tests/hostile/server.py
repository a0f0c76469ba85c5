"""A tiny HTTP/1.1 server on loopback that misbehaves on purpose.

Each case gives it handlers for the three things a gateway does (take a create,
answer a poll, serve a clip); the defaults behave, so a case only writes the
defect it is about. Raw sockets, not aiohttp: a hostile server must be able to
send what no framework would (bombs, drips, lies in the headers).
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

ROUTE_ONE = "/v2/generate/video/luma-ai/generation"
CLIP = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + bytes(range(256)) * 160  # ~40 KB


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body or b"null")


class Reply:
    """Writes to the client; helpers for whole answers, raw pieces for the odd ones."""

    def __init__(self, writer: asyncio.StreamWriter) -> None:
        self.writer = writer

    async def raw(self, data: bytes) -> None:
        self.writer.write(data)
        await self.writer.drain()

    async def head(self, status: int, headers: dict[str, str]) -> None:
        lines = [f"HTTP/1.1 {status} X"] + [f"{k}: {v}" for k, v in headers.items()]
        await self.raw(("\r\n".join([*lines, "Connection: close", "", ""])).encode("latin-1"))

    async def send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        await self.head(status, {"Content-Length": str(len(body)), **(headers or {})})
        await self.raw(body)

    async def json(self, status: int, value: Any, headers: dict[str, str] | None = None) -> None:
        await self.send(
            status,
            json.dumps(value).encode(),
            {"Content-Type": "application/json", **(headers or {})},
        )


Handler = Callable[["HostileServer", Request, Reply], Awaitable[None]]


async def default_create(server: HostileServer, req: Request, out: Reply) -> None:
    await out.json(201, {"id": server.gen_id, "state": "queued"})


async def default_poll(server: HostileServer, req: Request, out: Reply) -> None:
    asked = req.query.get("generation_id", [""])[0]
    video = f"{server.base_url}/video/clip.mp4"
    await out.json(200, {"id": asked, "state": "completed", "assets": {"video": video}})


async def default_video(server: HostileServer, req: Request, out: Reply) -> None:
    await serve_clip(req, out, CLIP)


async def serve_clip(req: Request, out: Reply, clip: bytes) -> None:
    start = 0
    ranged = req.headers.get("range", "")
    if ranged.startswith("bytes="):
        start = int(ranged[6:].split("-")[0])
        await out.send(
            206, clip[start:], {"Content-Range": f"bytes {start}-{len(clip) - 1}/{len(clip)}"}
        )
        return
    await out.send(200, clip)


@dataclass
class HostileServer:
    on_create: Handler = default_create
    on_poll: Handler = default_poll
    on_video: Handler = default_video
    on_other: Handler | None = None
    gen_id: str = "6f1c2b9e-1111-4222-8333-444455556666"
    requests: list[Request] = field(default_factory=list)
    state: dict[str, Any] = field(default_factory=dict)  # for handlers that change over time
    base_url: str = ""

    def __post_init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._ready = threading.Event()

    @property
    def creates(self) -> int:
        return sum(1 for r in self.requests if r.method == "POST")

    def keyed(self) -> list[Request]:
        return [r for r in self.requests if "authorization" in r.headers]

    def start(self) -> HostileServer:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the hostile server did not start")
        return self

    def stop(self) -> None:
        loop = self._loop
        if loop is not None and self._thread is not None:
            loop.call_soon_threadsafe(self._stopping.set)
            self._thread.join(10)

    def _run(self) -> None:
        asyncio.run(self._serve())

    async def _serve(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stopping = asyncio.Event()
        server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        self.base_url = f"http://127.0.0.1:{port}"
        self._ready.set()
        async with server:
            await self._stopping.wait()
            for task in list(self._tasks):
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            req = await _read_request(reader)
            if req is None:
                return
            self.requests.append(req)
            await self._route(req)(self, req, Reply(writer))
        except (ConnectionError, asyncio.IncompleteReadError):
            pass  # the client went away: that is its right
        except asyncio.CancelledError:
            pass  # stopping: asyncio would log a cancelled connection task as an error
        finally:
            self._tasks.discard(task)
            writer.close()

    def _route(self, req: Request) -> Handler:
        if req.path == ROUTE_ONE:
            return self.on_create if req.method == "POST" else self.on_poll
        if req.path.startswith("/video/"):
            return self.on_video
        if self.on_other is not None:
            return self.on_other
        return _not_found


async def _not_found(server: HostileServer, req: Request, out: Reply) -> None:
    await out.json(404, {"message": "no such route"})


async def _read_request(reader: asyncio.StreamReader) -> Request | None:
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError:
        return None
    lines = head.decode("latin-1").split("\r\n")
    method, target, _ = lines[0].split(" ", 2)
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0") or 0)
    body = await reader.readexactly(length) if length else b""
    parts = urlsplit(target)
    return Request(method, parts.path, parse_qs(parts.query), headers, body)
