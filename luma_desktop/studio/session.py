"""Everything one running studio holds, built once by the bootstrap and passed in."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from luma_desktop.core.secrets import KeyStore
from luma_desktop.sim import SimServer
from luma_desktop.studio.errors import ErrorHub
from luma_desktop.studio.job_queue import JobQueue
from luma_desktop.studio.keyframes import KeyframeSlotModel
from luma_desktop.studio.library_model import LibraryModel
from luma_desktop.studio.settings import Settings
from luma_desktop.studio.tasks import TaskGroup


@dataclass
class Studio:
    queue: JobQueue
    settings: Settings
    keys: KeyStore
    errors: ErrorHub
    tasks: TaskGroup
    frame0: KeyframeSlotModel
    frame1: KeyframeSlotModel
    library: LibraryModel
    demo: bool
    data_dir: Path
    check_connection: Callable[[str, str], Awaitable[str | None]]
    simulator: SimServer | None = None  # demo mode's gateway
