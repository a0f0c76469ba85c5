"""Parsing what the artist (or ``--frame0 X``) gives as a keyframe."""

from __future__ import annotations

from pathlib import Path

import pytest

from luma_desktop.core.images import ImageRejected, KeyframeError
from luma_desktop.core.keyframes import KeyframeSourceError, parse_keyframe_source
from luma_desktop.core.request import GenerationKeyframe, ImageKeyframe

from . import image_cases as cases
from .image_cases import decode_data_uri

GEN_ID = "0f8e3c52-7a1d-4b6e-9c2f-1d2e3f4a5b6c"


def test_generation_id() -> None:
    assert parse_keyframe_source(f"gen:{GEN_ID}") == GenerationKeyframe(GEN_ID)


def test_generation_id_is_normalised() -> None:
    assert parse_keyframe_source(f"  GEN: {GEN_ID.upper()}\n") == GenerationKeyframe(GEN_ID)


@pytest.mark.parametrize(
    "text",
    ["gen:1234", "gen:", f"gen:{GEN_ID}x", f"gen:{GEN_ID[:-1]}", f"gen:{GEN_ID}\n{GEN_ID}"],
)
def test_bad_generation_id(text: str) -> None:
    with pytest.raises(KeyframeSourceError, match="is not a generation id") as caught:
        parse_keyframe_source(text)
    assert "gen: followed by a UUID" in str(caught.value)


@pytest.mark.parametrize(
    "url",
    [
        "https://cdn.example.com/stills/frame0.png",
        "http://example.org/a.jpg?size=large#top",
        "https://images.example.co.uk:8443/x/y.webp",
        "https://8.8.8.8/still.jpg",
        "https://bücher.example/bild.png",
    ],
)
def test_web_links_are_kept_as_links(url: str) -> None:
    kf = parse_keyframe_source(url)
    assert isinstance(kf, ImageKeyframe)
    assert kf.url == url
    assert kf.source == url
    assert not kf.inline


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("https://", "no host name"),
        ("http:///images/a.png", "no host name"),
        ("https://cdn.example.com/my still.png", "spaces"),
        ("https://cdn.example.com/a.png\tb", "spaces"),
        ("https://artist:hunter2@cdn.example.com/a.png", "password"),
        ("https://token@cdn.example.com/a.png", "user name"),
        ("https://cdn.example.com:99999/a.png", "not a well-formed link"),
        ("http://localhost:8000/a.png", "your own computer"),
        ("http://127.0.0.1/a.png", "your own computer"),
        ("http://192.168.1.20/a.png", "your own computer"),
        ("http://[::1]/a.png", "your own computer"),
        ("http://nas.local/a.png", "your own computer"),
        ("http://intranet/a.png", "not a public web address"),
        ("http://bad_host.example.com/a.png", "not a public web address"),
        ("http://300.1.1.1/a.png", "not a valid address"),
    ],
)
def test_bad_web_links(text: str, words: str) -> None:
    with pytest.raises(KeyframeSourceError, match=words):
        parse_keyframe_source(text)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("ftp://files.example.com/a.png", "uses ftp://"),
        ("sftp://files.example.com/a.png", "uses sftp://"),
        ("javascript:alert(1)", "script"),
        ("JavaScript:alert(1)", "script"),
        ("data:image/png;base64,iVBORw0KGgo=", "pick the image file instead"),
        ("blob:https://example.com/1234", "browser tab"),
        ("", "No keyframe given"),
        ("   ", "No keyframe given"),
    ],
)
def test_other_schemes_are_refused(text: str, words: str) -> None:
    with pytest.raises(KeyframeSourceError, match=words):
        parse_keyframe_source(text)


def test_file_url_to_a_real_image(tmp_path: Path) -> None:
    folder = tmp_path / "my shots"
    folder.mkdir()
    path = cases.rgba_png(folder)
    url = path.as_uri()
    assert "%20" in url  # the space is percent-encoded and must be decoded back
    kf = parse_keyframe_source(url)
    assert isinstance(kf, ImageKeyframe)
    assert kf.source == str(path)
    assert decode_data_uri(kf)[0] == "image/png"


def test_file_url_on_another_computer() -> None:
    with pytest.raises(KeyframeSourceError, match="another computer"):
        parse_keyframe_source("file://server/share/a.png")


def test_plain_and_quoted_paths(tmp_path: Path) -> None:
    path = cases.rgb_tiff(tmp_path)
    for text in (str(path), f"'{path}'", f'"{path}"', f"  {path}  "):
        kf = parse_keyframe_source(text)
        assert isinstance(kf, ImageKeyframe)
        assert kf.source == str(path)
        assert kf.inline


def test_a_colon_in_a_file_name_is_still_a_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    path = cases.rgb_tiff(tmp_path)
    path.rename(tmp_path / "take:2.tiff")
    kf = parse_keyframe_source("take:2.tiff")
    assert isinstance(kf, ImageKeyframe)
    assert kf.source == "take:2.tiff"


def test_home_is_expanded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    path = cases.animated_gif(tmp_path)
    kf = parse_keyframe_source("~/loop.gif")
    assert isinstance(kf, ImageKeyframe)
    assert kf.source == str(path)


def test_missing_file_is_an_image_rejection(tmp_path: Path) -> None:
    with pytest.raises(ImageRejected, match="does not exist"):
        parse_keyframe_source(str(tmp_path / "nope.png"))


def test_bad_file_is_an_image_rejection(tmp_path: Path) -> None:
    with pytest.raises(ImageRejected, match="looks like text"):
        parse_keyframe_source(str(cases.text_named_png(tmp_path)))


def test_one_base_for_every_refusal(tmp_path: Path) -> None:
    assert issubclass(KeyframeSourceError, KeyframeError)
    assert issubclass(ImageRejected, KeyframeError)
    for text in ("gen:nope", "javascript:x", str(tmp_path / "missing.png")):
        with pytest.raises(KeyframeError):
            parse_keyframe_source(text)


def test_long_input_is_shortened_in_messages() -> None:
    with pytest.raises(KeyframeSourceError) as caught:
        parse_keyframe_source("gen:" + "x" * 5000)
    assert len(str(caught.value)) < 300
