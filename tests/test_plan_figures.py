"""Tables and figures of the Joint Plan pages on small literal frames (no Streamlit, no warehouse).

Every expected number is worked out by hand in the comments.
"""

from __future__ import annotations

import json
from datetime import date

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from data_access.plan import latest_signed_values
from data_access.plan import status_frame as plan_status_frame
from data_access.reference import JOINT_PLAN_AREAS
from metrics.disclosure import scrub as scrubbed
from metrics.joint_plan import STATUSES
from pages import _plan_figures as figures

AS_OF = date(2025, 6, 30)
DAY_MS = 86_400_000
SECRET = "internal: do not show"


def status_frame(rows: list[tuple]) -> pl.DataFrame:
    """(id, area, lead, start, end, status, progress, stale, budget, mobilised, spent, due):
    `due` is the flag of `with_lou_flags` (on track or completed follows from the status)."""
    columns = ["activity_id", "area", "lead", "start", "end", "status", "progress", "stale",
               "budget_usd", "funds_mobilised_usd", "funds_spent_usd", "due"]
    frame = pl.DataFrame(rows, schema=columns, orient="row").with_columns(
        (pl.col("due") * pl.col("status").is_in(["on_track", "completed"]).cast(pl.Int64))
        .alias("on_track_or_completed"))
    return frame.with_columns(
        pl.format("Activity {}", "activity_id").alias("title"),
        (pl.col("progress") + 10).alias("expected"),
        pl.lit(None, pl.Date).alias("last_signed"),
        pl.lit(SECRET).alias("narrative"),  # must never reach a figure
    )


#: One activity per status, all in education except two; A7 in an area of its own. A1 was
#: completed before the period (2025): started, but no longer due.
PLAN = status_frame([
    ("A1", "education", "UNICEF", date(2020, 1, 1), date(2024, 12, 31), "completed", 100.0, False, 100.0, 90.0, 80.0, 0),
    ("A2", "education", "UNICEF", date(2024, 1, 1), date(2026, 12, 31), "on_track", 50.0, False, 200.0, None, None, 1),
    ("A3", "education", "JOINT", date(2024, 1, 1), date(2026, 12, 31), "at_risk", 30.0, False, None, 10.0, 5.0, 1),
    ("A4", "advocacy", "UNHCR", date(2024, 1, 1), date(2026, 12, 31), "off_track", 10.0, False, 50.0, None, None, 1),
    ("A5", "advocacy", "UNHCR", date(2020, 1, 1), date(2025, 1, 31), "overdue", 60.0, True, 50.0, 20.0, None, 1),
    ("A6", "education", "JOINT", date(2023, 1, 1), date(2026, 12, 31), "stale", 0.0, True, None, None, None, 1),
    ("A7", "preparedness", "UNHCR", date(2026, 1, 1), date(2027, 12, 31), "not_started", 0.0, False, 10.0, None, None, 0),
])


def figure_text(figure) -> str:
    return figure.to_json()


# ---------------------------------------------------------------------------------- frames
def test_as_of_is_today_or_the_last_day_of_a_past_year():
    today = date(2026, 11, 24)
    assert figures.as_of_for(2026, today) == today
    assert figures.as_of_for(2024, today) == date(2024, 12, 31)
    assert figures.as_of_for(2027, today) == today  # a future year is read today


def test_area_progress_divides_by_the_activities_due():
    areas = figures.area_progress(PLAN)
    assert areas["area"].to_list() == list(JOINT_PLAN_AREAS)  # all nine, in the LOU's order
    by_area = {row["area"]: row for row in areas.to_dicts()}
    education = by_area["education"]
    # A1 completed (before the period: not due), A2 on track, A3 at risk, A6 stale: 4 started,
    # 3 due, 1 of them on track (A1 is completed, but no longer counts: LOU.ON_TRACK_PCT).
    assert (education["activities"], education["started"], education["due"],
            education["on_track_or_completed"]) == (4, 4, 3, 1)
    assert education["on_track_pct"] == 100 / 3
    assert education["mean_progress"] == (100 + 50 + 30 + 0) / 4
    assert (education["overdue"], education["stale"]) == (0, 1)
    advocacy = by_area["advocacy"]  # A4 off track, A5 overdue and stale
    assert (advocacy["on_track_pct"], advocacy["mean_progress"]) == (0.0, 35.0)
    assert (advocacy["overdue"], advocacy["stale"]) == (1, 1)
    preparedness = by_area["preparedness"]  # A7 not started: no share, no mean (not 0)
    assert (preparedness["activities"], preparedness["started"], preparedness["due"]) == (1, 0, 0)
    assert preparedness["on_track_pct"] is None and preparedness["mean_progress"] is None
    health = by_area["health_nutrition"]
    assert (health["activities"], health["due"], health["on_track_pct"]) == (0, 0, None)


def test_plan_totals_match_the_area_table():
    assert figures.plan_totals(PLAN) == {"activities": 7, "started": 6, "due": 5,
                                         "on_track_or_completed": 1,
                                         "on_track_pct": 1 * 100 / 5, "overdue": 1, "stale": 2}
    empty = figures.plan_totals(PLAN.clear())
    assert empty["on_track_pct"] is None and empty["activities"] == 0


def test_without_flags_the_share_is_not_available():
    """No update signed off by both agencies yet (`with_lou_flags` leaves the flags null)."""
    unknown = PLAN.with_columns(pl.lit(None, pl.Int64).alias("due"),
                                pl.lit(None, pl.Int64).alias("on_track_or_completed"))
    totals = figures.plan_totals(unknown)
    assert (totals["due"], totals["on_track_or_completed"], totals["on_track_pct"]) == (
        None, None, None)
    assert (totals["started"], totals["overdue"]) == (6, 1)
    areas = figures.area_progress(unknown)
    assert areas["due"].null_count() == areas["on_track_pct"].null_count() == areas.height
    assert areas["activities"].sum() == 7


# Four activities, period 2025 read on 2025-06-30. P1 (2020..2026) completed in 2024: not due.
# P2 (2024..2026) signed 50 % on 2025-06-01, expected 49.9 % (546 of 1,095 days): on track.
# P3 (2024..2025) has only a pending update: stale (never signed, silent since its start).
# P4 starts in 2026: not started, not due. Due 2 (P2, P3), on track 1: 50 %.
FLAG_PLAN = pl.DataFrame({
    "activity_id": ["P1", "P2", "P3", "P4"],
    "area": ["education", "education", "advocacy", "advocacy"],
    "start": [date(2020, 1, 1), date(2024, 1, 1), date(2024, 1, 1), date(2026, 1, 1)],
    "end": [date(2026, 12, 31), date(2026, 12, 31), date(2025, 12, 31), date(2026, 12, 31)],
})
FLAG_UPDATES = pl.DataFrame({
    "activity_id": ["P1", "P2", "P3"], "update_no": [1, 1, 1],
    "date": [date(2024, 5, 1), date(2025, 6, 1), date(2025, 6, 1)],
    "progress": [100.0, 50.0, 90.0], "state": ["signed", "signed", "pending"],
})


def test_with_lou_flags_gives_the_terms_of_the_catalogue_indicator():
    from metrics.joint_plan import activity_status, plan_summary

    signed = FLAG_UPDATES.filter(pl.col("state") == "signed").with_columns(
        pl.lit(True).alias("signed_off"))
    status = activity_status(FLAG_PLAN, signed, AS_OF)
    flagged = figures.with_lou_flags(status, FLAG_UPDATES, AS_OF)
    assert flagged["activity_id"].to_list() == ["P1", "P2", "P3", "P4"]  # order kept
    assert flagged["due"].to_list() == [0, 1, 1, 0]
    assert flagged["on_track_or_completed"].to_list() == [0, 1, 0, 0]
    summary = plan_summary(FLAG_PLAN, signed, date(2025, 1, 1), AS_OF)
    totals = figures.plan_totals(flagged)
    assert (totals["due"], totals["on_track_or_completed"]) == (
        summary["due"], summary["on_track_or_completed"]) == (2, 1)
    assert totals["on_track_pct"] == 50.0
    assert (totals["started"], totals["activities"]) == (3, 4)
    # a pending update alone never makes the share available
    nothing_signed = FLAG_UPDATES.with_columns(pl.lit("pending").alias("state"))
    unknown = figures.with_lou_flags(status, nothing_signed, AS_OF)
    assert figures.plan_totals(unknown)["on_track_pct"] is None


def test_funds_by_area_and_lead_keep_not_reported_apart_from_zero():
    funds = figures.funds_by_area_lead(PLAN)
    rows = {(r["area"], r["lead"]): r for r in funds.to_dicts()}
    assert list(rows) == [("education", "JOINT"), ("education", "UNICEF"), ("advocacy", "UNHCR"),
                          ("preparedness", "UNHCR")]
    joint = rows["education", "JOINT"]  # A3 (mobilised 10, spent 5) and A6 (nothing)
    assert (joint["budgeted_usd"], joint["mobilised_usd"], joint["spent_usd"]) == (None, 10, 5)
    unicef = rows["education", "UNICEF"]  # A1 and A2
    assert (unicef["budgeted_usd"], unicef["mobilised_usd"], unicef["reporting"]) == (300, 90, 1)
    advocacy = rows["advocacy", "UNHCR"]  # spent reported by nobody: null, not 0
    assert (advocacy["mobilised_usd"], advocacy["spent_usd"]) == (20, None)


def test_what_needs_action():
    overdue = figures.overdue_activities(PLAN, AS_OF)
    assert overdue.select("activity_id", "days_overdue").rows() == [("A5", 150)]  # Jan 31 → Jun 30
    stale = figures.stale_activities(PLAN, AS_OF)
    # Never signed: silent since the start. A5 since 2020-01-01, A6 since 2023-01-01.
    assert stale.select("activity_id", "days_silent").rows() == [
        ("A5", (AS_OF - date(2020, 1, 1)).days), ("A6", (AS_OF - date(2023, 1, 1)).days)]
    updates = pl.DataFrame({
        "activity_id": ["A1", "A2", "A3", "A4"], "update_no": [1, 1, 2, 1],
        "date": [date(2025, 5, 1), date(2025, 4, 1), date(2025, 3, 1), date(2025, 2, 1)],
        "progress": [10.0, 20.0, 30.0, 40.0], "posted_by": ["a", "b", "c", "d"],
        "posted_agency": ["UNICEF", "UNICEF", "UNICEF", "UNHCR"],
        "state": ["pending", "pending", "signed", "pending"],
        "waiting_for": ["UNHCR", "UNHCR", None, "UNICEF"],
    })
    waiting = figures.waiting_for(updates, "UNHCR", PLAN)
    assert waiting.select("activity_id", "title").rows() == [("A2", "Activity A2"),
                                                             ("A1", "Activity A1")]
    assert figures.waiting_counts(updates) == {"UNHCR": 2, "UNICEF": 1}


# ---------------------------------------------------------------------------------- timeline
def test_timeline_has_one_trace_per_status_with_its_own_colour():
    figure = figures.timeline_figure(PLAN, AS_OF)
    assert [t.name for t in figure.data] == [figures.STATUS_LABELS[s] for s in figures.STATUS_ORDER]
    colours = [t.marker.color for t in figure.data]
    assert colours == [figures.STATUS_COLOURS[s] for s in figures.STATUS_ORDER]
    assert len(set(colours)) == len(colours)
    assert set(figures.STATUS_ORDER) == set(STATUSES)
    # A second channel besides colour on every status that needs action.
    patterns = {t.name: t.marker.pattern.shape for t in figure.data}
    for code in ("at_risk", "off_track", "overdue", "stale"):
        assert patterns[figures.STATUS_LABELS[code]]
    assert all(t.orientation == "h" for t in figure.data)


def test_timeline_bars_run_from_start_to_end():
    figure = figures.timeline_figure(PLAN, AS_OF)
    overdue = next(t for t in figure.data if t.name == "Overdue")
    assert list(overdue.y) == ["A5 Activity A5"]
    assert list(overdue.base) == ["2020-01-01"]
    assert list(overdue.x) == [((date(2025, 1, 31) - date(2020, 1, 1)).days + 1) * DAY_MS]
    # Rows are grouped by area in the LOU's order (education, advocacy, preparedness).
    assert list(figure.layout.yaxis.categoryarray) == [
        "A1 Activity A1", "A6 Activity A6", "A2 Activity A2", "A3 Activity A3",
        "A5 Activity A5", "A4 Activity A4", "A7 Activity A7"]
    assert figure.layout.yaxis.autorange == "reversed"


def test_timeline_marks_today_and_labels_its_axes():
    figure = figures.timeline_figure(PLAN, AS_OF, as_of_label="Today")
    [line] = figure.layout.shapes
    assert (line.type, line.x0, line.x1, line.yref) == ("line", "2025-06-30", "2025-06-30", "paper")
    assert any(a.text == "Today (2025-06-30)" for a in figure.layout.annotations)
    assert figure.layout.xaxis.type == "date"
    assert figure.layout.xaxis.title.text == "Timeframe (start to end)"
    assert figure.layout.yaxis.title.text == "Activity"
    assert figure.layout.font.size >= 14  # readable at screen-share size


def test_figures_carry_no_narrative_and_no_markup_from_the_data():
    plan = PLAN.with_columns(
        pl.when(pl.col("activity_id") == "A1").then(pl.lit("<script>alert(1)</script>"))
        .otherwise(pl.col("title")).alias("title"))
    built = [figures.timeline_figure(plan, AS_OF),
             figures.area_progress_figure(figures.area_progress(plan)),
             figures.funds_figure(figures.funds_by_area_lead(plan))]
    for figure in built:
        text = figure_text(figure)
        assert SECRET not in text
        assert "<script>" not in text  # titles are escaped: plotly renders hover labels as HTML
        assert "mapbox" not in json.loads(text)["layout"]
    hover = json.dumps([t.customdata for t in built[0].data if t.customdata is not None],
                       default=str)
    assert "&lt;script&gt;" in hover


def test_long_titles_are_shortened_on_the_axis_but_whole_in_the_hover():
    title = "Strengthen the national birth registration system in all districts of the country"
    plan = PLAN.head(1).with_columns(pl.lit(title).alias("title"))
    [trace] = figures.timeline_figure(plan, AS_OF).data
    assert trace.y[0].endswith("…") and len(trace.y[0]) < len(title)
    assert trace.customdata[0][1] == title


@pytest.mark.parametrize("build", [
    lambda frame: figures.timeline_figure(frame, AS_OF),
    lambda frame: figures.area_progress_figure(figures.area_progress(frame)),
    lambda frame: figures.funds_figure(figures.funds_by_area_lead(frame)),
], ids=["timeline", "areas", "funds"])
def test_an_empty_plan_gives_a_figure_that_says_so(build):
    figure = build(PLAN.clear())
    assert not figure.data
    assert [a.text for a in figure.layout.annotations] == [figures.EMPTY_PLAN]


# ---------------------------------------------------------------------------------- bar charts
def test_area_progress_figure():
    figure = figures.area_progress_figure(figures.area_progress(PLAN))
    share, mean = figure.data
    assert share.y[0] == "Education" and len(share.y) == 9
    assert share.x[0] == 100 / 3 and share.x[list(share.y).index(
        JOINT_PLAN_AREAS["preparedness"])] is None  # no activity due: no bar, not 0
    assert share.name == "On track or completed (% of activities due)"
    assert mean.x[0] == 45.0
    assert figure.layout.xaxis.title.text == "Percent"
    assert figure.layout.yaxis.title.text == "Area"


def test_funds_figure_groups_budget_mobilised_and_spent():
    figure = figures.funds_figure(figures.funds_by_area_lead(PLAN))
    assert [t.name for t in figure.data] == ["Budgeted (plan)", "Mobilised (latest signed update)",
                                             "Spent (latest signed update)"]
    assert list(figure.data[0].y)[:2] == ["Education · Joint", "Education · UNICEF"]
    assert figure.layout.barmode == "group"
    assert figure.layout.xaxis.title.text == "US dollars"
    assert "$" not in figure_text(figure)  # no MathJax trigger (offline)


# ---------------------------------------------------------------------------------- loaders
UPDATES = pl.DataFrame({
    "activity_id": ["A", "A", "A", "A", "B"],
    "update_no": [1, 2, 3, 4, 1],
    "date": [date(2025, 1, 31), date(2025, 4, 30), date(2025, 5, 31), date(2025, 8, 31),
             date(2025, 3, 31)],
    "progress": [20.0, 40.0, 60.0, 90.0, 10.0],
    "state": ["signed", "signed", "pending", "signed", "returned"],
    "indicator_actual": [72.0, None, 99.0, 80.0, 5.0],
    "funds_mobilised_usd": [100.0, 150.0, 500.0, None, 1.0],
    "funds_spent_usd": [None, None, None, None, None],
}, schema_overrides={"funds_spent_usd": pl.Float64})


def test_latest_signed_values_skip_pending_later_and_empty_figures():
    latest = latest_signed_values(UPDATES, AS_OF)
    # A: update 3 is pending and update 4 is after the as-of date; update 2 is the latest
    # signed one, but gives no actual: the actual is update 1's. B was returned: nothing.
    assert latest.to_dicts() == [{
        "activity_id": "A", "last_signed_update": 2, "indicator_actual": 72.0,
        "funds_mobilised_usd": 150.0, "funds_spent_usd": None, "actual_date": date(2025, 1, 31),
    }]


def test_plan_status_frame_counts_only_signed_updates():
    activities = pl.DataFrame({"activity_id": ["B", "A"], "title": ["b", "a"],
                               "start": [date(2025, 1, 1)] * 2, "end": [date(2025, 12, 31)] * 2})
    status = plan_status_frame(activities, UPDATES, AS_OF)
    assert status["activity_id"].to_list() == ["B", "A"]  # input order kept
    assert status["progress"].to_list() == [0.0, 40.0]
    assert status["last_signed"].to_list() == [None, date(2025, 4, 30)]
    assert status["indicator_actual"].to_list() == [None, 72.0]


def test_scrubbed_text_columns_keep_no_hidden_bytes():
    frame = pl.DataFrame({"narrative": [SECRET, "shared"], "internal": ["yes", "no"]})
    hidden = frame.with_columns(pl.when(pl.col("internal") == "yes").then(None)
                                .otherwise(pl.col("narrative")).alias("narrative"))
    clean = scrubbed(hidden)
    assert_frame_equal(clean, hidden)

    def buffers(f: pl.DataFrame) -> bytes:
        chunks = f.to_arrow().column("narrative").chunks
        return b"".join(b.to_pybytes() for c in chunks for b in c.buffers() if b is not None)

    assert SECRET.encode() not in buffers(clean)
