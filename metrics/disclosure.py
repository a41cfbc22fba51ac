"""Disclosure control (DOMAIN §7): small counts are hidden from the `donor` and `unicef` audiences.

Pure Polars, no screen and no storage: the engine marks cells, every surface (table, chart, hover
label, metric tile, download, exported brief) renders the marks the same way.

- A **count** between 1 and threshold − 1 is suppressed (*primary*). Where a single suppressed cell
  could be recovered from its row or column total, the next smallest cell of that row or column is
  suppressed too (*complementary*). See `suppress_counts` for the exact algorithm.
- A **rate** (or a median) whose denominator (number of cases) is between 1 and threshold − 1 is not
  shown (*small_base*); see `suppress_rates` (the engine also withholds a rate whose numerator or
  its complement is small).
- Nothing is rounded or perturbed: every value that is shown is the true value, totals included.
  The functions only add a `suppression` column (null = publish, else the reason); they never change
  a value. The engine blanks marked values and `scrub`s them out of the column's buffers.
- `unhcr` and `admin` see exact counts: their threshold is None (no disclosure control).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping, Sequence
from typing import Any

import polars as pl

DEFAULT_THRESHOLD = 5
DEFAULT_THRESHOLDS: dict[str, int | None] = {"donor": 5, "unicef": 5, "unhcr": None, "admin": None}
TOTAL = "Total"  # the label of a margin in a dimension column

PRIMARY = "primary"  # the cell itself is small
COMPLEMENTARY = "complementary"  # hidden so that a primary cell cannot be recovered from a total
SMALL_BASE = "small_base"  # a rate or median computed from too few cases

SUPPRESSION = "suppression"  # the column the functions add


# ---- thresholds -----------------------------------------------------------------------------
def threshold_for(audience: str, thresholds: Mapping[str, int | None] | None = None) -> int | None:
    """The disclosure threshold of an audience (role code), None = exact counts.

    `thresholds` overrides `DEFAULT_THRESHOLDS` audience by audience (settings need only list the
    audiences they change). Unknown audiences get the DEFAULT_THRESHOLD (fail safe).
    """
    merged: dict[str, int | None] = {**DEFAULT_THRESHOLDS, **(thresholds or {})}
    if audience in merged:
        return merged[audience]
    return DEFAULT_THRESHOLD


def is_small(value: Any, threshold: int | None) -> bool:
    """True when 1 <= value < threshold. None (no data) and 0 are not small; threshold None -> False."""
    if value is None or threshold is None:
        return False
    return 1 <= value < threshold


# ---- counts ---------------------------------------------------------------------------------
def suppress_counts(
    table: pl.DataFrame, dims: Sequence[str], threshold: int | None, *, value: str = "value"
) -> pl.DataFrame:
    """Return `table` with a Utf8 column `suppression`: null, "primary" or "complementary".

    `table` is a full grid of counts (see `with_margins`): every combination of each dim's values,
    plus the margin rows where one or more dims equal TOTAL (the grand total has every dim == TOTAL).
    Values may be null (no data): a null cell is never suppressed and never chosen as a complement.
    With `dims == []` the table is one national figure: only the primary rule applies.
    The input row order is kept and `value` is never changed.

    Algorithm
    1. Primary: every cell (margins and the grand total included) with 1 <= value < threshold.
    2. Groups: for each dim d and each combination of the other dims' values (TOTAL included), the
       group is the cells whose d != TOTAL (its *members*) plus the cell whose d == TOTAL (its
       *total*). When the group's total is published (not suppressed, not null) and exactly one
       member is suppressed, that member could be recovered (total − the others), so one more member
       is suppressed: the smallest unsuppressed non-null member with value > 0; failing that the
       smallest with value <= 0; ties are broken by the dims' values, so the result does not depend
       on the row order. When no member is left to choose (a one-member group), the group's total is
       suppressed instead (it equals the member). These cells are marked "complementary".
    3. Step 2 is repeated (a work list of groups: each new suppression re-queues the groups of the
       cell it hit, since it may leave another row or column with a single suppression) until no
       group changes. Every change suppresses one more cell, so it terminates.

    Afterwards no group whose total is published has exactly one suppressed member. This is the
    usual "never one alone in a line" rule; it is not a guarantee against every linear or interval
    attack across several lines (e.g. a suppressed cell that is the only link between two otherwise
    separate patterns).

    Fail-safe details: a group whose total row is missing from `table` is treated as if its total
    were published (it may be shown elsewhere, e.g. a metric tile); marks already present in a
    `suppression` column are kept (a cell hidden before is never published) and take part in
    step 2. With `threshold` None nothing is added (existing marks are kept as they are).
    """
    dims = list(dims)
    _require_columns(table, [*dims, value])
    n = table.height
    reasons: list[str | None] = (
        table[SUPPRESSION].cast(pl.Utf8).to_list() if SUPPRESSION in table.columns else [None] * n
    )
    if threshold is None:
        return table.with_columns(pl.Series(SUPPRESSION, reasons, dtype=pl.Utf8))

    values = table[value].to_list()
    for i, v in enumerate(values):
        if reasons[i] is None and is_small(v, threshold):
            reasons[i] = PRIMARY
    if dims:
        _complementary(_keys(table, dims), values, reasons)
    return table.with_columns(pl.Series(SUPPRESSION, reasons, dtype=pl.Utf8))


class _Group:
    __slots__ = ("members", "total")

    def __init__(self) -> None:
        self.members: list[int] = []
        self.total: int | None = None


def _keys(table: pl.DataFrame, dims: list[str]) -> list[tuple]:
    keys = list(table.select(dims).iter_rows())
    if len(set(keys)) != len(keys):
        raise ValueError(f"suppress_counts: the table has more than one row per combination of {dims}")
    return keys


def _sort_key(key: tuple) -> tuple:
    return tuple((part is None, str(part)) for part in key)


def _complementary(keys: list[tuple], values: list, reasons: list[str | None]) -> None:
    """Steps 2 and 3 of `suppress_counts`, in place on `reasons`."""
    order = sorted(range(len(keys)), key=lambda i: _sort_key(keys[i]))  # row order never matters
    rank = {i: r for r, i in enumerate(order)}
    group_ids: dict[tuple, int] = {}
    groups: list[_Group] = []
    groups_of: list[list[int]] = [[] for _ in keys]
    for i in order:
        key = keys[i]
        for d in range(len(key)):
            gkey = (d, key[:d] + key[d + 1:])
            gid = group_ids.get(gkey)
            if gid is None:
                gid = group_ids[gkey] = len(groups)
                groups.append(_Group())
            if key[d] == TOTAL:
                groups[gid].total = i
            else:
                groups[gid].members.append(i)
            groups_of[i].append(gid)

    def settle(group: _Group) -> int | None:
        """The cell to suppress so that this group does not give a cell away, or None."""
        if sum(reasons[i] is not None for i in group.members) != 1:
            return None
        total = group.total
        if total is not None and (reasons[total] is not None or values[total] is None):
            return None  # the total is not published: nothing to subtract from
        candidates = [i for i in group.members if reasons[i] is None and values[i] is not None]
        if candidates:
            return min(candidates, key=lambda i: (not values[i] > 0, values[i], rank[i]))
        return total  # a one-member group: its total equals the member (None if no total row)

    queue = deque(range(len(groups)))
    queued = [True] * len(groups)
    while queue:
        gid = queue.popleft()
        queued[gid] = False
        cell = settle(groups[gid])
        if cell is None:
            continue
        reasons[cell] = COMPLEMENTARY
        for other in groups_of[cell]:
            if not queued[other]:
                queued[other] = True
                queue.append(other)


# ---- rates ----------------------------------------------------------------------------------
def suppress_rates(table: pl.DataFrame, threshold: int | None, *, base: str = "base") -> pl.DataFrame:
    """Add or update `suppression` = "small_base" where 1 <= base < threshold.

    `base` is the rate's denominator, or the number of cases behind a median. A base of 0 or null
    is left alone (the engine reports "not available", never a suppressed or zero rate). Rows already
    suppressed keep their reason. Threshold None adds nothing.
    """
    _require_columns(table, [base])
    current = pl.col(SUPPRESSION).cast(pl.Utf8) if SUPPRESSION in table.columns else pl.lit(None, pl.Utf8)
    if threshold is None:
        return table.with_columns(current.alias(SUPPRESSION))
    small = (pl.col(base) >= 1) & (pl.col(base) < threshold)
    return table.with_columns(
        pl.when(current.is_null() & small.fill_null(False))
        .then(pl.lit(SMALL_BASE, pl.Utf8))
        .otherwise(current)
        .alias(SUPPRESSION)
    )


def _require_columns(table: pl.DataFrame, columns: Sequence[str]) -> None:
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise ValueError(f"missing columns: {missing}")


def scrub(frame: pl.DataFrame, columns: Sequence[str] | None = None) -> pl.DataFrame:
    """`frame` with `columns` (default: all but lists) rebuilt from their visible values.

    Withholding a value with `when(mask).then(None)` leaves its bytes in the column's buffer
    behind the null, and Arrow serialisation (tables in the browser, IPC, caches) ships whole
    buffers: the value would travel, unseen but readable. A rebuilt column holds only what is
    shown. Call it wherever values are withheld."""
    names = [c for c in (columns or frame.columns)
             if not isinstance(frame.schema[c], pl.List | pl.Struct)]
    return frame.with_columns(pl.Series(c, frame.get_column(c).to_list(), frame.schema[c])
                              for c in names)
