"""Sending a job's create: write-ahead, the route, retries, the automatic fallback.

The job is written before anything leaves. A create is sent again only when the
gateway surely did not take it (the connection was never made, or it answered
429). On the unified route, chosen automatically, a 404 or 405 means the gateway
has no such route and created nothing: the same request goes to the Luma route,
so exactly one create reaches a route that takes it. Every create carries the
job's ``X-Client-Request-Id`` so a lost answer can be found in the gateway's log.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from luma_desktop.api.errors import ApiError, ErrorKind
from luma_desktop.api.models import Generation, strip_inline_data
from luma_desktop.api.text import sentence
from luma_desktop.core.catalogue import Route, RouteChoice
from luma_desktop.core.continuation import FrameUnavailable, through_frames
from luma_desktop.core.events import JobEvent
from luma_desktop.core.jobs import JobRecord, JobStatus
from luma_desktop.core.request import (
    PRICE_TOKENS,
    GenerationRequest,
    ImageKeyframe,
    InvalidRequest,
    Issue,
    frame_mark,
    is_generation_id,
)
from luma_desktop.core.routing import job_route

if TYPE_CHECKING:
    from luma_desktop.core.engine import JobEngine

log = logging.getLogger(__name__)

# Refusals that say for sure the gateway did not take (nor charge) a create; a 429
# is one too: a create answered 429 on every try was never taken.
DEFINITE_REFUSALS = frozenset({400, 401, 403, 404, 405, 422, 429})


async def submit(engine: JobEngine, request: GenerationRequest) -> JobRecord:
    """Write the job, then POST it to its route (falling back once, automatically)."""
    if request.route is None and engine.routes.choice is not RouteChoice.AUTO:
        request = replace(request, route=engine.routes.choice.value)  # judged for its route
    request = await _through_frames(engine, request)
    request.validated()
    client = engine.client(engine.base_url)  # checks the URL before anything is written
    request, source = await _source_link(engine, request)
    route = engine.routes.first(request, client.base_url)
    body = request.to_body(route)
    job = engine.store.add(
        base_url=engine._recorded_url(client),
        prompt=request.prompt,
        body=_stored(request, body),
        parents=[*request.parents(), *source],
        tokens=PRICE_TOKENS,  # the estimate until the gateway says what it cost
        route=route.value,
    )
    engine.emit(JobEvent.changed(job))
    while True:
        try:
            generation = await _create(engine, job, route, body)
        except ApiError as error:
            fallback = engine.routes.fallback(request, client.base_url, route, error)
            if fallback is None:
                return _create_failed(engine, job, error, request, route)
            log.info("%s has no unified route (%s): Luma route", job.base_url, error.status)
            route, body = fallback, request.to_body(fallback)
            job = engine.store.update(job.local_id, route=route.value, body=_stored(request, body))
            continue
        try:
            return engine.record(job, generation)
        except ApiError as error:  # taken, but its answer cannot be kept as it is
            return engine.end(job, JobStatus.UNKNOWN, error)


async def _through_frames(engine: JobEngine, request: GenerationRequest) -> GenerationRequest:
    """A clip named by id to a model that continues clips through frames (Ray 3.2): its
    frame, taken from the file here (the CLI's ``--frame0 gen:<id>``, another take of
    a Ray 3.2 extension)."""
    try:
        return await through_frames(request, engine.store.find_generation, unknown_ok=True)
    except FrameUnavailable as exc:
        raise InvalidRequest([Issue("frame0", str(exc))]) from None


def _stored(request: GenerationRequest, body: dict[str, Any]) -> dict[str, Any]:
    """The body as it is kept: inline images shortened, a clip's frame marked with the
    clip (Ray 3.2 continues clips through frames; the lineage reads the mark)."""
    stored: dict[str, Any] = strip_inline_data(body)
    for key, frame in (("image_url", request.frame0), ("last_image_url", request.frame1)):
        value = stored.get(key)
        if isinstance(frame, ImageKeyframe) and frame.clip and isinstance(value, str):
            stored[key] = frame_mark(value, frame.clip)
    return stored


async def _source_link(
    engine: JobEngine, request: GenerationRequest
) -> tuple[GenerationRequest, list[str]]:
    """Modify and reframe name their source clip by link or by generation id. An id
    is fetched again for a fresh link (a stored one may have expired); the source
    joins the new clip's lineage either way it was named."""
    video = request.video
    if not video or not is_generation_id(video):
        known = engine.store.find_video_url(video) if video else None
        return request, [known.generation_id] if known and known.generation_id else []
    known = engine.store.find_generation(video)
    base_url = known.base_url if known else engine.base_url
    route = job_route(known.route) if known else _route_of_id(video)
    try:
        generation = await engine.route_client(base_url, route).get(video)
    except ApiError as error:
        raise InvalidRequest([Issue("video", f"The source clip: {error.message}")]) from None
    if not generation.video_url:
        raise InvalidRequest(
            [Issue("video", "The source clip has no video yet: wait until it is ready.")]
        )
    return replace(request, video=generation.video_url), [video]


def _route_of_id(generation_id: str) -> Route:
    """Unified ids carry their model after a colon; Luma-route ids are bare uuids."""
    return Route.UNIFIED if ":" in generation_id else Route.LUMA


async def _create(
    engine: JobEngine, job: JobRecord, route: Route, body: dict[str, object]
) -> Generation:
    """One create, sent again only while the gateway surely did not take it."""
    from luma_desktop.api.unified import client_request_id  # with the HTTP stack, by now

    attempt = 0
    client = engine.route_client(job.base_url, route)
    while True:
        try:
            return await client.create(body, client_request_id(job.local_id))
        except ApiError as error:
            if not _may_retry_create(error) or attempt >= engine.policy.create_retries:
                raise
            await engine.pause(job, error, attempt)
            attempt += 1


def _create_failed(
    engine: JobEngine,
    job: JobRecord,
    error: ApiError,
    request: GenerationRequest,
    route: Route,
) -> JobRecord:
    message = error.message
    if _inline_image_refused(error, request):
        message = (
            "The gateway does not accept images sent from this computer inline. "
            "Give the keyframe as a public https image link instead. " + message
        )
    if route is Route.UNIFIED and error.status in (404, 405):
        message = (
            f"The gateway at {job.base_url} has no unified video route (HTTP {error.status}); "
            f"{request.spec.label} is served only there. Nothing was sent or charged."
        )
    sure = not error.request_sent or (error.status in DEFINITE_REFUSALS)
    if error.kind is ErrorKind.RATE_LIMITED:
        message = (
            "Not sent (rate limited): the gateway was busy on every try, so nothing was "
            "taken or charged. Try again in a few minutes."
        )
    if sure:
        return engine.end(job, JobStatus.REFUSED, error, message)
    message = (
        "The gateway may or may not have taken this request (and charged for it): "
        f"{sentence(error.message)} Looking for it in the gateway's request log; or adopt it by id "
        "from the gateway's dashboard, or discard it."
    )
    return engine.end(job, JobStatus.UNKNOWN, error, message)


def _inline_image_refused(error: ApiError, request: GenerationRequest) -> bool:
    said = error.message.lower()
    return (
        error.kind is ErrorKind.VALIDATION
        and request.has_inline_images
        and any(w in said for w in ("data:", "data uri", "url"))
    )


def _may_retry_create(error: ApiError) -> bool:
    if error.kind is ErrorKind.RATE_LIMITED:
        return True
    return not error.request_sent and error.kind in (ErrorKind.NETWORK, ErrorKind.TIMEOUT)
