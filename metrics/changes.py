"""What changed: the largest changes since an earlier period, and where indicators stand against
their targets, written as sentences ("Voluntary repatriation rose from 66 to 1,421.").

Pure Polars and Python over the indicator engine's results (`metrics.engine.evaluate` frames,
total rows, already disclosed for the audience): no storage, no screen.

Which changes may be told (the tiles' comparison rule, `metrics.engine._guard_differences` and
`guard_series`, applied to every comparison made here):

- both values must be shown to the audience (status `ok`): a withheld, missing or not available
  value is never compared, so no sentence can give it away;
- for a count (`disclosure = "count"`) and an audience with a threshold, a difference of
  1 … threshold − 1 is itself a small count of people (the net arrivals, the cases resolved): it
  is not told. The engine applies this to stocks; here it applies to flows too (stricter);
- joint-plan activity counts (unit `activities`) are left to the joint-plan slides.

Ranking: the relative change |after − before| ÷ max(|before|, floor), the floor depending on the
unit (a count going from 2 to 12 is not a "+500 %" headline), and only changes of at least a
minimum size for the unit (10 persons, 1 percentage point, …). Targets: the indicators furthest
short of their target (relative to the target) come first; targets already reached or exceeded
are not ranked by their distance (exceeding one is no shortfall): they follow, said as reached.

Numbers and names are written in the current language (`metrics.engine.format_value`,
`metrics.catalogue.indicator_name`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import polars as pl

from locales import _
from metrics.catalogue import CATALOGUE, Catalogue, indicator_name
from metrics.engine import OK, format_value

#: Below this size of `before`, a change is measured against the floor instead (per unit).
FLOORS: dict[str, float] = {"persons": 50.0, "cases": 20.0, "percent": 10.0, "index": 0.1,
                            "days": 30.0, "usd": 10_000.0}
#: The smallest change worth a sentence (per unit); a smaller one is noise.
MINIMUM: dict[str, float] = {"persons": 10.0, "cases": 5.0, "percent": 1.0, "index": 0.02,
                             "days": 7.0, "usd": 1_000.0}
#: Units never compared here (the joint-plan slides count activities themselves).
SKIPPED_UNITS = frozenset({"activities"})


@dataclass(frozen=True)
class Change:
    """One sentence of "what changed", with what it says."""

    indicator: str
    after: float
    before: float | None = None  # None for a line about a target
    target: float | None = None
    score: float = 0.0  # how large the change (or the distance to the target) is, for ranking
    sentence: str = ""


def may_compare(after: float, before: float, disclosure: str, threshold: int | None) -> bool:
    """Whether the difference between two shown values may be told to an audience with
    `threshold`: for a count, not when it is 1 … threshold − 1 people."""
    if disclosure != "count" or threshold is None:
        return True
    return not 1 <= abs(after - before) < threshold


def _shown(frame: pl.DataFrame) -> dict[str, dict]:
    """indicator -> its row, for the rows with a value the audience may see."""
    return {row["indicator"]: row for row in frame.iter_rows(named=True)
            if row["status"] == OK and row["value"] is not None}


def _subject(code: str, catalogue: Catalogue, labels: Mapping[str, str] | None) -> str:
    if labels and code in labels:
        return labels[code]
    return indicator_name(code, catalogue)


def changes(current: pl.DataFrame, earlier: pl.DataFrame, *, threshold: int | None,
            catalogue: Catalogue = CATALOGUE, labels: Mapping[str, str] | None = None,
            limit: int = 5) -> list[Change]:
    """The `limit` largest changes from `earlier` to `current` (two engine frames of total rows,
    one row per indicator, disclosed for the same audience), largest first."""
    before_rows = _shown(earlier)
    found = []
    for code, row in _shown(current).items():
        indicator = catalogue.indicators.get(code)
        earlier_row = before_rows.get(code)
        if indicator is None or earlier_row is None or indicator.unit in SKIPPED_UNITS:
            continue
        after, before, unit = row["value"], earlier_row["value"], indicator.unit
        difference = abs(after - before)
        if (difference < MINIMUM.get(unit, 0.0) or difference == 0
                or not may_compare(after, before, indicator.disclosure, threshold)):
            continue
        score = difference / max(abs(before), FLOORS.get(unit, 1.0))
        template = _("{subject} rose from {before} to {after}.") if after > before else _(
            "{subject} fell from {before} to {after}.")
        sentence = template.format(subject=_subject(code, catalogue, labels),
                                   before=format_value(before, unit, OK),
                                   after=format_value(after, unit, OK))
        found.append(Change(code, after, before, None, score, sentence))
    return sorted(found, key=lambda change: (-change.score, change.indicator))[:limit]


def against_targets(current: pl.DataFrame, *, catalogue: Catalogue = CATALOGUE,
                    labels: Mapping[str, str] | None = None, limit: int = 3) -> list[Change]:
    """The `limit` indicators furthest short of their target (engine rows with `target`: the
    engine has already withheld the targets an audience may not see), furthest first; then,
    while there is room, the targets reached (score 0, in catalogue order). Only a shortfall
    is scored: a target exceeded by far is not "far from its target"."""
    short, reached_ones = [], []
    for code, row in _shown(current).items():
        indicator = catalogue.indicators.get(code)
        target = row.get("target")
        if indicator is None or target is None or indicator.unit in SKIPPED_UNITS:
            continue
        value, unit = row["value"], indicator.unit
        reached = ((indicator.direction == "higher" and value >= target)
                   or (indicator.direction == "lower" and value <= target))
        template = (_("{subject}: {value}, target {target} reached.") if reached
                    else _("{subject}: {value}, target {target}."))
        sentence = template.format(subject=_subject(code, catalogue, labels),
                                   value=format_value(value, unit, OK),
                                   target=format_value(target, unit, OK))
        if reached:
            reached_ones.append(Change(code, value, None, target, 0.0, sentence))
            continue
        score = abs(target - value) / max(abs(target), FLOORS.get(unit, 1.0))
        short.append(Change(code, value, None, target, score, sentence))
    order = list(catalogue.indicators)
    return [*sorted(short, key=lambda change: (-change.score, change.indicator)),
            *sorted(reached_ones, key=lambda change: order.index(change.indicator))][:limit]


def what_changed(current: pl.DataFrame, earlier: pl.DataFrame, *, threshold: int | None,
                 catalogue: Catalogue = CATALOGUE, labels: Mapping[str, str] | None = None,
                 limit: int = 5, targets: int = 3) -> list[Change]:
    """A "what changed" panel: the `limit` largest changes, then the `targets` indicators
    furthest short of their target, then targets reached (each `Change` has its `sentence`)."""
    return [*changes(current, earlier, threshold=threshold, catalogue=catalogue, labels=labels,
                     limit=limit),
            *against_targets(current, catalogue=catalogue, labels=labels, limit=targets)]


def previous_column(current: pl.DataFrame) -> pl.DataFrame:
    """The engine's `previous` comparison of `current` as a frame of its own (the shape
    `changes` compares with): the earlier values as the engine disclosed them with the tiles."""
    return current.select(
        "indicator", pl.col("previous").alias("value"),
        pl.when(pl.col("previous").is_not_null()).then(pl.lit(OK)).otherwise(pl.lit("no_data"))
        .alias("status"))

