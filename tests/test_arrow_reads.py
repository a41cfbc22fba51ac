"""Reads into Polars: Arrow through ADBC on PostgreSQL, chunked DB-API tuples on SQLite, the same
frames (values and dtypes) as the SQLAlchemy-rows path they replace, parameters bound."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from files import GOOD
from sqlalchemy import insert, select

from data_access import analytics, arrow, importer, indicators
from data_access.warehouse import upgrade
from metrics.engine import Request
from metrics.periods import Period

#: Datasets of the hand-written files, in an order the importer accepts.
ORDER = ("framework", "targets", "joint_plan", "joint_plan_updates", "funding", "population",
         "asylum", "solutions", "resettlement", "education", "statelessness",
         "birth_registration")


@pytest.fixture
def loaded(any_engine):
    for dataset in ORDER:
        importer.import_file(any_engine, dataset, GOOD[dataset].encode(),
                             file_name=f"{dataset}.csv", user="tester")
    yield any_engine
    arrow.close_pools()


def sorted_rows(frame: pl.DataFrame) -> list[tuple]:
    return sorted(frame.iter_rows(), key=lambda r: [(v is not None, v) for v in r])


def both_ways(conn, dataset: str, where: dict | None = None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(default path, SQLAlchemy rows path) frames of one analytics table."""
    fast = analytics.load(conn, dataset, where)
    table = analytics.AGG_TABLES[dataset]
    statement = select(table)
    for name, value in (where or {}).items():
        column = table.c[name]
        statement = statement.where(column.in_(value) if isinstance(value, list)
                                    else column == value)
    slow = arrow.read_frame(conn, statement, analytics.polars_schema(dataset), path=arrow.ROWS)
    return fast, slow


def test_each_backend_takes_its_column_wise_path(loaded):
    expected = {"sqlite": arrow.SQLITE3, "postgresql": arrow.ADBC}[loaded.dialect.name]
    with loaded.connect() as conn:
        assert arrow.path_for(conn) == expected


def test_every_analytics_table_reads_the_same_frame_as_sqlalchemy_rows(loaded):
    with loaded.connect() as conn:
        for dataset in analytics.AGG_TABLES:
            fast, slow = both_ways(conn, dataset)
            assert fast.schema == slow.schema == pl.Schema(analytics.polars_schema(dataset))
            assert sorted_rows(fast) == sorted_rows(slow), dataset
    with loaded.connect() as conn:
        population = analytics.load(conn, "population")
    assert population.height == 4 and population.get_column("date").dtype == pl.Date
    assert population.get_column("persons").sum() == 120 + 300 + 45 + 3


def test_filters_are_bound_parameters(loaded):
    sql, params = arrow.compile_dollar(
        select(analytics.AGG_TABLES["population"])
        .where(analytics.AGG_TABLES["population"].c.region.in_(["TJ-RA", "TJ-DU"]),
               analytics.AGG_TABLES["population"].c.persons == 300))
    assert "$1" in sql and "$3" in sql and "TJ-RA" not in sql and "300" not in sql
    assert sorted(params, key=str) == [300, "TJ-DU", "TJ-RA"]
    bound = sql
    for number in range(len(params), 0, -1):  # $3 before $1 (and $10 before $1)
        bound = bound.replace(f"${number}", repr(params[number - 1]))
    assert "region IN ('TJ-RA', 'TJ-DU')" in bound and "persons = 300" in bound
    with loaded.connect() as conn:
        fast, slow = both_ways(conn, "population", {"region": ["TJ-RA", "TJ-DU"]})
        assert sorted_rows(fast) == sorted_rows(slow) and fast.height == 3
        fast, slow = both_ways(conn, "population", {"date": date(2025, 12, 31), "sex": "M"})
        assert sorted_rows(fast) == sorted_rows(slow) and fast.height == 2
        empty = analytics.load(conn, "population", {"region": ["TJ-GB"]})
    assert empty.is_empty() and empty.schema == pl.Schema(analytics.polars_schema("population"))


def test_indicator_values_come_through_the_column_wise_path_only(loaded, monkeypatch):
    def refuse(*_args, **_kwargs):
        raise AssertionError("row-by-row read on a backend with a column-wise path")

    monkeypatch.setattr(arrow, "_read_rows", refuse)
    request = Request(Period.parse("2025"), "unhcr")
    with loaded.connect() as conn:
        values = indicators.compute(conn, request, ["POP.REF", "EDU.GER_PRIMARY"])
    refugees = values.filter(pl.col("indicator") == "POP.REF").row(0, named=True)
    assert refugees["value"] == 420 and refugees["status"] == "ok"


@pytest.mark.postgres
def test_postgres_read_inside_a_writing_transaction_sees_its_own_rows(pg_url):
    from data_access.engine import make_engine

    engine = make_engine(pg_url)
    upgrade(engine)
    table = analytics.AGG_TABLES["asylum"]
    try:
        with engine.begin() as conn:
            assert arrow.path_for(conn) == arrow.ADBC  # nothing written yet
            conn.execute(insert(table).values(month=date(2025, 1, 1), origin="AFG", batch_id=1,
                                              applied=7, recognized=0, complementary=0,
                                              rejected=0, closed=0))
            assert arrow.path_for(conn) == arrow.ROWS  # ADBC would not see the row
            frame = analytics.load(conn, "asylum")
            assert frame.select("origin", "applied").rows() == [("AFG", 7)]
            conn.rollback()
        with engine.connect() as conn:
            assert analytics.load(conn, "asylum").is_empty()
    finally:
        arrow.close_pools()
        engine.dispose()


@pytest.mark.postgres
def test_postgres_without_the_adbc_driver_reads_rows(pg_url, monkeypatch):
    from data_access.engine import make_engine

    engine = make_engine(pg_url)
    upgrade(engine)
    monkeypatch.setattr(arrow, "_adbc_module", lambda: None)
    try:
        with engine.connect() as conn:
            assert arrow.path_for(conn) == arrow.ROWS
            assert analytics.load(conn, "population").is_empty()
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_postgres_pooled_connection_dropped_by_the_server_is_replaced(pg_url):
    from sqlalchemy import func, text

    from data_access.engine import make_engine

    engine = make_engine(pg_url)
    upgrade(engine)
    importer.import_file(engine, "asylum", GOOD["asylum"].encode(), file_name="asylum.csv",
                         user="tester")
    try:
        with engine.connect() as conn:
            assert analytics.load(conn, "asylum").height == 3  # leaves an ADBC connection pooled
        with engine.connect() as conn:
            killed = conn.execute(select(func.count()).select_from(
                select(func.pg_terminate_backend(text("pid"))).select_from(
                    text("pg_stat_activity")).where(
                    text("datname = current_database() AND pid <> pg_backend_pid()")).subquery()
            )).scalar_one()
        assert killed >= 1
        with engine.connect() as conn:
            assert arrow.path_for(conn) == arrow.ADBC
            assert analytics.load(conn, "asylum").height == 3
    finally:
        arrow.close_pools()
        engine.dispose()
