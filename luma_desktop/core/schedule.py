"""When to ask the unified route about a running generation.

The unified route never holds a request (no long poll), so every poll costs a
request and a finished clip waits, unseen, until the next one. A fixed interval
trades the two badly: the documentation's examples poll every 10–15 s, which
spends a request every 10 s of a 90 s render (9 polls) and still leaves a
finished clip unseen for 5 s on average (up to 10 s).

A render's length is predictable per model, so the schedule is built around the
expected time ``E``: the median of this model's last renders on this route from
the store (at least :data:`MIN_HISTORY` of them), else the catalogue's figure.

0. **One early look** after E/20 (≤ 5 s): the artist sees the job move from
   queued to generating (or fail at once on a bad input) without waiting a quarter
   of the render.
1. **Sparse early** (elapsed < 0.6·E): every E/4 (≤ 30 s). Nothing is expected to
   finish yet; polls only confirm the job is alive. Ray 2 (E ≈ 90 s): 2 polls.
2. **Dense around the expected finish** (0.6·E ≤ elapsed < 1.5·E): every E/15,
   between the policy's minimum interval and 10 s. Ray 2: every 6 s, so a clip
   that finishes on time is seen within 6 s (3 s on average), with ~6 polls for
   the window up to E. In total 9 polls for an on-time Ray 2 clip (seen 0–6 s
   after it finishes), the same as at a fixed 10 s (seen 0–10 s after).
3. **Back off past it** (elapsed ≥ 1.5·E): the dense interval, ×1.5 per poll, up
   to 60 s. A render that is late is likely very late (a queue backlog); at 60 s
   a job stuck for an hour costs ~60 polls instead of 360 at 10 s.

Every interval is at least the policy's minimum, so a tiny E (the simulator's
fractions of a second, a fast model) never makes the client spin.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass

MIN_HISTORY = 3  # renders of a model before its own median replaces the catalogue figure
SPARSE_UNTIL = 0.6
DENSE_UNTIL = 1.5
SPARSE_SHARE = 1 / 4
DENSE_SHARE = 1 / 15
FIRST_SHARE = 1 / 20
FIRST_MAX = 5.0
SPARSE_MAX = 30.0
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
        if elapsed < SPARSE_UNTIL * e:
            delay = min(e * SPARSE_SHARE, SPARSE_MAX)
            # never sleep past the dense window's start: that is where clips finish
            delay = min(delay, SPARSE_UNTIL * e - elapsed + self._dense(e))
        elif elapsed < DENSE_UNTIL * e:
            delay = self._dense(e)
        else:
            delay = min(self._dense(e) * BACKOFF ** (self._late_polls + 1), CEILING)
            self._late_polls += 1
        return max(self.floor, delay)

    def _dense(self, e: float) -> float:
        return max(self.floor, min(e * DENSE_SHARE, DENSE_MAX))
