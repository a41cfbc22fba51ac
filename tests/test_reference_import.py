"""The real UNHCR files in ../shared/reference/unhcr/tjk import cleanly and give published figures."""

from __future__ import annotations

import pytest
from files import FILES, TJK, needs_reference
from sqlalchemy import func, select

from data_access import importer, schema

ROWS = {"unhcr-population": 928, "unhcr-solutions": 134, "unhcr-asylum-applications": 757,
        "unhcr-asylum-decisions": 729, "unhcr-demographics": 1551}

pytestmark = needs_reference


def total(engine, dataset, column, conditions):
    table = schema.table_for(dataset)
    with engine.connect() as conn:
        return conn.execute(
            select(func.sum(table.c[column])).where(table.c.superseded_by.is_(None), *conditions(table))
        ).scalar_one()


def test_reference_files_import_and_reproduce_published_figures(any_engine):
    for dataset, name in FILES.items():
        result = importer.import_file(any_engine, dataset, TJK / name, user="tester")
        assert (result.status, result.rows) == ("imported", ROWS[dataset])

    def hosted(year):
        return lambda t: (t.c.year == year, t.c.coa_iso == "TJK")

    assert total(any_engine, "unhcr-population", "refugees", hosted(2022)) == 8608
    assert total(any_engine, "unhcr-population", "refugees",
                 lambda t: (*hosted(2022)(t), t.c.coo_iso == "AFG")) == 8601
    assert total(any_engine, "unhcr-population", "stateless", hosted(2019)) == 7151
    assert total(any_engine, "unhcr-population", "refugees", hosted(2024)) == 12157
    assert total(any_engine, "unhcr-population", "idps",
                 lambda t: (t.c.year == 1993, t.c.coa_iso == "TJK", t.c.coo_iso == "TJK")) == 520000
    assert total(any_engine, "unhcr-solutions", "returned_refugees",
                 lambda t: (t.c.year == 2025, t.c.coa_iso == "TJK", t.c.coo_iso == "AFG")) == 1421
    assert total(any_engine, "unhcr-asylum-applications", "applied", hosted(2024)) == 5307
    assert total(any_engine, "unhcr-asylum-decisions", "dec_recognized", hosted(2024)) == 3611
    assert total(any_engine, "unhcr-asylum-decisions", "dec_total", hosted(2024)) == 3660
    assert total(any_engine, "unhcr-demographics", "total",
                 lambda t: (t.c.year == 2025, t.c.coa_iso == "TJK", t.c.pop_type == "STA")) == 3980
    # 'NA' is a real code in app_type / dec_level, not a missing value.
    table = schema.table_for("unhcr-asylum-decisions")
    with any_engine.connect() as conn:
        levels = set(conn.execute(select(table.c.dec_level).distinct()).scalars())
    assert "NA" in levels or "FI" in levels


GLOBAL = TJK.parent


@pytest.mark.slow
def test_the_global_published_tables_import_from_1951(engine):
    """UNHCR's global population table starts in 1951: official data may predate 1990."""
    result = importer.import_file(engine, "unhcr-population", GLOBAL / "population.csv",
                                  user="tester")
    assert result.rows == 138_893
    assert total(engine, "unhcr-population", "refugees",
                 lambda t: (t.c.year == 1951, t.c.coa_iso == "AUT")) == 282_000
