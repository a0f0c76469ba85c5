"""Create bodies for both routes, from a validated request and the catalogue.

- Luma route (contract section 1): ``duration`` is a string with the ``s``, ``model``
  is the bare name, keyframes as ``{type, url|id}``; unknown properties are refused,
  so only what is set is sent.
- Unified route (section 6): ``model`` is required and prefixed (``luma/ray-2``),
  ``duration`` is an integer (the schema says integer; its own examples send a
  string: we follow the schema). Ray 2 keeps ``keyframes``; a generation keyframe
  sends the uuid part of an id like ``<uuid>:luma/ray-2``. Ray 3.2 takes images as
  ``image_url`` / ``last_image_url``, the source clip as ``video_url``, and ``type``,
  ``hdr``, ``exr_export``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from luma_desktop.core.catalogue import (
    DEFAULT_MODEL,
    MODELS,
    GenType,
    ModelSpec,
    Route,
    duration_seconds,
    model_named,
)

if TYPE_CHECKING:
    from luma_desktop.core.request import GenerationRequest


def generation_uuid(generation_id: str) -> str:
    """The uuid part of a unified-route id (``<uuid>:luma/ray-2`` → ``<uuid>``)."""
    return generation_id.split(":", 1)[0]


def build_body(request: GenerationRequest, route: Route) -> dict[str, Any]:
    spec = model_named(request.model) or MODELS[DEFAULT_MODEL]
    if route is Route.LUMA:
        return luma_body(request, spec)
    if spec.generation_keyframes:
        return unified_keyframe_body(request, spec)
    return unified_image_body(request, spec)


def luma_body(request: GenerationRequest, spec: ModelSpec) -> dict[str, Any]:
    body: dict[str, Any] = {"prompt": request.prompt}
    if request.aspect_ratio:
        body["aspect_ratio"] = request.aspect_ratio
    if request.loop:
        body["loop"] = True
    if request.model:
        body["model"] = spec.ids.get(Route.LUMA, spec.name)
    if request.resolution:
        body["resolution"] = request.resolution
    if request.duration:
        body["duration"] = f"{duration_seconds(request.duration)}s"
    keyframes = _keyframes(request)
    if keyframes:
        body["keyframes"] = keyframes
    return body


def _common_unified(request: GenerationRequest, spec: ModelSpec) -> dict[str, Any]:
    body: dict[str, Any] = {"model": spec.ids[Route.UNIFIED], "prompt": request.prompt}
    if request.aspect_ratio:
        body["aspect_ratio"] = request.aspect_ratio
    if request.resolution:
        body["resolution"] = request.resolution
    if request.duration:
        body["duration"] = duration_seconds(request.duration)
    if request.loop:
        body["loop"] = True
    return body


def unified_keyframe_body(request: GenerationRequest, spec: ModelSpec) -> dict[str, Any]:
    """Ray 2 and Ray Flash 2 on the unified route."""
    body = _common_unified(request, spec)
    keyframes = _keyframes(request)
    if keyframes:
        body["keyframes"] = keyframes
    return body


def unified_image_body(request: GenerationRequest, spec: ModelSpec) -> dict[str, Any]:
    """Ray 3.2: images by URL field, a source clip for modify and reframe, HDR and EXR."""
    body = _common_unified(request, spec)
    if request.type != GenType.VIDEO.value:
        body["type"] = request.type
    for name, frame in (("image_url", request.frame0), ("last_image_url", request.frame1)):
        data = frame.to_json() if frame is not None else None
        if data and data.get("type") == "image":
            body[name] = data["url"]
    if request.video:
        body["video_url"] = request.video
    if request.hdr:
        body["hdr"] = True
    if request.exr:
        body["exr_export"] = True
    return body


def _keyframes(request: GenerationRequest) -> dict[str, dict[str, str]]:
    """Both routes' schemas say ``format: uuid`` for a generation keyframe."""
    frames: dict[str, dict[str, str]] = {}
    for name, frame in (("frame0", request.frame0), ("frame1", request.frame1)):
        if frame is None:
            continue
        data = frame.to_json()
        if data.get("type") == "generation":
            data = {"type": "generation", "id": generation_uuid(data["id"])}
        frames[name] = data
    return frames
