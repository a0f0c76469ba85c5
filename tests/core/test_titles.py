"""Titles that tell takes apart."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from luma_desktop.core.titles import distinct_titles

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
