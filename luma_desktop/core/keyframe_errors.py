"""Why a keyframe cannot be used: the errors, apart from the image code.

``core.images`` loads Pillow and every one of its format plugins (~0.1–0.3 s); the
studio needs these names when it opens, the image code only when a keyframe is given.
"""

from __future__ import annotations


class KeyframeError(ValueError):
    """A keyframe the artist gave cannot be used; the message says why, in plain words."""


class ImageRejected(KeyframeError):
    """An image file or its bytes cannot become a keyframe."""


class Cancelled(KeyframeError):
    """Image preparation was stopped (Ctrl+C, the window closing, another image chosen)."""
