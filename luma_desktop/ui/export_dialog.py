"""The export dialog: a clip or a chain, in a format an editor or a chat takes.

Video formats run on their own thread (progress bar, Cancel); timelines are written at
once. The result can be dragged out of the dialog like a clip from the library.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, Qt, QUrl, Slot
from PySide6.QtGui import QCloseEvent, QDrag, QMouseEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from luma_desktop.core.export import ExportFormat, ExportRequest, ExportResult, target_for
from luma_desktop.core.jobs import JobRecord
from luma_desktop.core.timeline import TimelineError, TimelineFormat
from luma_desktop.studio.exporter import Exporter, clip_paths, default_stem, write_timeline

Choice = ExportFormat | TimelineFormat


class DragOut(QLabel):
    """The exported file or folder: drag it into an editor, a chat, a file manager."""

    def __init__(self) -> None:
        super().__init__()
        self.path: Path | None = None
        self.setCursor(Qt.CursorShape.OpenHandCursor)
        self.setToolTip("Drag this into your editor, a chat or a folder")

    def show_path(self, path: Path) -> None:
        self.path = path
        self.setText(f"⇱ {path.name}")

    def mime_data(self) -> QMimeData:
        data = QMimeData()
        if self.path is not None:
            data.setUrls([QUrl.fromLocalFile(str(self.path))])
        return data

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self.path is not None and event.buttons() & Qt.MouseButton.LeftButton:
            drag = QDrag(self)
            drag.setMimeData(self.mime_data())
            drag.exec(Qt.DropAction.CopyAction)


class ExportDialog(QDialog):
    def __init__(self, jobs: list[JobRecord], folder: Path, parent: QWidget | None = None):
        super().__init__(parent)
        self.jobs = jobs
        self.exporter = Exporter(self)
        self.result_path: Path | None = None
        chain = len(jobs) > 1
        self.setWindowTitle(f"Export a chain of {len(jobs)} clips" if chain else "Export clip")
        self.format_combo = QComboBox()
        # Kept beside the combo: Qt hands item data back as plain strings.
        self.choices: list[Choice] = list(ExportFormat)
        if chain:  # a single clip is no cut to edit
            self.choices += list(TimelineFormat)
        for item in self.choices:
            label = item.label if isinstance(item, ExportFormat) else f"Timeline: {item.label}"
            self.format_combo.addItem(label)
        self.folder_edit = QLineEdit(str(folder))
        choose = QPushButton("Choose…")
        choose.clicked.connect(self._choose_folder)
        self.name_edit = QLineEdit(default_stem(jobs))
        self.width_spin = QSpinBox()
        self.width_spin.setRange(0, 7680)
        self.width_spin.setSingleStep(2)
        self.width_spin.setSpecialValueText("Original size")
        self.width_spin.setSuffix(" px wide")
        self.progress = QProgressBar()
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.status_label = QLabel("Chains are joined into one file, in play order.")
        self.status_label.setWordWrap(True)
        self.result_label = DragOut()
        self.export_button = QPushButton("Export")
        self.export_button.setDefault(True)
        self.cancel_button = QPushButton("Cancel export")
        self.cancel_button.setEnabled(False)
        self.close_button = QPushButton("Close")
        self._layout(choose)
        self.export_button.clicked.connect(self.start_export)
        self.cancel_button.clicked.connect(self.exporter.cancel)
        self.close_button.clicked.connect(self.close)
        self.format_combo.currentIndexChanged.connect(self._format_changed)
        self.exporter.progress.connect(self._on_progress)
        self.exporter.finished.connect(self._on_finished)
        self.exporter.failed.connect(self._on_failed)
        self.exporter.cancelled.connect(self._on_cancelled)

    def _layout(self, choose: QPushButton) -> None:
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder_edit, 1)
        folder_row.addWidget(choose)
        form = QFormLayout()
        form.addRow("Format", self.format_combo)
        form.addRow("Folder", folder_row)
        form.addRow("Name", self.name_edit)
        form.addRow("Size", self.width_spin)
        buttons = QHBoxLayout()
        buttons.addWidget(self.result_label, 1)
        for button in (self.export_button, self.cancel_button, self.close_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.progress)
        layout.addWidget(self.status_label)
        layout.addLayout(buttons)
        self.setMinimumWidth(520)

    def choice(self) -> Choice:
        return self.choices[self.format_combo.currentIndex()]

    def select(self, choice: Choice) -> None:
        self.format_combo.setCurrentIndex(self.choices.index(choice))

    def _format_changed(self) -> None:
        self.width_spin.setEnabled(isinstance(self.choice(), ExportFormat))

    def _choose_folder(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "Export to", self.folder_edit.text())
        if chosen:
            self.folder_edit.setText(chosen)

    def target(self) -> Path:
        folder = Path(self.folder_edit.text()).expanduser()
        stem = self.name_edit.text().strip() or "export"
        choice = self.choice()
        if isinstance(choice, ExportFormat):
            return target_for(folder, stem, choice)
        candidate, n = folder / f"{stem}{choice.suffix}", 2
        while candidate.exists():
            candidate, n = folder / f"{stem}-{n}{choice.suffix}", n + 1
        return candidate

    def start_export(self) -> None:
        folder = Path(self.folder_edit.text()).expanduser()
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            self._on_failed(f"The folder {folder} cannot be used: {exc.strerror or exc}")
            return
        choice = self.choice()
        if isinstance(choice, TimelineFormat):
            self._timeline(choice)
            return
        paths = clip_paths(self.jobs)
        if len(paths) != len(self.jobs):
            self._on_failed("A clip is not on disk yet; wait for its download, then export.")
            return
        width = self.width_spin.value() or None
        # Before start: a short export may finish (and report) before start returns.
        self._running(True)
        self.status_label.setText(f"Exporting {choice.label}…")
        self.exporter.start(ExportRequest(tuple(paths), self.target(), choice, width))

    def _timeline(self, fmt: TimelineFormat) -> None:
        try:
            path = write_timeline(self.jobs, self.target(), fmt)
        except TimelineError as exc:
            self._on_failed(str(exc))
            return
        self._show_result(path, f"Timeline written: {path}. It refers to the clip files.")

    def _running(self, running: bool) -> None:
        self.export_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        self.format_combo.setEnabled(not running)

    @Slot(int, int)  # a slot: the exporter signals from its worker thread
    def _on_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    @Slot(object)  # a slot: the exporter signals from its worker thread
    def _on_finished(self, result: ExportResult) -> None:
        self._running(False)
        self.progress.setValue(self.progress.maximum())
        text = f"Exported {result.frames} frames, {result.width}×{result.height}: {result.path}"
        self._show_result(result.path, text)

    def _show_result(self, path: Path, text: str) -> None:
        self.result_path = path
        self.status_label.setText(text)
        self.result_label.show_path(path)

    @Slot(str)  # a slot: the exporter signals from its worker thread
    def _on_failed(self, message: str) -> None:
        self._running(False)
        self.status_label.setText(message)

    @Slot()  # a slot: the exporter signals from its worker thread
    def _on_cancelled(self) -> None:
        self._running(False)
        self.progress.setValue(0)
        self.status_label.setText("Export cancelled; nothing was left behind.")

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.exporter.running:
            self.exporter.cancel()
            self.exporter.wait(10)
        super().closeEvent(event)
