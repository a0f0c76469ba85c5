"""Draws the app icon and writes it for every platform: PNG (the window icon, Linux),
ICO (Windows) and ICNS (macOS). The outputs are committed; run again after a change:

    .venv/bin/python resources/icons/make_icon.py

A dark rounded square with a bright play triangle cut from a film frame and a small
four-pointed spark: legible at 16 px, calm at 256 px. Drawn at 4x and downsampled so
the edges are smooth without depending on Pillow's antialiasing.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

HERE = Path(__file__).resolve().parent
NAME = "luma-desktop"
SIZE = 256
SCALE = 4  # supersampling factor

BACKGROUND_TOP = (34, 30, 52)
BACKGROUND_BOTTOM = (14, 13, 24)
FILM = (255, 255, 255, 34)
PLAY_LEFT = (255, 196, 92)
PLAY_RIGHT = (255, 92, 156)
SPARK = (255, 246, 214)


def _mix(a: tuple[int, ...], b: tuple[int, ...], t: float) -> tuple[int, ...]:
    return (*(round(x + (y - x) * t) for x, y in zip(a, b, strict=True)), 255)


def _vertical_gradient(size: int, top: tuple[int, ...], bottom: tuple[int, ...]) -> Image.Image:
    column = Image.new("RGBA", (1, size))
    for y in range(size):
        column.putpixel((0, y), _mix(top, bottom, y / (size - 1)))
    return column.resize((size, size))


def _horizontal_gradient(size: int, left: tuple[int, ...], right: tuple[int, ...]) -> Image.Image:
    row = Image.new("RGBA", (size, 1))
    for x in range(size):
        row.putpixel((x, 0), _mix(left, right, x / (size - 1)))
    return row.resize((size, size))


def _spark(draw: ImageDraw.ImageDraw, cx: float, cy: float, r: float) -> None:
    """A four-pointed star: long points on the axes, a narrow waist between them."""
    w = r * 0.22
    points = [
        (cx, cy - r), (cx + w, cy - w), (cx + r, cy), (cx + w, cy + w),
        (cx, cy + r), (cx - w, cy + w), (cx - r, cy), (cx - w, cy - w),
    ]  # fmt: skip
    draw.polygon(points, fill=SPARK)


def draw_icon() -> Image.Image:
    s = SIZE * SCALE
    margin = 8 * SCALE
    radius = 56 * SCALE
    box = (margin, margin, s - margin, s - margin)

    mask = Image.new("L", (s, s), 0)
    ImageDraw.Draw(mask).rounded_rectangle(box, radius=radius, fill=255)
    icon = Image.new("RGBA", (s, s), (0, 0, 0, 0))
    icon.paste(_vertical_gradient(s, BACKGROUND_TOP, BACKGROUND_BOTTOM), (0, 0), mask)

    # A film frame: two faint perforated strips, top and bottom.
    film = Image.new("RGBA", (s, s), (0, 0, 0, 0))
    fd = ImageDraw.Draw(film)
    hole_w, hole_h, gap = 14 * SCALE, 10 * SCALE, 12 * SCALE
    for y in (36 * SCALE, s - 36 * SCALE - hole_h):
        x = 44 * SCALE
        while x + hole_w <= s - 44 * SCALE:
            fd.rounded_rectangle((x, y, x + hole_w, y + hole_h), radius=3 * SCALE, fill=FILM)
            x += hole_w + gap
    icon.alpha_composite(film)

    # The play triangle, with rounded corners (a thick outline of the same polygon).
    cx, cy = s * 0.47, s * 0.53
    h = 118 * SCALE
    tri = [(cx - h * 0.42, cy - h / 2), (cx - h * 0.42, cy + h / 2), (cx + h * 0.58, cy)]
    tri_mask = Image.new("L", (s, s), 0)
    td = ImageDraw.Draw(tri_mask)
    td.polygon(tri, fill=255)
    corner = 9 * SCALE  # round every corner: a thick outline plus a disc at each vertex
    td.line([*tri, tri[0]], fill=255, width=2 * corner)
    for x, y in tri:
        td.ellipse((x - corner, y - corner, x + corner, y + corner), fill=255)
    glow = tri_mask.filter(ImageFilter.GaussianBlur(14 * SCALE))
    glow_layer = Image.new("RGBA", (s, s), (*PLAY_RIGHT, 0))
    glow_layer.putalpha(glow.point(lambda v: v * 90 // 255))
    icon.alpha_composite(glow_layer)
    icon.paste(_horizontal_gradient(s, PLAY_LEFT, PLAY_RIGHT), (0, 0), tri_mask)

    # The spark, top right of the triangle.
    _spark(ImageDraw.Draw(icon), s * 0.74, s * 0.30, 30 * SCALE)
    _spark(ImageDraw.Draw(icon), s * 0.83, s * 0.44, 12 * SCALE)

    # Keep everything inside the rounded square.
    icon.putalpha(Image.composite(icon.getchannel("A"), mask, mask))
    return icon.resize((SIZE, SIZE), Image.Resampling.LANCZOS)


def main() -> None:
    icon = draw_icon()
    icon.save(HERE / f"{NAME}.png", optimize=True)
    icon.save(HERE / f"{NAME}.ico", sizes=[(16, 16), (24, 24), (32, 32), (48, 48), (64, 64),
                                             (128, 128), (256, 256)])  # fmt: skip
    icon.save(HERE / f"{NAME}.icns")
    print(f"wrote {NAME}.png, .ico and .icns in {HERE}")


if __name__ == "__main__":
    main()
