"""Run by test_fullscreen_wm under Xvfb with a real window manager: the real window,
keys typed through the X server (xdotool), as a person's would arrive. Prints one JSON
line of what it saw."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from PySide6.QtWidgets import QApplication, QSplitter

from luma_desktop.bootstrap import Options, open_studio
from luma_desktop.sim import SimConfig
from luma_desktop.sim.clipmaker import ClipSpec, render_clip
from luma_desktop.studio.event_loop import StudioLoop
from luma_desktop.ui.main_window import MainWindow


def xdo(*args: str) -> None:
    subprocess.run(["xdotool", *args], check=True)


async def settle(seconds: float = 0.6) -> None:
    await asyncio.sleep(seconds)  # the window manager answers in its own time


async def probe() -> dict[str, object]:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    app.setQuitOnLastWindowClosed(False)
    tmp = Path(tempfile.mkdtemp())
    clip = tmp / "clip.mp4"
    clip.write_bytes(render_clip(ClipSpec(seed="fs", prompt="full screen round trip")))
    seen: dict[str, object] = {}
    options = Options(demo=True, data_dir=tmp / "data", sim_config=SimConfig(api_key=None))
    async with open_studio(options) as studio:
        win = MainWindow(studio)
        win.resize(1100, 700)
        win.show()
        await settle(1.0)
        player = win.player
        splitter = player.parentWidget()
        assert isinstance(splitter, QSplitter)
        home = (splitter.indexOf(player), splitter.sizes())
        frames = [0]
        player.video_sink().videoFrameChanged.connect(
            lambda _f: frames.__setitem__(0, frames[0] + 1)
        )
        player.play_file(clip, loop=True)
        centre = player.mapToGlobal(player.rect().center())
        xdo("mousemove", str(centre.x()), str(centre.y()), "click", "1")
        await settle(0.3)
        xdo("key", "f")
        await settle()
        seen["full_after_f"] = player.isFullScreen()
        xdo("key", "Escape")  # at once, no click in between
        await settle()
        seen["full_after_esc"] = player.isFullScreen()
        xdo("key", "f")
        await settle()
        xdo("mousemove", str(centre.x()), str(centre.y()), "click", "1")
        for key in ("l", "z", "Escape"):
            xdo("key", key)
            await settle(0.3)
        await settle()
        seen["full_at_end"] = player.isFullScreen()
        seen["is_window_at_end"] = player.isWindow()
        seen["same_place"] = (splitter.indexOf(player), splitter.sizes()) == home
        seen["active_is_main"] = QApplication.activeWindow() is win
        before = frames[0]
        player.play_file(clip, loop=True)
        await settle(1.0)
        seen["frames_after"] = frames[0] - before
        win.close()
    return seen


def main() -> None:
    app = QApplication(sys.argv)
    del app
    result = asyncio.Runner(loop_factory=StudioLoop).run(probe())
    print("PROBE " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
