"""Demo clips drawn for their request: the prompt's words, per-job colours and motion.

Every demo generation gets its own clip, so takes, extensions and chains can be told
apart, and the player, scrubbing and frame stepping have something to show: the
requested aspect ratio and duration (a real 5 s or 9/10 s clip, small), colours and
moving shapes seeded from the generation id, the prompt on screen, a burned-in
timecode and frame number (not on loops), and for a loop the last frame equal to the
first. Frames are drawn with Pillow and muxed as Motion-JPEG (no encoder binary).
"""

from __future__ import annotations

import colorsys
import math
import random
import re
import textwrap
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from PIL import Image, ImageDraw, ImageFont

from luma_desktop.sim.mp4mux import mux_mjpeg

FPS = 24
LONG_SIDE = 320  # small: a demo clip is a few hundred KB, drawn in a fraction of a second
JPEG_QUALITY = 70
ORBS = 4
_RATIOS = {
    "1:1": (1, 1),
    "16:9": (16, 9),
    "9:16": (9, 16),
    "4:3": (4, 3),
    "3:4": (3, 4),
    "21:9": (21, 9),
    "9:21": (9, 21),
}


@dataclass(frozen=True)
class ClipSpec:
    """What a clip shows; ``seed`` (the generation id) picks colours and motion."""

    seed: str
    prompt: str = ""
    aspect_ratio: str = "16:9"
    seconds: int = 5
    loop: bool = False
    fps: int = FPS
    long_side: int = LONG_SIDE

    @property
    def size(self) -> tuple[int, int]:
        w, h = _RATIOS.get(self.aspect_ratio, (16, 9))
        scale = self.long_side / max(w, h)
        # Even sizes: decoders with 4:2:0 chroma prefer them.
        return max(2, round(w * scale / 2) * 2), max(2, round(h * scale / 2) * 2)

    @property
    def frame_count(self) -> int:
        return max(2, round(self.seconds * self.fps))

    @classmethod
    def from_request(cls, seed: str, request: dict[str, Any], **kw: Any) -> ClipSpec:
        """A spec from a create body (either route's spelling), defaults where unset."""
        prompt = request.get("prompt")
        ratio = request.get("aspect_ratio")
        return cls(
            seed=seed,
            prompt=prompt if isinstance(prompt, str) else "",
            aspect_ratio=ratio if ratio in _RATIOS else "16:9",
            seconds=parse_seconds(request.get("duration")),
            loop=request.get("loop") is True,
            **kw,
        )


def parse_seconds(value: object) -> int:
    """``"5s"``, ``"9s"``, ``"5"``, 9, 10 → seconds; anything else is the default 5."""
    if isinstance(value, bool):
        return 5
    if isinstance(value, int | float) and 1 <= value <= 30:
        return int(value)
    match = re.fullmatch(r"\s*(\d{1,2})\s*s?\s*", value) if isinstance(value, str) else None
    return int(match.group(1)) if match and 1 <= int(match.group(1)) <= 30 else 5


# Frames are JPEGs in studio range (16-235), declared by FFmpeg's "CS=ITU601"
# comment: a full-range JPEG decodes to the deprecated yuvj420p, and Qt then logs a
# warning for every frame it converts. Squeezing RGB squeezes luma exactly and chroma
# within 2%, so every colour is squeezed once, up front, not frame by frame.
_STUDIO = [16 + round(v * 219 / 255) for v in range(256)]


def studio(rgb: tuple[int, int, int]) -> tuple[int, int, int]:
    return _STUDIO[rgb[0]], _STUDIO[rgb[1]], _STUDIO[rgb[2]]


def _colour(rng: random.Random, lightness: float, saturation: float) -> tuple[int, int, int]:
    r, g, b = colorsys.hls_to_rgb(rng.random(), lightness, saturation)
    return studio((round(r * 255), round(g * 255), round(b * 255)))


def _background(size: tuple[int, int], rng: random.Random) -> Image.Image:
    """A diagonal two-colour gradient in the job's colours."""
    top, bottom = _colour(rng, 0.3, 0.6), _colour(rng, 0.12, 0.5)
    ramp = Image.linear_gradient("L").rotate(
        rng.uniform(-40, 40), resample=Image.Resampling.BILINEAR
    )
    ramp = ramp.crop((40, 40, 216, 216)).resize(size, Image.Resampling.BILINEAR)
    return Image.composite(Image.new("RGB", size, bottom), Image.new("RGB", size, top), ramp)


_LIGHT = studio((255, 255, 255))
_DARK = studio((0, 0, 0))


def _font(px: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=px)


def _text_layer(spec: ClipSpec) -> Image.Image:
    """The prompt's words, wrapped and shadowed, on a transparent layer."""
    w, h = spec.size
    px = max(10, round(min(w, h) / 12))
    font = _font(px)
    chars = max(8, int(w * 0.86 / (px * 0.55)))
    words = spec.prompt.strip() or "(no prompt)"
    lines = textwrap.wrap(words, chars)[: max(2, int(h * 0.55 / (px * 1.25)))]
    layer = Image.new("RGBA", spec.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    y = (h - len(lines) * px * 1.25) / 2
    for line in lines:
        x = (w - draw.textlength(line, font=font)) / 2
        draw.text((x + 1, y + 1), line, font=font, fill=(*_DARK, 170))
        draw.text((x, y), line, font=font, fill=(*_LIGHT, 235))
        y += px * 1.25
    return layer


@dataclass(frozen=True)
class _Orb:
    colour: tuple[int, int, int]
    radius: float
    centre: tuple[float, float]
    reach: tuple[float, float]
    turns: tuple[int, int]  # whole turns per clip: a loop comes back where it began
    phase: tuple[float, float]

    def box(self, size: tuple[int, int], u: float) -> tuple[float, float, float, float]:
        w, h = size
        x = w * (
            self.centre[0]
            + self.reach[0] * math.sin(2 * math.pi * self.turns[0] * u + self.phase[0])
        )
        y = h * (
            self.centre[1]
            + self.reach[1] * math.cos(2 * math.pi * self.turns[1] * u + self.phase[1])
        )
        r = self.radius * min(w, h)
        return x - r, y - r, x + r, y + r


def _orbs(rng: random.Random) -> list[_Orb]:
    return [
        _Orb(
            colour=_colour(rng, 0.6, 0.85),
            radius=rng.uniform(0.07, 0.16),
            centre=(rng.uniform(0.3, 0.7), rng.uniform(0.3, 0.7)),
            reach=(rng.uniform(0.15, 0.35), rng.uniform(0.15, 0.35)),
            turns=(rng.randint(1, 2), rng.randint(1, 2)),
            phase=(rng.uniform(0, math.tau), rng.uniform(0, math.tau)),
        )
        for _ in range(ORBS)
    ]


def timecode(frame: int, fps: int) -> str:
    seconds, ff = divmod(frame, fps)
    minutes, ss = divmod(seconds, 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}:{ss:02d}:{ff:02d}"


class _Painter:
    def __init__(self, spec: ClipSpec) -> None:
        rng = random.Random(spec.seed)
        self.spec = spec
        self.background = _background(spec.size, rng)
        self.orbs = _orbs(rng)
        self.text = _text_layer(spec)
        self.small_px = max(8, round(min(spec.size) / 20))
        self.small = _font(self.small_px)
        # A loop's motion has a whole period over frames 0..n-1 so frame n-1 == frame 0.
        self.period = spec.frame_count - 1 if spec.loop else spec.frame_count

    def frame(self, index: int) -> Image.Image:
        spec, (w, h) = self.spec, self.spec.size
        image = self.background.copy()
        draw = ImageDraw.Draw(image)
        u = (index % self.period) / self.period
        for orb in self.orbs:
            draw.ellipse(orb.box(spec.size, u), fill=orb.colour)
        image.paste(self.text, (0, 0), self.text)
        if not spec.loop:
            # Burned-in timecode and a progress bar: stepping frames shows the step.
            done = index / (spec.frame_count - 1)
            draw.rectangle((0, h - 3, round(w * done), h), fill=_LIGHT)
            label = f"{timecode(index, spec.fps)}  {index + 1}/{spec.frame_count}"
            draw.text((4, h - 6 - self.small_px), label, font=self.small, fill=_LIGHT)
        else:
            draw.text((4, 3), "loop", font=self.small, fill=_LIGHT)
        return image


def _jpeg(image: Image.Image) -> bytes:
    out = BytesIO()
    image.save(out, "JPEG", quality=JPEG_QUALITY, comment=b"CS=ITU601")
    return out.getvalue()


def render_clip(spec: ClipSpec) -> bytes:
    """The clip as MP4 bytes (Motion-JPEG, ``spec.fps``, ``spec.seconds`` long)."""
    painter = _Painter(spec)
    frames = [_jpeg(painter.frame(i)) for i in range(spec.frame_count)]
    if spec.loop:
        frames[-1] = frames[0]  # exactly the same picture, not merely a close one
    w, h = spec.size
    return mux_mjpeg(frames, w, h, spec.fps)
