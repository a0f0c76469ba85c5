"""Titles that tell takes apart."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from luma_desktop.core.titles import TitleIndex, distinct_titles

BOAT = "A paper boat drifts down a rain-soaked cobblestone street at dusk"


def test_prompts_sharing_a_long_beginning_show_where_they_part() -> None:
    titles = distinct_titles([f"{BOAT}, lanterns glowing", f"{BOAT}, a cat watching", BOAT])
    assert titles == [
        "…dusk, lanterns glowing",
        "…dusk, a cat watching",
        "…cobblestone street at dusk",
    ]


def test_the_same_prompt_again_gets_take_numbers_in_order() -> None:
    assert distinct_titles(["a red kite", "a fox", "a red kite"]) == [
        "Take 1 · a red kite",
        "a fox",
        "Take 2 · a red kite",
    ]


def test_short_or_unrelated_prompts_are_left_alone() -> None:
    prompts = ["a red kite over hills", "a red kite over sea", "waves"]
    assert distinct_titles(prompts) == prompts


def test_whitespace_does_not_make_a_difference() -> None:
    one, two = distinct_titles([f"{BOAT}  at night", f"{BOAT}\nat noon"])
    assert one.endswith("at night")
    assert two.endswith("at noon")


@given(st.lists(st.text(min_size=0, max_size=60), max_size=12))
def test_every_title_is_a_piece_of_its_prompt(prompts: list[str]) -> None:
    titles = distinct_titles(prompts)
    assert len(titles) == len(prompts)
    for prompt, title in zip(prompts, titles, strict=True):
        core = title.split(" · ", 1)[1] if title.startswith("Take ") else title
        assert core.removeprefix("…") in " ".join(prompt.split())


# -- the incremental index the library keeps (TitleIndex) --------------------------------

_PROMPTS = st.sampled_from(
    [
        BOAT,
        f"{BOAT}, lanterns",
        f"{BOAT}, a cat",
        f"{BOAT} at night",
        "a fox",
        "a fox ",
        "waves",
        "",
    ]
)
# Each step adds a new entry (its prompt) or removes an entry held (its position).
_STEPS = st.lists(st.one_of(_PROMPTS, st.integers(min_value=0, max_value=40)), max_size=40)


@given(st.lists(_PROMPTS, max_size=12), _STEPS)
def test_the_index_always_equals_a_full_recompute(start: list[str], steps: list[str | int]) -> None:
    held = [(f"k{n}", prompt) for n, prompt in enumerate(start)]  # oldest first
    index = TitleIndex(held)
    for n, step in enumerate(steps):
        for key, _prompt in held:  # asked for before the change, so stale caches would show
            index.title(key)
        if isinstance(step, str):
            held.append((f"new{n}", step))
            index.add(f"new{n}", step)
        elif held:
            key, _prompt = held.pop(step % len(held))
            index.remove(key)
        expected = distinct_titles([prompt for _key, prompt in held])
        assert [index.title(key) for key, _prompt in held] == expected
    assert len(index) == len(held)


def test_the_index_knows_only_what_it_holds() -> None:
    index = TitleIndex([("a", "a red kite")])
    index.remove("a")
    index.remove("a")  # twice: nothing to do
    assert index.title("a") is None
    assert len(index) == 0
