"""A dark Fusion palette: neutral greys so colour judgement of video is not skewed."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

ACCENT = QColor(94, 156, 255)
OK = QColor(96, 200, 120)
WARN = QColor(232, 170, 60)
ERROR = QColor(235, 90, 90)


def apply_dark_theme(app: QApplication) -> None:
    app.setStyle("Fusion")
    palette = QPalette()
    base, window, text = QColor(30, 30, 32), QColor(40, 40, 43), QColor(222, 222, 222)
    roles = {
        QPalette.ColorRole.Window: window,
        QPalette.ColorRole.WindowText: text,
        QPalette.ColorRole.Base: base,
        QPalette.ColorRole.AlternateBase: QColor(46, 46, 50),
        QPalette.ColorRole.ToolTipBase: QColor(55, 55, 60),
        QPalette.ColorRole.ToolTipText: text,
        QPalette.ColorRole.PlaceholderText: QColor(130, 130, 135),
        QPalette.ColorRole.Text: text,
        QPalette.ColorRole.Button: QColor(52, 52, 56),
        QPalette.ColorRole.ButtonText: text,
        QPalette.ColorRole.BrightText: QColor(255, 255, 255),
        QPalette.ColorRole.Highlight: ACCENT.darker(130),
        QPalette.ColorRole.HighlightedText: QColor(255, 255, 255),
        QPalette.ColorRole.Link: ACCENT,
        QPalette.ColorRole.Mid: QColor(64, 64, 68),
        QPalette.ColorRole.Dark: QColor(24, 24, 26),
        QPalette.ColorRole.Shadow: QColor(0, 0, 0),
    }
    for role, color in roles.items():
        palette.setColor(role, color)
    disabled = QColor(110, 110, 115)
    for role in (
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
        QPalette.ColorRole.WindowText,
    ):
        palette.setColor(QPalette.ColorGroup.Disabled, role, disabled)
    app.setPalette(palette)
