"""The migrations on a real PostgreSQL (and the schema check on both backends)."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, inspect, select, text

from data_access import schema
from data_access.engine import make_engine
from data_access.warehouse import data_version, is_initialised, upgrade


@pytest.fixture
def pg_engine(pg_url):
    eng = make_engine(pg_url)
    yield eng
    eng.dispose()


def test_server_is_postgresql_15_or_newer(pg_engine):
    with pg_engine.connect() as conn:
        version = conn.execute(text("SHOW server_version_num")).scalar_one()
    assert int(version) >= 150000


def test_each_test_gets_its_own_empty_database(pg_engine, pg_url):
    assert pg_url.rsplit("/", 1)[-1].startswith("test_")
    assert inspect(pg_engine).get_table_names() == []
    assert not is_initialised(pg_engine)


def test_upgrade_creates_the_schema_and_data_version_0(pg_engine):
    upgrade(pg_engine)
    tables = set(inspect(pg_engine).get_table_names())
    assert set(schema.metadata.tables) <= tables
    assert "alembic_version" in tables
    assert is_initialised(pg_engine)
    with pg_engine.connect() as conn:
        assert data_version(conn) == 0
        assert conn.execute(select(func.count()).select_from(schema.ref_region)).scalar() > 0


def test_upgrade_twice_is_idempotent(pg_engine):
    upgrade(pg_engine)
    with pg_engine.connect() as conn:
        before = {t.name: conn.execute(select(func.count()).select_from(t)).scalar()
                  for t in schema.metadata.sorted_tables}
        head = conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
    upgrade(pg_engine)
    with pg_engine.connect() as conn:
        after = {t.name: conn.execute(select(func.count()).select_from(t)).scalar()
                 for t in schema.metadata.sorted_tables}
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == head
        assert data_version(conn) == 0
    assert after == before


def test_migrated_schema_matches_metadata(any_engine):
    """Autogenerate finds nothing to do: the migrations and `schema.py` agree (both backends)."""
    with any_engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, schema.metadata)
    assert diff == [], "schema.py and the migrations disagree; add a migration:\n" + "\n".join(
        map(repr, diff))
