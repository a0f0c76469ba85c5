"""The takes of a group side by side (1×N, or 2×2 for four), playing in sync under one
transport and one scrub bar, with a Keep choice per take."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtMultimedia import QMediaPlayer
from PySide6.QtMultimediaWidgets import QVideoWidget
from PySide6.QtWidgets import (
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from luma_desktop.core.jobs import JobRecord

SYNC_TOLERANCE_MS = 120  # a take drifting further than this from the first is re-aligned


class CompareView(QDialog):
    keep_requested = Signal(object)  # JobRecord: the take to keep

    def __init__(
        self, takes: list[JobRecord], kept: str | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.takes = takes
        self.kept = kept
        self.setWindowTitle(f"Compare {len(takes)} takes")
        self.players: list[QMediaPlayer] = []
        self.videos: list[QVideoWidget] = []
        self.keep_buttons: list[QPushButton] = []
        self.grid = QGridLayout()
        self.cells: list[QWidget] = [self._cell(i, job) for i, job in enumerate(takes)]
        self.two_by_two = len(takes) == 4
        self.play_button = QPushButton("Play")
        self.play_button.setToolTip("Play or pause every take together (Space)")
        self.play_button.setShortcut(Qt.Key.Key_Space)
        self.scrubber = QSlider(Qt.Orientation.Horizontal)
        self.scrubber.setToolTip("One scrub bar for every take")
        self.layout_button = QPushButton("2×2")
        self.layout_button.setCheckable(True)
        self.layout_button.setToolTip("Side by side in one row, or two rows of two")
        self.layout_button.setEnabled(len(takes) > 2)
        transport = QHBoxLayout()
        transport.addWidget(self.play_button)
        transport.addWidget(self.scrubber, 1)
        transport.addWidget(self.layout_button)
        layout = QVBoxLayout(self)
        layout.addLayout(self.grid, 1)
        layout.addLayout(transport)
        self.set_two_by_two(self.two_by_two)
        self.play_button.clicked.connect(self.toggle)
        self.scrubber.sliderMoved.connect(self.seek)
        self.layout_button.toggled.connect(self.set_two_by_two)
        lead = self.players[0]
        lead.durationChanged.connect(lambda ms: self.scrubber.setRange(0, int(ms)))
        lead.positionChanged.connect(self._follow)
        lead.mediaStatusChanged.connect(self._lead_status)
        self._update_keep()
        self.resize(1100, 520)

    def _cell(self, index: int, job: JobRecord) -> QWidget:
        cell = QWidget()
        video = QVideoWidget()
        player = QMediaPlayer(self)
        player.setVideoOutput(video)
        # Paused once loaded, the backend decodes the first frame: the cells open on
        # pictures to compare, not black rectangles until Play.
        player.mediaStatusChanged.connect(lambda status, p=player: _show_first_frame(p, status))
        if job.video_path:
            player.setSource(QUrl.fromLocalFile(str(Path(job.video_path))))
        keep = QPushButton("Keep")
        keep.setCheckable(True)
        keep.setToolTip("Keep this take: it becomes the face of the group, the one to extend")
        keep.clicked.connect(lambda _checked=False, j=job: self.keep(j))
        title = QLabel(f"Take {index + 1}")
        column = QVBoxLayout(cell)
        column.addWidget(video, 1)
        row = QHBoxLayout()
        row.addWidget(title, 1)
        row.addWidget(keep)
        column.addLayout(row)
        self.players.append(player)
        self.videos.append(video)
        self.keep_buttons.append(keep)
        return cell

    def set_two_by_two(self, on: bool) -> None:
        self.two_by_two = bool(on) and len(self.takes) > 2
        columns = 2 if self.two_by_two else len(self.takes)
        for index, cell in enumerate(self.cells):
            self.grid.removeWidget(cell)
            self.grid.addWidget(cell, index // columns, index % columns)
        self.layout_button.blockSignals(True)
        self.layout_button.setChecked(self.two_by_two)
        self.layout_button.blockSignals(False)

    @property
    def playing(self) -> bool:
        return self.players[0].playbackState() == QMediaPlayer.PlaybackState.PlayingState

    def toggle(self) -> None:
        if self.playing:
            for player in self.players:
                player.pause()
            self.play_button.setText("Play")
        else:
            self.seek(self.players[0].position())
            for player in self.players:
                player.play()
            self.play_button.setText("Pause")

    def seek(self, position: int) -> None:
        for player in self.players:
            player.setPosition(position)

    def keep(self, job: JobRecord) -> None:
        self.kept = job.local_id
        self._update_keep()
        self.keep_requested.emit(job)

    def _update_keep(self) -> None:
        for job, button in zip(self.takes, self.keep_buttons, strict=True):
            button.setChecked(job.local_id == self.kept)
            button.setText("Kept" if job.local_id == self.kept else "Keep")

    def _follow(self, position: int) -> None:
        """The first take leads: the scrub bar follows it, and a take that drifted is
        put back beside it (each player decodes on its own)."""
        if not self.scrubber.isSliderDown():
            self.scrubber.setValue(position)
        for player in self.players[1:]:
            if self.playing and abs(player.position() - position) > SYNC_TOLERANCE_MS:
                player.setPosition(position)

    def _lead_status(self, status: QMediaPlayer.MediaStatus) -> None:
        if status == QMediaPlayer.MediaStatus.EndOfMedia:  # all start over together
            self.seek(0)
            for player in self.players:
                player.play()

    def closeEvent(self, event: object) -> None:
        for player in self.players:
            player.stop()
        super().closeEvent(event)  # type: ignore[arg-type]


def _show_first_frame(player: QMediaPlayer, status: QMediaPlayer.MediaStatus) -> None:
    stopped = player.playbackState() == QMediaPlayer.PlaybackState.StoppedState
    if status == QMediaPlayer.MediaStatus.LoadedMedia and stopped:
        player.pause()
