"""Precomputed analytics tables: the current data of each dataset, aggregated.

Every dataset table keeps all rows ever imported (superseded ones too, so rollback is exact) and,
for the case datasets, one row per case. Pages and reports never read those raw rows: they read
the `agg_*` tables defined here, which hold only the CURRENT rows (`superseded_by IS NULL`) of
their source dataset, grouped by the dimensions pages filter and chart by, with the measures
summed. A SQL SUM over inputs that are all NULL stays NULL, which is what official statistics
need: "not reported" is not zero. Each row keeps the `batch_id` it came from as provenance.

Two tables are event tables rather than plain aggregates: `agg_resettlement` unpivots each case
into its `submitted` / `decided` / `departed` events and `agg_statelessness` into `identified` /
`resolved`, each with the number of cases (and persons) and, for `departed` / `resolved`, the
number of days since submission / identification. `agg_targets` and `agg_joint_plan` are plain
copies of the current rows. `framework` and `boundaries` have no analytics table.

The tables are rebuilt by `rebuild(conn, dataset)` inside every import and rollback transaction
(see `importer.py`), so they are never out of step with the data version; `warehouse.upgrade`
fills any that are empty while their source has data (a warehouse created before they existed).
Rebuilding is one DELETE and INSERT ... SELECT per table, done by the database.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import polars as pl
from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Date,
    Float,
    Index,
    Integer,
    Select,
    String,
    Table,
    and_,
    case,
    cast,
    delete,
    exists,
    func,
    insert,
    literal_column,
    null,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.sql.elements import ColumnElement

from data_access import arrow, schema
from data_access import datasets as ds

#: builder(source table, dialect name) -> SELECTs whose columns are the analytics table's, in order.
Builder = Callable[[Table, str], list[Select]]


@dataclass(frozen=True)
class _Analytics:
    dataset: str
    table: Table
    build: Builder


_ANALYTICS: dict[str, _Analytics] = {}
#: dataset name -> its analytics table (no entry for `framework`).
AGG_TABLES: dict[str, Table] = {}


# ---------------------------------------------------------------------------- SQL helpers
def days_between(later: ColumnElement, earlier: ColumnElement, dialect: str) -> ColumnElement:
    """Whole days from `earlier` to `later` (two Date columns), computed by the database."""
    if dialect == "sqlite":  # dates are ISO text there
        return cast(func.julianday(later) - func.julianday(earlier), Integer)
    return type_coerce(later - earlier, Integer)  # PostgreSQL: date - date is an integer


def _as_date(text: ColumnElement, dialect: str) -> ColumnElement:
    """An ISO 'YYYY-MM-DD' string expression as a Date value."""
    if dialect == "sqlite":  # SQLite's Date is that very text; CAST(... AS DATE) would mangle it
        return type_coerce(text, Date)
    return cast(text, Date)


def _source_column(source: Table, name: str) -> Column:
    src = source.c[name]
    return Column(name, src.type.copy(), nullable=src.nullable)


def _define(name: str, dataset: str, columns: list[Column], time: str, build: Builder) -> None:
    assert dataset not in _ANALYTICS, dataset
    table = Table(name, schema.metadata, *columns)
    Index(None, table.c[time])
    _ANALYTICS[dataset] = _Analytics(dataset, table, build)
    AGG_TABLES[dataset] = table


def _batch_column() -> Column:
    return Column("batch_id", Integer, nullable=False)


def _current(source: Table):
    return source.c.superseded_by.is_(None)


# ---------------------------------------------------------------------------- plain aggregates
def _aggregate(name: str, dataset: str, dims: Iterable[str], measures: Iterable[str], *,
               time: str, derived: dict[str, tuple[Column, Callable]] | None = None) -> None:
    """GROUP BY `dims` + batch_id, SUM(`measures`).

    `derived` maps a dimension name placed right after it to (column, expression builder):
    e.g. education's `year_start`, computed from `school_year` (so it needs no GROUP BY).
    """
    source = schema.table_for(dataset)
    dims, measures, derived = list(dims), list(measures), derived or {}
    columns: list[Column] = []
    for dim in dims:
        columns.append(_source_column(source, dim))
        if dim in derived:
            columns.append(derived[dim][0])
    columns.append(_batch_column())
    columns += [_source_column(source, m) for m in measures]

    def build(src: Table, dialect: str) -> list[Select]:
        selected = []
        for dim in dims:
            selected.append(src.c[dim])
            if dim in derived:
                column, expression = derived[dim]
                selected.append(expression(src, dialect).label(column.name))
        selected.append(src.c.batch_id)
        selected += [func.sum(src.c[m]).label(m) for m in measures]
        group = [src.c[d] for d in dims] + [src.c.batch_id]
        return [select(*selected).where(_current(src)).group_by(*group)]

    _define(name, dataset, columns, time, build)


def _copy(name: str, dataset: str, names: Iterable[str], *, time: str) -> None:
    """A copy of the current rows (these datasets are small and already at their grain)."""
    source = schema.table_for(dataset)
    names = list(names)
    columns = [_source_column(source, n) for n in names] + [_batch_column()]

    def build(src: Table, dialect: str) -> list[Select]:
        return [select(*(src.c[n] for n in names), src.c.batch_id).where(_current(src))]

    _define(name, dataset, columns, time, build)


# ---------------------------------------------------------------------------- event tables
@dataclass(frozen=True)
class _Event:
    name: str
    date: str  # the source column dating the event
    since: str | None = None  # days are counted from this source column
    only: Callable[[Table], ColumnElement] | None = None  # extra condition on the case


def _events(name: str, dataset: str, dims: Iterable[str], events: Iterable[_Event],
            persons: str | None) -> None:
    """One row per event, date, dimensions, days and batch: the number of cases (and persons)."""
    source = schema.table_for(dataset)
    dims, events = list(dims), list(events)
    columns = [
        Column("event", String(16), nullable=False),
        Column("date", Date, nullable=False),
        *(_source_column(source, d) for d in dims),
        Column("days", Integer, nullable=True),
        _batch_column(),
        Column("cases", BigInteger, nullable=False),
    ]
    if persons:
        columns.append(_source_column(source, persons))

    def build(src: Table, dialect: str) -> list[Select]:
        statements = []
        for event in events:
            date = src.c[event.date]
            days = (days_between(date, src.c[event.since], dialect) if event.since
                    else cast(null(), Integer))
            conditions = [_current(src), date.is_not(None)]
            if event.only is not None:
                conditions.append(event.only(src))
            group = [date, *(src.c[d] for d in dims)]
            if event.since:
                group.append(days)
            group.append(src.c.batch_id)
            selected = [
                literal_column(f"'{event.name}'", String(16)).label("event"),
                date.label("date"), *(src.c[d] for d in dims), days.label("days"),
                src.c.batch_id, func.count().label("cases"),
            ]
            if persons:
                selected.append(func.sum(src.c[persons]).label(persons))
            statements.append(select(*selected).where(*conditions).group_by(*group))
        return statements

    _define(name, dataset, columns, "date", build)


# ---------------------------------------------------------------------------- the tables
def _year_start(src: Table, dialect: str) -> ColumnElement:
    """'2024/25' -> 2024-09-01: the school year starts on 1 September."""
    first_year = func.substr(src.c.school_year, 1, 4, type_=String(4))
    return _as_date(first_year.concat(literal_column("'-09-01'", String(6))), dialect)


_aggregate("agg_population", "population",
           ("date", "population_type", "origin", "region", "district", "sex", "age_group"),
           ("persons",), time="date")
_aggregate("agg_asylum", "asylum", ("month", "origin"),
           ("applied", "recognized", "complementary", "rejected", "closed"), time="month")
_aggregate("agg_solutions", "solutions",
           ("month", "solution", "origin", "destination", "region", "sex", "age_group"),
           ("persons",), time="month")
_events("agg_resettlement", "resettlement",
        ("origin", "destination", "category", "priority", "decision"),
        (_Event("submitted", "submitted"), _Event("decided", "decided", since="submitted"),
         _Event("departed", "departed", since="submitted")),
        persons="persons")
_aggregate("agg_education", "education",
           ("school_year", "region", "population_type", "level", "sex"),
           ("school_age", "enrolled", "enrolled_of_age", "dafi_scholars"), time="year_start",
           derived={"school_year": (Column("year_start", Date, nullable=False), _year_start)})
_events("agg_statelessness", "statelessness",
        ("region", "district", "sex", "age_group", "status"),
        (_Event("identified", "identified"),
         _Event("resolved", "resolved", since="identified",
                only=lambda src: src.c.status.in_(("confirmed", "acquired")))),
        persons=None)
_aggregate("agg_birth_registration", "birth_registration",
           ("date", "region", "district", "population_type", "sex"),
           ("children_under5", "registered"), time="date")
_aggregate("agg_funding", "funding", ("year", "donor", "agency", "area"),
           ("pledged_usd", "received_usd"), time="year")
_copy("agg_targets", "targets", ("indicator", "year", "baseline", "target", "undaf_outcome"),
      time="year")
_copy("agg_joint_plan", "joint_plan",
      ("activity_id", "area", "title", "lead", "start", "end", "indicator", "baseline", "target",
       "budget_usd", "undaf_outcome", "sdg_target"), time="start")

def _plan_updates() -> None:
    """Current progress updates, with `signed_off` = 1 once both agencies signed (DOMAIN §5).

    Narratives stay out: pages read them through `data_access.plan`, which applies the audience."""
    dataset = "joint_plan_updates"
    source = schema.table_for(dataset)
    names = ("activity_id", "update_no", "date", "progress", "posted_agency", "indicator_actual",
             "funds_mobilised_usd", "funds_spent_usd")
    columns = [_source_column(source, n) for n in names]
    columns += [Column("signed_off", Integer, nullable=False), Column("signed_on", Date),
                _batch_column()]

    def build(src: Table, dialect: str) -> list[Select]:
        both = and_(src.c.unhcr_signoff == "signed", src.c.unicef_signoff == "signed")
        signed = case((both, 1), else_=0).label("signed_off")
        # the day the update started to count: the later of the two signatures
        later = case((src.c.unhcr_on >= src.c.unicef_on, src.c.unhcr_on), else_=src.c.unicef_on)
        signed_on = case((both, later), else_=null()).label("signed_on")
        return [select(*(src.c[n] for n in names), signed, signed_on, src.c.batch_id)
                .where(_current(src))]

    _define("agg_joint_plan_updates", dataset, columns, "date", build)


_plan_updates()

_OFFICIAL_PAIR = ("year", "coo_iso", "coa_iso")
_aggregate("agg_off_population", "unhcr-population", _OFFICIAL_PAIR,
           ("refugees", "asylum_seekers", "returned_refugees", "idps", "returned_idps",
            "stateless", "ooc", "oip", "hst"), time="year")
_aggregate("agg_off_solutions", "unhcr-solutions", _OFFICIAL_PAIR,
           ("returned_refugees", "resettlement", "naturalisation", "returned_idps"), time="year")
_aggregate("agg_off_asylum_applications", "unhcr-asylum-applications", _OFFICIAL_PAIR,
           ("applied",), time="year")
_aggregate("agg_off_asylum_decisions", "unhcr-asylum-decisions", _OFFICIAL_PAIR,
           ("dec_recognized", "dec_other", "dec_rejected", "dec_closed", "dec_total"),
           time="year")
_aggregate("agg_off_demographics", "unhcr-demographics", (*_OFFICIAL_PAIR, "pop_type"),
           [c.name for c in ds.get("unhcr-demographics").columns
            if c.name.startswith(("f_", "m_")) or c.name == "total"], time="year")


# ---------------------------------------------------------------------------- rebuild
def rebuild(conn: Connection, dataset: str) -> int:
    """Replace the analytics table of `dataset` with its current rows, inside the caller's
    transaction; returns the rows written (0, doing nothing, for datasets without one)."""
    analytics = _ANALYTICS.get(dataset)
    if analytics is None:
        return 0
    table = analytics.table
    conn.execute(delete(table))
    written = 0
    names = [c.name for c in table.columns]
    for statement in analytics.build(schema.table_for(dataset), conn.dialect.name):
        result = conn.execute(insert(table).from_select(names, statement))
        written += result.rowcount if result.rowcount >= 0 else 0
    if written == 0:  # a driver not reporting rowcount for INSERT ... SELECT: count instead
        written = conn.execute(select(func.count()).select_from(table)).scalar_one()
    return written


def rebuild_all(conn: Connection) -> dict[str, int]:
    """Rebuild every analytics table; returns rows written per dataset."""
    return {dataset: rebuild(conn, dataset) for dataset in AGG_TABLES}


def rebuild_empty(conn: Connection) -> dict[str, int]:
    """Rebuild the analytics tables that are empty while their source has current rows (a
    warehouse upgraded from before they existed); returns rows written per rebuilt dataset."""
    rebuilt = {}
    for dataset, table in AGG_TABLES.items():
        source = schema.table_for(dataset)
        has_agg = conn.execute(select(exists().select_from(table))).scalar()
        has_data = conn.execute(select(exists().where(_current(source)))).scalar()
        if has_data and not has_agg:
            rebuilt[dataset] = rebuild(conn, dataset)
    return rebuilt


# ---------------------------------------------------------------------------- reading
def _polars_type(column: Column) -> pl.DataType:
    kind = column.type
    if isinstance(kind, Date):
        return pl.Date
    if isinstance(kind, Integer):  # BigInteger too
        return pl.Int64
    if isinstance(kind, Float):
        return pl.Float64
    return pl.Utf8


def polars_schema(dataset: str) -> dict[str, pl.DataType]:
    """Column name -> Polars dtype of `load(dataset)`, in table order."""
    return {c.name: _polars_type(c) for c in _table(dataset).columns}


def _table(dataset: str) -> Table:
    try:
        return AGG_TABLES[dataset]
    except KeyError:
        ds.get(dataset)  # an unknown name says which names exist
        raise KeyError(f"dataset {dataset!r} has no analytics table") from None


def _read(conn: Connection, table: Table, statement: Select) -> pl.DataFrame:
    """Column-wise, parameters bound: Arrow (ADBC) on PostgreSQL, see `data_access.arrow`."""
    return arrow.read_frame(conn, statement, {c.name: _polars_type(c) for c in table.columns})


def load(conn: Connection, dataset: str, where: dict[str, object] | None = None) -> pl.DataFrame:
    """The analytics table of `dataset` as a Polars frame (columns in table order).

    `where` maps a column to a value (None means IS NULL) or a list/tuple/set of values (IN);
    values are bound as parameters. Dates are pl.Date, counts Int64, amounts Float64, codes Utf8,
    on both SQLite and PostgreSQL; an empty result keeps that schema. Row order is unspecified.
    """
    table = _table(dataset)
    statement = select(table)
    for name, value in (where or {}).items():
        if name not in table.c:
            raise KeyError(f"{table.name} has no column {name!r}; it has: "
                           f"{', '.join(table.c.keys())}")
        column = table.c[name]
        if isinstance(value, list | tuple | set | frozenset):
            statement = statement.where(column.in_(list(value)))
        elif value is None:
            statement = statement.where(column.is_(None))
        else:
            statement = statement.where(column == value)
    return _read(conn, table, statement)


def load_official(conn: Connection, dataset: str, country: str) -> pl.DataFrame:
    """Rows of an official (unhcr-*) analytics table where `country` is the country of asylum
    or the country of origin."""
    if not ds.get(dataset).official:
        raise KeyError(f"{dataset!r} is not an official statistics dataset")
    table = _table(dataset)
    code = country.upper()
    statement = select(table).where(or_(table.c.coa_iso == code, table.c.coo_iso == code))
    return _read(conn, table, statement)
