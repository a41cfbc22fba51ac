"""Disclosure control (DOMAIN §7): primary and complementary suppression, small bases, margins."""

from __future__ import annotations

import itertools
import random
import time

import polars as pl
import pytest
from grids import mask_suppressed, with_margins
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from metrics.disclosure import (
    COMPLEMENTARY,
    DEFAULT_THRESHOLD,
    DEFAULT_THRESHOLDS,
    PRIMARY,
    SMALL_BASE,
    TOTAL,
    is_small,
    suppress_counts,
    suppress_rates,
    threshold_for,
)

P, C = PRIMARY, COMPLEMENTARY


def marks(result: pl.DataFrame, dims: list[str]) -> dict[tuple, str]:
    """{(dim values…): reason} for the suppressed cells only."""
    return {
        tuple(row[d] for d in dims): row["suppression"]
        for row in result.iter_rows(named=True)
        if row["suppression"] is not None
    }


def grid(dims: list[str], rows: list[tuple]) -> pl.DataFrame:
    """A grid from detail rows (dims…, value), margins added."""
    detail = pl.DataFrame(rows, schema=[*dims, "value"], orient="row")
    return with_margins(detail, dims, ["value"])


# ---- thresholds ---------------------------------------------------------------------------------
def test_thresholds_per_audience():
    assert DEFAULT_THRESHOLD == 5
    assert threshold_for("donor") == 5
    assert threshold_for("unicef") == 5
    assert threshold_for("unhcr") is None
    assert threshold_for("admin") is None
    assert threshold_for("somebody-else") == DEFAULT_THRESHOLD  # fail safe
    assert threshold_for("donor", {"donor": 10}) == 10
    assert threshold_for("unhcr", {"donor": 10}) is None  # overrides merge with the defaults
    assert threshold_for("unicef", {"unicef": None}) is None
    assert DEFAULT_THRESHOLDS == {"donor": 5, "unicef": 5, "unhcr": None, "admin": None}


@pytest.mark.parametrize(
    ("value", "threshold", "small"),
    [(0, 5, False), (1, 5, True), (4, 5, True), (5, 5, False), (None, 5, False), (3, None, False),
     (9, 10, True), (1.5, 5, True)],
)
def test_is_small(value, threshold, small):
    assert is_small(value, threshold) is small


# ---- hand examples ------------------------------------------------------------------------------
def test_one_dimension_small_cell_and_its_complement():
    table = grid(["region"], [("TJ-DU", 40), ("TJ-SU", 3), ("TJ-KT", 12), ("TJ-GB", 7), ("TJ-RA", 25)])
    result = suppress_counts(table, ["region"], 5)
    assert marks(result, ["region"]) == {("TJ-SU",): P, ("TJ-GB",): C}
    assert result.filter(pl.col("region") == TOTAL)["value"].item() == 87  # exact, published
    assert result["suppression"].dtype == pl.Utf8
    assert result.drop("suppression").equals(table)


def test_two_dimensions_cascade_in_both_directions():
    #         F    M   Total
    #  A      2   10    12      A-F is small; row A gives it away -> A-M;
    #  B      8    9    17      column F gives it away -> B-F; column M now has A-M alone -> B-M.
    #  C     20   30    50
    #  Total 30   49    79
    table = grid(["region", "sex"], [("A", "F", 2), ("A", "M", 10), ("B", "F", 8), ("B", "M", 9),
                                     ("C", "F", 20), ("C", "M", 30)])
    result = suppress_counts(table, ["region", "sex"], 5)
    assert marks(result, ["region", "sex"]) == {
        ("A", "F"): P, ("A", "M"): C, ("B", "F"): C, ("B", "M"): C,
    }


def test_small_margin_cascades_along_the_other_margin():
    #         F    M   Total
    #  A      1    2     3      all three small (primary)
    #  B      6    7    13      columns F and M -> B-F, B-M; the Total column -> B-Total
    #  C     10   20    30
    #  Total 17   29    46
    table = grid(["region", "sex"], [("A", "F", 1), ("A", "M", 2), ("B", "F", 6), ("B", "M", 7),
                                     ("C", "F", 10), ("C", "M", 20)])
    result = suppress_counts(table, ["region", "sex"], 5)
    assert marks(result, ["region", "sex"]) == {
        ("A", "F"): P, ("A", "M"): P, ("A", TOTAL): P,
        ("B", "F"): C, ("B", "M"): C, ("B", TOTAL): C,
    }


def test_a_zero_is_chosen_only_when_no_positive_cell_is_left():
    #         F    M   Total
    #  A      2   40    42      A-F small -> A-M (row A), B-F (column F)
    #  B      8    0     8      column M: A-M alone, only a zero left -> B-M
    #  Total 10   40    50
    table = grid(["region", "sex"], [("A", "F", 2), ("A", "M", 40), ("B", "F", 8), ("B", "M", 0)])
    result = suppress_counts(table, ["region", "sex"], 5)
    assert marks(result, ["region", "sex"]) == {
        ("A", "F"): P, ("A", "M"): C, ("B", "F"): C, ("B", "M"): C,
    }


def test_zeros_are_not_primary():
    table = grid(["region"], [("A", 0), ("B", 10), ("C", 20)])
    assert marks(suppress_counts(table, ["region"], 5), ["region"]) == {}


def test_small_grand_total_is_suppressed():
    table = grid(["region"], [("A", 1), ("B", 2)])
    assert marks(suppress_counts(table, ["region"], 5), ["region"]) == {
        ("A",): P, ("B",): P, (TOTAL,): P,
    }
    national = pl.DataFrame({"value": [3]})
    assert suppress_counts(national, [], 5)["suppression"].to_list() == [P]
    assert suppress_counts(pl.DataFrame({"value": [7]}), [], 5)["suppression"].to_list() == [None]
    assert suppress_counts(pl.DataFrame({"value": [0]}), [], 5)["suppression"].to_list() == [None]


def test_one_member_group_forces_its_total():
    #         F   Total
    #  A      2     2      both small
    #  B     10    10      column F -> B-F; row B has one member, so its total goes too
    #  Total 12    12      (in a full grid the Total column usually picks the same cell)
    table = grid(["region", "sex"], [("A", "F", 2), ("B", "F", 10)])
    result = suppress_counts(table, ["region", "sex"], 5)
    assert marks(result, ["region", "sex"]) == {
        ("A", "F"): P, ("A", TOTAL): P, ("B", "F"): C, ("B", TOTAL): C,
    }
    assert result.filter(pl.col("region") == TOTAL)["suppression"].null_count() == 2


def test_one_member_rule_when_the_parallel_margin_does_not_force_the_total():
    #         s1    s2    Total
    #  r1      3     0      3     r1-s1 and r1-Total small
    #  r2      0     8      8     column Total: r1-Total alone; r2-Total and r3-Total tie -> r2-Total
    #  r3      8  null      8     column s1 -> r3-s1; row r3 then has one member with data,
    #  Total  11     8     19     so its total (= r3-s1) must go too: only this rule hides it
    table = grid(["region", "sex"], [("r1", "s1", 3), ("r1", "s2", 0), ("r2", "s1", 0),
                                     ("r2", "s2", 8), ("r3", "s1", 8), ("r3", "s2", None)])
    result = suppress_counts(table, ["region", "sex"], 5)
    assert marks(result, ["region", "sex"]) == {
        ("r1", "s1"): P, ("r1", TOTAL): P, ("r3", "s1"): C, ("r2", TOTAL): C, ("r3", TOTAL): C,
    }
    assert_protected(result, ["region", "sex"])


def test_threshold_none_suppresses_nothing():
    table = grid(["region", "sex"], [("A", "F", 1), ("A", "M", 2), ("B", "F", 3), ("B", "M", 0)])
    result = suppress_counts(table, ["region", "sex"], threshold_for("unhcr"))
    assert result["suppression"].null_count() == result.height
    assert result.drop("suppression").equals(table)


def test_custom_threshold_ten():
    table = grid(["region"], [("A", 7), ("B", 12), ("C", 30)])
    assert marks(suppress_counts(table, ["region"], 10), ["region"]) == {("A",): P, ("B",): C}
    assert marks(suppress_counts(table, ["region"], 5), ["region"]) == {}


def test_null_values_are_never_suppressed_nor_chosen():
    #  A=2 (small), B=null (no data), C=30 -> C is the complement, B stays null and unmarked
    table = grid(["region"], [("A", 2), ("B", None), ("C", 30)])
    result = suppress_counts(table, ["region"], 5)
    assert marks(result, ["region"]) == {("A",): P, ("C",): C}
    #  only nulls besides the small cell: the total (= the small cell) is small itself
    table = grid(["region"], [("A", 2), ("B", None)])
    assert marks(suppress_counts(table, ["region"], 5), ["region"]) == {("A",): P, (TOTAL,): P}


def test_row_order_is_kept_and_ties_are_broken_by_name():
    table = grid(["region"], [("A", 7), ("B", 3), ("C", 7), ("D", 9)])
    shuffled = table.sample(fraction=1.0, shuffle=True, seed=3)
    result = suppress_counts(shuffled, ["region"], 5)
    assert result["region"].to_list() == shuffled["region"].to_list()
    assert marks(result, ["region"]) == {("B",): P, ("A",): C}  # A and C tie at 7: A first


def test_a_missing_total_row_counts_as_published():
    #  no margin rows at all: the total may be shown elsewhere (a metric tile), so protect anyway
    table = pl.DataFrame({"region": ["A", "B", "C"], "value": [3, 9, 20]})
    assert marks(suppress_counts(table, ["region"], 5), ["region"]) == {("A",): P, ("B",): C}


def test_existing_marks_are_kept_and_protected():
    table = grid(["region"], [("A", 30), ("B", 9), ("C", 20)])
    table = table.with_columns(
        pl.when(pl.col("region") == "A").then(pl.lit(SMALL_BASE)).otherwise(None).alias("suppression")
    )
    result = suppress_counts(table, ["region"], 5)
    assert marks(result, ["region"]) == {("A",): SMALL_BASE, ("B",): C}


def test_duplicate_cells_are_refused():
    table = pl.DataFrame({"region": ["A", "A"], "value": [1, 2]})
    with pytest.raises(ValueError, match="more than one row"):
        suppress_counts(table, ["region"], 5)


def test_mask_suppressed_blanks_the_hidden_values():
    result = suppress_counts(grid(["region"], [("A", 3), ("B", 9), ("C", 20)]), ["region"], 5)
    masked = mask_suppressed(result, ["value"])
    assert masked["value"].to_list() == [None, None, 20, 32]
    assert mask_suppressed(pl.DataFrame({"value": [1]}), ["value"])["value"].to_list() == [1]


def test_district_grid_is_fast():
    rng = random.Random(7)
    ages = ["0-4", "5-11", "12-17", "18-59", "60+", "unknown"]
    rows = [(f"D{i:02d}", sex, age, rng.choice([0, 0, 1, 2, 3, 4, 6, 9, 25, 140]))
            for i in range(70) for sex in "FM" for age in ages]
    dims = ["district", "sex", "age_group"]
    started = time.perf_counter()
    table = grid(dims, rows)
    result = suppress_counts(table, dims, 5)
    elapsed = time.perf_counter() - started
    assert table.height == 71 * 3 * 7
    assert elapsed < 1.0, elapsed
    assert_protected(result, dims)


# ---- rates --------------------------------------------------------------------------------------
def test_suppress_rates_small_base():
    table = pl.DataFrame({"rate": [None, 0.33, 0.8, 0.5], "base": [0, 3, 5, None]})
    result = suppress_rates(table, 5)
    assert result["suppression"].to_list() == [None, SMALL_BASE, None, None]
    assert result.drop("suppression").equals(table)
    assert suppress_rates(table, None)["suppression"].null_count() == 4


def test_suppress_rates_keeps_earlier_reasons():
    table = pl.DataFrame({"n": [2, 3, 40], "base": [3, 40, 2], "suppression": [P, None, None]})
    result = suppress_rates(table, 5)
    assert result["suppression"].to_list() == [P, None, SMALL_BASE]
    result = suppress_rates(table.rename({"base": "cases"}), 10, base="cases")
    assert result["suppression"].to_list() == [P, None, SMALL_BASE]


# ---- with_margins -------------------------------------------------------------------------------
def test_with_margins_fills_the_grid_and_sums():
    detail = pl.DataFrame({
        "region": ["B", "A", "A"], "sex": ["M", "F", "M"], "persons": [5, 1, 2], "cases": [None, 1, None],
    })
    full = with_margins(detail, ["region", "sex"], ["persons", "cases"])
    assert full.columns == ["region", "sex", "persons", "cases"]
    assert full.rows() == [
        ("A", "F", 1, 1), ("A", "M", 2, None), ("A", TOTAL, 3, 1),
        ("B", "F", 0, 0), ("B", "M", 5, None), ("B", TOTAL, 5, 0),
        (TOTAL, "F", 1, 1), (TOTAL, "M", 7, None), (TOTAL, TOTAL, 8, 1),
    ]


def test_with_margins_sorts_in_the_natural_order_and_casts_to_text():
    detail = pl.DataFrame({"year": [2025, 9, 100], "value": [1, 2, 3]})
    full = with_margins(detail, ["year"], ["value"])
    assert full.schema["year"] == pl.Utf8
    assert full["year"].to_list() == ["9", "100", "2025", TOTAL]
    ages = pl.Enum(["0-4", "5-11", "12-17"])
    detail = pl.DataFrame({"age": pl.Series(["12-17", "0-4", "5-11"], dtype=ages), "value": [1, 2, 3]})
    assert with_margins(detail, ["age"], ["value"])["age"].to_list() == ["0-4", "5-11", "12-17", TOTAL]


def test_with_margins_without_dims_is_the_national_figure():
    detail = pl.DataFrame({"value": [1, 2, None], "other": [None, None, None]}, schema={
        "value": pl.Int64, "other": pl.Int64})
    assert with_margins(detail, [], ["value", "other"]).rows() == [(3, None)]


def test_with_margins_refuses_totals_and_nulls_in_dims():
    with pytest.raises(ValueError, match="already holds"):
        with_margins(pl.DataFrame({"r": ["A", TOTAL], "value": [1, 2]}), ["r"], ["value"])
    with pytest.raises(ValueError, match="null"):
        with_margins(pl.DataFrame({"r": ["A", None], "value": [1, 2]}), ["r"], ["value"])


# ---- properties ---------------------------------------------------------------------------------
def groups(table: pl.DataFrame, dims: list[str]):
    """Yield (members, total) for every row/column group: lists of (value, suppression) rows."""
    rows = table.select([*dims, "value", "suppression"]).rows()
    for d in range(len(dims)):
        by_group: dict[tuple, tuple[list, list]] = {}
        for row in rows:
            key = row[:d] + row[d + 1:len(dims)]
            members, total = by_group.setdefault(key, ([], []))
            (total if row[d] == TOTAL else members).append(row[len(dims):])
        yield from by_group.values()


def assert_protected(result: pl.DataFrame, dims: list[str]) -> None:
    for members, total in groups(result, dims):
        assert len(total) == 1
        (total_value, total_mark), = total
        if total_value is None or total_mark is not None:
            continue
        assert sum(mark is not None for _, mark in members) != 1, (members, total)


DIM_NAMES = ["region", "sex", "age_group"]


@st.composite
def count_tables(draw, max_dims: int = 3):
    n_dims = draw(st.integers(1, max_dims))
    dims = DIM_NAMES[:n_dims]
    sizes = [draw(st.integers(1, 5 if n_dims < 3 else 4)) for _ in dims]
    levels = [[f"{d[0]}{i}" for i in range(size)] for d, size in zip(dims, sizes, strict=True)]
    combos = list(itertools.product(*levels))
    counts = st.one_of(st.just(0), st.integers(1, 9), st.integers(0, 40))
    with_nulls = draw(st.integers(0, 4)) == 0
    cell = st.one_of(counts, st.none()) if with_nulls else counts
    values = draw(st.lists(cell, min_size=len(combos), max_size=len(combos)))
    present = draw(st.lists(st.integers(0, 5), min_size=len(combos), max_size=len(combos)))
    rows = [(*combo, v) for combo, v, keep in zip(combos, values, present, strict=True) if keep]
    if not rows:
        rows = [(*combos[0], values[0])]
    detail = pl.DataFrame(rows, schema={**{d: pl.Utf8 for d in dims}, "value": pl.Int64}, orient="row")
    return with_margins(detail, dims, ["value"]), dims


PROPERTY = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
THRESHOLDS = st.integers(2, 10)


@PROPERTY
@given(count_tables(), THRESHOLDS)
def test_property_small_cells_are_suppressed_and_nothing_is_recoverable(case, threshold):
    table, dims = case
    result = suppress_counts(table, dims, threshold)
    # (a) every small cell is suppressed, as primary; primary means small
    for value, mark in result.select("value", "suppression").rows():
        assert (mark == P) == is_small(value, threshold)
        if value is None:
            assert mark is None
    # (b) no group with a published total has exactly one suppressed member
    assert_protected(result, dims)
    # (c) values are never changed and the row order is kept
    assert result.drop("suppression").equals(table)


@PROPERTY
@given(count_tables(), THRESHOLDS, st.randoms(use_true_random=False))
def test_property_deterministic_idempotent_and_order_free(case, threshold, rng):
    table, dims = case
    result = suppress_counts(table, dims, threshold)
    assert suppress_counts(table, dims, threshold).equals(result)
    assert suppress_counts(result, dims, threshold).equals(result)  # a fixed point
    order = list(range(table.height))
    rng.shuffle(order)
    shuffled = suppress_counts(table[order], dims, threshold)
    assert marks(shuffled, dims) == marks(result, dims)


@PROPERTY
@given(count_tables(), THRESHOLDS)
def test_property_donor_rendering_shows_no_small_value(case, threshold):
    table, dims = case
    thresholds = {**DEFAULT_THRESHOLDS, "donor": threshold}
    donor = threshold_for("donor", thresholds)
    published = mask_suppressed(suppress_counts(table, dims, donor), ["value"])
    # (e) what a donor sees: true values or nothing, never 1..threshold-1
    for shown, true in zip(published["value"], table["value"], strict=True):
        assert shown is None or (shown == true and not 1 <= shown < threshold)
    # and the grand total is either the exact total or hidden
    grand = published.filter(pl.all_horizontal(pl.col(d) == TOTAL for d in dims))["value"].item()
    assert grand is None or grand == table.filter(
        pl.all_horizontal(pl.col(d) == TOTAL for d in dims))["value"].item()


@settings(PROPERTY, max_examples=50)
@given(count_tables(), st.sampled_from(["unhcr", "admin"]))
def test_property_exact_audiences_see_everything(case, audience):
    table, dims = case
    result = suppress_counts(table, dims, threshold_for(audience))
    assert result["suppression"].null_count() == result.height


@settings(PROPERTY, max_examples=100)
@given(count_tables())
def test_property_margins_add_up(case):
    table, dims = case
    for members, total in groups(table.with_columns(suppression=pl.lit(None)), dims):
        values = [v for v, _ in members if v is not None]
        (total_value, _), = total
        assert total_value == (sum(values) if values else None)
