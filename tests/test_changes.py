"""What changed (metrics/changes.py): sentences, ranking and the disclosure rule, by hand."""

from __future__ import annotations

import polars as pl
import pytest

import locales
from metrics import changes
from metrics.catalogue import indicator_name
from metrics.engine import NO_DATA, NOT_AVAILABLE, OK, SUPPRESSED


def frame(rows: dict[str, float | None | tuple], target: dict[str, float] | None = None
          ) -> pl.DataFrame:
    """Engine-shaped total rows: code -> value, or (value, status) for a withheld one."""
    records = []
    for code, spec in rows.items():
        value, status = spec if isinstance(spec, tuple) else (spec, OK)
        records.append({"indicator": code, "value": value, "status": status,
                        "target": (target or {}).get(code)})
    return pl.DataFrame(records, schema={"indicator": pl.String, "value": pl.Float64,
                                         "status": pl.String, "target": pl.Float64})


def test_rose_and_fell_with_counts_written_as_the_tiles_write_them():
    now = frame({"SOL.RETURNS": 1421, "POP.REF": 8620})
    before = frame({"SOL.RETURNS": 66, "POP.REF": 8900})
    found = changes.changes(now, before, threshold=None)
    # 1,355 / max(66, 50) = 20.5 before 280 / 8,900 = 0.03
    assert [c.sentence for c in found] == [
        "Voluntary repatriation rose from 66 to 1,421.",
        "Refugees fell from 8,900 to 8,620.",
    ]
    assert found[0].score == pytest.approx(1355 / 66)
    assert found[1].score == pytest.approx(280 / 8900)


def test_a_small_base_is_measured_against_the_floor():
    # 2 -> 40: +38 on a floor of 50 persons = 0.76; 1,000 -> 1,900: 0.9 comes first
    now = frame({"RST.SUBMITTED": 40, "POP.ASY": 1900})
    before = frame({"RST.SUBMITTED": 2, "POP.ASY": 1000})
    found = changes.changes(now, before, threshold=None)
    assert [c.indicator for c in found] == ["POP.ASY", "RST.SUBMITTED"]
    assert found[1].score == pytest.approx(38 / 50)


def test_changes_below_the_unit_minimum_are_not_news():
    now = frame({"POP.REF": 8625, "ASY.RRR": 91.5, "EDU.GPI": 0.97, "RST.SUBMITTED_CASES": 54})
    before = frame({"POP.REF": 8620, "ASY.RRR": 91.0, "EDU.GPI": 0.96, "RST.SUBMITTED_CASES": 50})
    assert changes.changes(now, before, threshold=None) == []


def test_rates_and_indices_read_in_their_units():
    now = frame({"ASY.RRR": 91.2, "EDU.GPI": 0.97})
    before = frame({"ASY.RRR": 85.0, "EDU.GPI": 0.91})
    sentences = [c.sentence for c in changes.changes(now, before, threshold=5)]
    # 6.2 points / 85 = 0.073; 0.06 / max(0.91, 0.1) = 0.066
    assert sentences == ["Refugee recognition rate rose from 85.0 % to 91.2 %.",
                         "Gender parity index of gross enrolment rose from 0.91 to 0.97."]


def test_a_withheld_missing_or_unavailable_value_is_never_compared():
    now = frame({"POP.REF": 8620, "POP.ASY": (None, SUPPRESSED), "SOL.RETURNS": 500,
                 "ASY.RRR": (None, NOT_AVAILABLE)})
    before = frame({"POP.REF": (None, SUPPRESSED), "POP.ASY": 3000,
                    "SOL.RETURNS": (None, NO_DATA), "ASY.RRR": 80.0})
    assert changes.changes(now, before, threshold=5) == []


def test_a_small_difference_of_people_is_not_told_to_an_audience_with_a_threshold():
    # 12 more cases is a small number for a threshold of 20 (as configured for an audience);
    # exact-count audiences (threshold None) read it
    now = frame({"POP.REF": 1012, "RST.SUBMITTED_CASES": 106})
    before = frame({"POP.REF": 1000, "RST.SUBMITTED_CASES": 100})
    assert changes.changes(now, before, threshold=20) == []
    # 6 / 100 = 0.06 before 12 / 1,000 = 0.012
    assert [c.indicator for c in changes.changes(now, before, threshold=None)] == [
        "RST.SUBMITTED_CASES", "POP.REF"]
    assert [c.indicator for c in changes.changes(now, before, threshold=5)] == [
        "RST.SUBMITTED_CASES", "POP.REF"]


def test_may_compare_follows_the_tiles_rule():
    assert not changes.may_compare(1003, 1000, "count", 5)
    assert changes.may_compare(1005, 1000, "count", 5)
    assert changes.may_compare(1000, 1000, "count", 5)  # no change is not a small count
    assert changes.may_compare(1003, 1000, "count", None)
    assert changes.may_compare(90.5, 90.0, "rate", 5)


def test_activity_counts_are_left_to_the_joint_plan_slides():
    now = frame({"LOU.OVERDUE": 30, "LOU.ACTIVE": 90})
    before = frame({"LOU.OVERDUE": 10, "LOU.ACTIVE": 40})
    assert changes.changes(now, before, threshold=None) == []
    assert changes.against_targets(frame({"LOU.OVERDUE": 30}, {"LOU.OVERDUE": 0}),
                                   ) == []


def test_targets_furthest_first_and_reached_ones_said_so():
    now = frame({"EDU.NER": 87.5, "ASY.RRR": 91.2, "FUND.RECEIVED_PCT": 57.5,
                 "STA.DAYS_TO_RESOLVE": 400.0},
                target={"EDU.NER": 90.0, "ASY.RRR": 90.0, "FUND.RECEIVED_PCT": 95.0,
                        "STA.DAYS_TO_RESOLVE": 365.0})
    found = changes.against_targets(now, limit=4)
    # 37.5 / 95 = 0.39; 35 / 365 = 0.096; 2.5 / 90 = 0.028; 1.2 / 90 = 0.013
    assert [c.sentence for c in found] == [
        "Funding received: 57.5 %, target 95.0 %.",
        "Median days from identification to resolution: 400 days, target 365 days.",
        "Net enrolment rate: 87.5 %, target 90.0 %.",
        "Refugee recognition rate: 91.2 %, target 90.0 % reached.",
    ]
    assert found[0].score == pytest.approx(37.5 / 95)


def test_a_target_exceeded_is_no_shortfall_it_comes_after_them():
    """A target far exceeded is not "far from its target": only shortfalls are ranked, and
    targets reached follow them, said as reached (in catalogue order)."""
    now = frame({"EDU.NER": 87.5, "FUND.RECEIVED_PCT": 57.5, "ASY.RRR": 99.0,
                 "STA.DAYS_TO_RESOLVE": 100.0, "RST.DEPARTED": 3000.0},
                target={"EDU.NER": 90.0, "FUND.RECEIVED_PCT": 95.0, "ASY.RRR": 50.0,
                        "STA.DAYS_TO_RESOLVE": 365.0, "RST.DEPARTED": 500.0})
    found = changes.against_targets(now, limit=5)
    # shortfalls: 37.5 / 95 = 0.39, 2.5 / 90 = 0.028; reached (departures ×6, RRR ×2, days
    # 265 below a "lower is better" target) come after, scored 0
    assert [c.indicator for c in found[:2]] == ["FUND.RECEIVED_PCT", "EDU.NER"]
    assert {c.indicator for c in found[2:]} == {"RST.DEPARTED", "ASY.RRR", "STA.DAYS_TO_RESOLVE"}
    assert all(c.score == 0 and c.sentence.endswith("reached.") for c in found[2:])
    assert all(c.score > 0 for c in found[:2])
    # with room for two, both are shortfalls: a reached target never takes their place
    assert [c.indicator for c in changes.against_targets(now, limit=2)] == [
        "FUND.RECEIVED_PCT", "EDU.NER"]
    only_reached = frame({"ASY.RRR": 99.0}, target={"ASY.RRR": 50.0})
    assert [c.sentence for c in changes.against_targets(only_reached)] == [
        "Refugee recognition rate: 99.0 %, target 50.0 % reached."]


def test_what_changed_lists_changes_then_targets_with_labels():
    now = frame({"SOL.RETURNS": 1421, "EDU.NER": 87.5}, target={"EDU.NER": 90.0})
    before = frame({"SOL.RETURNS": 66, "EDU.NER": 86.0})
    labels = {"SOL.RETURNS": "Returns to Afghanistan",
              "EDU.NER": "Net enrolment rate of refugee children"}
    found = changes.what_changed(now, before, threshold=5, labels=labels)
    assert [change.indicator for change in found] == ["SOL.RETURNS", "EDU.NER", "EDU.NER"]
    assert [change.sentence for change in found] == [
        "Returns to Afghanistan rose from 66 to 1,421.",
        "Net enrolment rate of refugee children rose from 86.0 % to 87.5 %.",
        "Net enrolment rate of refugee children: 87.5 %, target 90.0 %.",
    ]


def test_the_engine_s_previous_column_compares_the_same_way():
    now = pl.DataFrame({"indicator": ["POP.REF", "POP.ASY"], "value": [8620.0, 3200.0],
                        "status": [OK, OK], "previous": [8900.0, None]})
    sentences = [c.sentence for c in changes.changes(now, changes.previous_column(now),
                                                     threshold=5)]
    assert sentences == ["Refugees fell from 8,900 to 8,620."]


def test_sentences_in_russian():
    now = frame({"POP.REF": 8620.0, "ASY.RRR": 91.2})
    before = frame({"POP.REF": 8900.0, "ASY.RRR": 85.0})
    with locales.using("ru"):
        sentences = [c.sentence for c in changes.changes(now, before, threshold=None)]
        rate, refugees = indicator_name("ASY.RRR"), indicator_name("POP.REF")
    assert sentences == [
        f"{rate}: рост с 85,0\u00a0% до 91,2\u00a0%.",
        f"{refugees}: снижение с 8\u00a0900 до 8\u00a0620.",
    ]
