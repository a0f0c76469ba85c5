"""One error path: every failure becomes a :class:`UserError` shown in one place.

Plain words and what to do; the details go to the log file (key redacted), never a
traceback in the window.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import StrEnum

from PySide6.QtCore import QObject, Signal

from luma_desktop.api.text import clean_text

log = logging.getLogger(__name__)


class Action(StrEnum):
    NONE = ""
    SETTINGS = "settings"  # open Settings (the key, the folder)
    RETRYING = "retrying"  # nothing to do: it retries by itself
    RETRY = "retry"  # send the same request again (the job in ``local_id``)
    ADOPT = "adopt"  # an unanswered request: adopt it by id, or discard it (``local_id``)


@dataclass(frozen=True)
class UserError:
    kind: str
    title: str
    message: str
    action: Action = Action.NONE
    retry_in: float | None = None
    local_id: str | None = None  # the job it is about, when there is one


_TITLES: dict[str, tuple[str, Action]] = {
    "auth": ("Check your API key", Action.SETTINGS),
    "forbidden": ("Out of credits or not allowed", Action.NONE),
    "not_found": ("The gateway does not know this generation", Action.NONE),
    "validation": ("The request was refused", Action.NONE),
    "rate_limited": ("The gateway is busy", Action.RETRYING),
    "server": ("The gateway had a problem", Action.RETRYING),
    "network": ("Offline", Action.RETRYING),
    "timeout": ("No answer from the gateway", Action.RETRYING),
    "link_expired": ("The video link expired", Action.RETRYING),
    "local_file": ("Cannot save the clip", Action.SETTINGS),
    "unknown": ("Sent, but no answer", Action.ADOPT),
    "not_taken": ("Not taken: safe to send again", Action.RETRY),
    "unusable": ("The clip cannot be used", Action.NONE),
    "failed": ("A clip failed", Action.RETRY),
    "keyframe": ("That image cannot be used", Action.NONE),
    "internal": ("Something went wrong", Action.NONE),
}


def failure_error(title: str, reason: str | None, local_id: str) -> UserError:
    """One sentence naming the clip and why, said once; Retry sends the same request."""
    why = (reason or "the gateway gave no reason").strip().rstrip(".")
    return UserError(
        "failed", "A clip failed", f"“{title}” failed: {why}.", Action.RETRY, None, local_id
    )


def user_error(kind: str, message: str, retry_in: float | None = None) -> UserError:
    """``message`` may quote the network: shown cleaned (no control characters or escape
    sequences, cut to a sane length), like the CLI prints it."""
    title, action = _TITLES.get(kind, ("Something went wrong", Action.NONE))
    message = clean_text(message)
    if retry_in is not None and action is Action.RETRYING:
        message = f"{message.rstrip('.')}. Retrying in {retry_in:.0f} s."
    return UserError(kind, title, message, action, retry_in)


class ErrorHub(QObject):
    """Where every error goes; the window shows the latest in its one error area.

    It remembers what it shows, so an error about one job goes when its cause is gone
    (the job runs again, finished, was abandoned or discarded) and not before."""

    raised = Signal(object)  # UserError
    cleared = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.current: UserError | None = None

    def report(self, error: UserError) -> None:
        log.warning("%s: %s", error.kind, error.message)
        self.current = error
        self.raised.emit(error)

    def clear_for(self, local_id: str, *, running: bool = False) -> None:
        """The error shown is about ``local_id`` and its cause is gone: it goes.
        ``running``: the job runs again, which ends only trouble that was retrying by
        itself (Offline, busy) and an unanswered create (it was found and adopted)."""
        error = self.current
        if error is None or error.local_id != local_id:
            return
        if not running or error.action in (Action.RETRYING, Action.ADOPT):
            self.clear()

    def report_exception(self, exc: BaseException) -> None:
        """An unexpected failure: plain words for the artist, the details in the log."""
        log.error("unexpected error", exc_info=exc)
        self.report(
            user_error(
                "internal",
                "An unexpected error happened. Your jobs are safe in the library; "
                "details are in the log file.",
            )
        )

    def clear(self) -> None:
        self.current = None
        self.cleared.emit()
