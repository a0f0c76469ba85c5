"""What a downloaded clip really is, from its first bytes (never from its link or type).

Ray 3.2's HDR and EXR deliveries are not the 8-bit H.264 MP4 of the other models,
and how EXR frames come back is not documented. A file is recognised by content:

- ISO media: ``ftyp`` with brand ``qt  `` is a QuickTime ``.mov`` (ProRes, say); any
  other ``ftyp`` an ``.mp4``; a bare ``moov``/``mdat``/``wide``/``free`` atom an old
  QuickTime file (``.mov``);
- EBML (``1A 45 DF A3``): ``.webm`` when its DocType says webm, else ``.mkv``;
- OpenEXR (``76 2F 31 01``): one ``.exr`` frame;
- ZIP (``PK 03 04``): an archive of frames, ``.zip``.

Anything else is :data:`UNUSABLE`: a terminal, plainly worded refusal of the clip,
never a reason to download it again.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass

HEAD_BYTES = 64  # enough for every signature here (the EBML DocType sits in the header)


@dataclass(frozen=True)
class Delivery:
    extension: str  # with the dot, "" when unusable
    description: str
    video: bool  # a clip to play (else frames kept beside it)

    @property
    def usable(self) -> bool:
        return bool(self.extension)


MP4 = Delivery(".mp4", "MP4 video", True)
MOV = Delivery(".mov", "QuickTime video", True)
WEBM = Delivery(".webm", "WebM video", True)
MKV = Delivery(".mkv", "Matroska video", True)
EXR = Delivery(".exr", "an OpenEXR frame", False)
ZIP = Delivery(".zip", "an archive of frames", False)
UNUSABLE = Delivery("", "not a video or frames Luma Desktop can use", False)
EXTENSIONS = tuple(d.extension for d in (MP4, MOV, WEBM, MKV, EXR, ZIP))

_ISO_ATOMS = (b"moov", b"mdat", b"wide", b"free", b"skip")


def sniff(head: bytes) -> Delivery:
    """The delivery whose signature ``head`` (the file's first bytes) carries."""
    if len(head) >= 12 and head[4:8] == b"ftyp":
        return MOV if head[8:12] == b"qt  " else MP4
    if len(head) >= 8 and head[4:8] in _ISO_ATOMS:
        return MOV
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return WEBM if b"webm" in head[:HEAD_BYTES] else MKV
    if head.startswith(b"\x76\x2f\x31\x01"):
        return EXR
    if head.startswith(b"PK\x03\x04"):
        return ZIP
    return UNUSABLE


def sniff_file(path: str) -> Delivery:
    """What the regular file at ``path`` is. Callers may be the window's thread (the
    player's notice): the open never blocks, and a FIFO or a device is unusable."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        with os.fdopen(os.open(path, flags), "rb") as f:
            if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
                return UNUSABLE
            return sniff(f.read(HEAD_BYTES))
    except OSError:
        return UNUSABLE
