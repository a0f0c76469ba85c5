"""Takes the README's Ray 3.2 screenshots: the prompt panel extending a Ray 3.2 clip
(its controls, and the note that it continues from the clip's last frame), and the
library with a modified clip beside its source.

Run under a real X server (Xvfb) so fonts and styles render as on a desktop:

    xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python packaging/screenshot_ray32.py
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_API", "pyside6")
import qasync
from PySide6.QtWidgets import QApplication

from luma_desktop.bootstrap import Options, open_studio
from luma_desktop.core.jobs import JobRecord
from luma_desktop.core.request import GenerationRequest
from luma_desktop.sim import SimConfig
from luma_desktop.studio.extension import Direction
from luma_desktop.studio.session import Studio
from luma_desktop.ui.main_window import MainWindow
from luma_desktop.ui.remake import modify_request
from luma_desktop.ui.theme import apply_dark_theme

sys.path.insert(0, str(Path(__file__).parent))
from screenshot import save_screen, until

OUT = Path("resources/screenshots")
SOURCE = "a fishing harbour at dawn, boats at their moorings, gulls overhead"
CHANGE = "the same harbour deep in snow, lamps lit, the boats iced in"


async def _made(studio: Studio, request: GenerationRequest) -> JobRecord:
    done: list[JobRecord] = []
    studio.queue.job_ready.connect(done.append)
    studio.queue.generate(request)
    await until(lambda: bool(done))
    studio.queue.job_ready.disconnect(done.append)
    return studio.queue.engine.store.get(done[0].local_id)


async def shoot() -> None:
    data = Path(tempfile.mkdtemp(prefix="luma-shot-"))
    sim = SimConfig(api_key=None, queued_seconds=0.5, dreaming_seconds=1.0, hold_seconds=30.0)
    async with open_studio(Options(demo=True, data_dir=data, sim_config=sim)) as studio:
        window = MainWindow(studio)
        window.resize(1560, 900)
        window.show()
        studio.queue.load()
        source = await _made(studio, GenerationRequest(SOURCE, model="ray-3.2", hdr=True))
        panel = window.prompt_panel

        # The Ray 3.2 controls, extending the clip through its last frame.
        panel.model_combo.setCurrentIndex(panel.model_combo.findData("ray-3.2"))
        panel.resolution_combo.setCurrentIndex(panel.resolution_combo.findData("1080p"))
        panel.hdr_check.setChecked(True)
        window.extend(source, Direction.FORWARD.value)
        panel.prompt_edit.setPlainText("the first boats head out as the sun clears the hills")
        slot = studio.frame0
        await until(lambda: slot.keyframe is not None and panel.generate_button.isEnabled())
        window.play(source)
        await until(lambda: window.player.media_player.position() > 600)
        await asyncio.sleep(0.3)
        save_screen(window, OUT / "ray32.png")

        # Modify… through the prompt panel, then the modified clip beside its source in
        # the library, the lineage strip naming the source.
        window.remake(modify_request(source))
        panel.prompt_edit.setPlainText(CHANGE)
        await until(panel.generate_button.isEnabled)
        done: list[JobRecord] = []
        studio.queue.job_ready.connect(done.append)
        panel.generate()
        await until(lambda: bool(done))
        modified = done[0]
        window.side_tabs.setCurrentWidget(window.library)
        studio.library.reload()
        window.library.select_job(modified.local_id, reveal=True)
        window.play(modified)
        await until(lambda: window.player.media_player.position() > 600)
        await asyncio.sleep(0.5)
        save_screen(window, OUT / "modified.png")
        window.close()


def main() -> None:
    app = QApplication(sys.argv[:1])
    app.setQuitOnLastWindowClosed(False)
    apply_dark_theme(app)
    with asyncio.Runner(loop_factory=qasync.QEventLoop) as runner:
        runner.run(shoot())


if __name__ == "__main__":
    main()
