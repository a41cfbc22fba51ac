"""Indicator values from the warehouse: load the analytics frames an indicator needs, run the engine.

The only bridge between storage and `metrics/`: it reads the precomputed analytics tables (never
raw case rows) and hands them to `metrics.engine.evaluate`, which applies disclosure control for
the request's audience. `cache.py` wraps `compute` for the app, keyed on the data version.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl
from sqlalchemy import Connection, func, select

from data_access import analytics
from metrics import engine
from metrics.catalogue import CATALOGUE, Catalogue


def sources_for(codes: Sequence[str], catalogue: Catalogue = CATALOGUE) -> set[str]:
    return {catalogue.measures[m].source
            for code in codes for m in catalogue.indicator(code).measures}


def load_frames(connection: Connection, sources: set[str], country: str = "TJK",
                catalogue: Catalogue = CATALOGUE) -> dict[str, pl.DataFrame]:
    """The analytics frames of `sources` (official ones narrowed to `country`), plus targets."""
    frames: dict[str, pl.DataFrame] = {}
    for name in sorted(sources):
        dataset = catalogue.sources[name].dataset
        if dataset.startswith("unhcr-"):
            frames[name] = analytics.load_official(connection, dataset, country)
        else:
            frames[name] = analytics.load(connection, dataset)
    frames[engine.TARGETS] = analytics.load(connection, "targets")
    if "joint_plan" in sources:  # status needs the dual-signed progress updates (DOMAIN §5)
        frames[engine.PLAN_UPDATES] = analytics.load(connection, "joint_plan_updates")
    return frames


def compute(connection: Connection, request: engine.Request,
            indicators: Sequence[str] | None = None, catalogue: Catalogue = CATALOGUE
            ) -> pl.DataFrame:
    """Disclosed values of `indicators` (default: every one the audience may see)."""
    codes = list(indicators) if indicators else [
        i.code for i in catalogue.for_audience(request.audience)]
    frames = load_frames(connection, sources_for(codes, catalogue), request.country, catalogue)
    return engine.evaluate(frames, request, codes, catalogue)


#: Analytics tables and time columns that say which years have data (joint-plan dates are plans,
#: they run into the future, so they do not count).
_YEAR_SOURCES = (("population", "date"), ("solutions", "month"), ("resettlement", "date"),
                 ("statelessness", "date"), ("asylum", "month"), ("birth_registration", "date"))


def data_years(connection: Connection) -> tuple[int, int] | None:
    """First and last calendar year with current data, or None for an empty warehouse."""
    years: list[int] = []
    for dataset, column in _YEAR_SOURCES:
        table = analytics.AGG_TABLES[dataset]
        first, last = connection.execute(
            select(func.min(table.c[column]), func.max(table.c[column]))).one()
        years += [_year(v) for v in (first, last) if v is not None]
    return (min(years), max(years)) if years else None


def _year(value) -> int:
    return value.year if hasattr(value, "year") else int(str(value)[:4])
