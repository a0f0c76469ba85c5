"""The budget counts real costs (estimates until known) and says plainly what is left;
prompt craft inserts phrases where the cursor is and walks the history."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from luma_desktop.core import budget
from luma_desktop.core.budget import Caps, Spend, check, spent
from luma_desktop.core.craft import (
    CAMERA_MOVES,
    STARTER_PRESETS,
    HistoryCursor,
    Preset,
    insert_phrase,
)
from luma_desktop.core.jobs import JobRecord, JobStatus


def job(status: JobStatus, created: float, tokens: int = 100, **extra: object) -> JobRecord:
    record = JobRecord("id", status, "http://sim", "p", {}, (), tokens, created, created)
    for name, value in extra.items():
        object.__setattr__(record, name, value)  # the gateway branch's cost columns
    return record


def test_spend_counts_reported_costs_then_estimates() -> None:
    jobs = [
        job(JobStatus.READY, 10, cost_credits=80),
        job(JobStatus.DREAMING, 11),
        job(JobStatus.UNKNOWN, 12),  # may have been charged
        job(JobStatus.REFUSED, 13),  # never taken
        job(JobStatus.FAILED, 14),
        job(JobStatus.READY, 1),  # yesterday
    ]
    today = spent(jobs, since=5)
    assert (today.known, today.estimated) == (80, 200)


def test_the_cap_refuses_with_what_is_left_and_how_to_raise_it() -> None:
    verdict = check(300, Caps(per_day=1000), Spend(known=600, estimated=200), what="3 takes")
    assert not verdict.fits
    assert verdict.left_today == 200
    assert "3 takes would cost about 300 credits" in verdict.message
    assert "today's cap is 1,000 with 800 spent (200 left)" in verdict.message
    assert "Settings → Budget" in verdict.message
    assert "--budget" in verdict.message
    assert check(200, Caps(per_day=1000), Spend(known=800)).fits


def test_the_board_cap() -> None:
    caps = Caps(per_day=None, per_board=500)
    verdict = check(200, caps, Spend(known=10_000), board=Spend(known=400))
    assert not verdict.fits
    assert "this board's cap is 500 with 400 spent (100 left)" in verdict.message
    assert check(100, caps, Spend(), board=Spend(known=400)).fits
    assert check(10**9, Caps(), Spend()).fits  # no caps: everything fits


@given(cost=st.floats(0, 1e6), cap=st.floats(0, 1e6), used=st.floats(0, 1e6))
def test_a_verdict_fits_exactly_when_the_cost_is_within_what_is_left(
    cost: float, cap: float, used: float
) -> None:
    assert check(cost, Caps(per_day=cap), Spend(known=used)).fits == (cost <= cap - used)


def test_days_start_at_local_midnight() -> None:
    noon = dt.datetime(2026, 3, 1, 12, 30).astimezone().timestamp()
    start = dt.datetime.fromtimestamp(budget.start_of_day(noon))
    assert (start.day, start.hour, start.minute) == (1, 0, 0)


def test_status_text() -> None:
    assert budget.status_text(Spend(known=1200), Caps(per_day=5000)) == (
        "Today 1,200 of 5,000 credits"
    )
    assert budget.status_text(Spend(estimated=5), Caps()) == "Today ~5 credits"


def test_phrases_go_in_at_the_cursor_with_commas() -> None:
    assert insert_phrase("", 0, "camera push in") == ("camera push in", 14)
    text, cursor = insert_phrase("a fox in the snow", 17, "camera orbit left")
    assert (text, cursor) == ("a fox in the snow, camera orbit left", 36)
    text, _ = insert_phrase("a fox, at dawn", 6, "low angle shot")
    assert text == "a fox, low angle shot, at dawn"
    assert insert_phrase("abc", 99, "x")[0] == "abc, x"


def test_camera_moves_and_presets_are_data() -> None:
    labels = {m.label for m in CAMERA_MOVES}
    for wanted in ("Push in", "Pull out", "Orbit left", "Orbit right", "Truck left",
                   "Truck right", "Crane up", "Crane down", "Pan left", "Tilt up",
                   "Dolly zoom", "Aerial", "Handheld", "Static"):  # fmt: skip
        assert wanted in labels
    assert {p.kind for p in STARTER_PRESETS} == {"style", "lens", "light"}
    preset = STARTER_PRESETS[0]
    assert Preset.from_dict(preset.to_dict()) == preset
    assert Preset.from_dict({"name": "x", "kind": "", "text": "y"}) is None


def test_history_cursor_walks_back_and_returns_to_the_draft() -> None:
    cursor = HistoryCursor(["newest", "older", "oldest"], draft="half-typed")
    assert cursor.newer() is None
    assert [cursor.older(), cursor.older(), cursor.older(), cursor.older()] == [
        "newest",
        "older",
        "oldest",
        None,
    ]
    assert [cursor.newer(), cursor.newer(), cursor.newer(), cursor.newer()] == [
        "older",
        "newest",
        "half-typed",
        None,
    ]


def test_caps_are_saved_where_the_cli_reads_them() -> None:
    from luma_desktop.core.artist_db import open_artist_db, set_pref

    db = open_artist_db(":memory:")
    assert budget.load_caps(db) == Caps()
    budget.save_caps(db, Caps(per_day=2000, per_board=None))
    assert budget.load_caps(db) == Caps(per_day=2000)
    set_pref(db, "budget.per_board", "nonsense")
    assert budget.load_caps(db).per_board is None
    db.close()
