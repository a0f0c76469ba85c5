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
from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QColor, QImage, QLinearGradient, QPainter
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
        await keyframe_shot(studio, window, data, out.with_name("keyframe.png"))
        window.close()


def save_screen(window: MainWindow, out: Path) -> None:
    # The failed job's banner floats over the demo notice; the row says it failed.
    window.studio.errors.clear()
    QApplication.processEvents()
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


def portrait(path: Path) -> Path:
    """A 1080×1920 phone picture: dusk sky, a lighthouse, the sea."""
    image = QImage(1080, 1920, QImage.Format.Format_RGB32)
    painter = QPainter(image)
    sky = QLinearGradient(0, 0, 0, 1920)
    sky.setColorAt(0.0, QColor(40, 30, 90))
    sky.setColorAt(0.6, QColor(230, 120, 80))
    sky.setColorAt(0.61, QColor(20, 50, 90))
    sky.setColorAt(1.0, QColor(10, 20, 40))
    painter.fillRect(image.rect(), sky)
    painter.fillRect(QRect(470, 560, 140, 620), QColor(235, 235, 225))
    painter.fillRect(QRect(470, 700, 140, 80), QColor(200, 40, 40))
    painter.fillRect(QRect(470, 900, 140, 80), QColor(200, 40, 40))
    painter.setBrush(QColor(255, 230, 140))
    painter.drawEllipse(QRect(490, 480, 100, 100))
    painter.end()
    image.save(str(path))
    return path


async def keyframe_shot(studio: Studio, window: MainWindow, data: Path, out: Path) -> None:
    """A clip extended forward (its last frame in the first slot) to a portrait photo:
    the slot flags the shape, and the crop dialog is open to choose the area."""
    window.side_tabs.setCurrentWidget(window.job_list)
    studio.frame0.clear()
    studio.frame1.clear()
    clip = next(j for j in studio.queue.model.jobs() if j.status is JobStatus.READY)
    window.extend(clip, "forward")
    studio.frame1.load_file(portrait(data / "lighthouse.jpg"))
    window.prompt_panel.prompt_edit.setPlainText("the boat drifts out to the lighthouse at dusk")
    await until(lambda: studio.frame1.misshapen and not studio.frame1.busy)
    await until(lambda: studio.frame0.preview is not None)
    dialog = window.prompt_panel.slot1.shape_bar.open_crop()
    assert dialog is not None
    dialog.resize(520, 640)
    # Over the player, so the slot with its flag stays in sight beside it.
    dialog.move(window.player.mapToGlobal(QPoint(40, 0)))
    dialog.area.grow(0.8)
    await asyncio.sleep(0.5)
    save_screen(window, out)
    dialog.reject()


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "resources/screenshots/studio.png")
    app = QApplication(sys.argv[:1])
    app.setQuitOnLastWindowClosed(False)
    apply_dark_theme(app)
    with asyncio.Runner(loop_factory=qasync.QEventLoop) as runner:
        runner.run(shoot(out.resolve()))


if __name__ == "__main__":
    main()
