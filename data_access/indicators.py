"""Indicator values from the warehouse: load the analytics frames an indicator needs, run the engine.

The only bridge between storage and `metrics/`: it reads the precomputed analytics tables (never
raw case rows) and hands them to `metrics.engine.evaluate`, which applies disclosure control for
the request's audience. `cache.py` wraps `compute` for the app, keyed on the data version.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import polars as pl
from sqlalchemy import Connection, func, select

from data_access import analytics, review
from metrics import engine
from metrics.catalogue import CATALOGUE, Catalogue


def sources_for(codes: Sequence[str], catalogue: Catalogue = CATALOGUE) -> set[str]:
    return {catalogue.measures[m].source
            for code in codes for m in catalogue.indicator(code).measures}


#: A reader of one analytics frame: (connection, frame key, country) -> frame. The key is a
#: catalogue source name, `engine.TARGETS` or `engine.PLAN_UPDATES`. `cache.py` passes one that
#: keeps frames per data version, so many questions share one read of each table.
FrameReader = Callable[[Connection, str, str], pl.DataFrame]


def load_frame(connection: Connection, key: str, country: str = "TJK",
               catalogue: Catalogue = CATALOGUE) -> pl.DataFrame:
    """One analytics frame: a catalogue source (official ones narrowed to `country`), or the
    targets (`data_access.review.engine_targets`: the demo's EXAMPLE targets are set aside once
    the office has loaded a framework or targets of its own), or the joint-plan updates."""
    if key == engine.TARGETS:  # without the demo's example once the office has its own
        return review.engine_targets(connection)
    if key == engine.PLAN_UPDATES:
        return analytics.load(connection, "joint_plan_updates")
    dataset = catalogue.sources[key].dataset
    if by_country(key, catalogue):
        return analytics.load_official(connection, dataset, country)
    return analytics.load(connection, dataset)


def by_country(key: str, catalogue: Catalogue = CATALOGUE) -> bool:
    """Whether the frame `key` depends on the country asked for (official statistics only)."""
    source = catalogue.sources.get(key)
    return source is not None and source.dataset.startswith("unhcr-")


def frame_keys(sources: set[str]) -> list[str]:
    """The frames an evaluation over `sources` reads: the sources, the targets, and the
    joint-plan updates when the plan is among them (status needs the dual-signed updates)."""
    keys = [*sorted(sources), engine.TARGETS]
    if "joint_plan" in sources:
        keys.append(engine.PLAN_UPDATES)
    return keys


def load_frames(connection: Connection, sources: set[str], country: str = "TJK",
                catalogue: Catalogue = CATALOGUE, reader: FrameReader | None = None
                ) -> dict[str, pl.DataFrame]:
    """The analytics frames of `sources` (official ones narrowed to `country`), plus targets."""
    read = reader or (lambda conn, key, ctry: load_frame(conn, key, ctry, catalogue))
    return {key: read(connection, key, country) for key in frame_keys(sources)}


def compute(connection: Connection, request: engine.Request,
            indicators: Sequence[str] | None = None, catalogue: Catalogue = CATALOGUE,
            reader: FrameReader | None = None) -> pl.DataFrame:
    """Disclosed values of `indicators` (default: every one the audience may see)."""
    return compute_many(connection, [request], indicators, catalogue, reader)[0]


def compute_many(connection: Connection, requests: Sequence[engine.Request],
                 indicators: Sequence[str] | None = None, catalogue: Catalogue = CATALOGUE,
                 reader: FrameReader | None = None) -> list[pl.DataFrame]:
    """`compute` for several requests (a trend: one per period) over one read of the frames.

    Every request must be for the same audience and country (the frames and the gaps of the
    official extracts depend on the country only)."""
    if not requests:
        return []
    first = requests[0]
    if any((r.audience, r.country) != (first.audience, first.country) for r in requests):
        raise ValueError("compute_many: every request must have the same audience and country")
    codes = list(indicators) if indicators else [
        i.code for i in catalogue.for_audience(first.audience)]
    sources = sources_for(codes, catalogue)
    frames = load_frames(connection, sources, first.country, catalogue, reader)
    unavailable = {}
    for name in sources:
        dataset = catalogue.sources[name].dataset
        if dataset.startswith("unhcr-"):
            reason = official_gap(connection, dataset, first.country)
            if reason:
                unavailable[name] = reason
    return [engine.evaluate(frames, request, codes, catalogue, unavailable)
            for request in requests]


def compute_series(connection: Connection, requests: Sequence[engine.Request],
                   indicators: Sequence[str] | None = None, catalogue: Catalogue = CATALOGUE,
                   reader: FrameReader | None = None) -> pl.DataFrame:
    """A trend: `compute_many` over periods, as one frame (a `period` column tells them apart),
    with the disclosure control across periods of `engine.guard_series` (no requests with a
    breakdown: a trend is of total rows)."""
    if any(request.by for request in requests):
        raise ValueError("compute_series: a trend is of total rows (no `by`)")
    results = compute_many(connection, requests, indicators, catalogue, reader)
    if not results:
        return pl.DataFrame(schema=engine.RESULT_SCHEMA)
    threshold = requests[0].threshold
    return engine.guard_series(pl.concat(results, how="vertical_relaxed"), threshold, catalogue)


def extract_countries(connection: Connection, dataset: str) -> dict[int, set[str]]:
    """For each import batch of an official table: the countries every row involves (as origin
    or asylum). A country's extract (e.g. the Tajikistan files: rows where TJK is origin or
    asylum) gives {TJK}; UNHCR's global tables give an empty set."""
    table = analytics.AGG_TABLES[dataset]
    batch, coo, coa = table.c.batch_id, table.c.coo_iso, table.c.coa_iso
    totals = dict(connection.execute(select(batch, func.count()).group_by(batch)).all())
    counts: dict[tuple[int, str], int] = {}
    for column in (coa, coo):
        for b, country, n in connection.execute(select(batch, column, func.count())
                                                .group_by(batch, column)):
            counts[(b, country)] = counts.get((b, country), 0) + n
    for b, country, n in connection.execute(select(batch, coa, func.count())
                                            .where(coa == coo).group_by(batch, coa)):
        counts[(b, country)] -= n  # a row with origin == asylum was counted twice
    pivots: dict[int, set[str]] = {b: set() for b in totals}
    for (b, country), n in counts.items():
        if country is not None and n == totals[b]:
            pivots[b].add(country)
    return pivots


def official_gap(connection: Connection, dataset: str, country: str) -> str | None:
    """Why `dataset` cannot answer for `country`, or None: when every batch imported is another
    country's extract, its rows about `country` are only those that involve that other country."""
    pivots = extract_countries(connection, dataset)
    if not pivots or any(not p or country in p for p in pivots.values()):
        return None
    others = ", ".join(sorted(set().union(*pivots.values())))
    return engine.note_text("official_gap", dataset=dataset, countries=others,
                                                  country=country)


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
