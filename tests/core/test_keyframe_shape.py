"""Keyframes of another shape than the clip: told, cropped, padded or kept (problem 6)."""

from __future__ import annotations

import base64
import io
import struct
import zlib

import pytest
from PIL import Image

from luma_desktop.core.images import ImageRejected, prepare_image_bytes
from luma_desktop.core.keyframe_shape import (
    Fit,
    centre_box,
    differs,
    fit_frames,
    inline_size,
    reshape,
    shape_name,
)
from luma_desktop.core.request import GenerationKeyframe, GenerationRequest, ImageKeyframe


def portrait(width: int = 1080, height: int = 1920) -> ImageKeyframe:
    """A portrait photo: a red top half, a blue bottom half, a white band in the middle."""
    image = Image.new("RGB", (width, height), (200, 30, 30))
    image.paste((30, 30, 200), (0, height // 2, width, height))
    image.paste((255, 255, 255), (0, height // 2 - 20, width, height // 2 + 20))
    out = io.BytesIO()
    image.save(out, "PNG")
    return prepare_image_bytes(out.getvalue(), "portrait.png", source="/shots/portrait.png")


def decoded(keyframe: ImageKeyframe) -> Image.Image:
    return Image.open(io.BytesIO(base64.b64decode(keyframe.url.split(",", 1)[1])))


def rgb(image: Image.Image, at: tuple[int, int]) -> tuple[int, int, int]:
    pixel = image.getpixel(at)
    assert isinstance(pixel, tuple)
    return pixel[0], pixel[1], pixel[2]


def test_a_portrait_frame_differs_from_16_9_and_is_named() -> None:
    frame = portrait()
    assert inline_size(frame) == (1080, 1920)
    assert differs((1080, 1920), "16:9")
    assert not differs((1920, 1088), "16:9")  # rounding is the same shape
    assert shape_name((1080, 1920)) == "9:16"
    assert inline_size(ImageKeyframe("https://example.com/a.png")) is None


def test_crop_takes_the_chosen_area_and_pad_keeps_the_whole_image() -> None:
    frame = portrait(540, 960)
    box = centre_box((540, 960), "16:9")
    assert box == (0, 328, 540, 632)
    cropped = reshape(frame, "16:9", Fit.CROP)
    image = decoded(cropped)
    assert not differs(image.size, "16:9")
    assert rgb(image, (270, image.height // 2))[0] > 240  # the white band is the middle
    assert "cropped to 16:9" in cropped.note
    top = decoded(reshape(frame, "16:9", Fit.CROP, (0, 0, 540, 304)))
    assert rgb(top, (270, 150))[0] > 150 > rgb(top, (270, 150))[2]  # red: the top
    padded = decoded(reshape(frame, "16:9", Fit.PAD))
    assert not differs(padded.size, "16:9")
    assert padded.height == 960  # nothing of the image is lost
    assert max(rgb(padded, (5, 480))) < 20  # a black bar at the side
    assert reshape(frame, "16:9", Fit.KEEP) is frame
    assert reshape(frame, "9:16", Fit.CROP) is frame  # already that shape


def test_fit_frames_says_what_it_did_and_leaves_clips_and_matching_frames() -> None:
    request = GenerationRequest(
        "a boat", aspect_ratio=None, frame0=GenerationKeyframe("0" * 8), frame1=portrait(270, 480)
    )
    kept, said = fit_frames(request, Fit.KEEP)
    assert kept == request
    assert len(said) == 1
    assert said[0].startswith("frame1: The last frame is 270×480 (9:16), but the clip is 16:9")
    cropped, said = fit_frames(request, Fit.CROP)
    assert isinstance(cropped.frame1, ImageKeyframe)
    assert inline_size(cropped.frame1) == (270, 152)
    assert said == ["frame1: 270×480 (9:16) centre-cropped to 16:9"]
    _same, said = fit_frames(
        GenerationRequest("a boat", aspect_ratio="9:16", frame0=portrait(270, 480)), Fit.PAD
    )
    assert said == []


@pytest.mark.parametrize("size", [(1, 1000), (1000, 1), (3, 7)])
def test_odd_sizes_still_give_the_shape(size: tuple[int, int]) -> None:
    box = centre_box(size, "16:9")
    assert 0 <= box[0] < box[2] <= size[0]
    assert 0 <= box[1] < box[3] <= size[1]


def _png_claiming(width: int, height: int) -> ImageKeyframe:
    """A few hundred bytes of PNG whose header claims ``width``×``height`` pixels, as a
    saved draft or a stored request may carry (not an image we prepared)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    head = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", head) + chunk(b"IDAT", zlib.compress(b"\0" * 64))
    png += chunk(b"IEND", b"")
    return ImageKeyframe("data:image/png;base64," + base64.b64encode(png).decode())


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")  # Pillow warns, we refuse
def test_an_image_claiming_too_many_pixels_is_refused_before_decoding() -> None:
    warned = _png_claiming(10_000, 9_000)  # 90 MP: Pillow only warns, then allocates 270 MB
    assert inline_size(warned) == (10_000, 9_000)
    with pytest.raises(ImageRejected, match=r"too large to reshape \(10000×9000 pixels\)"):
        reshape(warned, "1:1", Fit.CROP)
    bomb = _png_claiming(20_000, 20_000)  # past Pillow's bomb line: it raised out of here
    assert inline_size(bomb) is None
    assert reshape(bomb, "16:9", Fit.CROP) is bomb  # left as it is, never decoded
