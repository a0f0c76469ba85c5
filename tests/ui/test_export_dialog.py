"""The export dialog, driven through its widgets: a clip as ProRes, a chain joined into
one MP4 and as an OpenTimelineIO timeline, Cancel, and the library menu that opens it."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from luma_desktop.core.export import ExportFormat
from luma_desktop.core.jobs import JobRecord, JobStatus
from luma_desktop.core.timeline import TimelineFormat, read_clips
from luma_desktop.ui.export_dialog import ExportDialog
from tests.export.media_cases import make_clip, probe


def clip_job(path: Path, prompt: str) -> JobRecord:
    return JobRecord(
        path.stem, JobStatus.READY, "http://sim", prompt, {"prompt": prompt}, (), 1, 1.0, 1.0,
        generation_id=f"gen-{path.stem}", video_path=str(path),
    )  # fmt: skip


@pytest.fixture
def chain(tmp_path: Path) -> list[JobRecord]:
    return [
        clip_job(make_clip(tmp_path / "one.mp4", frames=12), "a lighthouse at dusk"),
        clip_job(make_clip(tmp_path / "two.mp4", frames=8, source="testsrc"), "the beam sweeps"),
    ]


def dialog_for(qtbot: QtBot, jobs: list[JobRecord], folder: Path) -> ExportDialog:
    dialog = ExportDialog(jobs, folder)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_a_clip_exports_as_prores_with_progress(
    qtbot: QtBot, chain: list[JobRecord], tmp_path: Path
) -> None:
    dialog = dialog_for(qtbot, chain[:1], tmp_path / "out")
    assert dialog.windowTitle() == "Export clip"
    assert TimelineFormat.OTIO not in dialog.choices  # one clip is no cut to edit
    dialog.select(ExportFormat.PRORES)
    with qtbot.waitSignal(dialog.exporter.finished, timeout=30_000):
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
        assert not dialog.export_button.isEnabled(), dialog.status_label.text()
        assert dialog.cancel_button.isEnabled()
    # The signal reached the test from the worker thread; the dialog hears it queued.
    qtbot.waitUntil(dialog.export_button.isEnabled)
    assert dialog.result_path == tmp_path / "out" / "a lighthouse at dusk.mov"
    assert probe(dialog.result_path) == (12, "prores", "64x48")
    assert dialog.progress.value() == dialog.progress.maximum() == 12
    assert dialog.export_button.isEnabled()
    urls = dialog.result_label.mime_data().urls()
    assert [Path(u.toLocalFile()) for u in urls] == [dialog.result_path]


def test_a_chain_joins_into_one_mp4_and_a_timeline(
    qtbot: QtBot, chain: list[JobRecord], tmp_path: Path
) -> None:
    dialog = dialog_for(qtbot, chain, tmp_path)
    assert dialog.windowTitle() == "Export a chain of 2 clips"
    dialog.select(ExportFormat.MP4)
    with qtbot.waitSignal(dialog.exporter.finished, timeout=30_000):
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(dialog.export_button.isEnabled)
    assert dialog.result_path is not None
    assert probe(dialog.result_path) == (20, "h264", "64x48")
    dialog.select(TimelineFormat.OTIO)
    assert not dialog.width_spin.isEnabled()
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert dialog.result_path.suffix == ".otio"
    clips = list(read_clips(dialog.result_path))
    assert [(name, frames) for name, _, frames in clips] == [
        ("1. a lighthouse at dusk", 12),
        ("2. the beam sweeps", 8),
    ]


def test_cancel_stops_the_export_and_leaves_nothing(
    qtbot: QtBot, chain: list[JobRecord], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    dialog = dialog_for(qtbot, chain, out)
    dialog.select(ExportFormat.PNG)
    # Cancel as the first frame is reported, the way the artist's click would land.
    dialog.exporter.progress.connect(
        lambda done, total: dialog.cancel_button.click() if done == 1 else None,
        Qt.ConnectionType.BlockingQueuedConnection,
    )
    with qtbot.waitSignal(dialog.exporter.cancelled, timeout=30_000):
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(dialog.export_button.isEnabled)
    assert "cancelled" in dialog.status_label.text()
    assert list(out.iterdir()) == []
    assert dialog.export_button.isEnabled()
