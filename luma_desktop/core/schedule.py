"""When to ask the unified route about a running generation.

The unified route never holds a request (no long poll), so every poll costs a
request and a finished clip waits, unseen, until the next one. A fixed interval
trades the two badly: the documentation's examples poll every 10–15 s, which
spends a request every 10 s of a 120 s render (12 polls) and still leaves a
finished clip unseen for 5 s on average (up to 10 s).

A render's length is predictable per model, so the schedule is built around the
expected time ``E``: the median of this model's last renders on this route from
the store (at least :data:`MIN_HISTORY` of them), else the catalogue's figure.
Renders still spread around E (±20 % is common), and most finish close to it, so
polls are spent where finishes are likely:

0. **One early look** after E/20 (≤ 5 s): the artist sees the job move from
   queued to generating (or fail at once on a bad input) without waiting a quarter
   of the render.
1. **Sparse early** (elapsed < 0.9·E): every E/4 (≤ 30 s), the last of them
   landing on 0.9·E. Few clips finish this early; polls only confirm the job is
   alive.
2. **Dense around the expected finish**: the interval is shortest at E (E/40,
   ≤ 5 s, never under the policy's minimum) and widens away from it: by 0.2 s for
   every second before E, by only 0.08 s for every second past it, up to 10 s. A
   median of three renders is often short of the next one, and a late clip is as
   likely as an early one to be the next, so the late side stays dense longer.
   For 120 s renders of ±20 %: ~10 requests a clip (the 10 s poller: ~13), half of
   them seen within ~2.5 s.
3. **Back off past it**: once the widening interval reaches 10 s after E,
   ×1.5 per poll up to 60 s. A render that is that late is likely very late (a
   queue backlog); a job stuck for an hour costs ~80 polls instead of 360 at 10 s.

Every interval is at least the policy's minimum, so a tiny E (the simulator's
fractions of a second, a fast model) never makes the client spin.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass

MIN_HISTORY = 3  # renders of a model before its own median replaces the catalogue figure
FIRST_SHARE = 1 / 20
FIRST_MAX = 5.0
SPARSE_UNTIL = 0.9
SPARSE_SHARE = 1 / 4
SPARSE_MAX = 30.0
NEAREST_SHARE = 1 / 40  # the interval at E itself
NEAREST_MAX = 5.0
WIDENING = 0.08  # seconds of interval added per second past E
WIDENING_BEFORE = 0.2  # and per second before it
DENSE_MAX = 10.0
BACKOFF = 1.5
CEILING = 60.0


def expected_seconds(history: Sequence[float], catalogue_seconds: float) -> float:
    """The median of recent renders once there are enough of them, else the catalogue's."""
    usable = [t for t in history if t > 0]
    if len(usable) >= MIN_HISTORY:
        return float(statistics.median(usable))
    return catalogue_seconds


@dataclass
class UnifiedSchedule:
    expected: float  # E, in seconds
    floor: float  # the policy's minimum interval between two polls of one job
    _late_polls: int = 0
    _first: bool = True

    def next_delay(self, elapsed: float) -> float:
        """Seconds to wait before the next poll of a job ``elapsed`` seconds old."""
        e = max(self.expected, 0.0)
        if self._first and elapsed < FIRST_SHARE * e:
            self._first = False
            return max(self.floor, min(FIRST_SHARE * e, FIRST_MAX) - elapsed)
        self._first = False
        dense_from = SPARSE_UNTIL * e
        if elapsed < dense_from:
            # never sleep past the dense window's start: that is where clips finish
            delay = min(e * SPARSE_SHARE, SPARSE_MAX, dense_from - elapsed)
        else:
            delay = self.around_expected(elapsed)
            if elapsed > e and delay >= DENSE_MAX:
                delay = min(DENSE_MAX * BACKOFF ** (self._late_polls + 1), CEILING)
                self._late_polls += 1
        return max(self.floor, delay)

    def around_expected(self, elapsed: float) -> float:
        """The dense interval at ``elapsed``: shortest at E, wider away from it."""
        e = max(self.expected, 0.0)
        nearest = max(self.floor, min(e * NEAREST_SHARE, NEAREST_MAX))
        widening = WIDENING_BEFORE if elapsed < e else WIDENING
        return min(nearest + widening * abs(elapsed - e), max(DENSE_MAX, nearest))
