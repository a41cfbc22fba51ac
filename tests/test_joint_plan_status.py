"""Joint-plan status rules (DOMAIN §5) and the LOU indicators (§4) on hand-built timelines.

Most timelines use one 100-day activity starting on DAY0, so that on day n the expected progress is
exactly n percentage points.
"""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
import pytest

from metrics.joint_plan import (
    AT_RISK_POINTS,
    ON_TRACK_POINTS,
    STALE_DAYS,
    STATUSES,
    activity_status,
    expected_progress,
    plan_summary,
)

DAY0 = date(2025, 1, 1)


def day(n: int) -> date:
    return DAY0 + timedelta(days=n)


UPDATE_SCHEMA = {"activity_id": pl.String, "date": pl.Date, "progress": pl.Float64,
                 "signed_off": pl.Boolean}
NO_UPDATES = pl.DataFrame(schema=UPDATE_SCHEMA)


def plan(*rows: tuple[str, date, date]) -> pl.DataFrame:
    return pl.DataFrame(
        {"activity_id": [r[0] for r in rows], "start": [r[1] for r in rows],
         "end": [r[2] for r in rows]},
        schema={"activity_id": pl.String, "start": pl.Date, "end": pl.Date},
    )


def updates(*rows: tuple[str, date, float, bool | None]) -> pl.DataFrame:
    return pl.DataFrame(
        {"activity_id": [r[0] for r in rows], "date": [r[1] for r in rows],
         "progress": [float(r[2]) for r in rows], "signed_off": [r[3] for r in rows]},
        schema=UPDATE_SCHEMA,
    )


def one(activities: pl.DataFrame, ups: pl.DataFrame, as_of: date) -> dict:
    result = activity_status(activities, ups, as_of)
    assert result.height == 1
    return result.row(0, named=True)


HUNDRED_DAYS = plan(("A", day(0), day(100)))


# ---- constants and expected progress ------------------------------------------------------------


def test_constants():
    assert STATUSES == ("completed", "not_started", "overdue", "stale", "on_track", "at_risk",
                        "off_track")
    assert (ON_TRACK_POINTS, AT_RISK_POINTS, STALE_DAYS) == (10, 25, 90)


@pytest.mark.parametrize(("as_of", "expected"), [
    (day(-1), 0.0), (day(0), 0.0), (day(1), 1.0), (day(60), 60.0), (day(99), 99.0),
    (day(100), 100.0), (day(500), 100.0),
])
def test_expected_progress_is_the_elapsed_share(as_of, expected):
    assert expected_progress(day(0), day(100), as_of) == expected


def test_expected_progress_of_a_one_day_activity():
    assert expected_progress(day(5), day(5), day(4)) == 0.0
    assert expected_progress(day(5), day(5), day(5)) == 100.0
    assert expected_progress(day(5), day(5), day(6)) == 100.0


def test_vectorised_expected_matches_the_scalar_function():
    activities = plan(("A", day(0), day(100)), ("B", day(3), day(10)), ("C", day(7), day(7)),
                      ("D", day(-30), day(400)))
    for n in range(-5, 120, 7):
        got = activity_status(activities, NO_UPDATES, day(n))
        want = [expected_progress(s, e, day(n)) for s, e in zip(got["start"], got["end"],
                                                                 strict=True)]
        assert got["expected"].to_list() == pytest.approx(want, abs=1e-12)


# ---- each status --------------------------------------------------------------------------------


def test_each_status_on_one_plan():
    as_of = day(60)  # 60 points expected on the 100-day activities
    activities = plan(
        ("completed", day(0), day(100)),
        ("not_started", day(61), day(161)),
        ("overdue", day(-100), day(59)),
        ("stale", day(-100), day(200)),
        ("on_track", day(0), day(100)),
        ("at_risk", day(0), day(100)),
        ("off_track", day(0), day(100)),
    )
    ups = updates(
        ("completed", day(50), 100, True),
        ("overdue", day(58), 90, True),
        ("stale", day(-40), 50, True),  # 100 days before as_of
        ("on_track", day(55), 50, True),  # 10 behind
        ("at_risk", day(55), 35, True),  # 25 behind
        ("off_track", day(55), 34.9999, True),  # 25.0001 behind
    )
    result = activity_status(activities, ups, as_of)
    assert result["status"].to_list() == result["activity_id"].to_list()
    assert set(result["status"]) == set(STATUSES)


@pytest.mark.parametrize(("progress", "status"), [
    (80, "on_track"),  # ahead of schedule
    (60, "on_track"),
    (50, "on_track"),  # exactly 10 behind
    (49.9999, "at_risk"),
    (35, "at_risk"),  # exactly 25 behind
    (34.9999, "off_track"),  # 25.0001 behind
    (0, "off_track"),
])
def test_boundaries_at_10_and_25_points_behind(progress, status):
    row = one(HUNDRED_DAYS, updates(("A", day(59), progress, True)), day(60))
    assert row["expected"] == 60.0
    assert row["behind"] == pytest.approx(60.0 - progress)
    assert row["status"] == status


def test_before_start_is_not_started_even_with_updates():
    row = one(HUNDRED_DAYS, updates(("A", day(-10), 20, True)), day(-1))
    assert row["status"] == "not_started"
    assert row["expected"] == 0.0
    assert row["stale"] is False


def test_day_of_start_is_on_track_with_nothing_expected():
    row = one(HUNDRED_DAYS, NO_UPDATES, day(0))
    assert (row["status"], row["expected"], row["progress"], row["behind"]) == (
        "on_track", 0.0, 0.0, 0.0)
    assert row["last_signed"] is None
    assert row["stale"] is False


def test_after_end_not_completed_is_overdue():
    row = one(HUNDRED_DAYS, updates(("A", day(95), 99, True)), day(101))
    assert row["status"] == "overdue"
    assert row["expected"] == 100.0


def test_on_the_end_day_it_is_not_yet_overdue():
    row = one(HUNDRED_DAYS, updates(("A", day(95), 95, True)), day(100))
    assert row["status"] == "on_track"


def test_after_end_completed_is_completed():
    ups = updates(("A", day(95), 60, True), ("A", day(130), 100, True))
    assert one(HUNDRED_DAYS, ups, day(129))["status"] == "overdue"
    assert one(HUNDRED_DAYS, ups, day(130))["status"] == "completed"
    assert one(HUNDRED_DAYS, ups, day(400))["status"] == "completed"


def test_completed_wins_over_not_started_and_stale():
    ups = updates(("A", day(-5), 100, True))
    assert one(HUNDRED_DAYS, ups, day(-1))["status"] == "completed"
    row = one(HUNDRED_DAYS, ups, day(99))  # 104 days without an update
    assert row["status"] == "completed"
    assert row["stale"] is False


# ---- stale ----------------------------------------------------------------------------------------


def test_stale_after_90_days_without_a_signed_off_update():
    long = plan(("A", day(0), day(1000)))  # expected 0.1 point a day
    ups = updates(("A", day(10), 10, True))
    at_90 = one(long, ups, day(10 + 90))
    at_91 = one(long, ups, day(10 + 91))
    assert (at_90["status"], at_90["stale"]) == ("on_track", False)
    assert (at_91["status"], at_91["stale"]) == ("stale", True)


def test_never_updated_counts_silence_from_start():
    long = plan(("A", day(0), day(1000)))
    assert one(long, NO_UPDATES, day(90))["status"] == "on_track"  # 9 points behind
    assert one(long, NO_UPDATES, day(91))["status"] == "stale"


def test_overdue_wins_over_stale_but_the_flag_still_shows():
    row = one(HUNDRED_DAYS, updates(("A", day(5), 10, True)), day(120))
    assert (row["status"], row["stale"]) == ("overdue", True)


# ---- which updates count ---------------------------------------------------------------------------


def test_pending_updates_are_ignored():
    ups = updates(
        ("A", day(50), 50, True),
        ("A", day(55), 100, False),  # pending: one agency has not signed off
        ("A", day(58), 100, None),  # not signed off at all
    )
    row = one(HUNDRED_DAYS, ups, day(60))
    assert (row["progress"], row["last_signed"], row["status"]) == (50.0, day(50), "on_track")


def test_only_pending_updates_is_like_no_update():
    row = one(HUNDRED_DAYS, updates(("A", day(5), 100, False)), day(40))
    assert (row["progress"], row["last_signed"], row["status"]) == (0.0, None, "off_track")


def test_updates_after_as_of_are_ignored():
    ups = updates(("A", day(30), 40, True), ("A", day(61), 100, True))
    row = one(HUNDRED_DAYS, ups, day(60))
    assert (row["progress"], row["last_signed"], row["status"]) == (40.0, day(30), "at_risk")


def test_the_latest_signed_update_counts_not_the_highest():
    ups = updates(("A", day(40), 70, True), ("A", day(50), 45, True))  # a correction downwards
    row = one(HUNDRED_DAYS, ups, day(60))
    assert (row["progress"], row["last_signed"], row["status"]) == (45.0, day(50), "at_risk")


def test_same_day_updates_take_the_highest_progress_whatever_the_row_order():
    ups = updates(("A", day(50), 55, True), ("A", day(50), 30, True))
    assert one(HUNDRED_DAYS, ups, day(60))["progress"] == 55.0
    assert one(HUNDRED_DAYS, ups.reverse(), day(60))["progress"] == 55.0


def test_empty_updates_frame_works():
    activities = plan(("A", day(0), day(100)), ("B", day(70), day(80)), ("C", day(0), day(50)))
    result = activity_status(activities, NO_UPDATES, day(60))
    assert result["progress"].to_list() == [0.0, 0.0, 0.0]
    assert result["last_signed"].to_list() == [None, None, None]
    assert result["status"].to_list() == ["off_track", "not_started", "overdue"]
    assert result["stale"].to_list() == [False, False, False]


# ---- shape of the result ---------------------------------------------------------------------------


def test_one_row_per_activity_in_input_order_with_columns_passed_through():
    activities = plan(("Z", day(0), day(100)), ("B", day(0), day(100)), ("M", day(0), day(100)))
    activities = activities.with_columns(area=pl.Series(["education", "advocacy", "preparedness"]))
    ups = updates(*[(a, day(n), n, True) for a in ("M", "Z") for n in range(0, 60, 5)])
    result = activity_status(activities, ups, day(60))
    assert result.columns == ["activity_id", "start", "end", "area", "progress", "last_signed",
                              "expected", "behind", "status", "stale"]
    assert result["activity_id"].to_list() == ["Z", "B", "M"]
    assert result["area"].to_list() == ["education", "advocacy", "preparedness"]
    assert result.schema["progress"] == pl.Float64
    assert result.schema["last_signed"] == pl.Date
    assert result.schema["expected"] == pl.Float64
    assert result.schema["behind"] == pl.Float64
    assert result.schema["status"] == pl.String
    assert result.schema["stale"] == pl.Boolean
    assert result["progress"].to_list() == [55.0, 0.0, 55.0]


# ---- LOU indicators ----------------------------------------------------------------------------------

PERIOD_START, AS_OF = date(2025, 7, 1), date(2025, 9, 30)  # 2025-Q3

LOU_PLAN = plan(
    ("A1", date(2024, 1, 1), date(2024, 12, 31)),  # completed before the period: not due
    ("A2", date(2025, 1, 1), date(2025, 12, 31)),  # completed during the period
    ("A3", date(2025, 7, 1), date(2025, 12, 31)),  # on track
    ("A4", date(2025, 1, 1), date(2025, 12, 31)),  # off track
    ("A5", date(2024, 6, 1), date(2025, 6, 30)),  # overdue
    ("A6", date(2025, 10, 15), date(2026, 6, 30)),  # not started: not due
    ("A7", date(2025, 1, 1), date(2026, 12, 31)),  # stale
    ("A8", date(2025, 1, 1), date(2025, 12, 31)),  # on track; its pending 100 % does not count
)
LOU_UPDATES = updates(
    ("A1", date(2024, 6, 1), 60, True),
    ("A1", date(2024, 11, 15), 100, True),
    ("A2", date(2025, 5, 1), 50, True),
    ("A2", date(2025, 8, 1), 100, True),
    ("A3", date(2025, 9, 15), 45, True),  # expected 91/183 = 49.7: 4.7 behind
    ("A4", date(2025, 9, 1), 10, True),  # expected 272/364 = 74.7: 64.7 behind
    ("A5", date(2025, 6, 20), 80, True),
    ("A7", date(2025, 5, 1), 20, True),  # 152 days before as_of
    ("A8", date(2025, 9, 1), 70, True),  # 4.7 behind
    ("A8", date(2025, 9, 20), 100, False),
)


def test_lou_plan_statuses():
    result = activity_status(LOU_PLAN, LOU_UPDATES, AS_OF)
    assert dict(zip(result["activity_id"], result["status"], strict=True)) == {
        "A1": "completed", "A2": "completed", "A3": "on_track", "A4": "off_track",
        "A5": "overdue", "A6": "not_started", "A7": "stale", "A8": "on_track",
    }


def test_plan_summary_counts_by_hand():
    # due: A2 A3 A4 A5 A7 A8 (A1 completed before the period, A6 not started)
    # on track or completed among them: A2 A3 A8; overdue: A5 (A1 is past its end but completed)
    assert plan_summary(LOU_PLAN, LOU_UPDATES, PERIOD_START, AS_OF) == {
        "due": 6, "on_track_or_completed": 3, "overdue": 1}


def test_completed_on_the_first_day_of_the_period_is_still_due():
    ups = updates(("A", day(50), 100, True))
    assert plan_summary(HUNDRED_DAYS, ups, day(50), day(80)) == {
        "due": 1, "on_track_or_completed": 1, "overdue": 0}
    assert plan_summary(HUNDRED_DAYS, ups, day(51), day(80)) == {
        "due": 0, "on_track_or_completed": 0, "overdue": 0}


def test_plan_summary_ignores_pending_and_later_completions():
    ups = updates(("A", day(20), 100, False), ("A", day(90), 100, True))
    # the pending 100 % before the period does not take it out of the active set
    assert plan_summary(HUNDRED_DAYS, ups, day(30), day(60)) == {
        "due": 1, "on_track_or_completed": 0, "overdue": 0}


def test_plan_summary_with_no_updates():
    activities = plan(("A", day(0), day(100)), ("B", day(0), day(30)), ("C", day(90), day(99)))
    assert plan_summary(activities, NO_UPDATES, day(31), day(59)) == {
        "due": 2, "on_track_or_completed": 0, "overdue": 1}


def test_plan_summary_rejects_a_period_ending_before_it_starts():
    with pytest.raises(ValueError, match="after as_of"):
        plan_summary(HUNDRED_DAYS, NO_UPDATES, day(10), day(9))


def test_an_update_signed_after_the_as_of_date_does_not_count_yet():
    """Read for 31 March, an update dated 31 March but signed on 20 April did not count then."""
    activities = pl.DataFrame({"activity_id": ["A"], "start": [date(2025, 1, 1)],
                               "end": [date(2025, 12, 31)]})
    updates = pl.DataFrame({"activity_id": ["A"], "date": [date(2025, 3, 31)],
                            "progress": [100.0], "signed_off": [True],
                            "signed_on": [date(2025, 4, 20)]})
    at_end_of_march = activity_status(activities, updates, date(2025, 3, 31)).row(0, named=True)
    # nothing signed by then: 0 % against 24.5 % expected (89 of 364 days)
    assert (at_end_of_march["progress"], at_end_of_march["status"]) == (0.0, "at_risk")
    in_may = activity_status(activities, updates, date(2025, 5, 1)).row(0, named=True)
    assert in_may["status"] == "completed"
    without_dates = activity_status(activities, updates.drop("signed_on"), date(2025, 3, 31))
    assert without_dates.row(0, named=True)["status"] == "completed"  # older frames: as before
