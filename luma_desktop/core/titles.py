"""Titles that tell takes apart: what a row or tile shows of a prompt among its siblings.

Artists iterate on one prompt: five takes of "A paper boat drifts down a rain-soaked
cobblestone street…" differ only at the end, and an elided title shows them all alike.
Where a prompt shares a long beginning with another one shown, its title starts with
an ellipsis and the words where they part; where the very same prompt was sent more
than once, each gets a take number in the order they were made. The full prompt stays
in the tooltip.
"""

from __future__ import annotations

import bisect
import itertools
from collections import Counter
from collections.abc import Iterable, Sequence

SHARED = 24  # a beginning this long (characters) in common makes the ending the title
CONTEXT_WORDS = 1  # words kept before the one where the prompts part, to read naturally


def _norm(prompt: str) -> str:
    return " ".join(prompt.split())


def _common(a: str, b: str) -> int:
    """Characters the two share from the start (text, not paths).

    A binary search over slice comparisons (done in C) rather than a character loop in
    Python: the library titles 100,000 prompts, and the loop alone cost about a second.
    """
    low, high = 0, min(len(a), len(b))
    while low < high:
        mid = (low + high + 1) // 2
        if a[:mid] == b[:mid]:
            low = mid
        else:
            high = mid - 1
    return low


def _shared_lengths(prompts: Sequence[str]) -> dict[str, int]:
    """For each distinct prompt, its longest beginning shared with another distinct one.

    Sorted neighbours hold the longest common beginnings, so this is n log n.
    """
    ordered = sorted(set(prompts))
    shared = dict.fromkeys(ordered, 0)
    for left, right in itertools.pairwise(ordered):
        n = _common(left, right)
        shared[left] = max(shared[left], n)
        shared[right] = max(shared[right], n)
    return shared


def _tail(prompt: str, shared: int) -> str:
    """The prompt from the word where it parts from its sibling, with a word of context."""
    if shared < SHARED:
        return prompt
    words_before = prompt[:shared].split(" ")
    # The word being typed at the parting point is not shared as a whole: start there.
    keep = max(0, len(words_before) - 1 - CONTEXT_WORDS)
    if shared >= len(prompt):  # the prompt is the beginning of a longer sibling
        keep = max(0, len(words_before) - 1 - 2 * CONTEXT_WORDS - 1)
    rest = " ".join(prompt.split(" ")[keep:])
    return "…" + rest if keep else prompt


def distinct_titles(prompts: Sequence[str]) -> list[str]:
    """One title per prompt, in the order given (give the oldest first: takes count up)."""
    normal = [_norm(p) for p in prompts]
    shared = _shared_lengths(normal)
    totals = Counter(normal)
    seen: Counter[str] = Counter()
    titles = []
    tails = {prompt: _tail(prompt, n) for prompt, n in shared.items()}  # once per distinct
    for prompt in normal:
        title = tails[prompt]
        if totals[prompt] > 1:
            seen[prompt] += 1
            title = f"Take {seen[prompt]} · {title}"
        titles.append(title)
    return titles


def short(prompt: str, limit: int = 48) -> str:
    """A prompt on one line, cut at a word with an ellipsis past ``limit`` characters."""
    text = _norm(prompt)
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0] or text[: limit - 1]
    return cut + "…"


class TitleIndex:
    """The titles of a changing list of prompts, kept current as entries come and go.

    ``distinct_titles`` over the library's every prompt cost ~0.4 s at 100,000 clips,
    and the library redid it on each clip added or removed. The index keeps what the
    titles depend on: the distinct prompts in sorted order (a prompt's shared
    beginning is with one of its two sorted neighbours), how often each was sent, and
    the entries of a repeated prompt in the order they were added (their take
    numbers). A title is worked out when it is first asked for (only shown rows are)
    and kept until an entry next to it in sorted order comes or goes. Titles always
    equal ``distinct_titles`` over the entries, oldest first.
    """

    def __init__(self, entries: Iterable[tuple[str, str]] = ()) -> None:
        """``entries``: (key, prompt), oldest first."""
        self._prompt: dict[str, str] = {key: _norm(prompt) for key, prompt in entries}
        distinct = set(self._prompt.values())
        self._sorted = sorted(distinct)
        if len(distinct) == len(self._prompt):  # no prompt sent twice: nothing to count
            self._counts = Counter(dict.fromkeys(distinct, 1))
        else:
            self._counts = Counter(self._prompt.values())
        repeated = {prompt for prompt, n in self._counts.items() if n > 1}
        self._takes: dict[str, list[str]] = {prompt: [] for prompt in repeated}
        if repeated:
            for key, prompt in self._prompt.items():  # dicts keep the oldest-first order
                if prompt in repeated:
                    self._takes[prompt].append(key)
        self._tails: dict[str, str] = {}

    def __len__(self) -> int:
        return len(self._prompt)

    def add(self, key: str, prompt: str) -> None:
        """A new entry, the newest of all (a repeated prompt's next take)."""
        if key in self._prompt:
            self.remove(key)
        prompt = _norm(prompt)
        self._prompt[key] = prompt
        self._counts[prompt] += 1
        count = self._counts[prompt]
        if count == 1:
            bisect.insort(self._sorted, prompt)
            self._forget_around(prompt)
        elif count == 2:
            older = next(k for k, p in self._prompt.items() if p == prompt and k != key)
            self._takes[prompt] = [older, key]
        else:
            self._takes[prompt].append(key)

    def remove(self, key: str) -> None:
        prompt = self._prompt.pop(key, None)
        if prompt is None:
            return
        self._counts[prompt] -= 1
        if self._counts[prompt] == 0:
            del self._counts[prompt]
            self._forget_around(prompt)
            del self._sorted[bisect.bisect_left(self._sorted, prompt)]
        takes = self._takes.get(prompt)
        if takes is not None:
            takes.remove(key)
            if len(takes) < 2:
                del self._takes[prompt]

    def title(self, key: str) -> str | None:
        """The entry's title; None for a key the index does not hold."""
        prompt = self._prompt.get(key)
        if prompt is None:
            return None
        tail = self._tails.get(prompt)
        if tail is None:
            tail = self._tails[prompt] = _tail(prompt, self._shared(prompt))
        takes = self._takes.get(prompt)
        return f"Take {takes.index(key) + 1} · {tail}" if takes else tail

    def _shared(self, prompt: str) -> int:
        at = bisect.bisect_left(self._sorted, prompt)
        left = _common(self._sorted[at - 1], prompt) if at > 0 else 0
        right = _common(prompt, self._sorted[at + 1]) if at + 1 < len(self._sorted) else 0
        return max(left, right)

    def _forget_around(self, prompt: str) -> None:
        """A distinct prompt came or goes: its sorted neighbours may share more or less."""
        at = bisect.bisect_left(self._sorted, prompt)
        for neighbour in self._sorted[max(0, at - 1) : at + 2]:
            self._tails.pop(neighbour, None)
