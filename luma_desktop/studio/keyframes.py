"""A first/last-frame slot: what it holds, its preview, and the work of filling it.

Images are decoded and prepared off the UI thread; a result that arrives after the
artist already put something else in the slot is dropped.
"""

from __future__ import annotations

import asyncio
import base64
import logging
from collections.abc import Callable, Coroutine
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject, Qt, Signal
from PySide6.QtGui import QImage, QImageWriter

from luma_desktop.core.jobs import JobRecord
from luma_desktop.core.keyframe_errors import KeyframeError
from luma_desktop.core.keyframe_shape import Box, Fit, differs, inline_size, reshape, warning
from luma_desktop.core.request import Frame, GenerationKeyframe, ImageKeyframe, Keyframe
from luma_desktop.studio.tasks import TaskGroup

if TYPE_CHECKING:  # the image and clip code (Pillow, FFmpeg) loads on first use
    from luma_desktop.core.continuation import End

log = logging.getLogger(__name__)
PREVIEW_SIZE = 160
Finder = Callable[[str], JobRecord | None]
_UNEXPECTED = "This image could not be prepared (details are in the log file)."
_Work = Coroutine[Any, Any, tuple[Keyframe, QImage | None]]
# original, sent, preview, label, fit, crop box: everything a slot holds
_Held = tuple[Keyframe | None, Keyframe | None, QImage | None, str, Fit | None, Box | None]


class KeyframeSlotModel(QObject):
    changed = Signal()
    file_loaded = Signal(str)  # the folder of an image file the artist gave

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
        # The shape check: the image as prepared, its size, the clip's aspect ratio and
        # what the artist chose (None: not yet; it is sent as it is until then).
        self.original: Keyframe | None = None
        self.size: tuple[int, int] | None = None
        self.aspect = "16:9"
        self.fit: Fit | None = None
        self.box: Box | None = None
        # Finds a clip by generation id (the library), so a clip dropped or restored by
        # its id alone still shows its frame and prompt; the draft sets it.
        self.find: Finder | None = None
        self.image_folder = ""  # where the file picker opens (the draft keeps it)

    @property
    def title(self) -> str:
        return "First frame" if self.frame == "frame0" else "Last frame"

    def load_text(self, text: str) -> None:
        """A path, an http(s) link or ``gen:<id>``, as dropped, pasted or typed."""
        self._start(self._from_text(text.strip()), f"Preparing {text.strip()[:60]}…")

    def load_file(self, path: Path) -> None:
        self._start(self._from_text(str(path)), f"Preparing {path.name}…")
        if path.is_absolute():
            self.file_loaded.emit(str(path.parent))

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
        job = self.find(generation_id) if self.find is not None and not note else None
        if job is not None:  # a clip by its id alone (dropped, restored): its prompt
            note = clip_label(job)
            preview = preview or thumbnail_of(job)
        self._ticket += 1
        self._set(GenerationKeyframe(generation_id), preview, note or f"Clip {generation_id[:8]}")
        if job is not None:
            self.show_clip_frame(job)

    def show_clip_frame(self, job: JobRecord) -> None:
        """Show the frame of ``job`` the new clip meets (the last when this slot continues
        it, the first when it leads into it), taken from its file in a worker thread.
        Only the picture changes: the clip is still sent by its id."""
        if not job.video_path:
            return
        self.pending = self._tasks.spawn(
            self._show_frame(self._ticket, Path(job.video_path), self.frame == "frame0"),
            name=f"slot-{self.frame}-clip-frame",
        )

    async def _show_frame(self, ticket: int, video: Path, last: bool) -> None:
        png = await asyncio.to_thread(_frame_png, video, last)
        image = QImage.fromData(png) if png else QImage()
        if ticket == self._ticket and not image.isNull():
            self.preview = _scaled(image)
            self.changed.emit()

    def clear(self) -> None:
        self._ticket += 1
        self._set(None, None, "")

    def take(self, other: KeyframeSlotModel) -> None:
        """Hold what ``other`` holds (for swapping), with the shape chosen for it."""
        self._ticket += 1
        self._hold(other.held())

    def held(self) -> _Held:
        return (self.original, self.keyframe, self.preview, self.label, self.fit, self.box)

    # -- the shape ---------------------------------------------------------------------

    @property
    def misshapen(self) -> bool:
        """An image of another shape than the clip (links are never downloaded to tell)."""
        return self.size is not None and differs(self.size, self.aspect)

    def shape_note(self) -> str:
        """What the slot says about the shape: the difference, or what was done with it."""
        if self.size is None or not self.misshapen:
            return ""
        if self.fit is Fit.CROP:
            return f"Cropped to {self.aspect}"
        if self.fit is Fit.PAD:
            return f"Fitted to {self.aspect} with bars"
        if self.fit is Fit.KEEP:
            return f"Kept as it is ({self.size[0]}×{self.size[1]})"
        return warning(self.title.lower(), self.size, self.aspect)

    def set_aspect(self, aspect: str) -> None:
        """The clip's aspect ratio changed: a crop or pad made for the old one is undone
        (the artist chooses again; the flag says so)."""
        if aspect == self.aspect:
            return
        self.aspect = aspect
        if self.fit in (Fit.CROP, Fit.PAD) and self.original is not None:
            self._ticket += 1
            self._hold((self.original, self.original, None, _describe(self.original), None, None))
            self._refresh_preview()
        elif self.fit is not None:
            self.fit = None
            self.changed.emit()
        elif self.size is not None:
            self.changed.emit()

    def choose_fit(self, fit: Fit, box: Box | None = None) -> None:
        """Crop (to ``box``, in the image's pixels; else the centre), pad or keep."""
        original = self.original
        if not isinstance(original, ImageKeyframe) or self.size is None:
            return
        self._ticket += 1
        ticket = self._ticket
        self.busy, self.error = True, ""
        self.changed.emit()
        self.pending = self._tasks.spawn(
            self._reshaped(ticket, original, fit, box), name=f"slot-{self.frame}-fit"
        )

    async def _reshaped(
        self, ticket: int, original: ImageKeyframe, fit: Fit, box: Box | None
    ) -> None:
        try:
            keyframe = await asyncio.to_thread(reshape, original, self.aspect, fit, box)
            preview = await asyncio.to_thread(_preview_from_data_uri, keyframe.url)
        except KeyframeError as exc:
            if ticket == self._ticket:
                self.busy, self.error = False, str(exc)
                self.changed.emit()
            return
        if ticket == self._ticket:
            label = _describe(keyframe)
            self._hold((original, keyframe, preview, label, fit, box))

    def original_image(self) -> QImage | None:
        """The image as prepared, before any crop or pad (for choosing the crop)."""
        original = self.original
        if not isinstance(original, ImageKeyframe) or not original.inline:
            return None
        image = QImage.fromData(base64.b64decode(original.url.split(",", 1)[1]))
        return None if image.isNull() else image

    def _refresh_preview(self) -> None:
        keyframe = self.keyframe
        if isinstance(keyframe, ImageKeyframe) and keyframe.inline:
            self.preview = _preview_from_data_uri(keyframe.url)
            self.changed.emit()

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
        self._hold((keyframe, keyframe, preview, label, None, None))

    def _hold(self, held: _Held) -> None:
        self.original, self.keyframe, self.preview, self.label, self.fit, self.box = held
        original = self.original
        self.size = inline_size(original) if isinstance(original, ImageKeyframe) else None
        self.busy, self.error = False, ""
        self.changed.emit()


def swap(a: KeyframeSlotModel, b: KeyframeSlotModel) -> None:
    held = a.held()
    a.take(b)
    b._ticket += 1
    b._hold(held)
    for slot in (a, b):  # a clip now meets the new clip at its other end: that frame
        keyframe = slot.keyframe
        job = (
            slot.find(keyframe.generation_id)
            if isinstance(keyframe, GenerationKeyframe) and slot.find
            else None
        )
        if job is not None:
            slot.show_clip_frame(job)


def thumbnail_of(job: JobRecord) -> QImage | None:
    if not job.thumb_path:
        return None
    image = QImage(job.thumb_path)
    return None if image.isNull() else image


def clip_label(job: JobRecord) -> str:
    excerpt = job.prompt if len(job.prompt) <= 28 else job.prompt[:27] + "…"
    return f"Clip “{excerpt}”"


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


def _frame_png(video: Path, last: bool) -> bytes | None:
    """The clip's last (or first) frame as PNG; None when it cannot be decoded (the
    thumbnail stays). FFmpeg's code loads here, on this worker thread."""
    from luma_desktop.core.continuation import End, frame_png
    from luma_desktop.core.ffmpeg import FFmpegError

    end = End.LAST if last else End.FIRST
    try:
        return frame_png(video, end)
    except (KeyframeError, FFmpegError, OSError) as exc:
        log.warning("no %s frame of %s: %s", end.value, video.name, exc)
        return None
