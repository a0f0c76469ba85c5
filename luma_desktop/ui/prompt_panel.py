"""The prompt panel: where the artist describes a shot and asks for it.

The panel rebuilds a :class:`GenerationRequest` from its widgets on every change and
lets the request judge itself (``issues()``), so what the button allows is exactly
what the gateway would take. It emits a validated request and sends nothing itself.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QKeySequence, QShortcut, QTextCursor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from luma_desktop.core.request import (
    ASPECT_RATIOS,
    DURATIONS,
    MODELS,
    PRICE_TOKENS,
    PROMPT_LIMIT,
    RESOLUTIONS,
    GenerationKeyframe,
    GenerationRequest,
    ImageKeyframe,
    Issue,
    Keyframe,
)
from luma_desktop.studio.keyframes import KeyframeSlotModel, swap
from luma_desktop.ui.keyframe_slot import ERROR_COLOR, KeyframeSlot, set_text_color

PLACEHOLDER = "Describe the shot: subject, motion, camera, light…"
BUSY_REASON = "Preparing the keyframe image…"
EMPTY_REASON = "Write a prompt first"
GENERATE_TIP = f"Generate the clip (Ctrl+Enter). Costs {PRICE_TOKENS:,} tokens."


class PromptPanel(QWidget):
    generate_requested = Signal(object)  # a validated GenerationRequest

    def __init__(
        self,
        frame0: KeyframeSlotModel,
        frame1: KeyframeSlotModel,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.frame0 = frame0
        self.frame1 = frame1
        # Red only once the artist has written something: an empty box on start is
        # where everyone begins, not a mistake.
        self._touched = False
        self._default_aspect = ASPECT_RATIOS[0]
        self._default_model = MODELS[0]
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        self._build_prompt(layout)
        self._build_slots(layout)
        self._build_pickers(layout)
        self._build_footer(layout)
        self._connect()
        self.set_spent(0)
        self._revalidate()

    # -- building --------------------------------------------------------------------

    def _build_prompt(self, layout: QVBoxLayout) -> None:
        self.prompt_edit = QPlainTextEdit(self)
        self.prompt_edit.setPlaceholderText(PLACEHOLDER)
        self.prompt_edit.setToolTip(
            f"What the clip shows, up to {PROMPT_LIMIT} characters. Ctrl+Enter generates."
        )
        self.prompt_edit.setAccessibleName("Prompt")
        # Tab moves on to the next control instead of typing a tab nobody wants.
        self.prompt_edit.setTabChangesFocus(True)
        self.prompt_edit.setMinimumHeight(80)
        self.prompt_error = _error_label(self)
        self.count_label = QLabel(self)
        self.count_label.setToolTip(f"Characters in the prompt; the limit is {PROMPT_LIMIT}")
        self.count_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        below = QHBoxLayout()
        below.addWidget(self.prompt_error, 1)
        below.addWidget(self.count_label)
        layout.addWidget(self.prompt_edit, 2)
        layout.addLayout(below)

    def _build_slots(self, layout: QVBoxLayout) -> None:
        self.slot0 = KeyframeSlot(self.frame0, self)
        self.slot1 = KeyframeSlot(self.frame1, self)
        self.swap_button = QPushButton("⇄", self)
        self.swap_button.setToolTip("Swap the first and last frames")
        self.swap_button.setAccessibleName("Swap the first and last frames")
        self.swap_button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.swap_button.setFixedWidth(36)
        row = QHBoxLayout()
        row.addWidget(self.slot0, 1)
        row.addWidget(self.swap_button, 0, Qt.AlignmentFlag.AlignVCenter)
        row.addWidget(self.slot1, 1)
        layout.addLayout(row, 1)
        self.frame_error = _error_label(self)
        layout.addWidget(self.frame_error)

    def _build_pickers(self, layout: QVBoxLayout) -> None:
        self.aspect_combo = _combo(self, ASPECT_RATIOS, "Shape of the frame, width:height")
        self.model_combo = _combo(self, MODELS, "Which Luma model renders the clip")
        self.resolution_combo = _combo(
            self, RESOLUTIONS, "Output resolution; Default lets the model choose", default=True
        )
        self.duration_combo = _combo(
            self, DURATIONS, "Clip length; Default lets the model choose", default=True
        )
        self.loop_check = QCheckBox("Loop", self)
        self.loop_check.setToolTip("Make the last frame flow back into the first")
        grid = QGridLayout()
        for column, (text, combo) in enumerate(
            (
                ("&Aspect ratio", self.aspect_combo),
                ("&Model", self.model_combo),
                ("&Resolution", self.resolution_combo),
                ("D&uration", self.duration_combo),
            )
        ):
            label = QLabel(text, self)
            label.setBuddy(combo)  # the mnemonic (Alt+letter) focuses the picker
            grid.addWidget(label, 0, column)
            grid.addWidget(combo, 1, column)
        grid.addWidget(self.loop_check, 1, 4)
        layout.addLayout(grid)

    def _build_footer(self, layout: QVBoxLayout) -> None:
        self.cost_label = QLabel(f"Costs {PRICE_TOKENS:,} tokens", self)
        self.cost_label.setToolTip("Every generation and every extension costs the same")
        self.spent_label = QLabel(self)
        self.spent_label.setToolTip("Tokens spent on generations since the app started")
        self.extension_label = QLabel(self)
        self.extension_label.setWordWrap(True)
        self.extension_label.setTextFormat(Qt.TextFormat.PlainText)
        self.extension_label.setToolTip("This generation continues or leads into a clip")
        self.extension_label.hide()
        self.generate_button = QPushButton("Generate", self)
        self.generate_button.setMinimumHeight(40)
        self.generate_button.setDefault(False)
        font = QFont(self.generate_button.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.generate_button.setFont(font)
        layout.addWidget(self.cost_label)
        layout.addWidget(self.spent_label)
        layout.addWidget(self.extension_label)
        layout.addWidget(self.generate_button)

    def _connect(self) -> None:
        self.prompt_edit.textChanged.connect(self._on_text_changed)
        for combo in self._combos():
            combo.currentIndexChanged.connect(self._revalidate)
        self.loop_check.toggled.connect(self._revalidate)
        self.frame0.changed.connect(self._revalidate)
        self.frame1.changed.connect(self._revalidate)
        self.swap_button.clicked.connect(lambda: swap(self.frame0, self.frame1))
        self.generate_button.clicked.connect(self.generate)
        # Both keys: "Return" is the main keyboard's, "Enter" the keypad's.
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(self.generate)

    def _combos(self) -> tuple[QComboBox, ...]:
        return (self.aspect_combo, self.model_combo, self.resolution_combo, self.duration_combo)

    # -- the request -----------------------------------------------------------------

    def request(self) -> GenerationRequest:
        """The request the widgets describe right now (not necessarily valid)."""
        return GenerationRequest(
            # Whitespace around a prompt is never meant, and it would count against the limit.
            prompt=self.prompt_edit.toPlainText().strip(),
            aspect_ratio=self.aspect_combo.currentData(),
            loop=self.loop_check.isChecked(),
            model=self.model_combo.currentData(),
            # "Default" carries "": the field is left out and the model chooses.
            resolution=self.resolution_combo.currentData() or None,
            duration=self.duration_combo.currentData() or None,
            frame0=self.frame0.keyframe,
            frame1=self.frame1.keyframe,
        )

    def blocking_reason(self) -> str:
        """Why Generate cannot run now, in the artist's words; "" when it can."""
        if self.frame0.busy or self.frame1.busy:
            return BUSY_REASON
        request = self.request()
        issues = request.issues()
        if not issues:
            return ""
        if issues[0].field == "prompt" and not request.prompt:
            return EMPTY_REASON
        return issues[0].message

    def generate(self) -> None:
        """Emit the request when it is valid; a no-op otherwise (the button says why)."""
        if self.blocking_reason():
            return
        self.generate_requested.emit(self.request())

    def _on_text_changed(self) -> None:
        if self.prompt_edit.toPlainText().strip():
            self._touched = True
        self._revalidate()

    def _revalidate(self) -> None:
        request = self.request()
        count = len(request.prompt)
        self.count_label.setText(f"{count} / {PROMPT_LIMIT}")
        set_text_color(self.count_label, ERROR_COLOR if count > PROMPT_LIMIT else None)
        issues = request.issues()
        self._show_issue(issues[0] if issues else None)
        reason = self.blocking_reason()
        self.generate_button.setEnabled(not reason)
        self.generate_button.setToolTip(reason or GENERATE_TIP)

    def _show_issue(self, issue: Issue | None) -> None:
        """The first issue, next to the control it is about; the others wait their turn."""
        prompt_text = ""
        frame_text = ""
        if issue is not None and issue.field == "prompt" and self._touched:
            prompt_text = issue.message
        elif issue is not None and issue.field in ("frame0", "frame1"):
            frame_text = issue.message
        self.prompt_error.setText(prompt_text)
        self.prompt_error.setVisible(bool(prompt_text))
        self.frame_error.setText(frame_text)
        self.frame_error.setVisible(bool(frame_text))

    # -- filling from outside ----------------------------------------------------------

    def set_request(self, request: GenerationRequest) -> None:
        """Show a request (e.g. "reuse parameters" from a finished clip).

        Inline images are not put back: the model takes files, links and clip ids, and a
        slot left holding some other image would silently change the shot.
        """
        self.prompt_edit.setPlainText(request.prompt)
        _select(self.aspect_combo, request.aspect_ratio, self._default_aspect)
        _select(self.model_combo, request.model, self._default_model)
        _select(self.resolution_combo, request.resolution, "")
        _select(self.duration_combo, request.duration, "")
        self.loop_check.setChecked(request.loop)
        _fill(self.frame0, request.frame0)
        _fill(self.frame1, request.frame1)

    def set_defaults(
        self,
        aspect_ratio: str,
        model: str,
        resolution: str | None = None,
        duration: str | None = None,
    ) -> None:
        """The preferred pickers (from Preferences, where "" means the model's default)."""
        if aspect_ratio in ASPECT_RATIOS:
            self._default_aspect = aspect_ratio
            _select(self.aspect_combo, aspect_ratio, aspect_ratio)
        if model in MODELS:
            self._default_model = model
            _select(self.model_combo, model, model)
        _select(self.resolution_combo, resolution, "")
        _select(self.duration_combo, duration, "")

    def set_spent(self, tokens: int) -> None:
        # "≈": tokens of a job whose create answer was lost may or may not have been spent.
        self.spent_label.setText(f"Spent this session: ≈{tokens:,} tokens")

    def set_extension_note(self, text: str) -> None:
        self.extension_label.setText(text)
        self.extension_label.setVisible(bool(text))

    def focus_prompt(self) -> None:
        self.prompt_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        self.prompt_edit.moveCursor(QTextCursor.MoveOperation.End)


def _error_label(parent: QWidget) -> QLabel:
    label = QLabel(parent)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    set_text_color(label, ERROR_COLOR)
    label.hide()
    return label


def _combo(
    parent: QWidget, values: tuple[str, ...], tip: str, *, default: bool = False
) -> QComboBox:
    combo = QComboBox(parent)
    if default:
        combo.addItem("Default", "")
    for value in values:
        combo.addItem(value, value)
    combo.setToolTip(tip)
    return combo


def _select(combo: QComboBox, value: str | None, fallback: str) -> None:
    """Pick ``value``; a missing or unknown one (from a newer version, say) picks ``fallback``."""
    index = combo.findData(value) if value else -1
    if index < 0:
        index = combo.findData(fallback)
    combo.setCurrentIndex(max(index, 0))


def _fill(model: KeyframeSlotModel, keyframe: Keyframe | None) -> None:
    if isinstance(keyframe, GenerationKeyframe):
        model.set_generation(keyframe.generation_id)
    elif isinstance(keyframe, ImageKeyframe) and not keyframe.inline:
        model.load_text(keyframe.url)
    else:
        model.clear()
