"""The obvious other ways, measured beside Hamkori in the same run.

- `raw_tables(url)`: the current raw rows of the four large datasets as Arrow tables, read with
  ADBC (the fastest reader there is; in a process of its own, where no other SQLite library
  touches the file — see `data_access/arrow.py` for why the app cannot do this on SQLite).
- `duckdb_build(...)`: the analytics tables built by DuckDB from the raw rows, running the very
  statements SQLAlchemy Core generates for Hamkori (`analytics._ANALYTICS[...].build`, rendered
  for PostgreSQL, which DuckDB understands): the same aggregations by construction.
- `polars_build(...)`: the same aggregations of the four large tables as one lazy Polars plan
  (`pl.collect_all`), from the same raw rows.
- `pandas_report(...)`: headline indicators written the way an analyst would with pandas over the
  raw rows: population stocks at the latest snapshot, returns and naturalisations, resettlement
  submissions, decisions, acceptance rate and days to departure, statelessness identified and
  resolved (cumulative and in the year) with median days; for the year and the year before, in
  total and by each of their dimensions. It is a subset of Hamkori's report (no disclosure
  control, no targets, no official statistics, no joint plan), which flatters pandas.
"""

from __future__ import annotations

import time
from datetime import date

import duckdb
import pandas as pd
import polars as pl
import pyarrow as pa
from sqlalchemy import Date
from sqlalchemy.dialects.postgresql.base import PGDialect
from sqlalchemy.engine import make_url

from data_access import analytics, schema

LARGE = ("population", "solutions", "resettlement", "statelessness")


# ---------------------------------------------------------------------------- raw rows
def adbc_connect(url: str):
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        import adbc_driver_sqlite.dbapi as adbc

        return adbc.connect(parsed.database)
    import adbc_driver_postgresql.dbapi as adbc

    return adbc.connect(parsed.set(drivername="postgresql").render_as_string(hide_password=False))


def raw_tables(url: str, datasets=LARGE) -> dict[str, pa.Table]:
    """Current raw rows (superseded ones left out), dates as dates, via ADBC."""
    from sqlalchemy import select

    out = {}
    with adbc_connect(url) as conn:
        for dataset in datasets:
            table = schema.table_for(dataset)
            statement = select(table).where(table.c.superseded_by.is_(None))
            sql = str(statement.compile(dialect=PGDialect()))
            with conn.cursor() as cursor:
                cursor.execute(sql)
                frame = pl.from_arrow(cursor.fetch_arrow_table())
            text_dates = [c.name for c in table.columns
                          if isinstance(c.type, Date) and frame.schema[c.name] == pl.Utf8]
            frame = frame.with_columns(pl.col(text_dates).str.to_date())  # SQLite: ISO text
            out[dataset] = frame.to_arrow()
    return out


# ---------------------------------------------------------------------------- DuckDB
def duckdb_statements(datasets) -> dict[str, list[str]]:
    """Hamkori's own aggregation SELECTs, rendered for PostgreSQL with literal values."""
    dialect = PGDialect()
    out = {}
    for dataset in datasets:
        spec = analytics._ANALYTICS[dataset]
        out[dataset] = [str(s.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
                        for s in spec.build(schema.table_for(dataset), "postgresql")]
    return out


def duckdb_load(path: str, raw: dict[str, pa.Table]) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(path)
    for dataset, table in raw.items():
        con.from_arrow(table).create(schema.table_for(dataset).name)
    con.execute("CHECKPOINT")
    return con


def duckdb_build(con: duckdb.DuckDBPyConnection, statements: dict[str, list[str]]) -> int:
    """Build every analytics table in DuckDB (tables in its own file); returns rows written."""
    written = 0
    for dataset, selects in statements.items():
        name = analytics.AGG_TABLES[dataset].name
        con.execute("BEGIN")
        con.sql(selects[0]).create(name)
        for extra in selects[1:]:
            con.sql(extra).insert_into(name)
        con.execute("COMMIT")
        written += con.table(name).aggregate("count(*)").fetchall()[0][0]
    return written


def duckdb_drop(con: duckdb.DuckDBPyConnection, datasets) -> None:
    for dataset in datasets:
        con.execute("DROP TABLE IF EXISTS " + analytics.AGG_TABLES[dataset].name)


# ---------------------------------------------------------------------------- Polars
def _days(later: str, earlier: str) -> pl.Expr:
    return (pl.col(later) - pl.col(earlier)).dt.total_days().cast(pl.Int32)


def polars_plans(raw: dict[str, pl.DataFrame]) -> list[pl.LazyFrame]:
    """The four large analytics tables as lazy plans over the raw rows."""
    plans = []
    for dataset in ("population", "solutions"):
        agg = analytics.AGG_TABLES[dataset]
        names = [c.name for c in agg.columns]
        keys = names[: names.index("batch_id") + 1]
        sums = names[names.index("batch_id") + 1:]
        plans.append(raw[dataset].lazy().group_by(keys).agg(pl.col(sums).sum()))
    rst = raw["resettlement"].lazy()
    dims = ["origin", "destination", "category", "priority", "decision"]
    for event, column, since in (("submitted", "submitted", None),
                                 ("decided", "decided", "submitted"),
                                 ("departed", "departed", "submitted")):
        days = _days(column, since) if since else pl.lit(None, pl.Int32)
        plans.append(rst.filter(pl.col(column).is_not_null())
                     .with_columns(days.alias("days"))
                     .group_by([column, *dims, "days", "batch_id"])
                     .agg(pl.len().alias("cases"), pl.col("persons").sum())
                     .with_columns(pl.lit(event).alias("event")))
    sta = raw["statelessness"].lazy()
    dims = ["region", "district", "sex", "age_group", "status"]
    plans.append(sta.group_by(["identified", *dims, "batch_id"]).agg(pl.len().alias("cases"))
                 .with_columns(pl.lit("identified").alias("event")))
    plans.append(sta.filter(pl.col("resolved").is_not_null()
                            & pl.col("status").is_in(["confirmed", "acquired"]))
                 .with_columns(_days("resolved", "identified").alias("days"))
                 .group_by(["resolved", *dims, "days", "batch_id"]).agg(pl.len().alias("cases"))
                 .with_columns(pl.lit("resolved").alias("event")))
    return plans


def polars_build(raw: dict[str, pl.DataFrame]) -> int:
    return sum(frame.height for frame in pl.collect_all(polars_plans(raw)))


# ---------------------------------------------------------------------------- pandas
def pandas_read(url: str) -> dict[str, pd.DataFrame]:
    """The raw tables as pandas frames (pandas' read_sql over an ADBC connection)."""
    out = {}
    with adbc_connect(url) as conn:
        for dataset in LARGE:
            statement = schema.table_for(dataset).select().compile(dialect=PGDialect())
            frame = pd.read_sql(str(statement), conn)
            out[dataset] = frame[frame["superseded_by"].isna()].copy()
    for dataset, columns in (("population", ["date"]), ("solutions", ["month"]),
                             ("resettlement", ["submitted", "decided", "departed"]),
                             ("statelessness", ["identified", "resolved"])):
        for column in columns:
            out[dataset][column] = pd.to_datetime(out[dataset][column])
    return out


def _by(frame: pd.DataFrame, dims, value: str, how: str = "sum") -> list[pd.Series | float]:
    results = [getattr(frame[value], how)()]
    for dim in dims:
        results.append(getattr(frame.groupby(dim, dropna=False)[value], how)())
    return results


def pandas_report(raw: dict[str, pd.DataFrame], year: int) -> dict:
    out: dict = {}
    for y in (year, year - 1):
        start, end = pd.Timestamp(date(y, 1, 1)), pd.Timestamp(date(y, 12, 31))
        pop = raw["population"]
        latest = pop.loc[pop["date"] <= end, "date"].max()
        snap = pop[pop["date"] == latest]
        dims = ["region", "sex", "age_group", "origin"]
        for kind in ("REF", "ASY", "STA", "OIP", "OOC"):
            out[(y, f"POP.{kind}")] = _by(snap[snap["population_type"] == kind], dims, "persons")
        out[(y, "POP.POC")] = _by(snap, dims, "persons")
        known = snap[snap["age_group"] != "unknown"]
        children = known["age_group"].isin(["0-4", "5-11", "12-17"])
        out[(y, "POP.CHILDREN_PCT")] = 100 * known.loc[children, "persons"].sum() / max(
            known["persons"].sum(), 1)
        out[(y, "POP.FEMALE_PCT")] = 100 * snap.loc[snap["sex"] == "F", "persons"].sum() / max(
            snap["persons"].sum(), 1)
        sol = raw["solutions"]
        sol = sol[(sol["month"] >= start) & (sol["month"] <= end)]
        for kind, code in (("voluntary_return", "SOL.RETURNS"),
                           ("naturalisation", "SOL.NATURALISED")):
            out[(y, code)] = _by(sol[sol["solution"] == kind], dims, "persons")
        rst = raw["resettlement"]
        rdims = ["origin", "destination", "category", "priority"]
        sub = rst[(rst["submitted"] >= start) & (rst["submitted"] <= end)]
        out[(y, "RST.SUBMITTED")] = _by(sub, rdims, "persons")
        out[(y, "RST.SUBMITTED_CASES")] = _by(sub, rdims, "case_id", "count")
        dec = rst[(rst["decided"] >= start) & (rst["decided"] <= end)]
        accepted = (dec["decision"] == "accepted").sum()
        out[(y, "RST.ACCEPTANCE")] = 100 * accepted / max(
            dec["decision"].isin(["accepted", "rejected"]).sum(), 1)
        dep = rst[(rst["departed"] >= start) & (rst["departed"] <= end)]
        out[(y, "RST.DEPARTED")] = _by(dep, rdims, "persons")
        out[(y, "RST.DAYS_TO_DEPART")] = (dep["departed"] - dep["submitted"]).dt.days.median()
        sta = raw["statelessness"]
        sdims = ["region", "sex", "age_group"]
        ident = sta[sta["identified"] <= end]
        out[(y, "STA.IDENTIFIED")] = _by(ident, sdims, "case_id", "count")
        solved = ident[ident["status"].isin(["confirmed", "acquired"])
                       & (ident["resolved"] <= end)]
        out[(y, "STA.RESOLVED")] = _by(solved, sdims, "case_id", "count")
        in_year = solved[solved["resolved"] >= start]
        out[(y, "STA.RESOLVED_PERIOD")] = _by(in_year, sdims, "case_id", "count")
        out[(y, "STA.DAYS_TO_RESOLVE")] = (in_year["resolved"]
                                           - in_year["identified"]).dt.days.median()
    return out


def timed(action):
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result
