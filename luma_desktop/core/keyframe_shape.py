"""A keyframe's shape against the clip's: tell, and crop, pad or keep.

A 1080×1920 portrait photo as the last frame of a 16:9 clip is not refused by the
gateway, but the model then stretches or invents what is missing; the artist should
choose. The window offers Crop (the artist picks the area), Fit (pad) and Keep; the
CLI warns and takes ``--fit crop|pad|keep`` (crop: the centre). Pure Pillow, no Qt:
the studio runs it off the UI thread. Pillow loads on first use (not at start-up).
"""

from __future__ import annotations

import base64
import binascii
import io
from dataclasses import replace
from enum import StrEnum
from typing import TYPE_CHECKING

from luma_desktop.core.keyframe_errors import ImageRejected
from luma_desktop.core.limits import DEFAULT_LIMITS
from luma_desktop.core.request import GenerationRequest, ImageKeyframe

if TYPE_CHECKING:
    from PIL import Image

# A shape within 2 % of the target is the same shape (1920×1088 for 16:9, rounding).
TOLERANCE = 0.02
# Enough of an inline JPEG or PNG to hold its size (our encoder writes no EXIF first).
_HEADER_CHARS = 64 * 1024
PAD_COLOUR = (0, 0, 0)  # letterbox bars, as a player shows them

Box = tuple[int, int, int, int]  # left, top, right, bottom, in the image's pixels


class Fit(StrEnum):
    CROP = "crop"  # cut to the clip's shape (the window: the area the artist chose)
    PAD = "pad"  # the whole image, with bars to the clip's shape
    KEEP = "keep"  # sent as it is; the model makes what it can of it


def ratio_value(aspect_ratio: str) -> float:
    """``"16:9"`` → 1.777…; ValueError when it is not ``W:H``."""
    width, _, height = aspect_ratio.partition(":")
    w, h = float(width), float(height)
    if w <= 0 or h <= 0:
        raise ValueError(f"not an aspect ratio: {aspect_ratio}")
    return w / h


def differs(size: tuple[int, int], aspect_ratio: str) -> bool:
    """Whether an image of ``size`` is another shape than ``aspect_ratio``."""
    w, h = size
    return abs((w / h) / ratio_value(aspect_ratio) - 1) > TOLERANCE


def shape_name(size: tuple[int, int]) -> str:
    """The usual name of a shape ("9:16"), else its reduced ratio ("4:3", "1.41:1")."""
    w, h = size
    known = ("16:9", "9:16", "1:1", "4:3", "3:4", "21:9", "9:21", "3:2", "2:3", "4:5", "5:4")
    for name in known:
        if not differs(size, name):
            return name
    return f"{w / h:.2f}:1" if w >= h else f"1:{h / w:.2f}"


def inline_size(keyframe: ImageKeyframe) -> tuple[int, int] | None:
    """The pixel size of an inline keyframe (a link's is unknown: never downloaded)."""
    if not keyframe.inline or "," not in keyframe.url:
        return None
    from PIL import Image

    payload = keyframe.url.split(",", 1)[1]
    for chars in (_HEADER_CHARS, len(payload)):  # the header first; the whole if it must
        head = payload[: chars - chars % 4]
        try:
            with Image.open(io.BytesIO(base64.b64decode(head))) as im:
                return im.size
        except Image.DecompressionBombError:
            return None  # claims hundreds of megapixels: never decoded, left as it is
        except (OSError, ValueError, binascii.Error, SyntaxError):
            continue
    return None


def centre_box(size: tuple[int, int], aspect_ratio: str) -> Box:
    """The largest area of ``aspect_ratio`` in the middle of an image of ``size``."""
    w, h = size
    target = ratio_value(aspect_ratio)
    if w / h > target:  # too wide: cut the sides
        cw = max(1, round(h * target))
        left = (w - cw) // 2
        return left, 0, left + cw, h
    ch = max(1, round(w / target))
    top = (h - ch) // 2
    return 0, top, w, top + ch


def warning(name: str, size: tuple[int, int], aspect_ratio: str) -> str:
    """What the artist is told about a keyframe of another shape."""
    return (
        f"The {name} is {size[0]}×{size[1]} ({shape_name(size)}), but the clip is "
        f"{aspect_ratio}: the model will stretch or invent the difference."
    )


def reshape(
    keyframe: ImageKeyframe, aspect_ratio: str, fit: Fit, box: Box | None = None
) -> ImageKeyframe:
    """The keyframe cropped (to ``box``, else the centre) or padded to ``aspect_ratio``.

    Keep, a link, or a keyframe already of that shape comes back unchanged. The result
    is prepared like any inline image (same encoder, same size limit)."""
    size = inline_size(keyframe)
    if fit is Fit.KEEP or size is None or not differs(size, aspect_ratio):
        return keyframe
    from luma_desktop.core.images import prepare_image_bytes

    image = _decoded(keyframe)
    if fit is Fit.CROP:
        image = image.crop(_clamped(box, size) if box else centre_box(size, aspect_ratio))
        how = "cropped"
    else:
        image = _padded(image, aspect_ratio)
        how = "padded"
    out = io.BytesIO()
    image.save(out, "PNG", compress_level=1)  # lossless in between: one JPEG step in all
    prepared = prepare_image_bytes(out.getvalue(), keyframe.source or "keyframe")
    note = f"{prepared.note.split(' (from', 1)[0]}, {how} to {aspect_ratio}"
    # replace(): whatever else the keyframe carries (the clip a frame came from) stays.
    return replace(keyframe, url=prepared.url, note=note)


def target_ratio(request: GenerationRequest) -> str:
    """The clip's aspect ratio: the one asked for, else the model's default."""
    return request.aspect_ratio or request.spec.default_aspect_ratio


def fit_frames(request: GenerationRequest, fit: Fit) -> tuple[GenerationRequest, list[str]]:
    """The request with its inline keyframes fitted to its aspect ratio (the CLI's
    ``--fit``: crop is the centre), and one line per keyframe of another shape."""
    aspect = target_ratio(request)
    said: list[str] = []
    changes: dict[str, ImageKeyframe] = {}
    for name, words in (("frame0", "first frame"), ("frame1", "last frame")):
        frame = getattr(request, name)
        size = inline_size(frame) if isinstance(frame, ImageKeyframe) else None
        if size is None or not differs(size, aspect):
            continue
        assert isinstance(frame, ImageKeyframe)
        if fit is Fit.KEEP:
            said.append(
                f"{name}: {warning(words, size, aspect)} Sent as it is; "
                "--fit crop (the centre) or --fit pad makes it fit."
            )
            continue
        changes[name] = reshape(frame, aspect, fit)
        how = "centre-cropped" if fit is Fit.CROP else "padded"
        said.append(f"{name}: {size[0]}×{size[1]} ({shape_name(size)}) {how} to {aspect}")
    return replace(request, **changes), said  # type: ignore[arg-type]


def _decoded(keyframe: ImageKeyframe) -> Image.Image:
    from PIL import Image

    try:
        data = base64.b64decode(keyframe.url.split(",", 1)[1])
        with Image.open(io.BytesIO(data)) as im:
            # The declared size, before a pixel is decoded: a saved draft or a stored
            # request may carry any image, not only one we prepared.
            too_large = im.width * im.height > DEFAULT_LIMITS.max_image_pixels
            if not too_large:
                im.load()
                return im.convert("RGBA" if im.mode in ("RGBA", "LA", "P") else "RGB")
            size: tuple[int, int] | None = im.size
    except Image.DecompressionBombError:
        size = None
    except (OSError, ValueError, binascii.Error, SyntaxError) as exc:
        raise ImageRejected(f"The keyframe image could not be reshaped: {exc}.") from None
    raise ImageRejected(_too_large(size))


def _too_large(size: tuple[int, int] | None) -> str:
    dims = f" ({size[0]}×{size[1]} pixels)" if size else ""
    return f"The keyframe image is too large to reshape{dims}; it may be a decompression bomb."


def _clamped(box: Box, size: tuple[int, int]) -> Box:
    """The chosen area, inside the image and at least one pixel."""
    w, h = size
    left = min(max(0, box[0]), w - 1)
    top = min(max(0, box[1]), h - 1)
    return left, top, min(max(left + 1, box[2]), w), min(max(top + 1, box[3]), h)


def _padded(image: Image.Image, aspect_ratio: str) -> Image.Image:
    from PIL import Image

    w, h = image.size
    target = ratio_value(aspect_ratio)
    cw, ch = (round(h * target), h) if w / h < target else (w, round(w / target))
    colour = (*PAD_COLOUR, 255) if image.mode == "RGBA" else PAD_COLOUR
    canvas = Image.new(image.mode, (cw, ch), colour)
    canvas.paste(image, ((cw - w) // 2, (ch - h) // 2))
    return canvas
