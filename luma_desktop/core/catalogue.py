"""The model catalogue: every model, the routes that serve it, its parameters and limits.

Pure data plus small functions, no Qt and no I/O. Validation, request bodies for
both routes (:mod:`luma_desktop.core.bodies`), the prompt panel's choices, the
CLI's choices and the simulator's validation all read this one table, so adding a
model is one :class:`ModelSpec` entry.

Facts come from ``shared/API_CONTRACT.md`` sections 1 and 6; where the gateway's
documentation says nothing (typical render time, the cost of a Luma-route clip on
the unified pricing) the figure is marked as an estimate.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Route(StrEnum):
    """The two ways the gateway serves Luma models."""

    LUMA = "luma"  # /v2/generate/video/luma-ai/generation (the route the app started from)
    UNIFIED = "unified"  # /v2/video/generations (the gateway's current documentation)


class RouteChoice(StrEnum):
    """What the artist picks; AUTO sends to the unified route, falling back to Luma's."""

    AUTO = "auto"
    LUMA = "luma"
    UNIFIED = "unified"


class GenType(StrEnum):
    VIDEO = "video"  # generate or extend
    EDIT = "video_edit"  # a prompt applied to an existing clip
    REFRAME = "video_reframe"  # the same clip in another aspect ratio


# The CLI's short spellings of the generation types.
TYPE_WORDS: dict[str, GenType] = {
    "video": GenType.VIDEO,
    "edit": GenType.EDIT,
    "modify": GenType.EDIT,
    "reframe": GenType.REFRAME,
    "video_edit": GenType.EDIT,
    "video_reframe": GenType.REFRAME,
}

PROMPT_LIMIT = 2048
ALL_ASPECT_RATIOS = ("16:9", "1:1", "9:16", "4:3", "3:4", "21:9", "9:21")
LUMA_ROUTE_TOKENS = 500_000  # the Luma route's flat price per generation and extension


@dataclass(frozen=True)
class Cost:
    """What a clip is known to cost; ``None`` where nobody has said."""

    tokens: int | None = None  # the Luma route's AI/ML tokens
    credits: int | None = None  # the unified route's credits (meta.usage.credits_used)
    usd: float | None = None
    estimate: bool = True  # False only where the documentation states the figure


@dataclass(frozen=True)
class ModelSpec:
    name: str  # the app's own name, also the Luma route's id: "ray-2"
    label: str
    ids: dict[Route, str]  # the id on each route serving it
    aspect_ratios: tuple[str, ...]
    resolutions: tuple[str, ...]
    durations: tuple[int, ...]  # seconds
    default_aspect_ratio: str = "16:9"
    default_resolution: str | None = None  # None: the route decides
    default_duration: int = 5
    types: tuple[GenType, ...] = (GenType.VIDEO,)
    generation_keyframes: bool = True  # {type: generation, id} keyframes (extend by id)
    hdr: bool = False
    hdr_durations: tuple[int, ...] = ()
    hdr_resolutions: tuple[str, ...] = ()
    exr: bool = False  # exr_export (needs hdr)
    loop: bool = True
    typical_seconds: float = 90.0  # render time until the store has history (an estimate)
    cost: Cost = field(default_factory=Cost)
    retired: str = ""  # why the gateway no longer serves it on some route

    @property
    def routes(self) -> tuple[Route, ...]:
        return tuple(r for r in Route if r in self.ids)

    def served_on(self, route: Route) -> bool:
        return route in self.ids


_RAY2_RESOLUTIONS = ("540p", "720p", "1080p", "4k")

MODELS: dict[str, ModelSpec] = {
    spec.name: spec
    for spec in (
        ModelSpec(
            name="ray-2",
            label="Ray 2",
            ids={Route.LUMA: "ray-2", Route.UNIFIED: "luma/ray-2"},
            aspect_ratios=ALL_ASPECT_RATIOS,
            resolutions=_RAY2_RESOLUTIONS,
            durations=(5, 9),
            typical_seconds=90.0,
            cost=Cost(tokens=LUMA_ROUTE_TOKENS),
        ),
        ModelSpec(
            name="ray-flash-2",
            label="Ray Flash 2",
            ids={Route.LUMA: "ray-flash-2", Route.UNIFIED: "luma/ray-flash-2"},
            aspect_ratios=ALL_ASPECT_RATIOS,
            resolutions=_RAY2_RESOLUTIONS,
            durations=(5, 9),
            typical_seconds=45.0,
            cost=Cost(tokens=LUMA_ROUTE_TOKENS),
        ),
        ModelSpec(
            name="ray-3.2",
            label="Ray 3.2",
            ids={Route.UNIFIED: "luma/ray-3.2"},
            aspect_ratios=("16:9", "1:1", "9:16", "4:3", "3:4", "21:9"),
            resolutions=("360p", "540p", "720p", "1080p"),
            durations=(5, 10),
            default_resolution="720p",
            types=(GenType.VIDEO, GenType.EDIT, GenType.REFRAME),
            generation_keyframes=False,
            hdr=True,
            hdr_durations=(5,),
            hdr_resolutions=("720p", "1080p"),
            exr=True,
            typical_seconds=120.0,
        ),
        ModelSpec(
            name="ray-1-6",
            label="Ray 1.6",
            ids={Route.LUMA: "ray-1-6"},
            aspect_ratios=ALL_ASPECT_RATIOS,
            resolutions=_RAY2_RESOLUTIONS,
            durations=(5, 9),
            typical_seconds=120.0,
            cost=Cost(tokens=LUMA_ROUTE_TOKENS),
            retired="Retired by the gateway: listed as no longer callable; only the old Luma "
            "route may still take it.",
        ),
    )
}
DEFAULT_MODEL = "ray-2"
# What a model without its own default_resolution renders when none is asked for (the
# unified route documents 1080p for Ray 2 and Ray Flash 2; the Luma route says nothing).
DEFAULT_RESOLUTION = "1080p"


def model_named(name: str | None) -> ModelSpec | None:
    """``ray-2``, ``luma/ray-2`` (any case) → its spec; None when unknown. None → default."""
    if name is None:
        return MODELS[DEFAULT_MODEL]
    wanted = name.strip().lower()
    for spec in MODELS.values():
        if wanted == spec.name or wanted in spec.ids.values():
            return spec
    return None


def model_for_id(model_id: str) -> ModelSpec | None:
    """The spec behind a route's model id (``luma/ray-2``) or the app's name."""
    return model_named(model_id)


def route_for(choice: RouteChoice | str | None, spec: ModelSpec) -> Route:
    """The route a request goes to first. AUTO: the unified route when it serves the
    model (the gateway's current one), else the only route that does."""
    picked = RouteChoice(choice) if choice else RouteChoice.AUTO
    if picked is RouteChoice.LUMA:
        return Route.LUMA
    if picked is RouteChoice.UNIFIED:
        return Route.UNIFIED
    return Route.UNIFIED if spec.served_on(Route.UNIFIED) else spec.routes[0]


def duration_seconds(value: str | int | None) -> int | None:
    """``"5s"``, ``"5"``, ``5`` → 5; None stays None; anything else → -1 (invalid)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return -1
    if isinstance(value, int):
        return value
    text = value.strip().lower().removesuffix("s")
    return int(text) if text.isascii() and text.isdigit() else -1  # "²" is a digit too


# -- the choices each face offers ---------------------------------------------------------


def model_choices() -> tuple[str, ...]:
    """Every spelling the CLI accepts for ``--model``: names and route ids."""
    names: list[str] = []
    for spec in MODELS.values():
        names.append(spec.name)
        names.extend(i for i in spec.ids.values() if i != spec.name)
    return tuple(names)


def all_resolutions() -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for spec in MODELS.values():
        seen.update(dict.fromkeys(spec.resolutions))
    order = ("360p", "540p", "720p", "1080p", "4k")
    return tuple(sorted(seen, key=order.index))


def all_durations() -> tuple[str, ...]:
    """As the Luma route spells them (``"5s"``); the unified body sends the integer."""
    seconds = sorted({d for spec in MODELS.values() for d in spec.durations})
    return tuple(f"{d}s" for d in seconds)


def type_choices() -> tuple[str, ...]:
    return ("video", "edit", "reframe")


def route_choices() -> tuple[str, ...]:
    return tuple(c.value for c in RouteChoice)


def typical_seconds(model: str | None) -> float:
    spec = model_named(model)
    return spec.typical_seconds if spec else MODELS[DEFAULT_MODEL].typical_seconds
