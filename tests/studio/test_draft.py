"""The draft model: what the artist is composing, bound to by the prompt panel, kept
across restarts; and the guards beside it."""

from __future__ import annotations

import asyncio
import json
import stat
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import QObject

from luma_desktop.core.engine import JobEngine
from luma_desktop.core.jobs import JobStatus
from luma_desktop.core.request import GenerationKeyframe, GenerationRequest, ImageKeyframe
from luma_desktop.studio.draft import BUSY_REASON, EMPTY_REASON, Draft
from luma_desktop.studio.extension import Direction
from luma_desktop.studio.guards import REPEAT_WINDOW, Guard, SendGuards
from luma_desktop.studio.keyframes import KeyframeSlotModel
from luma_desktop.studio.library_model import LibraryModel
from luma_desktop.studio.settings import Settings
from luma_desktop.studio.tasks import TaskGroup
from tests.studio.conftest import Jobs

GEN = "0f8e3c52-7a1d-4b6e-9c2f-1d2e3f4a5b6c"
LINK = "https://images.example.com/end.jpg"


def make_draft(root: QObject, path: Path | None = None, **kwargs: object) -> Draft:
    tasks = TaskGroup()
    return Draft(
        KeyframeSlotModel("frame0", tasks, root),
        KeyframeSlotModel("frame1", tasks, root),
        path=path,
        parent=root,
        **kwargs,  # type: ignore[arg-type]
    )


async def prepared(draft: Draft) -> None:
    """Wait for both slots to finish preparing their images (no wall-clock waiting)."""
    for slot in (draft.frame0, draft.frame1):
        if slot.pending is not None:
            await asyncio.wait_for(asyncio.shield(slot.pending), 10)


def test_the_draft_is_the_request(root: QObject) -> None:
    draft = make_draft(root)
    heard: list[str] = []
    draft.changed.connect(lambda: heard.append("changed"))
    assert draft.blocking_reason() == EMPTY_REASON
    draft.set_prompt("  a heron lifts off  ")
    draft.set_parameter("aspect_ratio", "9:16")
    draft.set_parameter("duration", "")  # the model's default
    draft.set_parameter("loop", True)
    draft.set_parameter("model", "no-such-model")  # unknown: the default stays
    draft.set_prompt("  a heron lifts off  ")  # no change, no signal
    assert heard == ["changed"] * 3
    assert draft.request() == GenerationRequest(
        "a heron lifts off", aspect_ratio="9:16", loop=True, model="ray-2"
    )
    assert draft.blocking_reason() == ""
    assert draft.parameters["duration"] is None


def test_defaults_and_loading_a_request(root: QObject) -> None:
    draft = make_draft(root)
    reloads: list[bool] = []
    draft.loaded.connect(lambda: reloads.append(True))
    draft.set_defaults({"aspect_ratio": "1:1", "model": "ray-1-6", "resolution": ""})
    assert draft.request() == GenerationRequest("", aspect_ratio="1:1", model="ray-1-6")
    draft.load(
        GenerationRequest(
            "again",
            aspect_ratio="5:4",  # not offered: the default
            duration="5s",
            frame0=GenerationKeyframe(GEN),
            frame1=ImageKeyframe("data:image/png;base64,AAAA"),  # never put back
        )
    )
    assert draft.request() == GenerationRequest(
        "again", aspect_ratio="1:1", model="ray-1-6", duration="5s", frame0=GenerationKeyframe(GEN)
    )
    assert reloads == [True, True]


async def test_saved_and_restored(root: QObject, tmp_path: Path) -> None:
    path = tmp_path / "config" / "draft.json"
    image = tmp_path / "start.png"
    Image.new("RGB", (64, 36), (30, 120, 200)).save(image)
    draft = make_draft(root, path)
    draft.set_prompt("the lake at night")
    draft.set_parameter("aspect_ratio", "21:9")
    draft.frame0.load_file(image)
    draft.frame1.load_text(LINK)
    await prepared(draft)
    assert draft.blocking_reason() == ""
    draft.save()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert list(path.parent.iterdir()) == [path]  # written whole, no temporary left

    again = make_draft(root, path)
    again.restore()
    await prepared(again)
    restored = again.request()
    assert restored.prompt == "the lake at night"
    assert restored.aspect_ratio == "21:9"
    assert isinstance(restored.frame0, ImageKeyframe)
    assert restored.frame0.inline  # prepared again from the file
    assert restored.frame1 == draft.request().frame1
    assert restored.to_body() == draft.request().to_body()


def test_a_bad_saved_draft_is_ignored(root: QObject, tmp_path: Path) -> None:
    path = tmp_path / "draft.json"
    for text in ("{not json", json.dumps([1, 2]), json.dumps({"version": 99, "prompt": "x"})):
        path.write_text(text)
        draft = make_draft(root, path)
        draft.restore()
        assert draft.request() == GenerationRequest("", aspect_ratio="16:9", model="ray-2")
    path.write_text(
        json.dumps({"version": 1, "prompt": 7, "parameters": {"loop": "yes", "model": 3}})
    )
    draft = make_draft(root, path)
    draft.restore()
    assert draft.prompt == ""
    assert draft.parameters["model"] == "ray-2"


async def test_a_restored_clip_keyframe_shows_the_clip(
    root: QObject, tmp_path: Path, engine: JobEngine, library: LibraryModel, jobs: Jobs
) -> None:
    # async: a slot holding a clip decodes the clip's frame in a task
    clip = jobs.add(JobStatus.READY, prompt="the first shot")
    assert clip.generation_id is not None
    path = tmp_path / "draft.json"
    draft = make_draft(root, path, find=library.find_generation)
    draft.extend(clip, Direction.FORWARD)
    assert draft.extension_note() == "Extends Clip “the first shot” forward"
    draft.save()
    again = make_draft(root, path, find=library.find_generation)
    again.restore()
    assert again.frame0.keyframe == GenerationKeyframe(clip.generation_id)
    assert again.frame0.label == "Clip “the first shot”"
    assert again.extension_note() == draft.extension_note()
    for slot in (draft.frame0, again.frame0):  # this clip is no video: its frame is not shown
        assert slot.pending is not None
        await slot.pending


async def test_a_busy_slot_blocks_sending(root: QObject, tmp_path: Path) -> None:
    draft = make_draft(root)
    draft.set_prompt("x")
    image = tmp_path / "a.png"
    Image.new("RGB", (8, 8)).save(image)
    draft.frame0.load_file(image)
    assert draft.blocking_reason() == BUSY_REASON
    await prepared(draft)
    assert draft.blocking_reason() == ""


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize("demo", [True, False])
def test_guards_ask_about_repeats_and_spending(tmp_path: Path, demo: bool) -> None:
    settings = Settings(tmp_path / "settings.json")
    clock = Clock()
    guards = SendGuards(settings, demo=demo, clock=clock)
    spend = [] if demo else [Guard.SPEND]
    request = GenerationRequest("a heron")
    assert guards.needed(request) == spend
    guards.sent(request)
    clock.now += REPEAT_WINDOW - 1
    assert guards.needed(request) == [Guard.REPEAT, *spend]
    assert guards.needed(GenerationRequest("another")) == spend
    clock.now += 2
    assert guards.needed(request) == spend
    guards.stop_asking_to_spend()
    assert guards.needed(request) == []
    assert settings.prefs.confirm_spend is False


def test_a_modify_is_a_draft_kept_across_restarts(root: QObject, tmp_path: Path) -> None:
    path = tmp_path / "config" / "draft.json"
    draft = make_draft(root, path)
    unified = f"{GEN}:luma/ray-3.2"
    draft.load(GenerationRequest("", model="ray-3.2", type="video_edit", video=unified))
    assert draft.remaking
    assert draft.blocking_reason() == EMPTY_REASON  # the change is still to be written
    draft.set_prompt("in snow")
    assert draft.blocking_reason() == ""
    draft.save()

    again = make_draft(root, path)
    again.restore()
    request = again.request()
    assert (request.type, request.video, request.model) == ("video_edit", unified, "ray-3.2")
    again.new_clip()
    assert not again.remaking
    assert again.request().video is None
    assert again.request().prompt == "in snow"


def test_a_saved_draft_nested_too_deeply_is_ignored(root: QObject, tmp_path: Path) -> None:
    path = tmp_path / "draft.json"
    path.write_text("[" * 100_000 + "]" * 100_000)  # a RecursionError, not a ValueError
    draft = make_draft(root, path)
    draft.restore()
    assert draft.request() == GenerationRequest("", aspect_ratio="16:9", model="ray-2")
