"""The lineage strip under the library grid: the clips one clip extends and the clips
that extend it, as links, and a button that plays the whole chain; and how a clip is
named in it (a short id and an excerpt of its prompt)."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from luma_desktop.core.jobs import JobRecord
from luma_desktop.studio.library_model import LibraryModel, excerpt, short_id

_MAX_LINKS = 8  # a much-extended clip would otherwise push the grid off the screen


class LineageStrip(QWidget):
    """Hidden unless the one selected clip has relatives."""

    job_clicked = Signal(str)  # the local id of a relative whose link was followed
    play_chain_requested = Signal(list)  # list[JobRecord], ready clips in play order

    def __init__(self, library: LibraryModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._library = library
        self._chain: list[JobRecord] = []  # what the chain button plays
        self.label = QLabel(self)
        self.chain_button = QPushButton(self)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(
            Qt.TextInteractionFlag.LinksAccessibleByMouse
            | Qt.TextInteractionFlag.LinksAccessibleByKeyboard
        )
        self.label.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.label.setToolTip(
            "The clips this one was made from and the clips made from it; click one to select it"
        )
        self.chain_button.setToolTip("Play the whole sequence this clip belongs to, in order")
        strip = QHBoxLayout(self)
        strip.setContentsMargins(2, 2, 2, 2)
        strip.addWidget(self.label, 1)
        strip.addWidget(self.chain_button, 0, Qt.AlignmentFlag.AlignTop)
        self.label.linkActivated.connect(self._on_link)
        self.chain_button.clicked.connect(lambda: self.play_chain_requested.emit(self._chain))
        self.hide()

    def show_job(self, job: JobRecord | None) -> None:
        """Show the relatives of ``job``; hide the strip for None (not one clip selected)."""
        if job is None:
            self.hide()
            return
        family = self._library.relatives(job)
        self._chain = self._library.chain(job) if family.extends or family.extended_by else []
        lines = [
            f"{title}: "
            + ", ".join(self._link(j) for j in clips[:_MAX_LINKS])
            + (f" and {len(clips) - _MAX_LINKS} more" if len(clips) > _MAX_LINKS else "")
            for title, clips in (
                (_made_from(job), family.extends),
                ("Extended by", family.extended_by),
            )
            if clips
        ]
        self.label.setText("<br>".join(lines))
        self.chain_button.setText(f"Play chain ({len(self._chain)})")
        self.chain_button.setVisible(len(self._chain) > 1)
        self.setVisible(bool(lines))

    @staticmethod
    def _link(job: JobRecord) -> str:
        text = escape(f"{short_id(job)} “{excerpt(job)}”")
        return f'<a href="job:{escape(job.local_id)}">{text}</a>'

    def _on_link(self, href: str) -> None:
        if href.startswith("job:"):
            self.job_clicked.emit(href.removeprefix("job:"))


_MADE_FROM = {"video_edit": "Modified from", "video_reframe": "Reframed from"}


def _made_from(job: JobRecord) -> str:
    """How the clip came from its parents: extended, or (Ray 3.2) modified or reframed."""
    kind = job.body.get("type") if isinstance(job.body, dict) else None
    return _MADE_FROM.get(kind, "Extends") if isinstance(kind, str) else "Extends"
