"""The indicator engine: catalogue + analytics frames + a request -> disclosed indicator values.

Pure Polars: frames in, one frame out. `evaluate(frames, request)` is the only way to get values,
and it always applies the disclosure control of DOMAIN §7 for `request.audience` (there is no
undisclosed variant to forget to call).

How one indicator is computed
1. The rows of its source are narrowed by the request's filters (e.g. a region) where the source
   has that dimension; otherwise the value is national and says so in `note`.
2. Time, by the measure's semantics: *stock* = the latest snapshot <= as of; *flow* = the rows
   dated within the period (up to as of); *cumulative* = everything <= as of; *school_year* = the
   school year asked for, or the latest one begun by as of; *annual* = the calendar year asked for
   (only for year periods); *plan* = the status of each joint-plan activity at as of (DOMAIN §5).
   A source with no row in that window gives *no data* — never 0. A window with rows but none
   matching the measure is a real 0.
3. Measures are aggregated per cell of the requested disaggregation, margins ("Total") included,
   then combined by the formula (value, ratio, difference, parity, median). A zero denominator
   gives *not available*, never 0 % and never an exception.
4. Disclosure: counts get primary and complementary suppression over the grid, rates and medians
   are withheld when their base is below the audience's threshold (`disclosure.py`).
5. Comparisons (previous period, same period a year earlier) are evaluated the same way and
   disclosed on their own; targets and baselines come from the `targets` frame for year periods.

Every row carries `period`, `as_of` (the data's as-of date), `basis` (which snapshot or dates it
covers) and `batches` (the import batches behind the value).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from itertools import combinations

import polars as pl

import locales
from locales import N_, _, ngettext
from metrics import disclosure, joint_plan
from metrics.catalogue import (
    CATALOGUE,
    COUNTRY_PLACEHOLDER,
    Catalogue,
    Indicator,
    Measure,
    Source,
    indicator_name,
)
from metrics.periods import SCHOOL_YEAR, YEAR, Period

TOTAL = disclosure.TOTAL
UNKNOWN = "unknown"  # label of a missing dimension value (e.g. a population row without district)

OK, NO_DATA, NOT_AVAILABLE, SUPPRESSED = "ok", "no_data", "not_available", "suppressed"
#: Dimensions nested in another (a district lies in exactly one region).
NESTED = {"district": "region"}

#: The frame of joint-plan updates (dual sign-off), when the warehouse has one.
PLAN_UPDATES = "joint_plan_updates"
#: The frame of targets (analytics table of the `targets` dataset).
TARGETS = "targets"


class _Frames(dict):
    """The frames of one evaluation, and the sources that cannot answer it (source -> why)."""

    def __init__(self, frames: Mapping[str, pl.DataFrame],
                 unavailable: Mapping[str, str] | None = None) -> None:
        super().__init__(frames)
        self.unavailable = dict(unavailable or {})

RESULT_SCHEMA: dict[str, pl.DataType] = {
    "indicator": pl.String, "name": pl.String, "unit": pl.String, "period": pl.String,
    "as_of": pl.Date, "value": pl.Float64, "display": pl.String, "status": pl.String,
    "note": pl.String, "basis": pl.String, "batches": pl.List(pl.Int64),
    "previous": pl.Float64, "year_ago": pl.Float64,
    "baseline": pl.Float64, "target": pl.Float64, "achievement": pl.Float64,
}


class RequestError(ValueError):
    """A request the engine refuses: unknown dimension, a dimension the audience may not see…"""


@dataclass(frozen=True)
class Request:
    period: Period
    audience: str
    as_of: date | None = None  # default: the period's last day
    by: tuple[str, ...] = ()
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    country: str = "TJK"
    thresholds: Mapping[str, int | None] | None = None
    compare: bool = True

    @property
    def end(self) -> date:
        """The effective as-of date: `as_of` cut to the period."""
        return min(self.as_of or self.period.end, self.period.end)

    @property
    def threshold(self) -> int | None:
        return disclosure.threshold_for(self.audience, self.thresholds)

    def shifted(self, period: Period) -> Request:
        """The same request for another period, as of the same point within it: the same
        number of months after the period's start, on the same day (a month's last day stays
        the last day), so a year-to-date or quarter-to-date compares like with like."""
        as_of = None
        if self.as_of is not None and self.end < self.period.end:
            as_of = min(period.end, _same_point(self.period.start, self.end, period.start))
        return replace(self, period=period, as_of=as_of, compare=False)


def _same_point(start: date, day: date, other_start: date) -> date:
    months = (day.year - start.year) * 12 + day.month - start.month
    total = other_start.year * 12 + other_start.month - 1 + months
    year, month = divmod(total, 12)
    last = calendar.monthrange(year, month + 1)[1]
    month_end = day.day == calendar.monthrange(day.year, day.month)[1]
    return date(year, month + 1, last if month_end else min(day.day, last))


@dataclass(frozen=True)
class _Window:
    """The rows of a source that a measure reads, or why there are none."""

    rows: pl.DataFrame | None
    as_of: date | None
    basis: str
    status: str = OK
    note: str = ""


# ---------------------------------------------------------------------------------------- public
def evaluate(frames: Mapping[str, pl.DataFrame], request: Request,
             indicators: Sequence[str] | None = None, catalogue: Catalogue = CATALOGUE,
             unavailable: Mapping[str, str] | None = None) -> pl.DataFrame:
    """Values of `indicators` (default: all the audience may see) as `request.audience` may see them.

    `frames` maps catalogue source names (and optionally `targets`, `joint_plan_updates`) to the
    analytics tables; `unavailable` maps source names that cannot answer this request to the
    reason (their indicators are *not available*, with that note). Returns one row per indicator
    and cell: RESULT_SCHEMA plus one String column per `request.by` dimension ("Total" on
    margin rows).
    """
    _check_request(request, catalogue)
    chosen = _chosen(request, indicators, catalogue)
    frames = _Frames(frames, unavailable)
    parts = [_one(frames, request, catalogue.indicators[code], catalogue) for code in chosen]
    columns = list(RESULT_SCHEMA)[:4] + list(request.by) + list(RESULT_SCHEMA)[4:]
    if not parts:
        return pl.DataFrame(schema={**RESULT_SCHEMA, **dict.fromkeys(request.by, pl.String)}
                            ).select(columns)
    results = pl.concat([part.select(columns) for part in parts], how="vertical")
    return disclosure.scrub(results, ["value", "previous", "year_ago", "baseline", "target",
                                      "achievement"])


def _chosen(request: Request, indicators: Sequence[str] | None, catalogue: Catalogue) -> list[str]:
    visible = [i.code for i in catalogue.for_audience(request.audience)]
    if indicators is None:
        return visible
    for code in indicators:
        catalogue.indicator(code)  # unknown code -> KeyError with a hint
        if code not in visible:
            raise RequestError(f"{code} is not available to the {request.audience} audience")
    return list(dict.fromkeys(indicators))


def _check_request(request: Request, catalogue: Catalogue) -> None:
    if request.audience not in catalogue.audiences:
        raise RequestError(f"unknown audience {request.audience!r}; "
                           f"one of {', '.join(catalogue.audiences)}")
    if request.as_of is not None and request.as_of < request.period.start:
        raise RequestError(f"as-of date {request.as_of} is before the period {request.period}")
    known = {d for s in catalogue.sources.values() for d in s.dimensions}
    excluded = set(catalogue.audiences[request.audience].excluded_dimensions)
    if len(set(request.by)) != len(request.by):
        raise RequestError("a dimension is repeated in --by")
    for dim in (*request.by, *request.filters):
        if dim not in known:
            raise RequestError(f"unknown dimension {dim!r}; one of {', '.join(sorted(known))}")
        if dim in excluded:
            raise RequestError(f"the {request.audience} audience sees no breakdown by {dim} "
                               "(DOMAIN §1: national and regional aggregates)")


# ---------------------------------------------------------------------------------- one indicator
def _one(frames: Mapping[str, pl.DataFrame], request: Request, indicator: Indicator,
         catalogue: Catalogue) -> pl.DataFrame:
    cells = _disclosed_cells(frames, request, indicator, catalogue)
    for column, period in (("previous", request.period.previous()),
                           ("year_ago", request.period.year_ago())):
        if not request.compare:
            cells = cells.with_columns(pl.lit(None, pl.Float64).alias(column))
            continue
        earlier = _disclosed_cells(frames, request.shifted(period), indicator, catalogue)
        earlier = earlier.select(*request.by, pl.col("value").alias(column))
        if request.by:
            cells = cells.join(earlier, on=list(request.by), how="left", maintain_order="left")
        else:
            cells = cells.join(earlier, how="cross")
    cells = _guard_differences(cells, request, indicator, catalogue)
    cells = _with_targets(cells, frames, request, indicator)
    return cells.with_columns(
        pl.lit(indicator.code).alias("indicator"),
        pl.lit(indicator_name(indicator.code, catalogue)).alias("name"),
        pl.lit(indicator.unit).alias("unit"), pl.lit(request.period.label).alias("period"),
    )


def _guard_differences(cells: pl.DataFrame, request: Request, indicator: Indicator,
                       catalogue: Catalogue) -> pl.DataFrame:
    """For a stock or a cumulative count, value − previous is itself a count of people (the
    cases resolved in the period, the net arrivals): for an audience with a threshold it must
    not be small either. Only the total row keeps its comparisons (a grid of differences would
    need its own complementary suppression), and only when the difference is 0 or not small."""
    semantics = catalogue.measures[indicator.numerator].semantics
    if (request.threshold is None or indicator.disclosure != "count"
            or semantics not in ("stock", "cumulative", "school_year", "annual")):
        return cells
    total = pl.all_horizontal(pl.col(d) == TOTAL for d in request.by) if request.by else pl.lit(True)
    guarded = []
    for column in ("previous", "year_ago"):
        difference = (pl.col("value") - pl.col(column)).abs()
        small = difference.is_between(1, request.threshold - 1e-9).fill_null(False)
        hide = ~total | small
        guarded.append(pl.when(hide).then(None).otherwise(pl.col(column)).alias(column))
    return disclosure.scrub(cells.with_columns(guarded), ["previous", "year_ago"])


def _disclosed_cells(frames: Mapping[str, pl.DataFrame], request: Request, indicator: Indicator,
                     catalogue: Catalogue) -> pl.DataFrame:
    """The indicator's cells for the request, with disclosure applied and display text set.

    A one-value filter on a dimension the indicator breaks down by (`--region TJ-SU`) is a
    slice of the table by that dimension: suppression is decided on the whole table and the
    slice read from it, so the filtered view and the `--by region` view hide the same cells
    (two different patterns would give each other's hidden cells away)."""
    chosen = {d: v[0] for d, v in request.filters.items()
              if len(v) == 1 and d in indicator.disaggregations and d in request.by}
    if chosen and request.threshold is not None:
        # `--region TJ-KT --by region`: the TJ-KT row of the whole `--by region` table (a
        # one-row table of its own would show a cell the full table hides), whose own total
        # is that row
        wider = replace(request, filters={
            d: v for d, v in request.filters.items() if d not in chosen})
        table = _disclosed_cells(frames, wider, indicator, catalogue)
        sliced = table.filter(pl.all_horizontal(pl.col(d) == v for d, v in chosen.items()))
        if not sliced.is_empty():
            return pl.concat([sliced, sliced.with_columns(pl.lit(TOTAL).alias(d)
                                                          for d in chosen)])
    slices = {d: v[0] for d, v in request.filters.items()
              if len(v) == 1 and d in indicator.disaggregations and d not in request.by}
    if slices and request.threshold is not None:
        wider = replace(request, by=(*request.by, *slices), filters={
            d: v for d, v in request.filters.items() if d not in slices})
        table = _disclosed_cells(frames, wider, indicator, catalogue)
        sliced = table.filter(pl.all_horizontal(pl.col(d) == v for d, v in slices.items()))
        if not sliced.is_empty():
            return sliced.drop(list(slices))
        # the value is not in the table (nobody there): filtering the rows gives its real 0
    by = [d for d in request.by if d in indicator.disaggregations]
    notes = [note_text("no_breakdown", dimension=d)
             for d in request.by if d not in indicator.disaggregations]
    cells = _cells(frames, request, indicator, catalogue, by, notes)
    # dimensions the indicator does not break down by are reported on the total row only
    for dim in request.by:
        if dim not in by:
            cells = cells.with_columns(pl.lit(TOTAL).alias(dim))
    cells = _disclose(cells, list(request.by), indicator, request.threshold)
    for inner, outer in NESTED.items():
        if inner in request.by and outer in request.by:
            # A district lies in one region: its margin over regions repeats its cell, which
            # complementary suppression may have withheld (and the other regions' cells of it
            # are structural zeros): leave those margins out.
            cells = cells.filter((pl.col(outer) != TOTAL) | (pl.col(inner) == TOTAL))
    # formatted in Python (not a Polars UDF): the current language is this thread's context
    display = [format_value(value, indicator.unit, status, suppression, request.threshold)
               for value, status, suppression in cells.select("value", "status", "suppression")
               .iter_rows()]
    return cells.with_columns(pl.Series("display", display, pl.String)
                              ).drop("suppression", "base", "part")


def _cells(frames, request, indicator, catalogue, by, notes) -> pl.DataFrame:
    measures = [catalogue.measures[m] for m in indicator.measures]
    source = catalogue.sources[measures[0].source]
    semantics = measures[0].semantics
    frame = frames.get(source.name)
    if source.name in frames.unavailable:
        return _empty(by, request, NOT_AVAILABLE, frames.unavailable[source.name])
    if frame is None:
        return _empty(by, request, NO_DATA,
                      note_text("no_dataset", dataset=source.dataset))
    frame = frame.rename({k: v for k, v in source.rename.items() if k in frame.columns})
    if semantics == "plan":
        needs_status = any(set(m.columns) & set(joint_plan.STATUS_FLAGS) for m in measures)
        window = _plan_window(frame, frames.get(PLAN_UPDATES), request, needs_status)
    else:
        window = _time_window(frame, source, semantics, request)
    if window.status != OK:
        return _empty(by, request, window.status, "; ".join([window.note, *notes]), window.basis)
    rows = _prepare(window.rows, source, by)
    for dim, values in request.filters.items():
        if dim in source.dimensions:
            rows = rows.filter(pl.col(dim).is_in(list(values)))
        else:
            notes.append(note_text("national", dimension=dim))
    matching = pl.any_horizontal(_match(m, request.country) for m in measures)
    cells = _grid(rows, by, _aggregations(indicator, measures, request.country), matching)
    cells = _apply_formula(cells, indicator)
    note = "; ".join(notes)
    return cells.with_columns(
        pl.lit(window.as_of, pl.Date).alias("as_of"), pl.lit(window.basis).alias("basis"),
        pl.when(pl.col("status") == OK).then(pl.lit(note)).otherwise(
            pl.concat_str(pl.col("note"), pl.lit("; " + note if note else ""))).alias("note"),
    )


def _empty(by: Sequence[str], request: Request, status: str, note: str, basis: str = ""
           ) -> pl.DataFrame:
    return pl.DataFrame({
        **{d: [TOTAL] for d in by}, "value": [None], "base": [None], "part": [None],
        "status": [status],
        "note": [note], "batches": [[]], "as_of": [None], "basis": [basis],
    }, schema={**dict.fromkeys(by, pl.String), "value": pl.Float64, "base": pl.Float64,
               "part": pl.Float64,
               "status": pl.String, "note": pl.String, "batches": pl.List(pl.Int64),
               "as_of": pl.Date, "basis": pl.String})


# ------------------------------------------------------------------------------------------- time
def _month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _time_window(frame: pl.DataFrame, source: Source, semantics: str, request: Request) -> _Window:
    t, period, as_of = source.time, request.period, request.end
    name = source.dataset.replace("unhcr-", "UNHCR ").replace("_", " ").replace("-", " ")
    if semantics == "annual":
        if period.kind != YEAR:
            return _Window(None, None, "", NOT_AVAILABLE,
                           note_text("per_year", dataset=name, year=period.end.year))
        if as_of < period.end:
            return _Window(None, None, "", NOT_AVAILABLE,
                           note_text("whole_year", dataset=name, date=period.end))
        rows = frame.filter(pl.col(t) == period.year)
        if rows.is_empty():
            return _Window(None, None, "", NO_DATA,
                           note_text("no_year", dataset=name, year=period.year))
        return _Window(rows, period.end, f"calendar year {period.year}")
    if semantics == "stock" or (semantics == "school_year" and period.kind != SCHOOL_YEAR):
        earlier = frame.filter(pl.col(t) <= as_of)
        if earlier.is_empty():
            return _Window(None, None, "", NO_DATA,
                           note_text("none_before", dataset=name, date=as_of))
        snapshot = earlier.get_column(t).max()
        rows = earlier.filter(pl.col(t) == snapshot)
        if semantics == "school_year":
            school_year = Period.school_year_of(snapshot)
            return _Window(rows, min(as_of, school_year.end), f"school year {school_year}")
        return _Window(rows, snapshot, f"snapshot of {snapshot}")
    if semantics == "school_year":
        rows = frame.filter(pl.col(t) == period.start)
        if rows.is_empty():
            return _Window(None, None, "", NO_DATA,
                           note_text("no_school_year", dataset=name, period=period))
        return _Window(rows, as_of, f"school year {period}")
    latest = frame.get_column(t).max() if frame.height else None
    if latest is not None and t == "month":
        latest = _month_end(latest)
    if semantics == "cumulative":
        rows = frame.filter(pl.col(t) <= as_of)
        if rows.is_empty():
            return _Window(None, None, "", NO_DATA,
                           note_text("none_before", dataset=name, date=as_of))
        return _Window(rows, min(as_of, latest), f"up to {min(as_of, latest)}")
    if t == "month":  # a month counts once it is complete by the as-of date
        rows = frame.filter(pl.col(t) >= period.start, pl.col(t).dt.month_end() <= as_of)
    else:
        rows = frame.filter(pl.col(t).is_between(period.start, as_of))  # flow
    if rows.is_empty():
        return _Window(None, None, "", NO_DATA,
                       note_text("none_between", dataset=name, start=period.start,
                                                       end=as_of))
    end = min(as_of, latest)
    if t == "month" and as_of != _month_end(as_of):  # only whole months are counted
        end = min(end, as_of.replace(day=1) - timedelta(days=1))
    return _Window(rows, end, f"{period.start} to {end}")


def _plan_window(activities: pl.DataFrame, updates: pl.DataFrame | None, request: Request,
                 needs_status: bool) -> _Window:
    if activities.is_empty():
        return _Window(None, None, "", NO_DATA, note_text("no_activities"))
    signed = 0
    if updates is not None:
        by_then = (pl.col("signed_on").is_null() | (pl.col("signed_on") <= request.end)
                   if "signed_on" in updates.columns else pl.lit(True))
        signed = updates.filter(pl.col("signed_off").cast(pl.Boolean), by_then).height
    if not signed:  # no update counts yet: statuses would only measure silence
        if needs_status:
            return _Window(None, None, "", NO_DATA, note_text("no_signed"))
        updates = joint_plan.no_updates() if updates is None else updates
    flags = joint_plan.activity_flags(activities, updates, request.period.start, request.end)
    return _Window(flags, request.end, f"activity status at {request.end}")


# ---------------------------------------------------------------------------------- aggregation
def _prepare(rows: pl.DataFrame, source: Source, by: Sequence[str]) -> pl.DataFrame:
    """Dimensions as strings (missing values labelled), so margins and joins are uniform."""
    return rows.with_columns(
        pl.col(d).cast(pl.String).fill_null(UNKNOWN) for d in source.dimensions if d in rows.columns
    )


def _match(measure: Measure, country: str) -> pl.Expr:
    condition = pl.lit(True)
    for column, values in measure.where.items():
        wanted = [country if v == COUNTRY_PLACEHOLDER else v for v in values]
        condition = condition & pl.col(column).is_in(wanted).fill_null(False)
    return condition


def _row_value(measure: Measure) -> pl.Expr:
    """Sum of the measure's columns in a row; null only when every column is null."""
    columns = [pl.col(c).cast(pl.Float64) for c in measure.columns]
    if len(columns) == 1:
        return columns[0]
    any_value = pl.any_horizontal(c.is_not_null() for c in columns)
    return pl.when(any_value).then(pl.sum_horizontal(columns))


def _measure_aggs(alias: str, measure: Measure, country: str,
                  extra: pl.Expr | None = None) -> dict[str, pl.Expr]:
    match = _match(measure, country)
    if extra is not None:
        match = match & extra
    if measure.aggregation == "median":
        weight = pl.col(measure.weight).filter(match)
        values = pl.col(measure.columns[0]).filter(match)
        return {alias: values.repeat_by(weight).explode().median().cast(pl.Float64),
                f"{alias}__n": weight.sum().cast(pl.Float64)}
    value = _row_value(measure)
    reported = value.is_not_null() & match
    # rows exist but none reports a value -> null ("not reported"); no matching row -> 0
    return {alias: pl.when(reported.any()).then(value.filter(reported).sum())
            .when(match.any()).then(pl.lit(None, pl.Float64)).otherwise(pl.lit(0.0))}


def _aggregations(indicator: Indicator, measures: list[Measure], country: str
                  ) -> dict[str, pl.Expr]:
    aggs: dict[str, pl.Expr] = {}
    if indicator.formula == "parity":
        first, second = indicator.split_values
        for suffix, value in (("a", first), ("b", second)):
            extra = pl.col(indicator.split) == value
            aggs |= _measure_aggs(f"num_{suffix}", measures[0], country, extra)
            aggs |= _measure_aggs(f"den_{suffix}", measures[1], country, extra)
    else:
        aggs |= _measure_aggs("num", measures[0], country)
        if len(measures) > 1:
            aggs |= _measure_aggs("den", measures[1], country)
    any_match = pl.lit(False)
    for measure in measures:
        any_match = any_match | _match(measure, country)
    aggs["batches"] = pl.col("batch_id").filter(any_match).cast(pl.Int64).unique().sort()
    return aggs


def _grid(rows: pl.DataFrame, by: Sequence[str], aggs: dict[str, pl.Expr],
          matching: pl.Expr) -> pl.DataFrame:
    """Every cell of the disaggregation plus its margins.

    Cells are all combinations of the values found in rows matching the indicator's measures; a
    combination without rows is a real 0 (a median of nothing stays null), while a combination
    whose rows report nothing keeps its null (*no data*).
    """
    domain = rows.filter(matching)
    parts = []
    for size in range(len(by), -1, -1):
        for subset in combinations(by, size):
            if subset:
                part = rows.group_by(list(subset)).agg(**aggs).with_columns(
                    pl.lit(True).alias("__seen"))
                part = _cartesian(domain, subset).join(part, on=list(subset), how="left")
                part = part.with_columns(
                    pl.when(pl.col("__seen").is_null()).then(fill)
                    .otherwise(pl.col(fill.meta.output_name())) for fill in _fill_missing(aggs))
            else:  # the grand total: one row, even when no row is left
                part = rows.select(**{name: expr.implode() if name == "batches" else expr
                                      for name, expr in aggs.items()})
            part = part.with_columns(pl.lit(TOTAL).alias(d) for d in by if d not in subset)
            parts.append(part.select(*by, *aggs))
    grid = pl.concat(parts, how="vertical_relaxed")
    if by:
        order = [pl.col(d) == TOTAL for d in by]
        grid = grid.sort([*order, *by])
    return grid


def _cartesian(rows: pl.DataFrame, dims: Sequence[str]) -> pl.DataFrame:
    full = rows.select(pl.col(dims[0]).unique())
    for dim in dims[1:]:
        full = full.join(rows.select(pl.col(dim).unique()), how="cross")
    return full


def _fill_missing(aggs: dict[str, pl.Expr]) -> list[pl.Expr]:
    """A combination with no rows: sums are 0, medians and their counts null/0, no batches."""
    fills = []
    for name in aggs:
        if name == "batches":
            fills.append(pl.col(name).fill_null(pl.lit([], pl.List(pl.Int64))))
        elif name.endswith("__n"):
            fills.append(pl.col(name).fill_null(0.0))
        elif f"{name}__n" in aggs:
            continue  # a median of nothing stays null
        else:
            fills.append(pl.col(name).fill_null(0.0))
    return fills


# -------------------------------------------------------------------------------------- formulas
def _ratio(numerator: pl.Expr, denominator: pl.Expr) -> pl.Expr:
    return pl.when(denominator > 0).then(numerator / denominator)


def _apply_formula(cells: pl.DataFrame, indicator: Indicator) -> pl.DataFrame:
    formula = indicator.formula
    if formula == "value":
        value, base, inputs = pl.col("num"), pl.col("num"), [pl.col("num")]
    elif formula == "difference":
        value, base, inputs = pl.col("num") - pl.col("den"), None, [pl.col("num"), pl.col("den")]
    elif formula == "ratio":
        value = _ratio(pl.col("num"), pl.col("den")) * indicator.scale
        base, inputs = pl.col("den"), [pl.col("num"), pl.col("den")]
    elif formula == "median":
        value, base, inputs = pl.col("num"), pl.col("num__n"), [pl.col("num__n")]
    else:  # parity
        value = _ratio(_ratio(pl.col("num_a"), pl.col("den_a")),
                       _ratio(pl.col("num_b"), pl.col("den_b")))
        base = pl.min_horizontal("den_a", "den_b")
        inputs = [pl.col(c) for c in ("num_a", "den_a", "num_b", "den_b")]
    if base is None:
        base = value
    # the people counted in a rate's numerator (its complement is base − part): both must be
    # big enough, or rate × a published base gives a small count back
    part = pl.col("num") if formula == "ratio" else pl.lit(None, pl.Float64)
    missing = pl.any_horizontal(c.is_null() for c in inputs)
    status = (pl.when(missing).then(pl.lit(NO_DATA))
              .when(value.is_null()).then(pl.lit(NOT_AVAILABLE)).otherwise(pl.lit(OK)))
    note = (pl.when(missing).then(pl.lit(note_text("not_reported")))
            .when(value.is_null()).then(pl.lit(_zero_note(indicator))).otherwise(pl.lit("")))
    return cells.with_columns(
        pl.when(missing).then(None).otherwise(value).cast(pl.Float64).alias("value"),
        base.cast(pl.Float64).alias("base"), part.cast(pl.Float64).alias("part"),
        status.alias("status"), note.alias("note"),
    ).select(*[c for c in cells.columns if c in ("batches",) or not _is_measure(c)],
             "value", "base", "part", "status", "note")


def _is_measure(column: str) -> bool:
    return column.startswith(("num", "den"))


def _zero_note(indicator: Indicator) -> str:
    if indicator.formula == "median":
        return note_text("no_cases")
    if indicator.formula == "parity":
        return note_text("no_sex")
    return note_text("zero_denominator")


# ------------------------------------------------------------------------------------ disclosure
def _disclose(cells: pl.DataFrame, by: list[str], indicator: Indicator, threshold: int | None
              ) -> pl.DataFrame:
    if indicator.disclosure == "count":
        # dims in a fixed order: the same table asked as (region, sex) or (sex, region), or
        # reached through a filter, gets the same pattern
        cells = disclosure.suppress_counts(cells, sorted(by), threshold, value="value")
    elif indicator.disclosure == "rate":
        cells = disclosure.suppress_rates(cells.with_columns(pl.lit(None, pl.String)
                                                             .alias("suppression")),
                                          threshold, base="base")
        if threshold is not None:
            small = pl.lit(False)
            for count in (pl.col("part"), pl.col("base") - pl.col("part")):
                small = small | count.is_between(1, threshold - 1e-9).fill_null(False)
            cells = cells.with_columns(
                pl.when(pl.col("suppression").is_null() & small)
                .then(pl.lit(disclosure.SMALL_BASE)).otherwise(pl.col("suppression"))
                .alias("suppression"))
    else:
        cells = cells.with_columns(pl.lit(None, pl.String).alias("suppression"))
    withheld = pl.col("suppression").is_not_null() & (pl.col("status") == OK)
    grand = pl.all_horizontal(pl.col(d) == TOTAL for d in by) if by else pl.lit(True)
    all_batches = cells.filter(grand).get_column("batches")
    total_batches = all_batches[0].to_list() if all_batches.len() else []
    same_as_total = pl.lit(pl.Series([total_batches], dtype=pl.List(pl.Int64))).first()
    cells = cells.with_columns(  # an empty batch list would tell that the hidden cell is 0
        pl.when(withheld).then(same_as_total)
        .otherwise(pl.col("batches")).alias("batches"))
    return cells.with_columns(
        pl.when(withheld).then(pl.lit(SUPPRESSED)).otherwise(pl.col("status")).alias("status"),
        pl.when(withheld).then(None).otherwise(pl.col("value")).alias("value"),
        pl.when(withheld & (pl.col("suppression") == disclosure.COMPLEMENTARY))
        .then(pl.lit(note_text("complementary")))
        .when(withheld & (pl.col("suppression") == disclosure.SMALL_BASE))
        .then(pl.lit(note_text("small_base", threshold=threshold)))
        .when(withheld).then(pl.lit(note_text("small", threshold=threshold)))
        .otherwise(pl.col("note")).alias("note"),
    )


def format_value(value: float | None, unit: str, status: str, suppression: str | None = None,
                 threshold: int | None = None) -> str:
    """The value as a person sees it, in the current language: '8,620', '87.5 %', '0.97',
    '143 days', '<5' (Russian: '8 620', '87,5 %', '0,97', '143 дня')."""
    if status == SUPPRESSED:
        if suppression == disclosure.PRIMARY and threshold:
            return f"<{threshold}"
        return _("suppressed")
    if status == NOT_AVAILABLE:
        return _("not available")
    if status == NO_DATA or value is None:
        return _("no data")
    if unit == "percent":
        return locales.percent(_rounded(value, 1), 1)
    if unit == "index":
        return _decimal(value, 2)
    if unit == "days":
        whole = float(value).is_integer()
        days = locales.number(value) if whole else _decimal(value, 1)
        return ngettext("{days} day", "{days} days", int(value) if whole else 2).format(days=days)
    return locales.number(round(value))


def _rounded(value: float, digits: int) -> float:
    """`value` rounded as Python's own formatting rounds it (so every language shows the digits
    English always showed: Babel alone would round 87.45 to 87.4, Python to 87.5)."""
    return float(f"{value:.{digits}f}")


def _decimal(value: float, digits: int) -> str:
    return locales.number(_rounded(value, digits), digits)


# ------------------------------------------------------------------------------ notes and language
#: The notes the engine writes (joined with "; " when there are several). Written in the current
#: language; `localise` translates the English ones a cache kept (see data_access/cache.py).
NOTES: dict[str, str] = {
    "no_breakdown": N_("no breakdown by {dimension}"),
    "no_dataset": N_("no {dataset} data in the warehouse"),
    "per_year": N_("{dataset} figures are per calendar year: ask for a year (e.g. {year})"),
    "whole_year": N_("{dataset} figures cover the whole year: read them as of {date}"),
    "no_year": N_("no {dataset} figures for {year}"),
    "none_before": N_("no {dataset} data on or before {date}"),
    "no_school_year": N_("no {dataset} data for school year {period}"),
    "none_between": N_("no {dataset} data between {start} and {end}"),
    "no_activities": N_("no joint-plan activities in the warehouse"),
    "no_signed": N_("no dual-signed progress updates yet: status cannot be computed"),
    "national": N_("national figure: no {dimension} breakdown"),
    "not_reported": N_("not reported in the source"),
    "no_cases": N_("no cases in the period"),
    "no_sex": N_("no enrolment data for one of the sexes"),
    "zero_denominator": N_("denominator is zero"),
    "complementary": N_("withheld so that a small cell cannot be recovered from the total"),
    "small_base": N_("based on fewer than {threshold} people"),
    "small": N_("fewer than {threshold} people"),
    "official_gap": N_("the imported {dataset} file holds only rows involving {countries}: "
                       "import UNHCR's global table to report on {country}"),
}
#: Words the notes insert ({dataset}, {dimension}), translated with the note.
NOTE_TERMS: dict[str, str] = {
    "population": N_("population"), "asylum": N_("asylum"), "solutions": N_("durable solutions"),
    "resettlement": N_("resettlement"), "education": N_("education"),
    "statelessness": N_("statelessness"), "birth_registration": N_("birth registration"),
    "birth registration": N_("birth registration"), "joint_plan": N_("joint plan"),
    "joint plan": N_("joint plan"), "funding": N_("funding"), "targets": N_("targets"),
    "UNHCR population": N_("UNHCR population"), "unhcr-population": N_("UNHCR population"),
    "UNHCR solutions": N_("UNHCR durable solutions"),
    "unhcr-solutions": N_("UNHCR durable solutions"),
    "UNHCR asylum applications": N_("UNHCR asylum applications"),
    "unhcr-asylum-applications": N_("UNHCR asylum applications"),
    "UNHCR asylum decisions": N_("UNHCR asylum decisions"),
    "unhcr-asylum-decisions": N_("UNHCR asylum decisions"),
    "region": N_("region"), "district": N_("district"), "sex": N_("sex"),
    "age_group": N_("age group"), "origin": N_("country of origin"),
    "destination": N_("destination"), "population_type": N_("population type"),
    "level": N_("level"), "category": N_("category"), "priority": N_("priority"),
    "resolution": N_("resolution"), "area": N_("area"), "lead": N_("lead agency"),
}


def note_text(key: str, **values) -> str:
    """The note `key` of NOTES in the current language, with its values."""
    return _(NOTES[key]).format(**values)


def _note_pattern(template: str) -> re.Pattern:
    parts = re.split(r"\{(\w+)\}", template)
    regex = "".join(re.escape(part) if i % 2 == 0 else f"(?P<{part}>.+?)"
                    for i, part in enumerate(parts))
    return re.compile(f"^{regex}$")


_NOTE_PATTERNS = [(template, _note_pattern(template)) for template in NOTES.values()]


def translate_note(note: str | None) -> str | None:
    """An English engine note (one or several joined with "; ") in the current language."""
    if not note or locales.language() == locales.DEFAULT:
        return note
    return "; ".join(_translate_fragment(part) for part in note.split("; "))


def _translate_fragment(text: str) -> str:
    for template, pattern in _NOTE_PATTERNS:
        match = pattern.match(text)
        if match:
            words = {k: _(NOTE_TERMS[v]) if v in NOTE_TERMS else v
                     for k, v in match.groupdict().items()}
            return _(template).format(**words)
    return text


def localise(results: pl.DataFrame, catalogue: Catalogue = CATALOGUE) -> pl.DataFrame:
    """Engine results computed in English (as the caches keep them: one copy for every
    language) with their text in the current language: `name`, `display` and `note`. The
    numbers and statuses are not touched; in English the frame is returned as it is."""
    if locales.language() == locales.DEFAULT or results.is_empty():
        return results
    rows = results.select("indicator", "value", "unit", "status", "display", "note").iter_rows()
    names, shown, notes = [], [], []
    for code, value, unit, status, display, note in rows:
        names.append(indicator_name(code, catalogue) if code in catalogue.indicators else code)
        if status == SUPPRESSED and display and display.startswith("<"):
            shown.append(display)
        else:
            shown.append(format_value(value, unit, status))
        notes.append(translate_note(note))
    return results.with_columns(pl.Series("name", names, pl.String),
                                pl.Series("display", shown, pl.String),
                                pl.Series("note", notes, pl.String))


# --------------------------------------------------------------------------------------- targets
def _with_targets(cells: pl.DataFrame, frames: Mapping[str, pl.DataFrame], request: Request,
                  indicator: Indicator) -> pl.DataFrame:
    """Baseline, target and achievement on the total row, for calendar-year periods. Targets
    are national: a request filtered to a region (or any other slice) gets none."""
    none = pl.lit(None, pl.Float64)
    targets = frames.get(TARGETS)
    baseline = target = None
    if (targets is not None and request.period.kind == YEAR and not targets.is_empty()
            and not request.filters):
        row = targets.filter(pl.col("indicator") == indicator.code,
                             pl.col("year") == request.period.year)
        if row.height:
            baseline, target = row.get_column("baseline")[0], row.get_column("target")[0]
    if indicator.disclosure == "count" and request.threshold is not None:
        # a target is a count of people too: small ones are not shown
        baseline = None if disclosure.is_small(baseline, request.threshold) else baseline
        target = None if disclosure.is_small(target, request.threshold) else target
    total = pl.all_horizontal(pl.col(d) == TOTAL for d in request.by) if request.by else pl.lit(True)
    achievement = None
    if baseline is not None and target is not None and target != baseline:
        achievement = (pl.col("value") - baseline) / (target - baseline) * 100
    return cells.with_columns(
        pl.when(total).then(pl.lit(baseline, pl.Float64)).otherwise(none).alias("baseline"),
        pl.when(total).then(pl.lit(target, pl.Float64)).otherwise(none).alias("target"),
        (pl.when(total).then(achievement).otherwise(none) if achievement is not None else none)
        .cast(pl.Float64).alias("achievement"),
    )


# ----------------------------------------------------------------------------------- series
def guard_series(results: pl.DataFrame, threshold: int | None,
                 catalogue: Catalogue = CATALOGUE) -> pl.DataFrame:
    """Disclosure control across the periods of a trend (the total rows of one evaluation per
    period, as sparklines and trend charts show them), for an audience with a threshold.

    - A flow (people moving in the period): the periods add up to a total shown elsewhere (the
      months to the year), so a single withheld period could be recovered by subtraction; the
      smallest other period is withheld with it (complementary suppression over time).
    - A stock or cumulative count: the change between two periods is itself a count of people
      (the same rule as the tiles' comparisons, `_guard_differences`). Walking back from the
      latest period (the one a tile shows), a period whose value differs from the next shown
      one by 1 … threshold − 1 is withheld.
    """
    if threshold is None or results.is_empty():
        return results
    parts = []
    for (code,), part in results.group_by("indicator", maintain_order=True):
        indicator = catalogue.indicators.get(code)
        if indicator is None or indicator.disclosure != "count":
            parts.append(part)
            continue
        semantics = catalogue.measures[indicator.numerator].semantics
        part = part.sort("period")
        hide = (_series_flow(part) if semantics == "flow"
                else _series_stock(part, threshold))
        if hide:
            withheld = pl.int_range(pl.len()).is_in(sorted(hide))
            part = part.with_columns(
                pl.when(withheld).then(None).otherwise(pl.col("value")).alias("value"),
                pl.when(withheld).then(pl.lit(SUPPRESSED)).otherwise(pl.col("status"))
                .alias("status"),
                pl.when(withheld).then(pl.lit(_("suppressed"))).otherwise(pl.col("display"))
                .alias("display"))
            part = disclosure.scrub(part, ["value"])
        parts.append(part)
    return pl.concat(parts, how="vertical_relaxed")


def _series_flow(part: pl.DataFrame) -> set[int]:
    statuses, values = part.get_column("status").to_list(), part.get_column("value").to_list()
    withheld = [i for i, status in enumerate(statuses) if status == SUPPRESSED]
    shown = [(values[i], i) for i, status in enumerate(statuses)
             if status == OK and values[i] is not None]
    if len(withheld) != 1 or not shown:
        return set()
    return {min(shown)[1]}


def _series_stock(part: pl.DataFrame, threshold: int) -> set[int]:
    statuses, values = part.get_column("status").to_list(), part.get_column("value").to_list()
    hide, anchor = set(), None
    for i in range(len(values) - 1, -1, -1):
        if statuses[i] != OK or values[i] is None:
            continue
        if anchor is not None and 1 <= abs(values[i] - anchor) < threshold:
            hide.add(i)
            continue
        anchor = values[i]
    return hide
