"""Keyframe image preparation: odd but valid inputs come out right, bad ones are refused
with a message that names the file."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from PIL import Image, ImageCms, ImageFile

from luma_desktop.core.images import (
    ImageRejected,
    KeyframeError,
    prepare_image_bytes,
    prepare_image_file,
)

from . import image_cases as cases
from .image_cases import decode_data_uri


def _close(pixel: object, expected: tuple[int, ...], tolerance: int = 12) -> bool:
    assert isinstance(pixel, tuple)
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, expected, strict=True))


# --- odd but valid -----------------------------------------------------------------


def test_exif_orientation_is_applied(tmp_path: Path) -> None:
    kf = prepare_image_file(cases.exif_rotated_jpeg(tmp_path))
    mime, im = decode_data_uri(kf)
    assert mime == "image/jpeg"
    assert im.size == (200, 400)  # stored 400×200, orientation 6 → upright is portrait
    assert _close(im.getpixel((100, 50)), (255, 0, 0), 30)  # left half rotated to the top
    assert _close(im.getpixel((100, 350)), (0, 0, 255), 30)
    assert "from 200×400 JPEG" in kf.note
    # The rotation is baked in; no orientation tag may travel on to rotate it twice.
    assert im.getexif().get(0x0112) in (None, 1)


def test_cmyk_jpeg_becomes_rgb(tmp_path: Path) -> None:
    mime, im = decode_data_uri(prepare_image_file(cases.cmyk_jpeg(tmp_path)))
    assert mime == "image/jpeg"
    assert im.mode == "RGB"
    assert im.size == (64, 48)
    assert _close(im.getpixel((32, 24)), (0, 255, 255), 20)


def test_16_bit_grey_is_scaled_not_clipped(tmp_path: Path) -> None:
    kf = prepare_image_file(cases.gray16_png(tmp_path))
    mime, im = decode_data_uri(kf)
    assert mime == "image/jpeg"
    assert im.mode == "RGB"
    assert im.size == (256, 8)
    grey = im.convert("L")
    lo, hi = grey.getextrema()
    assert isinstance(lo, int)
    assert isinstance(hi, int)
    assert lo <= 10  # the dark end stays dark
    assert hi >= 245
    middle = grey.getpixel((128, 4))
    assert isinstance(middle, int)
    assert 110 <= middle <= 145  # 32896/65535 ≈ mid-grey, not white


def test_rgba_with_alpha_becomes_png(tmp_path: Path) -> None:
    kf = prepare_image_file(cases.rgba_png(tmp_path))
    mime, im = decode_data_uri(kf)
    assert mime == "image/png"
    assert kf.url.startswith("data:image/png;base64,")
    assert im.mode == "RGBA"
    assert im.getpixel((10, 10)) == (0, 255, 0, 255)
    assert im.getpixel((90, 10))[3] == 0  # type: ignore[index]
    assert kf.note.startswith("inline PNG 100×50")


def test_opaque_rgba_becomes_jpeg(tmp_path: Path) -> None:
    mime, im = decode_data_uri(prepare_image_file(cases.opaque_rgba_png(tmp_path)))
    assert mime == "image/jpeg"
    assert _close(im.getpixel((20, 15)), (10, 20, 200))


def test_palette_with_transparency_keeps_it(tmp_path: Path) -> None:
    mime, im = decode_data_uri(prepare_image_file(cases.palette_transparent_png(tmp_path)))
    assert mime == "image/png"
    assert im.mode == "RGBA"
    assert im.getpixel((10, 10)) == (255, 0, 0, 255)
    assert im.getpixel((50, 10))[3] == 0  # type: ignore[index]


def test_animated_gif_uses_first_frame(tmp_path: Path) -> None:
    kf = prepare_image_file(cases.animated_gif(tmp_path))
    mime, im = decode_data_uri(kf)
    assert mime == "image/jpeg"
    assert im.size == (32, 32)
    assert getattr(im, "n_frames", 1) == 1
    assert _close(im.getpixel((16, 16)), (255, 0, 0))


def test_large_photo_is_downscaled_keeping_aspect(tmp_path: Path) -> None:
    kf = prepare_image_file(cases.large_jpeg(tmp_path))
    _, im = decode_data_uri(kf)
    assert im.size == (2048, 1365)
    assert _close(im.getpixel((1000, 600)), (200, 120, 40))
    assert "inline JPEG 2048×1365" in kf.note
    assert "from 6000×4000 JPEG" in kf.note


def test_max_side_is_honoured(tmp_path: Path) -> None:
    _, im = decode_data_uri(prepare_image_file(cases.large_jpeg(tmp_path), max_side=720))
    assert max(im.size) == 720
    assert im.size == (720, 480)


def test_one_bit_bmp_becomes_rgb(tmp_path: Path) -> None:
    mime, im = decode_data_uri(prepare_image_file(cases.one_bit_bmp(tmp_path)))
    assert mime == "image/jpeg"
    assert im.mode == "RGB"
    assert _close(im.getpixel((10, 16)), (255, 255, 255))
    assert _close(im.getpixel((54, 16)), (0, 0, 0))


def test_tiff_is_read(tmp_path: Path) -> None:
    kf = prepare_image_file(cases.rgb_tiff(tmp_path))
    mime, im = decode_data_uri(kf)
    assert mime == "image/jpeg"
    assert im.size == (120, 80)
    assert _close(im.getpixel((60, 40)), (30, 60, 90))
    assert "TIFF" in kf.note


def test_webp_with_alpha_becomes_png(tmp_path: Path) -> None:
    mime, im = decode_data_uri(prepare_image_file(cases.webp_with_alpha(tmp_path)))
    assert mime == "image/png"
    assert _close(im.getpixel((25, 25)), (0, 0, 255, 128), 2)


def test_keyframe_fields(tmp_path: Path) -> None:
    path = cases.rgb_tiff(tmp_path)
    kf = prepare_image_file(path)
    assert kf.inline
    assert kf.source == str(path)
    assert kf.describe() == str(path)
    assert kf.to_json()["type"] == "image"
    assert kf.note.endswith("KB (from 120×80 TIFF)")


def test_bytes_entry_point_uses_the_name(tmp_path: Path) -> None:
    data = cases.rgba_png(tmp_path).read_bytes()
    kf = prepare_image_bytes(data, "clipboard.png")
    assert kf.source == "clipboard.png"
    assert decode_data_uri(kf)[0] == "image/png"
    with pytest.raises(ImageRejected, match=r"clipboard\.png"):
        prepare_image_bytes(b"hello", "clipboard.png")


def test_srgb_profile_is_left_alone_and_a_broken_profile_is_ignored(tmp_path: Path) -> None:
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    for name, icc in (("srgb.jpg", srgb), ("badicc.jpg", b"not a colour profile")):
        path = tmp_path / name
        Image.new("RGB", (16, 16), (250, 100, 20)).save(path, "JPEG", icc_profile=icc)
        kf = prepare_image_file(path)
        assert "sRGB" not in kf.note
        assert _close(decode_data_uri(kf)[1].getpixel((8, 8)), (250, 100, 20))


def test_thread_safe_in_parallel(tmp_path: Path) -> None:
    builders: list[Callable[[Path], Path]] = [
        cases.exif_rotated_jpeg,
        cases.gray16_png,
        cases.palette_transparent_png,
        cases.animated_gif,
        cases.one_bit_bmp,
        cases.rgb_tiff,
    ]
    paths = [build(tmp_path) for build in builders] * 4
    serial = [prepare_image_file(p).url for p in paths]
    with ThreadPoolExecutor(max_workers=6) as pool:
        parallel = list(pool.map(lambda p: prepare_image_file(p).url, paths))
    assert parallel == serial


# --- refused ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("build", "words"),
    [
        (cases.truncated_jpeg, "damaged or cut short"),
        (cases.corrupt_png, "damaged or cut short"),
        (cases.text_named_png, "it looks like text"),
        (cases.empty_file, "is empty"),
    ],
    ids=["truncated-jpeg", "corrupt-png", "text-as-png", "empty"],
)
def test_bad_files_are_refused(build: Callable[[Path], Path], words: str, tmp_path: Path) -> None:
    path = build(tmp_path)
    with pytest.raises(ImageRejected) as caught:
        prepare_image_file(path)
    message = str(caught.value)
    assert f"“{path.name}”" in message
    assert words in message


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ImageRejected, match=r"“gone\.jpg” does not exist"):
        prepare_image_file(tmp_path / "gone.jpg")


def test_directory(tmp_path: Path) -> None:
    folder = tmp_path / "shots"
    folder.mkdir()
    with pytest.raises(ImageRejected, match=r"“shots” is a folder"):
        prepare_image_file(folder)


@pytest.fixture
def no_pixel_decoding(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make any attempt to decode pixel data fail the test loudly."""

    def refuse(self: object) -> None:
        raise AssertionError("pixels were decoded before the size check")

    monkeypatch.setattr(ImageFile.ImageFile, "load", refuse)
    monkeypatch.setattr(Image.Image, "load", refuse)


@pytest.mark.usefixtures("no_pixel_decoding")
@pytest.mark.parametrize(
    ("width", "height"),
    [(30000, 30000), (9000, 9000)],
    ids=["beyond-pillow-limit", "beyond-our-limit"],
)
def test_decompression_bomb_refused_before_decoding(
    width: int, height: int, tmp_path: Path
) -> None:
    path = cases.bomb_png(tmp_path, width, height)
    assert path.stat().st_size < 200
    with pytest.raises(ImageRejected) as caught:
        prepare_image_file(path)
    message = str(caught.value)
    assert "“huge.png” is too large to be a real photo" in message
    assert "decompression bomb" in message


def test_declared_size_below_the_limit_is_still_decoded(tmp_path: Path) -> None:
    # The same crafted file at a modest size is not a bomb: it fails as damaged, which
    # shows the bomb check above is what refused the big ones.
    with pytest.raises(ImageRejected, match="damaged or cut short"):
        prepare_image_file(cases.bomb_png(tmp_path, 3000, 3000, name="small.png"))


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic", "HEIC"),
        (b"<!DOCTYPE html><html><body>404</body></html>", "web page"),
        (bytes(range(256)) * 4, "not in any image format"),
    ],
    ids=["pdf", "heic", "html", "binary"],
)
def test_not_an_image_says_what_it_looks_like(data: bytes, words: str) -> None:
    with pytest.raises(ImageRejected, match=words) as caught:
        prepare_image_bytes(data, "thing.png")
    assert "“thing.png” is not an image" in str(caught.value)


def test_errors_share_one_base() -> None:
    assert issubclass(ImageRejected, KeyframeError)
    assert issubclass(KeyframeError, ValueError)


def test_bad_max_side_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="max_side"):
        prepare_image_bytes(b"x", "x.png", max_side=0)


def test_global_pillow_switches_untouched(tmp_path: Path) -> None:
    before = (ImageFile.LOAD_TRUNCATED_IMAGES, Image.MAX_IMAGE_PIXELS)
    with pytest.raises(ImageRejected):
        prepare_image_file(cases.truncated_jpeg(tmp_path))
    prepare_image_file(cases.rgba_png(tmp_path))
    assert before == (ImageFile.LOAD_TRUNCATED_IMAGES, Image.MAX_IMAGE_PIXELS)
