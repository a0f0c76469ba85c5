"""What an artist types, pastes or drops as a keyframe, turned into a Keyframe.

One parser for the studio's keyframe box and the CLI's ``--frame0 X``:

- ``gen:<uuid>``: a previous generation (extend, prepend, interpolate);
- an ``http(s)://`` link: sent as is, the gateway fetches it, so it must be a link
  the gateway can reach (a public host, no password in it);
- a ``file://`` link or anything else: a local image file, prepared inline.

Every refusal is a :class:`KeyframeError` (``KeyframeSourceError`` for what was
typed, ``ImageRejected`` for the file itself) with a message for the artist.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import threading
from pathlib import Path
from urllib.parse import SplitResult, unquote, urlsplit

from luma_desktop.core.images import (
    DEFAULT_MAX_SIDE,
    KeyframeError,
    Stop,
    never_stop,
    prepare_image_file,
)
from luma_desktop.core.request import (
    GenerationKeyframe,
    ImageKeyframe,
    Keyframe,
    is_generation_id,
)

__all__ = ["KeyframeError", "KeyframeSourceError", "parse_keyframe_source", "prepare_keyframe"]

# A scheme is two or more characters, so a Windows drive ("C:\\shots\\a.png") stays a path.
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]+):")
# Schemes refused even without "//": they carry code or content, not a location.
_REFUSED_SCHEMES = {
    "javascript": "a piece of script, not an image",
    "vbscript": "a piece of script, not an image",
    "data": "an inline data link; pick the image file instead and Luma Desktop prepares it",
    "blob": "a link that only lives inside a browser tab",
    "about": "a browser page, not an image",
    "mailto": "an e-mail address, not an image",
}
_HOST_LABEL = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$")


class KeyframeSourceError(KeyframeError):
    """What was given as a keyframe is not a generation id, usable link or file path."""


async def prepare_keyframe(text: str, *, max_side: int = DEFAULT_MAX_SIDE) -> Keyframe:
    """:func:`parse_keyframe_source` on a worker thread that stops when this is cancelled
    (Ctrl+C, the window closing): a thread cannot be killed, so it is told to stop."""
    stop = threading.Event()
    try:
        return await asyncio.to_thread(
            parse_keyframe_source, text, max_side=max_side, stop=stop.is_set
        )
    except asyncio.CancelledError:
        stop.set()
        raise


def parse_keyframe_source(
    text: str, *, max_side: int = DEFAULT_MAX_SIDE, stop: Stop = never_stop
) -> Keyframe:
    """Turn ``gen:<uuid>``, an http(s) link or a file path/``file://`` link into a keyframe.

    A local file is read and re-encoded here (blocking): call it off the UI thread.
    """
    raw = _unquote_shell(text.strip())
    if not raw:
        raise KeyframeSourceError(
            "No keyframe given: use gen:<generation id>, an http(s) image link or an image file."
        )
    if raw[:4].lower() == "gen:":
        return _generation(raw)
    match = _SCHEME.match(raw)
    scheme = match.group(1).lower() if match else ""
    if scheme in ("http", "https"):
        return ImageKeyframe(url=_checked_web_url(raw), source=raw, note="web link")
    if scheme == "file":
        return prepare_image_file(_file_url_path(raw), max_side=max_side, stop=stop)
    if scheme in _REFUSED_SCHEMES:
        raise KeyframeSourceError(f"“{_short(raw)}” is {_REFUSED_SCHEMES[scheme]}.")
    if scheme and raw[len(scheme) + 1 :].startswith("//"):
        raise KeyframeSourceError(
            f"“{_short(raw)}” uses {scheme}://, but Luma Desktop takes http(s) image links "
            "or image files."
        )
    # Anything else is a path, even with a colon in it ("take:2.png").
    return prepare_image_file(Path(raw).expanduser(), max_side=max_side, stop=stop)


def _generation(raw: str) -> GenerationKeyframe:
    gen_id = raw[4:].strip()
    if not is_generation_id(gen_id):
        raise KeyframeSourceError(
            f"“{_short(raw)}” is not a generation id (expected gen: followed by a UUID, "
            "like gen:0f8e3c52-7a1d-4b6e-9c2f-1d2e3f4a5b6c)."
        )
    # UUIDs are case-insensitive; the gateway writes them in lower case, and one
    # spelling keeps lineage lookups (parents()) matching.
    return GenerationKeyframe(gen_id.lower())


def _checked_web_url(raw: str) -> str:
    """The link, if the gateway could fetch it; else a KeyframeSourceError saying why."""
    shown = _short(raw)
    if any(c.isspace() or ord(c) < 0x20 or ord(c) == 0x7F for c in raw):
        raise KeyframeSourceError(
            f"“{shown}” contains spaces or invisible characters; copy the link again "
            "(spaces in a link are written %20)."
        )
    try:
        parts = urlsplit(raw)
        host = parts.hostname or ""
        parts.port  # noqa: B018 -- urllib checks the port only when it is read
    except ValueError:
        raise KeyframeSourceError(f"“{shown}” is not a well-formed link.") from None
    if "@" in parts.netloc:
        raise KeyframeSourceError(
            f"“{shown}” has a user name or password in it; the gateway would receive it too. "
            "Use a link that needs no login."
        )
    if not host:
        raise KeyframeSourceError(f"“{shown}” has no host name (expected https://host/...).")
    problem = _host_problem(host, parts)
    if problem:
        raise KeyframeSourceError(f"“{shown}” {problem}")
    return raw


def _host_problem(host: str, parts: SplitResult) -> str:
    """Why the gateway could not reach this host, or "" when it looks public."""
    private = (
        "points at your own computer or local network, which the gateway cannot reach; "
        "use a public link or pick the file instead."
    )
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    if address is not None:
        return "" if address.is_global else private
    if host == "localhost" or host.endswith((".localhost", ".local", ".internal", ".lan")):
        return private
    labels = host.rstrip(".").split(".")
    try:
        ascii_labels = [label.encode("idna").decode("ascii") for label in labels]
    except UnicodeError:
        return "has a host name that is not valid."
    if len(labels) < 2 or not all(_HOST_LABEL.match(label) for label in ascii_labels):
        return f"has “{parts.netloc}” as its host, which is not a public web address."
    if ascii_labels[-1].isdigit():  # "300.1.1.1" is neither an address nor a name
        return f"has “{parts.netloc}” as its host, which is not a valid address."
    return ""


def _file_url_path(raw: str) -> Path:
    parts = urlsplit(raw)
    if parts.netloc not in ("", "localhost"):
        raise KeyframeSourceError(
            f"“{_short(raw)}” is a file on another computer ({parts.netloc}); "
            "copy it to this one first."
        )
    # file:///C:/shots/a.png on Windows: drop the slash before the drive letter.
    path = unquote(parts.path)
    if re.match(r"^/[A-Za-z]:[/\\]", path):
        path = path[1:]
    return Path(path)


def _unquote_shell(text: str) -> str:
    """Paths copied from a terminal or a file manager often arrive in quotes."""
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1].strip()
    return text


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
