"""A generation request as the artist describes it, validated before anything is sent.

Everything the gateway would refuse is caught here, with a message an artist
understands. ``to_body`` gives exactly the create body the contract allows (the
schema forbids unknown properties, and ``callback_url`` is never sent).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

PROMPT_LIMIT = 2048
ASPECT_RATIOS = ("16:9", "1:1", "9:16", "4:3", "3:4", "21:9", "9:21")
MODELS = ("ray-2", "ray-flash-2", "ray-1-6")
RESOLUTIONS = ("540p", "720p", "1080p", "4k")
DURATIONS = ("5s", "9s")
PRICE_TOKENS = 500_000  # every generation and every extension, flat

_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def is_generation_id(text: str) -> bool:
    # fullmatch: with match(), "$" also accepts a trailing newline ("<uuid>\n").
    return isinstance(text, str) and _UUID.fullmatch(text) is not None


@dataclass(frozen=True)
class ImageKeyframe:
    """An image the clip starts or ends on. ``url`` is http(s) or an inline ``data:`` URI."""

    url: str
    source: str = ""  # what the artist picked: a file path or the URL itself
    note: str = ""  # how it was prepared, e.g. "inline JPEG 1280×720, 143 KB"

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


@dataclass(frozen=True)
class Issue:
    field: str
    message: str


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
    model: str | None = None
    resolution: str | None = None
    duration: str | None = None
    frame0: Keyframe | None = None
    frame1: Keyframe | None = None

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
        for name, value, allowed in (
            ("aspect_ratio", self.aspect_ratio, ASPECT_RATIOS),
            ("model", self.model, MODELS),
            ("resolution", self.resolution, RESOLUTIONS),
            ("duration", self.duration, DURATIONS),
        ):
            if value is not None and value not in allowed:
                found.append(Issue(name, f"“{value}” is not one of {', '.join(allowed)}."))
        for name, frame in (("frame0", self.frame0), ("frame1", self.frame1)):
            found.extend(_keyframe_issues(name, frame))
        return found

    def validated(self) -> GenerationRequest:
        problems = self.issues()
        if problems:
            raise InvalidRequest(problems)
        return self

    def to_body(self) -> dict[str, Any]:
        """The create body: only the contract's fields, only those that are set."""
        body: dict[str, Any] = {"prompt": self.prompt}
        if self.aspect_ratio:
            body["aspect_ratio"] = self.aspect_ratio
        if self.loop:
            body["loop"] = True
        if self.model:
            body["model"] = self.model
        if self.resolution:
            body["resolution"] = self.resolution
        if self.duration:
            body["duration"] = self.duration
        keyframes = {
            name: frame.to_json()
            for name, frame in (("frame0", self.frame0), ("frame1", self.frame1))
            if frame is not None
        }
        if keyframes:
            body["keyframes"] = keyframes
        return body

    def parents(self) -> list[str]:
        """The generations this one extends (its lineage), in frame order."""
        return [
            f.generation_id for f in (self.frame0, self.frame1) if isinstance(f, GenerationKeyframe)
        ]

    @property
    def has_inline_images(self) -> bool:
        return any(isinstance(f, ImageKeyframe) and f.inline for f in (self.frame0, self.frame1))

    @classmethod
    def from_body(cls, body: dict[str, Any]) -> GenerationRequest:
        """Rebuild a request from a stored body ("reuse parameters")."""
        frames: dict[str, Keyframe | None] = {"frame0": None, "frame1": None}
        stored = body.get("keyframes")
        for name, data in (stored if isinstance(stored, dict) else {}).items():
            if name in frames and isinstance(data, dict):
                if data.get("type") == "generation":
                    frames[name] = GenerationKeyframe(str(data.get("id", "")))
                elif data.get("type") == "image":
                    frames[name] = ImageKeyframe(str(data.get("url", "")))
        return cls(
            prompt=str(body.get("prompt") or ""),  # a stored null is no prompt, not "None"
            aspect_ratio=body.get("aspect_ratio"),
            loop=bool(body.get("loop", False)),
            model=body.get("model"),
            resolution=body.get("resolution"),
            duration=body.get("duration"),
            frame0=frames["frame0"],
            frame1=frames["frame1"],
        )


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
