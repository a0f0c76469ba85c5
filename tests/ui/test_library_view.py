"""The library panel: search and filter, the menu per selection, deleting, image drops
on tiles, the lineage strip, lazy thumbnails, and a 10,000-clip library."""

from __future__ import annotations

import re
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx
import pytest
from PySide6.QtCore import QItemSelectionModel, QMimeData, QModelIndex, QPointF, Qt, QUrl
from PySide6.QtGui import QColor, QDragEnterEvent, QDragMoveEvent, QDropEvent, QImage
from PySide6.QtWidgets import QApplication, QMenu
from pytestqt.qtbot import QtBot

from luma_desktop.core.engine import JobEngine
from luma_desktop.core.jobs import JobRecord, JobStatus
from luma_desktop.core.store import JobStore
from luma_desktop.studio.library_model import LibraryModel, short_id
from luma_desktop.studio.thumbnails import ThumbnailMaker, facts_of, headline
from luma_desktop.ui.drops import dropped_link
from luma_desktop.ui.library_delegate import FRAMES_BADGE
from luma_desktop.ui.library_view import EMPTY_LIBRARY, NO_MATCH, LibraryPanel
from tests.encodes import AV1, EXR_FRAME, SDR, encode

BASE = "http://127.0.0.1:9"


class Library:
    def __init__(self, tmp_path: Path, store: JobStore, model: LibraryModel, panel: LibraryPanel):
        self.folder = tmp_path / "library"
        self.folder.mkdir()
        self.store = store
        self.model = model
        self.panel = panel
        self.confirms: list[tuple[str, str]] = []
        self.informs: list[tuple[str, str]] = []
        self.answer = True

        def confirm(title: str, text: str) -> bool:
            self.confirms.append((title, text))
            return self.answer

        def inform(title: str, text: str) -> None:
            self.informs.append((title, text))

        panel.confirm = confirm  # type: ignore[method-assign]
        panel.inform = inform  # type: ignore[method-assign]

    def add(
        self,
        status: JobStatus = JobStatus.READY,
        prompt: str = "a red fox in the snow",
        *,
        extends: JobRecord | None = None,
        files: bool = True,
    ) -> JobRecord:
        body: dict[str, Any] = {"prompt": prompt, "model": "ray-2"}
        parents: list[str] = []
        if extends is not None and extends.generation_id:
            body["keyframes"] = {"frame0": {"type": "generation", "id": extends.generation_id}}
            parents = [extends.generation_id]
        job = self.store.add(
            base_url=BASE,
            prompt=prompt,
            body=body,
            parents=parents,
            tokens=500_000,
            status=status,
            generation_id=str(uuid4()),
        )
        if files and status is JobStatus.READY:
            name = job.local_id[:8]
            video = self.folder / f"{name}.mp4"
            video.write_bytes(b"not really a video")
            video.with_suffix(".json").write_text("{}")
            video.with_name(video.name + ".part").write_bytes(b"")
            thumb = self.folder / f"{name}.jpg"
            image = QImage(160, 90, QImage.Format.Format_RGB32)
            image.fill(QColor(200, 80, 40))
            assert image.save(str(thumb))  # JPEG, from the suffix
            job = self.store.update(job.local_id, video_path=str(video), thumb_path=str(thumb))
        self.panel.reload()
        return job

    def index(self, job: JobRecord) -> QModelIndex:
        row = self.model.row_of(job.local_id)
        assert row >= 0, f"{job.prompt!r} is not shown"
        return self.model.index(row)

    def select(self, *jobs: JobRecord) -> None:
        """Select like ctrl-clicks: one after the other, added to the selection."""
        selection = self.panel.view.selectionModel()
        selection.clearSelection()
        for job in jobs:
            selection.select(self.index(job), QItemSelectionModel.SelectionFlag.Select)

    def laid_out(self, job: JobRecord) -> None:
        """Wait until the batched layout has placed ``job``'s tile where it can be hit."""
        view = self.panel.view
        index = self.index(job)
        view.scrollTo(index)
        self.qtbot.waitUntil(lambda: view.indexAt(view.visualRect(index).center()) == index)

    qtbot: QtBot


@pytest.fixture
def lib(qtbot: QtBot, tmp_path: Path) -> Iterator[Library]:
    store = JobStore(tmp_path / "jobs.sqlite3")
    # The engine never reaches the network here: it only deletes (and says so).
    engine = JobEngine(store, httpx.AsyncClient(), lambda: "key", tmp_path / "lib", base_url=BASE)
    model = LibraryModel(engine)
    unsubscribe = engine.subscribe(model.apply)
    panel = LibraryPanel(model)
    qtbot.addWidget(panel)
    panel.resize(900, 640)
    panel.show()
    qtbot.waitExposed(panel)
    library = Library(tmp_path, store, model, panel)
    library.qtbot = qtbot
    yield library
    model.thumbnails.wait_idle()
    QApplication.processEvents()  # deliver the last loads before the panel goes
    unsubscribe()
    store.close()


def items(menu: QMenu) -> dict[str, Any]:
    return {a.text(): a for a in menu.actions() if not a.isSeparator()}


def enabled(menu: QMenu) -> set[str]:
    return {text for text, a in items(menu).items() if a.isEnabled()}


def action(menu: QMenu, prefix: str) -> Any:
    found = [a for text, a in items(menu).items() if text.startswith(prefix)]
    assert found, f"no {prefix!r} in {list(items(menu))}"
    return found[0]


# -- search, filter, count --------------------------------------------------------------


def test_search_waits_for_a_pause_then_filters(lib: Library, qtbot: QtBot) -> None:
    lib.add(prompt="a red fox in the snow")
    lib.add(prompt="a blue whale")
    lib.add(prompt="Fox cubs playing")
    assert lib.panel.count_label.text() == "3 clips"
    qtbot.keyClicks(lib.panel.search_edit, "fox")
    assert lib.model.rowCount() == 3  # not one query per key
    qtbot.waitUntil(lambda: lib.model.rowCount() == 2)
    assert lib.panel.count_label.text() == "2 clips"
    lib.panel.search_edit.setText("whale")
    qtbot.waitUntil(lambda: lib.panel.count_label.text() == "1 clip")
    lib.panel.search_edit.setText("no such thing")
    qtbot.waitUntil(lambda: lib.model.rowCount() == 0)
    assert lib.panel.view.empty_hint == NO_MATCH
    assert not lib.panel.view.grab().isNull()


def test_empty_library_hint(lib: Library) -> None:
    assert lib.panel.count_label.text() == "0 clips"
    assert lib.panel.view.empty_hint == EMPTY_LIBRARY
    assert not lib.panel.view.grab().isNull()


def test_status_filter(lib: Library) -> None:
    for status in JobStatus:
        lib.add(status, prompt=f"clip {status.value}")
    combo = lib.panel.status_combo
    expected = {"All": 11, "Ready": 1, "Running": 4, "Failed": 4, "Unknown": 1, "Stopped": 1}
    for label, count in expected.items():
        combo.setCurrentIndex(combo.findText(label))
        assert lib.model.rowCount() == count, label
        assert lib.panel.count_label.text() == f"{count} clip" + ("s" if count != 1 else "")
    combo.setCurrentIndex(combo.findText("Failed"))
    shown = {lib.model.job_at(r).status for r in range(lib.model.rowCount())}  # type: ignore[union-attr]
    assert shown == {JobStatus.FAILED, JobStatus.REFUSED, JobStatus.NOT_FOUND, JobStatus.STALE}


def test_ctrl_f_focuses_the_search(lib: Library, qtbot: QtBot) -> None:
    lib.panel.activateWindow()
    lib.panel.view.setFocus()
    qtbot.waitUntil(lambda: lib.panel.view.hasFocus())
    qtbot.keyClick(lib.panel.view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: lib.panel.search_edit.hasFocus())


def test_escape_clears_the_search(lib: Library, qtbot: QtBot) -> None:
    lib.add(prompt="a fox")
    lib.add(prompt="a whale")
    edit = lib.panel.search_edit
    qtbot.keyClicks(edit, "fox")
    qtbot.waitUntil(lambda: lib.model.rowCount() == 1)
    qtbot.keyClick(edit, Qt.Key.Key_Escape)
    assert edit.text() == ""
    qtbot.waitUntil(lambda: lib.model.rowCount() == 2)


def test_select_job(lib: Library) -> None:
    ready = lib.add(prompt="ready one")
    failed = lib.add(JobStatus.FAILED, prompt="failed one")
    combo = lib.panel.status_combo
    combo.setCurrentIndex(combo.findText("Ready"))
    assert lib.panel.select_job(ready.local_id)
    assert lib.panel.selected_jobs() == [ready]
    assert not lib.panel.select_job(failed.local_id)  # hidden by the filter
    assert not lib.panel.select_job("no-such-id", reveal=True)
    assert lib.panel.select_job(failed.local_id, reveal=True)
    assert combo.currentText() == "All"
    assert lib.panel.selected_jobs() == [failed]


# -- the menu ---------------------------------------------------------------------------


def test_menu_for_one_ready_clip(lib: Library) -> None:
    job = lib.add()
    menu = lib.panel.menu_for([job])
    assert enabled(menu) == {
        "Play",
        "Open in system player",
        "Extend forward",
        "Extend backward",
        "Another take",
        "Modify…",
        "Reframe to 9:16",
        "Reframe to 1:1",
        "Reframe to 16:9",
        "Export…",
        "Reuse parameters",
        "Reveal in file manager",
        "Delete from library…",
    }
    assert action(menu, "Extend forward").toolTip() == (
        "New clip that continues this one (500,000 credits)"
    )
    assert action(menu, "Extend backward").toolTip().startswith("New clip that leads into this one")
    assert all(a.toolTip() for a in items(menu).values())


def test_menu_for_failed_and_unknown_jobs(lib: Library) -> None:
    failed = lib.add(JobStatus.FAILED)
    unknown = lib.add(JobStatus.UNKNOWN)
    queued = lib.add(JobStatus.QUEUED)
    assert enabled(lib.panel.menu_for([failed])) == {
        "Another take",
        "Reuse parameters",
        "Delete from library…",
    }
    assert enabled(lib.panel.menu_for([unknown])) == {"Reuse parameters"}
    assert enabled(lib.panel.menu_for([queued])) == {"Reuse parameters"}
    # A mixed selection deletes only what is finished.
    assert "Delete from library…" in enabled(lib.panel.menu_for([failed, unknown]))


def test_menu_actions_emit_the_requests(lib: Library, qtbot: QtBot) -> None:
    job = lib.add()
    panel = lib.panel
    with qtbot.waitSignal(panel.extend_requested) as forward:
        action(panel.menu_for([job]), "Extend forward").trigger()
    assert forward.args == [job, "forward"]
    with qtbot.waitSignal(panel.extend_requested) as backward:
        action(panel.menu_for([job]), "Extend backward").trigger()
    assert backward.args == [job, "backward"]
    with qtbot.waitSignal(panel.reuse_requested) as reuse:
        action(panel.menu_for([job]), "Reuse parameters").trigger()
    assert reuse.args == [job]
    with qtbot.waitSignal(panel.play_requested) as play:
        action(panel.menu_for([job]), "Play").trigger()
    assert play.args == [job]


def test_reveal_opens_the_folder(lib: Library, monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[QUrl] = []

    def open_url(url: QUrl) -> bool:
        opened.append(url)
        return True

    monkeypatch.setattr("luma_desktop.ui.library_view.QDesktopServices.openUrl", open_url)
    job = lib.add()
    action(lib.panel.menu_for([job]), "Reveal in file manager").trigger()
    assert [u.toLocalFile() for u in opened] == [str(lib.folder)]


def test_bridge_follows_the_selection_order(lib: Library, qtbot: QtBot) -> None:
    first = lib.add(prompt="the first")
    second = lib.add(prompt="the second")
    failed = lib.add(JobStatus.FAILED, prompt="broken")
    panel = lib.panel
    lib.select(second, first)  # the newer one picked first: it is A
    assert panel.selected_jobs() == [second, first]
    menu = panel.menu_for(panel.selected_jobs())
    bridge = action(menu, "Bridge")
    assert bridge.isEnabled()
    assert bridge.text() == f"Bridge {short_id(second)} → {short_id(first)}"
    assert "Extend forward" not in enabled(menu)
    with qtbot.waitSignal(panel.bridge_requested) as signal:
        bridge.trigger()
    assert signal.args == [second, first]

    lib.select(first, second)
    with qtbot.waitSignal(panel.bridge_requested) as signal:
        action(panel.menu_for(panel.selected_jobs()), "Bridge").trigger()
    assert signal.args == [first, second]
    assert not action(panel.menu_for([first, failed]), "Bridge").isEnabled()


def test_ctrl_clicks_give_the_bridge_order(lib: Library, qtbot: QtBot) -> None:
    a = lib.add(prompt="clip a")
    b = lib.add(prompt="clip b")
    view = lib.panel.view
    lib.laid_out(a)
    lib.laid_out(b)
    with qtbot.waitSignal(lib.panel.selection_changed_jobs) as changed:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=_center(lib, a))
    assert changed.args == [[a]]
    ctrl = Qt.KeyboardModifier.ControlModifier
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, ctrl, _center(lib, b))
    assert lib.panel.selected_jobs() == [a, b]


def test_enter_plays_a_ready_clip(lib: Library, qtbot: QtBot) -> None:
    job = lib.add()
    lib.panel.view.setCurrentIndex(lib.index(job))
    with qtbot.waitSignal(lib.panel.play_requested) as play:
        qtbot.keyClick(lib.panel.view, Qt.Key.Key_Return)
    assert play.args == [job]


# -- deleting ---------------------------------------------------------------------------


def _files(job: JobRecord) -> list[Path]:
    video = Path(job.video_path or "")
    thumb = Path(job.thumb_path or "")
    return [video, video.with_suffix(".json"), video.with_name(video.name + ".part"), thumb]


def test_delete_removes_files_then_rows(lib: Library, qtbot: QtBot) -> None:
    a = lib.add(prompt="one")
    b = lib.add(prompt="two")
    keep = lib.add(prompt="three")
    assert all(p.exists() for p in _files(a) + _files(b))
    gone: list[JobRecord] = []
    lib.panel.deleted.connect(gone.append)
    action(lib.panel.menu_for([a, b]), "Delete from library…").trigger()
    assert lib.confirms == [
        (
            "Delete from library",
            "Delete 2 clips from the library? Their video files are removed from disk. "
            "This cannot be undone.",
        )
    ]
    assert gone == [a, b]
    assert not any(p.exists() for p in _files(a) + _files(b))
    assert all(p.exists() for p in _files(keep))
    assert lib.model.rowCount() == 1
    assert lib.store.count() == 1
    assert lib.panel.count_label.text() == "1 clip"


def test_delete_asks_first(lib: Library) -> None:
    job = lib.add()
    lib.answer = False
    lib.panel.delete([job])
    assert len(lib.confirms) == 1
    assert "this clip" in lib.confirms[0][1]
    assert all(p.exists() for p in _files(job))
    assert lib.model.rowCount() == 1


def test_delete_key_deletes_the_selection(lib: Library, qtbot: QtBot) -> None:
    job = lib.add()
    lib.select(job)
    with qtbot.waitSignal(lib.panel.deleted):
        qtbot.keyClick(lib.panel.view, Qt.Key.Key_Delete)
    assert lib.store.count() == 0


def test_unknown_jobs_are_not_deleted(lib: Library) -> None:
    unknown = lib.add(JobStatus.UNKNOWN)
    lib.panel.delete([unknown])
    assert lib.confirms == []
    assert lib.store.count() == 1


def test_a_failing_delete_keeps_the_row(
    lib: Library, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    stuck = lib.add(prompt="locked clip")
    fine = lib.add(prompt="free clip")
    real_unlink = Path.unlink

    def unlink(self: Path, missing_ok: bool = False) -> None:
        if str(self) == stuck.video_path:
            raise PermissionError(13, "Permission denied")
        real_unlink(self, missing_ok=missing_ok)

    monkeypatch.setattr(Path, "unlink", unlink)
    gone: list[JobRecord] = []
    lib.panel.deleted.connect(gone.append)
    lib.panel.delete([stuck, fine])
    assert gone == [fine]
    assert lib.model.row_of(stuck.local_id) >= 0
    assert lib.store.get(stuck.local_id).video_path == stuck.video_path
    assert Path(stuck.thumb_path or "").exists()  # nothing of it was touched
    assert len(lib.informs) == 1
    assert "locked clip" in lib.informs[0][1]
    assert "Permission denied" in lib.informs[0][1]


# -- drops ------------------------------------------------------------------------------


def _center(lib: Library, job: JobRecord) -> Any:
    return lib.panel.view.visualRect(lib.index(job)).center()


def _image_mime(lib: Library) -> tuple[QMimeData, Path]:
    image_path = lib.folder / "dropped.png"
    image = QImage(32, 32, QImage.Format.Format_RGB32)
    image.fill(QColor(10, 200, 10))
    assert image.save(str(image_path))
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(image_path))])
    return mime, image_path


def _send(lib: Library, event: QDropEvent) -> QDropEvent:
    QApplication.sendEvent(lib.panel.view.viewport(), event)
    return event


def _drag(
    lib: Library, job: JobRecord, mime: QMimeData, kind: type[QDropEvent], alt: bool = False
) -> QDropEvent:
    modifiers = Qt.KeyboardModifier.AltModifier if alt else Qt.KeyboardModifier.NoModifier
    where, button = QPointF(_center(lib, job)), Qt.MouseButton.LeftButton
    # Drag enter/move events take whole pixels (before PySide6 6.12); drops take QPointF.
    pos = where if kind is QDropEvent else where.toPoint()
    return _send(lib, kind(pos, Qt.DropAction.CopyAction, mime, button, modifiers))


def _drop(lib: Library, job: JobRecord, mime: QMimeData, alt: bool = False) -> QDropEvent:
    """A whole drag as Qt delivers it: enter, move over the tile, drop (Qt routes the
    move and the drop to the widget that accepted the enter)."""
    assert _drag(lib, job, mime, QDragEnterEvent, alt).isAccepted()
    _drag(lib, job, mime, QDragMoveEvent, alt)
    return _drag(lib, job, mime, QDropEvent, alt)


def test_dropping_an_image_on_a_ready_clip(lib: Library, qtbot: QtBot) -> None:
    job = lib.add()
    lib.laid_out(job)
    mime, image_path = _image_mime(lib)
    with qtbot.waitSignal(lib.panel.image_extend_requested) as plain:
        event = _drop(lib, job, mime)
    assert event.isAccepted()
    assert event.dropAction() == Qt.DropAction.CopyAction
    assert plain.args == [job, str(image_path), False]
    with qtbot.waitSignal(lib.panel.image_extend_requested) as alt:
        _drop(lib, job, mime, alt=True)
    assert alt.args == [job, str(image_path), True]
    assert lib.model.rowCount() == 1  # nothing moved or removed by the drop


def test_a_drop_on_a_failed_clip_is_refused(lib: Library, qtbot: QtBot) -> None:
    ready = lib.add(prompt="ready")
    failed = lib.add(JobStatus.FAILED, prompt="failed")
    lib.laid_out(ready)
    lib.laid_out(failed)
    mime, _ = _image_mime(lib)
    delegate = lib.panel.view.itemDelegate()
    assert _drag(lib, ready, mime, QDragEnterEvent).isAccepted()
    assert _drag(lib, ready, mime, QDragMoveEvent).isAccepted()
    assert delegate.drop_row == lib.model.row_of(ready.local_id)  # type: ignore[attr-defined]
    assert not _drag(lib, failed, mime, QDragMoveEvent).isAccepted()
    assert delegate.drop_row == -1  # type: ignore[attr-defined]
    with qtbot.assertNotEmitted(lib.panel.image_extend_requested):
        event = _drag(lib, failed, mime, QDropEvent)
    assert not event.isAccepted()


def test_a_clip_dragged_onto_the_grid_is_no_drop(lib: Library) -> None:
    job = lib.add()
    lib.laid_out(job)
    own = lib.model.mimeData([lib.index(job)])
    assert not _drag(lib, job, own, QDragEnterEvent).isAccepted()


def test_which_drags_count_as_images(lib: Library) -> None:
    _, image_path = _image_mime(lib)
    local = QMimeData()
    local.setUrls([QUrl.fromLocalFile(str(image_path))])
    assert dropped_link(local) == str(image_path)
    web = QMimeData()
    web.setUrls([QUrl("https://example.com/cat.webp?size=large")])
    assert dropped_link(web) == "https://example.com/cat.webp?size=large"
    browser = QMimeData()  # a CDN link without a suffix, with the <img> alongside
    browser.setUrls([QUrl("https://cdn.example.com/i/123")])
    browser.setHtml('<img src="https://cdn.example.com/i/123">')
    assert dropped_link(browser) == "https://cdn.example.com/i/123"
    text = QMimeData()
    text.setText("https://example.com/a.png\n")
    assert dropped_link(text) == "https://example.com/a.png"
    page = QMimeData()
    page.setUrls([QUrl("https://example.com/article")])
    assert dropped_link(page) is None
    video = QMimeData()  # a clip dragged out of the library itself
    video.setUrls([QUrl.fromLocalFile(str(lib.folder / "clip.mp4"))])
    assert dropped_link(video) is None


# -- lineage ----------------------------------------------------------------------------


def test_lineage_strip_links_to_the_parent(lib: Library, qtbot: QtBot) -> None:
    parent = lib.add(prompt="a fox walks")
    child = lib.add(prompt="the fox keeps walking", extends=parent)
    panel = lib.panel
    assert not panel.lineage.isVisible()
    assert panel.select_job(child.local_id)
    qtbot.waitUntil(panel.lineage.isVisible)
    text = panel.lineage_label.text()
    assert "Extends:" in text
    assert short_id(parent) in text
    assert "Extended by" not in text
    assert panel.chain_button.isVisible()
    assert panel.chain_button.text() == "Play chain (2)"
    with qtbot.waitSignal(panel.play_chain_requested) as chain:
        qtbot.mouseClick(panel.chain_button, Qt.MouseButton.LeftButton)
    assert [j.local_id for j in chain.args[0]] == [parent.local_id, child.local_id]

    # The parent is hidden by the search: following the link shows it again.
    panel.search_edit.setText("keeps")
    qtbot.waitUntil(lambda: lib.model.rowCount() == 1)
    panel.select_job(child.local_id)
    qtbot.waitUntil(panel.lineage.isVisible)
    href = re.search(r'href="([^"]+)"', panel.lineage_label.text())
    assert href is not None
    panel.lineage_label.linkActivated.emit(href.group(1))
    assert [j.local_id for j in panel.selected_jobs()] == [parent.local_id]
    assert panel.search_edit.text() == ""
    assert "Extended by:" in panel.lineage_label.text()
    assert short_id(child) in panel.lineage_label.text()

    lib.select(parent, child)
    assert not panel.lineage.isVisible()


def test_play_chain_from_the_menu(lib: Library, qtbot: QtBot) -> None:
    first = lib.add(prompt="first")
    second = lib.add(prompt="second", extends=first)
    third = lib.add(prompt="third", extends=second)
    lonely = lib.add(prompt="lonely")
    menu = lib.panel.menu_for([second])
    chain = action(menu, "Play chain")
    assert chain.text() == "Play chain (3 clips)"
    with qtbot.waitSignal(lib.panel.play_chain_requested) as signal:
        chain.trigger()
    assert [j.local_id for j in signal.args[0]] == [j.local_id for j in (first, second, third)]
    assert not action(lib.panel.menu_for([lonely]), "Play chain").isEnabled()


# -- thumbnails and scale ---------------------------------------------------------------


def test_thumbnails_arrive_in_the_grid(lib: Library, qtbot: QtBot) -> None:
    job = lib.add()
    index = lib.index(job)
    assert not lib.panel.view.grab().isNull()  # painting asks for the thumbnail
    qtbot.waitUntil(lambda: isinstance(index.data(Qt.ItemDataRole.DecorationRole), QImage))
    image = lib.panel.view.grab().toImage()
    assert not image.isNull()


def test_ten_thousand_clips(lib: Library) -> None:
    store = lib.store
    store._db.execute("BEGIN")
    for n in range(10_000):
        status = JobStatus.READY if n % 5 else JobStatus.FAILED
        store.add(
            base_url=BASE,
            prompt=f"clip number {n} of a long night",
            body={"prompt": "x"},
            parents=[],
            tokens=500_000,
            status=status,
            generation_id=str(uuid4()),
        )
    store._db.execute("COMMIT")
    started = time.perf_counter()
    lib.panel.reload()
    assert lib.panel.count_label.text() == "10,000 clips"
    assert not lib.panel.view.grab().isNull()
    lib.panel.view.scrollToBottom()
    assert not lib.panel.view.grab().isNull()
    print(f"reload + two paints of 10,000 clips: {time.perf_counter() - started:.3f} s")


# -- deliveries that cannot play here ----------------------------------------------------


def test_an_av1_clip_says_it_cannot_play_here_on_its_tile(
    lib: Library, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Decoded (not guessed from its name): its thumbnail is a plain "Can't play here"
    picture, and the tile's menu opens it in the system player."""
    opened: list[str] = []

    def open_url(url: QUrl) -> bool:
        opened.append(url.toLocalFile())
        return True

    monkeypatch.setattr("luma_desktop.ui.player_notice.QDesktopServices.openUrl", open_url)
    job = lib.add(prompt="an av1 delivery")
    clip = encode(lib.folder, *AV1)
    maker = ThumbnailMaker(tmp_path / "thumbs", deadline=5.0)
    with qtbot.waitSignal(maker.made, timeout=10_000) as made:
        maker.request(job.local_id, clip)
    job = lib.store.update(job.local_id, video_path=str(clip), thumb_path=str(made.args[1]))
    lib.panel.reload()
    index = lib.index(job)
    qtbot.waitUntil(lambda: isinstance(index.data(Qt.ItemDataRole.DecorationRole), QImage))
    facts = facts_of(index.data(Qt.ItemDataRole.DecorationRole))
    assert facts is not None
    assert not facts.playable
    assert headline(facts) == "Can't play here"
    assert "AV1" in facts.problem
    assert not lib.panel.view.grab().isNull()  # the tile paints with it
    assert "Can't play here: AV1 video" in index.data(Qt.ItemDataRole.ToolTipRole)
    system = action(lib.panel.menu_for([job]), "Open in system player")
    assert system.isEnabled()
    system.trigger()
    assert opened == [str(clip)]


def test_a_delivery_of_frames_says_what_it_is_on_its_tile(
    lib: Library, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only frames came: the first EXR frame is the thumbnail, the tile says "EXR frames
    (3)" (a badge) and its menu opens their folder."""
    opened: list[str] = []

    def open_url(url: QUrl) -> bool:
        opened.append(url.toLocalFile())
        return True

    monkeypatch.setattr("luma_desktop.ui.player_notice.QDesktopServices.openUrl", open_url)
    job = lib.add(prompt="frames only")
    exr = encode(tmp_path, *EXR_FRAME)
    frames = lib.folder / "sunrise.frames.zip"
    with zipfile.ZipFile(frames, "w") as archive:
        for i in range(3):
            archive.write(exr, f"exr/{i:04d}.exr")
    maker = ThumbnailMaker(tmp_path / "thumbs", deadline=5.0)
    with qtbot.waitSignal(maker.made, timeout=10_000) as made:
        maker.request(job.local_id, frames)
    job = lib.store.update(job.local_id, video_path=str(frames), thumb_path=str(made.args[1]))
    lib.panel.reload()
    index = lib.index(job)
    qtbot.waitUntil(lambda: isinstance(index.data(Qt.ItemDataRole.DecorationRole), QImage))
    image = index.data(Qt.ItemDataRole.DecorationRole)
    facts = facts_of(image)
    assert facts is not None
    assert facts.frames == "EXR frames (3)"
    assert image.width() == 64  # the first frame itself, not a placeholder
    lib.laid_out(job)
    view = lib.panel.view
    tile = view.viewport().grab(view.visualRect(index)).toImage()
    badge = [(x, y) for x in range(tile.width()) for y in range(tile.height())
             if tile.pixelColor(x, y) == FRAMES_BADGE]  # fmt: skip
    assert badge  # painted on the tile
    menu = lib.panel.menu_for([job])
    assert "Open in system player" not in items(menu)
    action(menu, "Open folder (EXR frames (3))").trigger()
    assert opened == [str(lib.folder)]


def test_frames_beside_a_clip_are_named_on_its_tile(
    lib: Library, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A video and frames came: the clip plays, its tile says "+ EXR frames (2)" and its
    menu offers both the system player and the frames' folder."""
    opened: list[str] = []

    def open_url(url: QUrl) -> bool:
        opened.append(url.toLocalFile())
        return True

    monkeypatch.setattr("luma_desktop.ui.player_notice.QDesktopServices.openUrl", open_url)
    job = lib.add(prompt="clip and frames")
    clip = encode(lib.folder, "sunrise.mp4", SDR[1])
    exr = encode(tmp_path, *EXR_FRAME)
    with zipfile.ZipFile(lib.folder / "sunrise.frames.zip", "w") as archive:
        for i in range(2):
            archive.write(exr, f"exr/{i:04d}.exr")
    maker = ThumbnailMaker(tmp_path / "thumbs", deadline=5.0)
    with qtbot.waitSignal(maker.made, timeout=10_000) as made:
        maker.request(job.local_id, clip)
    job = lib.store.update(job.local_id, video_path=str(clip), thumb_path=str(made.args[1]))
    lib.panel.reload()
    index = lib.index(job)
    qtbot.waitUntil(lambda: isinstance(index.data(Qt.ItemDataRole.DecorationRole), QImage))
    facts = facts_of(index.data(Qt.ItemDataRole.DecorationRole))
    assert facts is not None
    assert facts.playable
    assert facts.beside == "EXR frames (2)"
    assert "EXR frames (2) beside the clip" in index.data(Qt.ItemDataRole.ToolTipRole)
    lib.laid_out(job)
    view = lib.panel.view
    tile = view.viewport().grab(view.visualRect(index)).toImage()
    assert any(
        tile.pixelColor(x, y) == FRAMES_BADGE
        for x in range(tile.width())
        for y in range(tile.height())
    )
    menu = lib.panel.menu_for([job])
    assert action(menu, "Open in system player").isEnabled()
    action(menu, "Open folder (EXR frames (2) beside the clip)").trigger()
    assert opened == [str(lib.folder)]
