"""The studio window: prompt and keyframes on the left, the player in the middle,
the jobs on the right, one error area on top."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QImage
from PySide6.QtWidgets import (
    QMainWindow,
    QMessageBox,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from luma_desktop.core.boards import Board
from luma_desktop.core.jobs import JobRecord
from luma_desktop.core.request import GenerationRequest
from luma_desktop.studio.desk import Desk
from luma_desktop.studio.extension import Direction, Step
from luma_desktop.studio.guards import Guard
from luma_desktop.studio.session import Studio
from luma_desktop.ui import review, settings_wiring, side_tabs, window_memory
from luma_desktop.ui.autoplay import Autoplay
from luma_desktop.ui.chain_playback import ChainPlayback
from luma_desktop.ui.dialogs import ask_repeat, ask_spend
from luma_desktop.ui.error_banner import ErrorBanner, InfoBanner
from luma_desktop.ui.icons import app_icon
from luma_desktop.ui.job_list import JobListView
from luma_desktop.ui.menus import build_menus, confirm_box, may_quit
from luma_desktop.ui.notifier import Notifier
from luma_desktop.ui.overlay import FloatingBanners
from luma_desktop.ui.player import PlayerWidget
from luma_desktop.ui.prompt_panel import PromptPanel
from luma_desktop.ui.slot_gestures import fill_slots
from luma_desktop.ui.status_line import StatusLine

if TYPE_CHECKING:  # opened on demand: loaded then, not before the window first shows
    from luma_desktop.ui.board_panel import BoardPanel
    from luma_desktop.ui.budget_box import BudgetBox
    from luma_desktop.ui.compare_view import CompareView
    from luma_desktop.ui.export_dialog import ExportDialog
    from luma_desktop.ui.library_view import LibraryPanel
    from luma_desktop.ui.settings_dialog import SettingsDialog

DEMO_TEXT = (
    "Demo mode: clips come from a built-in simulator; the credits counted are simulated "
    "and nothing is charged. Enter your AI/ML API key to make real clips."
)
SENT_TAIL = "You can keep working while it dreams."
BUDGET_REFRESH_MS = 250  # the spend line trails a job change by at most this


class MainWindow(QMainWindow):
    # The key decides the mode: the app closes this studio and opens the other at once.
    mode_switch_requested = Signal()

    def __init__(self, studio: Studio) -> None:
        super().__init__()
        self.studio = studio
        self._playing: JobRecord | None = None  # the clip in the player, for drops on it
        self.slots_question: QMessageBox | None = None  # the last Replace/Keep mine question
        self.setWindowTitle("Luma Desktop — Demo mode" if studio.demo else "Luma Desktop")
        self.resize(1400, 820)
        self.setAcceptDrops(False)

        self.prompt_panel = PromptPanel(studio.draft)
        self.player = PlayerWidget()
        self.chain = ChainPlayback(self.player, self)
        self.job_list = JobListView(studio.queue)
        self.desk = Desk(studio, self)
        # Library and Board are built when first shown (or asked for by code).
        self.side_tabs, self._library_tab, self._board_tab = side_tabs.build(self)
        self.notifier = Notifier(self, app_icon())
        self.setWindowIcon(app_icon())
        self.error_banner = ErrorBanner()
        self.demo_banner = InfoBanner()
        self._build_layout()
        self._build_menus()
        self._build_status_bar()
        self._connect()
        window_memory.restore(self, studio.settings.prefs.window, self.splitters)
        if studio.demo:
            self.demo_banner.show_info(DEMO_TEXT, "Enter your API key")
        for problem in studio.settings.problems:
            self.statusBar().showMessage(problem, 10_000)
        self.prompt_panel.focus_prompt()  # the artist can start typing at once

    # -- layout ----------------------------------------------------------------------------

    def _build_layout(self) -> None:
        left = QScrollArea()
        left.setWidget(self.prompt_panel)
        left.setWidgetResizable(True)
        left.setFrameShape(QScrollArea.Shape.NoFrame)
        left.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scrollbar = left.verticalScrollBar().sizeHint().width()
        left.setMinimumWidth(self.prompt_panel.minimumSizeHint().width() + scrollbar)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.player)
        splitter.addWidget(self.side_tabs)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([left.minimumWidth(), 680, 460])
        splitter.setChildrenCollapsible(False)
        self.splitters = {"main": splitter}  # remembered across restarts, by name
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(8, 8, 8, 4)
        layout.setSpacing(6)
        # The demo notice is there from the start, so it may take its place in the layout;
        # an error comes while the artist works: it floats, and nothing under it moves.
        layout.addWidget(self.demo_banner)
        layout.addWidget(splitter, 1)
        self.setCentralWidget(central)
        self._floating = FloatingBanners(central, [self.error_banner], below=self.demo_banner)

    def _build_menus(self) -> None:
        build_menus(self)

    def confirm(self, title: str, text: str) -> bool:
        """Ask yes or no (tests replace this)."""
        return confirm_box(self, title, text)

    def inform(self, title: str, text: str) -> None:
        """Tell the artist something (tests replace this)."""
        QMessageBox.information(self, title, text)

    def _build_status_bar(self) -> None:
        line = StatusLine(self.statusBar(), demo=self.studio.demo)
        self.status_line = line
        self.demo_badge, self.budget_label, self.balance_label = line.labels()
        self._update_budget()

    def _budget_changed(self) -> None:
        if not self._budget_due.isActive():  # not restarted: a steady stream still shows
            self._budget_due.start()

    def _update_budget(self) -> None:
        self.status_line.show_budget(self.desk.spent_today(), self.desk.caps())

    def _connect(self) -> None:
        queue, errors = self.studio.queue, self.studio.errors
        self.prompt_panel.generate_requested.connect(self.submit)
        self._autoplay = Autoplay(self, self.play, self._player_busy)
        queue.job_ready.connect(self._autoplay.offer)
        balance = self.studio.balance
        if balance is not None:
            balance.changed.connect(self.status_line.show_balance)
            queue.job_ready.connect(lambda _job: balance.refresh())
            balance.refresh(force=True)
        # Today's spend is read from the store: once per burst of changes, not per change.
        self._budget_due = QTimer(self, singleShot=True, interval=BUDGET_REFRESH_MS)
        self._budget_due.timeout.connect(self._update_budget)
        queue.job_changed.connect(self._budget_changed)
        demo = self.studio.demo  # the simulator's credits: counted, and said to be simulated
        self.prompt_panel.set_spent(queue.spent, simulated=demo)
        queue.spent_changed.connect(lambda spent: self.prompt_panel.set_spent(spent, demo))
        queue.notice.connect(lambda text: self.statusBar().showMessage(text, 8000))
        errors.raised.connect(self.error_banner.show_error)
        errors.raised.connect(self._take_back_sent)
        errors.cleared.connect(self.error_banner.clear)
        self.error_banner.dismissed.connect(errors.clear)  # the next unanswered job may speak
        self.error_banner.adopt_requested.connect(self._on_job_id(self.job_list.adopt))
        self.error_banner.discard_requested.connect(self._on_job_id(self.job_list.discard))
        self.error_banner.settings_requested.connect(self.open_settings)
        self.demo_banner.action_clicked.connect(self.open_settings)
        self.job_list.play_requested.connect(self.play)
        self.job_list.reuse_requested.connect(self.reuse)
        self.job_list.retry_requested.connect(self.retry)
        self.error_banner.retry_requested.connect(self._retry_id)
        self.job_list.open_settings_requested.connect(self.open_settings)
        self.player.frame_requested.connect(self._use_frame)
        self._connect_extensions()

    @property
    def library(self) -> LibraryPanel:
        """The Library tab's panel (built now if the tab was never shown)."""
        return self._library_tab.get()

    @property
    def board_panel(self) -> BoardPanel:
        """The Board tab's panel (built now if the tab was never shown)."""
        return self._board_tab.get()

    def _connect_extensions(self) -> None:
        """Every gesture that builds an extension ends in the prompt panel's slots (the
        library's and the board's are connected when their tabs are built)."""
        studio = self.studio
        self.job_list.extend_requested.connect(self.extend)
        studio.library.stacker = self.desk.takes.stacks
        self.desk.groups_changed.connect(lambda: studio.library.reload())
        self.prompt_panel.craft.history = lambda: self.desk.history.recent(500)
        self.prompt_panel.craft.store = self.desk.presets
        self.prompt_panel.craft.notice.connect(
            lambda text: self.statusBar().showMessage(text, 8000)
        )
        self.player.file_dropped.connect(self._image_on_player)
        studio.queue.job_changed.connect(self.notifier.job_finished)

    # -- actions ---------------------------------------------------------------------------

    def submit(self, request: GenerationRequest) -> bool:
        """Generate the takes asked for, after the budget and the guards against spending
        credits by accident (one question for the whole batch)."""
        count = self.prompt_panel.takes_spin.value()
        sent = f"{count} takes sent." if count > 1 else "Sent."
        return self._send(request, count, sent)

    def _send(
        self, request: GenerationRequest, count: int, sent: str, group: str | None = None
    ) -> bool:
        """Every way of sending: the budget first, then the guards' questions (a new take
        of a finished request is not a repeat: only the spend question stands)."""
        verdict = self.desk.check(request, count)
        if not verdict.fits:
            self.statusBar().showMessage(f"Not sent: {verdict.message}", 15_000)
            return False
        guards = self.studio.guards
        needed = guards.needed(request)
        if group is not None:
            needed = [g for g in needed if g is Guard.SPEND]
        if not all(self._ask(guard, count) for guard in needed):
            return False
        self.desk.send_takes(request, count, group=group)
        if group is None:
            guards.sent(request)
        self._update_budget()
        self.statusBar().showMessage(f"{sent} {SENT_TAIL}", 5000)
        return True

    def _ask(self, guard: Guard, count: int = 1) -> bool:
        if guard is Guard.REPEAT:
            return self.confirm_repeat()
        go, never_again = self.confirm_spend(count) if count > 1 else self.confirm_spend()
        if go and never_again:
            self.studio.guards.stop_asking_to_spend()
        return go

    def confirm_board(self, board: Board, count: int) -> bool:
        """A board run asks what Generate asks: one question for all the takes it sends."""
        shot = next((s for s in board.shots if s.kept is None), None)
        if shot is None or Guard.SPEND not in self.studio.guards.needed(shot.request(None)):
            return True
        return self._ask(Guard.SPEND, count)

    def confirm_repeat(self) -> bool:
        return ask_repeat(self)

    def confirm_spend(self, count: int = 1) -> tuple[bool, bool]:
        """(go ahead, don't ask again)."""
        return ask_spend(self, count)

    def play(self, job: JobRecord) -> None:
        if job.video_path:
            self.chain.cancel()
            self._playing = job
            self.player.play_file(Path(job.video_path), loop=bool(job.body.get("loop")))

    def play_chain(self, jobs: list[JobRecord]) -> None:
        paths = [Path(j.video_path) for j in jobs if j.video_path]
        if paths:
            self._playing = jobs[0]
            self.chain.play(paths)
            self.statusBar().showMessage(f"Playing a chain of {len(paths)} clips", 5000)

    def retry(self, job: JobRecord) -> bool:
        """The same request again, through the same budget and questions as Generate."""
        return self.send_one(GenerationRequest.from_body(dict(job.body)), "Sent again.")

    def send_one(self, request: GenerationRequest, sent: str = "Sent.") -> bool:
        """One clip (a retry, a modify, a reframe): the budget and questions of Generate."""
        return self._send(request, 1, sent)

    def _take_back_sent(self) -> None:
        """An error came: "Sent. You can keep working…" is no longer the news."""
        if self.statusBar().currentMessage().endswith(SENT_TAIL):
            self.statusBar().clearMessage()

    def _on_job_id(self, act: Callable[[JobRecord], None]) -> Callable[[str], None]:
        def on_id(local_id: str) -> None:
            job = self.studio.queue.model.job(local_id)
            if job is not None:
                act(job)

        return on_id

    def _retry_id(self, local_id: str) -> None:
        job = self.studio.library.find(local_id)
        if job is not None:
            self.retry(job)

    def another_take(self, job: JobRecord) -> bool:
        """Re-roll a finished request: a normal action, one more take of its group (only
        the budget and, with a real key, the spend question stand in the way)."""
        request = GenerationRequest.from_body(dict(job.body))
        return self._send(request, 1, "Another take is on its way.", self.desk.group_for(job))

    def compare(self, takes: list[JobRecord]) -> CompareView:
        return review.compare(self, self.desk, takes)

    def pick_board_take(self, board_id: str, index: int, takes: list[JobRecord]) -> CompareView:
        """A board waiting for the artist: compare the shot's takes, Keep one, go on."""
        return review.pick_board_take(self, self.desk, board_id, index, takes)

    def rate(self, jobs: list[JobRecord], stars: int) -> None:
        for job in jobs:
            self.desk.takes.rate(job.local_id, stars)
        self.statusBar().showMessage(f"Rated {'★' * stars or 'no stars'}", 3000)

    def export_clips(self, jobs: list[JobRecord]) -> ExportDialog:
        """The export dialog for one clip or a chain (it stays open while it works)."""
        return review.export(self, jobs, self.studio.data_dir / "exports")

    # -- extension gestures ------------------------------------------------------------

    # Each asks first (Replace / Keep mine / Cancel) if it would replace the artist's slot.

    def extend(self, job: JobRecord, direction: str) -> None:
        self._fill_slots(self.studio.draft.plan_extend(job, Direction(direction)))

    def bridge(self, a: JobRecord, b: JobRecord) -> None:
        self._fill_slots(self.studio.draft.plan_bridge(a, b))

    def extend_to_image(self, job: JobRecord, image: str, prepend: bool) -> None:
        """An image dropped on a clip: the new clip ends on it (Alt: starts from it)."""
        self._fill_slots(self.studio.draft.plan_to_image(job, image, prepend))

    def _fill_slots(self, steps: list[Step]) -> None:
        draft, panel = self.studio.draft, self.prompt_panel
        self.slots_question = fill_slots(self, steps, draft.apply_plan, panel.focus_prompt)

    def _image_on_player(self, path: Path, prepend: bool) -> None:
        job = self._playing
        if job is not None and job.generation_id and not self.chain.active:
            self.extend_to_image(job, str(path), prepend)
        else:
            self.statusBar().showMessage("Play a finished clip first, then drop the image on it.")

    def forget_deleted(self, job: JobRecord) -> None:
        if self.player.current_path() == Path(job.video_path or "-"):
            self.player.clear()
            self._playing = None

    def _player_busy(self) -> bool:
        playing = self.player.current_path() is not None and self.player.media_player.isPlaying()
        return playing or self.chain.active

    def reuse(self, job: JobRecord) -> None:
        self.studio.draft.reuse(job)
        self.prompt_panel.focus_prompt()

    def remake(self, request: GenerationRequest) -> None:
        """Modify… / Reframe: into the draft; Generate sends it like any clip."""
        self.studio.draft.load(request)
        self.prompt_panel.focus_prompt()

    def _use_frame(self, image: QImage, frame: str) -> None:
        slot = self.studio.frame0 if frame == "frame0" else self.studio.frame1
        slot.load_image(image, "frame from the player")

    def open_settings(self) -> None:
        self.settings_dialog().exec()

    def settings_dialog(self) -> SettingsDialog:
        """Settings, wired to this window (a key entered or removed takes effect at once)."""
        return settings_wiring.dialog(self, self.studio, self.add_budget, self._key_changed)

    def add_budget(self, dialog: SettingsDialog) -> BudgetBox:
        """The Budget section, above the dialog's buttons; saved when the dialog is."""
        return settings_wiring.add_budget(dialog, self.desk, self._update_budget)

    def _key_changed(self) -> None:
        if self.studio.demo_wanted() != self.studio.demo:
            # A key entered in demo mode, or the last key removed: the other mode, now.
            self.mode_switch_requested.emit()
        elif not self.studio.demo:
            self.studio.queue.retry_paused()
            self.studio.errors.clear()

    def closeEvent(self, event: QCloseEvent) -> None:
        # The title bar's close (a spontaneous event) asks like File → Quit; a close the
        # app makes itself (after Quit asked, a mode switch) does not ask twice.
        if event.spontaneous() and not may_quit(self):
            event.ignore()
            return
        settings = self.studio.settings
        settings.update(window=window_memory.remember(self, settings.prefs.window, self.splitters))
        self.player.stop()
        self.desk.close()
        super().closeEvent(event)
