"""Choose the part of a keyframe image to keep, in the clip's shape.

A rectangle locked to the clip's aspect ratio over the image: drag it to move it,
drag a corner to resize it, arrow keys nudge it (Shift: ten times further), +/- make
it larger or smaller, Enter crops. The box is kept in the image's own pixels, so the
crop is exact whatever size the dialog is shown at.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QKeyEvent, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from luma_desktop.core.keyframe_shape import Box, centre_box, ratio_value

HANDLE = 10  # px on screen around a corner that grabs it
MIN_SIDE = 16  # px of the image: the smallest crop
NUDGE = 0.01  # of the image's width/height per arrow press
HINT = (
    "Drag the frame to move it, a corner to resize it. Arrow keys nudge it "
    "(Shift: further), + and − resize it. Enter crops."
)


class CropArea(QWidget):
    """The image, scaled to fit, with the crop rectangle over it."""

    changed = Signal()

    def __init__(self, image: QImage, aspect_ratio: str, box: Box | None = None) -> None:
        super().__init__()
        self.image = image
        self.ratio = ratio_value(aspect_ratio)
        start = box or centre_box((image.width(), image.height()), aspect_ratio)
        self.box = QRectF(start[0], start[1], start[2] - start[0], start[3] - start[1])
        self._grab: tuple[str, QPointF] | None = None  # "move" or a corner, and its anchor
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.setMinimumSize(QSize(240, 180))
        self.setAccessibleName("Crop area")

    def sizeHint(self) -> QSize:
        return self.image.size().scaled(QSize(640, 480), Qt.AspectRatioMode.KeepAspectRatio)

    # -- geometry -------------------------------------------------------------------

    def _shown(self) -> QRectF:
        """Where the image is drawn: fitted and centred."""
        size = self.image.size().scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio)
        left = (self.width() - size.width()) / 2
        top = (self.height() - size.height()) / 2
        return QRectF(left, top, size.width(), size.height())

    def _scale(self) -> float:
        return self._shown().width() / max(1, self.image.width())

    def _to_screen(self, rect: QRectF) -> QRectF:
        shown, scale = self._shown(), self._scale()
        return QRectF(
            shown.left() + rect.left() * scale,
            shown.top() + rect.top() * scale,
            rect.width() * scale,
            rect.height() * scale,
        )

    def _to_image(self, point: QPointF) -> QPointF:
        shown, scale = self._shown(), self._scale()
        return QPointF((point.x() - shown.left()) / scale, (point.y() - shown.top()) / scale)

    def crop_box(self) -> Box:
        r = self.box
        return round(r.left()), round(r.top()), round(r.right()), round(r.bottom())

    def _place(self, rect: QRectF) -> None:
        """Keep the box inside the image, then repaint and say so."""
        w, h = self.image.width(), self.image.height()
        rect.moveLeft(min(max(0.0, rect.left()), w - rect.width()))
        rect.moveTop(min(max(0.0, rect.top()), h - rect.height()))
        self.box = rect
        self.update()
        self.changed.emit()

    def _resize_to(self, anchor: QPointF, towards: QPointF) -> None:
        """A corner dragged: the opposite corner stays, the shape stays the clip's."""
        w, h = self.image.width(), self.image.height()
        right, down = towards.x() >= anchor.x(), towards.y() >= anchor.y()
        room_w = (w - anchor.x()) if right else anchor.x()
        room_h = (h - anchor.y()) if down else anchor.y()
        width = max(abs(towards.x() - anchor.x()), abs(towards.y() - anchor.y()) * self.ratio)
        width = max(MIN_SIDE, min(width, room_w, room_h * self.ratio))
        height = width / self.ratio
        left = anchor.x() if right else anchor.x() - width
        top = anchor.y() if down else anchor.y() - height
        self._place(QRectF(left, top, width, height))

    def grow(self, factor: float) -> None:
        """Larger or smaller around its centre, as large as the image allows."""
        w, h = self.image.width(), self.image.height()
        width = min(self.box.width() * factor, w, h * self.ratio)
        width = max(width, MIN_SIDE)
        rect = QRectF(0, 0, width, width / self.ratio)
        rect.moveCenter(self.box.center())
        self._place(rect)

    # -- drawing --------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        painter.drawImage(self._shown(), self.image)
        box = self._to_screen(self.box)
        # What is cut away is dimmed; the frame kept stays bright.
        dim = QColor(0, 0, 0, 150)
        shown = self._shown()
        painter.fillRect(
            QRectF(shown.left(), shown.top(), shown.width(), box.top() - shown.top()), dim
        )
        painter.fillRect(
            QRectF(shown.left(), box.bottom(), shown.width(), shown.bottom() - box.bottom()), dim
        )
        painter.fillRect(
            QRectF(shown.left(), box.top(), box.left() - shown.left(), box.height()), dim
        )
        painter.fillRect(
            QRectF(box.right(), box.top(), shown.right() - box.right(), box.height()), dim
        )
        pen = QPen(self.palette().highlight().color() if self.hasFocus() else QColor("white"))
        pen.setWidthF(2.0)
        painter.setPen(pen)
        painter.drawRect(box)
        for corner in _corners(box).values():
            painter.fillRect(QRectF(corner.x() - 4, corner.y() - 4, 8, 8), QColor("white"))
        painter.end()

    # -- mouse and keys -------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            super().mousePressEvent(event)
            return
        point = event.position()
        box = self._to_screen(self.box)
        corners = _corners(box)
        for name, corner in corners.items():
            if abs(point.x() - corner.x()) <= HANDLE and abs(point.y() - corner.y()) <= HANDLE:
                opposite = corners[_OPPOSITE[name]]
                self._grab = (name, self._to_image(opposite))
                return
        if box.contains(point):
            self._grab = ("move", self._to_image(point) - self.box.topLeft())

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._grab is None:
            super().mouseMoveEvent(event)
            return
        kind, anchor = self._grab
        point = self._to_image(event.position())
        if kind == "move":
            rect = QRectF(self.box)
            rect.moveTopLeft(point - anchor)
            self._place(rect)
        else:
            self._resize_to(anchor, point)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._grab = None
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        far = 10 if event.modifiers() & Qt.KeyboardModifier.ShiftModifier else 1
        dx = NUDGE * self.image.width() * far
        dy = NUDGE * self.image.height() * far
        steps = {
            Qt.Key.Key_Left: (-dx, 0.0),
            Qt.Key.Key_Right: (dx, 0.0),
            Qt.Key.Key_Up: (0.0, -dy),
            Qt.Key.Key_Down: (0.0, dy),
        }
        key = Qt.Key(event.key())
        if key in steps:
            self._place(self.box.translated(*steps[key]))
        elif key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.grow(1.1)
        elif key == Qt.Key.Key_Minus:
            self.grow(1 / 1.1)
        else:
            super().keyPressEvent(event)  # Enter and Esc reach the dialog
            return
        event.accept()


_OPPOSITE = {"tl": "br", "tr": "bl", "bl": "tr", "br": "tl"}


def _corners(rect: QRectF) -> dict[str, QPointF]:
    return {
        "tl": rect.topLeft(),
        "tr": rect.topRight(),
        "bl": rect.bottomLeft(),
        "br": rect.bottomRight(),
    }


class CropDialog(QDialog):
    """Pick the crop; ``accepted`` means :meth:`crop_box` is the artist's choice."""

    def __init__(
        self,
        image: QImage,
        aspect_ratio: str,
        what: str,
        box: Box | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Crop the {what} to {aspect_ratio}")
        self.area = CropArea(image, aspect_ratio, box)
        hint = QLabel(HINT, self)
        hint.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Crop")
        ok.setDefault(True)  # Enter crops, wherever the focus is
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addWidget(self.area, 1)
        layout.addWidget(buttons)
        self.area.setFocus(Qt.FocusReason.OtherFocusReason)

    def crop_box(self) -> Box:
        return self.area.crop_box()
