"""The artist's desk for one window: the artist database and what works on it (boards,
takes, the budget caps, prompt history and the artist's presets), opened beside the
studio and closed with the window."""

from __future__ import annotations

import contextlib

from PySide6.QtCore import QObject, Signal

from luma_desktop.core import budget
from luma_desktop.core.artist_db import FILE_NAME, open_artist_db
from luma_desktop.core.budget import Caps, Spend, Verdict
from luma_desktop.core.craft import PromptHistory
from luma_desktop.core.jobs import JobRecord, JobStatus
from luma_desktop.core.presets import UserPresets
from luma_desktop.core.request import GenerationRequest
from luma_desktop.core.takes import Takes
from luma_desktop.studio.board_runner import BoardRunner
from luma_desktop.studio.session import Studio
from luma_desktop.studio.shot_edits import ShotEdits


class Desk(QObject):
    groups_changed = Signal()  # takes filed or kept: the library's stacks change

    def __init__(self, studio: Studio, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db = open_artist_db(studio.data_dir / FILE_NAME)
        self._closed = False
        self.studio = studio
        queue = studio.queue
        self.runner = BoardRunner(queue.engine, studio.tasks, self.db, queue.track, self.caps, self)
        self.takes = Takes(self.db)
        self.history = PromptHistory(self.db)
        self.presets = UserPresets(self.db)
        self.edits = ShotEdits(self.runner.boards, studio.tasks, self)

    def caps(self) -> Caps:
        return budget.load_caps(self.db)

    def set_caps(self, caps: Caps) -> None:
        budget.save_caps(self.db, caps)

    def keep(self, local_id: str) -> None:
        self.takes.keep(local_id)
        self.groups_changed.emit()

    def spent_today(self) -> Spend:
        store = self.studio.queue.engine.store
        return budget.spent_today(store.created_since)

    def check(self, request: GenerationRequest, count: int) -> Verdict:
        """Does ``count`` takes of ``request`` fit under today's cap?"""
        what = f"These {count} takes" if count > 1 else "This generation"
        cost = budget.estimate(request) * count
        return budget.check(cost, self.caps(), self.spent_today(), what=what)

    def send_takes(self, request: GenerationRequest, count: int, group: str | None = None) -> str:
        """Send ``count`` takes of ``request`` as one group (or more takes of ``group``)."""
        if group is None:
            group = self.takes.new_group(request.prompt, count)
        self.history.add(request.prompt)
        self.studio.tasks.spawn(self._send(group, request, count), name="takes")
        return group

    async def _send(self, group: str, request: GenerationRequest, count: int) -> None:
        for _ in range(count):
            # Through the queue: counted in "spent this session" and tracked like any job.
            job = await self.studio.queue.send(request)
            self.takes.add(group, job.local_id)
        self.groups_changed.emit()

    def takes_of(self, job: JobRecord) -> list[JobRecord]:
        """The ready takes of ``job``'s group, in the order they were sent."""
        group = self.takes.group_of(job.local_id)
        store = self.studio.queue.engine.store
        found = []
        for local_id in group.takes if group else ():
            with contextlib.suppress(KeyError):
                take = store.get(local_id)
                if take.status is JobStatus.READY and take.video_path:
                    found.append(take)
        return found

    def group_for(self, job: JobRecord) -> str:
        """``job``'s group; a clip made alone becomes the first take of a new one."""
        group = self.takes.group_of(job.local_id)
        if group is not None:
            return group.group_id
        group_id = self.takes.new_group(job.prompt, 1)
        self.takes.add(group_id, job.local_id)
        return group_id

    def close(self) -> None:
        """Idempotent: the window may be closed more than once."""
        if not self._closed:
            self._closed = True
            self.runner.close()
            self.db.close()
