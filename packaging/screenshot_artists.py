"""Takes the README's screenshots of the compare view and of a board, in demo mode.

    xvfb-run -s "-screen 0 1600x900x24" .venv/bin/python packaging/screenshot_artists.py

Writes resources/screenshots/compare.png and resources/screenshots/board.png.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_API", "pyside6")
import qasync
from PySide6.QtWidgets import QApplication, QWidget

from luma_desktop.bootstrap import Options, open_studio
from luma_desktop.core.boards import Shot
from luma_desktop.core.jobs import JobStatus
from luma_desktop.core.request import GenerationRequest
from luma_desktop.sim import SimConfig
from luma_desktop.ui.main_window import MainWindow
from luma_desktop.ui.theme import apply_dark_theme

OUT = Path(__file__).resolve().parents[1] / "resources" / "screenshots"
SHOTS = [
    "a lighthouse on a cliff at dusk, wide shot",
    "the beam sweeps across a stormy sea, camera push in",
    "a small ship answers with a lamp, camera orbit left",
]


async def until(condition: object, timeout: float = 60.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition() and loop.time() < deadline:  # type: ignore[operator]
        await asyncio.sleep(0.05)


def save(widget: QWidget, out: Path) -> None:
    # The screen, not grab(): video surfaces come back blank from grab().
    geometry = widget.frameGeometry()
    screen = QApplication.primaryScreen()
    shot = screen.grabWindow(0, geometry.x(), geometry.y(), geometry.width(), geometry.height())
    shot.save(str(out))
    print(f"saved {out}")


async def shoot() -> None:
    data = Path(tempfile.mkdtemp(prefix="luma-shot-"))
    sim = SimConfig(api_key=None, queued_seconds=0.5, dreaming_seconds=1.0, hold_seconds=30.0)
    async with open_studio(Options(demo=True, data_dir=data, sim_config=sim)) as studio:
        window = MainWindow(studio)
        window.resize(1560, 860)
        window.show()
        studio.queue.load()
        store = studio.queue.engine.store
        request = GenerationRequest("a heron lifts off a misty pond at dawn", aspect_ratio="16:9")
        group = window.desk.send_takes(request, 4)
        takes = lambda: window.desk.takes.group(group).takes
        await until(lambda: len(takes()) == 4)
        await until(lambda: all(store.get(t).status is JobStatus.READY for t in takes()))
        view = window.compare([store.get(t) for t in takes()])
        view.move(window.x() + 120, window.y() + 80)
        view.resize(1200, 760)
        view.toggle()
        await until(lambda: view.players[0].position() > 1500)
        save(view, OUT / "compare.png")
        view.close()

        runner = window.desk.runner
        # The last shot sets its own length (the shot box shows it selected).
        shots = (Shot(SHOTS[0]), Shot(SHOTS[1]), Shot(SHOTS[2], {"duration": "9s"}))
        board = runner.boards.create("Lighthouse", shots)
        window.side_tabs.setCurrentWidget(window.board_panel)
        window.board_panel.reload(board.board_id)
        runner.run(board.board_id)
        await until(lambda: runner.running is None)
        window.board_panel.shot_list.setCurrentRow(2)
        window.board_panel.play_button.click()
        await until(lambda: window.player.media_player.position() > 1500)
        save(window, OUT / "board.png")
        window.close()


def main() -> None:
    app = QApplication(sys.argv[:1])
    app.setQuitOnLastWindowClosed(False)
    apply_dark_theme(app)
    with asyncio.Runner(loop_factory=qasync.QEventLoop) as runner:
        runner.run(shoot())


if __name__ == "__main__":
    main()
