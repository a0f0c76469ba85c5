"""Thumbnails from real encodes made at test time: 10-bit clips get theirs (decoded in
software), and a stalled or broken clip gives up at its deadline with a plain
placeholder while the clips after it still get theirs."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from luma_desktop.core.clipinfo import first_frame
from luma_desktop.core.tonemap import table
from luma_desktop.studio.thumbnails import ThumbnailMaker, facts_of
from tests.encodes import HDR10, SDR, TEN_BIT, encode


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("clips")
    made = {name: encode(folder, out, opts) for name, (out, opts) in TEN_BIT.items()}
    made["sdr"] = encode(folder, *SDR)
    made["hdr10"] = encode(folder, *HDR10)
    return made


@pytest.fixture
def stalled(tmp_path: Path) -> Iterator[Path]:
    """A "clip" whose first read never returns (a FIFO nobody writes to), as a stalled
    network share would; let go at the end so its reader thread can finish."""
    fifo = tmp_path / "stalled.mp4"
    os.mkfifo(fifo)
    yield fifo
    readers = [t for t in threading.enumerate() if t.name == f"thumbnail {fifo.name}"]
    # Opened read-write a FIFO never blocks and lets the waiting reader in; with the path
    # then a plain (unreadable) file and our end closed, the reader sees the end at once.
    held = os.open(fifo, os.O_RDWR)
    junk = fifo.with_name("junk")
    junk.write_bytes(b"not a clip")
    junk.replace(fifo)
    os.close(held)
    for reader in readers:
        reader.join(timeout=5)
        assert not reader.is_alive()


def _colours(image: QImage) -> int:
    return len(
        {image.pixel(x, y) for x in range(0, image.width(), 4) for y in range(image.height())}
    )


@pytest.mark.parametrize("name", list(TEN_BIT))
def test_a_10_bit_clip_gets_a_thumbnail(
    name: str, clips: dict[str, Path], tmp_path: Path, qtbot: QtBot
) -> None:
    maker = ThumbnailMaker(tmp_path / "thumbs", deadline=5.0)
    with qtbot.waitSignal(maker.made, timeout=10_000) as made:
        maker.request("job", clips[name])
    image = QImage(str(made.args[1]))
    assert (image.width(), image.height()) == (64, 36)  # the clip's own size (under 90 rows)
    assert _colours(image) > 20  # testsrc2's colour bars, not a blank or a placeholder
    facts = facts_of(image)
    assert facts is not None
    assert facts.playable
    assert "10" in facts.pixel_format  # yuv420p10le, yuv422p10le


def test_an_hdr_clip_is_recognised_from_its_stream(
    clips: dict[str, Path], tmp_path: Path, qtbot: QtBot
) -> None:
    maker = ThumbnailMaker(tmp_path / "thumbs", deadline=5.0)
    with qtbot.waitSignal(maker.made, timeout=10_000) as made:
        maker.request("job", clips["hdr10"])
    facts = facts_of(QImage(str(made.args[1])))
    assert facts is not None
    assert facts.hdr
    assert facts.transfer == "PQ"


def test_a_stalled_or_broken_clip_never_holds_up_the_queue(
    clips: dict[str, Path], stalled: Path, tmp_path: Path, qtbot: QtBot
) -> None:
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(b"\x00\x00\x00\x18ftypisom" + b"\x00" * 500)
    maker = ThumbnailMaker(tmp_path / "thumbs", deadline=0.5)
    made: list[tuple[str, str]] = []
    maker.made.connect(lambda key, path: made.append((key, path)))
    for key, clip in (("stalled", stalled), ("broken", broken), ("fine", clips["hevc main 10"])):
        maker.request(key, clip)
    qtbot.waitUntil(lambda: len(made) == 3, timeout=10_000)
    assert [key for key, _path in made] == ["stalled", "broken", "fine"]
    images = {key: QImage(path) for key, path in made}
    given_up, unreadable = facts_of(images["stalled"]), facts_of(images["broken"])
    assert given_up is not None
    assert "took longer than 0.5 s" in given_up.problem
    assert unreadable is not None
    assert not unreadable.playable
    assert "cannot be read" in unreadable.problem
    assert _colours(images["fine"]) > 20
    assert maker.pending() == 0


def test_an_hdr_thumbnail_is_tone_mapped_for_an_sdr_screen(tmp_path: Path, qtbot: QtBot) -> None:
    """The same pictures tagged PQ and untagged: swscale gives both the same code values;
    the PQ one's first frame goes through the PQ → SDR table (not flat code values)."""
    hdr = encode(tmp_path, *HDR10)
    plain = encode(tmp_path, "plain.mp4", [*HDR10[1][:-2], "-x265-params", "log-level=none"])
    (_facts, sdr), (facts, mapped) = first_frame(plain, 90), first_frame(hdr, 90)
    assert facts.transfer == "PQ"
    assert sdr is not None
    assert mapped is not None
    assert mapped.rgb == sdr.rgb.translate(table("PQ"))
    assert mapped.rgb != sdr.rgb
    # The mid-tones of a PQ picture (about 100 nits) come out as SDR mid-tones, not dark.
    assert table("PQ")[128] > 128
    assert 170 < table("PQ")[148] < 200  # 203 nits, HDR reference white
