"""The report: engine results shaped for people and programs (`hamkori report`, downloads).

One row per indicator (and per disaggregation cell): `indicator`, `name`, `value` (null when not
available or suppressed), `display` (the value as a person sees it: `8,620`, `87.5 %`, `<5`),
`unit`, `period`, `as_of`, one column per `--by` dimension, then `status`, `note`, `basis`,
`batches`, the comparisons and targets. Counts are whole numbers in JSON and CSV.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date

import polars as pl

HEAD = ("indicator", "name", "value", "display", "unit", "period", "as_of")
TAIL = ("status", "note", "basis", "batches", "previous", "year_ago", "baseline", "target",
        "achievement")
WHOLE_UNITS = ("persons", "cases", "activities")


def shape(results: pl.DataFrame, by: Sequence[str] = ()) -> pl.DataFrame:
    """Report columns in report order."""
    return results.select(*HEAD, *by, *TAIL)


def _plain(value, unit: str):
    if isinstance(value, float):
        if unit in WHOLE_UNITS and value.is_integer():
            return int(value)
        return round(value, 6)
    if isinstance(value, date):
        return value.isoformat()
    return value


def to_records(report: pl.DataFrame) -> list[dict]:
    records = []
    for row in report.iter_rows(named=True):
        unit = row["unit"]
        records.append({key: _plain(value, unit if key in ("value", "previous", "year_ago",
                                                             "baseline", "target") else "")
                        for key, value in row.items()})
    return records


def to_json(report: pl.DataFrame) -> str:
    return json.dumps(to_records(report), ensure_ascii=False, indent=1)


def to_csv(report: pl.DataFrame) -> str:
    """CSV with the same values as the JSON (batches joined with ';')."""
    def text(value) -> str | None:
        if value is None:
            return None
        if isinstance(value, list):
            return ";".join(map(str, value))
        return str(value)

    rows = [[text(v) for v in record.values()] for record in to_records(report)]
    return pl.DataFrame(rows, schema=dict.fromkeys(report.columns, pl.String), orient="row"
                        ).write_csv()
