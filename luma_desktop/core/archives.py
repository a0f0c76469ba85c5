"""Opening a delivered zip without trusting it: its size is checked before it is listed.

``zipfile.ZipFile`` reads the whole central directory (the archive's list of files) in
its constructor, one ``ZipInfo`` per entry, however large the end record says it is.
A gateway (or a file dropped in the clips folder) can claim millions of entries, so
checking ``infolist()`` afterwards is too late. :func:`open_archive` reads the end of
central directory record (and the zip64 one) itself, the same way ``zipfile`` finds
them, and refuses an archive whose directory is larger or holds more entries than
:class:`~luma_desktop.core.limits.Limits` allow, before ``zipfile`` parses anything.

Members are then taken only by :func:`usable_members` (no folders, links, absolute
paths, ``..`` or drive letters) and unpacked only within :func:`check_unpack`'s bounds.
No Qt; the messages are shown to artists as they are.
"""

from __future__ import annotations

import re
import stat
import struct
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import BinaryIO, Final, NamedTuple

from luma_desktop.core.limits import DEFAULT_LIMITS, Limits, MiB

_EOCD: Final = struct.Struct("<4s4H2LH")  # end of central directory (22 bytes)
_EOCD_SIG: Final = b"PK\x05\x06"
_LOCATOR: Final = struct.Struct("<4sLQL")  # zip64 end of central directory locator (20)
_LOCATOR_SIG: Final = b"PK\x06\x07"
_EOCD64: Final = struct.Struct("<4sQ2H2L4Q")  # zip64 end of central directory (56)
_EOCD64_SIG: Final = b"PK\x06\x06"
_ENTRY_SIG: Final = b"PK\x01\x02"  # each central directory entry starts with it
_MAX_COMMENT: Final = 0xFFFF
_DRIVE = re.compile(r"^[A-Za-z]:")


class ArchiveRefused(ValueError):
    """An archive Luma Desktop will not open or unpack; the message is for the artist."""


class Directory(NamedTuple):
    """Where an archive's list of files is, as ``zipfile`` will read it."""

    entries: int  # as the end record claims (zipfile itself never uses it)
    size: int  # bytes of the central directory
    start: int  # where it starts (right before the end records, as zipfile places it)


def find_directory(f: BinaryIO) -> Directory:
    """The central directory ``zipfile`` would read from ``f``, found its way: the end
    record at the very end, else the last one in the trailing 64 KiB (a comment after
    it), then the zip64 record when its locator sits right before. Raises
    ``zipfile.BadZipFile`` when there is no end record (zipfile refuses the same file).
    """
    end = f.seek(0, 2)
    start = max(end - _EOCD.size - _MAX_COMMENT, 0)
    f.seek(start)
    tail = f.read(end - start)
    at = len(tail) - _EOCD.size
    if not (at >= 0 and tail.startswith(_EOCD_SIG, at) and tail.endswith(b"\0\0")):
        at = tail.rfind(_EOCD_SIG)
    if at < 0 or len(tail) - at < _EOCD.size:
        raise zipfile.BadZipFile("File is not a zip file")
    fields = _EOCD.unpack_from(tail, at)
    entries, size, records = fields[4], fields[5], start + at
    if records >= _LOCATOR.size + _EOCD64.size:
        f.seek(records - _LOCATOR.size - _EOCD64.size)
        data = f.read(_EOCD64.size + _LOCATOR.size)
        if data.startswith(_LOCATOR_SIG, _EOCD64.size) and data.startswith(_EOCD64_SIG):
            zip64 = _EOCD64.unpack_from(data)
            entries, size = zip64[7], zip64[8]
            records -= _LOCATOR.size + _EOCD64.size
    return Directory(entries, size, records - size)


def check_directory(f: BinaryIO, limits: Limits = DEFAULT_LIMITS) -> None:
    """Refuse an archive whose list of files is too long, before anything parses it."""
    found = find_directory(f)
    if found.entries > limits.max_archive_entries:
        raise ArchiveRefused(_too_many(found.entries, limits))
    if found.size > limits.max_archive_directory_bytes:
        raise ArchiveRefused(
            f"its list of files takes {_mb(found.size)}, more than the "
            f"{_mb(limits.max_archive_directory_bytes)} Luma Desktop reads"
        )
    if found.start < 0:
        raise zipfile.BadZipFile("Bad offset for central directory")
    # The count in the end record may lie (zipfile never uses it): count the entries
    # themselves. Each starts with a signature, so this is an upper bound.
    f.seek(found.start)
    counted = f.read(found.size).count(_ENTRY_SIG)
    if counted > limits.max_archive_entries:
        raise ArchiveRefused(_too_many(counted, limits))


@contextmanager
def open_archive(path: Path, limits: Limits = DEFAULT_LIMITS) -> Iterator[zipfile.ZipFile]:
    """The archive at ``path``, opened once its directory is known to be of a sane size.

    Raises :class:`ArchiveRefused` (too large), ``zipfile.BadZipFile`` or ``OSError``.
    """
    with path.open("rb") as f:
        check_directory(f, limits)
        f.seek(0)
        with zipfile.ZipFile(f) as archive:
            yield archive


def safe_name(name: str) -> bool:
    """A member name that stays inside a folder: relative, no ``..``, no drive letter."""
    if not name or "\x00" in name or _DRIVE.match(name):
        return False
    parts = PurePosixPath(name.replace("\\", "/")).parts
    return bool(parts) and parts[0] != "/" and ".." not in parts


def usable_members(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """The archive's plain files with safe names: no folders, symlinks or escapes."""
    return [
        info
        for info in archive.infolist()
        if not info.is_dir()
        and not stat.S_ISLNK(info.external_attr >> 16)
        and safe_name(info.filename)
    ]


def check_unpack(info: zipfile.ZipInfo, max_bytes: int, limits: Limits = DEFAULT_LIMITS) -> None:
    """Refuse to unpack a member larger than ``max_bytes`` or that grows too many times.

    ``zipfile`` stops a member at its declared size (and fails its CRC past it), so the
    declared size checked here bounds what is written.
    """
    name = PurePosixPath(info.filename).name
    if info.file_size > max_bytes:
        raise ArchiveRefused(f"“{name}” would unpack to {_mb(info.file_size)}, more than allowed")
    if info.file_size > limits.max_archive_ratio * max(info.compress_size, 1):
        raise ArchiveRefused(
            f"“{name}” would grow more than {limits.max_archive_ratio} times when unpacked, "
            "as an archive made to fill the disk does"
        )


def _too_many(entries: int, limits: Limits) -> str:
    return (
        f"it lists {entries:,} files, more than the {limits.max_archive_entries:,} "
        "Luma Desktop opens"
    )


def _mb(n: int) -> str:
    return f"{n / MiB:,.1f} MB"
