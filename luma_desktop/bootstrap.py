"""Builds every object of a running studio once, and takes it all down again.

Shared by the app, its self-test and the end-to-end tests, so they run the same
wiring. No module-level singletons: everything is made here and passed in.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, replace
from pathlib import Path

import shiboken6
from PySide6.QtCore import QObject

from luma_desktop.api.http_soon import HttpSoon
from luma_desktop.core import paths
from luma_desktop.core.catalogue import RouteChoice
from luma_desktop.core.engine import JobEngine
from luma_desktop.core.lock import DataDirLock
from luma_desktop.core.logs import setup_logging
from luma_desktop.core.policy import PollPolicy
from luma_desktop.core.recovery import recovered_message
from luma_desktop.core.secrets import KeyStore
from luma_desktop.core.store import JobStore
from luma_desktop.demo_sim import DemoSimulator
from luma_desktop.sim.config import SimConfig
from luma_desktop.studio.balance import BalanceModel
from luma_desktop.studio.connection import ConnectionTest, Probe, check_connection
from luma_desktop.studio.draft import Draft
from luma_desktop.studio.errors import ErrorHub
from luma_desktop.studio.guards import SendGuards
from luma_desktop.studio.job_queue import JobQueue
from luma_desktop.studio.keyframes import KeyframeSlotModel
from luma_desktop.studio.library_model import LibraryModel
from luma_desktop.studio.session import Studio
from luma_desktop.studio.settings import InvalidSetting, Preferences, Settings
from luma_desktop.studio.tasks import TaskGroup
from luma_desktop.studio.thumbnails import ThumbnailMaker

log = logging.getLogger(__name__)

# Demo clips are ready in seconds; holds are real so the app polls like it would for real.
DEMO_SIM = SimConfig(api_key=None, queued_seconds=1.5, dreaming_seconds=5.0, hold_seconds=30.0)
DEMO_KEY = "demo"
# What demo jobs are recorded against: each session's simulator has a new port, and
# this name is mapped to it, so a demo job interrupted by quitting finishes next time.
DEMO_GATEWAY = "demo://gateway"
SIM_JOBS_FILE = "simulator-jobs.json"


@dataclass(frozen=True)
class Options:
    demo: bool = False
    base_url: str | None = None
    data_dir: Path | None = None
    sim_config: SimConfig | None = None  # demo mode's simulator (tests make it faster)
    policy: PollPolicy | None = None  # how the engine polls (tests against a simulator)
    # The app's start-up: demo mode's simulator and the HTTP client are loaded by
    # ``Studio.start_later``, after the window's first paint, not while the studio opens.
    start_later: bool = False


def wants_demo(options: Options, keys: KeyStore) -> bool:
    """Demo when asked, or when there is no key and no gateway was named."""
    return options.demo or (keys.get() is None and options.base_url is None)


def _follow_settings(engine: JobEngine, prefs: Preferences, data: Path, pinned: bool) -> None:
    """New jobs go to the new gateway and folder; jobs already sent keep theirs."""
    if not pinned:
        engine.base_url = prefs.base_url
    engine.library = Path(prefs.download_dir) if prefs.download_dir else paths.library_dir(data)
    engine.limits = prefs.limits()
    _follow_route(engine, prefs)


def _follow_route(engine: JobEngine, prefs: Preferences) -> None:
    engine.routes.choice = RouteChoice(prefs.route)


def _open_draft(
    settings: Settings, tasks: TaskGroup, library: LibraryModel, demo: bool, root: QObject
) -> Draft:
    """The request being composed: the preferred parameters, then what was left last time.
    Demo mode keeps its own (its clip ids mean nothing to the real gateway)."""
    draft = Draft(
        KeyframeSlotModel("frame0", tasks, root),
        KeyframeSlotModel("frame1", tasks, root),
        path=paths.config_dir() / ("draft-demo.json" if demo else "draft.json"),
        find=library.find_generation,
        parent=root,
    )
    prefs = settings.prefs
    draft.set_defaults(
        {
            "aspect_ratio": prefs.aspect_ratio,
            "model": prefs.model,
            "resolution": prefs.resolution,
            "duration": prefs.duration,
        }
    )
    draft.restore()
    draft.set_image_folder(prefs.image_folder)
    draft.image_folder_changed.connect(lambda folder: _remember_folder(settings, folder))
    return draft


def _later(http: HttpSoon, sim: DemoSimulator | None) -> Callable[[], None]:
    """What waits for the window's first paint: both load on worker threads."""

    def start() -> None:
        http.start_soon()
        if sim is not None:
            sim.start_soon()

    return start


def _connection_probe(http: HttpSoon) -> Probe:
    async def probe(base_url: str, key: str) -> str | None:
        return await check_connection(http.get(), base_url, key)

    return probe


def _remember_folder(settings: Settings, folder: str) -> None:
    try:
        settings.update(image_folder=folder)
    except InvalidSetting as exc:  # not a full path: the picker keeps its own default
        log.warning("the image folder is not remembered: %s", exc)


def demo_policy(config: SimConfig) -> PollPolicy:
    """The simulator renders in seconds: the unified route's poll schedule is built
    around its render time, and polls of this machine's own server may come fast."""
    render = config.queued_seconds + config.dreaming_seconds
    return PollPolicy(expected_render=render, min_interval=min(3.0, max(0.02, render / 15)))


@contextlib.asynccontextmanager
async def open_studio(options: Options, keys: KeyStore | None = None) -> AsyncIterator[Studio]:
    """Everything a window needs; raises ``DataDirLocked`` if another instance runs."""
    # The window honours AIMLAPI_KEY as the command line does, and an opted-in key file.
    keys = keys or KeyStore(use_env=True, key_file=paths.key_file())
    demo = wants_demo(options, keys)
    base = options.data_dir or paths.data_dir()
    data = paths.demo_dir(base) if demo else base
    async with contextlib.AsyncExitStack() as stack:
        # Every studio QObject hangs off this root, deleted last and on this (the GUI)
        # thread. Left to Python, an object caught in a reference cycle can be collected
        # on any thread that happens to allocate (the simulator's, a worker's), and a Qt
        # object destroyed off its thread leaves timers that fire into freed memory.
        root = QObject()
        stack.callback(shiboken6.delete, root)
        stack.enter_context(DataDirLock(data))
        settings = Settings(paths.config_dir() / "settings.json", root)
        key_source = (lambda: DEMO_KEY) if demo else keys.get
        handler = setup_logging(paths.log_dir(data), key_source)
        stack.callback(logging.getLogger().removeHandler, handler)
        log.info("starting (demo=%s, data=%s)", demo, data)
        sim: DemoSimulator | None = None
        if demo:
            config = replace(options.sim_config or DEMO_SIM, state_file=str(data / SIM_JOBS_FILE))
            sim = DemoSimulator(config)  # listening now; serving once started
            stack.callback(sim.stop)
            if not options.start_later:
                sim.start_soon()
            base_url = DEMO_GATEWAY
        else:
            base_url = options.base_url or settings.prefs.base_url
        # The one HTTP client, made when first needed or by ``start_later`` (api/http_soon.py).
        http = HttpSoon(proxy=settings.prefs.proxy or None)
        stack.push_async_callback(http.aclose)
        store = JobStore(paths.store_path(data))
        stack.callback(store.close)
        library = Path(settings.prefs.download_dir) if settings.prefs.download_dir else None
        engine = JobEngine(
            store,
            http,
            key_source,
            library if library and not demo else paths.library_dir(data),
            base_url=base_url,
            limits=settings.prefs.limits(),
            policy=options.policy or (demo_policy(sim.config) if sim else None),
            route_choice=settings.prefs.route,
        )
        if sim is not None:
            engine.alias(DEMO_GATEWAY, sim.base_url)
        if store.recovered_from is not None:
            # Said at start-up where start-up problems are said (the status bar).
            settings.problems.append(recovered_message(store, engine.library, base_url))
        if not demo:
            pinned = options.base_url is not None  # a --base-url wins over Settings
            settings.changed.connect(lambda prefs: _follow_settings(engine, prefs, data, pinned))
        else:  # the demo keeps its gateway and folder; its simulator serves both routes
            settings.changed.connect(lambda prefs: _follow_route(engine, prefs))
        errors = ErrorHub(root)
        tasks = TaskGroup(on_error=errors.report_exception)
        queue = JobQueue(engine, tasks, errors, ThumbnailMaker(data / "thumbnails"), root)
        stack.callback(queue.close)
        # Model-to-model wiring lives here, not in a widget: the library, like the job
        # list, is fed by the engine's one event stream.
        library_model = LibraryModel(engine, parent=root)
        stack.callback(engine.subscribe(library_model.apply))
        stack.push_async_callback(tasks.close)  # first of all: no job runs on
        draft = _open_draft(settings, tasks, library_model, demo, root)
        stack.callback(draft.save)  # what was being written comes back next time
        yield Studio(
            queue=queue,
            settings=settings,
            keys=keys,
            errors=errors,
            tasks=tasks,
            frame0=draft.frame0,
            frame1=draft.frame1,
            draft=draft,
            guards=SendGuards(settings, demo=demo),
            library=library_model,
            demo=demo,
            data_dir=data,
            connection=ConnectionTest(_connection_probe(http), tasks, root),
            simulator=sim,
            start_later=_later(http, sim),
            demo_wanted=lambda: wants_demo(options, keys),
            balance=BalanceModel(engine, tasks, parent=root),
        )
