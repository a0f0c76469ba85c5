"""One keyframe slot: the image (or clip) a generation starts or ends on.

The widget only shows a :class:`KeyframeSlotModel` and hands it what the artist
gives: a click opens a file dialog, a drop or a paste is sorted into a file, a link,
an image or a clip id. The model prepares images off the UI thread and says when it
changed; the widget never runs the work itself.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QMimeData, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QContextMenuEvent,
    QDragEnterEvent,
    QDragLeaveEvent,
    QDragMoveEvent,
    QDropEvent,
    QFont,
    QGuiApplication,
    QIcon,
    QImage,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QPixmap,
)
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QProgressBar,
    QSizePolicy,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from luma_desktop.core.request import GenerationKeyframe, ImageKeyframe
from luma_desktop.studio.job_model import GENERATION_MIME
from luma_desktop.studio.keyframes import PREVIEW_SIZE, KeyframeSlotModel
from luma_desktop.ui.keyframe_shape_bar import ShapeBar
from luma_desktop.ui.popups import context_menu

IMAGE_FILTER = "Images (*.png *.jpg *.jpeg *.webp *.gif *.bmp *.tif *.tiff)"
PLACEHOLDER = "Drop an image, a link or a clip here"
# A small accent, readable on the app's dark palette and on a light one.
ERROR_COLOR = QColor("#f0625a")
_ICON_SIZE = 40

Fill = Callable[[], None]


def set_text_color(widget: QWidget, color: QColor | None) -> None:
    """Tint a label's text through its palette; ``None`` gives the inherited color back."""
    if color is None:
        # An empty palette has no roles set, so the widget inherits its parent's again.
        widget.setPalette(QPalette())
        return
    palette = widget.palette()
    palette.setColor(QPalette.ColorRole.WindowText, color)
    widget.setPalette(palette)


def mime_filler(mime: QMimeData, model: KeyframeSlotModel) -> Fill | None:
    """What dropping or pasting ``mime`` would do to the slot; ``None`` when nothing is usable.

    The order matters: a clip dragged from the library carries both its generation id
    and its video file, and the id is what makes it an extension.
    """
    generation = _generation_id(mime)
    if generation:
        return lambda: model.set_generation(generation)
    urls = mime.urls() if mime.hasUrls() else []
    local = [url for url in urls if url.isLocalFile()]
    if local:
        path = Path(local[0].toLocalFile())
        return lambda: model.load_file(path)
    if urls:
        # A browser drag gives http(s) links; other schemes get a clear refusal from the model.
        link = urls[0].toString()
        return lambda: model.load_text(link)
    image = _mime_image(mime)
    if image is not None:
        return lambda: model.load_image(image, "dropped image")
    text = _first_line(mime.text()) if mime.hasText() else ""
    if text:
        return lambda: model.load_text(text)
    return None


def _generation_id(mime: QMimeData) -> str:
    if not mime.hasFormat(GENERATION_MIME):
        return ""
    raw = bytes(mime.data(GENERATION_MIME).data()).decode("utf-8", "replace")
    return _first_line(raw)


def _first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "")


def _mime_image(mime: QMimeData) -> QImage | None:
    if not mime.hasImage():
        return None
    data = mime.imageData()
    if isinstance(data, QPixmap):
        data = data.toImage()
    if isinstance(data, QImage) and not data.isNull():
        return data
    return None


class _ClickArea(QFrame):
    """The thumbnail: clicking it opens the file dialog, like a big button."""

    clicked = Signal()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(
            event.position().toPoint()
        ):
            self.clicked.emit()
            event.accept()
            return
        super().mouseReleaseEvent(event)


class KeyframeSlot(QFrame):
    """Shows one :class:`KeyframeSlotModel` and fills it from clicks, drops and pastes."""

    def __init__(self, model: KeyframeSlotModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self._drag_hover = False
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAcceptDrops(True)
        self.setAccessibleName(f"{model.title} keyframe")
        self.setToolTip(
            f"The {model.title.lower()} of the clip. Click or press Enter to choose an image; "
            "drop an image, a link or a clip from the library; Ctrl+V pastes; Delete clears."
        )
        self._build()
        model.changed.connect(self._refresh)
        self._refresh()

    # -- building --------------------------------------------------------------------

    def _build(self) -> None:
        self.title_label = QLabel(self.model.title, self)
        font = QFont(self.title_label.font())
        font.setBold(True)
        self.title_label.setFont(font)

        self.clear_button = QToolButton(self)
        self.clear_button.setText("×")
        self.clear_button.setAutoRaise(True)
        self.clear_button.setToolTip(f"Clear the {self.model.title.lower()} (Delete)")
        self.clear_button.setAccessibleName(f"Clear the {self.model.title.lower()}")
        self.clear_button.clicked.connect(self.model.clear)

        header = QHBoxLayout()
        header.setContentsMargins(0, 0, 0, 0)
        header.addWidget(self.title_label)
        header.addStretch(1)
        header.addWidget(self.clear_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 8)
        layout.setSpacing(4)
        layout.addLayout(header)
        layout.addWidget(self._build_thumbnail(), 1)
        self.busy_bar = QProgressBar(self)
        self.busy_bar.setRange(0, 0)  # no known length: a moving "working" bar
        self.busy_bar.setTextVisible(False)
        self.busy_bar.setMaximumHeight(6)
        self.busy_bar.setToolTip("Preparing the keyframe image…")
        layout.addWidget(self.busy_bar)
        self.shape_bar = ShapeBar(self.model, self)
        layout.addWidget(self.shape_bar)
        self.detail_label = self._wrapping_label()
        self.detail_label.setToolTip("What this slot holds and how it is sent")
        layout.addWidget(self.detail_label)
        self.error_label = self._wrapping_label()
        set_text_color(self.error_label, ERROR_COLOR)
        layout.addWidget(self.error_label)

    def _build_thumbnail(self) -> QFrame:
        self.thumbnail = _ClickArea(self)
        self.thumbnail.setMinimumSize(QSize(PREVIEW_SIZE + 8, 96))
        self.thumbnail.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.thumbnail.setCursor(Qt.CursorShape.PointingHandCursor)
        self.thumbnail.setToolTip(f"Click to choose the {self.model.title.lower()} image file")
        self.thumbnail.clicked.connect(self.open_file)
        self.thumbnail_image = QLabel(self.thumbnail)
        self.thumbnail_image.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.thumbnail_text = QLabel(self.thumbnail)
        self.thumbnail_text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.thumbnail_text.setWordWrap(True)
        self.thumbnail_text.setTextFormat(Qt.TextFormat.PlainText)
        # The placeholder is a hint, not content: the palette's placeholder color says so.
        self.thumbnail_text.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        column = QVBoxLayout(self.thumbnail)
        column.setContentsMargins(4, 4, 4, 4)
        column.addStretch(1)
        column.addWidget(self.thumbnail_image)
        column.addWidget(self.thumbnail_text)
        column.addStretch(1)
        return self.thumbnail

    def _wrapping_label(self) -> QLabel:
        label = QLabel(self)
        label.setWordWrap(True)
        # File names and links come from outside: never let them be read as rich text.
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label

    # -- showing the model -----------------------------------------------------------

    def _refresh(self) -> None:
        model = self.model
        self._show_thumbnail()
        self.detail_label.setText(model.label)
        # An image of another shape: the shape bar says so in the detail's place.
        self.detail_label.setVisible(bool(model.label) and not model.misshapen)
        self.busy_bar.setVisible(model.busy)
        self.error_label.setText(model.error)
        self.error_label.setVisible(bool(model.error))
        self.clear_button.setEnabled(model.keyframe is not None or model.busy or bool(model.error))
        self.setAccessibleDescription(model.error or model.label or "empty")
        self.update()

    def _show_thumbnail(self) -> None:
        model = self.model
        keyframe = model.keyframe
        if model.preview is not None and not model.preview.isNull():
            self._set_thumbnail(QPixmap.fromImage(model.preview), "")
        elif isinstance(keyframe, GenerationKeyframe):
            self._set_thumbnail(self._film_pixmap(), f"Clip {keyframe.generation_id[:8]}")
        elif isinstance(keyframe, ImageKeyframe):
            # A web link has no preview: the gateway fetches it, we never download it.
            self._set_thumbnail(None, "Image link")
        else:
            self._set_thumbnail(None, PLACEHOLDER)

    def _set_thumbnail(self, pixmap: QPixmap | None, text: str) -> None:
        self.thumbnail_image.setPixmap(pixmap if pixmap is not None else QPixmap())
        self.thumbnail_image.setVisible(pixmap is not None)
        self.thumbnail_text.setText(text)
        self.thumbnail_text.setVisible(bool(text))

    def _film_pixmap(self) -> QPixmap:
        fallback = self.style().standardIcon(QStyle.StandardPixmap.SP_MediaPlay)
        pixmap = QIcon.fromTheme("video-x-generic", fallback).pixmap(_ICON_SIZE, _ICON_SIZE)
        # Style icons are drawn for light backgrounds; recolor to the palette's text so
        # the icon stays visible on the dark theme.
        painter = QPainter(pixmap)
        painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceIn)
        painter.fillRect(pixmap.rect(), self.palette().color(QPalette.ColorRole.PlaceholderText))
        painter.end()
        return pixmap

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not (self._drag_hover or self.hasFocus()):
            return
        # A drag that would be taken gets a strong border; keyboard focus a thin one
        # (QWidget repaints on focus changes by itself).
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pen = QPen(self.palette().color(QPalette.ColorRole.Highlight))
        pen.setWidthF(3.0 if self._drag_hover else 1.5)
        painter.setPen(pen)
        painter.drawRoundedRect(self.rect().adjusted(2, 2, -2, -2), 4, 4)
        painter.end()

    def _set_drag_hover(self, hover: bool) -> None:
        self._drag_hover = hover
        self.update()

    # -- filling ---------------------------------------------------------------------

    def file_dialog(self) -> QFileDialog:
        """The picker, opening in the folder the last image came from."""
        title = f"Choose the {self.model.title.lower()}"
        dialog = QFileDialog(self, title, self.model.image_folder, IMAGE_FILTER)
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        return dialog

    def choose_file(self) -> Path | None:
        """Ask for an image file; ``None`` when the artist cancels. Tests replace this."""
        dialog = self.file_dialog()
        try:
            files = dialog.selectedFiles() if dialog.exec() else []
        finally:
            dialog.deleteLater()
        return Path(files[0]) if files else None

    def open_file(self) -> None:
        path = self.choose_file()
        if path is not None:
            self.model.load_file(path)

    def paste(self) -> None:
        """Fill the slot from the clipboard: an image first, else a file, link or clip id."""
        clipboard = QGuiApplication.clipboard()
        mime = clipboard.mimeData()
        if mime is None:
            return
        if mime.hasImage():
            image = clipboard.image()
            if not image.isNull():
                self.model.load_image(image, "pasted image")
                return
        fill = mime_filler(mime, self.model)
        if fill is not None:
            fill()

    def clipboard_usable(self) -> bool:
        mime = QGuiApplication.clipboard().mimeData()
        return mime is not None and mime_filler(mime, self.model) is not None

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if mime_filler(event.mimeData(), self.model) is None:
            event.ignore()
            return
        self._accept_copy(event)
        self._set_drag_hover(True)

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if mime_filler(event.mimeData(), self.model) is None:
            event.ignore()
            return
        self._accept_copy(event)

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        self._set_drag_hover(False)
        super().dragLeaveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        self._set_drag_hover(False)
        fill = mime_filler(event.mimeData(), self.model)
        if fill is None:
            event.ignore()
            return
        self._accept_copy(event)
        fill()

    @staticmethod
    def _accept_copy(event: QDropEvent) -> None:
        # Always a copy: a "move" would let a file manager delete the artist's file.
        event.setDropAction(Qt.DropAction.CopyAction)
        event.accept()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Paste):
            self.paste()
            event.accept()
            return
        plain = (event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier) == (
            Qt.KeyboardModifier.NoModifier
        )
        key = event.key()
        if plain and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.open_file()
        elif plain and key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.model.clear()
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    # -- context menu ----------------------------------------------------------------

    def build_menu(self) -> QMenu:
        menu = context_menu(self)
        title = self.model.title.lower()
        choose = menu.addAction("Choose file…")
        choose.setToolTip(f"Pick an image file for the {title}")
        choose.triggered.connect(self.open_file)
        paste = menu.addAction("Paste")
        paste.setShortcut(QKeySequence(QKeySequence.StandardKey.Paste))
        paste.setToolTip("Use the image, link or clip on the clipboard")
        paste.setEnabled(self.clipboard_usable())
        paste.triggered.connect(self.paste)
        clear = menu.addAction("Clear")
        clear.setShortcut(QKeySequence(Qt.Key.Key_Delete))
        clear.setToolTip(f"Empty the {title}")
        clear.setEnabled(self.clear_button.isEnabled())
        clear.triggered.connect(self.model.clear)
        return menu

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        menu = self.build_menu()
        menu.exec(event.globalPos())
        menu.deleteLater()
