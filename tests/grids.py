"""Grid builders for the disclosure tests: detail cells -> the full table with its margins.

The engine builds its own grids (with batches and medians, `metrics/engine.py` `_grid`); these
build the plain count tables the property tests hand to `metrics.disclosure.suppress_counts`,
and render them the way a surface publishes them.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import polars as pl

from metrics.disclosure import SUPPRESSION, TOTAL


def mask_suppressed(table: pl.DataFrame, columns: Sequence[str]) -> pl.DataFrame:
    """`columns` set to null where `suppression` is not null: the numbers a surface may publish."""
    if SUPPRESSION not in table.columns:
        return table
    hidden = pl.col(SUPPRESSION).is_not_null()
    return table.with_columns(
        pl.when(hidden).then(None).otherwise(pl.col(c)).alias(c) for c in columns
    )


def with_margins(detail: pl.DataFrame, dims: Sequence[str], measures: Sequence[str]) -> pl.DataFrame:
    """The full grid with every margin, from detail rows.

    `detail` has one row per combination of `dims` (several rows for one combination are summed),
    no TOTAL and no null among the dims' values; missing combinations are allowed. The result is the
    cartesian product of each dim's observed values, missing combinations filled with 0, plus every
    margin (each non-empty subset of dims set to TOTAL) with the measures summed; a sum over nulls
    only stays null. Dims are cast to Utf8 (so TOTAL fits). Rows are sorted by the dims, each in
    the natural order of its original type (numbers numerically, Enum in its category order), with
    TOTAL last. Columns: dims, then measures. With `dims == []` the result is the one-row total.
    """
    dims, measures = list(dims), list(measures)
    missing = [c for c in (*dims, *measures) if c not in detail.columns]
    if missing:
        raise ValueError(f"missing columns: {missing}")
    if len(set(dims)) != len(dims) or set(dims) & set(measures):
        raise ValueError("with_margins: dims and measures must be distinct columns")

    def summed(frame: pl.DataFrame | pl.LazyFrame, by: list[str]):
        aggs = [
            pl.when(pl.col(m).is_null().all()).then(None).otherwise(pl.col(m).sum()).alias(m)
            for m in measures
        ]
        return frame.group_by(by, maintain_order=True).agg(aggs) if by else frame.select(aggs)

    if not dims:
        return summed(detail, [])

    order: dict[str, dict[str, int]] = {}
    for d in dims:
        column = detail[d]
        if column.null_count():
            raise ValueError(f"with_margins: {d!r} has null values; give them a code first")
        observed = column.unique().sort().cast(pl.Utf8).to_list()
        if TOTAL in observed:
            raise ValueError(f"with_margins: {d!r} already holds {TOTAL!r}; pass detail rows only")
        order[d] = {text: r for r, text in enumerate(observed)}

    cells = summed(detail.select([*dims, *measures]).with_columns(pl.col(dims).cast(pl.Utf8)), dims)
    grid = pl.DataFrame({dims[0]: list(order[dims[0]])}, schema={dims[0]: pl.Utf8})
    for d in dims[1:]:
        grid = grid.join(pl.DataFrame({d: list(order[d])}, schema={d: pl.Utf8}), how="cross")
    grid = grid.join(cells.with_columns(pl.lit(True).alias("__seen")), on=dims, how="left")
    grid = grid.with_columns(
        pl.when(pl.col("__seen").is_null()).then(pl.lit(0)).otherwise(pl.col(m)).alias(m)
        for m in measures
    ).drop("__seen")

    parts = [grid]
    for size in range(1, len(dims) + 1):
        for margin in itertools.combinations(dims, size):
            kept = [d for d in dims if d not in margin]
            part = summed(grid, kept).with_columns(pl.lit(TOTAL, pl.Utf8).alias(d) for d in margin)
            parts.append(part.select([*dims, *measures]))
    full = pl.concat(parts, how="vertical_relaxed")
    ranks = [
        pl.col(d).replace_strict(order[d], default=len(order[d]), return_dtype=pl.Int64)
        for d in dims
    ]
    return full.sort(ranks).select([*dims, *measures])
