"""What the player shows above its controls: the empty-state text, the video (fitted to
the area, or at 1:1 pixels and scrollable), or why a clip cannot be played."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPalette
from PySide6.QtMultimediaWidgets import QVideoWidget
from PySide6.QtWidgets import (
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

EMPTY_TEXT = "Finished clips play here"
_MAX_WIDGET_SIZE = 16777215  # QWIDGETSIZE_MAX, which PySide6 does not export


def _message_label(text: str) -> QLabel:
    label = QLabel(text)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setWordWrap(True)
    label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
    return label


class PlayerScreen(QStackedWidget):
    """Three pages: the empty state, the video in a scroll area, an error message."""

    def __init__(self, video: QVideoWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._video = video
        self._empty_label = _message_label(EMPTY_TEXT)
        # Quieter text for the empty state; an error keeps the normal, readable color.
        self._empty_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self._error_label = _message_label("")
        # Why a clip cannot be played, with what to do instead ("Open in system player").
        self.error_button = QPushButton()
        self.error_button.clicked.connect(self._on_error_button)
        self._error_action: Callable[[], object] | None = None
        self._error_page = QWidget()
        column = QVBoxLayout(self._error_page)
        column.addStretch(1)
        column.addWidget(self._error_label)
        column.addWidget(self.error_button, 0, Qt.AlignmentFlag.AlignHCenter)
        column.addStretch(1)
        self.area = QScrollArea()
        self.area.setFrameShape(QScrollArea.Shape.NoFrame)
        self.area.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.area.setWidget(video)
        self.area.setWidgetResizable(True)
        # Right-clicks on the video bubble up to the area, which also covers the margins.
        self.area.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        for page in (self._empty_label, self.area, self._error_page):
            self.addWidget(page)
        self.setCurrentWidget(self._empty_label)

    def show_empty(self) -> None:
        self.setCurrentWidget(self._empty_label)

    def show_video(self) -> None:
        self.setCurrentWidget(self.area)

    def show_error(
        self, text: str, action_text: str = "", action: Callable[[], object] | None = None
    ) -> None:
        self._error_label.setText(text)
        self._error_action = action
        self.error_button.setText(action_text)
        self.error_button.setVisible(bool(action_text and action))
        self.setCurrentWidget(self._error_page)

    def error_text(self) -> str:
        """The error shown, or "" when there is none."""
        return self._error_label.text() if self.currentWidget() is self._error_page else ""

    def _on_error_button(self) -> None:
        if self._error_action is not None:
            self._error_action()

    def show_actual_size(self, size: QSize) -> None:
        """The video at this fixed size, centered, scrollable when larger than the area."""
        self.area.setWidgetResizable(False)
        self._video.setFixedSize(size)

    def show_fitted(self) -> None:
        """The video fitted to the area (the video widget keeps the aspect)."""
        self._video.setMinimumSize(0, 0)
        self._video.setMaximumSize(_MAX_WIDGET_SIZE, _MAX_WIDGET_SIZE)
        self.area.setWidgetResizable(True)
