"""Thumbnails of finished clips, taken from their first frame decoded in software.

Why not a hidden QMediaPlayer: without a GPU path Qt gives a null image for 10-bit
frames, so it never answered and every later clip waited behind it. Frames are now
decoded and converted by ``core.clipinfo`` (Qt's FFmpeg) on a thread of their own,
one clip at a time, and each clip has a deadline: a slow, stalled or broken clip gets
a plain placeholder saying why, and the queue moves on. A clip's facts (codec, HDR,
whether it plays here, frames) travel inside the thumbnail's text, so the tile and the
player know them after a restart without another look at the clip.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections import deque
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject, QRect, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QImage, QImageWriter, QPainter

from luma_desktop.core.clipinfo import ClipFacts, Picture, first_frame, frames_label
from luma_desktop.core.deliveries import frames_beside
from luma_desktop.core.limits import DEFAULT_LIMITS

log = logging.getLogger(__name__)
THUMB_HEIGHT = 90
FACTS_KEY = "luma-clip"  # the thumbnail's text entry holding the clip's facts
_PLACEHOLDER = (160, 90)


def facts_of(image: QImage | None) -> ClipFacts | None:
    """The clip facts a thumbnail carries (None for thumbnails made before them)."""
    if image is None or image.isNull():
        return None
    text = image.text(FACTS_KEY)
    return ClipFacts.from_text(text) if text else None


def picture_image(picture: Picture) -> QImage:
    stride = 3 * picture.width
    image = QImage(picture.rgb, picture.width, picture.height, stride, QImage.Format.Format_RGB888)
    return image.copy()  # own the pixels: the bytes object may go away


def encode(image: QImage, facts: ClipFacts) -> bytes | None:
    """The thumbnail as a JPEG carrying the clip's facts (None if Qt cannot encode it).
    Any thread: QImage and QImageWriter need no GUI thread."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QImageWriter(buffer, QByteArray(b"jpg"))
    writer.setQuality(85)
    writer.setText(FACTS_KEY, facts.to_text())
    ok = writer.write(image)
    buffer.close()
    return bytes(data.data()) if ok else None


def placeholder(title: str, detail: str) -> QImage:
    """A plain dark picture that says why there is no preview."""
    image = QImage(*_PLACEHOLDER, QImage.Format.Format_RGB888)
    image.fill(QColor(38, 38, 44))
    painter = QPainter(image)
    try:
        font = QFont()
        font.setPixelSize(13)
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(QColor(235, 235, 235))
        box = QRect(6, 6, _PLACEHOLDER[0] - 12, _PLACEHOLDER[1] - 12)
        painter.drawText(box, int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop), title)
        font.setBold(False)
        font.setPixelSize(10)
        painter.setFont(font)
        painter.setPen(QColor(190, 190, 190))
        flags = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom
        painter.drawText(box, int(flags | Qt.TextFlag.TextWordWrap), detail)
    finally:
        painter.end()
    return image


def headline(facts: ClipFacts) -> str:
    """The few words a tile shows for a clip that gives no picture or cannot play."""
    if facts.frames:
        return facts.frames
    if not facts.playable and facts.codec:
        return "Can't play here"
    return "No preview"


def clip_note(facts: ClipFacts | None) -> str:
    """A tile's tooltip line about the delivery: why it does not play, what frames came."""
    if facts is None:
        return ""
    lines = []
    if facts.frames:
        lines.append(f"{facts.frames}: frames, not a video (Open folder)")
    elif not facts.playable and facts.problem:
        lines.append(f"Can't play here: {facts.problem} (Open in system player)")
    if facts.hdr:
        lines.append(f"HDR ({facts.transfer}), {facts.codec} {facts.pixel_format}")
    if facts.beside:
        lines.append(f"{facts.beside} beside the clip (Open folder)")
    return "\n".join(lines)


class ThumbnailMaker(QObject):
    made = Signal(str, str)  # key (the job's local id), thumbnail path
    _answered = Signal(int, object, object)  # ticket, ClipFacts, JPEG bytes | None (any thread)

    def __init__(
        self,
        folder: Path,
        parent: QObject | None = None,
        deadline: float = DEFAULT_LIMITS.thumbnail_deadline,
    ) -> None:
        super().__init__(parent)
        self.folder = folder
        self.deadline = deadline
        self._queue: deque[tuple[str, Path]] = deque()
        self._current: tuple[str, Path] | None = None
        self._ticket = 0  # which clip an answer belongs to: a late one is ignored
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._give_up)
        self._answered.connect(self._on_answer, Qt.ConnectionType.QueuedConnection)

    def request(self, key: str, video: Path) -> None:
        self._queue.append((key, video))
        if self._current is None:
            self._next()

    def pending(self) -> int:
        return len(self._queue) + (self._current is not None)

    def close(self) -> None:
        """Stop: nothing more is made (the store may be closing)."""
        self._queue.clear()
        self._current = None
        self._ticket += 1
        self._timer.stop()

    def _next(self) -> None:
        self._current = self._queue.popleft() if self._queue else None
        if self._current is None:
            return
        self._ticket += 1
        # A thread per clip (not a pool): one stuck in a read that never returns holds
        # only itself; its late answer, if any, carries an old ticket and is dropped.
        worker = threading.Thread(
            target=self._work,
            args=(self._ticket, self._current[1]),
            name=f"thumbnail {self._current[1].name}",
            daemon=True,
        )
        worker.start()
        self._timer.start(max(1, round(self.deadline * 1000)))

    def _work(self, ticket: int, video: Path) -> None:
        try:
            facts, picture = first_frame(video, THUMB_HEIGHT)
            beside = frames_beside(video)
            if beside.is_file():  # the tile says what came with the clip
                facts = replace(facts, beside=frames_label(beside))
        except Exception as exc:  # noqa: BLE001 - a thumbnail must never take the app down
            facts, picture = ClipFacts(playable=False, problem=f"unreadable ({exc})"), None
        # Encoded here, not on the GUI thread: a JPEG is a few ms the window need not wait.
        jpeg = encode(picture_image(picture), facts) if picture is not None else None
        # RuntimeError: the maker is gone (the app closed while this clip was read).
        with contextlib.suppress(RuntimeError):
            self._answered.emit(ticket, facts, jpeg)

    def _on_answer(self, ticket: int, facts: ClipFacts, jpeg: bytes | None) -> None:
        if ticket != self._ticket or self._current is None:
            return
        self._timer.stop()
        if jpeg is None:
            log.warning("no thumbnail for %s: %s", self._current[1].name, facts.problem)
            jpeg = encode(placeholder(headline(facts), facts.problem), facts)
        self._save(jpeg)

    def _give_up(self) -> None:
        if self._current is None:
            return
        log.warning("no thumbnail for %s: past its deadline", self._current[1].name)
        seconds = f"{self.deadline:g}"
        problem = f"reading this clip took longer than {seconds} s; it may be damaged or slow"
        self._ticket += 1  # its answer, should it come, is for a clip given up
        self._save(encode(placeholder("No preview", problem), ClipFacts(problem=problem)))

    def _save(self, jpeg: bytes | None) -> None:
        assert self._current is not None
        key, video = self._current
        path = self.folder / f"{video.stem}.jpg"
        try:
            if jpeg is not None:
                self.folder.mkdir(parents=True, exist_ok=True)
                path.write_bytes(jpeg)
                self.made.emit(key, str(path))
            else:
                log.warning("could not encode the thumbnail %s", path)
        except OSError as exc:
            log.warning("could not save the thumbnail %s: %s", path, exc)
        self._next()
