"""Handlers for the hostile server: each one a way a gateway or a CDN can misbehave."""

from __future__ import annotations

import asyncio
import zlib
from collections.abc import Callable

from luma_desktop.core.limits import MiB
from tests.hostile.server import CLIP, HostileServer, Reply, Request, default_poll, serve_clip

# -- misbehaving handlers ------------------------------------------------------------------


async def gzip_bomb(server: HostileServer, req: Request, out: Reply) -> None:
    """An endless gzip stream of zeros: ~1000:1, produced only as fast as it is read."""
    await out.head(200, {"Content-Type": "application/json", "Content-Encoding": "gzip"})
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    await out.raw(packer.compress(b'{"id": "'))
    zeros = b"0" * MiB
    while True:
        await out.raw(packer.compress(zeros) + packer.flush(zlib.Z_SYNC_FLUSH))


async def endless_json(server: HostileServer, req: Request, out: Reply) -> None:
    await out.head(200, {"Content-Type": "application/json"})
    await out.raw(b'{"id": "' + b"a" * 1000)
    while True:
        await out.raw(b"a" * 65536)


async def deep_json(server: HostileServer, req: Request, out: Reply) -> None:
    await out.send(200, b"[" * 200_000 + b"]" * 200_000)


async def endless_video(server: HostileServer, req: Request, out: Reply) -> None:
    await out.head(200, {"Content-Type": "video/mp4"})
    await out.raw(CLIP[:64])
    while True:
        await out.raw(b"\x00" * 65536)


# The sleeps below are the hostile server dripping or stalling on purpose, not test waits.


async def huge_length(server: HostileServer, req: Request, out: Reply) -> None:
    await out.head(200, {"Content-Type": "video/mp4", "Content-Length": str(10 * 1024**3)})
    await out.raw(CLIP[:64])
    await asyncio.sleep(30)  # sleep-ok: the server misbehaving


async def drip_then_resume(server: HostileServer, req: Request, out: Reply) -> None:
    if "range" in req.headers:
        await serve_clip(req, out, CLIP)
        return
    await out.head(200, {"Content-Length": str(len(CLIP)), "Content-Type": "video/mp4"})
    await out.raw(CLIP[:20_000])
    for byte in CLIP[20_000:]:
        await out.raw(bytes([byte]))
        await asyncio.sleep(0.1)  # sleep-ok: the server misbehaving


async def drip_first_poll(server: HostileServer, req: Request, out: Reply) -> None:
    if server.state.setdefault("polls", 0) == 0:
        server.state["polls"] = 1
        await out.head(200, {"Content-Type": "application/json", "Content-Length": "500"})
        for _ in range(500):
            await out.raw(b" ")
            await asyncio.sleep(0.2)  # sleep-ok: the server misbehaving
    await default_poll(server, req, out)


async def echo_key_create(server: HostileServer, req: Request, out: Reply) -> None:
    echoed = req.headers.get("authorization", "")
    await out.json(400, {"message": f"invalid header Authorization: {echoed} ({echoed[7:]})"})


async def echo_key_failure(server: HostileServer, req: Request, out: Reply) -> None:
    echoed = req.headers.get("authorization", "")
    asked = req.query["generation_id"][0]
    await out.json(
        200,
        {
            "id": asked,
            "state": "failed",
            "failure_reason": f"\x1b[31mdenied for {echoed}\x1b[0m",
            "debug": {"headers": {"Authorization": echoed}, "key": echoed[7:]},
        },
    )


async def redirect_create(server: HostileServer, req: Request, out: Reply) -> None:
    await out.send(307, b"", {"Location": f"{server.base_url}/v2/moved"})


async def leave_and_come_back(server: HostileServer, req: Request, out: Reply) -> None:
    if req.path == "/video/start":
        other = server.state["other"]
        await out.send(302, b"", {"Location": f"{other.base_url}/bounce"})
    else:  # /video/back: the chain came back to the gateway's origin
        await serve_clip(req, out, CLIP)


async def bounce(server: HostileServer, req: Request, out: Reply) -> None:
    await out.send(302, b"", {"Location": f"{server.state['gateway'].base_url}/video/back"})


def poll_with_video(url: Callable[[HostileServer], str], state: str = "completed"):  # type: ignore[no-untyped-def]
    async def handler(server: HostileServer, req: Request, out: Reply) -> None:
        asked = req.query["generation_id"][0]
        await out.json(200, {"id": asked, "state": state, "assets": {"video": url(server)}})

    return handler


def rate_limited(times: int, retry_after: str):  # type: ignore[no-untyped-def]
    async def handler(server: HostileServer, req: Request, out: Reply) -> None:
        if server.state.setdefault("429s", 0) < times:
            server.state["429s"] += 1
            await out.json(429, {"message": "slow down"}, {"Retry-After": retry_after})
            return
        await out.json(201, {"id": server.gen_id, "state": "queued"})

    return handler


async def unknown_state(server: HostileServer, req: Request, out: Reply) -> None:
    await out.json(200, {"id": req.query["generation_id"][0], "state": "pondering"})


async def held_queued(server: HostileServer, req: Request, out: Reply) -> None:
    await asyncio.sleep(0.2)  # sleep-ok: the server misbehaving
    await out.json(200, {"id": req.query["generation_id"][0], "state": "queued"})


async def other_id(server: HostileServer, req: Request, out: Reply) -> None:
    await out.json(200, {"id": "0" * 36, "state": "completed", "assets": {"video": "x"}})


def created_as(gen_id: str):  # type: ignore[no-untyped-def]
    async def handler(server: HostileServer, req: Request, out: Reply) -> None:
        await out.json(201, {"id": gen_id, "state": "queued"})

    return handler
