"""Runs boards: each shot's takes, then the next shot extending the kept take.

It acts on ``core.boards.next_step`` whenever a job of the running board changes (the
engine's event stream), so a board goes on by itself while the artist works, and
stops where the artist must pick a take (``auto_keep`` off) or a shot failed. Every
shot is checked against the budget before it is sent. A board on a model that cannot
continue a clip by its id (Ray 3.2) chains its shots through the previous shot's last
frame (:func:`luma_desktop.core.continuation.through_frames`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from luma_desktop.core import budget
from luma_desktop.core.boards import (
    Board,
    Boards,
    Next,
    Shot,
    Step,
    next_step,
    take_groups,
    to_run,
)
from luma_desktop.core.budget import Caps, Spend, Verdict
from luma_desktop.core.continuation import FrameUnavailable, through_frames
from luma_desktop.core.engine import JobEngine
from luma_desktop.core.events import JobEvent
from luma_desktop.core.jobs import JobRecord, JobStatus
from luma_desktop.core.request import GenerationRequest
from luma_desktop.core.takes import Takes
from luma_desktop.studio.tasks import TaskGroup

STEP_TEXT = {
    Step.RUN: "Sending shot {n}…",
    Step.WAIT: "Shot {n} is dreaming…",
    Step.PICK: "Pick the take of shot {n} to go on from (Keep in the compare view).",
    Step.FAILED: "No take of shot {n} came out. Re-run the board to try it again.",
    Step.DONE: "Every shot has a kept take: play or export the board.",
}


class BoardRunner(QObject):
    changed = Signal(object)  # Board: shots, takes or kept changed
    status = Signal(str)  # what the board is doing, in words
    refused = Signal(str)  # the budget said no: the plain message
    finished = Signal(object)  # Board: every shot kept

    def __init__(
        self,
        engine: JobEngine,
        tasks: TaskGroup,
        db: sqlite3.Connection,
        track: Callable[[str], None],
        caps: Callable[[], Caps],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.engine = engine
        self.boards = Boards(db)
        self.takes = Takes(db)
        self._tasks = tasks
        self._track = track
        self._caps = caps
        self.running: str | None = None  # the board being run
        self._sending = False
        self._unsubscribe = engine.subscribe(self._on_event)

    def close(self) -> None:
        self._unsubscribe()
        self.running = None

    # -- what the panel calls ----------------------------------------------------------

    def run(self, board_id: str) -> None:
        self.running = board_id
        self._advance()

    def stop(self) -> None:
        self.running = None
        self.status.emit("Stopped. Jobs already sent go on; Run continues the board.")

    def keep(self, board_id: str, index: int, local_id: str) -> None:
        """The artist's pick (or the automatic one): shot ``index`` goes on from this take."""
        self.takes.keep(local_id)
        board = self.boards.update_shot(board_id, index, kept=local_id)
        self.changed.emit(board)
        if board_id == self.running:
            self._advance()

    def rerun_shot(self, board_id: str, index: int) -> Board:
        """Re-roll shot ``index``: it and the shots after it run again."""
        board = self.boards.rerun_from(board_id, index)
        self.changed.emit(board)
        return board

    def ready_takes(self, shot: Shot) -> list[JobRecord]:
        """A shot's takes that came out, to pick from."""
        if shot.take_group is None:
            return []
        jobs = [self._job(t) for t in self.takes.group(shot.take_group).takes]
        return [j for j in jobs if j is not None and j.status is JobStatus.READY]

    def kept_jobs(self, board: Board) -> list[JobRecord]:
        """The kept takes in shot order, as far as the board has come."""
        found = [self._job(s.kept) for s in board.shots if s.kept]
        return [j for j in found if j is not None and j.video_path]

    def cost_before(self, board: Board) -> float:
        """What running the board from here is expected to cost."""
        return sum(
            budget.estimate(shot.request(None)) * board.settings.takes
            for shot in board.shots
            if shot.kept is None
        )

    def caps_for(self, board: Board) -> Caps:
        """Today's cap, and the board's own cap (else the per-board cap in Settings)."""
        caps = self._caps()
        return Caps(caps.per_day, board.settings.cap_credits or caps.per_board)

    def check(self, board: Board) -> Verdict:
        """Does running the rest of ``board`` fit under the caps? Asked before Run sends
        anything, so a run that would pass a cap does not start and stop half-way."""
        today = budget.spent_today(self.engine.store.created_since)
        cost, so_far = self.cost_before(board), self.cost_so_far(board)
        what = "Running the rest of this board"
        return budget.check(cost, self.caps_for(board), today, so_far, what=what)

    def cost_so_far(self, board: Board) -> Spend:
        jobs = [self._job(t) for g in take_groups(board) for t in self.takes.group(g).takes]
        return budget.spent(j for j in jobs if j is not None)

    # -- the chain ---------------------------------------------------------------------

    def _on_event(self, event: JobEvent) -> None:
        if self.running is None or self._sending:
            return
        board = self.boards.get(self.running)
        group = self.takes.group_of(event.job.local_id)
        if group is not None and group.group_id in take_groups(board):
            self._advance()

    def _advance(self) -> None:
        if self.running is None or self._sending:
            return
        board = self.boards.get(self.running)
        step = next_step(board, self._job, self.takes.group)
        if step.step is Step.KEEP and step.take:
            self.keep(board.board_id, step.index, step.take)
            return
        self.status.emit(STEP_TEXT[step.step].format(n=step.index + 1))
        if step.step is Step.RUN:
            self._send(board, step)
        elif step.step is Step.DONE:
            self.running = None
            self.finished.emit(board)
        elif step.step is Step.FAILED:
            self.running = None

    def _send(self, board: Board, step: Next) -> None:
        shot = board.shots[step.index]
        request = shot.request(step.extends)
        count = board.settings.takes
        caps = self._caps()
        caps = Caps(caps.per_day, board.settings.cap_credits or caps.per_board)
        today = budget.spent_today(self.engine.store.created_since)
        what = f"Shot {step.index + 1} ({count} take{'s' if count > 1 else ''})"
        cost = budget.estimate(request) * count
        verdict = budget.check(cost, caps, today, self.cost_so_far(board), what=what)
        if not verdict.fits:
            self.running = None
            self.refused.emit(verdict.message)
            return
        self._sending = True
        self._tasks.spawn(self._submit(board, step.index, request, count), name="board shot")

    async def _submit(
        self, board: Board, index: int, request: GenerationRequest, count: int
    ) -> None:
        try:
            try:
                request = await through_frames(request, self.engine.store.find_generation)
            except FrameUnavailable as exc:
                self.running = None
                self.status.emit(f"Shot {index + 1} cannot continue the shot before: {exc}")
                return
            group = self.takes.new_group(request.prompt, count)
            for _ in range(count):
                job = await self.engine.submit(request)
                self.takes.add(group, job.local_id)
                if job.status.active:
                    self._track(job.local_id)
            self.changed.emit(self.boards.update_shot(board.board_id, index, take_group=group))
        finally:
            self._sending = False
        self._advance()

    def _job(self, local_id: str) -> JobRecord | None:
        try:
            return self.engine.store.get(local_id)
        except KeyError:
            return None


def summary(board: Board) -> str:
    shots = len(board.shots)
    kept = sum(1 for s in board.shots if s.kept)
    return f"{kept} of {shots} shot{'s' if shots != 1 else ''} kept; {to_run(board)} takes to run"
