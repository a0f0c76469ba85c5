"""Takes the README's screenshot: the real window in demo mode, mid-work.

Run under a real X server (Xvfb) so fonts and styles render as on a desktop:

    xvfb-run -s "-screen 0 1600x900x24" .venv/bin/python packaging/screenshot.py out.png
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_API", "pyside6")
import qasync
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication

from luma_desktop.bootstrap import Options, open_studio
from luma_desktop.core.jobs import JobStatus
from luma_desktop.core.request import GenerationKeyframe, GenerationRequest
from luma_desktop.sim import SimConfig
from luma_desktop.studio.session import Studio
from luma_desktop.ui.main_window import MainWindow
from luma_desktop.ui.theme import apply_dark_theme

BOAT = "A paper boat drifts down a rain-soaked cobblestone street at dusk"
PROMPTS = [
    f"{BOAT}, lanterns glowing in the windows",  # takes that differ at the end
    f"{BOAT}, a cat watching from a doorway",
    "a red fox trotting through fresh snow, tracking shot",
    "neon rain on a Tokyo side street, handheld",
    "a lighthouse beam sweeping over a stormy sea [fail]",
]


async def until(condition: object, timeout: float = 30.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition() and loop.time() < deadline:  # type: ignore[operator]
        await asyncio.sleep(0.05)


async def shoot(out: Path) -> None:
    data = Path(tempfile.mkdtemp(prefix="luma-shot-"))
    sim = SimConfig(api_key=None, queued_seconds=1.0, dreaming_seconds=2.0, hold_seconds=30.0)
    async with open_studio(Options(demo=True, data_dir=data, sim_config=sim)) as studio:
        window = MainWindow(studio)
        window.resize(1560, 860)
        window.show()
        studio.queue.load()
        for prompt in PROMPTS:
            studio.queue.generate(GenerationRequest(prompt, aspect_ratio="16:9"))
        ready = lambda: sum(j.status is JobStatus.READY for j in studio.queue.model.jobs())
        await until(lambda: ready() >= 4)
        studio.queue.generate(GenerationRequest("a hummingbird hovering at a flower, 240 fps"))
        studio.queue.generate(GenerationRequest("timelapse of clouds over mountains", loop=True))
        image = QImage(320, 180, QImage.Format.Format_RGB32)
        image.fill(QColor(40, 90, 160))
        image.save(str(data / "keyframe.png"))
        studio.frame0.load_file(data / "keyframe.png")
        window.prompt_panel.prompt_edit.setPlainText(
            "the boat reaches a canal and drifts under a stone bridge"
        )
        await until(lambda: studio.frame0.keyframe is not None)
        await until(lambda: window.player.media_player.position() > 600)
        await asyncio.sleep(0.3)
        save_screen(window, out)
        await library_shot(studio, window, out.with_name("library.png"))
        window.close()


def save_screen(window: MainWindow, out: Path) -> None:
    # The screen, not window.grab(): video surfaces come back blank from grab().
    screen = QApplication.primaryScreen()
    geometry = window.frameGeometry()
    shot = screen.grabWindow(0, geometry.x(), geometry.y(), geometry.width(), geometry.height())
    shot.save(str(out))
    print(f"saved {out}")


async def library_shot(studio: Studio, window: MainWindow, out: Path) -> None:
    """The library tab with a lineage chain: a clip, its extension, and a lead-in."""
    store = studio.queue.engine.store
    first = next(j for j in studio.queue.model.jobs() if j.status is JobStatus.READY)
    assert first.generation_id
    frame0 = GenerationKeyframe(first.generation_id)
    studio.queue.generate(GenerationRequest("the boat drifts under a stone bridge", frame0=frame0))
    frame1 = GenerationKeyframe(first.generation_id)
    studio.queue.generate(
        GenerationRequest("a child sets the paper boat on the water", frame1=frame1)
    )
    extended = lambda: len(store.children(first.generation_id or "")) == 2
    ready = lambda: all(
        c.status is JobStatus.READY for c in store.children(first.generation_id or "")
    )
    await until(lambda: extended() and ready())
    window.side_tabs.setCurrentWidget(window.library)
    studio.library.reload()
    window.library.select_job(first.local_id)
    window.play(first)
    await until(lambda: window.player.media_player.position() > 600)
    await asyncio.sleep(0.3)
    save_screen(window, out)


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "resources/screenshots/studio.png")
    app = QApplication(sys.argv[:1])
    app.setQuitOnLastWindowClosed(False)
    apply_dark_theme(app)
    with asyncio.Runner(loop_factory=qasync.QEventLoop) as runner:
        runner.run(shoot(out.resolve()))


if __name__ == "__main__":
    main()
