"""Alembic environment: runs migrations on the connection handed over by `warehouse.upgrade`."""

from alembic import context

import data_access.analytics  # noqa: F401  (registers the agg_* tables on the metadata)
from data_access.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only for `alembic` used by hand
    from data_access.engine import make_engine

    connection = make_engine(context.config.get_main_option("sqlalchemy.url") or None).connect()

context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=True,  # SQLite cannot ALTER most things: batch mode copies the table
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
