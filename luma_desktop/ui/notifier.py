"""A system tray message when a clip is ready or fails while the window is not focused."""

from __future__ import annotations

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QSystemTrayIcon, QWidget

from luma_desktop.core.jobs import JobRecord, JobStatus


class Notifier:
    def __init__(self, window: QWidget, icon: QIcon) -> None:
        self._window = window
        self._tray: QSystemTrayIcon | None = None
        self.sent: list[tuple[str, str]] = []  # what was said (also for tests)
        if QSystemTrayIcon.isSystemTrayAvailable():
            self._tray = QSystemTrayIcon(icon, window)
            self._tray.setToolTip("Luma Desktop")
            self._tray.activated.connect(lambda _reason: self._raise())
            self._tray.show()

    @property
    def available(self) -> bool:
        return self._tray is not None

    def job_finished(self, job: JobRecord) -> None:
        if self._window.isActiveWindow():
            return  # the artist is looking: the window itself shows it
        excerpt = job.prompt if len(job.prompt) <= 60 else job.prompt[:59] + "…"
        if job.status is JobStatus.READY:
            title, text = "Clip ready", excerpt
        elif job.status is JobStatus.FAILED:
            title, text = "Clip failed", f"{excerpt}: {job.failure_reason or 'no reason given'}"
        else:
            return
        self.sent.append((title, text))
        if self._tray is not None:
            self._tray.showMessage(title, text, QSystemTrayIcon.MessageIcon.Information, 8000)

    def _raise(self) -> None:
        self._window.showNormal()
        self._window.raise_()
        self._window.activateWindow()
