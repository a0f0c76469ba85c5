"""Plays a chain of clips (a clip, what it extends, what extends it) back to back."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtMultimedia import QMediaPlayer

from luma_desktop.ui.player import PlayerWidget


class ChainPlayback(QObject):
    position_changed = Signal(int, int)  # index being played, number of clips
    finished = Signal()

    def __init__(self, player: PlayerWidget, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._player = player
        self._paths: list[Path] = []
        self._index = -1
        player.media_player.mediaStatusChanged.connect(self._on_status)

    @property
    def active(self) -> bool:
        return self._index >= 0

    def play(self, paths: list[Path]) -> None:
        self._paths = list(paths)
        self._index = -1
        self._advance()

    def cancel(self) -> None:
        if self.active:
            self._player.set_caption("")
        self._paths, self._index = [], -1

    def _advance(self) -> None:
        self._index += 1
        if self._index >= len(self._paths):
            self.cancel()
            self.finished.emit()
            return
        self.position_changed.emit(self._index, len(self._paths))
        self._player.play_file(self._paths[self._index], loop=False)
        self._player.set_caption(f"Clip {self._index + 1} of {len(self._paths)}")

    def _on_status(self, status: QMediaPlayer.MediaStatus) -> None:
        if self.active and status == QMediaPlayer.MediaStatus.EndOfMedia:
            # Switch clips after the player's own signal returns, not from inside it.
            QTimer.singleShot(0, self._advance)
