"""Extending never drops what the artist put in a slot without asking (Replace / Keep
mine / Cancel), and a clip in a slot shows its frame, not a generic icon (problem 7)."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image
from PySide6.QtCore import QByteArray, QMimeData
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from luma_desktop.core.continuation import End, frame_png
from luma_desktop.core.jobs import JobRecord
from luma_desktop.core.request import GenerationKeyframe, ImageKeyframe
from luma_desktop.studio.job_model import GENERATION_MIME
from luma_desktop.ui.main_window import MainWindow
from tests.ui.conftest import png_file, wait_until
from tests.ui.test_end_to_end import running_window
from tests.ui.test_gestures import _ready
from tests.ui.test_prompt_panel import _drop


def _extend(window: MainWindow, job: JobRecord, which: str) -> None:
    """Through the job list's menu, as the artist does."""
    menu = window.job_list.menu_for(job)
    next(a for a in menu.actions() if a.text() == which).trigger()


def _answer(window: MainWindow, name: str) -> None:
    box = window.slots_question
    assert isinstance(box, QMessageBox)
    assert box.isVisible()
    button = next(b for b in box.buttons() if b.objectName() == name)
    button.click()


def clip_frame(video: Path, *, last: bool) -> Image.Image:
    return Image.open(io.BytesIO(frame_png(video, End.LAST if last else End.FIRST))).convert("RGB")


def _distance(preview: QImage, picture: Image.Image) -> float:
    """Mean difference of the two pictures on a 12×12 grid of points (0..255)."""
    fitted = picture.resize((preview.width(), preview.height()))
    total = 0
    for gx in range(12):
        for gy in range(12):
            x, y = gx * preview.width() // 12, gy * preview.height() // 12
            colour = preview.pixelColor(x, y)
            r, g, b = fitted.getpixel((x, y))  # type: ignore[misc]
            total += abs(colour.red() - r) + abs(colour.green() - g) + abs(colour.blue() - b)
    return total / (12 * 12 * 3)


async def test_extend_asks_before_replacing_the_artists_last_frame(
    qtbot: QtBot, tmp_path: Path
) -> None:
    async with running_window(tmp_path) as window:
        draft = window.studio.draft
        clip = await _ready(window, "a paper boat on a rainy street")
        draft.frame1.load_file(png_file(tmp_path / "pasted.png", (64, 36), QColor(200, 80, 40)))
        await wait_until(lambda: isinstance(draft.frame1.keyframe, ImageKeyframe))
        mine = draft.frame1.keyframe

        _extend(window, clip, "Extend forward")
        await wait_until(lambda: window.slots_question is not None)  # before: dropped at once
        box = window.slots_question
        assert box is not None
        assert "last frame" in box.text()
        _answer(window, "cancel")
        assert draft.frame0.keyframe is None
        assert draft.frame1.keyframe is mine

        _extend(window, clip, "Extend forward")
        _answer(window, "keep")
        assert draft.frame0.keyframe == GenerationKeyframe(clip.generation_id or "")
        assert draft.frame1.keyframe is mine  # kept: the clip now ends on the artist's image
        assert "ends on the image" in window.prompt_panel.extension_label.text()

        # The slot shows the frame the new clip continues from: the clip's last one.
        assert clip.video_path
        last = clip_frame(Path(clip.video_path), last=True)
        first = clip_frame(Path(clip.video_path), last=False)
        await wait_until(
            lambda: (
                draft.frame0.preview is not None
                and _distance(draft.frame0.preview, last) < _distance(draft.frame0.preview, first)
            )
        )
        slot0 = window.prompt_panel.slot0
        assert not slot0.thumbnail_image.pixmap().isNull()
        assert not slot0.thumbnail_text.isVisible()

        # Another clip over the first one: asked again; Replace does the extension as usual.
        other = await _ready(window, "a lighthouse at dusk")
        _extend(window, other, "Extend forward")
        box = window.slots_question
        assert box is not None
        assert "first frame and last frame" in box.text()
        _answer(window, "replace")
        assert draft.frame0.keyframe == GenerationKeyframe(other.generation_id or "")
        assert draft.frame1.keyframe is None

        # Backward with the same clip: it only moves to the other slot, nothing to ask.
        window.slots_question = None
        _extend(window, other, "Extend backward")
        assert window.slots_question is None
        assert draft.frame1.keyframe == GenerationKeyframe(other.generation_id or "")


async def test_a_clip_dropped_by_its_id_shows_its_first_frame(qtbot: QtBot, tmp_path: Path) -> None:
    async with running_window(tmp_path) as window:
        clip = await _ready(window, "a kite over the dunes")
        mime = QMimeData()
        mime.setData(GENERATION_MIME, QByteArray((clip.generation_id or "").encode()))
        slot1 = window.prompt_panel.slot1
        assert _drop(slot1, mime) == (True, True)
        # Before: a generic ▶ and "Clip 1a2b3c4d"; now the prompt and the first frame.
        assert slot1.model.label.startswith("Clip “a kite")
        assert clip.video_path
        first = clip_frame(Path(clip.video_path), last=False)
        await wait_until(
            lambda: slot1.model.preview is not None and _distance(slot1.model.preview, first) < 20
        )
        assert not slot1.thumbnail_text.isVisible()
