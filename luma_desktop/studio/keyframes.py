"""A first/last-frame slot: what it holds, its preview, and the work of filling it.

Images are decoded and prepared off the UI thread; a result that arrives after the
artist already put something else in the slot is dropped.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Coroutine
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject, Qt, Signal
from PySide6.QtGui import QImage, QImageWriter

from luma_desktop.core.jobs import JobRecord
from luma_desktop.core.keyframe_errors import KeyframeError
from luma_desktop.core.request import Frame, GenerationKeyframe, ImageKeyframe, Keyframe
from luma_desktop.studio.tasks import TaskGroup

if TYPE_CHECKING:  # the image and clip code (Pillow, FFmpeg) loads on first use
    from luma_desktop.core.continuation import End

PREVIEW_SIZE = 160
_UNEXPECTED = "This image could not be prepared (details are in the log file)."
_Work = Coroutine[Any, Any, tuple[Keyframe, QImage | None]]


class KeyframeSlotModel(QObject):
    changed = Signal()

    def __init__(self, frame: Frame, tasks: TaskGroup, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.frame = frame
        self._tasks = tasks
        self.keyframe: Keyframe | None = None
        self.preview: QImage | None = None
        self.label = ""
        self.error = ""
        self.busy = False
        self._ticket = 0  # bumps on every change; late results with an old ticket are dropped
        self.pending: asyncio.Task[None] | None = None

    @property
    def title(self) -> str:
        return "First frame" if self.frame == "frame0" else "Last frame"

    def load_text(self, text: str) -> None:
        """A path, an http(s) link or ``gen:<id>``, as dropped, pasted or typed."""
        self._start(self._from_text(text.strip()), f"Preparing {text.strip()[:60]}…")

    def load_file(self, path: Path) -> None:
        self._start(self._from_text(str(path)), f"Preparing {path.name}…")

    def load_image(self, image: QImage, name: str) -> None:
        """A frame from the player, or an image pasted from the clipboard."""
        self._start(self._from_image(image.copy(), name), f"Preparing {name}…")

    def load_clip_frame(self, clip: JobRecord, end: End, label: str) -> None:
        """A clip's last (or first) frame, taken from its file: how a model without
        generation-id keyframes (Ray 3.2) continues (or leads into) a clip."""
        self._start(self._from_clip(clip, end, label), f"Taking the {end.value} frame of {label}…")

    def set_generation(
        self, generation_id: str, preview: QImage | None = None, note: str = ""
    ) -> None:
        self._ticket += 1
        self._set(GenerationKeyframe(generation_id), preview, note or f"Clip {generation_id[:8]}")

    def clear(self) -> None:
        self._ticket += 1
        self._set(None, None, "")

    def take(self, other: KeyframeSlotModel) -> None:
        """Hold what ``other`` holds (for swapping)."""
        self._ticket += 1
        self._set(other.keyframe, other.preview, other.label)

    def _start(self, work: _Work, label: str) -> None:
        self._ticket += 1
        self.busy, self.error, self.label = True, "", label
        self.changed.emit()
        self.pending = self._tasks.spawn(
            self._finish(self._ticket, work), name=f"slot-{self.frame}"
        )

    async def _finish(self, ticket: int, work: _Work) -> None:
        try:
            keyframe, preview = await work
        except Exception as exc:
            # Never leave the slot stuck "preparing": say what happened at the slot.
            if ticket == self._ticket:
                self.busy = False
                self.error = str(exc) if isinstance(exc, KeyframeError) else _UNEXPECTED
                self.changed.emit()
            if not isinstance(exc, KeyframeError):
                raise
            return
        if ticket == self._ticket:
            self._set(keyframe, preview, _describe(keyframe))

    async def _from_text(self, text: str) -> tuple[Keyframe, QImage | None]:
        await asyncio.to_thread(load_image_code)
        from luma_desktop.core.keyframes import prepare_keyframe  # loaded: a dict lookup

        keyframe = await prepare_keyframe(text)  # stops its thread when cancelled
        preview = None
        if isinstance(keyframe, ImageKeyframe) and keyframe.inline:
            preview = await asyncio.to_thread(_preview_from_data_uri, keyframe.url)
        return keyframe, preview

    async def _from_clip(
        self, clip: JobRecord, end: End, label: str
    ) -> tuple[Keyframe, QImage | None]:
        keyframe = await asyncio.to_thread(_clip_frame, clip, end)
        preview = await asyncio.to_thread(_preview_from_data_uri, keyframe.url)
        note = f"{end.value.capitalize()} frame of {label}\n{keyframe.note}"
        return replace(keyframe, note=note), preview

    async def _from_image(self, image: QImage, name: str) -> tuple[Keyframe, QImage | None]:
        data = await asyncio.to_thread(_png_bytes, image)
        keyframe = await asyncio.to_thread(_prepare_bytes, data, name)
        preview = await asyncio.to_thread(_scaled, image)
        return keyframe, preview

    def _set(self, keyframe: Keyframe | None, preview: QImage | None, label: str) -> None:
        self.keyframe, self.preview, self.label = keyframe, preview, label
        self.busy, self.error = False, ""
        self.changed.emit()


def swap(a: KeyframeSlotModel, b: KeyframeSlotModel) -> None:
    held = (a.keyframe, a.preview, a.label)
    a.take(b)
    b._ticket += 1
    b._set(*held)


def _describe(keyframe: Keyframe) -> str:
    if isinstance(keyframe, ImageKeyframe) and keyframe.clip:
        return keyframe.note  # which frame of which clip, and how it was prepared
    if isinstance(keyframe, ImageKeyframe):
        name = Path(keyframe.source).name if keyframe.inline else keyframe.url
        how = keyframe.note or ("sent inline" if keyframe.inline else "image link")
        return f"{name}\n{how}"
    return keyframe.describe()


def _png_bytes(image: QImage) -> bytes:
    array = QByteArray()
    buffer = QBuffer(array)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    # QImageWriter, not QImage.save: PySide6 refuses the bytes format its stubs ask for.
    if not QImageWriter(buffer, QByteArray(b"PNG")).write(image):
        raise KeyframeError("The image could not be encoded.")
    buffer.close()
    return bytes(array.data())


def _preview_from_data_uri(url: str) -> QImage | None:
    image = QImage.fromData(base64.b64decode(url.split(",", 1)[1]))
    return None if image.isNull() else _scaled(image)


def _scaled(image: QImage) -> QImage:
    return image.scaled(
        PREVIEW_SIZE,
        PREVIEW_SIZE,
        Qt.AspectRatioMode.KeepAspectRatio,
        Qt.TransformationMode.SmoothTransformation,
    )


def load_image_code() -> None:
    """Pillow and the image code (~0.1–0.3 s), loaded on a worker thread when the first
    keyframe is given, not when the studio opens."""
    import luma_desktop.core.keyframes  # noqa: F401


def _prepare_bytes(data: bytes, name: str) -> ImageKeyframe:
    from luma_desktop.core.images import prepare_image_bytes  # on this worker thread

    return prepare_image_bytes(data, name)


def _clip_frame(clip: JobRecord, end: End) -> ImageKeyframe:
    from luma_desktop.core.continuation import clip_frame  # on this worker thread

    return clip_frame(clip, end)
