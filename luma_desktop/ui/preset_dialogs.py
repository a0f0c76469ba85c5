"""The small dialogs of the artist's own presets: save the draft as one (a name, and
whether its parameters go with the words), and manage them (rename, delete)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from luma_desktop.core.presets import PresetError, UserPresets


class SavePresetDialog(QDialog):
    def __init__(self, fragment: str, max_name: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Save as preset")
        self.name_edit = QLineEdit(self)
        self.name_edit.setMaxLength(max_name)
        self.name_edit.setPlaceholderText("Name, as the menu shows it")
        shown = fragment if len(fragment) < 120 else fragment[:117] + "…"
        words = QLabel(f"Words: {shown}" if fragment else "No words: parameters only", self)
        words.setWordWrap(True)
        self.with_params = QCheckBox(
            "With the draft's model, aspect, resolution, duration and loop", self
        )
        self.with_params.setChecked(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (self.name_edit, words, self.with_params, buttons):
            layout.addWidget(widget)

    def answer(self) -> tuple[str, bool]:
        return self.name_edit.text(), self.with_params.isChecked()


class ManagePresetsDialog(QDialog):
    """The saved presets: rename or delete them (saving over one replaces it)."""

    def __init__(self, store: UserPresets, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("My presets")
        self.store = store
        self.list = QListWidget(self)
        self.rename_button = QPushButton("Rename…", self)
        self.delete_button = QPushButton("Delete", self)
        self.rename_button.clicked.connect(self.rename)
        self.delete_button.clicked.connect(self.delete)
        self.list.currentRowChanged.connect(self._selected)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.rename_button)
        row.addWidget(self.delete_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list, 1)
        layout.addLayout(row)
        self.reload()
        self.resize(420, 320)

    def reload(self, select: str | None = None) -> None:
        self.list.clear()
        presets = self.store.all()
        for preset in presets:
            self.list.addItem(preset.name)
            self.list.item(self.list.count() - 1).setToolTip(preset.describe())
        names = [p.name for p in presets]
        self.list.setCurrentRow(names.index(select) if select in names else 0)
        self._selected()

    def ask_name(self, current: str) -> str | None:
        text, ok = QInputDialog.getText(self, "Rename preset", "Name", text=current)
        return text if ok and text.strip() else None

    def rename(self) -> None:
        item = self.list.currentItem()
        if item is None or (name := self.ask_name(item.text())) is None:
            return
        try:
            self.reload(self.store.rename(item.text(), name).name)
        except PresetError as exc:
            self.show_problem(str(exc))

    def delete(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            self.store.delete(item.text())
            self.reload()

    def show_problem(self, text: str) -> None:
        QMessageBox.warning(self, "Preset not renamed", text)

    def _selected(self) -> None:
        chosen = self.list.currentItem() is not None
        self.rename_button.setEnabled(chosen)
        self.delete_button.setEnabled(chosen)
