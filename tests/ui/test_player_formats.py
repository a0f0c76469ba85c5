"""The player and deliveries it cannot show as they are, with real encodes made at test
time: AV1 (no software decoder in Qt's FFmpeg) is refused in plain words with "Open in
system player" instead of a black picture; HDR without Qt's GPU tone mapping says it
is shown without HDR; frames are refused with "Open folder"."""

from __future__ import annotations

import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from pytestqt.qtbot import QtBot

from luma_desktop.ui.player import PlayerWidget
from tests.encodes import AV1, EXR_FRAME, HDR10, HLG, SDR, TEN_BIT, encode

TIMEOUT_MS = 10_000


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("deliveries")
    made = {name: encode(folder, *spec) for name, spec in {
        "av1": AV1, "hdr10": HDR10, "hlg": HLG, "sdr": SDR, "exr": EXR_FRAME,
        "hevc10": TEN_BIT["hevc main 10"]}.items()}  # fmt: skip
    frames = folder / "clip.frames.zip"
    with zipfile.ZipFile(frames, "w") as archive:
        for i in range(3):
            archive.write(made["exr"], f"frames/{i:04d}.exr")
    made["zip"] = frames
    return made


@pytest.fixture
def player(qtbot: QtBot) -> Iterator[PlayerWidget]:
    widget = PlayerWidget()
    qtbot.addWidget(widget)
    widget.resize(480, 360)
    widget.show()
    qtbot.waitExposed(widget)
    yield widget
    widget.clear()


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    urls: list[str] = []

    def open_url(url: QUrl) -> bool:
        urls.append(url.toLocalFile())
        return True

    monkeypatch.setattr(QDesktopServices, "openUrl", open_url)
    return urls


def test_an_av1_clip_says_it_cannot_play_here_instead_of_a_black_picture(
    player: PlayerWidget, clips: dict[str, Path], opened: list[str], qtbot: QtBot
) -> None:
    player.play_file(clips["av1"])
    qtbot.waitUntil(lambda: "Can't play here" in player.error_text(), timeout=TIMEOUT_MS)
    assert "AV1" in player.error_text()
    button = player._screen.error_button
    assert button.isVisible()
    assert button.text() == "Open in system player"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert opened == [str(clips["av1"])]


@pytest.mark.parametrize("name", ["hdr10", "hlg"])
def test_hdr_without_tone_mapping_says_so_and_offers_the_system_player(
    name: str, player: PlayerWidget, clips: dict[str, Path], opened: list[str], qtbot: QtBot
) -> None:
    assert player.video_sink().rhi() is None  # offscreen: Qt's CPU path, no tone mapping
    player.play_file(clips[name])
    qtbot.waitUntil(lambda: "shown without HDR" in player.checks.bar.text(), timeout=TIMEOUT_MS)
    assert player.error_text() == ""  # it still plays
    qtbot.mouseClick(player.checks.bar.button, Qt.MouseButton.LeftButton)
    assert opened == [str(clips[name])]


def test_an_sdr_clip_plays_with_no_notice(
    player: PlayerWidget, clips: dict[str, Path], qtbot: QtBot
) -> None:
    player.play_file(clips["sdr"])
    player.play_file(clips["hdr10"])  # its answer comes ...
    player.play_file(clips["sdr"])  # ... for a clip no longer shown: dropped
    qtbot.waitUntil(lambda: player.media_player.position() > 0, timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: not any(t.name.startswith("probe ") for t in threading.enumerate()))
    assert player.checks.bar.text() == ""
    assert player.error_text() == ""


@pytest.mark.parametrize(("name", "label"), [("zip", "EXR frames (3)"), ("exr", "EXR frame")])
def test_frames_are_refused_with_open_folder(
    name: str,
    label: str,
    player: PlayerWidget,
    clips: dict[str, Path],
    opened: list[str],
    qtbot: QtBot,
) -> None:
    player.play_file(clips[name])
    assert player.error_text().startswith(f"{label}: frames, not a video")
    assert player._screen.error_button.text() == "Open folder"
    qtbot.mouseClick(player._screen.error_button, Qt.MouseButton.LeftButton)
    assert opened == [str(clips[name].parent)]


def test_as_first_takes_a_10_bit_frame_that_qt_gives_no_image_of(
    player: PlayerWidget, clips: dict[str, Path], qtbot: QtBot
) -> None:
    """Offscreen (no GPU path) Qt's toImage() is null for 10-bit frames: the frame is
    decoded in software instead, at the player's position, full size."""
    player.play_file(clips["hevc10"], autoplay=False)
    qtbot.waitUntil(lambda: player.video_sink().videoFrame().isValid(), timeout=TIMEOUT_MS)
    with qtbot.waitSignal(player.frame_requested, timeout=TIMEOUT_MS) as taken:
        qtbot.mouseClick(player._buttons["frame1"], Qt.MouseButton.LeftButton)
    image, kind = taken.args
    assert kind == "frame1"
    assert (image.width(), image.height()) == (64, 36)
    colours = {image.pixel(x, y) for x in range(0, 64, 4) for y in range(36)}
    assert len(colours) > 20  # testsrc2's bars, not a blank frame
