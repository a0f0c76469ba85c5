"""Every limit that guards a boundary, in one place: sizes, deadlines, clamps.

Whatever comes in from the network, the disk or the user is checked where it
enters against one of these numbers. Keep them here (not scattered as literals)
so a reader sees them all at once; the faces (CLI flags, Settings) and the tests
make smaller ones through :func:`dataclasses.replace` on :class:`Limits`.

This module is a leaf: it imports nothing from the package, so every layer
(``api`` included) may read it without breaking the downward-only import rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Final

KiB: Final = 1024
MiB: Final = 1024 * KiB

# The HTTP client's pool (api/http.py) and the engine's polls (core/polling.py).
MAX_POLLS_IN_FLIGHT: Final = 64  # one held poll per live job up to here; more jobs wait
MAX_DOWNLOADS_IN_FLIGHT: Final = 4

# A clip larger than this is refused (Settings and ``--max-clip-mb`` change it).
DEFAULT_MAX_CLIP_MB: Final = 2048
# How long a generation may run before it is "stale" (polled rarely, the artist told).
DEFAULT_JOB_DEADLINE: Final = 2 * 3600.0
JOB_DEADLINES: Final = MappingProxyType(
    {
        "ray-flash-2": 1 * 3600.0,
        "ray-2": DEFAULT_JOB_DEADLINE,
        "ray-1-6": DEFAULT_JOB_DEADLINE,
    }
)


@dataclass(frozen=True)
class Limits:
    # -- answers from the gateway -------------------------------------------------------
    max_json_bytes: int = 4 * MiB  # after decompression, counted while reading
    max_json_depth: int = 64  # nesting of objects and lists in one answer
    max_stored_raw_bytes: int = 64 * KiB  # of the last raw answer kept in the store
    max_error_body_bytes: int = 64 * KiB  # an error page is read this far, no further
    max_id_chars: int = 256  # a generation id: printable ASCII, no whitespace
    max_url_chars: int = 8192  # a video or image link in an answer (signed CDN links are long)
    # -- time ---------------------------------------------------------------------------
    request_deadline: float = 60.0  # a whole request (connect, send, answer), not one read
    long_poll_hold: float = 30.0  # the gateway answers a held poll after about this long
    long_poll_margin: float = 30.0  # a held poll may take its hold plus this
    retry_after_max: float = 300.0  # ``Retry-After`` is honoured up to here, then clamped
    stale_poll_interval: float = 600.0  # how often a stale job is still asked about
    job_deadlines: MappingProxyType[str, float] = field(default_factory=lambda: JOB_DEADLINES)
    default_job_deadline: float = DEFAULT_JOB_DEADLINE
    # -- downloads ----------------------------------------------------------------------
    max_clip_bytes: int = DEFAULT_MAX_CLIP_MB * MiB
    stall_bytes: int = 16 * KiB  # a download moving less than this ...
    stall_seconds: float = 30.0  # ... in this long is broken off (and resumed with Range)
    disk_headroom_bytes: int = 64 * MiB  # left free on the disk after a clip is written
    # -- archives (a zip of frames, or a video with its frames) --------------------------
    # Checked from the archive's end record before Python's zipfile lists it (it lists
    # every entry at once): a long EXR sequence is a few thousand frames.
    max_archive_entries: int = 20_000
    max_archive_directory_bytes: int = 8 * MiB  # the archive's list of files
    max_archive_ratio: int = 200  # a file taken out may be this many times its packed size
    # A decoded frame (a clip's, an EXR's): the stream's declared size is checked before
    # anything is allocated for it. 8K (7680x4320) and a margin.
    max_frame_pixels: int = 8192 * 4608
    # -- local inputs -------------------------------------------------------------------
    max_keyframe_file_bytes: int = 256 * MiB  # an image file, counted while reading
    # An image's declared size, checked before a pixel is decoded (below Pillow's own
    # warning threshold of ~89 MP, so ordinary refusals never warn).
    max_image_pixels: int = 80_000_000
    # The app's own files read back (settings, the saved draft with its inline frames, the
    # key file): regular files only, counted while reading (core/small_files.py).
    max_own_file_bytes: int = 16 * MiB
    # A clip's thumbnail (first frame, decoded in software) is given up after this long,
    # so one slow or stalled clip never holds up the thumbnails of the clips after it.
    thumbnail_deadline: float = 10.0
    # -- the artist's own records (read back from the artist database) -------------------
    max_user_presets: int = 100  # saved presets; a new one past this is refused
    max_preset_name_chars: int = 60  # a menu entry, not a paragraph
    max_preset_text_chars: int = 1000  # a fragment of a prompt (a prompt is 2,048 at most)
    # -- text shown to people -----------------------------------------------------------
    max_shown_chars: int = 500  # network text in a terminal or a widget
    min_redacted_key_chars: int = 8  # shorter "keys" (the demo's) are not real secrets

    def job_deadline(self, model: str | None) -> float:
        """How long a job of ``model`` may run before it is stale."""
        return self.job_deadlines.get(model or "", self.default_job_deadline)

    @property
    def poll_deadline(self) -> float:
        """A held poll's whole deadline: the gateway's hold plus a margin."""
        return self.long_poll_hold + self.long_poll_margin


DEFAULT_LIMITS: Final = Limits()


def clip_limit(max_clip_mb: int) -> Limits:
    """The default limits with the artist's maximum clip size (in MB)."""
    return replace(DEFAULT_LIMITS, max_clip_bytes=max(1, max_clip_mb) * MiB)
