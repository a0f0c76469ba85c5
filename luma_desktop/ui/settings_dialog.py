"""Settings: the API key (keychain or memory, never the settings file), the gateway
address, the download folder, the proxy, and whether to ask before spending credits.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from luma_desktop.core.secrets import KeyStore
from luma_desktop.studio.connection import NO_KEY_TEXT, ConnectionTest
from luma_desktop.studio.settings import InvalidSetting, Settings
from luma_desktop.ui.error_banner import AMBER, GREEN, RED, set_text_color

NO_KEYCHAIN_TEXT = (
    "This computer has no keychain: the key is kept in memory for this session only "
    "and must be entered again next time."
)
LINUX_KEYCHAIN_HELP = (
    "To keep it safely, install and unlock a keychain (a Secret Service such as GNOME "
    "Keyring: sudo apt install gnome-keyring; or KWallet), then open Luma Desktop again."
)
KEY_FILE_CHOICE = "Keep the key in a file only my user account can read"
KEY_FILE_TIP = (
    "The key is written, unencrypted, to {path}, with permissions that let only your "
    "user account read it. Anyone who can sign in as you, or read your backups, can "
    "read it too. Unticked, the key is forgotten when Luma Desktop closes."
)
ENV_KEY_TEXT = (
    "The key in use comes from the AIMLAPI_KEY environment variable; it wins over a "
    "stored key while it is set."
)
PROXY_PLACEHOLDER = "http://proxy.studio.lan:3128"
ROUTES = (
    ("Automatic", "auto"),
    ("Luma route (/v2/generate/video/luma-ai)", "luma"),
    ("Unified route (/v2/video/generations)", "unified"),
)
ROUTE_TIP = (
    "Automatic sends to the gateway's unified video route; if this gateway has none "
    "(it answers 404 or 405, nothing is created) the same request goes to the Luma "
    "route. Ray 1.6 only goes to the Luma route, Ray 3.2 only to the unified one."
)


def _note(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setWordWrap(True)
    font = label.font()
    font.setPointSizeF(max(font.pointSizeF() * 0.9, 7.0))
    label.setFont(font)
    return label


def _error_label(parent: QWidget) -> QLabel:
    label = QLabel(parent)
    label.setWordWrap(True)
    set_text_color(label, RED)
    label.hide()
    return label


def _column(*widgets: QWidget) -> QVBoxLayout:
    column = QVBoxLayout()
    column.setSpacing(2)
    for widget in widgets:
        column.addWidget(widget)
    return column


class SettingsDialog(QDialog):
    key_changed = Signal()
    settings_saved = Signal()

    def __init__(
        self,
        settings: Settings,
        keys: KeyStore,
        parent: QWidget | None = None,
        *,
        test_connection: ConnectionTest | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self._settings = settings
        self._keys = keys
        self._test_connection = test_connection
        if test_connection is not None:
            test_connection.finished.connect(self._tested)
        self._build_key_fields()
        self._build_fields()
        self._layout()
        self._load()

    # -- building ------------------------------------------------------------------------

    def _build_key_fields(self) -> None:
        self.key_edit = QLineEdit(self)
        self.key_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.key_edit.setToolTip("Your AI/ML API key. Leave empty to keep the stored one.")
        self.key_edit.setAccessibleName("API key")
        self.key_show_button = QToolButton(self)
        self.key_show_button.setText("Show")
        self.key_show_button.setCheckable(True)
        self.key_show_button.setToolTip("Show or hide the key (shows the stored key too)")
        self.key_show_button.toggled.connect(self._show_key)
        self.remove_key_button = QPushButton("Remove key", self)
        self.remove_key_button.setToolTip("Delete the stored key from this computer")
        self.remove_key_button.clicked.connect(self._remove_key)
        self.key_where_label = _note("", self)
        no_keychain = not self._keys.keychain_available
        help_text = f" {LINUX_KEYCHAIN_HELP}" if sys.platform.startswith("linux") else ""
        self.keychain_notice = QLabel(NO_KEYCHAIN_TEXT + help_text, self)
        self.keychain_notice.setWordWrap(True)
        set_text_color(self.keychain_notice, AMBER)
        self.keychain_notice.setVisible(no_keychain)
        # Without a keychain, a key file is the artist's explicit choice, never a default.
        self.key_file_check = QCheckBox(KEY_FILE_CHOICE, self)
        self.key_file_check.setToolTip(KEY_FILE_TIP.format(path=self._keys.key_file))
        self.key_file_note = _note(KEY_FILE_TIP.format(path=self._keys.key_file), self)
        self.key_file_check.setChecked(self._keys.in_file)
        for widget in (self.key_file_check, self.key_file_note):
            widget.setVisible(no_keychain and self._keys.key_file is not None)

    def _build_fields(self) -> None:
        self.base_url_edit = QLineEdit(self)
        self.base_url_edit.setToolTip("The gateway's address, https:// only")
        self.base_url_error = _error_label(self)
        self.download_edit = QLineEdit(self)
        self.download_edit.setPlaceholderText("Empty: the library folder")
        self.download_edit.setToolTip("Where finished clips are saved (a full path)")
        self.browse_button = QPushButton("Browse…", self)
        self.browse_button.setToolTip("Choose the download folder")
        self.browse_button.clicked.connect(self._browse)
        self.download_error = _error_label(self)
        self.proxy_edit = QLineEdit(self)
        self.proxy_edit.setPlaceholderText(PROXY_PLACEHOLDER)
        self.proxy_edit.setToolTip("A proxy for the gateway; empty uses the system's settings")
        self.proxy_error = _error_label(self)
        self.max_clip_spin = QSpinBox(self)
        self.max_clip_spin.setRange(1, 1024 * 1024)  # the range Preferences accepts
        self.max_clip_spin.setSuffix(" MB")
        self.max_clip_spin.setToolTip("A clip larger than this is refused before it is saved")
        self.route_combo = QComboBox(self)
        for label, value in ROUTES:
            self.route_combo.addItem(label, value)
        self.route_combo.setToolTip(ROUTE_TIP)
        self.confirm_check = QCheckBox("Ask before spending credits", self)
        self.confirm_check.setToolTip("Ask for a confirmation before each paid generation")
        self.test_button = QPushButton("Test connection", self)
        self.test_button.setToolTip("Ask the gateway whether this address and key work")
        self.test_button.clicked.connect(self.run_test)
        self.test_button.setVisible(self._test_connection is not None)
        self.result_label = QLabel(self)
        self.result_label.setWordWrap(True)
        self.error_label = _error_label(self)  # problems not tied to one field
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setToolTip("Save and close")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setToolTip(
            "Close without saving"
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

    def _layout(self) -> None:
        key_row = QHBoxLayout()
        key_row.addWidget(self.key_edit, 1)
        key_row.addWidget(self.key_show_button)
        key_row.addWidget(self.remove_key_button)
        key_box = _column(
            self.key_where_label, self.keychain_notice, self.key_file_check, self.key_file_note
        )
        key_box.insertLayout(0, key_row)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.download_edit, 1)
        folder_row.addWidget(self.browse_button)
        folder_box = _column(self.download_error)
        folder_box.insertLayout(0, folder_row)
        base_note = _note("Jobs already sent keep the address they were sent to.", self)
        proxy_note = _note(
            "Empty: the system's proxy settings. A change applies at the next start.", self
        )
        test_row = QHBoxLayout()
        test_row.addWidget(self.test_button)
        test_row.addWidget(self.result_label, 1)

        form = QFormLayout()
        form.addRow("&API key:", key_box)
        form.addRow(
            "&Gateway address:", _column(self.base_url_edit, base_note, self.base_url_error)
        )
        form.addRow("&Download folder:", folder_box)
        form.addRow("&Proxy:", _column(self.proxy_edit, proxy_note, self.proxy_error))
        form.addRow("Gateway &route:", self.route_combo)
        form.addRow("&Largest clip:", self.max_clip_spin)
        form.addRow("", self.confirm_check)
        # The mnemonics (Alt+A, Alt+G…) need buddies; QFormLayout only sets them for widgets.
        for row, edit in enumerate(
            (self.key_edit, self.base_url_edit, self.download_edit, self.proxy_edit)
        ):
            item = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            label = item.widget() if item is not None else None
            if isinstance(label, QLabel):
                label.setBuddy(edit)
        outer = QVBoxLayout(self)
        outer.addLayout(form)
        outer.addLayout(test_row)
        outer.addWidget(self.error_label)
        outer.addWidget(self.buttons)
        self.setMinimumWidth(520)

    def _load(self) -> None:
        prefs = self._settings.prefs
        self.base_url_edit.setText(prefs.base_url)
        self.download_edit.setText(prefs.download_dir)
        self.proxy_edit.setText(prefs.proxy)
        self.confirm_check.setChecked(prefs.confirm_spend)
        self.max_clip_spin.setValue(prefs.max_clip_mb)
        self.route_combo.setCurrentIndex(max(0, self.route_combo.findData(prefs.route)))
        self._show_key_state()

    def _show_key_state(self) -> None:
        # Only whether a key exists and where: the key itself stays hidden until "Show".
        stored = self._keys.get() is not None
        where = self._keys.where
        self.key_edit.setPlaceholderText(f"•••• stored in {where}" if stored else "No key stored")
        if self._keys.from_env:
            self.key_where_label.setText(ENV_KEY_TEXT)
        else:
            self.key_where_label.setText(f"The key is kept in {where}.")
        # Without a keychain the amber notice already says where, in more words.
        self.key_where_label.setVisible(self._keys.keychain_available or self._keys.in_file)
        self.remove_key_button.setEnabled(stored and not self._keys.from_env)

    # -- key -----------------------------------------------------------------------------

    def _show_key(self, shown: bool) -> None:
        if shown and not self.key_edit.text():
            self.key_edit.setText(self._keys.get() or "")
        mode = QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password
        self.key_edit.setEchoMode(mode)
        self.key_show_button.setText("Hide" if shown else "Show")

    def _remove_key(self) -> None:
        self._keys.delete()
        self.key_edit.clear()
        self._show_key_state()
        self.key_changed.emit()

    # -- folder --------------------------------------------------------------------------

    def choose_folder(self) -> str | None:
        """Ask for a folder (tests replace this)."""
        folder = QFileDialog.getExistingDirectory(
            self, "Choose the download folder", self.download_edit.text()
        )
        return folder or None

    def _browse(self) -> None:
        folder = self.choose_folder()
        if folder:
            self.download_edit.setText(folder)

    # -- test connection -----------------------------------------------------------------

    def run_test(self) -> None:
        tester = self._test_connection
        if tester is None or tester.running:
            return
        base_url = self.base_url_edit.text().strip()
        problem = tester.url_problem(base_url)
        if problem is not None:
            self._show_error("base_url", problem)
            return
        key = self.key_edit.text().strip() or self._keys.get() or ""
        if not key:
            self._show_result(NO_KEY_TEXT, ok=False)
            return
        self._clear_errors()
        self.result_label.setText("Testing…")
        set_text_color(self.result_label, self.palette().color(self.foregroundRole()))
        self.test_button.setEnabled(False)
        tester.start(base_url, key)

    def _tested(self, ok: bool, message: str) -> None:
        self.test_button.setEnabled(True)
        self._show_result(message, ok=ok)

    def _show_result(self, text: str, *, ok: bool) -> None:
        self.result_label.setText(text)
        set_text_color(self.result_label, GREEN if ok else RED)

    # -- saving --------------------------------------------------------------------------

    def accept(self) -> None:
        self._clear_errors()
        try:
            self._settings.update(
                base_url=self.base_url_edit.text().strip(),
                download_dir=self.download_edit.text().strip(),
                proxy=self.proxy_edit.text().strip(),
                confirm_spend=self.confirm_check.isChecked(),
                route=str(self.route_combo.currentData()),
                max_clip_mb=self.max_clip_spin.value(),
            )
        except InvalidSetting as exc:
            self._show_error(exc.name, str(exc))
            return
        self._save_key()
        self.settings_saved.emit()
        super().accept()

    def _save_key(self) -> None:
        typed = self.key_edit.text().strip()
        to_file = self.key_file_check.isVisible() and self.key_file_check.isChecked()
        current = self._keys.get()
        key = typed or current
        if not key or (key == current and to_file == self._keys.in_file):
            return  # nothing new: no key, or the same key kept the same way
        if self._keys.in_file and not to_file:
            self._keys.delete()  # the artist took the opt-in back: the file goes
        in_keychain = self._keys.set(key, to_file=to_file)
        if not in_keychain and self._keys.keychain_available:
            # The keychain exists but refused the write (locked, denied): say so once.
            self.inform("Key kept for this session only", NO_KEYCHAIN_TEXT)
        if key != current:
            self.key_changed.emit()

    def inform(self, title: str, text: str) -> None:
        """Tell the artist something (tests replace this)."""
        QMessageBox.information(self, title, text)

    def done(self, result: int) -> None:
        tester, self._test_connection = self._test_connection, None
        if tester is not None:
            tester.cancel()  # nobody will read the answer
            tester.finished.disconnect(self._tested)
        super().done(result)

    # -- field errors --------------------------------------------------------------------

    def _field(self, name: str) -> tuple[QLineEdit | None, QLabel]:
        fields: dict[str, tuple[QLineEdit | None, QLabel]] = {
            "base_url": (self.base_url_edit, self.base_url_error),
            "download_dir": (self.download_edit, self.download_error),
            "proxy": (self.proxy_edit, self.proxy_error),
        }
        return fields.get(name, (None, self.error_label))

    def _show_error(self, name: str, message: str) -> None:
        edit, label = self._field(name)
        label.setText(message)
        label.show()
        if edit is not None:
            edit.setFocus()
            edit.selectAll()

    def _clear_errors(self) -> None:
        for label in (self.base_url_error, self.download_error, self.proxy_error, self.error_label):
            label.clear()
            label.hide()
