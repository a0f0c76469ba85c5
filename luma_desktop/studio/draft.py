"""The draft: the request being composed, owned by the studio (not by the widgets).

Prompt, parameters, the two keyframe slots and the extension they prepare. The prompt
panel binds to it both ways (it writes what the artist types and shows what the
draft holds); gestures elsewhere (extend, bridge, reuse) change the draft, and the
panel follows. Parameters are a plain mapping (name → value), so a catalogue can list
and judge them without knowing any widget. The draft is saved (JSON, atomically, in
the config folder) and restored at the next start.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from collections.abc import Mapping
from dataclasses import fields
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from luma_desktop.core.catalogue import GenType
from luma_desktop.core.jobs import JobRecord
from luma_desktop.core.limits import DEFAULT_LIMITS
from luma_desktop.core.paths import ensure_private_dir
from luma_desktop.core.request import (
    ASPECT_RATIOS,
    DURATIONS,
    MODELS,
    RESOLUTIONS,
    GenerationKeyframe,
    GenerationRequest,
    ImageKeyframe,
    Keyframe,
)
from luma_desktop.core.small_files import read_json_file
from luma_desktop.studio import extension
from luma_desktop.studio.extension import Direction, Finder
from luma_desktop.studio.keyframes import KeyframeSlotModel

log = logging.getLogger(__name__)

BUSY_REASON = "Preparing the keyframe image…"
EMPTY_REASON = "Write a prompt first"
SAVE_DELAY_MS = 500  # a burst of typing is saved once
_VERSION = 1
# The parameters the panel offers today and the values each may take; None (or "") is
# "the model's default", left out of the body. A catalogue may replace this table.
CHOICES: dict[str, tuple[str, ...]] = {
    "aspect_ratio": ASPECT_RATIOS,
    "model": MODELS,
    "resolution": RESOLUTIONS,
    "duration": DURATIONS,
}
FLAGS = ("loop", "hdr", "exr")  # hdr/exr: where the catalogue allows them
# Modify / reframe (Ray 3.2): the generation type and the source clip (id or link).
REMAKE = ("type", "video")
_TYPES = tuple(t.value for t in GenType)
_REQUEST_FIELDS = frozenset(f.name for f in fields(GenerationRequest))
Parameters = Mapping[str, object]


class Draft(QObject):
    changed = Signal()  # anything changed: the prompt, a parameter, a slot
    loaded = Signal()  # replaced from outside (restore, reuse, defaults): re-read it all
    image_folder_changed = Signal(str)  # the last folder an image file came from

    def __init__(
        self,
        frame0: KeyframeSlotModel,
        frame1: KeyframeSlotModel,
        *,
        path: Path | None = None,
        find: Finder | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.frame0 = frame0
        self.frame1 = frame1
        self.path = path
        self._find: Finder = find or (lambda _generation_id: None)
        self._prompt = ""
        self._defaults: dict[str, object] = {
            "aspect_ratio": ASPECT_RATIOS[0],
            "model": MODELS[0],
            "resolution": None,
            "duration": None,
            "loop": False,
            "hdr": False,
            "exr": False,
            "type": GenType.VIDEO.value,
            "video": None,
        }
        self._parameters = dict(self._defaults)
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(SAVE_DELAY_MS)
        self._save_timer.timeout.connect(self.save)
        for slot in (frame0, frame1):
            slot.changed.connect(self._changed)
            if find is not None:
                slot.find = find  # a clip given by its id alone still shows its frame
            slot.file_loaded.connect(self._folder_used)
        self._tell_slots_the_shape()

    # -- reading -------------------------------------------------------------------------

    @property
    def prompt(self) -> str:
        return self._prompt

    @property
    def parameters(self) -> Parameters:
        return dict(self._parameters)

    def request(self) -> GenerationRequest:
        """The request the draft describes right now (not necessarily valid)."""
        known = {k: v for k, v in self._parameters.items() if k in _REQUEST_FIELDS}
        return GenerationRequest(
            # Whitespace around a prompt is never meant, and it would count against the limit.
            prompt=self._prompt.strip(),
            frame0=self.frame0.keyframe,
            frame1=self.frame1.keyframe,
            **known,  # type: ignore[arg-type]  # values checked against CHOICES on the way in
        )

    def blocking_reason(self) -> str:
        """Why it cannot be sent now, in the artist's words; "" when it can."""
        if self.frame0.busy or self.frame1.busy:
            return BUSY_REASON
        request = self.request()
        issues = request.issues()
        if not issues:
            return ""
        if issues[0].field == "prompt" and not request.prompt:
            return EMPTY_REASON
        return issues[0].message

    def extension_note(self) -> str:
        """What the slots make of the next clip, in words (empty for a plain generation)."""
        return extension.note(self.request(), self._find)

    # -- writing (the panel, as the artist types) ------------------------------------------

    def set_prompt(self, text: str) -> None:
        if text != self._prompt:
            self._prompt = text
            self._changed()

    def set_parameter(self, name: str, value: object) -> None:
        """One parameter; an unknown value (or "") falls back to the default."""
        value = _checked(name, value, self._defaults.get(name))
        if self._parameters.get(name) != value:
            self._parameters[name] = value
            if name == "model":  # Ray 3.2 continues clips through frames, not ids
                self._refit()
            self._changed()

    # -- writing (from elsewhere: the panel follows) -------------------------------------

    def apply(self, parameters: Parameters) -> None:
        """Several parameters at once from outside (a preset): the panel shows them."""
        for name, value in parameters.items():
            if name in self._defaults:
                self._parameters[name] = _checked(name, value, self._defaults[name])
        self._reloaded()

    def set_defaults(self, parameters: Parameters) -> None:
        """The preferred values (from Preferences, where "" means the model's default);
        the draft takes them too."""
        for name, value in parameters.items():
            if name in self._defaults:
                self._defaults[name] = _checked(name, value, self._defaults[name])
        self._parameters.update(self._defaults)
        self._reloaded()

    def load(self, request: GenerationRequest) -> None:
        """Show a request (e.g. "reuse parameters" of a finished clip).

        Inline images are not put back: the model takes files, links and clip ids, and a
        slot left holding some other image would silently change the shot."""
        self._prompt = request.prompt
        for name in (*CHOICES, *FLAGS, *REMAKE):
            self._parameters[name] = _checked(name, getattr(request, name), self._defaults[name])
        _fill(self.frame0, request.frame0, self._find, self.model)
        _fill(self.frame1, request.frame1, self._find, self.model)
        self._reloaded()

    def reuse(self, job: JobRecord) -> None:
        self.load(GenerationRequest.from_body(dict(job.body)))

    @property
    def model(self) -> str | None:
        value = self._parameters.get("model")
        return value if isinstance(value, str) else None

    @property
    def remaking(self) -> bool:
        """Modifying or reframing a clip, not making a new one."""
        return self._parameters.get("type") != GenType.VIDEO.value

    def new_clip(self) -> None:
        """Back from modify/reframe to making a new clip (the prompt stays)."""
        if self.remaking or self._parameters.get("video"):
            self._parameters.update(type=GenType.VIDEO.value, video=None)
            self._reloaded()

    def extend(self, job: JobRecord, direction: Direction) -> None:
        self.new_clip()
        extension.extend(self.frame0, self.frame1, job, direction, self.model)

    def bridge(self, a: JobRecord, b: JobRecord) -> None:
        self.new_clip()
        extension.bridge(self.frame0, self.frame1, a, b, self.model)

    def extend_to_image(self, job: JobRecord, image: str, prepend: bool) -> None:
        self.new_clip()
        extension.extend_to_image(self.frame0, self.frame1, job, image, prepend, self.model)

    def _refit(self) -> None:
        for slot in (self.frame0, self.frame1):
            extension.refit(slot, self._find, self.model)

    # The same gestures as plans, for a window that asks before replacing a slot; it
    # fills them with apply_plan.

    def apply_plan(
        self, steps: list[extension.Step], keep: list[KeyframeSlotModel] | None = None
    ) -> None:
        extension.apply(steps, keep, self.model)

    def plan_extend(self, job: JobRecord, direction: Direction) -> list[extension.Step]:
        return extension.plan_extend(self.frame0, self.frame1, job, direction)

    def plan_bridge(self, a: JobRecord, b: JobRecord) -> list[extension.Step]:
        return extension.plan_bridge(self.frame0, self.frame1, a, b)

    def plan_to_image(self, job: JobRecord, image: str, prepend: bool) -> list[extension.Step]:
        return extension.plan_to_image(self.frame0, self.frame1, job, image, prepend)

    # -- across restarts -------------------------------------------------------------------

    def save(self) -> None:
        """Write the draft (atomically: a crash leaves the old file or the new one)."""
        self._save_timer.stop()
        if self.path is None:
            return
        data = {
            "version": _VERSION,
            "prompt": self._prompt,
            "parameters": self._parameters,
            "frame0": _keyframe_json(self.frame0.keyframe),
            "frame1": _keyframe_json(self.frame1.keyframe),
        }
        tmp = self.path.with_name(self.path.name + ".tmp")
        try:
            ensure_private_dir(self.path.parent)
            os.close(os.open(tmp, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600))
            tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
            tmp.replace(self.path)
        except OSError as exc:
            log.warning("could not save the draft: %s", exc)
            with contextlib.suppress(OSError):
                tmp.unlink()

    def restore(self) -> None:
        """Take back the saved draft; anything unreadable is left at its default."""
        data = _read_json(self.path) if self.path else None
        if data is None:
            return
        prompt = data.get("prompt")
        self._prompt = prompt if isinstance(prompt, str) else ""
        saved = data.get("parameters")
        for name, value in (saved if isinstance(saved, dict) else {}).items():
            if name in self._defaults:
                self._parameters[name] = _checked(name, value, self._defaults[name])
        _fill(self.frame0, _keyframe_from_json(data.get("frame0")), self._find, self.model)
        _fill(self.frame1, _keyframe_from_json(data.get("frame1")), self._find, self.model)
        self._reloaded()
        self._save_timer.stop()  # nothing new to write

    # -- inside ------------------------------------------------------------------------

    def _changed(self) -> None:
        self._tell_slots_the_shape()
        self.changed.emit()
        if self.path is not None:
            self._save_timer.start()

    def set_image_folder(self, folder: str) -> None:
        """Where both slots' file pickers open (a folder that no longer exists: nowhere)."""
        folder = folder if folder and Path(folder).is_dir() else ""
        self.frame0.image_folder = self.frame1.image_folder = folder

    def _folder_used(self, folder: str) -> None:
        if folder != self.frame0.image_folder or folder != self.frame1.image_folder:
            self.set_image_folder(folder)
            self.image_folder_changed.emit(folder)

    def _tell_slots_the_shape(self) -> None:
        """The slots flag an image of another shape than the clip (no-op when unchanged)."""
        aspect = self._parameters.get("aspect_ratio")
        for slot in (self.frame0, self.frame1):
            slot.set_aspect(aspect if isinstance(aspect, str) and aspect else ASPECT_RATIOS[0])

    def _reloaded(self) -> None:
        self.loaded.emit()
        self._changed()


def _checked(name: str, value: object, fallback: object) -> object:
    if name in FLAGS:
        return bool(value)
    if name == "type":
        return value if value in _TYPES else fallback
    if name == "video":
        return value if isinstance(value, str) and value else None
    if name in CHOICES:
        if value in (None, "") and name in ("resolution", "duration"):
            return None
        return value if value in CHOICES[name] else fallback
    return value  # a parameter this version does not list: kept for the catalogue to judge


def _fill(
    slot: KeyframeSlotModel, keyframe: Keyframe | None, find: Finder, model: str | None
) -> None:
    if isinstance(keyframe, ImageKeyframe) and keyframe.clip:
        keyframe = GenerationKeyframe(keyframe.clip)  # the frame is taken again from the clip
    if isinstance(keyframe, GenerationKeyframe):
        job = find(keyframe.generation_id)
        if job is not None:
            # With its thumbnail and prompt, as when extending (by frame where it must).
            extension.hold_clip(slot, job, model)
        else:
            slot.set_generation(keyframe.generation_id)
    elif isinstance(keyframe, ImageKeyframe) and not keyframe.inline:
        slot.load_text(keyframe.url)
    elif isinstance(keyframe, ImageKeyframe) and Path(keyframe.source).is_absolute():
        slot.load_text(keyframe.source)  # an image file: prepared again from the file
    else:
        slot.clear()


def _keyframe_json(keyframe: Keyframe | None) -> dict[str, str] | None:
    """What brings a slot back: a clip's id, a link, or an image file's path. An image
    that came from nowhere on disk (a pasted picture, a player frame) is not kept."""
    if isinstance(keyframe, GenerationKeyframe):
        return {"type": "generation", "id": keyframe.generation_id}
    if isinstance(keyframe, ImageKeyframe) and keyframe.clip:  # the frame is taken again
        return {"type": "generation", "id": keyframe.clip}
    if isinstance(keyframe, ImageKeyframe) and not keyframe.inline:
        return {"type": "image", "url": keyframe.url}
    if isinstance(keyframe, ImageKeyframe) and Path(keyframe.source).is_absolute():
        return {"type": "file", "path": keyframe.source}
    return None


def _keyframe_from_json(data: object) -> Keyframe | None:
    if not isinstance(data, dict):
        return None
    kind = data.get("type")
    if kind == "generation" and isinstance(data.get("id"), str):
        return GenerationKeyframe(data["id"])
    if kind == "image" and isinstance(data.get("url"), str):
        return ImageKeyframe(data["url"])
    if kind == "file" and isinstance(data.get("path"), str):
        return ImageKeyframe("data:", source=data["path"])  # prepared again from the file
    return None


def _read_json(path: Path | None) -> dict[str, Any] | None:
    if path is None:
        return None
    try:
        data = read_json_file(path, DEFAULT_LIMITS.max_own_file_bytes)
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        log.warning("the saved draft could not be read: %s", exc)
        return None
    return data if isinstance(data, dict) and data.get("version") == _VERSION else None
