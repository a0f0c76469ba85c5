"""Read and rewrite ICU's common data (the ``CmnD`` package Qt's libicudata carries).

Qt's wheel links ICU 73 with its full data (~31 MB) built into ``libicudata.so.73``
as the symbol ``icudt73_dat``. Qt uses a small part of it (collation for QCollator,
case mapping, normalisation, converter aliases); the rest is locale display data
(currency, language, region, unit and time-zone names, number spell-out, dates),
transliterators and word-break dictionaries that only ICU's own formatting and
break-iterator APIs read, and Qt calls none of them.

The format (ICU's ucmndata.h, what ``icupkg`` writes): a data header, then a table
of contents ``count, {nameOffset, dataOffset} * count`` whose offsets count from the
table's start, the item names (sorted, NUL-terminated, ICU looks them up by binary
search) and the items, each aligned to 16 bytes. Written here rather than with
``icupkg`` so the build needs no ICU tools of a matching version, only binutils.
"""

from __future__ import annotations

import re
import struct
import subprocess
from collections.abc import Callable
from pathlib import Path

# The data header (MappedData + UDataInfo) of a common data package: headerSize,
# magic 0xda27, then UDataInfo whose dataFormat is "CmnD".
_COMMON_HEADER = re.compile(rb"..\xda\x27.{8}CmnD", re.DOTALL)
_ALIGN = 16


def read_common(blob: bytes) -> tuple[bytes, dict[str, bytes]]:
    """The header and the items (name -> bytes) of the common data inside ``blob``."""
    found = _COMMON_HEADER.search(blob)
    if found is None:
        raise ValueError("no ICU common data (CmnD) found")
    start = found.start()
    (header_size,) = struct.unpack_from("<H", blob, start)
    toc = start + header_size
    (count,) = struct.unpack_from("<I", blob, toc)
    entries = [struct.unpack_from("<II", blob, toc + 4 + 8 * i) for i in range(count)]
    items: dict[str, bytes] = {}
    for i, (name_at, data_at) in enumerate(entries):
        name = blob[toc + name_at : blob.index(b"\0", toc + name_at)].decode("ascii")
        end = entries[i + 1][1] if i + 1 < count else _last_item_end(blob, toc + data_at)
        items[name] = blob[toc + data_at : toc + end]
    return blob[start:toc], items


def _last_item_end(blob: bytes, at: int) -> int:
    """The table does not give the last item's length: it runs to the blob's end (the
    caller passes the symbol's bytes exactly)."""
    return len(blob) - at + at


def write_common(header: bytes, items: dict[str, bytes]) -> bytes:
    """A common data package holding ``items`` (names sorted as ICU searches them)."""
    names = sorted(items, key=lambda n: n.encode("ascii"))
    table = 4 + 8 * len(names)
    name_bytes = b"".join(n.encode("ascii") + b"\0" for n in names)
    data_at = _aligned(len(header) + table + len(name_bytes)) - len(header)
    entries, body, name_at = [], bytearray(), table
    for name in names:
        entries.append((name_at, data_at + len(body)))
        name_at += len(name) + 1
        body += items[name]
        body += b"\0" * (_aligned(len(body)) - len(body))
    out = bytearray(header)
    out += struct.pack("<I", len(names))
    for entry in entries:
        out += struct.pack("<II", *entry)
    out += name_bytes
    out += b"\0" * (_aligned(len(out)) - len(out))
    return bytes(out + body)


def _aligned(n: int) -> int:
    return (n + _ALIGN - 1) // _ALIGN * _ALIGN


# --- what Qt needs -----------------------------------------------------------------------

# QtCore calls ucol_* (QCollator, localeAwareCompare), u_strToUpper/Lower with a locale
# (QLocale::toUpper), ucnv_* (QStringConverter's encodings beyond UTF and Latin-1) and
# ucal_* (QTimeZone's canonical ids and display names): nothing else. ICU's core
# character properties and normalisation tables for that are compiled into libicuuc.
# Collation: every language (the tree is 3 MB, most of it Chinese, Japanese, Korean).
KEPT_TREES = ("coll",)
# Time-zone display names (QTimeZone::displayName, which the app never calls): only the
# tree's root, which gives the GMT+hh:mm form.
ROOT_ONLY_TREES = ("zone",)
# Converters for QStringDecoder's legacy encodings (the app decodes none through Qt):
# the single-byte tables (all small) stay, the multi-byte CJK and EBCDIC ones go.
SMALL_CONVERTER = 64 * 1024
_ROOT_ITEMS = ("root.res", "res_index.res", "pool.res")
# Top-level items Qt never reaches: character names (u_charName) and spoof checks.
DROPPED_TOP = frozenset({"unames.icu", "confusables.cfu"})
_LOCALE_ID = re.compile(r"(root|[a-z]{2,3}(_[A-Za-z0-9]+)*)\.res")


def qt_needs(name: str, size: int) -> bool:
    """Whether the item ``icudt73l/...`` stays in the bundle's ICU data."""
    parts = name.split("/")[1:]
    if len(parts) == 2:
        tree, item = parts
        if tree in KEPT_TREES:
            return True
        return tree in ROOT_ONLY_TREES and item in _ROOT_ITEMS
        # (brkitr, curr, lang, region, unit, rbnf, translit: all dropped)
    (item,) = parts
    if item.endswith(".cnv"):
        return size <= SMALL_CONVERTER
    if item in DROPPED_TOP:
        return False
    if _LOCALE_ID.fullmatch(item):  # the main tree: dates, numbers, names by locale
        return item in _ROOT_ITEMS
    return True  # supplemental data, converter aliases, stringprep, normalisation


def symbol_bytes(library: Path, symbol: str) -> bytes:
    """The bytes of a data symbol in a shared library (its file offset from nm)."""
    out = subprocess.run(
        ["nm", "-D", "-S", "--defined-only", str(library)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    for line in out.splitlines():
        fields = line.split()
        if len(fields) == 4 and fields[3] == symbol:
            address, size = int(fields[0], 16), int(fields[1], 16)
            blob = library.read_bytes()[address : address + size]
            if not _COMMON_HEADER.match(blob):  # the offset is not the address
                raise ValueError(f"{symbol} in {library.name} is not where nm says")
            return blob
    raise ValueError(f"no {symbol} in {library.name}")


def build_library(blob: bytes, symbol: str, soname: str, folder: Path) -> Path:
    """A shared library exporting ``symbol`` = ``blob`` (read-only, 16-byte aligned)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "data.bin").write_bytes(blob)
    (folder / "data.s").write_text(
        f"""    .section .rodata
    .global {symbol}
    .type {symbol}, @object
    .balign 16
{symbol}:
    .incbin "{folder / "data.bin"}"
    .size {symbol}, . - {symbol}
    .section .note.GNU-stack,"",@progbits
"""
    )
    target = folder / soname
    subprocess.run(
        ["gcc", "-shared", "-nostdlib", f"-Wl,-soname,{soname}", "-o", str(target),
         str(folder / "data.s")],
        check=True,
    )  # fmt: skip
    return target


def trimmed_icudata(
    library: Path, folder: Path, keep: Callable[[str, int], bool] = qt_needs
) -> Path:
    """A copy of ``libicudata.so.NN`` whose data holds only what ``keep`` keeps."""
    version = library.name.rsplit(".", 1)[-1]
    symbol = f"icudt{version}_dat"
    header, items = read_common(symbol_bytes(library, symbol))
    kept = {name: data for name, data in items.items() if keep(name, len(data))}
    return build_library(write_common(header, kept), symbol, library.name, folder)
