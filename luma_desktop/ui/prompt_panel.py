"""The prompt panel: where the artist describes a shot and asks for it.

The panel is a view of the studio's :class:`Draft`: what the artist types goes into
the draft, and whatever changes the draft (reuse, an extension gesture, the restore at
start-up) shows here. The draft's request judges itself (``issues()``), so what the
button allows is exactly what the gateway would take. The panel emits a validated
request and sends nothing itself.
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
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from luma_desktop.core.budget import PRICE_NOTE, UNIT, Spend, credits_text
from luma_desktop.core.request import (
    PROMPT_LIMIT,
    GenerationRequest,
    Issue,
)
from luma_desktop.core.takes import MAX_TAKES
from luma_desktop.studio.draft import BUSY_REASON, EMPTY_REASON, Draft
from luma_desktop.studio.keyframes import swap
from luma_desktop.ui.keyframe_slot import ERROR_COLOR, KeyframeSlot, set_text_color
from luma_desktop.ui.model_controls import (
    fill_models,
    refill,
    show_toggle,
    spec_of,
    toggle_states,
)
from luma_desktop.ui.prompt_craft import PromptCraft

__all__ = ["BUSY_REASON", "EMPTY_REASON", "PromptPanel"]

PLACEHOLDER = "Describe the shot: subject, motion, camera, light…"
GENERATE_TIP = "Generate the clip (Ctrl+Enter)."
UNPRICED = "Cost reported by the gateway for each clip"


class PromptPanel(QWidget):
    generate_requested = Signal(object)  # a validated GenerationRequest

    def __init__(self, draft: Draft, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.draft = draft
        self.frame0 = draft.frame0
        self.frame1 = draft.frame1
        # Red only once the artist has written something: an empty box on start is
        # where everyone begins, not a mistake.
        self._touched = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        self._build_prompt(layout)
        self._build_slots(layout)
        self._build_pickers(layout)
        self._build_footer(layout)
        self._show_draft()
        self._connect()
        self.set_spent(Spend())
        self._revalidate()
        self._update_note()

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
        self.craft = PromptCraft(self.prompt_edit, self)
        # A preset is saved from the draft's parameters and sets them when used.
        self.craft.parameters = lambda: self.draft.parameters
        self.craft.apply_params = self.draft.apply
        below = QHBoxLayout()
        below.addWidget(self.prompt_error, 1)
        below.addWidget(self.craft)
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
        # The slots keep one height, empty or filled (room for three lines of what they
        # hold), so loading an image never takes height from the prompt being written.
        # The shape flag (Crop / Fit / Keep) takes the details' place: room for it too.
        line = self.fontMetrics().lineSpacing()
        text = max(3 * line, self.slot0.shape_bar.sizeHint().height() + line)
        height = self.slot0.minimumSizeHint().height() + text
        for slot in (self.slot0, self.slot1):
            slot.setFixedHeight(height)
        row = QHBoxLayout()
        row.addWidget(self.slot0, 1)
        row.addWidget(self.swap_button, 0, Qt.AlignmentFlag.AlignVCenter)
        row.addWidget(self.slot1, 1)
        layout.addLayout(row)

    def _build_pickers(self, layout: QVBoxLayout) -> None:
        self.aspect_combo = _combo(self, "Shape of the frame, width:height")
        self.model_combo = _combo(self, "Which Luma model renders the clip")
        fill_models(self.model_combo)
        self.resolution_combo = _combo(self, "Output resolution; Default lets the model choose")
        self.duration_combo = _combo(self, "Clip length; Default lets the model choose")
        self.loop_check = QCheckBox("Loop", self)
        self.loop_check.setToolTip("Make the last frame flow back into the first")
        # Offered only by models that make them (the catalogue says which, and when).
        self.hdr_check = QCheckBox("HDR", self)
        self.exr_check = QCheckBox("EXR frames", self)
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
        # A row of their own (shown only with Ray 3.2): beside the pickers they made the
        # panel wider than its pane, squeezing the pickers and cutting EXR off.
        toggles = QHBoxLayout()
        for box in (self.hdr_check, self.exr_check):
            # Their row keeps its place while a model without them is chosen: switching
            # to Ray 3.2 never takes a line from the prompt being written.
            policy = box.sizePolicy()
            policy.setRetainSizeWhenHidden(True)
            box.setSizePolicy(policy)
        toggles.addWidget(self.hdr_check)
        toggles.addWidget(self.exr_check)
        toggles.addStretch(1)
        layout.addLayout(toggles)
        # What the model refuses in this combination (Ray 3.2 and 9:21, a clip to continue
        # by id...): said here, since the disabled Generate's tooltip alone goes unseen.
        self.choice_error = _error_label(self)
        self.frame_error = _error_label(self)
        self.extension_label = QLabel(self)
        self.extension_label.setWordWrap(True)
        self.extension_label.setTextFormat(Qt.TextFormat.PlainText)
        self.extension_label.setToolTip("This generation continues or leads into a clip")
        self.extension_label.hide()
        layout.addWidget(self._notes_area())

    def _notes_area(self) -> QWidget:
        """The notes that come and go (what the model refuses, what the slots make of the
        clip) in a place of their own, of a fixed height (four lines: a wrapped label's
        minimum would otherwise be judged at its narrowest), so a note appearing never
        takes a line from the prompt being written."""
        area = QWidget(self)
        column = QVBoxLayout(area)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        for label in (self.choice_error, self.frame_error, self.extension_label):
            column.addWidget(label)
        column.addStretch(1)
        area.setFixedHeight(4 * self.fontMetrics().lineSpacing() + 2 * column.spacing())
        return area

    def _build_footer(self, layout: QVBoxLayout) -> None:
        self.cost_label = QLabel(self)
        self.spent_label = QLabel(self)
        self.spent_label.setToolTip(
            "What the gateway charged for this session's clips, adopted ones included "
            "(~: the estimate, until it says); failed and refused ones cost nothing. " + PRICE_NOTE
        )
        # Modify / reframe loaded from the library: a way back to making a new clip.
        self.new_clip_button = QPushButton("Make a new clip instead", self)
        self.new_clip_button.setToolTip("Stop modifying or reframing the clip; the prompt stays")
        self.new_clip_button.hide()
        self.generate_button = QPushButton("Generate", self)
        self.generate_button.setMinimumHeight(40)
        self.generate_button.setDefault(False)
        font = QFont(self.generate_button.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.generate_button.setFont(font)
        self.takes_spin = QSpinBox(self)
        self.takes_spin.setRange(1, MAX_TAKES)
        self.takes_spin.setPrefix("Takes: ")
        self.takes_spin.setMinimumHeight(40)
        self.takes_spin.setToolTip(
            "How many takes of this request to run at once (one question for all of them); "
            "compare them side by side and keep the best"
        )
        layout.addWidget(self.cost_label)
        layout.addWidget(self.spent_label)
        layout.addWidget(self.new_clip_button)
        row = QHBoxLayout()
        row.addWidget(self.takes_spin)
        row.addWidget(self.generate_button, 1)
        layout.addLayout(row)

    def _connect(self) -> None:
        draft = self.draft
        self.prompt_edit.textChanged.connect(self._on_text_changed)
        for name, combo in self._combos().items():
            combo.currentIndexChanged.connect(
                lambda _i, n=name, c=combo: draft.set_parameter(n, c.currentData())
            )
        self.loop_check.toggled.connect(lambda on: draft.set_parameter("loop", on))
        for name, box in self._toggles().items():
            box.toggled.connect(lambda on, n=name: draft.set_parameter(n, on))
        self.model_combo.currentIndexChanged.connect(self._model_switched)
        draft.changed.connect(self._revalidate)
        self.takes_spin.valueChanged.connect(self._revalidate)
        draft.loaded.connect(self._show_draft)
        self.frame0.changed.connect(self._update_note)
        self.frame1.changed.connect(self._update_note)
        self.swap_button.clicked.connect(lambda: swap(self.frame0, self.frame1))
        self.generate_button.clicked.connect(self.generate)
        self.new_clip_button.clicked.connect(draft.new_clip)
        # Both keys: "Return" is the main keyboard's, "Enter" the keypad's.
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(self.generate)

    def _combos(self) -> dict[str, QComboBox]:
        """The picker of each draft parameter."""
        return {
            "aspect_ratio": self.aspect_combo,
            "model": self.model_combo,
            "resolution": self.resolution_combo,
            "duration": self.duration_combo,
        }

    def _toggles(self) -> dict[str, QCheckBox]:
        return {"hdr": self.hdr_check, "exr": self.exr_check}

    def _model_switched(self) -> None:
        """Only the new model's values, keeping what it also has; the draft follows."""
        combos = self._combos()
        wanted = {name: combo.currentData() for name, combo in combos.items()}
        refill(combos, spec_of(self.model_combo.currentData()), wanted)
        for name, combo in combos.items():
            self.draft.set_parameter(name, combo.currentData())
        self._sync_toggles()

    def _sync_toggles(self) -> None:
        """HDR/EXR shown where the model has them, enabled where the rest allows them (the
        reason in the tooltip otherwise); one that became impossible is turned off."""
        spec = spec_of(self.draft.parameters.get("model"))
        boxes = self._toggles()
        for name, offered, reason in toggle_states(spec, self.request().choice()):
            if show_toggle(boxes[name], name, offered, reason):
                boxes[name].setChecked(False)  # the draft hears it through toggled

    def _show_draft(self) -> None:
        """Show what the draft holds (it changed from outside: restore, reuse, defaults)."""
        draft = self.draft
        if self.prompt_edit.toPlainText() != draft.prompt:
            self.prompt_edit.setPlainText(draft.prompt)
        values = draft.parameters
        combos = self._combos()
        boxes: list[QWidget] = [*combos.values(), *self._toggles().values()]
        for widget in boxes:
            widget.blockSignals(True)  # showing, not choosing: the draft already holds it
        self.model_combo.setCurrentIndex(max(self.model_combo.findData(values.get("model")), 0))
        refill(combos, spec_of(self.model_combo.currentData()), values)
        for name, box in self._toggles().items():
            box.setChecked(bool(values.get(name)))
        for widget in boxes:
            widget.blockSignals(False)
        self.loop_check.setChecked(bool(values.get("loop")))
        # What the model does not offer falls back to its default, in the draft too.
        for name, combo in combos.items():
            draft.set_parameter(name, combo.currentData())
        self._sync_toggles()

    # -- the request -----------------------------------------------------------------

    def request(self) -> GenerationRequest:
        """The request the draft describes right now (not necessarily valid)."""
        return self.draft.request()

    def blocking_reason(self) -> str:
        """Why Generate cannot run now, in the artist's words; "" when it can."""
        return self.draft.blocking_reason()

    def generate(self) -> None:
        """Emit the request when it is valid; a no-op otherwise (the button says why)."""
        if self.blocking_reason():
            return
        self.generate_requested.emit(self.request())

    def _on_text_changed(self) -> None:
        text = self.prompt_edit.toPlainText()
        if text.strip():
            self._touched = True
        self.draft.set_prompt(text)
        self._revalidate()

    def _revalidate(self) -> None:
        request = self.request()
        count = len(request.prompt)
        self.count_label.setText(f"{count} / {PROMPT_LIMIT}")
        set_text_color(self.count_label, ERROR_COLOR if count > PROMPT_LIMIT else None)
        issues = request.issues()
        self._show_issues(issues)
        self._sync_toggles()
        reason = self.blocking_reason()
        self.generate_button.setEnabled(not reason)
        cost = cost_text(request.spec.cost.tokens, self.takes_spin.value())
        self.cost_label.setText(cost)
        self.cost_label.setToolTip(
            "What the catalogue says this model costs on the Luma route; the unified route "
            "reports each clip's own cost, shown in the library and the status bar"
        )
        self.generate_button.setToolTip(reason or f"{GENERATE_TIP} {cost}.")
        self._update_note()  # the note names the model ("Ray 3.2 continues from…")

    def _show_issues(self, issues: list[Issue]) -> None:
        """The first issue of each place, next to the controls it is about: the prompt,
        the frames, the pickers (the others wait their turn)."""
        places: dict[str, str] = {}
        for issue in issues:
            place = issue.field if issue.field == "prompt" else "choice"
            place = "frame" if issue.field in ("frame0", "frame1") else place
            places.setdefault(place, issue.message)
        prompt_text = places.get("prompt", "") if self._touched else ""
        for label, text in (
            (self.prompt_error, prompt_text),
            (self.frame_error, places.get("frame", "")),
            (self.choice_error, places.get("choice", "")),
        ):
            label.setText(text)
            label.setVisible(bool(text))

    # -- filling from outside ----------------------------------------------------------

    def set_request(self, request: GenerationRequest) -> None:
        """Show a request (e.g. "reuse parameters"): the draft takes it, the panel follows."""
        self.draft.load(request)

    def set_defaults(
        self,
        aspect_ratio: str,
        model: str,
        resolution: str | None = None,
        duration: str | None = None,
    ) -> None:
        """The preferred pickers (from Preferences, where "" means the model's default)."""
        self.draft.set_defaults(
            {
                "aspect_ratio": aspect_ratio,
                "model": model,
                "resolution": resolution,
                "duration": duration,
            }
        )

    def set_spent(self, spent: Spend, simulated: bool = False) -> None:
        # "~": part of it is the estimate, until the gateway says what a clip cost
        what = "Simulated spend this session" if simulated else "Spent this session"
        self.spent_label.setText(f"{what}: {credits_text(spent)}")

    def _update_note(self) -> None:
        self.set_extension_note(self.draft.extension_note())
        self.new_clip_button.setVisible(self.draft.remaking)

    def set_extension_note(self, text: str) -> None:
        self.extension_label.setText(text)
        self.extension_label.setVisible(bool(text))

    def focus_prompt(self) -> None:
        self.prompt_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        self.prompt_edit.moveCursor(QTextCursor.MoveOperation.End)


def cost_text(tokens: int | None, takes: int) -> str:
    """The price to show before sending: only a figure the catalogue has, never a guess."""
    if tokens is None:  # Ray 3.2: no published price (the gateway reports it per clip)
        return UNPRICED
    if takes > 1:
        return f"{takes} takes cost {takes * tokens:,} {UNIT}"
    return f"Costs {tokens:,} {UNIT}"


def _error_label(parent: QWidget) -> QLabel:
    label = QLabel(parent)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    set_text_color(label, ERROR_COLOR)
    label.hide()
    return label


def _combo(parent: QWidget, tip: str) -> QComboBox:
    """Filled from the catalogue once the model is known."""
    combo = QComboBox(parent)
    combo.setToolTip(tip)
    return combo
