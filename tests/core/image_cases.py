"""Odd and broken image files, generated with Pillow at test time (nothing binary is
committed). Each builder writes into a directory and returns the path."""

from __future__ import annotations

import base64
import io
import struct
import zlib
from pathlib import Path

from PIL import Image

from luma_desktop.core.request import ImageKeyframe


def decode_data_uri(keyframe: ImageKeyframe) -> tuple[str, Image.Image]:
    """The MIME type and the decoded image of an inline keyframe."""
    header, _, payload = keyframe.url.partition(",")
    assert header.startswith("data:")
    assert header.endswith(";base64")
    mime = header[len("data:") : -len(";base64")]
    image = Image.open(io.BytesIO(base64.b64decode(payload, validate=True)))
    image.load()
    return mime, image


def exif_rotated_jpeg(d: Path) -> Path:
    """400×200 stored, EXIF orientation 6 (rotate 90° clockwise to view): 200×400 upright.
    The left half is red and the right half blue, so after rotation red is on top."""
    im = Image.new("RGB", (400, 200), "blue")
    im.paste((255, 0, 0), (0, 0, 200, 200))
    exif = Image.Exif()
    exif[0x0112] = 6
    path = d / "rotated.jpg"
    im.save(path, "JPEG", exif=exif.tobytes(), quality=95)
    return path


def cmyk_jpeg(d: Path) -> Path:
    """Pure cyan in CMYK (no ICC profile): should come out as (0, 255, 255)-ish."""
    path = d / "print.jpg"
    Image.new("CMYK", (64, 48), (255, 0, 0, 0)).save(path, "JPEG", quality=95)
    return path


def gray16_png(d: Path) -> Path:
    """A 16-bit greyscale ramp over the full 0..65535 range, 256 wide."""
    im = Image.new("I;16", (256, 8))
    im.putdata([(x * 257) for _ in range(8) for x in range(256)])
    path = d / "scan16.png"
    im.save(path, "PNG")
    return path


def rgba_png(d: Path) -> Path:
    """Opaque green left half, fully transparent right half."""
    im = Image.new("RGBA", (100, 50), (0, 0, 0, 0))
    im.paste((0, 255, 0, 255), (0, 0, 50, 50))
    path = d / "cutout.png"
    im.save(path, "PNG")
    return path


def opaque_rgba_png(d: Path) -> Path:
    """RGBA on disk, but every pixel opaque: nothing to keep, so JPEG is right."""
    path = d / "opaque.png"
    Image.new("RGBA", (40, 30), (10, 20, 200, 255)).save(path, "PNG")
    return path


def palette_transparent_png(d: Path) -> Path:
    """Palette image: index 0 transparent, index 1 red (left half)."""
    im = Image.new("P", (60, 30), 0)
    im.putpalette([0, 0, 0, 255, 0, 0])
    im.paste(1, (0, 0, 30, 30))
    path = d / "sprite.png"
    im.save(path, "PNG", transparency=0)
    return path


def animated_gif(d: Path) -> Path:
    """Three frames: red, green, blue. The first one must be used."""
    frames = [Image.new("RGB", (32, 32), c) for c in ((255, 0, 0), (0, 255, 0), (0, 0, 255))]
    path = d / "loop.gif"
    frames[0].save(path, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    return path


def large_jpeg(d: Path) -> Path:
    """6000×4000, the size of an ordinary camera photo."""
    path = d / "camera.jpg"
    Image.new("RGB", (6000, 4000), (200, 120, 40)).save(path, "JPEG", quality=80)
    return path


def one_bit_bmp(d: Path) -> Path:
    """1-bit: white left half, black right half."""
    im = Image.new("1", (64, 32), 0)
    im.paste(1, (0, 0, 32, 32))
    path = d / "lineart.bmp"
    im.save(path, "BMP")
    return path


def rgb_tiff(d: Path) -> Path:
    path = d / "plate.tiff"
    Image.new("RGB", (120, 80), (30, 60, 90)).save(path, "TIFF", compression="tiff_lzw")
    return path


def webp_with_alpha(d: Path) -> Path:
    im = Image.new("RGBA", (50, 50), (0, 0, 255, 128))
    path = d / "glass.webp"
    im.save(path, "WEBP", lossless=True)
    return path


# --- broken files ----------------------------------------------------------------


def truncated_jpeg(d: Path) -> Path:
    """The first half of a real JPEG: a download that stopped halfway."""
    buf = io.BytesIO()
    Image.radial_gradient("L").resize((400, 300)).convert("RGB").save(buf, "JPEG")
    data = buf.getvalue()
    path = d / "halfway.jpg"
    path.write_bytes(data[: len(data) // 2])
    return path


def corrupt_png(d: Path) -> Path:
    """A real PNG with bytes flipped inside its pixel data (IDAT)."""
    buf = io.BytesIO()
    Image.linear_gradient("L").resize((300, 200)).convert("RGB").save(buf, "PNG")
    data = bytearray(buf.getvalue())
    at = data.find(b"IDAT") + 4
    for i in range(at + 20, at + 40):
        data[i] ^= 0xFF
    path = d / "flipped.png"
    path.write_bytes(bytes(data))
    return path


def text_named_png(d: Path) -> Path:
    path = d / "photo.png"
    path.write_text("These are my notes about the shot, not a picture.\n", encoding="utf-8")
    return path


def empty_file(d: Path) -> Path:
    path = d / "nothing.jpg"
    path.write_bytes(b"")
    return path


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def bomb_png(d: Path, width: int = 30000, height: int = 30000, name: str = "huge.png") -> Path:
    """A PNG whose header declares width×height 1-bit pixels, a few dozen bytes on disk."""
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    data = (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", ihdr)
        + _chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + _chunk(b"IEND", b"")
    )
    path = d / name
    path.write_bytes(data)
    return path
