"""The gateway's unified video route and account routes (contract sections 6 and 7).

- ``POST /v2/video/generations``: validated (:mod:`unified_checks`); answers 200 with
  ``{id: "<uuid>:luma/ray-2", status: "queued", ...}`` (the documentation names no
  other code). ``faults.fail_creates`` answers 500 and logs the request as failed;
  ``faults.drop_creates_after_accept`` takes it, then drops the connection.
- ``GET /v2/video/generations?generation_id=<id as returned>``: never holds;
  ``status`` queued|generating|completed|error, ``video.url``, ``error{name,message}``,
  ``meta.usage`` once completed.
- ``GET /v1/billing/balance`` and ``GET /v2/logs`` (rows delayed by
  ``log_delay_seconds``; 429 past ``logs_per_minute``).
- With ``config.unified_route`` False or ``faults.unified_route_status`` set, both
  generation paths answer 404 (or that status) before anything else: a gateway
  without the route.

Every gateway answer carries ``x-inference-id``; JSON answers carry
``x-aimlapi-credits-used`` and ``x-aimlapi-usd-spent`` (the create's answer carries
the generation's cost, other answers 0); a valid ``X-Client-Request-Id`` is echoed.
"""

from __future__ import annotations

import uuid
from typing import Any

from aiohttp import web

from luma_desktop.sim.gateway import (
    CORE,
    COST_KEY,
    INFERENCE_KEY,
    _malformed,
    _send_json,
    accept_create,
    drop,
    error,
)
from luma_desktop.sim.ledger import cost_of, valid_request_id
from luma_desktop.sim.state import COMPLETED, FAILED, Job
from luma_desktop.sim.unified_checks import validate_unified

ROUTE = "/v2/video/generations"
_STATUS = {"queued": "queued", "dreaming": "generating", COMPLETED: "completed", FAILED: "error"}


def render_unified(job: Job, video_url: str | None) -> dict[str, Any]:
    credits, usd = cost_of(job.request)
    done = job.state == COMPLETED
    return {
        "id": job.id,
        "status": _STATUS[job.state],
        "video": {"url": video_url} if video_url else None,
        "error": (
            {"name": "GenerationFailed", "message": job.failure_reason}
            if job.state == FAILED
            else None
        ),
        "meta": {"usage": {"credits_used": credits, "usd_spent": usd}} if done else None,
    }


def _client_request_id(request: web.Request) -> str | None:
    return valid_request_id(request.headers.get("X-Client-Request-Id"))


async def create(request: web.Request) -> web.StreamResponse:
    job = await accept_create(
        request,
        validate_unified,
        route="unified",
        client_request_id=_client_request_id(request),
    )
    if not isinstance(job, Job):
        return job
    return web.json_response(render_unified(job, None), status=200)


async def get_one(request: web.Request) -> web.StreamResponse:
    core = request.app[CORE]
    if core.faults.take("drop_polls"):
        await request.read()
        return drop(request)
    if core.faults.take("malformed_json"):
        return _malformed()
    gen_id = request.query.get("generation_id")
    if not gen_id:
        return error(422, "generation_id is required")
    job = core.jobs.get(gen_id)
    if job is None or job.route != "unified":
        return error(404, f"generation {gen_id} not found")
    request[INFERENCE_KEY] = job.id
    return await _send_json(request, render_unified(job, core.video_url(job)))


async def balance(request: web.Request) -> web.StreamResponse:
    return web.json_response(request.app[CORE].ledger.balance())


async def logs(request: web.Request) -> web.StreamResponse:
    core = request.app[CORE]
    if not core.ledger.allow_log_call():
        return error(429, "rate limit: 200 requests per 60 s", {"Retry-After": "60"})
    query = {key: request.query.getall(key) for key in set(request.query.keys())}
    try:
        limit = max(1, min(100, int(request.query.get("limit", "100"))))
        offset = max(0, int(request.query.get("offset", "0")))
    except ValueError:
        return error(422, "limit and offset must be integers")
    return web.json_response(core.ledger.page(query, limit, offset))


async def on_prepare(request: web.Request, response: web.StreamResponse) -> None:
    """The tracing and cost headers of every gateway answer."""
    response.headers.setdefault("x-inference-id", request.get(INFERENCE_KEY, str(uuid.uuid4())))
    credits, usd = request.get(COST_KEY, (0, 0.0))
    response.headers.setdefault("x-aimlapi-credits-used", str(credits))
    response.headers.setdefault("x-aimlapi-usd-spent", f"{usd:.6f}")
    request_id = _client_request_id(request)
    if request_id:
        response.headers.setdefault("x-client-request-id", request_id)


def add_routes(app: web.Application) -> None:
    app.router.add_post(ROUTE, create, name="u_create")
    app.router.add_get(ROUTE, get_one, name="u_get", allow_head=False)
    app.router.add_get("/v1/billing/balance", balance, name="balance", allow_head=False)
    app.router.add_get("/v2/logs", logs, name="logs", allow_head=False)
    app.on_response_prepare.append(on_prepare)
