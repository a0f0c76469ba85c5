"""Titles that tell takes apart: what a row or tile shows of a prompt among its siblings.

Artists iterate on one prompt: five takes of "A paper boat drifts down a rain-soaked
cobblestone street…" differ only at the end, and an elided title shows them all alike.
Where a prompt shares a long beginning with another one shown, its title starts with
an ellipsis and the words where they part; where the very same prompt was sent more
than once, each gets a take number in the order they were made. The full prompt stays
in the tooltip.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Sequence

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
