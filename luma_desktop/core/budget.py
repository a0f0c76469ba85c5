"""A spending cap per day and per board, counted from what the gateway says clips cost.

A job's cost is the gateway's figure once it has reported one (``cost_credits``), and
the request's estimate until then (its ``tokens``). Refused jobs cost nothing (the
create never took), nor do failed ones (the gateway bills no failed request); a job
whose create may or may not have been taken counts its estimate, since it may have
been charged.

``check`` answers whether new work fits and, when it does not, says in plain words
what is left and how to raise the cap. The window, takes, boards and the CLI all ask
it before they send anything.
"""

from __future__ import annotations

import datetime as dt
import math
import sqlite3
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from luma_desktop.core import catalogue
from luma_desktop.core.artist_db import get_pref, set_pref
from luma_desktop.core.jobs import JobRecord, JobStatus
from luma_desktop.core.request import GenerationRequest

RAISE_HINT = "Raise the cap in Settings → Budget, or from the command line pass --budget N once."


@dataclass(frozen=True)
class Caps:
    per_day: float | None = None  # credits a calendar day (local time); None: no cap
    per_board: float | None = None  # credits a board may spend in all


@dataclass(frozen=True)
class Spend:
    known: float = 0.0  # reported by the gateway
    estimated: float = 0.0  # not reported yet: the requests' estimates

    @property
    def total(self) -> float:
        return self.known + self.estimated

    def __add__(self, other: Spend) -> Spend:
        return Spend(self.known + other.known, self.estimated + other.estimated)


@dataclass(frozen=True)
class Verdict:
    fits: bool
    message: str  # plain words for the artist: why not, what is left, how to raise it
    left_today: float | None = None  # None: no daily cap


def job_cost(job: JobRecord) -> Spend:
    """What one job cost (or may have cost)."""
    if job.status in (JobStatus.REFUSED, JobStatus.FAILED):
        return Spend()  # never taken, or failed: the gateway bills neither (whatever it echoes)
    reported = getattr(job, "cost_credits", None)  # filled in when the gateway reports it
    if reported is not None:
        return Spend(known=float(reported))
    if job.status is JobStatus.NOT_FOUND:
        return Spend()
    return Spend(estimated=float(job.tokens))


def estimate(request: GenerationRequest) -> float:
    """What one generation of ``request`` is expected to cost, before the gateway says."""
    cost = request.spec.cost
    return float(cost.credits or cost.tokens or catalogue.LUMA_ROUTE_TOKENS)


def load_caps(db: sqlite3.Connection) -> Caps:
    """The caps saved in the artist database (the window and the CLI read the same)."""
    return Caps(_number(get_pref(db, "budget.per_day")), _number(get_pref(db, "budget.per_board")))


def save_caps(db: sqlite3.Connection, caps: Caps) -> None:
    for key, value in (("budget.per_day", caps.per_day), ("budget.per_board", caps.per_board)):
        set_pref(db, key, None if value is None else repr(float(value)))


def _number(text: str | None) -> float | None:
    try:
        value = float(text) if text is not None else None
    except ValueError:
        return None
    return value if value is not None and value >= 0 and math.isfinite(value) else None


def start_of_day(now: float) -> float:
    """Local midnight before ``now`` (a cap is per calendar day, as the artist lives it)."""
    local = dt.datetime.fromtimestamp(now).astimezone()
    return local.replace(hour=0, minute=0, second=0, microsecond=0).timestamp()


def spent(
    jobs: Iterable[JobRecord],
    since: float = -math.inf,
    cost: Callable[[JobRecord], Spend] = job_cost,
) -> Spend:
    total = Spend()
    for job in jobs:
        if job.created_at >= since:
            total = total + cost(job)
    return total


def spent_today(jobs_since: Callable[[float], Iterable[JobRecord]]) -> Spend:
    """Today's spend, from the jobs ``jobs_since(start of today)`` gives (the store's
    ``created_since``: today's jobs only, not the whole library)."""
    start = start_of_day(time.time())
    return spent(jobs_since(start), start)


def fmt(amount: float) -> str:
    return f"{amount:,.0f}"


# The one unit the window and the CLI speak: the gateway's credits (its balance, the
# costs it reports and its logs all count them). The Luma route's published price of
# 500,000 "AI/ML tokens" is charged from the same account, counted one for one.
UNIT = "credits"
PRICE_NOTE = (
    "The gateway counts credits; the Luma route's published price is given in "
    "AI/ML API tokens, one token per credit."
)


def credits_text(spend: Spend) -> str:
    """ "~1,000,000 credits": "~" while part of it is an estimate the gateway has not confirmed."""
    return f"{'~' if spend.estimated else ''}{fmt(spend.total)} {UNIT}"


def check(
    cost: float,
    caps: Caps,
    today: Spend,
    board: Spend | None = None,
    what: str = "This",
) -> Verdict:
    """Does work costing ``cost`` fit under today's cap (and the board's, for a board)?"""
    left_today = None if caps.per_day is None else caps.per_day - today.total
    if left_today is not None and cost > left_today:
        return Verdict(
            False,
            f"{what} would cost about {fmt(cost)} credits, and today's cap is "
            f"{fmt(caps.per_day or 0)} with {fmt(today.total)} spent "
            f"({fmt(max(left_today, 0))} left). {RAISE_HINT}",
            left_today,
        )
    if board is not None and caps.per_board is not None:
        left_board = caps.per_board - board.total
        if cost > left_board:
            return Verdict(
                False,
                f"{what} would cost about {fmt(cost)} credits, and this board's cap is "
                f"{fmt(caps.per_board)} with {fmt(board.total)} spent "
                f"({fmt(max(left_board, 0))} left). Raise the board's cap in the Board tab.",
                left_today,
            )
    return Verdict(True, "", left_today)


def status_text(today: Spend, caps: Caps) -> str:
    """For the status bar: spent today, of the cap; "~" while part is an estimate."""
    approx = "~" if today.estimated else ""
    cap = f" of {fmt(caps.per_day)}" if caps.per_day is not None else ""
    return f"Today {approx}{fmt(today.total)}{cap} credits"
