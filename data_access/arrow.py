"""Warehouse rows into Polars column-wise, with bound parameters: never row objects one by one.

`read_frame(connection, statement, schema)` runs a SQLAlchemy Core SELECT and returns a Polars
frame with exactly `schema` (names, order and dtypes), whichever path carried the rows.
`path_for(connection)` says which path a read on that connection takes:

- ``"adbc"`` — PostgreSQL: the statement is compiled by SQLAlchemy for PostgreSQL with the
  ``$1, $2, …`` paramstyle (IN lists expanded), handed with its parameters to an ADBC connection
  (`adbc_driver_postgresql`, libpq's binary protocol), and the result arrives as Arrow record
  batches (`fetch_arrow_table`) that Polars takes without a copy. ADBC connections are pooled per
  warehouse in autocommit mode. The ADBC connection is a second session, so it is used only when
  it sees exactly what the caller's connection sees: the caller's transaction has written
  nothing yet (`txid_current_if_assigned()` is null; `SELECT … FOR UPDATE` counts as a write)
  and runs at READ COMMITTED. A read inside an import or a sign-off transaction therefore goes
  through the caller's own connection (``"rows"``), and sees its uncommitted rows.
- ``"sqlite3"`` — SQLite: the caller's own `sqlite3` connection, the rows fetched in large chunks
  straight from the DB-API cursor (no SQLAlchemy row objects, no per-value date parsing) and
  turned into columns by Polars; ISO dates are parsed column-wise. `adbc_driver_sqlite` is NOT
  used: it carries its own copy of the SQLite library, and two copies of SQLite in one process on
  one database file break SQLite's POSIX locks (https://www.sqlite.org/howtocorrupt.html, 2.2.1).
  Measured here: closing an ADBC connection dropped the locks of a `sqlite3` read transaction
  open on the same file, and opening one while `sqlite3` connections were open reset the WAL
  index under them (the process died of SIGBUS). The app process also writes (uploads,
  sign-offs), so it must keep to one SQLite library. The chunked path is 1.7× faster than
  SQLAlchemy rows; ADBC would be about 2× faster again (bench/results.md).
- ``"rows"`` — any other SQLAlchemy dialect (a distributed SQL engine with its own dialect, say),
  and PostgreSQL without `adbc_driver_postgresql` or inside a writing transaction: SQLAlchemy
  rows, typed by the frame schema.

Every path builds the SQL with SQLAlchemy Core and binds values as parameters.
"""

from __future__ import annotations

import atexit
import queue
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import polars as pl
from sqlalchemy import Connection, Select, func, select
from sqlalchemy.dialects.postgresql.base import PGDialect
from sqlalchemy.engine import URL

ADBC, SQLITE3, ROWS = "adbc", "sqlite3", "rows"
FETCH_CHUNK = 100_000
#: ADBC connections kept per warehouse URL (one per concurrently reading thread, at most).
POOL_SIZE = 8

_POSTGRES_DOLLAR = PGDialect(paramstyle="numeric_dollar")


# ------------------------------------------------------------------------------ dispatch
def _adbc_module():
    try:
        import adbc_driver_postgresql.dbapi as module
    except ImportError:  # an installation without the driver reads through SQLAlchemy
        return None
    return module


def path_for(connection: Connection) -> str:
    """The path `read_frame` takes on `connection`: "adbc", "sqlite3" or "rows"."""
    name = connection.dialect.name
    if name == "sqlite":
        return SQLITE3
    if name == "postgresql" and _adbc_module() is not None and _sees_committed_only(connection):
        return ADBC
    return ROWS


def _sees_committed_only(connection: Connection) -> bool:
    """True when a second (autocommit) session sees exactly what `connection` sees: its
    transaction holds no writes or row locks and reads at READ COMMITTED."""
    if connection.dialect.server_version_info < (9, 6):  # pragma: no cover - ancient servers
        return False
    written, isolation = connection.execute(select(
        func.txid_current_if_assigned(), func.current_setting("transaction_isolation"))).one()
    return written is None and isolation == "read committed"


def read_frame(connection: Connection, statement: Select, schema: dict[str, pl.DataType],
               path: str | None = None) -> pl.DataFrame:
    """`statement`'s rows as a frame with exactly `schema` (its names, in its order).

    `path` forces a path (tests, the benchmark); by default `path_for(connection)`."""
    readers: dict[str, Callable[..., pl.DataFrame]] = {
        ADBC: _read_adbc, SQLITE3: _read_sqlite3, ROWS: _read_rows}
    frame = readers[path or path_for(connection)](connection, statement, schema)
    return frame.select(pl.col(name).cast(dtype) for name, dtype in schema.items())


# ------------------------------------------------------------------------------ rows
def _read_rows(connection: Connection, statement: Select, schema: dict[str, pl.DataType]
               ) -> pl.DataFrame:
    rows = connection.execute(statement).all()  # the Date type gives datetime.date on SQLite too
    return pl.DataFrame(rows, schema=schema, orient="row")


# ------------------------------------------------------------------------------ sqlite3
def _read_sqlite3(connection: Connection, statement: Select, schema: dict[str, pl.DataType]
                  ) -> pl.DataFrame:
    """SQLAlchemy binds the parameters; the DB-API cursor's raw tuples become columns."""
    dates = [name for name, dtype in schema.items() if dtype == pl.Date]
    raw_schema = {name: (pl.Utf8 if name in dates else dtype) for name, dtype in schema.items()}
    result = connection.execute(statement)
    try:
        cursor = result.cursor  # the DB-API cursor: tuples of str/int/float, no row objects
        chunks = []
        while rows := cursor.fetchmany(FETCH_CHUNK):
            chunks.append(pl.DataFrame(rows, schema=raw_schema, orient="row"))
    finally:
        result.close()
    frame = pl.concat(chunks) if chunks else pl.DataFrame(schema=raw_schema)
    # SQLite keeps a Date as ISO text; anything else is an error, not a silent null
    return frame.with_columns(pl.col(dates).str.to_date("%Y-%m-%d", strict=True))


# ------------------------------------------------------------------------------ ADBC
def compile_dollar(statement: Select) -> tuple[str, tuple]:
    """`statement` as PostgreSQL SQL with $1, $2, … placeholders and the values to bind, in
    order (IN lists expanded to one placeholder per value)."""
    compiled = statement.compile(dialect=_POSTGRES_DOLLAR,
                                 compile_kwargs={"render_postcompile": True})
    params = compiled.params
    return str(compiled), tuple(params[name] for name in compiled.positiontup or ())


def _libpq_uri(url: URL) -> str:
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


_POOLS: dict[str, queue.LifoQueue] = {}
_POOLS_LOCK = threading.Lock()


@contextmanager
def _adbc_connection(url: URL, fresh: bool = False) -> Iterator[Any]:
    """A pooled autocommit ADBC connection to `url` (a new one when `fresh`); a connection that
    failed is closed, not returned to the pool."""
    key = _libpq_uri(url)
    with _POOLS_LOCK:
        pool = _POOLS.setdefault(key, queue.LifoQueue(maxsize=POOL_SIZE))
    conn = None
    if not fresh:
        try:
            conn = pool.get_nowait()
        except queue.Empty:
            pass
    if conn is None:
        conn = _adbc_module().connect(key, autocommit=True)
    try:
        yield conn
    except BaseException:
        conn.close()
        raise
    try:
        pool.put_nowait(conn)
    except queue.Full:
        conn.close()


@atexit.register
def close_pools() -> None:
    """Close every pooled ADBC connection (tests, a warehouse that was dropped, and the end of
    the process, before the interpreter tears down what their finalisers need)."""
    with _POOLS_LOCK:
        pools = list(_POOLS.values())
        _POOLS.clear()
    for pool in pools:
        while True:
            try:
                pool.get_nowait().close()
            except queue.Empty:
                break


def _read_adbc(connection: Connection, statement: Select, schema: dict[str, pl.DataType]
               ) -> pl.DataFrame:
    sql, params = compile_dollar(statement)
    for fresh in (False, True):  # a pooled connection the server dropped: once more, anew
        try:
            with (_adbc_connection(connection.engine.url, fresh) as conn,
                  conn.cursor() as cursor):
                cursor.execute(sql, params or None)
                table = cursor.fetch_arrow_table()
            break
        except _adbc_module().OperationalError:
            if fresh:
                raise
    return pl.from_arrow(table, rechunk=False)
