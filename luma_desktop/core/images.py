"""Turn an image the artist picked into a keyframe the gateway can take.

The contract (section 1) sends images by URL; a local file travels inline as a
``data:`` URI, always JPEG or PNG, never larger than the model can use. Every way a
file can be wrong (missing, a folder, not an image, cut short, a decompression bomb)
becomes an :class:`ImageRejected` whose message names the file in plain words.

Everything here is pure and keeps no shared state, because callers run it off the UI
thread with ``asyncio.to_thread``. In particular nothing touches Pillow's global
switches (``LOAD_TRUNCATED_IMAGES``, ``MAX_IMAGE_PIXELS``) or the warnings filters,
which are process-wide and not thread-safe to flip.
"""

from __future__ import annotations

import base64
import io
import os
import stat
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageCms, ImageFile, ImageOps, UnidentifiedImageError

from luma_desktop.core.keyframe_errors import Cancelled, ImageRejected, KeyframeError
from luma_desktop.core.limits import DEFAULT_LIMITS
from luma_desktop.core.request import ImageKeyframe

# The errors live in keyframe_errors (no Pillow there); named here as they always were.
__all__ = [
    "Cancelled",
    "ImageRejected",
    "KeyframeError",
    "prepare_image_bytes",
    "prepare_image_file",
]

DEFAULT_MAX_SIDE = 2048
# Our own bomb limit, checked on the header's size before any pixel is decoded.
MAX_PIXELS = DEFAULT_LIMITS.max_image_pixels
# A photo this big is not a keyframe: counted while reading (a device or a /proc file
# says 0 in stat and never ends), never taken from stat alone.
MAX_FILE_BYTES = DEFAULT_LIMITS.max_keyframe_file_bytes
_READ_CHUNK = 1024 * 1024
# Pseudo-filesystems whose "files" are the kernel talking: never keyframes.
_PSEUDO_ROOTS = ("/proc", "/sys", "/dev")
JPEG_QUALITY = 90

# What Pillow's decoders raise on hostile or broken input (its own fuzzers expect
# the same list). Anything else is a bug and should surface, not be reworded.
_DECODE_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    SyntaxError,
    ValueError,
    EOFError,
    struct.error,
    zlib.error,
    IndexError,
    KeyError,
    TypeError,
    ZeroDivisionError,
)

# Load every format plugin now, once, instead of lazily inside the first
# Image.open: that lazy registration mutates module globals and could race when two
# worker threads open their first image at the same moment.
Image.init()


Stop = Callable[[], bool]


def never_stop() -> bool:
    return False


def prepare_image_file(
    path: Path, *, max_side: int = DEFAULT_MAX_SIDE, stop: Stop = never_stop
) -> ImageKeyframe:
    """Read, check and re-encode a local image file as an inline keyframe.

    ``stop`` is asked between steps (and between chunks while reading): when it says
    so, :class:`Cancelled` is raised, so a worker thread ends soon after its caller
    gave up instead of finishing a large image nobody waits for."""
    name = path.name or str(path)
    try:
        data = read_regular_file(path, name, MAX_FILE_BYTES, stop)
    except FileNotFoundError:
        raise ImageRejected(f"“{name}” does not exist (looked for {path}).") from None
    except PermissionError:
        raise ImageRejected(f"“{name}” cannot be opened: permission denied.") from None
    except IsADirectoryError:  # a race: it became a folder after the check
        raise ImageRejected(f"“{name}” is a folder, not an image file.") from None
    except OSError as exc:
        raise ImageRejected(f"“{name}” cannot be read: {exc.strerror or exc}.") from None
    return prepare_image_bytes(data, name, max_side=max_side, source=str(path), stop=stop)


def _check(stop: Stop) -> None:
    if stop():
        raise Cancelled("Image preparation was stopped.")


def read_regular_file(path: Path, name: str, limit: int, stop: Stop = never_stop) -> bytes:
    """The bytes of a regular file, at most ``limit`` of them.

    Devices, FIFOs, sockets, folders and kernel pseudo-files are refused before a
    byte is read; the open never blocks (a FIFO with no writer would hang it
    beyond Ctrl+C); the size is counted while reading, whatever stat says.
    """
    resolved = path.resolve()
    if any(str(resolved) == root or str(resolved).startswith(root + "/") for root in _PSEUDO_ROOTS):
        raise ImageRejected(f"“{name}” is a system file ({resolved}), not an image file.")
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    with os.fdopen(fd, "rb") as f:
        mode = os.fstat(f.fileno()).st_mode
        if stat.S_ISDIR(mode):
            raise ImageRejected(f"“{name}” is a folder, not an image file.")
        if not stat.S_ISREG(mode):
            raise ImageRejected(f"“{name}” is a device or pipe, not an image file.")
        parts: list[bytes] = []
        size = 0
        while chunk := f.read(_READ_CHUNK):
            _check(stop)
            size += len(chunk)
            if size > limit:
                raise ImageRejected(
                    f"“{name}” is over {_human_bytes(limit)}, far too large for a keyframe image."
                )
            parts.append(chunk)
    return b"".join(parts)


def prepare_image_bytes(
    data: bytes,
    name: str,
    *,
    max_side: int = DEFAULT_MAX_SIDE,
    source: str = "",
    stop: Stop = never_stop,
) -> ImageKeyframe:
    """Check and re-encode image bytes (``name`` is only used in messages)."""
    if max_side < 1:
        raise ValueError(f"max_side must be positive, not {max_side}")
    if not data:
        raise ImageRejected(f"“{name}” is empty (0 bytes); it is not an image.")
    _check(stop)
    decoded = _decode(data, name, max_side)
    _check(stop)
    im = _normalise_mode(decoded.image, name)
    im = _downscale(im, max_side)
    _check(stop)
    encoded = _encode(im)
    w, h = im.size
    ow, oh = decoded.original_size
    origin = f"{ow}×{oh} {decoded.format}"
    if decoded.colour_note:
        origin += f", {decoded.colour_note}"
    note = f"inline {encoded.format} {w}×{h}, {_human_bytes(len(encoded.data))} (from {origin})"
    b64 = base64.b64encode(encoded.data).decode("ascii")
    return ImageKeyframe(url=f"data:{encoded.mime};base64,{b64}", source=source or name, note=note)


@dataclass(frozen=True)
class _Decoded:
    image: Image.Image
    format: str  # what the file really was ("JPEG", "PNG"...), whatever its name says
    original_size: tuple[int, int]  # as the artist sees it: after EXIF rotation
    colour_note: str  # e.g. "converted to sRGB", for the note shown to the artist


@dataclass(frozen=True)
class _Encoded:
    data: bytes
    format: str
    mime: str


def _decode(data: bytes, name: str, max_side: int) -> _Decoded:
    """Open, size-check and fully decode the first frame, upright."""
    im = _open(data, name)
    fmt = im.format or "image"
    if fmt == "PNG":
        # Pillow skips IDAT checksums while decoding, so a PNG with flipped bytes can
        # decode into garbage silently. verify() checks every chunk's CRC without
        # decoding pixels; it leaves the image unusable, hence the second open.
        _guard(name, im.verify)
        im = _open(data, name)
    original = im.size  # before draft() may shrink it: the note reports the file's size
    if im.format == "JPEG":
        _draft_jpeg(im, max_side)
    # Fully decode here, so a truncated or damaged file fails now with our message
    # instead of later inside a resize. LOAD_TRUNCATED_IMAGES stays off.
    _guard(name, im.load)
    colour_note = ""
    icc = im.info.get("icc_profile")
    try:
        upright = ImageOps.exif_transpose(im)
    except _DECODE_ERRORS:  # a broken EXIF block should not cost the artist the image
        upright = im.copy()
    if upright.size != im.size:
        original = (original[1], original[0])
    if isinstance(icc, bytes) and icc and upright.mode in ("RGB", "RGBA", "CMYK"):
        converted = _to_srgb(upright, icc)
        if converted is not None:
            upright, colour_note = converted, "converted to sRGB"
    return _Decoded(upright, fmt, original, colour_note)


def _draft_jpeg(im: Image.Image, max_side: int) -> None:
    """Let libjpeg decode at 1/2, 1/4 or 1/8 scale when the photo is far bigger than
    we keep: much less memory and time. The requested box keeps the aspect ratio, so
    neither side drops below what the final LANCZOS resize needs."""
    w, h = im.size
    ratio = max_side / max(w, h)
    if ratio < 1:
        im.draft(None, (max(1, int(w * ratio) + 1), max(1, int(h * ratio) + 1)))


def _open(data: bytes, name: str) -> ImageFile.ImageFile:
    try:
        im = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError:
        raise ImageRejected(_too_large(name, None)) from None
    except UnidentifiedImageError:
        raise ImageRejected(_not_an_image(name, data)) from None
    except _DECODE_ERRORS as exc:
        raise ImageRejected(_damaged(name, exc)) from None
    w, h = im.size
    if w < 1 or h < 1:
        raise ImageRejected(f"“{name}” is damaged: it declares a size of {w}×{h} pixels.")
    if w * h > MAX_PIXELS:
        raise ImageRejected(_too_large(name, (w, h)))
    return im


def _guard(name: str, step: Callable[[], object]) -> None:
    """Run a Pillow step that reads pixel data, rewording its failures for the artist."""
    try:
        step()
    except Image.DecompressionBombError:
        raise ImageRejected(_too_large(name, None)) from None
    except _DECODE_ERRORS as exc:
        raise ImageRejected(_damaged(name, exc)) from None


def _to_srgb(im: Image.Image, icc: bytes) -> Image.Image | None:
    """Apply the file's embedded colour profile, so wide-gamut and CMYK photos keep
    their colours; None when the profile is unusable (then the plain conversion runs)."""
    out_mode = "RGBA" if im.mode == "RGBA" else "RGB"
    try:
        src = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        if "srgb" in ImageCms.getProfileDescription(src).lower():
            return None  # already what the gateway assumes: nothing to do
        dst = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
        result = ImageCms.profileToProfile(im, src, dst, outputMode=out_mode)
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return None
    return result


def _normalise_mode(im: Image.Image, name: str) -> Image.Image:
    """Bring any Pillow mode to 8-bit RGB, or RGBA when the image has transparency."""
    mode = im.mode
    if mode in ("RGB", "RGBA"):
        return im
    if mode in ("LA", "La", "RGBa", "PA"):
        return im.convert("RGBA")
    if mode == "P":
        has_alpha = "transparency" in im.info or (im.palette is not None and "A" in im.palette.mode)
        return im.convert("RGBA" if has_alpha else "RGB")
    if mode.startswith("I") or mode == "F":
        return _deep_to_rgb(im)
    try:  # 1, L, CMYK, YCbCr, RGBX, HSV...: Pillow knows the way to RGB
        return im.convert("RGB")
    except ValueError:
        raise ImageRejected(
            f"“{name}” uses a colour format ({mode}) Luma Desktop cannot convert."
        ) from None


def _deep_to_rgb(im: Image.Image) -> Image.Image:
    """16-bit, 32-bit and float greyscale to 8-bit, scaled rather than clipped.

    Pillow's own conversion to L clips every value above 255 to white, which turns
    an ordinary 16-bit scan into a white rectangle.
    """
    wide = im if im.mode in ("I", "F") else im.convert("I")
    lo, hi = wide.getextrema()
    assert isinstance(lo, (int, float))
    assert isinstance(hi, (int, float))
    if im.mode.startswith("I;16") or (lo >= 0 and 255 < hi <= 65535):
        scale, offset = 255 / 65535, 0.0  # the full 16-bit range, like any viewer
    elif wide.mode == "F" and lo >= 0 and hi <= 1:
        scale, offset = 255.0, 0.0  # float images usually hold 0..1
    elif lo >= 0 and hi <= 255:
        scale, offset = 1.0, 0.0
    elif hi == lo:  # one flat value out of range: nothing to stretch
        scale, offset = 0.0, 255.0 if hi > 0 else 0.0
    else:  # unusual range (negative or beyond 16 bits): stretch what is there
        span = float(hi - lo)
        scale, offset = 255 / span, -lo * 255 / span
    # A linear lambda is evaluated by Pillow in C for I and F images; the result
    # lies within 0..255, so the conversion to L no longer clips anything.
    scaled = wide.point(lambda v: v * scale + offset)
    return scaled.convert("L").convert("RGB")


def _downscale(im: Image.Image, max_side: int) -> Image.Image:
    w, h = im.size
    if max(w, h) <= max_side:
        return im
    ratio = max_side / max(w, h)
    size = (max(1, round(w * ratio)), max(1, round(h * ratio)))
    # reducing_gap first shrinks by an integer factor cheaply; LANCZOS does the rest
    # (for RGBA Pillow premultiplies alpha, so edges do not pick up dark fringes).
    return im.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)


def _encode(im: Image.Image) -> _Encoded:
    if im.mode == "RGBA":
        lo, _ = im.getchannel("A").getextrema()
        if isinstance(lo, int) and lo < 255:
            out = io.BytesIO()
            im.save(out, "PNG")
            return _Encoded(out.getvalue(), "PNG", "image/png")
        im = im.convert("RGB")  # alpha present but fully opaque: JPEG is far smaller
    out = io.BytesIO()
    # No exif= argument: the rotation is already applied and the photo's metadata
    # (camera, GPS position) has no business travelling to the gateway.
    im.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return _Encoded(out.getvalue(), "JPEG", "image/jpeg")


def _too_large(name: str, size: tuple[int, int] | None) -> str:
    dims = f" ({size[0]}×{size[1]} pixels)" if size else ""
    return f"“{name}” is too large to be a real photo{dims}; it may be a decompression bomb."


def _damaged(name: str, exc: BaseException) -> str:
    detail = str(exc).strip() or type(exc).__name__
    return f"“{name}” is damaged or cut short: {detail}."


# Formats Pillow cannot read but that artists do drop in, by their magic bytes.
_KNOWN_NOT_IMAGES: tuple[tuple[bytes, int, str], ...] = (
    (b"%PDF", 0, "a PDF document; export the page as PNG or JPEG"),
    (b"ftypheic", 4, "a HEIC photo, which Luma Desktop cannot read; export it as JPEG"),
    (b"ftypheix", 4, "a HEIC photo, which Luma Desktop cannot read; export it as JPEG"),
    (b"ftypmif1", 4, "a HEIF photo, which Luma Desktop cannot read; export it as JPEG"),
    (b"ftypisom", 4, "a video, not an image"),
    (b"ftypmp4", 4, "a video, not an image"),
    (b"ftypqt", 4, "a video, not an image"),
    (b"\x1aE\xdf\xa3", 0, "a video, not an image"),
    (b"PK\x03\x04", 0, "a zip archive or document, not an image"),
)


def _not_an_image(name: str, data: bytes) -> str:
    return f"“{name}” is not an image Luma Desktop can read ({_guess_kind(data)})."


def _guess_kind(data: bytes) -> str:
    for magic, at, kind in _KNOWN_NOT_IMAGES:
        if data[at : at + len(magic)] == magic:
            return f"it looks like {kind}"
    head = data[:1024]
    lowered = head.lstrip().lower()
    if lowered.startswith((b"<!doctype html", b"<html")):
        return "it looks like a web page, perhaps saved from a link"
    if lowered.startswith((b"<svg", b"<?xml")) and b"<svg" in lowered:
        return "it is an SVG drawing; export it as PNG"
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        # The cut may fall inside a multi-byte character: judge the rest.
        text = head[:-4].decode("utf-8", errors="replace")
    if (
        "\x00" not in text
        and text
        and sum(c.isprintable() or c.isspace() for c in text) > (0.95 * len(text))
    ):
        return "it looks like text"
    return "its contents are not in any image format Pillow knows"


def _human_bytes(n: int) -> str:
    if n < 1024 * 1024:
        return f"{max(1, round(n / 1024))} KB"
    return f"{n / (1024 * 1024):.1f} MB"
