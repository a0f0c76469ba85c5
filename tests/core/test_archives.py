"""Hostile zips of frames: an archive's size is checked before zipfile lists it, and only
plain, safely named members within bounds are read or unpacked (core/archives.py)."""

from __future__ import annotations

import io
import random
import stat
import struct
import zipfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from luma_desktop.core.clipinfo import first_frame, frames_label
from luma_desktop.core.deliveries import place
from luma_desktop.core.limits import DEFAULT_LIMITS, Limits

MP4_HEAD = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + b"\x00" * 40


def _zip(members: dict[str, bytes], compression: int = zipfile.ZIP_STORED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _frames(n: int) -> dict[str, bytes]:
    return {f"exr/{i:04d}.png": b"not decoded in these tests" for i in range(n)}


def _claiming(data: bytes, entries: int, directory_bytes: int | None = None) -> bytes:
    """``data`` (a zip without comment) with zip64 end records claiming ``entries`` and,
    if given, a central directory of ``directory_bytes``: 100 bytes, not gigabytes."""
    eocd = bytearray(data[-22:])
    assert eocd[:4] == b"PK\x05\x06"
    size, offset = struct.unpack_from("<LL", eocd, 12)
    body = data[:-22]
    zip64 = struct.pack(
        "<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, entries, entries,
        size if directory_bytes is None else directory_bytes, offset,
    )  # fmt: skip
    locator = struct.pack("<4sLQL", b"PK\x06\x07", 0, len(body), 1)
    struct.pack_into("<HH", eocd, 8, 0xFFFF, 0xFFFF)
    return body + zip64 + locator + bytes(eocd)


@pytest.fixture
def no_listing(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records every archive zipfile was asked to list: a refused one must not be."""
    opened: list[str] = []
    real = zipfile.ZipFile._RealGetContents  # type: ignore[attr-defined]

    def spy(self: zipfile.ZipFile) -> None:
        opened.append(str(self.filename))
        real(self)

    monkeypatch.setattr(zipfile.ZipFile, "_RealGetContents", spy)
    return opened


def test_an_end_record_claiming_ten_million_entries_is_refused_before_zipfile_lists_it(
    tmp_path: Path, no_listing: list[str]
) -> None:
    path = tmp_path / "a.frames.zip"
    path.write_bytes(_claiming(_zip(_frames(2)), entries=10_000_000))
    facts, picture = first_frame(path, 90)
    assert picture is None
    assert "10,000,000 files" in facts.problem
    assert "more than the 20,000 Luma Desktop opens" in facts.problem
    assert frames_label(path) == "archive"
    assert no_listing == []


def test_a_directory_claiming_a_gigabyte_is_refused_in_plain_words(
    tmp_path: Path, no_listing: list[str]
) -> None:
    path = tmp_path / "a.frames.zip"
    path.write_bytes(_claiming(_zip(_frames(2)), entries=2, directory_bytes=1 << 30))
    facts, _picture = first_frame(path, 90)
    assert "its list of files takes 1,024.0 MB, more than the 8.0 MB" in facts.problem
    assert no_listing == []


def _small(**changes: Any) -> Limits:
    return replace(DEFAULT_LIMITS, **changes)


def test_one_entry_past_the_limit_is_refused_and_the_limit_itself_opens(
    tmp_path: Path, no_listing: list[str]
) -> None:
    limits = _small(max_archive_entries=5)
    at, past = tmp_path / "at.frames.zip", tmp_path / "past.frames.zip"
    at.write_bytes(_zip(_frames(5)))
    past.write_bytes(_zip(_frames(6)))
    assert frames_label(at, limits) == "PNG frames (5)"
    assert frames_label(past, limits) == "archive"
    facts, _picture = first_frame(past, 90, limits)
    assert "it lists 6 files, more than the 5 Luma Desktop opens" in facts.problem
    assert no_listing == [str(at)]


def test_an_end_record_that_undercounts_its_entries_is_found_out(
    tmp_path: Path, no_listing: list[str]
) -> None:
    data = bytearray(_zip(_frames(6)))
    struct.pack_into("<HH", data, len(data) - 22 + 8, 1, 1)  # "one entry"; zipfile never asks
    path = tmp_path / "a.frames.zip"
    path.write_bytes(bytes(data))
    facts, _picture = first_frame(path, 90, _small(max_archive_entries=5))
    assert "it lists 6 files" in facts.problem
    assert no_listing == []


def _link(name: str, target: bytes) -> tuple[zipfile.ZipInfo, bytes]:
    info = zipfile.ZipInfo(name)
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info, target


def test_members_with_escaping_names_or_links_are_neither_counted_nor_read(
    tmp_path: Path,
) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in ("../up.png", "/abs.png", "C:/drive.png", "a/../../b.png", "ok/0001.png"):
            archive.writestr(name, b"x")
        archive.writestr(*_link("link.png", b"/etc/passwd"))
    path = tmp_path / "a.frames.zip"
    path.write_bytes(buffer.getvalue())
    assert frames_label(path) == "PNG frames (1)"


def test_a_video_under_an_escaping_name_or_a_link_is_not_taken_out(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("../../clip.mp4", MP4_HEAD)
        archive.writestr(*_link("movie.mp4", MP4_HEAD))
        archive.writestr("exr/0001.exr", b"frame")
    folder = tmp_path / "clips"
    folder.mkdir()
    dest = folder / "job.mp4"
    dest.write_bytes(buffer.getvalue())
    assert place(dest) == folder / "job.frames.zip"
    assert sorted(p.name for p in folder.iterdir()) == ["job.frames.zip"]


def test_a_video_that_grows_past_the_ratio_is_not_unpacked(tmp_path: Path) -> None:
    video = MP4_HEAD + bytes(range(256)) * 64  # repetitive: grows about 40 times
    # Frames that do not deflate: the archive is large, so the size bound is no matter.
    filler = {f"exr/{i}.exr": random.Random(i).randbytes(65536) for i in range(2)}
    dest = tmp_path / "job.mp4"
    dest.write_bytes(_zip({**filler, "movie/clip.mp4": video}, zipfile.ZIP_DEFLATED))
    assert place(dest, _small(max_archive_ratio=5)) == tmp_path / "job.frames.zip"
    assert not (tmp_path / "job.mp4").exists()
    again = tmp_path / "again.mp4"
    again.write_bytes(_zip({**filler, "movie/clip.mp4": video}, zipfile.ZIP_DEFLATED))
    assert place(again).read_bytes() == video  # within the default ratio: the clip


def test_archives_with_a_comment_or_zip64_end_records_still_open(tmp_path: Path) -> None:
    commented = io.BytesIO()
    with zipfile.ZipFile(commented, "w") as archive:
        for name, data in _frames(3).items():
            archive.writestr(name, data)
        archive.comment = b"a comment after the end record " * 2000
    zip64 = _claiming(_zip(_frames(3)), entries=3)
    for name, data in (("commented", commented.getvalue()), ("zip64", zip64)):
        path = tmp_path / f"{name}.frames.zip"
        path.write_bytes(data)
        assert frames_label(path, _small(max_archive_entries=3)) == "PNG frames (3)", name
