"""A generation request as the artist describes it, validated before anything is sent.

Everything the gateway would refuse is caught here, with a message an artist
understands; the rules and the model table live in :mod:`luma_desktop.core.rules`
and :mod:`luma_desktop.core.catalogue`. ``to_body(route)`` gives exactly the create
body that route allows (:mod:`luma_desktop.core.bodies`): the schemas forbid
unknown properties, and ``callback_url`` is never sent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from luma_desktop.core import catalogue
from luma_desktop.core.bodies import build_body, generation_uuid
from luma_desktop.core.catalogue import GenType, Route, route_for
from luma_desktop.core.rules import Choice, Issue, choice_issues

__all__ = ["Issue", "generation_uuid"]

PROMPT_LIMIT = catalogue.PROMPT_LIMIT
ASPECT_RATIOS = catalogue.ALL_ASPECT_RATIOS
MODELS = tuple(catalogue.MODELS)  # the app's names, the default first
RESOLUTIONS = catalogue.all_resolutions()
DURATIONS = catalogue.all_durations()
PRICE_TOKENS = catalogue.LUMA_ROUTE_TOKENS  # every Luma-route generation and extension, flat

_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
# The unified route's ids: "<uuid>:luma/ray-2" (uuid, colon, model).
_SUFFIX = re.compile(r"^[a-z0-9]+(/[a-z0-9.\-]+)?$")


def is_generation_id(text: str) -> bool:
    """A bare uuid, or a unified-route id ``<uuid>:<model>``."""
    if not isinstance(text, str):
        return False
    head, sep, tail = text.partition(":")
    # fullmatch: with match(), "$" also accepts a trailing newline ("<uuid>\n").
    if _UUID.fullmatch(head) is None:
        return False
    return not sep or _SUFFIX.fullmatch(tail) is not None


# A stored body keeps inline images shortened; one that was a clip's frame (Ray 3.2
# continues clips through frames) says which clip, so the lineage and "another take"
# can find the clip again.
_FRAME_MARK = " | frame of clip "


def frame_mark(stored: str, clip: str) -> str:
    """A stored (shortened) image field that was ``clip``'s frame, saying so."""
    return f"{stored}{_FRAME_MARK}{clip}"


def marked_clip(value: object) -> str | None:
    """The clip a stored image field was taken from (see :func:`frame_mark`), or None."""
    if isinstance(value, str) and _FRAME_MARK in value:
        return value.rsplit(_FRAME_MARK, 1)[1] or None
    return None


@dataclass(frozen=True)
class ImageKeyframe:
    """An image the clip starts or ends on. ``url`` is http(s) or an inline ``data:`` URI."""

    url: str
    source: str = ""  # what the artist picked: a file path or the URL itself
    note: str = ""  # how it was prepared, e.g. "inline JPEG 1280×720, 143 KB"
    # A frame taken from a clip (Ray 3.2 continues clips through their frames): the
    # clip's generation id, for the lineage, and which end ("last" or "first").
    clip: str = ""
    clip_end: str = ""

    @property
    def inline(self) -> bool:
        return self.url.startswith("data:")

    def to_json(self) -> dict[str, str]:
        return {"type": "image", "url": self.url}

    def describe(self) -> str:
        return self.source or self.url


@dataclass(frozen=True)
class GenerationKeyframe:
    """A previous generation: frame0 continues it, frame1 leads into it."""

    generation_id: str

    def to_json(self) -> dict[str, str]:
        return {"type": "generation", "id": self.generation_id}

    def describe(self) -> str:
        return f"generation {self.generation_id}"


Keyframe = ImageKeyframe | GenerationKeyframe
Frame = Literal["frame0", "frame1"]


class InvalidRequest(ValueError):
    """The request would be refused; nothing was sent."""

    def __init__(self, issues: list[Issue]) -> None:
        super().__init__("; ".join(f"{i.field}: {i.message}" for i in issues))
        self.issues = issues


@dataclass(frozen=True)
class GenerationRequest:
    prompt: str
    aspect_ratio: str | None = None
    loop: bool = False
    model: str | None = None  # "ray-2" or a route's id ("luma/ray-2"); None: the default
    resolution: str | None = None
    duration: str | None = None  # "5s"
    frame0: Keyframe | None = None
    frame1: Keyframe | None = None
    route: str | None = None  # a RouteChoice value; None is automatic
    type: str = GenType.VIDEO.value  # video, video_edit, video_reframe
    hdr: bool = False
    exr: bool = False
    video: str | None = None  # modify/reframe: the source clip's link or generation id

    def issues(self) -> list[Issue]:
        """Everything the gateway would refuse, in the artist's words. Empty when valid."""
        found: list[Issue] = []
        text = self.prompt.strip()
        if not text:
            found.append(Issue("prompt", "Write a prompt: it is the one thing the model needs."))
        elif len(self.prompt) > PROMPT_LIMIT:
            over = len(self.prompt) - PROMPT_LIMIT
            found.append(
                Issue(
                    "prompt",
                    f"The prompt is {over:,} character{'s' if over > 1 else ''} over "
                    f"the {PROMPT_LIMIT:,} limit.",
                )
            )
        found.extend(choice_issues(self.choice()))
        for name, frame in (("frame0", self.frame0), ("frame1", self.frame1)):
            found.extend(_keyframe_issues(name, frame))
        if self.video is not None:
            found.extend(_video_issues(self.video))
        return found

    def choice(self) -> Choice:
        """The parameters the catalogue's rules judge."""
        frames = (self.frame0, self.frame1)
        return Choice(
            model=self.model,
            route=self.route,
            type=self.type,
            aspect_ratio=self.aspect_ratio,
            resolution=self.resolution,
            duration=self.duration,
            loop=self.loop,
            hdr=self.hdr,
            exr=self.exr,
            has_video=bool(self.video),
            image_frames=sum(isinstance(f, ImageKeyframe) for f in frames),
            generation_frames=sum(isinstance(f, GenerationKeyframe) for f in frames),
        )

    def validated(self) -> GenerationRequest:
        problems = self.issues()
        if problems:
            raise InvalidRequest(problems)
        return self

    @property
    def spec(self) -> catalogue.ModelSpec:
        return catalogue.model_named(self.model) or catalogue.MODELS[catalogue.DEFAULT_MODEL]

    def first_route(self) -> Route:
        """Where this request goes first (automatic: the unified route when it serves the model)."""
        return route_for(self.route, self.spec)

    def to_body(self, route: Route | None = None) -> dict[str, Any]:
        """The create body for ``route``: only its fields, only those that are set.

        Without a route: the route the request names; for a request that names none,
        the Luma route where it serves the model (what this method gave before there
        were two routes), else the model's first route."""
        if route is None:
            legacy = self.route is None and self.spec.served_on(Route.LUMA)
            route = Route.LUMA if legacy else self.first_route()
        return build_body(self, route)

    def parents(self) -> list[str]:
        """The generations this one extends (its lineage), in frame order: by id, or
        through a frame taken from the clip."""
        found: list[str] = []
        for frame in (self.frame0, self.frame1):
            if isinstance(frame, GenerationKeyframe):
                found.append(frame.generation_id)
            elif isinstance(frame, ImageKeyframe) and frame.clip:
                found.append(frame.clip)
        return found

    @property
    def has_inline_images(self) -> bool:
        return any(isinstance(f, ImageKeyframe) and f.inline for f in (self.frame0, self.frame1))

    @classmethod
    def from_body(cls, body: dict[str, Any]) -> GenerationRequest:
        """Rebuild a request from a stored body of either route ("reuse parameters")."""
        frames: dict[str, Keyframe | None] = {"frame0": None, "frame1": None}
        stored = body.get("keyframes")
        for name, data in (stored if isinstance(stored, dict) else {}).items():
            if name in frames and isinstance(data, dict):
                if data.get("type") == "generation":
                    frames[name] = GenerationKeyframe(str(data.get("id", "")))
                elif data.get("type") == "image":
                    frames[name] = ImageKeyframe(str(data.get("url", "")))
        for name, key in (("frame0", "image_url"), ("frame1", "last_image_url")):
            clip = marked_clip(body.get(key))
            if clip:  # a clip's frame: the clip again (its frame is taken again to send)
                frames[name] = GenerationKeyframe(clip)
            elif isinstance(body.get(key), str):
                frames[name] = ImageKeyframe(body[key])
        return cls(
            prompt=str(body.get("prompt") or ""),  # a stored null is no prompt, not "None"
            aspect_ratio=body.get("aspect_ratio"),
            loop=bool(body.get("loop", False)),
            model=_model_name(body.get("model")),
            resolution=body.get("resolution"),
            duration=_duration_text(body.get("duration")),
            frame0=frames["frame0"],
            frame1=frames["frame1"],
            type=str(body.get("type") or GenType.VIDEO.value),
            hdr=bool(body.get("hdr", False)),
            exr=bool(body.get("exr_export", False)),
            video=body.get("video_url") if isinstance(body.get("video_url"), str) else None,
        )


def _model_name(value: object) -> str | None:
    """A stored model id in the app's own spelling (``luma/ray-2`` → ``ray-2``)."""
    if not isinstance(value, str):
        return None
    spec = catalogue.model_named(value)
    return spec.name if spec else value


def _duration_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value}s"
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return f"{value}s"
    return str(value)


def _video_issues(video: str) -> list[Issue]:
    if is_generation_id(video) or re.fullmatch(r"https?://[^\s/?#]+[^\s]*", video, re.I):
        return []
    return [Issue("video", "The source clip must be an http(s) link or a generation id.")]


def _keyframe_issues(name: str, frame: Keyframe | None) -> list[Issue]:
    label = "first frame" if name == "frame0" else "last frame"
    if isinstance(frame, GenerationKeyframe) and not is_generation_id(frame.generation_id):
        return [
            Issue(name, f"The {label} names “{frame.generation_id}”, which is not a generation id.")
        ]
    if isinstance(frame, ImageKeyframe):
        url = frame.url
        if url.startswith("data:image/") and ";base64," in url:
            return []
        # fullmatch: with match(), "$" would also accept a trailing newline.
        if not re.fullmatch(r"https?://[^\s/?#]+[^\s]*", url, re.IGNORECASE):
            return [Issue(name, f"The {label} must be an http(s) image link or an image file.")]
    return []
