"""The Cooperation Framework and the indicator targets as the UNDAF / UNSDCF review reads them.

Current rows only (`superseded_by IS NULL`), each with the import batch it came from (when, which
file, by whom), so the review page can say where the framework and the targets it shows were
loaded from. `example` marks rows the demo loader wrote (`data_access.demo.load_demo` imports
every dataset as the file `demo-seed<N>-<dataset>.csv` by user `demo`): the demo's clearly
labelled EXAMPLE framework and the targets linked to it.

Once the office has loaded a framework or targets of its own, the example targets are set aside
everywhere (`engine_targets`, the frame the indicator engine reads: tiles, `hamkori report`, the
briefing deck), not only on the review page.

The figures (baselines, targets, actuals, achievement, rating) are computed by `metrics.review`;
`targets` hands out only what the audience may see (`metrics.review.disclose_targets`) before
anything is cached or reaches a page.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import polars as pl
from sqlalchemy import Connection, select

from data_access import analytics, schema
from metrics import review as rules

#: The file name the demo loader gives each dataset it imports (with user `demo`).
DEMO_FILE = re.compile(r"demo-seed\d+-[a-z_-]+\.csv")
DEMO_USER = "demo"

_BATCH_SCHEMA: dict[str, pl.DataType] = {
    "batch_id": pl.Int64, "imported_at": pl.Datetime("us"), "file_name": pl.String,
    "user_name": pl.String, "example": pl.Boolean,
}
FRAMEWORK_SCHEMA: dict[str, pl.DataType] = {
    "code": pl.String, "level": pl.String, "parent": pl.String, "title": pl.String,
    "start_year": pl.Int64, "end_year": pl.Int64, **_BATCH_SCHEMA,
}
TARGETS_SCHEMA: dict[str, pl.DataType] = {
    "indicator": pl.String, "year": pl.Int64, "baseline": pl.Float64, "target": pl.Float64,
    "undaf_outcome": pl.String, **_BATCH_SCHEMA,
}


def is_demo_batch(file_name: str | None, user_name: str | None) -> bool:
    """Whether a batch is one the demo loader wrote (not an office's own file)."""
    return user_name == DEMO_USER and bool(DEMO_FILE.fullmatch(file_name or ""))


def _current_with_batch(connection: Connection, dataset: str, columns: list[str],
                        frame_schema: dict[str, pl.DataType]) -> pl.DataFrame:
    table, batch = schema.table_for(dataset), schema.import_batch
    query = (select(*(table.c[name] for name in columns), table.c.batch_id,
                    batch.c.imported_at, batch.c.file_name, batch.c.user_name)
             .join_from(table, batch, table.c.batch_id == batch.c.id)
             .where(table.c.superseded_by.is_(None))
             .order_by(table.c.id))
    rows = []
    for row in connection.execute(query).mappings():
        record = dict(row)
        moment = record["imported_at"]
        if moment is not None and moment.tzinfo is not None:  # PostgreSQL: aware; SQLite: naive
            record["imported_at"] = moment.replace(tzinfo=None)
        record["example"] = is_demo_batch(record["file_name"], record["user_name"])
        rows.append(record)
    return pl.DataFrame(rows, schema=frame_schema) if rows else \
        pl.DataFrame(schema=frame_schema)


def framework(connection: Connection) -> pl.DataFrame:
    """The framework's current outcomes and outputs, in import order, with their batches."""
    return _current_with_batch(
        connection, "framework", ["code", "level", "parent", "title", "start_year", "end_year"],
        FRAMEWORK_SCHEMA)


def all_targets(connection: Connection) -> pl.DataFrame:
    """Every current indicator target, with its batch, before any disclosure control."""
    return _current_with_batch(
        connection, "targets", ["indicator", "year", "baseline", "target", "undaf_outcome"],
        TARGETS_SCHEMA)


def example_batches_set_aside(connection: Connection) -> set[int]:
    """The demo's import batches of current target rows, once the office has loaded a framework
    or targets of its own (a current row from any other batch); else none. From then on the
    demo's EXAMPLE targets are used nowhere: not by the review, the engine's targets (tiles,
    `hamkori report`, the briefing deck and its "what changed") or anything else."""
    demo, own = set(), False
    for dataset in ("framework", "targets"):
        table, batch = schema.table_for(dataset), schema.import_batch
        query = (select(table.c.batch_id, batch.c.file_name, batch.c.user_name).distinct()
                 .join_from(table, batch, table.c.batch_id == batch.c.id)
                 .where(table.c.superseded_by.is_(None)))
        for batch_id, file_name, user_name in connection.execute(query):
            if is_demo_batch(file_name, user_name):
                if dataset == "targets":
                    demo.add(batch_id)
            else:
                own = True
    return demo if own else set()


def engine_targets(connection: Connection) -> pl.DataFrame:
    """The targets frame the indicator engine reads (`agg_targets`), without the demo's
    EXAMPLE targets once the office has loaded a framework or targets of its own."""
    frame = analytics.load(connection, "targets")
    set_aside = example_batches_set_aside(connection)
    if set_aside and not frame.is_empty():
        frame = frame.filter(~pl.col("batch_id").is_in(sorted(set_aside)))
    return frame


def targets(connection: Connection, audience: str,
            thresholds: Mapping[str, int | None] | None = None) -> pl.DataFrame:
    """The current targets as `audience` may see them (`metrics.review.disclose_targets`: not
    for an indicator the audience does not see, no small count), with their batches."""
    return rules.disclose_targets(all_targets(connection), audience, thresholds)
