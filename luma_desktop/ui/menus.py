"""The window's menus: every action that exists, findable, with its shortcut shown.

File (Settings, Open clips folder, Quit), Edit (the keyframe slots), View (the side
tabs, the player's full screen), Help (Keyboard shortcuts, About). Quitting while
jobs run says they resume at the next start, and lets the artist stay.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QUrl
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence
from PySide6.QtWidgets import QMenu, QMessageBox, QWidget

from luma_desktop import __version__
from luma_desktop.studio.keyframes import swap

if TYPE_CHECKING:
    from luma_desktop.ui.main_window import MainWindow

# (keys, what they do): the player's own keys, then the window's.
SHORTCUTS: tuple[tuple[str, str], ...] = (
    ("Ctrl+Enter", "Generate"),
    ("Ctrl+,", "Settings"),
    ("Ctrl+1 / 2 / 3", "Jobs, Library, Board"),
    ("Ctrl+F", "Search the library"),
    ("Space", "Play / pause"),
    (", and .", "One frame back / forward"),
    ("J / K / L", "Play backward (faster each press) / stop / play forward (faster)"),
    ("Ctrl+L", "Loop playback on or off"),
    ("M", "Mute"),
    ("Z, 1, 0", "Actual pixels / fit"),
    ("F, Esc", "Full screen player, and back"),
    ("Ctrl+C", "Copy the selected job's generation id"),
    ("Delete", "Stop tracking, discard, or clear off the list the selected job"),
    ("Ctrl+Q", "Quit (running jobs resume at the next start)"),
)


def shortcuts_text() -> str:
    return "\n".join(f"{keys}\t{what}" for keys, what in SHORTCUTS)


def _action(
    menu: QMenu, text: str, slot: Callable[[], object], keys: str | QKeySequence | None = None
) -> QAction:
    action = menu.addAction(text)
    action.triggered.connect(lambda _checked=False: slot())
    if keys is not None:
        action.setShortcut(QKeySequence(keys))
    return action


def build_menus(window: MainWindow) -> None:
    bar = window.menuBar()
    file_menu = bar.addMenu("&File")
    settings = _action(file_menu, "&Settings…", window.open_settings)
    settings.setShortcuts(
        [QKeySequence("Ctrl+,"), QKeySequence(QKeySequence.StandardKey.Preferences)]
    )
    settings.setToolTip("API key, gateway address, download folder, proxy")
    _action(file_menu, "&Open clips folder", lambda: open_clips_folder(window))
    file_menu.addSeparator()
    _action(
        file_menu, "&Quit", lambda: quit_asking(window), QKeySequence(QKeySequence.StandardKey.Quit)
    )

    studio = window.studio
    edit = bar.addMenu("&Edit")
    _action(edit, "&Swap first and last frames", lambda: swap(studio.frame0, studio.frame1))
    _action(edit, "Clear &first frame", studio.frame0.clear)
    _action(edit, "Clear &last frame", studio.frame1.clear)
    edit.addSeparator()
    clear = _action(edit, "Clear &finished jobs", window.job_list.clear_finished)
    clear.setToolTip(
        "Finished, failed and abandoned jobs off the Jobs list (the library keeps them)"
    )

    view = bar.addMenu("&View")
    for index, name in enumerate(("&Jobs", "&Library", "&Board")):
        _action(view, name, _show_tab(window, index), f"Ctrl+{index + 1}")
    _action(view, "&Full screen player", window.player.toggle_fullscreen)

    help_menu = bar.addMenu("&Help")
    _action(help_menu, "&Keyboard shortcuts", lambda: show_shortcuts(window), "F1")
    _action(help_menu, "&About Luma Desktop", lambda: about(window))


def _show_tab(window: MainWindow, index: int) -> Callable[[], None]:
    return lambda: window.side_tabs.setCurrentIndex(index)


def open_clips_folder(window: MainWindow) -> None:
    folder = window.studio.queue.engine.library
    folder.mkdir(parents=True, exist_ok=True)
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))


def show_shortcuts(window: MainWindow) -> None:
    window.inform("Keyboard shortcuts", shortcuts_text())


def running_jobs(window: MainWindow) -> int:
    return sum(1 for job in window.studio.queue.model.jobs() if job.status.active)


def may_quit(window: MainWindow) -> bool:
    """With jobs running, say they resume at the next start; False: the artist stays."""
    count = running_jobs(window)
    if not count:
        return True
    jobs = "1 job is" if count == 1 else f"{count} jobs are"
    text = (
        f"{jobs} still running. Nothing is lost: they resume the next time you open "
        "Luma Desktop (the gateway keeps working on them meanwhile)."
    )
    return window.confirm("Quit while jobs run?", text)


def quit_asking(window: MainWindow) -> None:
    """File → Quit and Ctrl+Q; the title bar's close asks the same (``closeEvent``)."""
    if may_quit(window):
        window.close()


def confirm_box(window: MainWindow, title: str, text: str) -> bool:
    answer = QMessageBox.question(
        window,
        title,
        text,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Yes,
    )
    return answer == QMessageBox.StandardButton.Yes


def about(window: QWidget) -> None:
    QMessageBox.about(
        window,
        "About Luma Desktop",
        f"Luma Desktop {__version__}\nGenerate, extend and review Luma Dream Machine video.",
    )
