"""UNDAF / UNSDCF review (DOMAIN §6): the Cooperation Framework's outcomes with the indicators
linked to them, baseline, target, latest actual, achievement and a rating.

Pure Polars (no screen, no storage): the framework and target rows come from
`data_access.review`, the actuals from the indicator engine (`cache.indicator_series`, national,
one calendar year per period, with the audience's disclosure control — the same path as every
page), and this module combines them.

Which framework. The review reads the framework in force in the reporting year: the current
framework rows sharing one period (`start_year`–`end_year`) that covers the year; when two loaded
frameworks cover it, the one imported last; when none does, the last one that ended before the
year (or else the first one that starts after it), with a note. The demo's EXAMPLE framework (and
the targets linked to it) is set aside as soon as the office has loaded a framework of its own;
the example targets also as soon as it has loaded targets of its own.

Which target. The targets whose year lies in the framework's period, per outcome and indicator
(a target citing an output counts for the output's outcome; one citing no outcome of the
framework is listed under "not linked"). Of an indicator's yearly targets the review uses the
reporting year's; without one, the next later year's (typically the end-of-framework target);
after the last target year, the last one.

Baseline. The baseline given with that target, else the earliest one given for the indicator;
without any, the indicator's own value in the year before the framework starts (the baseline
year), computed by the engine; else there is no baseline, and the table says so.

Latest actual. The indicator's value in the reporting year, else in the latest earlier year of
the framework period with a value (its year is shown). A value withheld by disclosure control
(`<5`) is the latest actual as well: it is not replaced by an older one. The year shown is the
data's own: a stock the engine carries forward into a year without a snapshot of its own (the
current year) is labelled with the year of its `as_of`, with a note ("latest data as of …").
An indicator no longer in the catalogue is listed with the note "indicator not in the
catalogue" and *no data*.

Achievement = (actual − baseline) ÷ (target − baseline), in per cent: 0 % at the baseline,
100 % at the target, above 100 % beyond it, below 0 % when the indicator moved away from the
target. It works the same for targets below the baseline (a reduction).

Rating, in this order:
1. *not shown* — the actual, the baseline or the target is withheld from this audience by
   disclosure control (or the indicator is not shared with it): no achievement is computed;
2. *no data* — the actual, the baseline or the target is missing;
3. target equal to the baseline (keep the level): *achieved* when the actual is at the target or
   beyond it in the indicator's good direction (higher or lower; exactly at it for a neutral
   one), *off track* otherwise; no achievement percentage;
4. *achieved* — achievement ≥ 100 %;
5. *off track* — achievement < 0 % (moving away from the target: worse than the baseline);
6. *on track* — achievement ≥ expected − 10 points, where *expected* is the share of the way
   from the baseline year (the year before the framework starts) to the target year elapsed in
   the actual's year (100 % when the target is that year's own); 10 points is the tolerance of
   the Joint Plan's status rule (DOMAIN §5);
7. *at risk* — otherwise (moving towards the target, but more than 10 points behind).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

import polars as pl

from locales import N_, _, ngettext, number
from locales import date as format_date
from metrics import disclosure
from metrics.catalogue import CATALOGUE, Catalogue
from metrics.engine import OK, SUPPRESSED, format_value

ACHIEVED, ON_TRACK, AT_RISK, OFF_TRACK = "achieved", "on_track", "at_risk", "off_track"
NO_DATA, NOT_SHOWN = "no_data", "not_shown"
RATINGS = (ACHIEVED, ON_TRACK, AT_RISK, OFF_TRACK, NO_DATA, NOT_SHOWN)
#: How the ratings read (translated where shown: `rating_label`).
RATING_LABELS = {
    ACHIEVED: N_("Achieved"), ON_TRACK: N_("On track"), AT_RISK: N_("At risk"),
    OFF_TRACK: N_("Off track"), NO_DATA: N_("No data"), NOT_SHOWN: N_("Not shown"),
}
#: A marker of a distinct shape and colour beside the word: never colour alone.
RATING_MARKERS = {
    ACHIEVED: "✅", ON_TRACK: "🟢", AT_RISK: "🟠", OFF_TRACK: "🔴", NO_DATA: "⚪", NOT_SHOWN: "🔒",
}
#: Chart colours (Okabe–Ito: green, UNHCR blue, orange, vermilion; grey for the others).
RATING_COLOURS = {
    ACHIEVED: "#009E73", ON_TRACK: "#0072BC", AT_RISK: "#E69F00", OFF_TRACK: "#D55E00",
    NO_DATA: "#8C8C8C", NOT_SHOWN: "#8C8C8C",
}
#: Points an indicator may be behind the expected achievement and still be on track.
TOLERANCE = 10.0

#: How a figure (baseline, target, actual) stands for the audience.
SHOWN, WITHHELD, MISSING = "shown", "withheld", "missing"
#: Where a baseline comes from.
FROM_TARGETS, FROM_DATA = "targets", "data"
#: The group of targets citing no outcome of the framework.
UNLINKED = ""

TABLE_SCHEMA: dict[str, pl.DataType] = {
    "outcome": pl.String, "outcome_title": pl.String, "link": pl.String,
    "indicator": pl.String, "name": pl.String, "unit": pl.String,
    "baseline": pl.Float64, "baseline_year": pl.Int64, "baseline_source": pl.String,
    "baseline_status": pl.String, "baseline_display": pl.String,
    "target": pl.Float64, "target_year": pl.Int64, "target_status": pl.String,
    "target_display": pl.String,
    "actual": pl.Float64, "actual_year": pl.Int64, "actual_status": pl.String,
    "actual_display": pl.String,
    "expected": pl.Float64, "achievement": pl.Float64, "rating": pl.String, "note": pl.String,
}


def rating_label(rating: str) -> str:
    """'On track' in the current language."""
    return _(RATING_LABELS[rating])


def rating_text(rating: str) -> str:
    """The marker and the word: '🟢 On track'."""
    return f"{RATING_MARKERS[rating]} {rating_label(rating)}"


# ------------------------------------------------------------------------------ the rule
def achievement(actual: float, baseline: float, target: float) -> float | None:
    """(actual − baseline) ÷ (target − baseline) in per cent; None when target == baseline."""
    if target == baseline:
        return None
    return (actual - baseline) / (target - baseline) * 100


def expected_share(actual_year: int, baseline_year: int, target_year: int) -> float:
    """The share (per cent, 0–100) of the way from the baseline year to the target year elapsed
    in `actual_year`; 100 when the target year is not after the baseline year."""
    if target_year <= baseline_year:
        return 100.0
    share = (actual_year - baseline_year) / (target_year - baseline_year)
    return 100.0 * min(1.0, max(0.0, share))


def rate(*, actual: float | None, baseline: float | None, target: float | None,
         expected: float | None, direction: str = "higher",
         statuses: Sequence[str] = ()) -> str:
    """The rating of one indicator (the rule of the module docstring). `statuses` are the
    SHOWN / WITHHELD / MISSING states of actual, baseline and target."""
    if WITHHELD in statuses:
        return NOT_SHOWN
    if MISSING in statuses or actual is None or baseline is None or target is None:
        return NO_DATA
    if target == baseline:
        if direction == "higher":
            kept = actual >= target
        elif direction == "lower":
            kept = actual <= target
        else:
            kept = abs(actual - target) < 1e-9
        return ACHIEVED if kept else OFF_TRACK
    share = achievement(actual, baseline, target)
    assert share is not None
    if share >= 100:
        return ACHIEVED
    if share < 0:
        return OFF_TRACK
    if share >= (expected if expected is not None else 100.0) - TOLERANCE:
        return ON_TRACK
    return AT_RISK


# ------------------------------------------------------------------------------ inputs
def disclose_targets(targets: pl.DataFrame, audience: str,
                     thresholds: Mapping[str, int | None] | None = None,
                     catalogue: Catalogue = CATALOGUE) -> pl.DataFrame:
    """The targets as `audience` may see them, with `shared` (the indicator is the audience's)
    and `baseline_status`, `target_status` (SHOWN, WITHHELD, MISSING). An indicator not shared
    with the audience has both withheld; a count indicator's baseline or target between 1 and
    threshold − 1 is withheld (a target is a count of people too, as in the engine). Withheld
    values are rebuilt out of their columns."""
    threshold = disclosure.threshold_for(audience, thresholds)
    visible = {i.code for i in catalogue.for_audience(audience)}
    counts = {code for code, i in catalogue.indicators.items() if i.disclosure == "count"}
    shared = pl.col("indicator").is_in(sorted(visible))
    out = targets.with_columns(shared.alias("shared"))
    for column in ("baseline", "target"):
        value = pl.col(column)
        small = (pl.col("indicator").is_in(sorted(counts)) & value.is_not_null()
                 & (value >= 1) & (value < threshold)) if threshold is not None else pl.lit(False)
        withheld = ~shared | small
        out = out.with_columns(
            pl.when(value.is_null()).then(pl.lit(MISSING))
            .when(withheld).then(pl.lit(WITHHELD)).otherwise(pl.lit(SHOWN))
            .alias(f"{column}_status"),
            pl.when(withheld).then(None).otherwise(value).alias(column),
        )
    return disclosure.scrub(out, ["baseline", "target"])


@dataclass(frozen=True)
class Framework:
    """The framework a review reads: its period, outcomes and outputs, and where they came from."""

    start_year: int
    end_year: int
    rows: pl.DataFrame  # code, level, parent, title, … batch_id, imported_at, file_name, example
    example: bool  # the demo's EXAMPLE framework
    covers: bool  # whether the period covers the reporting year

    @property
    def baseline_year(self) -> int:
        return self.start_year - 1

    @property
    def outcomes(self) -> pl.DataFrame:
        return self.rows.filter(pl.col("level") == "outcome")

    def batch(self) -> dict | None:
        """The latest import behind the framework: batch_id, imported_at, file_name."""
        return latest_batch(self.rows)


def latest_batch(rows: pl.DataFrame) -> dict | None:
    """The latest import batch of `rows` (batch_id, imported_at, file_name, user_name), or None."""
    if rows.is_empty():
        return None
    return rows.sort("batch_id").select("batch_id", "imported_at", "file_name",
                                        "user_name").row(-1, named=True)


def choose_framework(framework: pl.DataFrame, year: int) -> Framework | None:
    """The framework in force in `year` (the module docstring says how it is chosen)."""
    if framework.is_empty():
        return None
    own = framework.filter(~pl.col("example"))
    rows = own if not own.is_empty() else framework
    periods = (rows.group_by("start_year", "end_year")
               .agg(pl.col("batch_id").max().alias("last_batch"))
               .sort("start_year", "end_year"))
    covering = periods.filter(pl.col("start_year") <= year, pl.col("end_year") >= year)
    ended = periods.filter(pl.col("end_year") < year)
    if not covering.is_empty():
        chosen = covering.sort("last_batch", "start_year").row(-1, named=True)
    elif not ended.is_empty():
        chosen = ended.sort("end_year", "last_batch").row(-1, named=True)
    else:
        chosen = periods.sort("start_year", "last_batch", descending=[False, True]).row(
            0, named=True)
    start, end = chosen["start_year"], chosen["end_year"]
    cycle = rows.filter(pl.col("start_year") == start, pl.col("end_year") == end)
    return Framework(start, end, cycle, example=bool(cycle.get_column("example").all()),
                     covers=start <= year <= end)


def framework_targets(framework: Framework, targets: pl.DataFrame) -> pl.DataFrame:
    """The targets of the framework's period, with `outcome` (an output's targets count for its
    outcome; UNLINKED for none of the framework's) and `link` (the code cited). The demo's
    example targets go with the example framework, and only while the office has loaded no
    targets of its own (the rule `data_access.review.engine_targets` applies to the engine)."""
    if targets.is_empty():
        return targets.with_columns(pl.lit(None, pl.String).alias("outcome"),
                                    pl.lit(None, pl.String).alias("link"))
    own = targets.filter(~pl.col("example"))
    rows = targets if framework.example and own.is_empty() else own
    rows = rows.filter(pl.col("year").is_between(framework.start_year, framework.end_year))
    codes = framework.rows
    outcomes = set(codes.filter(pl.col("level") == "outcome").get_column("code").to_list())
    parents = {code: parent for code, parent in codes.filter(pl.col("level") == "output")
               .select("code", "parent").iter_rows()}
    owner = {code: code for code in outcomes}
    owner.update({code: parent if parent in outcomes else code
                  for code, parent in parents.items()})
    return rows.with_columns(
        pl.col("undaf_outcome").replace_strict(owner, default=UNLINKED, return_dtype=pl.String)
        .fill_null(UNLINKED).alias("outcome"),
        pl.col("undaf_outcome").alias("link"),
    )


def review_years(framework: Framework, year: int) -> list[int]:
    """The calendar years whose values a review needs: from the baseline year to the reporting
    year (the baseline year alone when the reporting year is before it)."""
    return list(range(framework.baseline_year, max(year, framework.baseline_year) + 1))


def indicator_codes(framework: Framework, targets: pl.DataFrame, audience: str,
                    catalogue: Catalogue = CATALOGUE) -> list[str]:
    """The indicators of the review the audience may see (those whose actuals are needed)."""
    visible = {i.code for i in catalogue.for_audience(audience)}
    codes = framework_targets(framework, targets).get_column("indicator").unique(
        maintain_order=True).to_list()
    return [code for code in codes if code in visible]


# ------------------------------------------------------------------------------ the review
def review_table(framework: Framework, targets: pl.DataFrame, actuals: pl.DataFrame, year: int,
                 *, threshold: int | None = None, catalogue: Catalogue = CATALOGUE
                 ) -> pl.DataFrame:
    """One row per outcome and indicator (TABLE_SCHEMA), outcomes in the framework's order, the
    targets citing none of them last.

    `targets` are `disclose_targets`' output; `actuals` the engine's national results for the
    years of `review_years` (columns indicator, period, value, status, display; one row per
    indicator and year). `threshold` is the audience's (for the `<5` of a withheld target)."""
    linked = framework_targets(framework, targets)
    values = _values_by_year(actuals)
    titles = dict(framework.outcomes.select("code", "title").iter_rows())
    order = [*titles, *sorted({o for o in linked.get_column("outcome").to_list()
                               if o not in titles and o != UNLINKED}), UNLINKED]
    rows = []
    for outcome in order:
        part = linked.filter(pl.col("outcome") == outcome)
        for code in part.get_column("indicator").unique(maintain_order=True).to_list():
            rows.append(_one(framework, part.filter(pl.col("indicator") == code).sort("year"),
                             values.get(code, {}), year, threshold, catalogue,
                             outcome, titles.get(outcome)))
    return pl.DataFrame(rows, schema=TABLE_SCHEMA) if rows else pl.DataFrame(schema=TABLE_SCHEMA)


def _values_by_year(actuals: pl.DataFrame) -> dict[str, dict[int, dict]]:
    out: dict[str, dict[int, dict]] = {}
    for row in actuals.iter_rows(named=True):
        period = str(row["period"])
        if period.isdigit():
            out.setdefault(row["indicator"], {})[int(period)] = row
    return out


def _chosen_target(rows: pl.DataFrame, year: int) -> dict:
    """The reporting year's target; else the next later one; else the last one."""
    later = rows.filter(pl.col("year") >= year)
    return (later.row(0, named=True) if not later.is_empty() else rows.row(-1, named=True))


def _one(framework: Framework, rows: pl.DataFrame, values: Mapping[int, dict], year: int,
         threshold: int | None, catalogue: Catalogue, outcome: str, title: str | None) -> dict:
    code = rows.get_column("indicator")[0]
    indicator = catalogue.indicators.get(code)
    shared = indicator is not None and (
        "shared" not in rows.columns or bool(rows.get_column("shared").all()))
    unit = indicator.unit if indicator else ""
    chosen = _chosen_target(rows, year)
    target, target_status = chosen["target"], chosen["target_status"]
    notes: list[str] = []
    target_display = None
    if indicator is None:  # a code the catalogue does not know (any more): nothing to compute
        notes.append(_("indicator not in the catalogue"))
        baseline, baseline_status, baseline_year, source = None, MISSING, None, None
        actual, actual_status, actual_year = None, MISSING, None
        target, target_status = None, MISSING
        baseline_display = actual_display = target_display = "—"
    elif not shared:
        notes.append(_("not shared with this audience"))
        baseline, baseline_status, baseline_year, source = None, WITHHELD, None, None
        actual, actual_status, actual_year = None, WITHHELD, None
        baseline_display = actual_display = target_display = _("not shared")
    else:
        (baseline, baseline_status, baseline_year, source, baseline_display) = _baseline(
            framework, rows, chosen, values, unit, threshold, notes)
        actual, actual_status, actual_year, actual_display, as_of = _latest_actual(
            framework, values, year, unit, threshold)
        if actual_status == MISSING:
            notes.append(_("no value since the framework began"))
        elif as_of is not None:  # carried forward: the latest data are of an earlier year
            notes.append(_("latest data as of {date}").format(date=format_date(as_of)))
        elif actual_year is not None and actual_year < year:
            notes.append(_("latest value: {year}").format(year=actual_year))
        if WITHHELD in (actual_status, baseline_status, target_status):
            notes.append(_("withheld to protect small numbers"))

    statuses = (actual_status, baseline_status, target_status)
    expected = share = None
    if actual_year is not None:
        expected = expected_share(actual_year, framework.baseline_year, chosen["year"])
    if SHOWN == actual_status == baseline_status == target_status:
        share = achievement(actual, baseline, target)
        if share is None:
            notes.append(_("the target is to keep the baseline level"))
    rating = rate(actual=actual, baseline=baseline, target=target, expected=expected,
                  direction=indicator.direction if indicator else "higher", statuses=statuses)
    return {
        "outcome": outcome, "outcome_title": title, "link": chosen["link"],
        "indicator": code, "name": _(indicator.name) if indicator else code, "unit": unit,
        "baseline": baseline, "baseline_year": baseline_year, "baseline_source": source,
        "baseline_status": baseline_status, "baseline_display": baseline_display,
        "target": target, "target_year": chosen["year"] if shared else None,
        "target_status": target_status,
        "target_display": target_display or _figure(target, unit, target_status, threshold),
        "actual": actual, "actual_year": actual_year, "actual_status": actual_status,
        "actual_display": actual_display,
        "expected": expected, "achievement": share, "rating": rating,
        "note": "; ".join(notes) or None,
    }


def _baseline(framework: Framework, rows: pl.DataFrame, chosen: Mapping,
              values: Mapping[int, dict], unit: str, threshold: int | None, notes: list[str]
              ) -> tuple[float | None, str, int | None, str | None, str]:
    """(value, status, year, source, display): given with the chosen target, else the earliest
    given for the indicator, else the indicator's value in the baseline year."""
    given = rows.filter(pl.col("baseline_status") != MISSING)
    first = chosen if chosen["baseline_status"] != MISSING else (
        given.row(0, named=True) if not given.is_empty() else None)
    if first is not None:
        status = first["baseline_status"]
        return (first["baseline"], status, None, FROM_TARGETS,
                _figure(first["baseline"], unit, status, threshold))
    year = framework.baseline_year
    known = values.get(year)
    if known is not None and known["status"] == OK and known["value"] is not None:
        notes.append(_("baseline: the value in {year} (none given with the targets)")
                     .format(year=year))
        return known["value"], SHOWN, year, FROM_DATA, _figure(known["value"], unit, SHOWN,
                                                               threshold)
    if known is not None and known["status"] == SUPPRESSED:
        return None, WITHHELD, year, FROM_DATA, _withheld(known["display"])
    notes.append(_("no baseline: none given with the targets and no value for {year}")
                 .format(year=year))
    return None, MISSING, None, None, "—"


def _latest_actual(framework: Framework, values: Mapping[int, dict], year: int, unit: str,
                   threshold: int | None
                   ) -> tuple[float | None, str, int | None, str, date | None]:
    """(value, status, year, display, carried): the reporting year's value, else the latest
    earlier one of the framework period; a withheld value counts (it is not replaced by an
    older one).

    The year is the data's own: a stock read in a year without a snapshot of its own (the
    current year, before its first snapshot) is the engine's latest earlier one, carried forward
    with its `as_of` — that value is the as-of year's, and `carried` is its date (else None). A
    value carried from before the framework began is no actual of the framework."""
    for candidate in range(year, framework.start_year - 1, -1):
        found = values.get(candidate)
        if found is None or found["status"] not in (OK, SUPPRESSED):
            continue
        if found["status"] == OK and found["value"] is None:
            continue
        as_of = found.get("as_of")
        carried = as_of if isinstance(as_of, date) and as_of.year < candidate else None
        actual_year = carried.year if carried is not None else candidate
        if actual_year < framework.start_year:
            continue
        if found["status"] == OK:
            return (found["value"], SHOWN, actual_year,
                    _figure(found["value"], unit, SHOWN, threshold), carried)
        return None, WITHHELD, actual_year, _withheld(found["display"]), carried
    return None, MISSING, None, "—", None


def _withheld(engine_display: str | None) -> str:
    """The engine's own mark of a withheld value ('<5'), else 'withheld'."""
    text = engine_display or ""
    return text if text.startswith("<") else _("withheld")


def _figure(value: float | None, unit: str, status: str, threshold: int | None) -> str:
    """A baseline, target or actual as the current language writes it."""
    if status == WITHHELD:
        return f"<{threshold}" if threshold else _("withheld")
    if status == MISSING or value is None:
        return "—"
    return format_value(value, unit, OK)  # as every page writes a value of that unit


# ------------------------------------------------------------------------------ summaries
def outcome_summary(table: pl.DataFrame) -> list[dict]:
    """Per outcome (table order): indicators, achieved or on track, and a count per rating."""
    out = []
    for outcome in table.get_column("outcome").unique(maintain_order=True).to_list():
        part = table.filter(pl.col("outcome") == outcome)
        ratings = part.get_column("rating").to_list()
        counts = {rating: ratings.count(rating) for rating in RATINGS}
        out.append({"outcome": outcome, "outcome_title": part.get_column("outcome_title")[0],
                    "indicators": part.height,
                    "on_track": counts[ACHIEVED] + counts[ON_TRACK], "counts": counts})
    return out


def summary_text(summary: Mapping) -> str:
    """'3 of 5 indicators achieved or on track (1 achieved, 2 on track, 2 at risk).'"""
    total = summary["indicators"]
    head = ngettext("{done} of {total} indicator achieved or on track",
                    "{done} of {total} indicators achieved or on track", total).format(
        done=number(summary["on_track"]), total=number(total))
    parts = [f"{number(n)} {rating_label(rating).lower()}"
             for rating, n in summary["counts"].items() if n]
    return f"{head} ({', '.join(parts)})." if parts else f"{head}."


def loaded_text(batch: Mapping | None) -> str | None:
    """'loaded on 24 Nov 2026 from batch 12 (framework.xlsx)'."""
    if batch is None:
        return None
    moment = batch["imported_at"]
    day = format_date(moment.date() if isinstance(moment, datetime) else moment)
    return _("loaded on {date} from batch {batch} ({file})").format(
        date=day, batch=batch["batch_id"], file=batch["file_name"])


def download_frame(table: pl.DataFrame) -> pl.DataFrame:
    """The review as a file: codes and names, values (empty where withheld) beside the texts
    the screen shows, the rating as a code and in words."""
    return table.select(
        "outcome", "outcome_title", "link", "indicator", "name", "unit",
        "baseline", "baseline_display", "baseline_year", "target", "target_display",
        "target_year", "actual", "actual_display", "actual_year",
        pl.col("expected").round(1).alias("expected_pct"),
        pl.col("achievement").round(1).alias("achievement_pct"), "rating",
        pl.col("rating").replace_strict({r: rating_label(r) for r in RATINGS},
                                        return_dtype=pl.String).alias("rating_label"),
        "note")
