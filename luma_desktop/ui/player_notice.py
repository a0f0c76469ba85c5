"""What the player says about a clip it cannot show as it is, and what to do instead.

- Frames (an EXR frame, a zip of frames): not a video; refused with "Open folder".
- A stream this computer cannot decode (AV1 without AV1 hardware): Qt would play a
  black picture with no error; refused with "Open in system player". Decided by
  decoding its first frame (``ClipProbe``), never by the file's extension.
- HDR (PQ or HLG): Qt tone-maps it for an SDR screen in its GPU video path (the
  ``QVideoSink`` has a QRhi). Without one (CPU conversion) the picture is shown without
  HDR: a bar says so, with "Open in system player".
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QAction, QDesktopServices
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QMenu, QPushButton, QWidget

from luma_desktop.studio.clip_probe import (
    ClipFacts,
    ClipProbe,
    FrameGrab,
    frames_beside,
    frames_label,
)

SYSTEM_PLAYER = "Open in system player"
OPEN_FOLDER = "Open folder"

Refuse = Callable[[str, str, Callable[[], object]], None]  # (text, action text, action)


def open_in_system_player(path: Path) -> bool:
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def open_folder(path: Path) -> bool:
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.parent)))


class NoticeBar(QFrame):
    """A line above the controls (the picture still plays): text and one button."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.button = QPushButton(SYSTEM_PLAYER)
        self.button.clicked.connect(self._on_button)
        self._action: Callable[[], object] | None = None
        row = QHBoxLayout(self)
        row.setContentsMargins(6, 2, 6, 2)
        row.addWidget(self.label, 1)
        row.addWidget(self.button)
        self.hide()

    def show_notice(self, text: str, action_text: str, action: Callable[[], object]) -> None:
        self.label.setText(text)
        self.button.setText(action_text)
        self._action = action
        self.show()

    def clear(self) -> None:
        self._action = None
        self.label.clear()
        self.hide()

    def text(self) -> str:
        return self.label.text() if not self.isHidden() else ""

    def _on_button(self) -> None:
        if self._action is not None:
            self._action()


class ClipChecks:
    """The player's checks of a clip: at once for frames, in the background for the rest."""

    def __init__(self, owner: QWidget, refuse: Refuse, tone_maps: Callable[[], bool]) -> None:
        self.bar = NoticeBar(owner)
        self._refuse = refuse
        self._tone_maps = tone_maps
        self._probe = ClipProbe(owner)
        self._probe.answered.connect(self._on_answer)
        self.frames = FrameGrab(owner)  # "As first/As last" where Qt gives no image
        self._path: Path | None = None
        self.refused = False

    def check(self, path: Path) -> bool:
        """False when ``path`` was refused at once (frames); else probed in the background."""
        self.forget()
        label = frames_label(path)
        if label:
            self.refused = True
            text = f"{label}: frames, not a video, so they do not play here. "
            self._refuse(
                text + "Open their folder to use them.", OPEN_FOLDER, lambda: open_folder(path)
            )
            return False
        self._path = path
        self._probe.ask(path)
        return True

    def can_grab(self, path: Path | None) -> bool:
        """A frame of ``path`` can be decoded in software (a loaded clip, not refused)."""
        return path is not None and not self.refused and path.is_file()

    def forget(self) -> None:
        self._probe.cancel()
        self.frames.cancel()
        self._path = None
        self.refused = False
        self.bar.clear()

    def _on_answer(self, path: str, facts: ClipFacts) -> None:
        if self._path is None or Path(path) != self._path:
            return
        clip = self._path
        # An unreadable file (no stream at all) is left to the backend's own error.
        if not facts.playable and facts.codec:
            self.refused = True
            self._refuse(
                f"Can't play here: {facts.problem}.",
                SYSTEM_PLAYER,
                lambda: open_in_system_player(clip),
            )
        elif facts.hdr and not self._tone_maps():
            self.bar.show_notice(
                f"HDR clip ({facts.transfer}) shown without HDR: this computer's video output "
                "cannot tone-map it, so its colours look flat and dim here.",
                SYSTEM_PLAYER,
                lambda: open_in_system_player(clip),
            )


def add_openers(menu: QMenu, video: Path | None) -> None:
    """ "Open in system player" (for what cannot play here, AV1 say), and "Open folder"
    saying what the frames are, for a delivery of frames or frames beside the clip."""
    exists = video is not None and video.is_file()
    frames = frames_label(video) if video is not None and exists else ""
    if frames and video is not None:
        _add(menu, f"{OPEN_FOLDER} ({frames})", "Show the frames in the file manager: they "
             "do not play here", lambda: open_folder(video))  # fmt: skip
        return
    action = _add(menu, SYSTEM_PLAYER, "Play this clip in the computer's own video player",
                  lambda: open_in_system_player(video) if video is not None else False)  # fmt: skip
    action.setEnabled(exists)
    beside = frames_beside(video) if video is not None else None
    if beside is not None and beside.is_file():
        text = f"{OPEN_FOLDER} ({frames_label(beside)} beside the clip)"
        _add(menu, text, "Show the clip's frames in the file manager", lambda: open_folder(beside))


def _add(menu: QMenu, text: str, tip: str, slot: Callable[[], object]) -> QAction:
    action = menu.addAction(text)
    action.setToolTip(tip)
    action.setStatusTip(tip)
    action.triggered.connect(slot)
    return action
