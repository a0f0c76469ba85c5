"""The one error area at the top of the window, and its calmer sibling for notices.

Every failure reaches the artist here (through the ErrorHub), in plain words with at
most one thing to do about it; passing trouble that retries by itself is amber so it
reads as "wait", not "fix".
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from luma_desktop.studio.errors import Action, UserError

# Small status accents, readable on the app's dark palette (and on a light one).
RED = "#f0625a"
AMBER = "#e3a63b"
GREEN = "#4fbf6a"
SETTINGS_TIP = "Open Settings to fix this (the API key, the folders)"


def set_text_color(widget: QWidget, color: str | QColor) -> None:
    """Color a label's text through its palette, so style sheets stay out of the way."""
    palette = widget.palette()
    palette.setColor(QPalette.ColorRole.WindowText, QColor(color))
    widget.setPalette(palette)


def _tinted_frame_style(name: str, color: str) -> str:
    tint = QColor(color)
    return (
        f"QFrame#{name} {{ background-color: rgba({tint.red()}, {tint.green()}, "
        f"{tint.blue()}, 40); border: 1px solid {color}; border-radius: 6px; }}"
    )


def _dismiss_button(parent: QWidget, tip: str) -> QToolButton:
    button = QToolButton(parent)
    button.setText("×")
    button.setAutoRaise(True)
    button.setToolTip(tip)
    button.setAccessibleName("Dismiss")
    # Tool buttons only take focus by Tab; that is what keyboard users need here.
    button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
    return button


class ErrorBanner(QFrame):
    """Shows the latest :class:`UserError`; hidden when there is none."""

    settings_requested = Signal()
    retry_requested = Signal(str)  # the local id of the job to send again
    adopt_requested = Signal(str)  # the local id of an unanswered request to adopt by id
    discard_requested = Signal(str)  # the local id of an unanswered request to forget
    dismissed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("errorBanner")
        self.setAccessibleName("Error")
        self.error: UserError | None = None
        self.severity = ""  # "warning" (retrying by itself) or "error"

        self.title_label = QLabel(self)
        bold = QFont(self.title_label.font())
        bold.setBold(True)
        self.title_label.setFont(bold)
        self.message_label = QLabel(self)
        self.message_label.setWordWrap(True)
        # Selectable so the artist can copy an error into a support message.
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message_label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

        self.action_button = QPushButton("Open Settings", self)
        self.action_button.setToolTip(SETTINGS_TIP)
        self.action_button.clicked.connect(self._act)
        self.discard_button = QPushButton("Discard", self)
        self.discard_button.setToolTip("Forget this unanswered request")
        self.discard_button.clicked.connect(self._discard)
        self.dismiss_button = _dismiss_button(self, "Hide this message")
        self.dismiss_button.clicked.connect(self._dismiss)

        text = QVBoxLayout()
        text.setSpacing(2)
        text.addWidget(self.title_label)
        text.addWidget(self.message_label)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        layout.addLayout(text, 1)
        layout.addWidget(self.action_button, 0, Qt.AlignmentFlag.AlignVCenter)
        layout.addWidget(self.discard_button, 0, Qt.AlignmentFlag.AlignVCenter)
        layout.addWidget(self.dismiss_button, 0, Qt.AlignmentFlag.AlignTop)
        self.hide()

    def show_error(self, error: UserError) -> None:
        self.error = error
        self.title_label.setText(error.title)
        self.message_label.setText(error.message)
        self.message_label.setVisible(bool(error.message))
        self._show_actions(error)
        retrying = error.action is Action.RETRYING
        self.severity = "warning" if retrying else "error"
        color = AMBER if retrying else RED
        self.setStyleSheet(_tinted_frame_style(self.objectName(), color))
        set_text_color(self.title_label, color)
        self.setToolTip(
            "This fixes itself: it retries on its own." if retrying else "What went wrong"
        )
        self.show()

    def _show_actions(self, error: UserError) -> None:
        job = error.local_id is not None
        retry = error.action is Action.RETRY and job
        adopt = error.action is Action.ADOPT and job
        text, tip = ("Open Settings", SETTINGS_TIP)
        if retry:
            text, tip = ("Retry", "Send the same request again")
        elif adopt:
            text, tip = ("Adopt by id…", "Claim it with the id from the gateway's dashboard")
        self.action_button.setText(text)
        self.action_button.setToolTip(tip)
        self.action_button.setVisible(retry or adopt or error.action is Action.SETTINGS)
        self.discard_button.setVisible(adopt)

    def _act(self) -> None:
        error = self.error
        if error is not None and error.action is Action.RETRY and error.local_id:
            self.retry_requested.emit(error.local_id)
            self._dismiss()
        elif error is not None and error.action is Action.ADOPT and error.local_id:
            self.adopt_requested.emit(error.local_id)  # the banner goes when the job is settled
        else:
            self.settings_requested.emit()

    def _discard(self) -> None:
        if self.error is not None and self.error.local_id:
            self.discard_requested.emit(self.error.local_id)

    def clear(self) -> None:
        self.error = None
        self.severity = ""
        self.hide()

    def _dismiss(self) -> None:
        self.clear()
        self.dismissed.emit()


class InfoBanner(QFrame):
    """A notice that is not an error (demo mode, what a setting did), with one optional action."""

    action_clicked = Signal()
    dismissed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("infoBanner")
        self.setAccessibleName("Notice")
        self.text_label = QLabel(self)
        self.text_label.setWordWrap(True)
        self.text_label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.action_button = QPushButton(self)
        self.action_button.clicked.connect(self.action_clicked)
        self.dismiss_button = _dismiss_button(self, "Hide this notice")
        self.dismiss_button.clicked.connect(self._dismiss)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        layout.addWidget(self.text_label, 1)
        layout.addWidget(self.action_button, 0, Qt.AlignmentFlag.AlignVCenter)
        layout.addWidget(self.dismiss_button, 0, Qt.AlignmentFlag.AlignTop)
        # The accent comes from the palette, so the notice follows the app's theme.
        accent = self.palette().color(QPalette.ColorRole.Highlight).name()
        self.setStyleSheet(_tinted_frame_style(self.objectName(), accent))
        self.hide()

    def show_info(self, text: str, action_text: str = "") -> None:
        self.text_label.setText(text)
        self.action_button.setText(action_text)
        self.action_button.setToolTip(action_text)
        self.action_button.setVisible(bool(action_text))
        self.show()

    def _dismiss(self) -> None:
        self.hide()
        self.dismissed.emit()
