"""The artist's own presets: saved with the draft's parameters, renamed, deleted, kept
in the artist database; damaged entries are skipped with a warning, limits hold."""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from pathlib import Path

import pytest

from luma_desktop.core.artist_db import open_artist_db, set_pref
from luma_desktop.core.craft import USER_KIND, Preset
from luma_desktop.core.limits import DEFAULT_LIMITS
from luma_desktop.core.presets import PREF_KEY, PresetError, UserPresets, draft_preset

DRAFT = {
    "prompt": "ignored",
    "model": "ray-2",
    "aspect_ratio": "9:16",
    "resolution": None,  # the model's default: not carried
    "duration": "5s",
    "loop": True,
    "hdr": False,  # not a preset's
}


def test_a_preset_keeps_the_drafts_parameters_and_outlives_the_connection(
    tmp_path: Path,
) -> None:
    db = open_artist_db(tmp_path / "artist.sqlite3")
    store = UserPresets(db)
    saved = store.save(draft_preset(" Vertical dusk ", " dusk light, 9:16 framing ", DRAFT))
    assert saved == Preset(
        "Vertical dusk",
        USER_KIND,
        "dusk light, 9:16 framing",
        {"model": "ray-2", "aspect_ratio": "9:16", "duration": "5s", "loop": True},
    )
    store.save(draft_preset("Words only", "anamorphic flare", {}))
    db.close()
    again = UserPresets(open_artist_db(tmp_path / "artist.sqlite3")).all()
    assert [p.name for p in again] == ["Vertical dusk", "Words only"]
    assert dict(again[0].params) == dict(saved.params)
    assert not again[1].params
    assert "Sets model ray-2, aspect ratio 9:16, duration 5s, loop on" in again[0].describe()


def test_rename_delete_and_save_over() -> None:
    store = UserPresets(open_artist_db(":memory:"))
    store.save(draft_preset("A", "one", {}))
    store.save(draft_preset("B", "two", {}))
    with pytest.raises(PresetError, match="already have a preset named “B”"):
        store.rename("A", "B")
    store.rename("A", "Alpha")
    store.save(draft_preset("B", "two, again", {"loop": False}))  # saved over, same place
    assert [(p.name, p.text) for p in store.all()] == [("Alpha", "one"), ("B", "two, again")]
    store.delete("Alpha")
    assert [p.name for p in store.all()] == ["B"]
    with pytest.raises(PresetError, match="no preset named"):
        store.delete("Alpha")


def test_limits_on_count_and_length() -> None:
    limits = replace(
        DEFAULT_LIMITS, max_user_presets=2, max_preset_name_chars=5, max_preset_text_chars=10
    )
    store = UserPresets(open_artist_db(":memory:"), limits)
    store.save(draft_preset("one", "a", {}))
    store.save(draft_preset("two", "b", {}))
    with pytest.raises(PresetError, match="You have 2 presets, the most kept"):
        store.save(draft_preset("three", "c", {}))
    store.save(draft_preset("two", "b again", {}))  # replacing one is not a new one
    with pytest.raises(PresetError, match="name is at most 5 characters"):
        store.rename("one", "longer name")
    store.delete("one")
    with pytest.raises(PresetError, match="at most 10 characters"):
        store.save(draft_preset("long", "far too many words", {}))
    with pytest.raises(PresetError, match="Write a prompt"):
        store.save(draft_preset("none", "  ", {}))
    with pytest.raises(PresetError, match="needs a name"):
        store.save(draft_preset(" ", "words", {}))
    assert [p.name for p in store.all()] == ["two"]


def test_damaged_entries_are_skipped_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    db = open_artist_db(":memory:")
    good = {"name": "Good", "kind": USER_KIND, "text": "soft light", "params": {"loop": True}}
    entries: list[object] = [
        good,
        "not a preset",
        {"name": "No kind", "text": "x"},
        {"name": "Bad param", "kind": USER_KIND, "text": "x", "params": {"seed": 4}},
        {"name": "Bad value", "kind": USER_KIND, "text": "x", "params": {"loop": "yes"}},
        {"name": "Too long", "kind": USER_KIND, "text": "x" * 5000},
        dict(good),  # the same name again
        {"name": "Also good", "kind": USER_KIND, "text": "", "params": {"model": "ray-2"}},
    ]
    set_pref(db, PREF_KEY, json.dumps(entries))
    with caplog.at_level(logging.WARNING, logger="luma_desktop.core.presets"):
        found = UserPresets(db).all()
    assert [p.name for p in found] == ["Good", "Also good"]
    assert sum("skipped" in r.getMessage() for r in caplog.records) == 6

    caplog.clear()
    set_pref(db, PREF_KEY, "{not json")
    with caplog.at_level(logging.WARNING, logger="luma_desktop.core.presets"):
        assert UserPresets(db).all() == []
    assert "could not be read" in caplog.text
    UserPresets(db).save(draft_preset("Fresh", "start again", {}))  # still usable
    assert [p.name for p in UserPresets(db).all()] == ["Fresh"]


def test_more_stored_than_the_limit_loads_the_first_ones(
    caplog: pytest.LogCaptureFixture,
) -> None:
    db = open_artist_db(":memory:")
    entries = [{"name": f"p{i}", "kind": USER_KIND, "text": "t"} for i in range(5)]
    set_pref(db, PREF_KEY, json.dumps(entries))
    store = UserPresets(db, replace(DEFAULT_LIMITS, max_user_presets=3))
    with caplog.at_level(logging.WARNING, logger="luma_desktop.core.presets"):
        assert [p.name for p in store.all()] == ["p0", "p1", "p2"]
    assert "Only the first 3" in caplog.text
