"""Rows and tiles tell takes apart, and tiles say what the clip is (item 4 and 10)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics

from luma_desktop.core.jobs import JobStatus
from luma_desktop.studio.job_model import JobRole
from luma_desktop.ui.job_delegate import JobDelegate
from luma_desktop.ui.library_delegate import GRID, detail_lines
from luma_desktop.ui.prompt_panel import PromptPanel
from tests.ui.test_job_list import Fixture, jobs
from tests.ui.test_library_view import Library, lib
from tests.ui.test_prompt_panel import panel

__all__ = ["jobs", "lib", "panel"]  # the fixtures, shared
BOAT = "A paper boat drifts down a rain-soaked cobblestone street at dusk"
ENDINGS = (", lanterns glowing", ", a cat watching", ", in heavy fog")


def test_job_rows_show_where_takes_differ(jobs: Fixture) -> None:
    added = [jobs.add(JobStatus.DREAMING, prompt=BOAT + end) for end in ENDINGS]
    again = jobs.add(JobStatus.QUEUED, prompt=BOAT + ENDINGS[0])
    jobs.view.show()
    painted = {j.local_id: JobDelegate.lines(jobs.index_of(j))[0] for j in [*added, again]}
    assert len(set(painted.values())) == 4  # before: four times "A paper boat drifts…"
    for job, end in zip(added[1:], ENDINGS[1:], strict=True):
        assert painted[job.local_id].endswith(end.lstrip(", "))
    takes = {painted[added[0].local_id], painted[again.local_id]}
    assert {t.split(" · ")[0] for t in takes} == {"Take 1", "Take 2"}
    tip = jobs.index_of(again).data(Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith(BOAT + ENDINGS[0])  # the whole prompt in the tooltip


def test_library_tiles_show_where_takes_differ_and_what_the_clip_is(lib: Library) -> None:
    tiles = [lib.add(prompt=BOAT + end) for end in ENDINGS]
    titles = [lib.index(job).data(Qt.ItemDataRole.DisplayRole) for job in tiles]
    assert len(set(titles)) == 3
    assert all(t.startswith("…") for t in titles)
    details = lib.index(tiles[0]).data(JobRole.DETAILS)
    # Model, resolution (the model's default when left to it), aspect, length, cost.
    # the cost in the gateway's unit, "~" while it is the estimate
    assert " · Ray 2 · 1080p · 16:9 · 5 s · ~500,000 credits" in details


def test_tile_details_fit_the_tile_with_the_cost_whole(lib: Library) -> None:
    job = lib.add(prompt="a long walk")
    job = lib.store.update(job.local_id, cost_credits=1_234_567.0)
    lib.panel.reload()
    index = lib.index(job)
    details = str(index.data(JobRole.DETAILS))
    assert details.endswith("1,234,567 credits")  # what the gateway charged
    view = lib.panel.view
    small = QFont(view.font())
    small.setPointSizeF(max(small.pointSizeF() * 0.85, 7.0))
    metrics = QFontMetrics(small)
    width = GRID.width() - 16  # the tile's text area, as painted
    lines = detail_lines(details, metrics.horizontalAdvance, width)
    assert len(lines) <= 2
    assert all(metrics.horizontalAdvance(line) <= width for line in lines)  # nothing elided
    assert " · ".join(lines) == details  # before: one line, "…720p · …" and no cost


def test_defaults_say_what_they_are(panel: PromptPanel) -> None:
    resolution, duration = panel.resolution_combo, panel.duration_combo
    assert resolution.itemText(0) == "Default (1080p)"  # before: a bare "Default"
    assert duration.itemText(0) == "Default (5s)"
    assert resolution.itemData(0) == ""  # still left out of the request
    assert "Default (1080p)" in [resolution.itemText(i) for i in range(resolution.count())]
    panel.model_combo.setCurrentIndex(panel.model_combo.findData("ray-3.2"))
    assert resolution.itemText(0) == "Default (720p)"  # the chosen model's own default
