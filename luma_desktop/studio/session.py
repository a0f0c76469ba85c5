"""Everything one running studio holds, built once by the bootstrap and passed in."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from luma_desktop.core.secrets import KeyStore
from luma_desktop.studio.balance import BalanceModel
from luma_desktop.studio.connection import ConnectionTest
from luma_desktop.studio.draft import Draft
from luma_desktop.studio.errors import ErrorHub
from luma_desktop.studio.guards import SendGuards
from luma_desktop.studio.job_queue import JobQueue
from luma_desktop.studio.keyframes import KeyframeSlotModel
from luma_desktop.studio.library_model import LibraryModel
from luma_desktop.studio.settings import Settings
from luma_desktop.studio.tasks import TaskGroup


class DemoGateway(Protocol):
    """Demo mode's stand-in for the gateway (the built-in simulator, started by the
    bootstrap): the studio only needs its address; tests read what it received."""

    @property
    def base_url(self) -> str: ...
    @property
    def video_base_url(self) -> str: ...
    @property
    def counts(self) -> Counter[str]: ...
    @property
    def received_bodies(self) -> list[Any]: ...


@dataclass
class Studio:
    queue: JobQueue
    settings: Settings
    keys: KeyStore
    errors: ErrorHub
    tasks: TaskGroup
    frame0: KeyframeSlotModel
    frame1: KeyframeSlotModel
    draft: Draft  # the request being composed (holds frame0 and frame1)
    guards: SendGuards  # what to ask before it spends tokens
    library: LibraryModel
    demo: bool
    data_dir: Path
    connection: ConnectionTest  # "Test connection" in Settings
    simulator: DemoGateway | None = None  # demo mode's gateway
    # Whether the studio would open in demo mode now (a key entered or removed since):
    # when it differs from ``demo``, the app reopens the studio in the other mode.
    demo_wanted: Callable[[], bool] = lambda: False
    balance: BalanceModel | None = None  # the account's balance for the status bar
    # What the studio leaves for after the window's first paint (demo mode's simulator,
    # when the app opened it with ``Options.start_later``); the app calls it then.
    start_later: Callable[[], None] = lambda: None
