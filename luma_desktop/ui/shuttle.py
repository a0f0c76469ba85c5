"""J/K/L shuttle, as editors have it: L plays forward, J backward, each press faster; K stops.

Qt's FFmpeg backend plays forward only, so backward play is frame steps on a timer
at the clip's frame rate (times the speed); forward speeds are the playback rate.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer
from PySide6.QtMultimedia import QMediaPlayer

SPEEDS = (1.0, 2.0, 4.0)


class Shuttle(QObject):
    def __init__(
        self,
        media: QMediaPlayer,
        step_back: Callable[[], bool],
        frame_rate: Callable[[], float],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._media = media
        self._step_back = step_back  # False once at the first frame
        self._frame_rate = frame_rate
        self.direction = 0  # -1 backward, 0 stopped, 1 forward
        self.speed = 0.0
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._tick)

    def press(self, direction: int) -> None:
        """J (-1) or L (+1): start that way at 1x, or go one speed faster."""
        if direction == self.direction and self.speed in SPEEDS:
            faster = SPEEDS[min(SPEEDS.index(self.speed) + 1, len(SPEEDS) - 1)]
        else:
            faster = SPEEDS[0]
        self.halt()
        self.direction, self.speed = direction, faster
        if direction > 0:
            self._media.setPlaybackRate(faster)
            self._media.play()
        else:
            self._media.pause()
            self._timer.start(max(1, round(1000 / (self._frame_rate() * faster))))

    def stop(self) -> None:
        """K: stop where it is, back at normal speed."""
        self.halt()
        self._media.setPlaybackRate(1.0)
        self._media.pause()

    def halt(self) -> None:
        """End backward play (another control took over); the rate stays as it is."""
        self._timer.stop()
        self.direction, self.speed = 0, 0.0

    def _tick(self) -> None:
        if not self._step_back():
            self.halt()
