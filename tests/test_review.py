"""UNDAF / UNSDCF review (DOMAIN §6): achievement and ratings against hand-computed values
(`metrics.review`), and the review page in AppTest — every audience on the demo warehouse, the
page equal to `metrics.review` over the same inputs, no small number shown to donors, and an
office's framework and targets imported through the importer replacing the demo's example.
"""

from __future__ import annotations

import json
import re
import shutil
import struct
from datetime import date, datetime
from pathlib import Path

import demo_warehouse
import polars as pl
import pytest
from click.testing import CliRunner
from files import GOOD
from streamlit.testing.v1 import AppTest

from data_access import cli, importer, indicators
from data_access import review as stored
from data_access.engine import make_engine
from metrics import disclosure
from metrics import review as rv
from metrics.engine import OK, SUPPRESSED, Request
from metrics.periods import YEAR, Period
from pages import _review_figures as figures

APP = Path(__file__).resolve().parent.parent / "app.py"
PAGE = "pages/undaf_review.py"
AUDIENCES = ["unhcr", "unicef", "donor", "admin"]
WHEN = datetime(2026, 1, 15, 10, 0)


# ----------------------------------------------------------------------------- small fixtures
def framework_frame(rows: list[tuple], *, start: int = 2021, end: int = 2025, batch: int = 1,
                    example: bool = False) -> pl.DataFrame:
    """(code, level, parent, title) rows of one framework."""
    return pl.DataFrame(
        [{"code": code, "level": level, "parent": parent, "title": title, "start_year": start,
          "end_year": end, "batch_id": batch, "imported_at": WHEN,
          "file_name": f"framework-{batch}.csv", "user_name": "dm", "example": example}
         for code, level, parent, title in rows], schema=stored.FRAMEWORK_SCHEMA)


FRAMEWORK = framework_frame([("OC1", "outcome", None, "Education"),
                             ("OP1.1", "output", "OC1", "Children enrolled"),
                             ("OC2", "outcome", None, "Legal identity")])


def targets_frame(rows: list[tuple], *, example: bool = False, audience: str = "unhcr"
                  ) -> pl.DataFrame:
    """(indicator, year, baseline, target, undaf_outcome) rows, disclosed for `audience`."""
    frame = pl.DataFrame(
        [{"indicator": code, "year": year, "baseline": baseline, "target": target,
          "undaf_outcome": outcome, "batch_id": 2, "imported_at": WHEN,
          "file_name": "targets.csv", "user_name": "dm", "example": example}
         for code, year, baseline, target, outcome in rows], schema=stored.TARGETS_SCHEMA)
    return rv.disclose_targets(frame, audience)


def actuals_frame(values: dict[tuple[str, int], float | str | None]) -> pl.DataFrame:
    """(indicator, year) -> a value, '<5' (withheld) or None (no data), as the engine gives."""
    rows = []
    for (code, year), value in values.items():
        withheld = value == "<5"
        rows.append({"indicator": code, "period": str(year),
                     "value": None if withheld or value is None else float(value),
                     "status": SUPPRESSED if withheld else ("no_data" if value is None else OK),
                     "display": "<5" if withheld else ("no data" if value is None
                                                       else str(value))})
    return pl.DataFrame(rows, schema={"indicator": pl.String, "period": pl.String,
                                      "value": pl.Float64, "status": pl.String,
                                      "display": pl.String})


def one(table: pl.DataFrame, code: str) -> dict:
    rows = table.filter(pl.col("indicator") == code)
    assert rows.height == 1, code
    return rows.row(0, named=True)


# ----------------------------------------------------------------------------- the rule
@pytest.mark.parametrize(("actual", "baseline", "target", "expected"), [
    (88, 80, 90, 80.0),        # an increase, 8 of the 10 points
    (400, 500, 300, 50.0),     # a decrease: half of the way down
    (290, 500, 300, 105.0),    # a decrease beyond the target
    (25, 10, 20, 150.0),       # beyond the target
    (85, 90, 95, -100.0),      # moving away: as far below the baseline as the target is above
    (80, 80, 90, 0.0),         # still at the baseline
])
def test_achievement_is_the_share_of_the_way_from_baseline_to_target(actual, baseline, target,
                                                                      expected):
    assert rv.achievement(actual, baseline, target) == pytest.approx(expected)


def test_no_achievement_when_the_target_is_the_baseline():
    assert rv.achievement(96, 95, 95) is None


@pytest.mark.parametrize(("actual_year", "target_year", "share"), [
    (2023, 2025, 60.0), (2025, 2025, 100.0), (2020, 2025, 0.0), (2027, 2025, 100.0),
    (2019, 2025, 0.0), (2025, 2020, 100.0),
])
def test_expected_share_of_the_way_by_the_actual_s_year(actual_year, target_year, share):
    assert rv.expected_share(actual_year, 2020, target_year) == pytest.approx(share)


SHOWN3 = (rv.SHOWN,) * 3


@pytest.mark.parametrize(("actual", "baseline", "target", "expected", "direction", "statuses",
                          "rating"), [
    (90, 80, 90, 100, "higher", SHOWN3, rv.ACHIEVED),
    (95, 80, 90, 100, "higher", SHOWN3, rv.ACHIEVED),
    (89, 80, 90, 100, "higher", SHOWN3, rv.ON_TRACK),       # 90 % >= 100 − 10
    (88.9, 80, 90, 100, "higher", SHOWN3, rv.AT_RISK),      # 89 % < 90
    (86, 80, 90, 60, "higher", SHOWN3, rv.ON_TRACK),        # 60 % >= 60 − 10
    (84.9, 80, 90, 60, "higher", SHOWN3, rv.AT_RISK),       # 49 % < 50
    (80, 80, 90, 0, "higher", SHOWN3, rv.ON_TRACK),         # the first year: nothing expected
    (79, 80, 90, 0, "higher", SHOWN3, rv.OFF_TRACK),        # moving away
    (350, 500, 300, 100, "lower", SHOWN3, rv.AT_RISK),      # a decrease 75 % of the way
    (310, 500, 300, 100, "lower", SHOWN3, rv.ON_TRACK),     # 95 %
    (520, 500, 300, 100, "lower", SHOWN3, rv.OFF_TRACK),    # up instead of down
    (96, 95, 95, 100, "higher", SHOWN3, rv.ACHIEVED),       # keep the level: held
    (94, 95, 95, 100, "higher", SHOWN3, rv.OFF_TRACK),      # not held
    (10, 12, 12, 100, "lower", SHOWN3, rv.ACHIEVED),
    (13, 12, 12, 100, "lower", SHOWN3, rv.OFF_TRACK),
    (1.0, 1.0, 1.0, 100, "neutral", SHOWN3, rv.ACHIEVED),
    (0.98, 1.0, 1.0, 100, "neutral", SHOWN3, rv.OFF_TRACK),
    (None, 80, 90, None, "higher", (rv.MISSING, rv.SHOWN, rv.SHOWN), rv.NO_DATA),
    (88, None, 90, 100, "higher", (rv.SHOWN, rv.MISSING, rv.SHOWN), rv.NO_DATA),
    (None, 80, 90, 100, "higher", (rv.WITHHELD, rv.SHOWN, rv.SHOWN), rv.NOT_SHOWN),
    (88, None, 90, 100, "higher", (rv.SHOWN, rv.WITHHELD, rv.SHOWN), rv.NOT_SHOWN),
    (None, 80, None, 100, "higher", (rv.MISSING, rv.SHOWN, rv.WITHHELD), rv.NOT_SHOWN),
])
def test_rating(actual, baseline, target, expected, direction, statuses, rating):
    assert rv.rate(actual=actual, baseline=baseline, target=target, expected=expected,
                   direction=direction, statuses=statuses) == rating


# ----------------------------------------------------------------------------- the review table
TARGETS = [
    ("EDU.GER_PRIMARY", 2025, 80, 90, "OC1"),        # an increase
    ("EDU.GER_SECONDARY", 2025, 60, 70, "OP1.1"),    # through an output of OC1
    ("EDU.OUT_OF_SCHOOL", 2025, 500, 300, "OC1"),    # a decrease
    ("EDU.DAFI", 2025, 10, 20, "OC1"),               # beyond the target
    ("EDU.GPI", 2025, 0.85, 1.0, "OC1"),             # latest actual a year earlier
    ("BRN.U5_REGISTERED_PCT", 2025, 95, 95, "OC2"),  # keep the level
    ("STA.RESOLUTION_PCT", 2025, None, 80, "OC2"),   # no baseline: the 2020 value
    ("STA.IDENTIFIED", 2025, None, 30000, "OC2"),    # no baseline, no 2020 value
    ("SOL.NATURALISED", 2025, 10, 20, "OC2"),        # actual withheld
    ("ASY.TPR", 2025, 90, 95, "OC2"),                # moving away
    ("EDU.NER", 2025, 70, 80, None),                 # linked to no outcome
]
ACTUALS = {
    ("EDU.GER_PRIMARY", 2025): 88, ("EDU.GER_SECONDARY", 2025): 69.5,
    ("EDU.OUT_OF_SCHOOL", 2025): 350, ("EDU.DAFI", 2025): 25,
    ("EDU.GPI", 2024): 0.95, ("EDU.GPI", 2025): None,
    ("BRN.U5_REGISTERED_PCT", 2025): 96, ("STA.RESOLUTION_PCT", 2020): 70,
    ("STA.RESOLUTION_PCT", 2025): 75, ("STA.IDENTIFIED", 2025): 26000,
    ("SOL.NATURALISED", 2024): 12, ("SOL.NATURALISED", 2025): "<5",
    ("ASY.TPR", 2025): 85, ("EDU.NER", 2025): 72,
}


@pytest.fixture
def table() -> pl.DataFrame:
    framework = rv.choose_framework(FRAMEWORK, 2025)
    return rv.review_table(framework, targets_frame(TARGETS), actuals_frame(ACTUALS), 2025,
                           threshold=5)


def test_review_against_hand_computed_values(table):
    expected = {  # indicator: (achievement %, expected %, rating)
        "EDU.GER_PRIMARY": (80.0, 100.0, rv.AT_RISK),
        "EDU.GER_SECONDARY": (95.0, 100.0, rv.ON_TRACK),
        "EDU.OUT_OF_SCHOOL": (75.0, 100.0, rv.AT_RISK),
        "EDU.DAFI": (150.0, 100.0, rv.ACHIEVED),
        # 0.95 in 2024: (0.95 − 0.85) ÷ 0.15 = 66.7 % against 80 % expected by 2024 (4 of 5 years)
        "EDU.GPI": (200 / 3, 80.0, rv.AT_RISK),
        "BRN.U5_REGISTERED_PCT": (None, 100.0, rv.ACHIEVED),
        "STA.RESOLUTION_PCT": (50.0, 100.0, rv.AT_RISK),
        "STA.IDENTIFIED": (None, 100.0, rv.NO_DATA),
        "SOL.NATURALISED": (None, 100.0, rv.NOT_SHOWN),
        "ASY.TPR": (-100.0, 100.0, rv.OFF_TRACK),
        "EDU.NER": (20.0, 100.0, rv.AT_RISK),
    }
    for code, (achievement, share, rating) in expected.items():
        row = one(table, code)
        assert row["rating"] == rating, code
        assert row["expected"] == pytest.approx(share), code
        if achievement is None:
            assert row["achievement"] is None, code
        else:
            assert row["achievement"] == pytest.approx(achievement), code


def test_outcomes_in_framework_order_outputs_roll_up_unlinked_last(table):
    assert table.get_column("outcome").unique(maintain_order=True).to_list() == [
        "OC1", "OC2", rv.UNLINKED]
    secondary = one(table, "EDU.GER_SECONDARY")
    assert (secondary["outcome"], secondary["link"], secondary["outcome_title"]) == (
        "OC1", "OP1.1", "Education")
    assert one(table, "EDU.NER")["outcome_title"] is None


def test_figures_as_shown(table):
    gpi = one(table, "EDU.GPI")
    assert (gpi["actual"], gpi["actual_year"], gpi["actual_display"]) == (0.95, 2024, "0.95")
    assert gpi["note"] == "latest value: 2024"
    resolution = one(table, "STA.RESOLUTION_PCT")
    assert (resolution["baseline"], resolution["baseline_year"], resolution["baseline_source"],
            resolution["baseline_display"]) == (70, 2020, rv.FROM_DATA, "70.0 %")
    assert "baseline: the value in 2020" in resolution["note"]
    identified = one(table, "STA.IDENTIFIED")
    assert identified["baseline_status"] == rv.MISSING
    assert "no baseline" in identified["note"]
    naturalised = one(table, "SOL.NATURALISED")
    # the withheld 2025 value is the latest actual: the 2024 value does not stand in for it
    assert (naturalised["actual"], naturalised["actual_year"], naturalised["actual_display"]) == (
        None, 2025, "<5")
    assert naturalised["actual_status"] == rv.WITHHELD
    keep = one(table, "BRN.U5_REGISTERED_PCT")
    assert "keep the baseline level" in keep["note"]
    assert one(table, "EDU.OUT_OF_SCHOOL")["target_display"] == "300"


def test_the_reporting_year_s_target_else_the_next_else_the_last():
    framework = rv.choose_framework(FRAMEWORK, 2023)
    targets = targets_frame([("EDU.GER_PRIMARY", 2023, 80, 84, "OC1"),
                             ("EDU.GER_PRIMARY", 2025, 80, 90, "OC1")])
    actuals = actuals_frame({("EDU.GER_PRIMARY", 2022): 83, ("EDU.GER_PRIMARY", 2023): 83.8,
                             ("EDU.GER_PRIMARY", 2024): 83, ("EDU.GER_PRIMARY", 2025): 91})

    def target_of(year: int) -> tuple:
        row = one(rv.review_table(framework, targets, actuals, year), "EDU.GER_PRIMARY")
        return row["target"], row["target_year"], round(row["achievement"], 1), row["rating"]

    assert target_of(2022) == (84, 2023, 75.0, rv.ON_TRACK)   # 66.7 % expected by 2022
    assert target_of(2023) == (84, 2023, 95.0, rv.ON_TRACK)   # 100 % expected, 10 points leeway
    assert target_of(2024) == (90, 2025, 30.0, rv.AT_RISK)    # 80 % expected by 2024
    assert target_of(2026) == (90, 2025, 110.0, rv.ACHIEVED)  # after the framework: the last


def test_small_count_targets_and_indicators_not_shared_are_withheld():
    rows = [("SOL.NATURALISED", 2025, 3, 10, "OC2"), ("EDU.GER_PRIMARY", 2025, 2.5, 4, "OC1"),
            ("ASY.TPR", 2025, 90, 95, "OC2")]
    donor = targets_frame(rows, audience="donor")
    assert donor.select("indicator", "baseline", "baseline_status", "target",
                        "target_status").rows() == [
        ("SOL.NATURALISED", None, rv.WITHHELD, 10.0, rv.SHOWN),  # a count of 3 people
        ("EDU.GER_PRIMARY", 2.5, rv.SHOWN, 4.0, rv.SHOWN),       # a rate: no count
        ("ASY.TPR", 90.0, rv.SHOWN, 95.0, rv.SHOWN)]
    unicef = targets_frame(rows, audience="unicef")
    assert unicef.filter(pl.col("indicator") == "ASY.TPR").select(
        "shared", "baseline", "target", "baseline_status").row(0) == (
        False, None, None, rv.WITHHELD)
    assert targets_frame(rows, audience="unhcr").get_column("baseline").to_list() == [3, 2.5, 90]
    # the withheld value is not behind the null in the column's buffer
    assert struct.pack("<d", 3.0) not in donor.get_column("baseline").to_arrow().buffers()[
        1].to_pybytes()
    table = rv.review_table(rv.choose_framework(FRAMEWORK, 2025), unicef,
                            actuals_frame({("EDU.GER_PRIMARY", 2025): 3.5}), 2025, threshold=5)
    tpr = one(table, "ASY.TPR")
    assert (tpr["rating"], tpr["baseline_display"], tpr["target_display"], tpr["note"]) == (
        rv.NOT_SHOWN, "not shared", "not shared", "not shared with this audience")


def test_the_office_s_framework_sets_the_example_aside():
    example = framework_frame([("EX-OC1", "outcome", None, "Example — Outcome 1")],
                              example=True)
    chosen = rv.choose_framework(example, 2025)
    assert (chosen.example, chosen.covers) == (True, True)
    office = framework_frame([("OC1", "outcome", None, "Education")], start=2022, end=2026,
                             batch=5)
    chosen = rv.choose_framework(pl.concat([example, office]), 2025)
    assert (chosen.example, chosen.start_year, chosen.outcomes.get_column("code").to_list()) == (
        False, 2022, ["OC1"])
    # the example's targets go with the example framework
    targets = pl.concat([targets_frame([("EDU.GER_PRIMARY", 2025, 80, 90, "EX-OC1")],
                                       example=True),
                         targets_frame([("EDU.NER", 2025, 70, 80, "OC1")])])
    assert rv.framework_targets(chosen, targets).get_column("indicator").to_list() == ["EDU.NER"]


def test_the_office_s_own_targets_set_the_example_targets_aside_too():
    """Targets of its own without a framework: the example framework is still the one shown,
    but its example targets are not used any more (as in the engine)."""
    example = rv.choose_framework(framework_frame(
        [("EX-OC1", "outcome", None, "Example — Outcome 1")], example=True), 2025)
    only_example = targets_frame([("EDU.GER_PRIMARY", 2025, 80, 90, "EX-OC1")], example=True)
    assert rv.framework_targets(example, only_example).get_column("indicator").to_list() == [
        "EDU.GER_PRIMARY"]
    both = pl.concat([only_example, targets_frame([("EDU.NER", 2025, 70, 80, "OC1")])])
    linked = rv.framework_targets(example, both)
    assert linked.select("indicator", "outcome").rows() == [("EDU.NER", rv.UNLINKED)]


def test_an_indicator_no_longer_in_the_catalogue_says_so_even_to_admin():
    targets = targets_frame([("EDU.GONE", 2025, 10, 20, "OC1"),
                             ("EDU.NER", 2025, 70, 80, "OC1")], audience="admin")
    table = rv.review_table(rv.choose_framework(FRAMEWORK, 2025), targets,
                            actuals_frame({("EDU.NER", 2025): 75}), 2025, threshold=None)
    gone = one(table, "EDU.GONE")
    assert (gone["rating"], gone["note"], gone["name"]) == (
        rv.NO_DATA, "indicator not in the catalogue", "EDU.GONE")
    assert (gone["baseline_display"], gone["target_display"], gone["actual_display"]) == (
        "—", "—", "—")
    assert "not shared" not in " ".join(str(v) for v in gone.values())
    assert one(table, "EDU.NER")["rating"] == rv.AT_RISK  # 50 %, 100 % expected in 2025


def test_a_value_carried_forward_is_labelled_with_its_own_year():
    """The engine reads a stock in a year without a snapshot of its own (the current year) at
    the latest earlier snapshot: that actual is the snapshot's year's, with a note."""
    framework = rv.choose_framework(framework_frame(
        [("OC2", "outcome", None, "Legal identity")], start=2022, end=2027), 2026)
    targets = targets_frame([("STA.RESOLVED", 2027, 17000, 23000, "OC2")], audience="admin")
    actuals = pl.DataFrame({
        "indicator": ["STA.RESOLVED"] * 2, "period": ["2025", "2026"],
        "value": [22253.0, 22253.0], "status": [OK, OK], "display": ["22,253"] * 2,
        "as_of": [date(2025, 12, 31), date(2025, 12, 31)]})
    row = one(rv.review_table(framework, targets, actuals, 2026, threshold=None),
              "STA.RESOLVED")
    assert (row["actual_year"], row["actual_display"]) == (2025, "22,253")
    assert row["note"] == "latest data as of Dec 31, 2025"
    # 5,253 of 6,000: 87.55 %; expected by 2025 (the data's year): 4 of 6 years = 66.7 %
    assert round(row["expected"], 1) == 66.7 and row["rating"] == rv.ON_TRACK
    shown = figures.screen_table(rv.review_table(framework, targets, actuals, 2026))
    assert "22,253 (2025)" in shown.row(0) and "22,253 (2026)" not in shown.row(0)
    # a value of the year itself keeps its year
    same = actuals.with_columns(pl.Series("as_of", [date(2025, 12, 31), date(2026, 6, 30)]))
    row = one(rv.review_table(framework, targets, same, 2026), "STA.RESOLVED")
    assert (row["actual_year"], row["note"]) == (2026, None)
    # carried from before the framework began: no actual of the framework
    early = actuals.with_columns(pl.Series("as_of", [date(2020, 12, 31)] * 2))
    row = one(rv.review_table(framework, targets, early, 2026), "STA.RESOLVED")
    assert (row["actual_status"], row["rating"]) == (rv.MISSING, rv.NO_DATA)


def test_the_framework_in_force_in_the_reporting_year():
    first = framework_frame([("A1", "outcome", None, "A")], start=2016, end=2020, batch=1)
    second = framework_frame([("B1", "outcome", None, "B")], start=2021, end=2025, batch=2)
    overlap = framework_frame([("C1", "outcome", None, "C")], start=2024, end=2028, batch=3)
    frames = pl.concat([first, second])
    assert rv.choose_framework(frames, 2018).start_year == 2016
    assert rv.choose_framework(frames, 2023).start_year == 2021
    assert rv.choose_framework(pl.concat([frames, overlap]), 2025).start_year == 2024  # last in
    after = rv.choose_framework(frames, 2030)  # none in force: the last that ended
    assert (after.start_year, after.covers) == (2021, False)
    before = rv.choose_framework(frames, 2010)
    assert (before.start_year, before.covers) == (2016, False)
    assert rv.choose_framework(framework_frame([]), 2025) is None


def test_summary_per_outcome(table):
    summaries = {s["outcome"]: s for s in rv.outcome_summary(table)}
    assert rv.summary_text(summaries["OC1"]) == (
        "2 of 5 indicators achieved or on track (1 achieved, 1 on track, 3 at risk).")
    assert rv.summary_text(summaries["OC2"]) == (
        "1 of 5 indicators achieved or on track (1 achieved, 1 at risk, 1 off track, "
        "1 no data, 1 not shown).")
    assert rv.summary_text(summaries[rv.UNLINKED]) == (
        "0 of 1 indicator achieved or on track (1 at risk).")


def test_the_chart_draws_the_achievements_and_names_the_others(table):
    figure = figures.achievement_figure(table, title="Achievement")
    drawn = {y: x for trace in figure.data if trace.type == "bar"
             for x, y in zip(trace.x, trace.y, strict=True)}
    assert drawn["OC1 · Out-of-school children"] == pytest.approx(75.0)
    assert drawn["OC2 · Total protection rate"] == pytest.approx(-100.0)
    assert len(drawn) == table.filter(pl.col("achievement").is_not_null()).height == 8
    legend = {trace.name for trace in figure.data if trace.type == "bar"}
    assert legend == {"✅ Achieved", "🟢 On track", "🟠 At risk", "🔴 Off track"}
    note = figures.not_drawn_note(figure)
    assert "Refugees naturalised (not shown)" in note
    assert "Children under 5 with a registered birth (achieved)" in note


def test_the_download_leaves_withheld_values_empty(table):
    frame = rv.download_frame(table)
    naturalised = frame.filter(pl.col("indicator") == "SOL.NATURALISED").row(0, named=True)
    assert (naturalised["actual"], naturalised["actual_display"], naturalised["rating"],
            naturalised["rating_label"]) == (None, "<5", rv.NOT_SHOWN, "Not shown")


def test_the_review_in_russian():
    from locales import using

    with using("ru"):
        table = rv.review_table(rv.choose_framework(FRAMEWORK, 2025), targets_frame(TARGETS),
                                actuals_frame(ACTUALS), 2025, threshold=5)
        shown = figures.screen_table(table.filter(pl.col("outcome") == "OC1"))
    first = shown.row(0)
    assert "88,0\u00a0% (2025)" in first
    assert "80\u00a0%" in first  # the achievement


# ----------------------------------------------------------------------------- the page
@pytest.fixture(autouse=True)
def _fresh(fresh_caches):
    """Every test starts and ends with empty Streamlit caches."""


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("review") / "demo.sqlite"
    demo_warehouse.build(path, boundaries=False)
    return path


@pytest.fixture
def demo(demo_file, tmp_path, monkeypatch):
    """A copy of the demo warehouse of its own (tests import into it)."""
    path = tmp_path / "demo.sqlite"
    shutil.copyfile(demo_file, path)
    url = f"sqlite:///{path}"
    monkeypatch.setenv("HAMKORI_WAREHOUSE_URL", url)
    monkeypatch.setenv("HAMKORI_USER", "tester")
    monkeypatch.delenv("HAMKORI_DISCLOSURE_THRESHOLDS", raising=False)
    engine = make_engine(url)
    yield engine
    engine.dispose()


def open_page(audience: str, **query) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params["audience"] = audience
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def expected_review(engine, audience: str, year: int) -> tuple[rv.Framework, pl.DataFrame]:
    """`metrics.review` over the inputs the page reads, computed without the app."""
    with engine.connect() as connection:
        framework = rv.choose_framework(stored.framework(connection), year)
        targets = stored.targets(connection, audience)
        codes = rv.indicator_codes(framework, targets, audience)
        requests = [Request(Period(YEAR, y), audience, compare=False)
                    for y in rv.review_years(framework, year)]
        actuals = indicators.compute_series(connection, requests, codes)
    return framework, rv.review_table(framework, targets, actuals, year,
                                      threshold=disclosure.threshold_for(audience))


def framework_end(engine) -> int:
    with engine.connect() as connection:
        return stored.framework(connection).get_column("end_year").max()


def texts(elements) -> str:
    return "\n".join(str(e.value) for e in elements)


def page_tables(at: AppTest) -> list[list[list[str]]]:
    return [[list(map(str, row)) for row in t.value.itertuples(index=False)]
            for t in at.dataframe]


SMALL = re.compile(r"^[1-4]$")


@pytest.mark.parametrize("audience", AUDIENCES)
def test_the_page_shows_the_review_of_metrics_review(demo, audience):
    year = framework_end(demo)
    at = open_page(audience, year=str(year))
    framework, table = expected_review(demo, audience, year)
    assert framework.example
    assert "EXAMPLE framework" in texts(at.warning)
    summaries = rv.outcome_summary(table)
    assert [s.value for s in at.subheader][:len(summaries)] == [
        figures.outcome_heading(s["outcome"], s["outcome_title"]) for s in summaries]
    for summary in summaries:
        assert rv.summary_text(summary) in texts(at.markdown)
    expected = [figures.screen_table(table.filter(pl.col("outcome") == s["outcome"]))
                for s in summaries]
    assert page_tables(at) == [[list(row) for row in frame.rows()] for frame in expected]
    assert [list(t.value.columns) for t in at.dataframe] == [f.columns for f in expected]
    assert "Framework loaded on" in texts(at.caption)
    assert "(demo-seed1-framework.csv)" in texts(at.caption)
    chart = at.get("plotly_chart")
    assert len(chart) == 1
    if audience == "donor":
        assert not [cell for frame in page_tables(at) for row in frame for cell in row[1:4]
                    if SMALL.match(cell.split(" (")[0])]
    if audience == "unicef":  # asylum and solutions are not shared with UNICEF
        assert set(table.filter(pl.col("rating") == rv.NOT_SHOWN).get_column("indicator")) \
            >= {"ASY.TPR", "SOL.NATURALISED"}


def test_a_region_is_a_note_the_review_is_national(demo):
    year = framework_end(demo)
    national = page_tables(open_page("donor", year=str(year)))
    at = open_page("donor", year=str(year), region="Dushanbe")
    assert "Targets are national" in texts(at.info)
    assert page_tables(at) == national


@pytest.fixture
def small(engine, sqlite_url, monkeypatch):
    """A warehouse holding 4 naturalisations in 2025, with a target of 10 from a baseline of 2."""
    monkeypatch.setenv("HAMKORI_WAREHOUSE_URL", sqlite_url)
    monkeypatch.delenv("HAMKORI_DISCLOSURE_THRESHOLDS", raising=False)
    importer.import_file(engine, "solutions", GOOD["solutions"].encode(),
                         file_name="solutions.csv", user="tester")
    importer.import_file(engine, "framework", FRAMEWORK_FILE.encode(),
                         file_name="framework.csv", user="tester")
    importer.import_file(engine, "targets", b"indicator,year,baseline,target,undaf_outcome\n"
                         b"SOL.NATURALISED,2025,2,10,OC2\nSOL.RETURNS,2025,3,60,OC2\n",
                         file_name="targets.csv", user="tester")
    return engine


FRAMEWORK_FILE = """code,level,parent,title,start_year,end_year
OC1,outcome,,Outcome 1: Inclusive quality education,2023,2027
OP1.1,output,OC1,Output 1.1: Refugee children enrolled,2023,2027
OC2,outcome,,Outcome 2: Durable solutions,2023,2027
"""


@pytest.mark.parametrize("audience", AUDIENCES)
def test_donors_see_no_small_number(small, audience):
    at = open_page(audience, year="2025")
    _framework, table = expected_review(small, audience, 2025)
    cells = [cell.split(" (")[0] for frame in page_tables(at) for row in frame
             for cell in row[1:4]]  # baseline, target, latest actual
    small_cells = [cell for cell in cells if SMALL.match(cell)]
    naturalised = one(table, "SOL.NATURALISED")
    if audience in ("donor",):
        assert small_cells == []
        assert (naturalised["baseline_display"], naturalised["actual_display"]) == ("<5", "<5")
        assert naturalised["rating"] == rv.NOT_SHOWN
        assert "Refugees naturalised (not shown)" in texts(at.caption)
    elif audience == "unicef":
        assert small_cells == [] and naturalised["rating"] == rv.NOT_SHOWN  # not shared
    else:
        assert set(small_cells) >= {"2", "4"}
        # (4 − 2) ÷ (10 − 2) = 25 %, 100 % expected in the target's year
        assert (round(naturalised["achievement"]), naturalised["rating"]) == (25, rv.AT_RISK)
    assert page_tables(at) == [
        [list(row) for row in figures.screen_table(
            table.filter(pl.col("outcome") == s["outcome"])).rows()]
        for s in rv.outcome_summary(table)]


OFFICE_FRAMEWORK = """code,level,parent,title,start_year,end_year
TJK-OC1,outcome,,"Outcome 1: People benefit from inclusive, quality education",{start},{end}
TJK-OP1.1,output,TJK-OC1,Output 1.1: Refugee children enrolled in national schools,{start},{end}
TJK-OC2,outcome,,Outcome 2: Everyone has a legal identity,{start},{end}
"""
OFFICE_TARGETS = """indicator,year,baseline,target,undaf_outcome
EDU.NER,{end},70,85,TJK-OP1.1
STA.IDENTIFIED,{end},,30000,TJK-OC2
"""


def test_importing_a_framework_and_targets_replaces_the_example(demo, tmp_path):
    year = framework_end(demo)
    before = open_page("admin", year=str(year))
    assert "EX-OC1" in texts(before.subheader)
    framework_file, targets_file = tmp_path / "framework.csv", tmp_path / "targets.csv"
    framework_file.write_text(OFFICE_FRAMEWORK.format(start=year - 2, end=year + 1),
                              encoding="utf-8")
    targets_file.write_text(OFFICE_TARGETS.format(end=year + 1), encoding="utf-8")
    runner = CliRunner()
    for dataset, path in (("framework", framework_file), ("targets", targets_file)):
        result = runner.invoke(cli.main, ["import", dataset, str(path)])
        assert result.exit_code == 0, result.output
    batches = importer.list_batches(demo).filter(pl.col("file_name") == "framework.csv")
    batch = batches.get_column("id")[0]

    clear_caches()
    after = open_page("admin", year=str(year))
    headings = texts(after.subheader)
    assert "TJK-OC1 — Outcome 1: People benefit from inclusive, quality education" in headings
    assert "EX-OC1" not in headings
    assert "EXAMPLE" not in texts(after.warning)
    assert f"from batch {batch} (framework.csv)" in texts(after.caption)
    _framework, table = expected_review(demo, "admin", year)
    assert table.select("outcome", "link", "indicator").rows() == [
        ("TJK-OC1", "TJK-OP1.1", "EDU.NER"), ("TJK-OC2", "TJK-OC2", "STA.IDENTIFIED")]
    identified = one(table, "STA.IDENTIFIED")
    assert identified["baseline_year"] == year - 3  # the year before the framework starts
    assert page_tables(after)[0][0][:2] == ["Net enrolment rate", "TJK-OP1.1"]

    # rolling the office's framework back brings the example back
    result = runner.invoke(cli.main, ["rollback", str(batch)])
    assert result.exit_code == 0, result.output
    clear_caches()
    assert "EXAMPLE framework" in texts(open_page("admin", year=str(year)).warning)


def report_targets(codes: list[str], year: int) -> dict[str, float | None]:
    """`hamkori report`'s target per indicator (the engine's targets, as tiles show them)."""
    result = CliRunner().invoke(cli.main, [
        "report", "--period", str(year), "--audience", "admin", "--format", "json",
        "--no-compare", "--indicator", ",".join(codes)])
    assert result.exit_code == 0, result.output
    return {row["indicator"]: row["target"] for row in json.loads(result.output)}


def deck_target_lines(engine, year: int) -> list[str]:
    """The "what changed" lines of the admin deck that speak of a target."""
    from briefing.content import WarehouseSource, build_deck

    deck = build_deck(WarehouseSource(engine), audience="admin", year=year,
                      today=date(year + 1, 6, 30))
    changed = next(s for s in deck.slides if s.key == "what-changed")
    return [line for line in changed.bullets if "target" in line]


@pytest.mark.parametrize("loaded", [("framework",), ("targets",), ("framework", "targets")])
def test_the_office_s_own_framework_or_targets_set_the_example_targets_aside_everywhere(
        demo, tmp_path, loaded):
    """Tiles, `hamkori report` and the deck read the engine's targets: once the office has
    loaded a framework or targets of its own, the demo's EXAMPLE targets are cited nowhere."""
    year = 2025
    codes = ["FUND.RECEIVED_PCT", "BRN.U5_REGISTERED_PCT", "LOU.ON_TRACK_PCT"]
    before = report_targets(codes, year)
    assert before["FUND.RECEIVED_PCT"] == 95.0  # the example's target
    assert any("target 95.0 %" in line for line in deck_target_lines(demo, year))

    files = {"framework": OFFICE_FRAMEWORK.format(start=year - 2, end=year + 1),
             "targets": "indicator,year,baseline,target,undaf_outcome\n"
                        f"FUND.RECEIVED_PCT,{year},60,70,TJK-OC1\n"}
    for dataset in loaded:
        path = tmp_path / f"{dataset}.csv"
        path.write_text(files[dataset], encoding="utf-8")
        # the office's target of 2025 replaces the example's row for it; the example's other
        # rows stay current, and are set aside all the same
        replace = ["--replace"] if dataset == "targets" else []
        result = CliRunner().invoke(cli.main, ["import", dataset, str(path), *replace])
        assert result.exit_code == 0, result.output

    after = report_targets(codes, year)
    own = 70.0 if "targets" in loaded else None
    assert after == {"FUND.RECEIVED_PCT": own, "BRN.U5_REGISTERED_PCT": None,
                     "LOU.ON_TRACK_PCT": None}
    lines = deck_target_lines(demo, year)
    assert not any("95.0 %" in line or "80.0 %" in line for line in lines), lines
    assert lines == (["Funding received: 57.5 %, target 70.0 %."] if own else [])
    with demo.connect() as connection:  # the review agrees
        framework = rv.choose_framework(stored.framework(connection), year)
        linked = rv.framework_targets(framework, stored.targets(connection, "admin"))
    assert not linked.get_column("example").any()


def test_no_framework_is_a_sentence(engine, sqlite_url, monkeypatch):
    monkeypatch.setenv("HAMKORI_WAREHOUSE_URL", sqlite_url)
    for audience in ("donor", "admin"):
        at = open_page(audience)
        assert "No Cooperation Framework loaded yet" in texts(at.info)


def clear_caches() -> None:
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()
