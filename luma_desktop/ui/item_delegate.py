"""The shared frame of our painted rows and tiles: the style's item background (so the
theme decides selection and hover), then the content, with the painter restored."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

Index = QModelIndex | QPersistentModelIndex


class ItemDelegate(QStyledItemDelegate):
    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        painter.save()
        try:
            widget = option.widget
            style = widget.style() if widget is not None else QApplication.style()
            style.drawPrimitive(
                QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, widget
            )
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            selected = bool(option.state & QStyle.StateFlag.State_Selected)
            self.paint_item(painter, option, index, selected)
        finally:
            painter.restore()

    def paint_item(
        self, painter: QPainter, option: QStyleOptionViewItem, index: Index, selected: bool
    ) -> None:
        raise NotImplementedError
