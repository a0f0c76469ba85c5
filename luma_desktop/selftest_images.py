"""The self-test's image check: Pillow writes and the keyframe path reads every
format the keyframe pickers offer (the bundle trims Pillow's libraries: no AVIF, a
stripped FreeType, the system's libXau; the demo clips' captions cover FreeType)."""

from __future__ import annotations

import io

from PIL import Image

from luma_desktop.core.images import prepare_image_bytes

FORMATS = ("PNG", "JPEG", "WEBP", "TIFF", "GIF", "BMP")


def image_problems() -> list[str]:
    """What could not be written or prepared as a keyframe (empty when all could)."""
    problems = []
    for fmt in FORMATS:
        out = io.BytesIO()
        try:
            Image.new("RGB", (64, 48), (200, 40, 90)).save(out, fmt)
            frame = prepare_image_bytes(out.getvalue(), f"selftest.{fmt.lower()}")
        except Exception as exc:  # noqa: BLE001 - each format's failure is the answer
            problems.append(f"{fmt}: {type(exc).__name__}: {exc}")
            continue
        if not frame.url.startswith("data:image/"):
            problems.append(f"{fmt}: prepared as {frame.url[:24]}")
    return problems
