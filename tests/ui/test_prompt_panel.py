"""The prompt panel and its keyframe slots, driven like an artist would: typing,
clicking, pressing Ctrl+Enter, dropping files, links and clips."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from PySide6.QtCore import QByteArray, QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QColor, QDragEnterEvent, QDropEvent, QGuiApplication, QImage, QPalette
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from luma_desktop.core.budget import Spend
from luma_desktop.core.catalogue import MODELS, Route
from luma_desktop.core.request import (
    PROMPT_LIMIT,
    GenerationKeyframe,
    GenerationRequest,
    ImageKeyframe,
)
from luma_desktop.studio.draft import Draft
from luma_desktop.studio.job_model import GENERATION_MIME
from luma_desktop.studio.keyframes import KeyframeSlotModel
from luma_desktop.studio.tasks import TaskGroup
from luma_desktop.ui.keyframe_slot import ERROR_COLOR, PLACEHOLDER, KeyframeSlot
from luma_desktop.ui.prompt_panel import BUSY_REASON, EMPTY_REASON, PromptPanel

GEN_A = "0f8e3c52-7a1d-4b6e-9c2f-1d2e3f4a5b6c"
GEN_B = "1a2b3c4d-0000-4000-8000-000000000001"
WAIT_MS = 10_000  # an upper bound only: every wait ends as soon as its condition holds


@pytest.fixture
def panel(qtbot: QtBot, qloop: asyncio.AbstractEventLoop) -> PromptPanel:
    tasks = TaskGroup()
    draft = Draft(KeyframeSlotModel("frame0", tasks), KeyframeSlotModel("frame1", tasks))
    widget = PromptPanel(draft)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    # Shortcuts only fire in the active window, as for a person at the keyboard.
    widget.activateWindow()
    qtbot.waitUntil(widget.isActiveWindow, timeout=WAIT_MS)
    return widget


def _png(path: Path) -> Path:
    image = QImage(64, 36, QImage.Format.Format_RGB32)
    image.fill(QColor(200, 80, 40))
    assert image.save(str(path))  # the format follows the suffix
    return path


def _drop(slot: KeyframeSlot, mime: QMimeData) -> tuple[bool, bool]:
    """A real drag entering the slot, then the drop; whether each was accepted."""
    center = slot.rect().center()
    enter = QDragEnterEvent(
        center,
        Qt.DropAction.CopyAction | Qt.DropAction.MoveAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(slot, enter)
    if not enter.isAccepted():
        return False, False
    drop = QDropEvent(
        QPointF(center),
        Qt.DropAction.CopyAction | Qt.DropAction.MoveAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(slot, drop)
    # Always a copy: a move would let the source delete the artist's file.
    assert drop.dropAction() == Qt.DropAction.CopyAction
    return True, drop.isAccepted()


def _files(*paths: Path) -> QMimeData:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    return mime


def _ctrl_enter(qtbot: QtBot, panel: PromptPanel) -> None:
    qtbot.keyClick(panel.prompt_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)


def _text_color(widget: QWidget) -> QColor:
    return QColor(widget.palette().color(QPalette.ColorRole.WindowText))


def test_typing_updates_the_count_and_too_long_disables_generate(
    qtbot: QtBot, panel: PromptPanel
) -> None:
    assert panel.count_label.text() == f"0 / {PROMPT_LIMIT}"
    assert not panel.generate_button.isEnabled()
    assert panel.generate_button.toolTip() == EMPTY_REASON
    assert panel.prompt_error.isHidden()  # an empty box on start is not a mistake

    qtbot.keyClicks(panel.prompt_edit, "a fox")
    assert panel.count_label.text() == f"5 / {PROMPT_LIMIT}"
    assert panel.generate_button.isEnabled()
    assert "Ctrl+Enter" in panel.generate_button.toolTip()
    assert _text_color(panel.count_label) != ERROR_COLOR

    panel.prompt_edit.selectAll()
    qtbot.keyClicks(panel.prompt_edit, "x" * (PROMPT_LIMIT + 1))
    assert panel.count_label.text() == f"{PROMPT_LIMIT + 1} / {PROMPT_LIMIT}"
    assert _text_color(panel.count_label) == ERROR_COLOR
    assert not panel.generate_button.isEnabled()
    assert "1 character over" in panel.generate_button.toolTip()
    assert panel.prompt_error.isVisible()
    assert panel.prompt_error.text() == panel.generate_button.toolTip()

    qtbot.keyClick(panel.prompt_edit, Qt.Key.Key_Backspace)
    assert panel.generate_button.isEnabled()
    assert _text_color(panel.count_label) != ERROR_COLOR
    assert panel.prompt_error.isHidden()


def test_ctrl_enter_emits_the_exact_request(qtbot: QtBot, panel: PromptPanel) -> None:
    qtbot.keyClicks(panel.prompt_edit, "a red fox runs through snow, tracking shot")
    qtbot.keyClicks(panel.aspect_combo, "9:16")
    qtbot.keyClicks(panel.model_combo, "ray-f")
    qtbot.keyClicks(panel.resolution_combo, "1080")
    qtbot.keyClicks(panel.duration_combo, "9")
    panel.loop_check.setFocus()
    qtbot.keyClick(panel.loop_check, Qt.Key.Key_Space)
    panel.prompt_edit.setFocus()

    with qtbot.waitSignal(panel.generate_requested, timeout=WAIT_MS) as blocker:
        _ctrl_enter(qtbot, panel)
    assert blocker.args == [
        GenerationRequest(
            prompt="a red fox runs through snow, tracking shot",
            aspect_ratio="9:16",
            loop=True,
            model="ray-flash-2",
            resolution="1080p",
            duration="9s",
        )
    ]
    assert "\n" not in panel.prompt_edit.toPlainText()  # the shortcut typed no new line

    # The keypad's Enter and the button do the same.
    with qtbot.waitSignal(panel.generate_requested, timeout=WAIT_MS):
        qtbot.keyClick(
            panel.prompt_edit,
            Qt.Key.Key_Enter,
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.KeypadModifier,
        )
    with qtbot.waitSignal(panel.generate_requested, timeout=WAIT_MS):
        qtbot.mouseClick(panel.generate_button, Qt.MouseButton.LeftButton)
    # Anywhere in the panel, not only in the prompt.
    panel.slot1.setFocus()
    with qtbot.waitSignal(panel.generate_requested, timeout=WAIT_MS):
        qtbot.keyClick(panel.slot1, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert panel.frame1.keyframe is None  # Ctrl+Enter is not Enter: no file dialog


def test_defaults_leave_resolution_and_duration_out(qtbot: QtBot, panel: PromptPanel) -> None:
    panel.set_defaults("1:1", "ray-1-6", "", "")
    qtbot.keyClicks(panel.prompt_edit, "still life")
    request = panel.request()
    assert (request.aspect_ratio, request.model) == ("1:1", "ray-1-6")
    assert request.resolution is None
    assert request.duration is None
    assert "resolution" not in request.to_body()


def test_ctrl_enter_with_an_empty_prompt_emits_nothing(qtbot: QtBot, panel: PromptPanel) -> None:
    panel.focus_prompt()
    with qtbot.assertNotEmitted(panel.generate_requested):
        _ctrl_enter(qtbot, panel)
        qtbot.keyClicks(panel.prompt_edit, "   ")
        _ctrl_enter(qtbot, panel)
        qtbot.mouseClick(panel.generate_button, Qt.MouseButton.LeftButton)


def test_dropping_a_png_file_fills_the_first_frame(
    qtbot: QtBot, panel: PromptPanel, tmp_path: Path
) -> None:
    path = _png(tmp_path / "shot.png")
    assert _drop(panel.slot0, _files(path)) == (True, True)
    model = panel.slot0.model
    qtbot.waitUntil(lambda: not model.busy, timeout=WAIT_MS)

    keyframe = model.keyframe
    assert isinstance(keyframe, ImageKeyframe)
    assert keyframe.url.startswith("data:image/")
    assert model.preview is not None
    assert not model.preview.isNull()
    assert panel.slot0.thumbnail_image.isVisible()
    assert "shot.png" in panel.slot0.detail_label.text()
    assert panel.request().frame0 == keyframe
    assert panel.request().frame1 is None


def test_dropping_a_text_file_named_png_shows_the_error(
    qtbot: QtBot, panel: PromptPanel, tmp_path: Path
) -> None:
    qtbot.keyClicks(panel.prompt_edit, "a lighthouse at dusk")
    fake = tmp_path / "fake.png"
    fake.write_text("not an image at all")
    _drop(panel.slot0, _files(fake))
    model = panel.slot0.model
    assert not panel.generate_button.isEnabled()  # busy while it is being read
    qtbot.waitUntil(lambda: bool(model.error), timeout=WAIT_MS)

    assert panel.slot0.error_label.isVisible()
    assert panel.slot0.error_label.text() == model.error
    assert _text_color(panel.slot0.error_label) == ERROR_COLOR
    assert model.keyframe is None
    assert panel.request().frame0 is None
    assert panel.generate_button.isEnabled()


def test_dropping_a_clip_from_the_library_makes_a_generation_keyframe(
    panel: PromptPanel, tmp_path: Path
) -> None:
    mime = QMimeData()
    mime.setData(GENERATION_MIME, QByteArray(f"{GEN_A}\n{GEN_B}\n".encode()))
    # The library also offers the clip's video file; the id must win.
    mime.setUrls([QUrl.fromLocalFile(str(tmp_path / "clip.mp4"))])
    assert _drop(panel.slot1, mime) == (True, True)

    assert panel.slot1.model.keyframe == GenerationKeyframe(GEN_A)
    assert panel.slot1.thumbnail_text.text() == f"Clip {GEN_A[:8]}"
    assert panel.slot1.thumbnail_image.isVisible()  # the film icon
    assert panel.request().frame1 == GenerationKeyframe(GEN_A)


def test_dropping_a_web_link_as_text(qtbot: QtBot, panel: PromptPanel) -> None:
    url = "https://images.example.com/shots/first.png"
    mime = QMimeData()
    mime.setText(url)
    assert _drop(panel.slot0, mime) == (True, True)
    qtbot.waitUntil(lambda: panel.slot0.model.keyframe is not None, timeout=WAIT_MS)

    keyframe = panel.slot0.model.keyframe
    assert isinstance(keyframe, ImageKeyframe)
    assert keyframe.url == url
    assert url in panel.slot0.detail_label.text()


def test_a_drag_with_nothing_usable_is_refused(panel: PromptPanel) -> None:
    mime = QMimeData()
    mime.setData("application/x-something-else", QByteArray(b"\x00\x01"))
    assert _drop(panel.slot0, mime) == (False, False)
    empty_text = QMimeData()
    empty_text.setText("  \n ")
    assert _drop(panel.slot0, empty_text) == (False, False)
    assert panel.slot0.model.keyframe is None
    assert not panel.slot0.model.busy


def test_swap_and_clear(qtbot: QtBot, panel: PromptPanel) -> None:
    panel.frame0.set_generation(GEN_A)
    panel.frame1.set_generation(GEN_B)

    qtbot.mouseClick(panel.swap_button, Qt.MouseButton.LeftButton)
    assert panel.request().frame0 == GenerationKeyframe(GEN_B)
    assert panel.request().frame1 == GenerationKeyframe(GEN_A)
    assert panel.slot0.thumbnail_text.text() == f"Clip {GEN_B[:8]}"

    qtbot.mouseClick(panel.slot0.clear_button, Qt.MouseButton.LeftButton)
    assert panel.request().frame0 is None
    assert panel.slot0.thumbnail_text.text() == PLACEHOLDER
    assert not panel.slot0.clear_button.isEnabled()

    panel.slot1.setFocus()
    qtbot.keyClick(panel.slot1, Qt.Key.Key_Delete)
    assert panel.request().frame1 is None


def test_generate_is_disabled_while_a_slot_is_busy(
    qtbot: QtBot, panel: PromptPanel, tmp_path: Path
) -> None:
    qtbot.keyClicks(panel.prompt_edit, "waves")
    assert panel.generate_button.isEnabled()
    panel.frame1.load_file(_png(tmp_path / "last.png"))
    assert not panel.generate_button.isEnabled()
    assert panel.generate_button.toolTip() == BUSY_REASON
    assert panel.slot1.busy_bar.isVisible()
    with qtbot.assertNotEmitted(panel.generate_requested):
        _ctrl_enter(qtbot, panel)

    qtbot.waitUntil(panel.generate_button.isEnabled, timeout=WAIT_MS)
    assert not panel.slot1.busy_bar.isVisible()
    assert isinstance(panel.request().frame1, ImageKeyframe)


def test_click_and_enter_open_the_file_chooser(
    qtbot: QtBot, panel: PromptPanel, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _png(tmp_path / "picked.png")
    asked: list[str] = []

    def choose() -> Path | None:
        asked.append("asked")
        return path if len(asked) == 1 else None  # the second time, the artist cancels

    monkeypatch.setattr(panel.slot0, "choose_file", choose)
    qtbot.mouseClick(panel.slot0.thumbnail, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.slot0.model.keyframe is not None, timeout=WAIT_MS)

    panel.slot0.setFocus()
    qtbot.keyClick(panel.slot0, Qt.Key.Key_Return)
    assert asked == ["asked", "asked"]
    assert isinstance(panel.slot0.model.keyframe, ImageKeyframe)  # cancel kept the image


def test_ctrl_v_pastes_an_image_and_a_link(
    qtbot: QtBot, panel: PromptPanel, monkeypatch: pytest.MonkeyPatch
) -> None:
    clipboard = QGuiApplication.clipboard()
    image = QImage(32, 18, QImage.Format.Format_RGB32)
    image.fill(QColor(20, 120, 220))
    clipboard.setImage(image)
    loaded: list[tuple[QImage, str]] = []
    monkeypatch.setattr(
        panel.slot0.model, "load_image", lambda img, name: loaded.append((img, name))
    )
    panel.slot0.setFocus()
    qtbot.keyClick(panel.slot0, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert [(img.size(), name) for img, name in loaded] == [(image.size(), "pasted image")]

    clipboard.setText(f"gen:{GEN_B}")
    panel.slot1.setFocus()
    qtbot.keyClick(panel.slot1, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: panel.slot1.model.keyframe is not None, timeout=WAIT_MS)
    assert panel.slot1.model.keyframe == GenerationKeyframe(GEN_B)

    menu = panel.slot1.build_menu()
    assert [a.text() for a in menu.actions()] == ["Choose file…", "Paste", "Clear"]
    assert all(a.isEnabled() for a in menu.actions())
    assert all(a.toolTip() for a in menu.actions())
    menu.deleteLater()


def test_a_pasted_image_becomes_an_inline_keyframe(qtbot: QtBot, panel: PromptPanel) -> None:
    image = QImage(32, 18, QImage.Format.Format_RGB32)
    image.fill(QColor(20, 120, 220))
    QGuiApplication.clipboard().setImage(image)
    panel.slot0.setFocus()
    qtbot.keyClick(panel.slot0, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    task = panel.frame0.pending
    assert task is not None
    qtbot.waitUntil(task.done, timeout=WAIT_MS)
    pasted = panel.frame0.keyframe
    assert isinstance(pasted, ImageKeyframe)
    assert pasted.inline
    assert panel.frame0.preview is not None


def test_set_request_round_trips(qtbot: QtBot, panel: PromptPanel) -> None:
    link = "https://images.example.com/end.jpg"
    original = GenerationRequest(
        prompt="the camera pulls back from the window",
        aspect_ratio="21:9",
        loop=True,
        model="ray-1-6",
        resolution="4k",
        duration="5s",
        frame0=GenerationKeyframe(GEN_A),
        frame1=ImageKeyframe(link),
    )
    panel.set_request(original)
    qtbot.waitUntil(lambda: panel.frame1.keyframe is not None, timeout=WAIT_MS)
    rebuilt = panel.request()
    assert rebuilt.frame1 is not None
    assert rebuilt.frame1.to_json() == {"type": "image", "url": link}
    assert rebuilt.to_body() == original.to_body()
    assert panel.generate_button.isEnabled()

    # Missing fields go back to the defaults; an inline image is not put back.
    panel.set_request(
        GenerationRequest(prompt="again", frame0=ImageKeyframe("data:image/png;base64,AAAA"))
    )
    again = panel.request()
    assert again == GenerationRequest(prompt="again", aspect_ratio="16:9", model="ray-2")


def test_cost_spent_and_extension_note(panel: PromptPanel) -> None:
    assert panel.cost_label.text() == "Costs 500,000 credits"
    panel.set_spent(Spend(known=500_000, estimated=500_000))
    assert panel.spent_label.text() == "Spent this session: ~1,000,000 credits"
    panel.set_spent(Spend(known=120_000), simulated=True)
    assert panel.spent_label.text() == "Simulated spend this session: 120,000 credits"
    assert panel.extension_label.isHidden()
    panel.set_extension_note("Extending clip 1a2b3c4d forward")
    assert panel.extension_label.isVisible()
    assert panel.extension_label.text() == "Extending clip 1a2b3c4d forward"
    panel.set_extension_note("")
    assert panel.extension_label.isHidden()


def test_every_control_has_a_tooltip(panel: PromptPanel) -> None:
    controls = [
        panel.prompt_edit,
        panel.aspect_combo,
        panel.model_combo,
        panel.resolution_combo,
        panel.duration_combo,
        panel.loop_check,
        panel.generate_button,
        panel.swap_button,
        panel.slot0,
        panel.slot0.thumbnail,
        panel.slot0.clear_button,
    ]
    assert all(control.toolTip() for control in controls)
    assert panel.slot0.focusPolicy() == Qt.FocusPolicy.StrongFocus
    assert panel.slot0.accessibleName() == "First frame keyframe"


def test_cost_label_follows_the_model_and_the_takes(panel: PromptPanel) -> None:
    # Ray 3.2 has no published price: the panel must not claim the Luma route's flat figure.
    panel.model_combo.setCurrentIndex(panel.model_combo.findData("ray-3.2"))
    assert "500,000" not in panel.cost_label.text()
    assert "reported" in panel.cost_label.text()
    assert "500,000" not in panel.generate_button.toolTip()
    panel.model_combo.setCurrentIndex(panel.model_combo.findData("ray-2"))
    assert panel.cost_label.text() == "Costs 500,000 credits"
    panel.takes_spin.setValue(3)
    assert panel.cost_label.text() == "3 takes cost 1,500,000 credits"


def test_a_combination_the_model_refuses_is_said_beside_the_pickers(
    qtbot: QtBot, panel: PromptPanel
) -> None:
    # Generate is disabled; the reason must be on screen, not only in a tooltip.
    # (Ray 3.2 is not even offered 9:21; a clip id as keyframe is still refused.)
    qtbot.keyClicks(panel.prompt_edit, "the same street at dawn")
    panel.model_combo.setCurrentIndex(panel.model_combo.findData("ray-3.2"))
    assert panel.aspect_combo.findData("9:21") == -1
    panel.frame0.set_generation(GEN_A)
    assert not panel.generate_button.isEnabled()
    assert "last frame" in panel.choice_error.text()
    assert not panel.choice_error.isHidden()
    panel.frame0.clear()
    assert panel.choice_error.isHidden()


def test_ray_3_2_controls_follow_the_catalogue(qtbot: QtBot, panel: PromptPanel) -> None:
    models = [panel.model_combo.itemData(i) for i in range(panel.model_combo.count())]
    assert models == list(MODELS)
    retired = panel.model_combo.findData("ray-1-6")
    assert "retired by the gateway, Luma route only" in panel.model_combo.itemText(retired)
    # The note does not size the combo (it made the window wider than the screen).
    metrics = panel.model_combo.fontMetrics()
    note_width = metrics.horizontalAdvance(panel.model_combo.itemText(retired))
    assert panel.model_combo.sizeHint().width() < note_width
    assert not panel.hdr_check.isVisible()  # Ray 2 makes no HDR clips

    qtbot.keyClicks(panel.prompt_edit, "a neon street in the rain")
    panel.model_combo.setCurrentIndex(panel.model_combo.findData("ray-3.2"))
    aspects = [panel.aspect_combo.itemData(i) for i in range(panel.aspect_combo.count())]
    assert "9:21" not in aspects
    assert "21:9" in aspects
    assert panel.resolution_combo.itemText(0) == "Default (720p)"
    assert "4k" not in [
        panel.resolution_combo.itemData(i) for i in range(panel.resolution_combo.count())
    ]
    assert panel.duration_combo.itemText(0) == "Default (5s)"
    assert panel.hdr_check.isVisible()
    assert panel.exr_check.isVisible()

    panel.duration_combo.setCurrentIndex(panel.duration_combo.findData("10s"))
    assert not panel.hdr_check.isEnabled()
    assert "HDR is only for 5 s clips at 720p or 1080p" in panel.hdr_check.toolTip()

    panel.duration_combo.setCurrentIndex(panel.duration_combo.findData("5s"))
    panel.resolution_combo.setCurrentIndex(panel.resolution_combo.findData("1080p"))
    assert panel.hdr_check.isEnabled()
    assert not panel.exr_check.isEnabled()
    assert "turn HDR on first" in panel.exr_check.toolTip()
    qtbot.mouseClick(panel.hdr_check, Qt.MouseButton.LeftButton)
    assert panel.exr_check.isEnabled()
    qtbot.mouseClick(panel.exr_check, Qt.MouseButton.LeftButton)
    assert panel.draft.parameters["hdr"] is True
    assert panel.draft.parameters["exr"] is True

    body = panel.request().to_body(Route.UNIFIED)
    assert body["model"] == "luma/ray-3.2"
    assert (body["hdr"], body["exr_export"]) == (True, True)
    assert (body["duration"], body["resolution"]) == (5, "1080p")
    assert panel.generate_button.isEnabled()

    # 10 s again: HDR (and so EXR) is impossible, turned off and said why.
    panel.duration_combo.setCurrentIndex(panel.duration_combo.findData("10s"))
    assert not panel.hdr_check.isChecked()
    assert not panel.exr_check.isChecked()
    body = panel.request().to_body(Route.UNIFIED)
    assert "hdr" not in body
    assert "exr_export" not in body
    assert panel.generate_button.isEnabled()

    # Back to Ray 2: its own values again, the choices it shares kept.
    panel.model_combo.setCurrentIndex(panel.model_combo.findData("ray-2"))
    assert panel.aspect_combo.findData("9:21") >= 0
    assert panel.resolution_combo.itemText(0) == "Default (1080p)"
    assert panel.duration_combo.currentData() == ""  # Ray 2 has no 10 s
    assert panel.request().duration is None
    assert not panel.hdr_check.isVisible()
