"""The flag on a keyframe slot whose image is another shape than the clip.

One line says so; Crop… (the artist chooses the area), Fit (bars) and Keep decide
what is sent. The choice stays pressed and can be changed; changing the clip's aspect
ratio asks again.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

from luma_desktop.core.keyframe_shape import Fit, shape_name, warning
from luma_desktop.studio.keyframes import KeyframeSlotModel
from luma_desktop.ui.crop_dialog import CropDialog

_TIPS = {
    Fit.CROP: "Choose the part of the image to keep, in the clip's shape",
    Fit.PAD: "Send the whole image, with bars to make the clip's shape",
    Fit.KEEP: "Send the image as it is; the model stretches or invents the difference",
}
_TEXTS = {Fit.CROP: "Crop…", Fit.PAD: "Fit", Fit.KEEP: "Keep"}


class ShapeBar(QWidget):
    def __init__(self, model: KeyframeSlotModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.crop_dialog: CropDialog | None = None
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        self.buttons: dict[Fit, QToolButton] = {}
        self._group = QButtonGroup(self)
        self._group.setExclusive(False)  # "not chosen yet" is a state too
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(2)
        for fit in Fit:
            button = QToolButton(self)
            button.setText(_TEXTS[fit])
            button.setToolTip(_TIPS[fit])
            button.setAccessibleName(f"{_TEXTS[fit].rstrip('…')} the {model.title.lower()}")
            button.setCheckable(True)
            self._group.addButton(button)
            self.buttons[fit] = button
            row.addWidget(button)
        row.addStretch(1)
        self.buttons[Fit.CROP].clicked.connect(self.open_crop)
        self.buttons[Fit.PAD].clicked.connect(lambda: model.choose_fit(Fit.PAD))
        self.buttons[Fit.KEEP].clicked.connect(lambda: model.choose_fit(Fit.KEEP))
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(self.note)
        column.addLayout(row)
        model.changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        model = self.model
        self.setVisible(model.misshapen)
        if not model.misshapen or model.size is None:
            return
        size = model.size
        if model.fit is None:
            self.note.setText(f"{shape_name(size)} image, {model.aspect} clip:")
        else:
            self.note.setText(model.shape_note())
        self.setToolTip(warning(model.title.lower(), size, model.aspect))
        for fit, button in self.buttons.items():
            button.setChecked(fit is model.fit)
            button.setEnabled(not model.busy)

    def open_crop(self) -> CropDialog | None:
        """The crop dialog over the whole image; Crop applies the area chosen."""
        model = self.model
        self.buttons[Fit.CROP].setChecked(model.fit is Fit.CROP)  # until the artist crops
        image = model.original_image()
        if image is None:
            return None
        dialog = CropDialog(image, model.aspect, model.title.lower(), model.box, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: model.choose_fit(Fit.CROP, dialog.crop_box()))
        dialog.destroyed.connect(self._forget_dialog)
        self.crop_dialog = dialog
        dialog.open()
        return dialog

    def _forget_dialog(self) -> None:
        self.crop_dialog = None
