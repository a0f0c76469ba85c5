"""The video origin (the CDN): each generation's own clip behind expiring links, with Range.

``GET``/``HEAD /videos/<token>/<id>.mp4`` serves the clip drawn for the generation's
request (``clipmaker``: its prompt, aspect ratio, duration and loop, colours seeded by
its id), or with ``faults.big_payload_bytes`` a large deterministic payload, 16 KiB at
a time so the download faults can act mid-stream. Clips are drawn off the simulator's
loop and the last few are kept in memory; drawing is deterministic, so a clip asked
for again after a restart is the same clip.
"""

from __future__ import annotations

import asyncio
import os
import random
import sys
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from aiohttp import web

from luma_desktop.sim.clipmaker import ClipSpec, render_clip
from luma_desktop.sim.gateway import CORE
from luma_desktop.sim.state import SimCore

CHUNK = 16 * 1024
BIG_PREFIX = 4096


def clips_dir() -> Path:
    """Where the fixed sample clips live (env override, PyInstaller bundle, or source tree).

    The simulator draws each generation's clip; these stay for tests of the player.
    """
    env = os.environ.get("LUMA_DESKTOP_RESOURCES")
    if env:
        return Path(env) / "clips"
    meipass = getattr(sys, "_MEIPASS", None)
    if getattr(sys, "frozen", False) and meipass:
        return Path(meipass) / "resources" / "clips"
    return Path(__file__).resolve().parents[2] / "resources" / "clips"


# A dozen clips of 1-2 MB: enough for the jobs a window downloads at once.
@lru_cache(maxsize=12)
def _render(spec: ClipSpec) -> bytes:
    return render_clip(spec)


def job_clip(gen_id: str, request: dict[str, Any]) -> bytes:
    """The clip the video origin serves for this generation (drawn once, then kept)."""
    return _render(ClipSpec.from_request(gen_id, request))


class Payload:
    """A body of ``size`` bytes: a clip, or a clip's first 4 KiB then seeded filler."""

    def __init__(self, clip: bytes, size: int | None = None) -> None:
        self._clip = clip
        self._big = size is not None
        self.size = len(clip) if size is None else size
        self._prefix = clip[: min(BIG_PREFIX, self.size)]

    def _block(self, index: int) -> bytes:
        return random.Random(index).randbytes(CHUNK)

    def _big_piece(self, start: int, end: int) -> bytes:
        """Bytes [start, end) of the big payload, within one CHUNK-aligned block."""
        out = b""
        if start < len(self._prefix):
            out = self._prefix[start:end]
            start += len(out)
        if start >= end:
            return out
        block = start // CHUNK
        return out + self._block(block)[start - block * CHUNK : end - block * CHUNK]

    def pieces(self, start: int, end: int, chunk: int = CHUNK) -> Iterator[bytes]:
        """Bytes [start, end) in pieces of at most ``chunk`` that never cross a block."""
        pos = start
        while pos < end:
            stop = min(end, pos + chunk, (pos // CHUNK + 1) * CHUNK)
            yield self._big_piece(pos, stop) if self._big else self._clip[pos:stop]
            pos = stop

    def read(self, start: int, end: int) -> bytes:
        return b"".join(self.pieces(start, end))


class Unsatisfiable(Exception):
    """The Range asks for bytes beyond the end."""


def parse_range(header: str | None, size: int) -> tuple[int, int] | None:
    """Parse one ``bytes=`` range into [start, end) or None (serve everything).

    Malformed or multi-range headers are ignored (RFC 9110); a start past the end
    raises Unsatisfiable.
    """
    if not header or not header.startswith("bytes=") or "," in header:
        return None
    first, sep, last = header[len("bytes=") :].strip().partition("-")
    if not sep or not (first.isdigit() or last.isdigit()):
        return None
    if not first:  # suffix: the last N bytes
        if int(last) == 0:
            raise Unsatisfiable
        return max(0, size - int(last)), size
    start = int(first)
    if last and not last.isdigit():
        return None
    end = size if not last else int(last) + 1
    if last and end <= start:
        return None
    if start >= size:
        raise Unsatisfiable
    return start, min(end, size)


def _expired() -> web.Response:
    return web.json_response({"message": "link expired"}, status=403)


def _record(core: SimCore, request: web.Request) -> None:
    core.counts["video"] += 1
    core.video_request_headers.append(dict(request.headers))
    if "Authorization" in request.headers:
        core.video_requests_with_auth += 1


async def video(request: web.Request) -> web.StreamResponse:
    core = request.app[CORE]
    _record(core, request)
    name = request.match_info["name"]
    if not name.endswith(".mp4"):
        return _expired()
    job = core.link_job(request.match_info["token"], name.removesuffix(".mp4"))
    if job is None:
        return _expired()
    # Drawing takes a tenth of a second: off the loop, so polls are not held up.
    clip: bytes | None = core.faults.delivery_bytes
    if clip is None:
        clip = await asyncio.get_running_loop().run_in_executor(None, job_clip, job.id, job.request)
    payload = Payload(clip, core.faults.big_payload_bytes)
    headers = {"Accept-Ranges": "bytes", "Content-Type": "video/mp4"}
    try:
        span = parse_range(request.headers.get("Range"), payload.size)
    except Unsatisfiable:
        headers["Content-Range"] = f"bytes */{payload.size}"
        return web.Response(status=416, headers=headers)
    start, end = span or (0, payload.size)
    resp = web.StreamResponse(status=206 if span else 200, headers=headers)
    if span:
        resp.headers["Content-Range"] = f"bytes {start}-{end - 1}/{payload.size}"
    resp.content_length = end - start
    await resp.prepare(request)
    if request.method == "HEAD":
        return resp
    if await _stream(core, request, resp, payload, (start, end), job.id):
        await resp.write_eof()
    return resp


async def _stream(
    core: SimCore,
    request: web.Request,
    resp: web.StreamResponse,
    payload: Payload,
    span: tuple[int, int],
    gen_id: str,
) -> bool:
    """Send the body with the download faults; False when the connection was dropped."""
    faults = core.faults
    drop_at = faults.take_once("drop_download_after")
    pause_at = faults.take_once("pause_download_after")
    start, end = span
    sent = 0
    while start + sent < end:
        if drop_at is not None and sent >= drop_at:
            if request.transport is not None:
                request.transport.close()
            return False
        if pause_at is not None and sent >= pause_at:
            pause_at = None
            core.emit("download_paused", gen_id)
            await core.wait_download_release()
        rate = faults.setting("drip_bytes_per_second")
        limit = min(CHUNK, max(1, rate // 10)) if rate else CHUNK
        for mark in (drop_at, pause_at):
            if mark is not None and mark > sent:
                limit = min(limit, mark - sent)
        piece = payload.read(start + sent, min(end, start + sent + limit))
        try:
            await resp.write(piece)
        except ConnectionError:  # the client went away (or was killed): nothing to answer
            return False
        sent += len(piece)
        if rate:
            await asyncio.sleep(len(piece) / rate)
    return True


def video_app(core: SimCore) -> web.Application:
    app = web.Application()
    app[CORE] = core
    app.router.add_get("/videos/{token}/{name}", video, name="video")
    return app
