"""The gateway origin: the three Luma routes, auth, and the request-level faults."""

from __future__ import annotations

import asyncio
import json
import math
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from luma_desktop.sim.ledger import cost_of, valid_request_id
from luma_desktop.sim.render import render
from luma_desktop.sim.state import COMPLETED, DREAMING, FAILED, QUEUED, Job, SimCore
from luma_desktop.sim.validation import Refusal, validate_create

CORE: web.AppKey[SimCore] = web.AppKey("sim_core", SimCore)
COST_KEY: web.RequestKey[tuple[int, float]] = web.RequestKey("cost", tuple)
INFERENCE_KEY: web.RequestKey[str] = web.RequestKey("inference_id", str)
UNIFIED_ROUTES = ("u_create", "u_get")

PREFIX = "/v2/generate/video/luma-ai"
MALFORMED_BODY = '{"id": "abc", "state": '
WANTABLE = (QUEUED, DREAMING, COMPLETED)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def error(status: int, message: str, headers: dict[str, str] | None = None) -> web.Response:
    return web.json_response(
        {"statusCode": status, "message": message}, status=status, headers=headers
    )


def drop(request: web.Request) -> web.Response:
    """Close the connection without answering; aiohttp then fails to write, quietly."""
    if request.transport is not None:
        request.transport.close()
    return web.Response(status=204)


def unified_off(core: SimCore) -> int | None:
    """The status the unified route answers when it is switched off, else None."""
    if core.faults.unified_route_status:
        return core.faults.unified_route_status
    return None if core.config.unified_route else 404


def log_create(
    request: web.Request, status: str, body: object, inference_id: str, credits: int = 0
) -> None:
    """A create's row in the request log (either route)."""
    model = body.get("model") if isinstance(body, dict) else None
    request.app[CORE].ledger.record(
        status=status,
        model=str(model or "ray-2"),
        inference_id=inference_id,
        client_request_id=valid_request_id(request.headers.get("X-Client-Request-Id")),
        credits=credits,
    )


def _authorized(core: SimCore, header: str | None) -> bool:
    if not header:
        return False
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        return False
    return core.config.api_key is None or token == core.config.api_key


def _gate_fault(core: SimCore) -> web.Response | None:
    faults = core.faults
    if faults.take("server_errors"):
        status = faults.server_error_status
        return web.json_response(
            {"statusCode": status, "message": "upstream unavailable"}, status=status
        )
    if faults.take("rate_limits"):
        seconds = max(0, math.ceil(faults.retry_after))
        return error(429, "rate limit exceeded; retry later", {"Retry-After": str(seconds)})
    return None


@web.middleware
async def gateway_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    core = request.app[CORE]
    route = request.match_info.route.name
    if route is None:  # unknown path or method: a JSON error like the rest
        try:
            return await handler(request)
        except web.HTTPException as exc:
            return error(exc.status, exc.reason)
    core.counts[route] += 1
    off = unified_off(core) if route in UNIFIED_ROUTES else None
    if off is not None:  # a gateway without the route: nothing behind the path at all
        return error(off, "Not Found" if off == 404 else "Method Not Allowed")
    if not _authorized(core, request.headers.get("Authorization")):
        return error(401, "Unauthorized: invalid or missing API key")
    refused = _gate_fault(core)
    if refused is not None:
        return refused
    return await handler(request)


async def _send_json(request: web.Request, payload: Any, status: int = 200) -> web.StreamResponse:
    """Answer JSON; with faults.drip_polls_seconds, send the headers first, the body later."""
    delay = request.app[CORE].faults.setting("drip_polls_seconds")
    if not delay:
        return web.json_response(payload, status=status)
    body = json.dumps(payload).encode()
    resp = web.StreamResponse(status=status)
    resp.content_type = "application/json"
    resp.content_length = len(body)
    await resp.prepare(request)
    await asyncio.sleep(delay)
    await resp.write(body)
    await resp.write_eof()
    return resp


def _malformed() -> web.Response:
    return web.Response(status=200, text=MALFORMED_BODY, content_type="application/json")


Validator = Callable[[Any, Callable[[str], str | None], Callable[[], bool]], dict[str, Any]]


async def accept_create(
    request: web.Request, validate: Validator, **job_fields: Any
) -> Job | web.StreamResponse:
    """What every create route does before it answers: read, fault, validate, record,
    log and cost the job. Returns the job, or the response that ends the request."""
    core = request.app[CORE]
    try:
        body = json.loads(await request.read())
    except (ValueError, UnicodeDecodeError):
        return error(400, "malformed JSON body")
    core.received_bodies.append(body)
    if core.faults.take("fail_creates"):
        log_create(request, "failed", body, str(uuid.uuid4()))
        return error(500, "internal error: the generation could not be started")
    try:
        accepted = validate(body, core.state_of, lambda: core.faults.flag("reject_data_urls"))
    except Refusal as refusal:
        log_create(request, "failed", body, str(uuid.uuid4()))
        return error(refusal.status, refusal.message)
    job = core.create_job(accepted, **job_fields)
    credits, usd = cost_of(accepted)
    log_create(request, "succeeded", accepted, job.id, credits)
    request[INFERENCE_KEY] = job.id
    request[COST_KEY] = (credits, usd)
    if core.faults.take("drop_creates_after_accept"):
        return drop(request)
    return job


async def create(request: web.Request) -> web.StreamResponse:
    core = request.app[CORE]
    job = await accept_create(request, validate_create)
    if not isinstance(job, Job):
        return job
    answer = render(job, None, core.faults.setting("spelling"))
    if core.faults.flag("hold_create"):
        await core.wait_create_release()
    return web.json_response(answer, status=201)


def _wanted(request: web.Request) -> str | web.Response | None:
    value = request.query.get("state") or request.query.get("status")
    if not value:
        return None
    if value == FAILED:
        return error(400, "cannot wait for failed; ask for completed")
    if value not in WANTABLE:
        return error(422, f"state must be one of {', '.join(WANTABLE)}")
    return value


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
    wanted = _wanted(request)
    if isinstance(wanted, web.Response):
        return wanted
    job = core.jobs.get(gen_id)
    if job is None:
        return error(404, f"generation {gen_id} not found")
    if wanted is not None and not core.faults.flag("ignore_wanted_state"):
        await core.wait_for(job, wanted, core.config.hold_seconds)
    return await _send_json(request, _render(core, job, in_list=False))


def _render(core: SimCore, job: Job, in_list: bool) -> dict[str, Any]:
    return render(job, core.video_url(job), core.faults.setting("spelling"), in_list=in_list)


def many_ids(request: web.Request) -> list[str]:
    """generation_ids, generation_ids[] (repeated) and comma-separated forms, deduplicated."""
    ids: list[str] = []
    for key in ("generation_ids", "generation_ids[]"):
        for value in request.query.getall(key, []):
            ids.extend(part.strip() for part in value.split(","))
    return list(dict.fromkeys(i for i in ids if i))


async def get_many(request: web.Request) -> web.StreamResponse:
    core = request.app[CORE]
    if core.faults.take("malformed_json"):
        return _malformed()
    ids = many_ids(request)
    if not ids:
        return error(422, "generation_ids is required")
    items = [_render(core, core.jobs[i], in_list=True) for i in ids if i in core.jobs]
    payload: Any = {"generations": items} if core.faults.wrap_many else items
    return await _send_json(request, payload)


def gateway_app(core: SimCore) -> web.Application:
    app = web.Application(middlewares=[gateway_middleware])
    app[CORE] = core
    app.router.add_post(f"{PREFIX}/generation", create, name="create")
    app.router.add_get(f"{PREFIX}/generation", get_one, name="get", allow_head=False)
    app.router.add_get(f"{PREFIX}/generations", get_many, name="get_many", allow_head=False)
    return app
