"""Create or upgrade the warehouse schema (Alembic) and seed the reference tables."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, delete, func, insert, inspect, select

from data_access import analytics, schema
from data_access import reference as ref

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to `revision` and (re)seed the reference tables, in one transaction.

    At head, analytics tables that are empty while their dataset has data are rebuilt too (a
    warehouse created before they existed gets its aggregates on upgrade).
    """
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), revision)
        if revision == "head":
            seed_reference(connection)
            analytics.rebuild_empty(connection)


def seed_reference(connection: Connection) -> None:
    """Replace the reference tables with the codes of `reference.py` (they are code, not data)."""
    for table in (schema.ref_district, schema.ref_region, schema.ref_population_type,
                  schema.ref_country):
        connection.execute(delete(table))
    connection.execute(insert(schema.ref_population_type),
                       [{"code": k, "name": v} for k, v in ref.POPULATION_TYPES.items()])
    connection.execute(insert(schema.ref_country),
                       [{"iso3": k, "name": v} for k, v in ref.countries().items()])
    connection.execute(insert(schema.ref_region),
                       [{"code": k, "name": v} for k, v in ref.REGIONS.items()])
    connection.execute(
        insert(schema.ref_district),
        [{"name": k, "region": r, "name_ru": ru} for k, (r, ru) in ref.DISTRICTS.items()],
    )
    if connection.execute(select(func.count()).select_from(schema.warehouse_state)).scalar() == 0:
        connection.execute(insert(schema.warehouse_state).values(
            id=1, data_version=0, updated_at=datetime.now(UTC)))


def is_initialised(engine: Engine) -> bool:
    return inspect(engine).has_table("warehouse_state")


def data_version(connection: Connection) -> int:
    return connection.execute(
        select(schema.warehouse_state.c.data_version).where(schema.warehouse_state.c.id == 1)
    ).scalar_one()


def bump_data_version(connection: Connection) -> int:
    """Called inside every import/rollback transaction; returns the new version."""
    new = data_version(connection) + 1
    connection.execute(
        schema.warehouse_state.update()
        .where(schema.warehouse_state.c.id == 1)
        .values(data_version=new, updated_at=datetime.now(UTC))
    )
    return new
