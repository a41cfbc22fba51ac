"""Warehouse schema (SQLAlchemy Core).

Dataset tables are derived from the contracts in `datasets.py`, so a column is declared once.
Every dataset row carries the import batch it came from (`batch_id`) and, when a later import
replaced it, the batch that did (`superseded_by`): rows are never updated or deleted by an
import, which is what makes `hamkori rollback` exact. Current data = rows with
`superseded_by IS NULL`.

Changing this file needs an Alembic migration (`data_access/migrations/versions/`); a test
compares the migrated schema with this metadata.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

from data_access import datasets as ds

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

import_batch = Table(
    "import_batch",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("dataset", String(40), nullable=False, index=True),
    Column("file_name", String(255), nullable=False),
    Column("sha256", String(64), nullable=False, index=True),
    Column("rows", Integer, nullable=False),
    Column("replaced_rows", Integer, nullable=False, default=0),
    Column("user_name", String(120), nullable=False),
    Column("imported_at", DateTime(timezone=True), nullable=False),
    Column("status", String(16), nullable=False, default="active"),  # active | rolled_back
    Column("rolled_back_at", DateTime(timezone=True)),
    Column("rolled_back_by", String(120)),
)

#: One row: the warehouse data version, bumped by every import and rollback. Cached loaders key on it.
warehouse_state = Table(
    "warehouse_state",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("data_version", Integer, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

#: Who did what, when, as which audience (`data_access/audit.py`): sign-ins, refusals, page
#: views, imports, rollbacks, joint-plan changes, exports. Append-only: the app never updates
#: or deletes a row.
audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False, index=True),
    Column("user_name", String(255), nullable=False, index=True),
    Column("audience", String(16)),  # role code; empty when the person has none
    Column("mode", String(8), nullable=False),  # oidc | demo | cli
    Column("action", String(40), nullable=False, index=True),
    Column("target", String(255)),  # page, dataset, batch, activity/update, file
    Column("detail", Text),
)

ref_population_type = Table(
    "ref_population_type",
    metadata,
    Column("code", String(8), primary_key=True),
    Column("name", String(120), nullable=False),
)
ref_country = Table(
    "ref_country",
    metadata,
    Column("iso3", String(3), primary_key=True),
    Column("name", String(120), nullable=False),
)
ref_region = Table(
    "ref_region",
    metadata,
    Column("code", String(8), primary_key=True),
    Column("name", String(120), nullable=False),
)
ref_district = Table(
    "ref_district",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("region", String(8), ForeignKey("ref_region.code"), nullable=False, index=True),
    Column("name_ru", String(64), nullable=False),
)

_SQL_TYPES = {
    ds.COUNT: BigInteger,
    ds.NUMBER: Float,
    ds.PERCENT: Float,
    ds.DATE: Date,
    ds.MONTH: Date,
    ds.YEAR: Integer,
    ds.SCHOOL_YEAR: lambda: String(7),
    ds.CODE: lambda: String(40),
    ds.COUNTRY: lambda: String(3),
    ds.ISO3: lambda: String(3),
    ds.REGION: lambda: String(8),
    ds.DISTRICT: lambda: String(64),
    ds.TEXT: Text,
    ds.IDENT: lambda: String(64),
    ds.GEOJSON: Text,
}


def _dataset_table(dataset: ds.Dataset) -> Table:
    columns = [
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("batch_id", Integer, ForeignKey("import_batch.id"), nullable=False, index=True),
        Column("superseded_by", Integer, ForeignKey("import_batch.id"), index=True),
    ]
    columns += [
        Column(c.name, _SQL_TYPES[c.kind](), nullable=not c.required) for c in dataset.columns
    ]
    table = Table(dataset.table, metadata, *columns)
    Index(None, *(table.c[name] for name in dataset.partition))
    return table


DATASET_TABLES: dict[str, Table] = {name: _dataset_table(d) for name, d in ds.DATASETS.items()}


def table_for(dataset_name: str) -> Table:
    return DATASET_TABLES[dataset_name]


def _one_current_version(dataset_name: str, *columns: str) -> None:
    """At most one current row per key: two people posting the same update at once cannot both
    succeed (the second gets a conflict, not a silent duplicate)."""
    table = DATASET_TABLES[dataset_name]
    current = table.c.superseded_by.is_(None)
    Index(f"ux_{table.name}_current", *(table.c[c] for c in columns), unique=True,
          sqlite_where=current, postgresql_where=current)


_one_current_version("joint_plan_updates", "activity_id", "update_no")
