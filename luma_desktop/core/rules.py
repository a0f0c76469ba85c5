"""Which combinations of model, route and parameters the gateway takes, read from the catalogue.

:func:`choice_issues` lists every problem of a :class:`Choice` in the artist's words;
:func:`why_not` says why one value cannot be picked with the rest (a tooltip); the
request validator and the prompt panel both ask these, so they never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from luma_desktop.core.catalogue import (
    ALL_ASPECT_RATIOS,
    GenType,
    ModelSpec,
    Route,
    RouteChoice,
    all_durations,
    all_resolutions,
    duration_seconds,
    model_choices,
    model_named,
    route_for,
)


@dataclass(frozen=True)
class Issue:
    field: str
    message: str


@dataclass(frozen=True)
class Choice:
    """The parameters of a request that decide whether the gateway can take it."""

    model: str | None = None
    route: str | None = None  # a RouteChoice value; None is automatic
    type: str = GenType.VIDEO.value
    aspect_ratio: str | None = None
    resolution: str | None = None
    duration: str | None = None  # "5s"
    loop: bool = False
    hdr: bool = False
    exr: bool = False
    has_video: bool = False
    image_frames: int = 0  # keyframes given as images
    generation_frames: int = 0  # keyframes naming a previous generation


def choice_issues(choice: Choice) -> list[Issue]:
    """Everything the gateway would refuse about ``choice``. Empty when it can be sent."""
    found = _enum_issues(choice)
    spec = model_named(choice.model)
    if spec is None:
        return found
    route = _route_issue(choice, spec, found)
    if route is None:
        return found
    bad = {i.field for i in found}
    found.extend(_model_issues(choice, spec, route, bad))
    found.extend(_type_issues(choice, spec))
    found.extend(_hdr_issues(choice, spec))
    return found


def why_not(choice: Choice, field: str, value: object) -> str:
    """Why ``field`` cannot take ``value`` with the rest of ``choice``; "" when it can."""
    trial = replace(choice, **{field: value})  # type: ignore[arg-type]
    for issue in choice_issues(trial):
        if issue.field == field:
            return issue.message
    before = {(i.field, i.message) for i in choice_issues(choice)}
    fresh = [i for i in choice_issues(trial) if (i.field, i.message) not in before]
    return fresh[0].message if fresh else ""


def concrete_route(choice: Choice) -> Route | None:
    spec = model_named(choice.model)
    return route_for(choice.route, spec) if spec else None


def _enum_issues(choice: Choice) -> list[Issue]:
    found: list[Issue] = []
    for name, value, allowed in (
        ("aspect_ratio", choice.aspect_ratio, ALL_ASPECT_RATIOS),
        ("model", choice.model, model_choices()),
        ("resolution", choice.resolution, all_resolutions()),
        ("duration", choice.duration, all_durations()),
        ("route", choice.route, tuple(c.value for c in RouteChoice)),
        ("type", choice.type, tuple(t.value for t in GenType)),
    ):
        if value is not None and value not in allowed:
            found.append(Issue(name, f"“{value}” is not one of {', '.join(allowed)}."))
    return found


def _route_issue(choice: Choice, spec: ModelSpec, found: list[Issue]) -> Route | None:
    if choice.route not in (None, *(c.value for c in RouteChoice)):
        return None
    route = route_for(choice.route, spec)
    if spec.served_on(route):
        return route
    if spec.retired:
        found.append(Issue("route", f"{spec.label}: {spec.retired}"))
    else:
        where = " and ".join(f"the {r.value} route" for r in spec.routes)
        found.append(
            Issue("route", f"{spec.label} is served only on {where}, not on the {route} route.")
        )
    return None


def _model_issues(choice: Choice, spec: ModelSpec, route: Route, bad: set[str]) -> list[Issue]:
    found: list[Issue] = []
    seconds = duration_seconds(choice.duration)
    for name, value, allowed, shown in (
        ("aspect_ratio", choice.aspect_ratio, spec.aspect_ratios, spec.aspect_ratios),
        ("resolution", choice.resolution, spec.resolutions, spec.resolutions),
        ("duration", seconds, spec.durations, tuple(f"{d}s" for d in spec.durations)),
    ):
        if value is not None and name not in bad and value not in allowed:
            found.append(
                Issue(name, f"{spec.label} takes {', '.join(shown)}, not {_shown(name, value)}.")
            )
    if choice.loop and not spec.loop:
        found.append(Issue("loop", f"{spec.label} cannot loop."))
    if choice.generation_frames and not spec.generation_keyframes:
        found.append(
            Issue(
                "keyframes",
                f"{spec.label} cannot continue a generation by its id: give the clip's last "
                "frame as the first-frame image instead.",
            )
        )
    return found


def _shown(name: str, value: object) -> str:
    return f"{value}s" if name == "duration" else str(value)


def _type_issues(choice: Choice, spec: ModelSpec) -> list[Issue]:
    try:
        kind = GenType(choice.type)
    except ValueError:
        return []
    if kind not in spec.types:
        return [Issue("type", f"{spec.label} cannot {_VERB[kind]}; Ray 3.2 can.")]
    if kind is GenType.VIDEO:
        if choice.has_video:
            return [Issue("video", "A source clip is only for modify and reframe.")]
        return []
    found: list[Issue] = []
    if not choice.has_video:
        found.append(Issue("video", f"To {_VERB[kind]}, give the source clip (a link or an id)."))
    if choice.image_frames or choice.generation_frames:
        found.append(Issue("keyframes", f"To {_VERB[kind]}, give a clip, not keyframes."))
    if choice.loop:
        found.append(Issue("loop", "Looping is only for new clips, not to modify or reframe."))
    if kind is GenType.REFRAME and choice.aspect_ratio is None:
        found.append(Issue("aspect_ratio", "Choose the aspect ratio to reframe the clip to."))
    return found


_VERB = {
    GenType.VIDEO: "make a clip",
    GenType.EDIT: "modify a clip",
    GenType.REFRAME: "reframe a clip",
}


def _hdr_issues(choice: Choice, spec: ModelSpec) -> list[Issue]:
    found: list[Issue] = []
    if choice.hdr and not spec.hdr:
        found.append(Issue("hdr", f"{spec.label} does not make HDR clips; Ray 3.2 does."))
    elif choice.hdr:
        seconds = duration_seconds(choice.duration) or spec.default_duration
        resolution = choice.resolution or spec.default_resolution
        if seconds not in spec.hdr_durations or resolution not in spec.hdr_resolutions:
            lengths = ", ".join(f"{d} s" for d in spec.hdr_durations)
            sizes = " or ".join(spec.hdr_resolutions)
            found.append(Issue("hdr", f"HDR is only for {lengths} clips at {sizes}."))
    if choice.exr and not spec.exr:
        found.append(Issue("exr", f"{spec.label} does not export EXR frames."))
    elif choice.exr and not choice.hdr:
        found.append(Issue("exr", "EXR frames come only with HDR: turn HDR on first."))
    return found
