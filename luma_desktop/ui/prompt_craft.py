"""Prompt craft beside the prompt box: camera moves and presets inserted at the cursor
(the starter set and the artist's own, saved from the draft with its parameters), the
history of prompts sent (Ctrl+Up/Down, and a searchable list)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from itertools import groupby

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QTextCursor
from PySide6.QtWidgets import (
    QDialog,
    QLineEdit,
    QListWidget,
    QMenu,
    QPlainTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from luma_desktop.core.craft import (
    CAMERA_MOVES,
    STARTER_PRESETS,
    HistoryCursor,
    Phrase,
    Preset,
    insert_phrase,
)
from luma_desktop.core.presets import PresetError, UserPresets, draft_preset
from luma_desktop.ui.preset_dialogs import ManagePresetsDialog, SavePresetDialog


def insert_at_cursor(edit: QPlainTextEdit, phrase: str) -> None:
    """Write ``phrase`` where the cursor is, with the commas a prompt needs."""
    text, at = insert_phrase(edit.toPlainText(), edit.textCursor().position(), phrase)
    edit.setPlainText(text)
    cursor = edit.textCursor()
    cursor.setPosition(at)
    edit.setTextCursor(cursor)
    edit.setFocus()


class HistoryPopup(QDialog):
    """Every prompt sent, newest first; type to narrow, Enter or double-click to use."""

    def __init__(self, prompts: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Prompt history")
        self.prompts = prompts
        self.chosen: str | None = None
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Search your prompts…")
        self.list = QListWidget(self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.list, 1)
        self.search.textChanged.connect(self._fill)
        self.search.returnPressed.connect(self._take_current)
        self.list.itemActivated.connect(lambda item: self._take(item.text()))
        self._fill("")
        self.resize(560, 420)

    def _fill(self, words: str) -> None:
        terms = words.lower().split()
        self.list.clear()
        self.list.addItems([p for p in self.prompts if all(t in p.lower() for t in terms)])
        self.list.setCurrentRow(0)

    def _take_current(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            self._take(item.text())

    def _take(self, text: str) -> None:
        self.chosen = text
        self.accept()


class PromptCraft(QToolButton):
    """The "Camera, style…" button and the history keys of one prompt box."""

    notice = Signal(str)  # a preset saved or refused, for the status bar

    def __init__(self, edit: QPlainTextEdit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = edit
        self.history: Callable[[], list[str]] = lambda: []  # set by the window
        self.presets: Callable[[], list[Preset]] = lambda: list(STARTER_PRESETS)
        self.store: UserPresets | None = None  # the artist's own presets (the window sets it)
        # The draft's parameters, read when saving a preset and set when using one.
        self.parameters: Callable[[], Mapping[str, object]] = dict
        self.apply_params: Callable[[Mapping[str, object]], None] = lambda _params: None
        self._cursor: HistoryCursor | None = None
        self._recalling = False
        self.setText("Camera, style…")
        self.setToolTip("Insert a camera move or a style, lens or light preset at the cursor")
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.menu_ = QMenu(self)
        self.menu_.aboutToShow.connect(self._fill_menu)
        self.setMenu(self.menu_)
        for key, step in ((Qt.Key.Key_Up, self.older), (Qt.Key.Key_Down, self.newer)):
            shortcut = QShortcut(QKeySequence(Qt.Modifier.CTRL | key), edit)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(step)
        edit.textChanged.connect(self._typed)

    def _fill_menu(self) -> None:
        # Owned by the top-level window when shown (see ui/popups.py): a playing video
        # makes the panel native, and a menu parented in there warns and misplaces.
        top = self.window()
        if self.menu_.parentWidget() is not top:
            self.menu_.setParent(top, self.menu_.windowFlags())
        self.menu_.clear()
        moves = self.menu_.addMenu("Camera move")
        _add_phrases(moves, CAMERA_MOVES, lambda p: p.group, self.insert)
        for kind, presets in groupby(
            sorted(self.presets(), key=lambda p: p.kind), lambda p: p.kind
        ):
            sub = self.menu_.addMenu(f"{kind.capitalize()} preset")
            for preset in presets:
                action = sub.addAction(preset.name)
                action.setToolTip(preset.text)
                action.triggered.connect(lambda _c=False, t=preset.text: self.insert(t))
        self._add_user_presets()
        self.menu_.addSeparator()
        history = self.menu_.addAction("Prompt history… (Ctrl+Up/Down)")
        history.triggered.connect(self.show_history)

    def _add_user_presets(self) -> None:
        if self.store is None:
            return
        mine = self.menu_.addMenu("My presets")
        presets = self.store.all()
        for preset in presets:
            action = mine.addAction(preset.name)
            action.setToolTip(preset.describe())
            action.triggered.connect(lambda _c=False, p=preset: self.use(p))
        if not presets:
            mine.addAction("None yet: save the draft as one").setEnabled(False)
        mine.setToolTipsVisible(True)
        mine.addSeparator()
        mine.addAction("Save draft as preset…").triggered.connect(self.save_preset)
        manage = mine.addAction("Rename or delete…")
        manage.setEnabled(bool(presets))
        manage.triggered.connect(self.manage_presets)

    def insert(self, phrase: str) -> None:
        insert_at_cursor(self.edit, phrase)

    def use(self, preset: Preset) -> None:
        """A preset's parameters go to the draft, its words in at the cursor."""
        if preset.params:
            self.apply_params(preset.params)
        if preset.text:
            self.insert(preset.text)

    def ask_preset(self, fragment: str) -> tuple[str, bool] | None:
        """(name, with the draft's parameters), or None when the artist cancels."""
        dialog = self.save_dialog(fragment)
        try:
            if dialog.exec() != SavePresetDialog.DialogCode.Accepted:
                return None
            return dialog.answer()
        finally:
            dialog.deleteLater()

    def save_dialog(self, fragment: str) -> SavePresetDialog:
        limit = self.store.limits.max_preset_name_chars if self.store else 60
        return SavePresetDialog(fragment, limit, self)

    def save_preset(self) -> None:
        """The selected words (else the whole prompt), and the draft's parameters."""
        if self.store is None:
            return
        selected = self.edit.textCursor().selectedText().replace("\u2029", "\n")
        fragment = (selected or self.edit.toPlainText()).strip()
        answer = self.ask_preset(fragment)
        if answer is None:
            return
        name, with_params = answer
        preset = draft_preset(name, fragment, self.parameters() if with_params else {})
        try:
            self.store.save(preset)
        except PresetError as exc:
            self.notice.emit(f"Preset not saved: {exc}")
            return
        self.notice.emit(f"Saved the preset “{preset.name}” (Camera, style… → My presets).")

    def manage_presets(self) -> ManagePresetsDialog | None:
        if self.store is None:
            return None
        dialog = ManagePresetsDialog(self.store, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def show_history(self) -> HistoryPopup:
        popup = HistoryPopup(self.history(), self)
        popup.accepted.connect(lambda: self._recall(popup.chosen))
        popup.open()
        return popup

    def older(self) -> None:
        if self._cursor is None:
            self._cursor = HistoryCursor(self.history(), self.edit.toPlainText())
        self._recall(self._cursor.older())

    def newer(self) -> None:
        if self._cursor is not None:
            self._recall(self._cursor.newer())

    def _recall(self, text: str | None) -> None:
        if text is None:
            return
        self._recalling = True
        try:
            self.edit.setPlainText(text)
            self.edit.moveCursor(QTextCursor.MoveOperation.End)
        finally:
            self._recalling = False

    def _typed(self) -> None:
        if not self._recalling:  # typing starts a new walk through the history
            self._cursor = None


def _add_phrases(
    menu: QMenu,
    phrases: tuple[Phrase, ...],
    group: Callable[[Phrase], str],
    insert: Callable[[str], None],
) -> None:
    for name, members in groupby(sorted(phrases, key=group), group):
        sub = menu.addMenu(name)
        for phrase in members:
            action = sub.addAction(phrase.label)
            action.setToolTip(f"Writes “{phrase.text}”")
            action.triggered.connect(lambda _c=False, t=phrase.text: insert(t))
