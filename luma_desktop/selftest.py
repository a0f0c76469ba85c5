"""``luma-desktop --selftest``: prove a build works, end to end, in a throwaway profile.

Starts the studio in demo mode (the simulator in-process), runs one generation to
the end through the real JobQueue, plays the clip in the real window until decoded
frames reach the video sink, checks that keyring can load a backend, and that text
sorts and case-maps in several languages (the bundle's ICU data is trimmed), that the
keychain's cipher works, and that every keyframe image format is read. Prints one
line, ``selftest: ok …`` (exit 0) or ``selftest: FAILED <reason>`` (exit 1).

It never touches the artist's profile: HOME, the XDG folders, APPDATA and the data
folder all point into a temporary folder before anything reads them, and the studio
gets a key store without a keychain. With no display it picks Qt's offscreen platform
itself (a bundle started without one would otherwise abort with a misleading xcb
message).
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import keyring
from keyring.backends.null import Keyring as NoKeychain
from PySide6.QtCore import QObject, Slot
from PySide6.QtMultimedia import QVideoFrame, QVideoSink
from PySide6.QtWidgets import QApplication

from luma_desktop.bootstrap import Options, open_studio
from luma_desktop.bundle_aes import keychain_cipher_problem
from luma_desktop.core.jobs import JobRecord, JobStatus
from luma_desktop.core.request import GenerationRequest
from luma_desktop.core.secrets import KeyStore
from luma_desktop.selftest_images import FORMATS, image_problems
from luma_desktop.selftest_text import SORTED, text_problems
from luma_desktop.sim import SimConfig
from luma_desktop.studio.event_loop import StudioLoop
from luma_desktop.studio.job_queue import JobQueue
from luma_desktop.ui.icons import app_icon
from luma_desktop.ui.main_window import MainWindow
from luma_desktop.ui.theme import apply_dark_theme

TIMEOUT_SECONDS = 60.0  # the generation and playback, inside the event loop
WATCHDOG_GRACE = 15.0  # then the whole process, whatever it is doing
FRAMES_WANTED = 12  # the sample clips have 48 (2 s at 24 fps)
PROMPT = "selftest: a paper boat on a rainy street"
FAST_SIM = SimConfig(api_key=None, queued_seconds=0.2, dreaming_seconds=0.5, hold_seconds=5.0)


class SelftestError(Exception):
    """A step did not do what it should; the message says which and how."""


@dataclass
class Progress:
    step: str = "starting"
    generation_id: str = ""
    frames: int = 0


def isolate_profile(root: Path) -> None:
    """Point every per-user location into ``root`` (before anything reads them)."""
    home = root / "home"
    home.mkdir(parents=True, exist_ok=True)
    for name in ("HOME", "USERPROFILE", "APPDATA", "LOCALAPPDATA"):
        os.environ[name] = str(home)
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        os.environ[name] = str(home / name.lower())
    if not os.environ.get("XDG_RUNTIME_DIR"):
        # Only when missing: a real one is where the session bus and sound server live.
        runtime = root / "runtime"
        runtime.mkdir(mode=0o700, exist_ok=True)
        os.environ["XDG_RUNTIME_DIR"] = str(runtime)
    os.environ["LUMA_DESKTOP_DATA_DIR"] = str(root / "data")
    for name in ("AIMLAPI_KEY", "LUMA_DESKTOP_BASE_URL"):
        os.environ.pop(name, None)


def choose_platform() -> None:
    """Offscreen when there is no display at all (must run before QApplication exists)."""
    has_display = os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    if sys.platform.startswith("linux") and not has_display:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("QT_API", "pyside6")


def keyring_summary() -> str:
    """The backend keyring would use, or why there is none (which is not a failure)."""
    if not entry_points(group="keyring.backends"):
        # keyring finds its backends through its package metadata: a packaging bug.
        raise SelftestError("keyring has no backends registered (its metadata is missing)")
    problem = keychain_cipher_problem()
    if problem:
        raise SelftestError(f"the keychain could not be used: {problem}")
    backend = keyring.get_keyring()
    if not KeyStore(backend=backend).keychain_available:
        return "none: no keychain"
    chained = getattr(backend, "backends", None)
    parts = chained if chained else [backend]
    return "+".join(type(b).__module__.rsplit(".", 1)[-1] for b in parts)


def run_selftest(timeout: float = TIMEOUT_SECONDS) -> int:
    started = time.perf_counter()
    progress = Progress()
    watchdog = _watchdog(timeout + WATCHDOG_GRACE, progress)
    try:
        return _run(started, progress, timeout)
    finally:
        watchdog.cancel()


def _watchdog(seconds: float, progress: Progress) -> threading.Timer:
    """The last resort: a step that hangs outside the event loop (a keychain that never
    answers, a shutdown that never ends) still ends the self-test with its one line."""

    def expire() -> None:
        print(f"selftest: FAILED hung for {seconds:.0f} s while {progress.step}", flush=True)
        os._exit(2)

    timer = threading.Timer(seconds, expire)
    timer.daemon = True
    timer.start()
    return timer


def _run(started: float, progress: Progress, timeout: float) -> int:
    with tempfile.TemporaryDirectory(prefix="luma-selftest-") as tmp:
        isolate_profile(Path(tmp))
        choose_platform()
        try:
            progress.step = "asking keyring for a backend"
            keychain = keyring_summary()
            _run_studio(Path(tmp) / "data", progress, timeout)
            progress.step = "sorting and case-mapping text (ICU)"
            text = _text_check()
            progress.step = "preparing keyframes in every offered format (Pillow)"
            images = _image_check()
            progress.step = "exporting the demo clip (ProRes, timeline)"
            exported = _export_check(Path(tmp))
        except SelftestError as exc:
            return _failed(str(exc))
        except TimeoutError:
            return _failed(f"timed out after {timeout:.0f} s while {progress.step}")
        except Exception as exc:  # noqa: BLE001 - any surprise is the answer: one line, exit 1
            return _failed(f"{type(exc).__name__} while {progress.step}: {exc}")
    elapsed = time.perf_counter() - started
    print(
        f"selftest: ok generation={progress.generation_id[:8]} frames={progress.frames} "
        f"keyring={keychain} export={exported} text={text} images={images} elapsed={elapsed:.1f}s",
        flush=True,
    )
    return 0


def _export_check(folder: Path) -> str:
    """Qt's FFmpeg (through ctypes) and OpenTimelineIO's adapters work in this build."""
    from luma_desktop.core.export import ExportFormat, ExportRequest, export
    from luma_desktop.core.timeline import TimelineFormat, describe, read_clips, write
    from luma_desktop.sim.video import job_clip

    clip = folder / "selftest-source.mp4"
    clip.write_bytes(job_clip("selftest", {"prompt": "selftest", "aspect_ratio": "16:9"}))
    result = export(ExportRequest((clip,), folder / "selftest.mov", ExportFormat.PRORES))
    shots = [describe(clip, "one"), describe(clip, "two")]
    cut = write(folder / "selftest.xml", "selftest", shots, TimelineFormat.FCP_XML)
    if result.frames < 1 or len(list(read_clips(cut))) != 2:
        raise SelftestError("the export or the timeline came out wrong")
    return f"prores:{result.frames}f,fcp_xml:2"


def _text_check() -> str:
    """The bundle's trimmed ICU data still sorts and case-maps the major languages."""
    problems = text_problems()
    if problems:
        raise SelftestError("text came out wrong: " + "; ".join(problems))
    return f"{len(SORTED)}langs"


def _image_check() -> str:
    """Pillow's trimmed libraries still read and write every keyframe format offered."""
    problems = image_problems()
    if problems:
        raise SelftestError("keyframe images failed: " + "; ".join(problems))
    return f"{len(FORMATS)}fmts"


def _failed(reason: str) -> int:
    print(f"selftest: FAILED {reason}", flush=True)
    return 1


def _run_studio(data: Path, progress: Progress, timeout: float) -> None:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("Luma Desktop")
    app.setQuitOnLastWindowClosed(False)  # the loop ends when the coroutine does
    app.setWindowIcon(app_icon())
    apply_dark_theme(app)
    with asyncio.Runner(loop_factory=StudioLoop) as runner:
        runner.run(asyncio.wait_for(_generate_and_play(data, progress), timeout))


async def _generate_and_play(data: Path, progress: Progress) -> None:
    progress.step = "starting the studio"
    # A key store without a keychain: the self-test never reads the artist's key.
    keys = KeyStore(backend=NoKeychain())
    options = Options(demo=True, data_dir=data, sim_config=FAST_SIM)
    async with open_studio(options, keys) as studio:
        window = MainWindow(studio)
        window.show()
        studio.queue.load()
        try:
            progress.step = "generating a clip"
            job = await _one_generation(studio.queue)
            progress.generation_id = job.generation_id or ""
            progress.step = "playing the clip"
            await _play(window, job, progress)
            progress.step = "shutting down"
        finally:
            window.close()
            window.deleteLater()


async def _one_generation(queue: JobQueue) -> JobRecord:
    """Submit one request and await its clip on disk; a job that ends otherwise fails."""
    done: asyncio.Future[JobRecord] = asyncio.get_running_loop().create_future()

    def changed(job: JobRecord) -> None:
        ended = job.status.terminal and job.status is not JobStatus.READY
        if not done.done() and (ended or job.status is JobStatus.UNKNOWN):
            reason = job.error_message or "no reason given"
            done.set_exception(SelftestError(f"the generation ended {job.status}: {reason}"))

    def ready(job: JobRecord) -> None:
        if not done.done():
            done.set_result(job)

    queue.job_changed.connect(changed)
    queue.job_ready.connect(ready)
    try:
        queue.generate(GenerationRequest(PROMPT))
        return await done
    finally:
        queue.job_changed.disconnect(changed)
        queue.job_ready.disconnect(ready)


def _clip_on_disk(job: JobRecord) -> Path:
    path = Path(job.video_path or "")
    if not path.is_file():  # the player would only show a message, not fail
        raise SelftestError(f"the finished clip is not on disk: {path}")
    return path


class _FrameCounter(QObject):
    """Counts decoded frames reaching a sink, on the GUI thread.

    A QObject receiver makes the connection queued: the FFmpeg backend emits
    ``videoFrameChanged`` from its render thread, where a plain Python callable would
    run (and could not touch the event loop's futures). Frames are not kept.
    """

    def __init__(self, sink: QVideoSink, wanted: int, progress: Progress) -> None:
        super().__init__()
        self.done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._wanted = wanted
        self._progress = progress
        self._sink = sink
        sink.videoFrameChanged.connect(self.on_frame)

    @Slot(QVideoFrame)
    def on_frame(self, frame: QVideoFrame) -> None:
        if frame.isValid():
            self._progress.frames += 1
            if self._progress.frames >= self._wanted and not self.done.done():
                self.done.set_result(None)

    def fail(self, reason: str) -> None:
        if not self.done.done():
            self.done.set_exception(SelftestError(reason))

    def disconnect_sink(self) -> None:
        self._sink.videoFrameChanged.disconnect(self.on_frame)


async def _play(window: MainWindow, job: JobRecord, progress: Progress) -> None:
    """Play the clip in the window's player until enough decoded frames reach its sink."""
    path = _clip_on_disk(job)
    player = window.player
    counter = _FrameCounter(player.video_sink(), FRAMES_WANTED, progress)

    def error(*_: Any) -> None:
        message = player.error_text() or player.media_player.errorString()
        counter.fail(f"the player failed: {message}")

    player.media_player.errorOccurred.connect(error)
    try:
        # The window may already be playing the new clip by itself; load it again so
        # every frame counted comes from this clip.
        player.play_file(path)
        await counter.done
    finally:
        counter.disconnect_sink()
        player.media_player.errorOccurred.disconnect(error)
        player.stop()
