"""The indicator engine (DOMAIN §4, §5, §7) against values worked out by hand.

Every frame is a tiny literal (`engine_fixtures.py`, whose comments give the sums); every expected
number below is computed in its comment. `CASES` holds at least one computed value for every
indicator of the catalogue (checked by `test_every_catalogue_indicator_has_a_hand_computed_case`);
the other tests look at one rule each: time semantics, zero denominators, provenance, comparisons,
targets, disclosure control and request errors.
"""

from __future__ import annotations

import re
from datetime import date

import polars as pl
import pytest
from engine_fixtures import DATASETS, FRAMES, SCHEMAS, d, frame

from metrics.catalogue import CATALOGUE
from metrics.engine import (
    NO_DATA,
    NOT_AVAILABLE,
    OK,
    RESULT_SCHEMA,
    SUPPRESSED,
    TOTAL,
    Request,
    RequestError,
    evaluate,
)
from metrics.periods import Period

DISPLAY = {NO_DATA: "no data", NOT_AVAILABLE: "not available"}


# ------------------------------------------------------------------------------------- helpers
def run(codes: str | list[str], period: str, audience: str = "unhcr",
        frames: dict[str, pl.DataFrame] = FRAMES, **options) -> pl.DataFrame:
    codes = [codes] if isinstance(codes, str) else codes
    return evaluate(frames, Request(Period.parse(period), audience, **options), codes)


def one(code: str, period: str, audience: str = "unhcr",
        frames: dict[str, pl.DataFrame] = FRAMES, **options) -> dict:
    """The total row of one indicator (the only row when there is no `by`)."""
    result = run(code, period, audience, frames, **options)
    by = options.get("by", ())
    if by:
        result = result.filter(pl.all_horizontal(pl.col(dim) == TOTAL for dim in by))
    assert result.height == 1, result
    return result.row(0, named=True)


def cells(result: pl.DataFrame, dim: str) -> dict[str, dict]:
    """{value of `dim`: row} of a one-dimension `by` result."""
    return {row[dim]: row for row in result.iter_rows(named=True)}


def with_frames(**frames: pl.DataFrame) -> dict[str, pl.DataFrame]:
    return {**FRAMES, **frames}


# --------------------------------------------------------------- every indicator, by hand
def case(code: str, period: str, expected: float | None, status: str = OK, **options):
    label = "-".join([code, period, *(f"{k}={v}" for k, v in options.items())])
    return pytest.param(code, period, options, expected, status, id=label)


CASES = [
    # Population: stock, latest snapshot <= as of (2025-06-30 for 2025-Q2)
    case("POP.POC", "2025-Q2", 100),  # 10 + 20 + 30 + 25 + 5 + 7 + 3 (the 1000 HST left out)
    case("POP.POC", "2025-05", 90),  # snapshot 2024-12-31: 50 + 40
    case("POP.POC", "2024-06", None, NO_DATA),  # no snapshot yet
    case("POP.POC", "2025-Q2", 60, filters={"region": ("TJ-DU",)}),  # 10 + 20 + 25 + 5
    case("POP.REF", "2025-Q2", 60),  # 10 + 20 + 30
    case("POP.ASY", "2025-Q2", 30),  # 25 + 5
    case("POP.STA", "2025-Q2", 7),
    case("POP.STA", "2025-03", 0),  # snapshot 2024-12-31 holds only refugees: a real 0
    case("POP.CHILDREN_PCT", "2025-Q2", 33 / 95 * 100),  # (10 + 20 + 3) / (100 - 5 unknown age)
    case("POP.FEMALE_PCT", "2025-Q2", 52),  # (10 + 30 + 5 + 7) / (52 + 20 + 25 + 3)
    # Asylum: monthly flow
    case("ASY.APPLIED", "2025-01", 13),  # 10 + 3
    case("ASY.APPLIED", "2025-Q1", 18),  # 10 + 3 + 5
    case("ASY.APPLIED", "2025", 25),  # 18 + 7
    case("ASY.APPLIED", "2023/24", 8),  # September 2023 to June 2024: the 2024-01 row
    case("ASY.APPLIED", "2025-03", None, NO_DATA),  # no row in March
    case("ASY.DECIDED", "2025-Q1", 15),  # 9 + 1 + 5; the 2 closed left out
    case("ASY.DECIDED", "2025-04", 0),  # only closed cases: a real 0
    case("ASY.RRR", "2025-Q1", 60),  # 9 / (9 + 1 + 5); the 2 closed left out
    case("ASY.RRR", "2025-04", None, NOT_AVAILABLE),  # only closed cases: 0 / 0
    case("ASY.TPR", "2025-Q1", 10 / 15 * 100),  # (9 + 1) / 15
    case("ASY.TPR", "2025-04", None, NOT_AVAILABLE),
    # Solutions: monthly flow
    case("SOL.RETURNS", "2025-Q1", 42),  # 12 + 30
    case("SOL.RETURNS", "2025", 51),  # 42 + 9
    case("SOL.RETURNS", "2024/25", 42),  # September to June: the July 2025 row is not in it
    case("SOL.RETURNS", "2025", 42, as_of=d("2025-06-30")),  # as of cuts the July 9
    case("SOL.RETURNS", "2025-Q2", 0),  # a naturalisation row only: a real 0
    case("SOL.NATURALISED", "2025", 4),
    case("SOL.NATURALISED", "2025-Q1", 0),  # rows, none a naturalisation: a real 0
    case("SOL.NATURALISED", "2024", None, NO_DATA),  # no row at all in 2024
    # Resettlement: events
    case("RST.SUBMITTED", "2025-Q1", 13),  # 4 + 3 + 6 (the 2024-11-20 case is not in it)
    case("RST.SUBMITTED", "2025-Q1", 7, as_of=d("2025-02-10")),  # 4 + 3
    case("RST.SUBMITTED_CASES", "2025-Q1", 4),  # 1 + 1 + 2
    case("RST.SUBMITTED_CASES", "2025-Q2", 0),  # decisions and departures only
    case("RST.DEPARTED", "2025-Q2", 16),  # 4 + 5 + 7
    case("RST.DEPARTED", "2025-Q1", 0),
    case("RST.ACCEPTANCE", "2025-Q1", 2 / 3 * 100),  # accepted 2 / (2 + 1 rejected)
    case("RST.ACCEPTANCE", "2025", 50),  # 2 / (2 + 2); counting the withdrawn one: 2 / 5
    case("RST.ACCEPTANCE", "2025-05", None, NOT_AVAILABLE),  # only a withdrawn decision
    case("RST.ACCEPTED_CASES", "2025-Q1", 2),  # 2025-02-20 and 2025-03-01
    case("RST.ACCEPTED_CASES", "2025-Q2", 0),  # a rejection and a withdrawal only
    case("RST.DEPARTED_CASES", "2025-Q2", 4),  # 1 + 1 + 2
    case("RST.DAYS_TO_DECIDE", "2025-Q1", 40),  # 30, 40, 60
    case("RST.DAYS_TO_DECIDE", "2025", 50),  # 30, 40, 60, 90 -> (40 + 60) / 2
    case("RST.DAYS_TO_DECIDE", "2025-05", None, NOT_AVAILABLE),  # withdrawn only: no decision
    case("RST.DAYS_TO_DEPART", "2025-Q2", 196.5),  # 120, 193, 200, 200 -> (193 + 200) / 2
    case("RST.DAYS_TO_DEPART", "2025-06", 200),  # 193, 200, 200 -> 200
    case("RST.DAYS_TO_DEPART", "2025-05", 120),  # one case
    case("RST.DAYS_TO_DEPART", "2025-Q1", None, NOT_AVAILABLE),  # nobody departed
    # Education: the school year asked for, else the latest begun by as of; HST left out
    case("EDU.GER_PRIMARY", "2024/25", 86 / 90 * 100),  # (36 + 50) / (40 + 50)
    case("EDU.GER_PRIMARY", "2025/26", 95),  # (45 + 50) / (50 + 50)
    case("EDU.GER_PRIMARY", "2025", 95),  # 2025/26 began on 2025-09-01
    case("EDU.GER_PRIMARY", "2024", 86 / 90 * 100),  # 2024/25 began on 2024-09-01
    case("EDU.GER_PRIMARY", "2025-06", 86 / 90 * 100),  # June 2025 is still 2024/25
    case("EDU.GER_PRIMARY", "2023/24", None, NO_DATA),
    case("EDU.GER_SECONDARY", "2024/25", 35 / 60 * 100),  # (12 + 16 + 3 + 4) / (20 + 20 + 10 + 10)
    case("EDU.GER_SECONDARY", "2025/26", None, NOT_AVAILABLE),  # no secondary: school_age 0
    case("EDU.NER", "2024/25", 100 / 150 * 100),  # (30 + 40 + 10 + 14 + 2 + 4) / (90 + 60)
    case("EDU.NER", "2025/26", 85),  # (40 + 45) / 100
    case("EDU.GPI", "2024/25", (51 / 70) / (70 / 80)),  # F (36+12+3)/(40+20+10), M (50+16+4)/80
    case("EDU.GPI", "2025/26", 0.9),  # (45 / 50) / (50 / 50)
    case("EDU.OUT_OF_SCHOOL", "2024/25", 50),  # 150 - 100
    case("EDU.OUT_OF_SCHOOL", "2025/26", 15),  # 100 - 85
    case("EDU.DAFI", "2024/25", 5),  # 2 + 3
    case("EDU.DAFI", "2025/26", None, NO_DATA),  # dafi_scholars not reported
    # Statelessness: cumulative up to as of; resolutions in the period
    case("STA.IDENTIFIED", "2025-Q2", 20),  # 10 + 6 + 4
    case("STA.IDENTIFIED", "2025-Q1", 16),  # 10 + 6
    case("STA.IDENTIFIED", "2023", None, NO_DATA),
    case("STA.RESOLVED", "2025-Q2", 6),  # 3 (in 2024) + 2 + 1
    case("STA.RESOLVED", "2025-Q1", 3),  # the 2024 resolution only
    case("STA.RESOLVED_PERIOD", "2025-Q2", 3),  # 2 + 1
    case("STA.RESOLVED_PERIOD", "2025-Q1", 0),  # an identification, no resolution
    case("STA.RESOLVED_PERIOD", "2025", 5),  # 2 + 1 + 2
    case("STA.RESOLUTION_PCT", "2025-Q2", 30),  # 6 / 20
    case("STA.RESOLUTION_PCT", "2025-Q3", 40),  # 8 / 20
    case("STA.RESOLUTION_PCT", "2025-Q2", 0, filters={"region": ("TJ-KT",)}),  # 0 / 4
    case("STA.RESOLUTION_PCT", "2025-Q2", None, NOT_AVAILABLE,
         filters={"region": ("TJ-GB",)}),  # nobody identified in GBAO: 0 / 0
    case("STA.DAYS_TO_RESOLVE", "2025-Q2", 100),  # 100, 100, 300 (the 2024 214 days not in it)
    case("STA.DAYS_TO_RESOLVE", "2025-Q3", 50),  # 50, 50
    case("STA.DAYS_TO_RESOLVE", "2024/25", 214),  # 100, 100, 214, 214, 214, 300
    case("STA.DAYS_TO_RESOLVE", "2025-Q1", None, NOT_AVAILABLE),  # nothing resolved
    # Birth registration: stock
    case("BRN.U5_REGISTERED_PCT", "2025-Q2", 49 / 64 * 100),  # (27 + 21 + 1) / (30 + 30 + 4)
    case("BRN.U5_REGISTERED_PCT", "2025-Q1", 50),  # snapshot 2024-12-31: 10 / 20
    case("BRN.U5_REGISTERED_PCT", "2024-06", None, NO_DATA),
    # Joint plan at 2025-06-30: see test_lou_statuses_behind_the_indicators
    case("LOU.ACTIVE", "2025-Q2", 3),  # A1, A2, A4 overlap April-June (A3 ended in March)
    case("LOU.ACTIVE", "2025", 5),  # A1, A2, A3, A4, A6 (A5 ended in 2024)
    case("LOU.ON_TRACK_PCT", "2025-Q2", 50),  # A1 + A4 of A1, A2, A3, A4
    case("LOU.ON_TRACK_PCT", "2024/25", 60),  # A5, completed in the school year, counts too
    case("LOU.OVERDUE", "2025-Q2", 1),  # A3
    # Funding: per calendar year
    case("FUND.RECEIVED_PCT", "2025", 75),  # (600 + 2400) / (1000 + 3000)
    case("FUND.RECEIVED_PCT", "2024", None, NOT_AVAILABLE),  # nothing pledged
    case("FUND.RECEIVED_PCT", "2025-Q1", None, NOT_AVAILABLE),  # not a year
    case("FUND.RECEIVED_PCT", "2023", None, NO_DATA),
    # Official statistics, 2024, Tajikistan unless another country is asked for
    case("OFF.REF", "2024", 5030),  # 5000 + 30
    case("OFF.REF", "2023", 4000),
    case("OFF.REF", "2022", None, NO_DATA),
    case("OFF.REF", "2024-Q4", None, NOT_AVAILABLE),
    case("OFF.REF", "2024", 1_000_000, country="PAK"),
    case("OFF.REF", "2024", 0, country="KAZ"),  # no KAZ row in a covered year: 0
    case("OFF.ASY", "2024", 2004),  # 2000 + 4
    case("OFF.OIP", "2024", None, NO_DATA),  # null in every TJK row: not reported
    case("OFF.OIP", "2024", 20000, country="PAK"),
    case("OFF.STA", "2024", 400),
    case("OFF.STA", "2024", None, NO_DATA, country="PAK"),
    case("OFF.IDP", "2024", None, NO_DATA),
    case("OFF.IDP", "2024", 1200, country="PAK"),
    case("OFF.RETURNS_FROM", "2024", 250),  # coa_iso TJK: 250 (+ a null)
    case("OFF.RETURNED", "2024", 8),  # coo_iso TJK: 3 (from RUS) + 5 (from KAZ)
    case("OFF.RETURNED", "2024", 250, country="AFG"),  # AFG -> TJK
    case("OFF.RESETTLED", "2024", 2),  # SYR -> TJK
    case("OFF.RESETTLED", "2024", 800, country="USA"),
    case("OFF.NATURALISED", "2024", 12),
    case("OFF.APPLIED", "2024", 720),  # 700 + 20
    case("OFF.APPLIED", "2024", 9000, country="PAK"),
    case("OFF.RECOGNIZED", "2024", 310),  # 300 + 10
    case("OFF.RECOGNIZED", "2024", 0, country="PAK"),  # no decisions row for PAK
    case("OFF.DECISIONS", "2024", 650),  # 600 + 50
    case("OFF.RRR", "2024", 310 / 550 * 100),  # 310 / (300 + 50 + 150 + 10 + 40); closed out
    case("OFF.RRR", "2024", None, NOT_AVAILABLE, country="PAK"),  # no decision: 0 / 0
    case("OFF.TPR", "2024", 360 / 550 * 100),  # (310 + 50) / 550
]


@pytest.mark.parametrize(("code", "period", "options", "expected", "status"), CASES)
def test_indicator_value_by_hand(code, period, options, expected, status):
    row = one(code, period, compare=False, **options)  # comparisons: test_previous_and_year_ago
    assert row["status"] == status, row["note"]
    if expected is None:
        assert row["value"] is None
        assert row["display"] == DISPLAY[status]
    else:
        assert row["value"] == pytest.approx(expected, rel=1e-9)
        assert row["display"] not in ("no data", "not available")


def test_every_catalogue_indicator_has_a_hand_computed_case():
    tested = {p.values[0] for p in CASES}
    with_a_value = {p.values[0] for p in CASES if p.values[4] == OK and p.values[3]}
    assert tested == set(CATALOGUE.indicators)
    assert with_a_value == set(CATALOGUE.indicators)  # a non-zero value for each, not only edges


def test_fixture_frames_have_the_analytics_layout():
    from data_access.analytics import polars_schema

    for source, schema in SCHEMAS.items():
        if source == "joint_plan_updates":  # no analytics table (yet)
            continue
        dataset = DATASETS.get(source, source)
        assert schema == polars_schema(dataset), source
        assert FRAMES.get(source, frame(source)).schema == schema


def test_result_columns():
    result = run(["POP.POC", "ASY.APPLIED"], "2025-Q2", by=("region",))
    assert result.columns == ["indicator", "name", "unit", "period", "region",
                              *list(RESULT_SCHEMA)[4:]]
    assert result.schema["batches"] == pl.List(pl.Int64)
    assert set(result["period"]) == {"2025-Q2"}


# ------------------------------------------------------------------------------------ stocks
def test_stock_reads_the_latest_snapshot_on_or_before_as_of():
    row = one("POP.POC", "2025-Q2", as_of=d("2025-06-29"))
    assert row["value"] == 90  # 50 + 40 of 2024-12-31: the 2025-06-30 snapshot is too late
    assert row["as_of"] == date(2024, 12, 31)
    assert row["basis"] == "snapshot of 2024-12-31"
    assert row["batches"] == [1]


def test_stock_with_no_snapshot_yet():
    row = one("POP.REF", "2024-Q2")
    assert (row["status"], row["value"], row["display"]) == (NO_DATA, None, "no data")
    assert row["batches"] == [] and row["as_of"] is None


def test_stock_by_region_gives_cells_and_a_total_row_last():
    result = run("POP.POC", "2025-Q2", by=("region",))
    assert result["region"].to_list() == ["TJ-DU", "TJ-KT", "TJ-RA", "TJ-SU", TOTAL]
    assert result["value"].to_list() == [60, 3, 30, 7, 100]  # 60 + 3 + 30 + 7 = 100


def test_resolutions_by_kind_split_confirmed_and_acquired():
    # up to 2025-06-30: acquired 3 (2024) + 1, confirmed 2; in 2025-Q2: confirmed 2, acquired 1
    result = cells(run("STA.RESOLVED", "2025-Q2", by=("resolution",)), "resolution")
    assert {k: r["value"] for k, r in result.items()} == {"acquired": 4, "confirmed": 2,
                                                          "Total": 6}
    result = cells(run("STA.RESOLVED_PERIOD", "2025-Q2", by=("resolution",)), "resolution")
    assert {k: r["value"] for k, r in result.items()} == {"acquired": 1, "confirmed": 2,
                                                          "Total": 3}


def test_stock_by_district_labels_a_missing_district_unknown():
    result = cells(run("POP.POC", "2025-Q2", by=("district",)), "district")
    # Dushanbe 10 + 20, Vahdat 30, no district: 25 + 5 + 7 + 3
    assert {k: v["value"] for k, v in result.items()} == {
        "Dushanbe": 30, "Vahdat": 30, "unknown": 40, TOTAL: 100}


def test_children_pct_leaves_unknown_age_out_of_the_denominator():
    value = one("POP.CHILDREN_PCT", "2025-Q2")["value"]
    assert value == pytest.approx(33 / 95 * 100)  # 34.74 %, not 33 / 100
    assert value != pytest.approx(33.0)


def test_female_pct_by_region():
    result = cells(run("POP.FEMALE_PCT", "2025-Q2", by=("region",)), "region")
    assert result["TJ-DU"]["value"] == pytest.approx(25)  # (10 + 5) / (10 + 20 + 25 + 5)
    assert result["TJ-KT"]["value"] == 0  # 0 / 3
    assert result["TJ-RA"]["value"] == 100  # 30 / 30
    assert result[TOTAL]["value"] == 52


# ------------------------------------------------------------------------------------- flows
def test_flow_sums_months_within_the_period():
    assert one("ASY.APPLIED", "2025-01")["value"] == 13  # 10 + 3
    assert one("ASY.APPLIED", "2025-Q1")["value"] == 18  # + 5
    assert one("ASY.APPLIED", "2025")["value"] == 25  # + 7 in April
    assert one("ASY.APPLIED", "2024/25")["value"] == 25  # Sept 2024 - June 2025: same months
    # July and August belong to no school year (September to June)
    assert one("SOL.RETURNS", "2025/26")["status"] == NO_DATA


def test_flow_as_of_inside_the_period_cuts_it():
    row = one("RST.SUBMITTED", "2025-Q1", as_of=d("2025-02-10"))
    assert row["value"] == 7  # 4 (2025-01-10) + 3 (2025-02-05); the 6 of 2025-03-03 are later
    assert row["as_of"] == date(2025, 2, 10)
    assert row["basis"] == "2025-01-01 to 2025-02-10"
    assert one("ASY.APPLIED", "2025-Q1", as_of=d("2025-01-31"))["value"] == 13  # January only


def test_flow_with_rows_but_none_matching_is_a_real_zero():
    row = one("SOL.NATURALISED", "2025-Q1")
    assert (row["status"], row["value"], row["display"]) == (OK, 0, "0")
    assert row["batches"] == []  # no row is behind a 0


def test_flow_without_rows_in_the_period_is_no_data():
    row = one("SOL.NATURALISED", "2024")
    assert (row["status"], row["value"], row["display"]) == (NO_DATA, None, "no data")


@pytest.mark.parametrize(("code", "period", "options"), [
    ("ASY.RRR", "2025-04", {}),  # closed cases only
    ("ASY.TPR", "2025-04", {}),
    ("RST.ACCEPTANCE", "2025-05", {}),  # a withdrawn decision only
    ("EDU.GER_SECONDARY", "2025/26", {}),  # school_age 0
    ("EDU.NER", "2025/26", {"filters": {"level": ("tertiary",)}}),  # not among its levels
    ("FUND.RECEIVED_PCT", "2024", {}),  # pledged 0
    ("STA.RESOLUTION_PCT", "2025-Q2", {"filters": {"region": ("TJ-GB",)}}),  # none identified
    ("OFF.RRR", "2024", {"country": "PAK"}),
])
def test_a_zero_denominator_is_not_available(code, period, options):
    for audience in ("unhcr", "donor"):
        row = one(code, period, audience, **options)
        assert (row["status"], row["value"], row["display"]) == (
            NOT_AVAILABLE, None, "not available")


# ------------------------------------------------------------------------------ resettlement
def test_resettlement_median_is_weighted_by_cases():
    # one row of 2 cases at 200 days counts twice: 120, 193, 200, 200 -> 196.5 (unweighted: 193)
    assert one("RST.DAYS_TO_DEPART", "2025-Q2")["value"] == 196.5
    departures = frame("resettlement",
                       {"event": "departed", "date": d("2025-05-01"), "days": 100, "cases": 1,
                        "priority": "urgent"},
                       {"event": "departed", "date": d("2025-05-02"), "days": 300, "cases": 2,
                        "priority": "urgent"},
                       {"event": "departed", "date": d("2025-05-03"), "days": 50, "cases": 1},
                       {"event": "departed", "date": d("2025-05-04"), "days": 70, "cases": 1})
    result = cells(run("RST.DAYS_TO_DEPART", "2025-05", frames={"resettlement": departures},
                       by=("priority",)), "priority")
    assert result["urgent"]["value"] == 300  # 100, 300, 300
    assert result["normal"]["value"] == 60  # 50, 70 -> (50 + 70) / 2
    assert result[TOTAL]["value"] == 100  # 50, 70, 100, 300, 300


def test_resettlement_submissions_by_priority():
    result = cells(run(["RST.SUBMITTED", "RST.SUBMITTED_CASES"], "2025-Q1", by=("priority",))
                   .filter(pl.col("indicator") == "RST.SUBMITTED_CASES"), "priority")
    assert result["emergency"]["value"] == 1
    assert result["normal"]["value"] == 3  # 1 + 2
    assert result[TOTAL]["value"] == 4


# ------------------------------------------------------------------------------ statelessness
def test_statelessness_resolution_outside_the_period_counts_only_in_the_cumulative():
    q1 = {row["indicator"]: row for row in run(
        ["STA.RESOLVED", "STA.RESOLVED_PERIOD", "STA.DAYS_TO_RESOLVE", "STA.RESOLUTION_PCT"],
        "2025-Q1").iter_rows(named=True)}
    assert q1["STA.RESOLVED"]["value"] == 3  # resolved 2024-10-01, before the period
    assert q1["STA.RESOLVED_PERIOD"]["value"] == 0
    assert q1["STA.DAYS_TO_RESOLVE"]["status"] == NOT_AVAILABLE  # no case resolved in Q1
    assert q1["STA.RESOLUTION_PCT"]["value"] == pytest.approx(3 / 16 * 100)  # 3 / (10 + 6)
    assert q1["STA.RESOLVED"]["basis"] == "up to 2025-03-31"
    # in Q2 the median is over 100, 100, 300 only (with the 2024 cases: 214)
    assert one("STA.DAYS_TO_RESOLVE", "2025-Q2")["value"] == 100


def test_statelessness_cumulative_stops_at_as_of():
    assert one("STA.IDENTIFIED", "2025-Q2", as_of=d("2025-04-30"))["value"] == 16  # 10 + 6
    assert one("STA.RESOLVED", "2025-Q2", as_of=d("2025-04-30"))["value"] == 5  # 3 + 2


# ---------------------------------------------------------------------------------- education
def test_education_host_community_rows_are_left_out():
    without_host = FRAMES["education"].filter(pl.col("population_type") != "HST")
    assert without_host.height == FRAMES["education"].height - 1  # the one HST row
    codes = ["EDU.GER_PRIMARY", "EDU.NER", "EDU.GPI", "EDU.OUT_OF_SCHOOL"]
    with_host_rows = run(codes, "2024/25")
    without = run(codes, "2024/25", frames={"education": without_host})
    assert with_host_rows["value"].to_list() == without["value"].to_list()


def test_dafi_leaves_host_community_rows_out():
    education = frame("education", {"level": "tertiary", "dafi_scholars": 5},
                      {"level": "tertiary", "population_type": "HST", "dafi_scholars": 2})
    assert one("EDU.DAFI", "2024/25", frames={"education": education})["value"] == 5


def test_education_school_year_chosen_by_the_period():
    assert one("EDU.NER", "2024/25")["basis"] == "school year 2024/25"
    assert one("EDU.NER", "2025")["basis"] == "school year 2025/26"  # begun by 31 December
    assert one("EDU.NER", "2025", as_of=d("2025-08-31"))["basis"] == "school year 2024/25"
    assert one("EDU.NER", "2025-Q2")["basis"] == "school year 2024/25"
    row = one("EDU.NER", "2025-Q3")  # 2025/26 begins on 1 September, inside Q3
    assert (row["basis"], row["value"]) == ("school year 2025/26", 85)


def test_education_by_level():
    ner = cells(run("EDU.NER", "2024/25", by=("level",)), "level")
    assert ner["primary"]["value"] == pytest.approx(70 / 90 * 100)  # (30 + 40) / (40 + 50)
    assert ner["lower_secondary"]["value"] == pytest.approx(60)  # (10 + 14) / 40
    assert ner["upper_secondary"]["value"] == pytest.approx(30)  # (2 + 4) / 20
    assert ner[TOTAL]["value"] == pytest.approx(100 / 150 * 100)
    oos = cells(run("EDU.OUT_OF_SCHOOL", "2024/25", by=("level",)), "level")
    assert oos["primary"]["value"] == 20  # 90 - 70
    assert oos["lower_secondary"]["value"] == 16  # 40 - 24
    assert oos["upper_secondary"]["value"] == 14  # 20 - 6
    assert oos[TOTAL]["value"] == 50
    gpi = cells(run("EDU.GPI", "2024/25", by=("level",)), "level")
    assert gpi["primary"]["value"] == pytest.approx(0.9)  # (36 / 40) / (50 / 50)
    assert gpi["lower_secondary"]["value"] == pytest.approx(0.75)  # (12 / 20) / (16 / 20)


# ------------------------------------------------------------------------- funding, birth reg.
def test_funding_is_annual():
    row = one("FUND.RECEIVED_PCT", "2025-Q1")
    assert row["status"] == NOT_AVAILABLE
    assert "calendar year" in row["note"]
    row = one("FUND.RECEIVED_PCT", "2025", as_of=d("2025-06-30"))  # a year read before its end
    assert row["status"] == NOT_AVAILABLE
    by_agency = cells(run("FUND.RECEIVED_PCT", "2025", by=("agency",)), "agency")
    assert by_agency["UNHCR"]["value"] == 60  # 600 / 1000
    assert by_agency["UNICEF"]["value"] == 80  # 2400 / 3000
    assert by_agency[TOTAL]["value"] == 75


def test_birth_registration_by_sex():
    result = cells(run("BRN.U5_REGISTERED_PCT", "2025-Q2", by=("sex",)), "sex")
    assert result["F"]["value"] == 90  # 27 / 30
    assert result["M"]["value"] == pytest.approx(22 / 34 * 100)  # (21 + 1) / (30 + 4)


# ---------------------------------------------------------------------------------- joint plan
def test_lou_statuses_behind_the_indicators():
    # At 2025-06-30, period 2025-Q2 (from 2025-04-01):
    #   A1 50 % signed, expected 180/364 = 49.5 %      -> on track   (due)
    #   A2 20 % signed, expected 49.5 %, 29.5 behind   -> off track  (due)
    #   A3 ended 2025-03-31 at 80 % (the 100 % update is not signed off) -> overdue (due)
    #   A4 100 % on 2025-05-10, inside the period      -> completed  (due)
    #   A5 100 % on 2024-12-01, before the period      -> not due
    #   A6 starts 2025-09-01                           -> not due
    result = run(["LOU.ON_TRACK_PCT", "LOU.OVERDUE"], "2025-Q2")
    assert result["value"].to_list() == [50, 1]  # (A1 + A4) / 4; A3
    assert result["basis"].to_list() == ["activity status at 2025-06-30"] * 2
    by_lead = run(["LOU.ON_TRACK_PCT", "LOU.OVERDUE"], "2025-Q2", by=("lead",))
    values = {(r["indicator"], r["lead"]): r["value"] for r in by_lead.iter_rows(named=True)}
    assert values == {
        ("LOU.ON_TRACK_PCT", "UNHCR"): 100,  # A1, A4 of A1, A4
        ("LOU.ON_TRACK_PCT", "UNICEF"): 0,  # A2 off track, A3 overdue
        ("LOU.ON_TRACK_PCT", TOTAL): 50,
        ("LOU.OVERDUE", "UNHCR"): 0, ("LOU.OVERDUE", "UNICEF"): 1, ("LOU.OVERDUE", TOTAL): 1,
    }


def test_lou_counts_only_dual_signed_updates():
    signed = FRAMES["joint_plan_updates"].with_columns(signed_off=pl.lit(True))
    result = run(["LOU.ON_TRACK_PCT", "LOU.OVERDUE"], "2025-Q2",
                 frames=with_frames(joint_plan_updates=signed))
    assert result["value"].to_list() == [75, 0]  # A3 now completed: (A1 + A3 + A4) / 4


def test_lou_without_updates_status_is_no_data_but_activity_counts_are_not():
    frames = {k: v for k, v in FRAMES.items() if k != "joint_plan_updates"}
    no_updates = with_frames(joint_plan_updates=frame("joint_plan_updates"))
    for variant in (frames, no_updates):
        result = run(["LOU.ON_TRACK_PCT", "LOU.OVERDUE", "LOU.ACTIVE"], "2025-Q2",
                     frames=variant)
        rows = {row["indicator"]: row for row in result.iter_rows(named=True)}
        for code in ("LOU.ON_TRACK_PCT", "LOU.OVERDUE"):
            assert (rows[code]["status"], rows[code]["value"], rows[code]["display"]) == (
                NO_DATA, None, "no data")
        assert rows["LOU.ACTIVE"]["value"] == 3  # needs no progress: A1, A2, A4


# ------------------------------------------------------------------------------------ official
def test_official_by_origin_and_by_asylum_country():
    refugees = cells(run("OFF.REF", "2024", by=("origin",)), "origin")
    assert refugees["AFG"]["value"] == 5000
    assert refugees["IRN"]["value"] == 30
    assert refugees[TOTAL]["value"] == 5030
    returned = cells(run("OFF.RETURNED", "2024", by=("asylum",)), "asylum")
    assert returned["KAZ"]["value"] == 5 and returned["RUS"]["value"] == 3
    assert returned[TOTAL]["value"] == 8
    rrr = cells(run("OFF.RRR", "2024", by=("origin",)), "origin")
    assert rrr["AFG"]["value"] == 60  # 300 / (300 + 50 + 150)
    assert rrr["IRN"]["value"] == 20  # 10 / (10 + 40)


def test_a_cell_not_reported_in_the_source_is_no_data_not_zero():
    result = cells(run("OFF.OIP", "2024", by=("origin",)), "origin")
    for origin in ("AFG", "IRN", "UKN", TOTAL):  # TJK rows, oip null in every one
        assert (result[origin]["status"], result[origin]["value"]) == (NO_DATA, None), origin


def test_official_country_filters_the_batches_too():
    assert one("OFF.REF", "2024")["batches"] == [31]  # not 30 (2023) nor 32 (PAK)
    assert one("OFF.REF", "2024", country="PAK")["batches"] == [32]
    assert one("OFF.RETURNED", "2024")["batches"] == [34]  # rows with coo_iso TJK


# ---------------------------------------------------------------------------------- provenance
def test_batches_are_those_of_the_rows_behind_the_value():
    assert one("POP.POC", "2025-Q2")["batches"] == [2, 3]
    assert one("POP.REF", "2025-Q2")["batches"] == [2]  # the ASY/STA rows of batch 3 are not REF
    assert one("POP.STA", "2025-Q2")["batches"] == [3]
    assert one("POP.POC", "2025-05")["batches"] == [1]  # the older snapshot only
    assert one("ASY.APPLIED", "2025-Q1")["batches"] == [4]
    assert one("ASY.APPLIED", "2025")["batches"] == [4, 5]  # not 6 (2024)
    assert one("STA.RESOLVED", "2025-Q2")["batches"] == [15, 16]  # not 17 (after as of)
    assert one("EDU.GER_PRIMARY", "2025/26")["batches"] == [14]


@pytest.mark.parametrize(("code", "period", "as_of", "basis"), [
    ("POP.POC", "2025-Q2", date(2025, 6, 30), "snapshot of 2025-06-30"),
    ("ASY.APPLIED", "2025-Q1", date(2025, 3, 31), "2025-01-01 to 2025-03-31"),
    ("ASY.APPLIED", "2025", date(2025, 4, 30), "2025-01-01 to 2025-04-30"),  # data end in April
    ("RST.DEPARTED", "2025-Q2", date(2025, 6, 15), "2025-04-01 to 2025-06-15"),
    ("STA.IDENTIFIED", "2025-Q2", date(2025, 6, 30), "up to 2025-06-30"),
    ("EDU.GER_PRIMARY", "2024/25", date(2025, 6, 30), "school year 2024/25"),
    ("OFF.REF", "2024", date(2024, 12, 31), "calendar year 2024"),
    ("FUND.RECEIVED_PCT", "2025", date(2025, 12, 31), "calendar year 2025"),
    ("LOU.OVERDUE", "2025-Q2", date(2025, 6, 30), "activity status at 2025-06-30"),
])
def test_as_of_and_basis(code, period, as_of, basis):
    row = one(code, period)
    assert (row["as_of"], row["basis"], row["period"]) == (as_of, basis, period)


# --------------------------------------------------------------------------------- comparisons
@pytest.mark.parametrize(("period", "value", "previous", "year_ago"), [
    ("2025-01", 13, None, 8),  # 2024-12: no row; 2024-01: 8
    ("2025-02", 5, 13, None),
    ("2025-Q1", 18, None, 8),  # 2024-Q4: no row; 2024-Q1: 8
    ("2025-Q2", 7, 18, None),
    ("2025", 25, 8, 8),  # the year before is also the year ago
])
def test_previous_and_year_ago(period, value, previous, year_ago):
    row = one("ASY.APPLIED", period)
    assert (row["value"], row["previous"], row["year_ago"]) == (value, previous, year_ago)


def test_comparisons_of_a_stock_and_of_a_by_table():
    row = one("POP.POC", "2025-Q2")
    assert (row["previous"], row["year_ago"]) == (90, None)  # 2024-12-31; nothing in 2024-Q2
    result = cells(run("POP.POC", "2025", by=("region",)), "region")
    assert result["TJ-DU"]["previous"] == 90  # all 90 of 2024-12-31 lived in Dushanbe
    assert result["TJ-RA"]["previous"] is None
    assert result[TOTAL]["previous"] == result[TOTAL]["year_ago"] == 90


def test_comparisons_are_read_as_of_the_same_point_of_their_period():
    assert one("RST.SUBMITTED", "2025-Q1")["previous"] == 5  # 2024-Q4: the 2024-11-20 case
    # as of 2025-02-10 = day 41 of Q1 -> 2024-Q4 as of 2024-11-10, before that submission
    assert one("RST.SUBMITTED", "2025-Q1", as_of=d("2025-02-10"))["previous"] is None


def test_no_comparisons_when_not_asked():
    row = one("ASY.APPLIED", "2025", compare=False)
    assert (row["value"], row["previous"], row["year_ago"]) == (25, None, None)


# ------------------------------------------------------------------------------------- targets
TARGETS = frame(
    "targets",
    {"indicator": "POP.POC", "year": 2025, "baseline": 80.0, "target": 120.0},
    {"indicator": "ASY.APPLIED", "year": 2025, "baseline": 25.0, "target": 25.0},
    {"indicator": "POP.STA", "year": 2025, "baseline": 3.0, "target": 10.0},
    {"indicator": "STA.RESOLVED_PERIOD", "year": 2025, "baseline": 2.0, "target": 4.0},
)


def test_targets_and_achievement_on_the_total_row_of_a_year():
    frames = with_frames(targets=TARGETS)
    row = one("POP.POC", "2025", frames=frames)
    assert (row["baseline"], row["target"]) == (80, 120)
    assert row["achievement"] == pytest.approx(50)  # (100 - 80) / (120 - 80) * 100
    row = one("POP.STA", "2025", frames=frames)
    assert row["achievement"] == pytest.approx(4 / 7 * 100)  # (7 - 3) / (10 - 3) * 100
    row = one("ASY.APPLIED", "2025", frames=frames)
    assert (row["baseline"], row["target"], row["achievement"]) == (25, 25, None)  # target = baseline
    by_region = run("POP.POC", "2025", frames=frames, by=("region",))
    assert by_region.filter(pl.col("region") != TOTAL)["target"].null_count() == 4
    assert by_region.filter(pl.col("region") == TOTAL)["target"].item() == 120


def test_targets_are_national_so_a_region_gets_none():
    row = one("POP.POC", "2025", frames=with_frames(targets=TARGETS),
              filters={"region": ("TJ-DU",)})
    assert row["value"] == 60
    assert (row["baseline"], row["target"], row["achievement"]) == (None, None, None)


def test_a_region_filter_on_a_table_by_region_reads_the_whole_table_s_pattern():
    # by region for donors (2025-Q2): DU 60, KT 3 (<5), RA 30, SU 7 (withheld with it)
    full = cells(run("POP.POC", "2025-Q2", "donor", by=("region",)), "region")
    assert (full["TJ-KT"]["display"], full["TJ-SU"]["status"]) == ("<5", SUPPRESSED)
    for region in ("TJ-SU", "TJ-DU"):
        alone = cells(run("POP.POC", "2025-Q2", "donor", by=("region",),
                          filters={"region": (region,)}), "region")
        assert set(alone) == {region, TOTAL}
        for row in alone.values():  # the region's row, and its own total (the same cell)
            assert (row["value"], row["status"]) == (full[region]["value"],
                                                     full[region]["status"])
    unhcr = cells(run("POP.POC", "2025-Q2", by=("region",), filters={"region": ("TJ-SU",)}),
                  "region")
    assert unhcr["TJ-SU"]["value"] == 7  # no threshold: exact, as before


def test_districts_by_region_leave_out_the_district_margins_over_regions():
    result = run("POP.POC", "2025-Q2", "unicef", by=("region", "district"))
    margins = result.filter((pl.col("region") == TOTAL) & (pl.col("district") != TOTAL))
    assert margins.is_empty()
    assert result.filter((pl.col("region") == TOTAL) & (pl.col("district") == TOTAL))[
        "value"].item() == 100


def series_rows(code: str, values: list[float | None]) -> pl.DataFrame:
    return pl.DataFrame([
        {"indicator": code, "period": f"2025-{i + 1:02d}", "value": v,
         "status": SUPPRESSED if v is None else OK, "display": "<5" if v is None else f"{v:.0f}"}
        for i, v in enumerate(values)])


def test_a_single_withheld_month_takes_the_smallest_other_month_with_it():
    from metrics.engine import guard_series

    guarded = guard_series(series_rows("SOL.RETURNS", [30.0, None, 12.0, 0.0, 40.0]), 5)
    assert guarded["status"].to_list() == [OK, SUPPRESSED, OK, SUPPRESSED, OK]  # the real 0
    assert guarded["value"].to_list() == [30.0, None, 12.0, None, 40.0]
    two = series_rows("SOL.RETURNS", [30.0, None, None, 40.0])
    assert guard_series(two, 5)["value"].to_list() == [30.0, None, None, 40.0]  # already two
    assert guard_series(series_rows("SOL.RETURNS", [30.0, None]), None)["value"].to_list() \
        == [30.0, None]  # no threshold, no change


def test_a_stock_trend_hides_a_year_that_changed_by_a_small_count():
    from metrics.engine import guard_series

    # 2025 (the tile) 251; 2024 255 (a change of 4: hidden); 2023 262 (11 from 251: shown);
    # 2022 260 (2 from 262: hidden); 2021 240 (shown)
    stock = series_rows("POP.POC", [240.0, 260.0, 262.0, 255.0, 251.0])
    guarded = guard_series(stock, 5)
    assert guarded["value"].to_list() == [240.0, None, 262.0, None, 251.0]
    assert guarded["display"].to_list()[1] == "suppressed"
    rates = series_rows("POP.CHILDREN_PCT", [40.0, 41.0])
    assert guard_series(rates, 5)["value"].to_list() == [40.0, 41.0]  # not a count


def test_no_targets_outside_year_periods():
    row = one("POP.POC", "2025-Q4", frames=with_frames(targets=TARGETS))
    assert (row["baseline"], row["target"], row["achievement"]) == (None, None, None)


# ---------------------------------------------------------------------------------- disclosure
def test_donor_small_cell_and_its_complement():
    result = cells(run("POP.POC", "2025-Q2", "donor", by=("region",)), "region")
    assert (result["TJ-KT"]["value"], result["TJ-KT"]["display"],
            result["TJ-KT"]["status"]) == (None, "<5", SUPPRESSED)  # 3
    # 7 is not small, but with it published 3 = 100 - 60 - 30 - 7
    assert (result["TJ-SU"]["value"], result["TJ-SU"]["display"],
            result["TJ-SU"]["status"]) == (None, "suppressed", SUPPRESSED)
    assert result["TJ-DU"]["value"] == 60 and result["TJ-RA"]["value"] == 30
    assert result[TOTAL]["value"] == 100  # totals stay exact


def test_unicef_gets_the_same_threshold():
    result = cells(run("POP.POC", "2025-Q2", "unicef", by=("region",)), "region")
    assert result["TJ-KT"]["display"] == "<5"


@pytest.mark.parametrize("audience", ["unhcr", "admin"])
def test_unhcr_and_admin_see_exact_small_counts(audience):
    result = cells(run("POP.POC", "2025-Q2", audience, by=("region",)), "region")
    assert (result["TJ-KT"]["value"], result["TJ-KT"]["display"]) == (3, "3")
    assert result["TJ-SU"]["value"] == 7
    assert one("STA.RESOLVED_PERIOD", "2025-Q2", audience)["value"] == 3


def test_small_counts_are_suppressed_in_single_figures_and_comparisons():
    row = one("STA.RESOLVED_PERIOD", "2025-Q2", "donor")
    assert (row["value"], row["display"], row["status"]) == (None, "<5", SUPPRESSED)  # 2 + 1
    row = one("STA.RESOLVED_PERIOD", "2025", "donor")
    assert row["value"] == 5  # 2 + 1 + 2 is shown, but 2024 (3) is not
    assert row["previous"] is None and row["year_ago"] is None
    assert one("RST.SUBMITTED_CASES", "2025-Q2", "donor")["previous"] is None  # Q1: 4 cases


@pytest.mark.parametrize(("code", "period", "by", "cell"), [
    ("BRN.U5_REGISTERED_PCT", "2025-Q2", ("region",), "TJ-SU"),  # 1 / 4 children
    ("RST.ACCEPTANCE", "2025-Q1", (), TOTAL),  # 2 / 3 decisions
    ("RST.DAYS_TO_DEPART", "2025-Q2", (), TOTAL),  # 4 cases
    ("POP.FEMALE_PCT", "2025-Q2", ("region",), "TJ-KT"),  # 0 of 3 people
])
def test_rates_on_a_small_base_are_withheld_from_donors_only(code, period, by, cell):
    dim = by[0] if by else None

    def the_cell(audience):
        result = run(code, period, audience, by=by)
        return cells(result, dim)[cell] if dim else result.row(0, named=True)

    donor, unhcr = the_cell("donor"), the_cell("unhcr")
    assert (donor["value"], donor["status"], donor["display"]) == (None, SUPPRESSED, "suppressed")
    assert unhcr["status"] == OK and unhcr["value"] is not None


def test_a_custom_threshold_is_honoured():
    result = cells(run("POP.POC", "2025-Q2", "donor", by=("region",),
                       thresholds={"donor": 10}), "region")
    assert result["TJ-KT"]["display"] == "<10"  # 3
    assert result["TJ-SU"]["display"] == "<10"  # 7, now small itself
    assert result["TJ-DU"]["value"] == 60 and result[TOTAL]["value"] == 100
    # a rate on 7 people is not shown either
    rates = cells(run("POP.FEMALE_PCT", "2025-Q2", "donor", by=("region",),
                      thresholds={"donor": 10}), "region")
    assert rates["TJ-SU"]["status"] == SUPPRESSED
    assert rates["TJ-SU"]["note"] == "based on fewer than 10 people"
    unhcr = cells(run("POP.POC", "2025-Q2", "unhcr", by=("region",),
                      thresholds={"donor": 10}), "region")
    assert unhcr["TJ-KT"]["value"] == 3


def test_small_targets_are_not_shown_to_donors():
    row = one("POP.STA", "2025", "donor", frames=with_frames(targets=TARGETS))
    assert (row["value"], row["baseline"], row["target"], row["achievement"]) == (
        7, None, 10, None)  # baseline 3 is a small count of people


COUNT_CODES = [i.code for i in CATALOGUE.for_audience("donor") if i.unit in ("persons", "cases")]
OFFICIAL = [code for code in COUNT_CODES if code.startswith("OFF.")]  # annual: years only
OURS = [code for code in COUNT_CODES if not code.startswith("OFF.")]
POPULATION = [code for code in COUNT_CODES if code.startswith("POP.")]


@pytest.mark.parametrize(("period", "by", "codes", "witness"), [
    # witness: an indicator and column holding a count of 1-4 for unhcr
    ("2025-Q2", ("region",), OURS, ("POP.POC", "value")),  # 3 in TJ-KT
    ("2025-Q2", ("region", "sex"), POPULATION, ("POP.POC", "value")),  # 3 in TJ-KT
    ("2025-Q2", (), ["STA.RESOLVED_PERIOD", "RST.SUBMITTED_CASES"],
     ("RST.SUBMITTED_CASES", "previous")),  # 3 resolved; 4 cases submitted in Q1
    ("2025", (), COUNT_CODES, ("STA.RESOLVED_PERIOD", "previous")),  # 3 in 2024; a baseline 3
    ("2024", ("origin",), OFFICIAL, ("OFF.ASY", "value")),  # 4 from IRN
    ("2024", ("asylum",), OFFICIAL, ("OFF.RETURNED", "value")),  # 3 from RUS
], ids=["region", "region-sex", "previous", "year-targets", "origin", "asylum"])
def test_donor_never_receives_a_count_between_1_and_4(period, by, codes, witness):
    frames = with_frames(targets=TARGETS)
    code, column = witness
    exact = run(code, period, "unhcr", frames=frames, by=by)
    assert exact[column].is_between(1, 4).any()  # the fixtures do hold such a count
    small = re.compile(r"^[1-4](\.\d+)?$")
    for row in run(codes, period, "donor", frames=frames, by=by).iter_rows(named=True):
        for column in ("value", "previous", "year_ago", "baseline", "target"):
            assert not (row[column] is not None and 1 <= row[column] < 5), (row, column)
        assert not small.match(row["display"]), row


# ----------------------------------------------------------------------------- request errors
@pytest.mark.parametrize(("audience", "codes", "options"), [
    ("donor", ["POP.POC"], {"by": ("district",)}),  # national and regional aggregates only
    ("donor", ["POP.POC"], {"filters": {"district": ("Vahdat",)}}),
    ("unhcr", ["POP.POC"], {"by": ("colour",)}),  # unknown dimension
    ("unhcr", ["POP.POC"], {"filters": {"colour": ("red",)}}),
    ("unhcr", ["POP.POC"], {"by": ("region", "region")}),
    ("unicef", ["ASY.RRR"], {}),  # not for this audience
    ("unicef", ["RST.SUBMITTED"], {}),
    ("unhcr", ["POP.POC"], {"as_of": date(2025, 3, 31)}),  # before 2025-Q2 begins
    ("nobody", ["POP.POC"], {}),
])
def test_requests_the_engine_refuses(audience, codes, options):
    with pytest.raises(RequestError):
        run(codes, "2025-Q2", audience, **options)


def test_an_unknown_indicator_is_a_key_error():
    with pytest.raises(KeyError, match="unknown indicator"):
        run("POP.NOPE", "2025-Q2")


def test_unicef_by_district_is_allowed():
    assert run("POP.POC", "2025-Q2", "unicef", by=("district",)).height == 4


def test_default_indicators_are_those_of_the_audience():
    assert run([], "2025", "unicef").height == 0  # an empty list: nothing
    result = evaluate(FRAMES, Request(Period.parse("2025"), "unicef", compare=False))
    assert result["indicator"].to_list() == [i.code for i in CATALOGUE.for_audience("unicef")]
    assert not {"ASY.RRR", "SOL.RETURNS", "RST.SUBMITTED"} & set(result["indicator"])
    assert (result["value"].is_null() == (result["status"] != OK)).all()


# ------------------------------------------------------------------ dimensions it does not have
def test_a_by_dimension_the_indicator_lacks_gives_the_total_row_with_a_note():
    result = run("ASY.APPLIED", "2025-Q1", by=("region",))
    assert result.height == 1
    row = result.row(0, named=True)
    assert (row["region"], row["value"]) == (TOTAL, 18)
    assert "no breakdown by region" in row["note"]


def test_a_by_table_over_a_dimension_it_has_and_one_it_lacks():
    result = run("ASY.APPLIED", "2025-Q1", by=("origin", "region"))
    assert set(result["region"]) == {TOTAL}
    assert dict(zip(result["origin"], result["value"], strict=True)) == {
        "AFG": 15, "IRN": 3, TOTAL: 18}  # 10 + 5, 3


def test_a_filter_on_a_dimension_the_source_lacks_is_ignored_with_a_note():
    row = one("ASY.APPLIED", "2025-Q1", filters={"region": ("TJ-KT",)})
    assert row["value"] == 18  # national
    assert "national figure" in row["note"]


# ------------------------------------------------------------------------------ empty warehouse
@pytest.mark.parametrize("period", ["2025", "2024/25"])
def test_an_empty_warehouse_gives_no_data_never_zero(period):
    empty = {source: frame(source) for source in SCHEMAS}
    for frames in (empty, {}):
        result = evaluate(frames, Request(Period.parse(period), "admin", compare=False))
        assert result.height == len(CATALOGUE.indicators)
        annual = result["indicator"].str.starts_with("OFF.") | (
            result["indicator"] == "FUND.RECEIVED_PCT")
        # annual figures cannot be read for a school year; without any frame: no data at all
        expected = NOT_AVAILABLE if period == "2024/25" and frames else NO_DATA
        assert set(result.filter(annual)["status"]) == {expected}
        assert set(result.filter(~annual)["status"]) == {NO_DATA}
        assert result["value"].null_count() == result.height


# ------------------------------------------------------------------------ withheld means gone
def ipc_bytes(result: pl.DataFrame) -> bytes:
    """What Arrow serialisation ships (a table in the browser, a cached frame): whole buffers."""
    import io

    buffer = io.BytesIO()
    result.write_ipc(buffer)
    return buffer.getvalue()


def test_suppressed_values_are_not_in_the_serialised_result():
    """`when(mask).then(None)` keeps the old bytes behind the null; the engine must not."""
    import struct

    rows = frame("population",
                 {"region": "TJ-DU", "persons": 3333},  # the smallest other: complementary
                 {"region": "TJ-SU", "persons": 3},  # small: primary
                 {"region": "TJ-KT", "persons": 7777},
                 {"region": "TJ-RA", "persons": 8888},
                 date=d("2025-06-30"), population_type="REF", origin="AFG", sex="F",
                 age_group="18-59", batch_id=1)
    result = run("POP.REF", "2025", "donor", with_frames(population=rows), by=("region",),
                 compare=False)
    shown = cells(result, "region")
    assert (shown["TJ-SU"]["display"], shown["TJ-DU"]["display"]) == ("<5", "suppressed")
    raw = ipc_bytes(result)
    for secret in (3.0, 3333.0):
        assert struct.pack("<d", secret) not in raw
    assert struct.pack("<d", 8888.0) in raw  # shown values are there: the check can see


def test_a_rate_is_withheld_when_its_numerator_or_complement_is_small():
    """30 % of a published 10 would give 3 women back: the rate needs ≥5 on both sides."""
    rows = frame("population",
                 {"origin": "IRN", "sex": "F", "persons": 3},
                 {"origin": "IRN", "sex": "M", "persons": 7},
                 {"origin": "AFG", "sex": "F", "persons": 50},
                 {"origin": "AFG", "sex": "M", "persons": 45},
                 date=d("2025-06-30"), population_type="REF", region="TJ-DU",
                 age_group="18-59", batch_id=1)
    frames = with_frames(population=rows)
    donor = cells(run("POP.FEMALE_PCT", "2025", "donor", frames, by=("origin",),
                      compare=False), "origin")
    assert donor["IRN"]["status"] == SUPPRESSED and donor["IRN"]["value"] is None
    assert donor["AFG"]["value"] == pytest.approx(100 * 50 / 95)  # 50 and 45: both ≥ 5
    unhcr = cells(run("POP.FEMALE_PCT", "2025", "unhcr", frames, by=("origin",),
                      compare=False), "origin")
    assert unhcr["IRN"]["value"] == 30.0
