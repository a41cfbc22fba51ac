"""Import a file into the warehouse: validate whole, write in one transaction, log, roll back.

This is a library first (the CLI and the upload page both call it):

- `import_file(engine, dataset, source, user=...)` reads a CSV/XLSX/ZIP, validates every row and
  only then opens one transaction that writes the rows and an `import_batch` log entry
  (dataset, file name, sha256, rows, user, time).
- An identical file (same sha256) already imported is a no-op that says so.
- A file whose partitions (e.g. the snapshot date of `population`) are already in the warehouse is
  refused with an explanation, unless `replace=True`: then the old rows are marked
  `superseded_by` the new batch — kept, not deleted — so that `rollback` restores them exactly.
- Any refusal raises `ImportRefused` and leaves the warehouse unchanged.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
from sqlalchemy import Connection, Engine, delete, func, insert, select, tuple_, update
from sqlalchemy.exc import IntegrityError

import locales
from data_access import analytics, schema
from data_access import datasets as ds
from data_access.readers import ROW, UnreadableFile, read_table
from data_access.validation import PROBLEM_SCHEMA, format_problems, validate
from data_access.warehouse import bump_data_version
from locales import _, ngettext

#: progress(stage, done, total): stage is "validated" or "written".
Progress = Callable[[str, int, int], None]
#: Called inside the import transaction before anything is written; raises ImportRefused to stop.
Precondition = Callable[[Connection], None]
#: Called inside the import/rollback transaction after the rows changed: hook(connection, dataset).
POST_CHANGE_HOOKS: list[Callable[[Connection, str], None]] = []

WRITE_CHUNK = 10_000
KEY_CHUNK = 2_000


class ImportRefused(Exception):
    """The import was refused; nothing was written. `problems` lists row-level problems."""

    def __init__(self, message: str, problems: pl.DataFrame | None = None):
        super().__init__(message)
        self.problems = problems

    def report(self, limit: int | None = None) -> str:
        text = str(self)
        if self.problems is not None and self.problems.height:
            text += "\n" + format_problems(self.problems, limit)
        return text


@dataclass(frozen=True)
class ImportResult:
    dataset: str
    status: str  # "imported" | "unchanged"
    batch_id: int | None
    rows: int
    replaced_rows: int
    message: str


@dataclass(frozen=True)
class RollbackResult:
    batch_id: int
    dataset: str
    removed_rows: int
    restored_rows: int
    message: str


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def import_file(engine: Engine, dataset: str, source: Path | str | bytes, *, user: str,
                file_name: str | None = None, replace: bool = False,
                progress: Progress | None = None,
                after: Callable[[Connection, ImportResult], None] | None = None
                ) -> ImportResult:
    """Import one file (path or bytes) into `dataset`. Raises ImportRefused. `after` runs inside
    the import's transaction once the rows are written (the audit line of an upload), so the
    import and it are written together or not at all."""
    spec = ds.get(dataset)
    if isinstance(source, bytes):
        data = source
        file_name = file_name or f"{dataset}-upload"
    else:
        path = Path(source)
        data = path.read_bytes()
        file_name = file_name or path.name
    digest = sha256(data)
    existing = _active_batch_with_hash(engine, spec.name, digest)
    if existing is not None:
        return _unchanged(spec, existing)
    typed, problems, height = _checked(spec, data, file_name)
    if progress:
        progress("validated", height, height)
    return _write(engine, spec, typed, problems, digest, file_name, user, replace, progress,
                  after=after)


def _checked(spec: ds.Dataset, data: bytes, file_name: str
             ) -> tuple[pl.DataFrame, pl.DataFrame, int]:
    """A file read and validated whole: the typed rows, the problems (in the current language)
    and the number of rows read. Raises ImportRefused when the file cannot be read."""
    try:
        raw = read_table(data, file_name, spec)
    except UnreadableFile as exc:
        raise ImportRefused(_("{file}: {reason}").format(file=file_name, reason=exc)) from exc
    typed, problems = validate(spec, raw.frame, raw.missing_columns)
    if raw.unknown_columns and not spec.official:
        # A misspelt column would otherwise be dropped silently: the template is the contract.
        # (Official downloads may carry extra columns we do not keep; those are ignored.)
        problems = pl.concat([_unknown_column_problems(spec, raw.unknown_columns), problems])
    return typed, problems, raw.frame.height


def file_problems(dataset: str, data: bytes, file_name: str) -> pl.DataFrame:
    """What is wrong with a file, worded in the current language, without touching the
    warehouse (the data page words a refused upload's problems again after a change of
    language). Raises ImportRefused when the file cannot be read."""
    return _checked(ds.get(dataset), data, file_name)[1]


def _unknown_column_problems(spec: ds.Dataset, names: list[str]) -> pl.DataFrame:
    expected = ", ".join(spec.column_names)
    return pl.DataFrame(
        {"row": [None] * len(names), "column": names, "value": [None] * len(names),
         "reason": [_("unknown column (the {dataset} template has: {columns})").format(
             dataset=spec.name, columns=expected)] * len(names)},
        schema=PROBLEM_SCHEMA,
    )


def import_frame(engine: Engine, dataset: str, frame: pl.DataFrame, *, file_name: str, user: str,
                 replace: bool = False, progress: Progress | None = None,
                 precondition: Precondition | None = None) -> ImportResult:
    """Import a Polars frame with the dataset's columns, exactly as if it were a CSV file.

    `precondition(connection)` runs first inside the write transaction (optimistic concurrency:
    e.g. "the row I edited is still the current one"); it refuses by raising ImportRefused."""
    spec = ds.get(dataset)
    as_text = frame.with_columns(pl.col(c).cast(pl.Utf8) for c in frame.columns)
    digest = sha256(as_text.write_csv().encode())
    existing = _active_batch_with_hash(engine, spec.name, digest)
    if existing is not None:
        return _unchanged(spec, existing)
    missing = [c.name for c in spec.columns if c.required and c.name not in frame.columns]
    typed, problems = validate(spec, as_text, missing)
    if progress:
        progress("validated", frame.height, frame.height)
    return _write(engine, spec, typed, problems, digest, file_name, user, replace, progress,
                  precondition)


def _unchanged(spec: ds.Dataset, batch: dict) -> ImportResult:
    return ImportResult(
        spec.name, "unchanged", batch["id"], 0, 0,
        f"identical file already imported as batch {batch['id']} ({batch['file_name']}, "
        f"{batch['imported_at']:%Y-%m-%d %H:%M} by {batch['user_name']}): nothing to do",
    )


def _active_batch_with_hash(engine: Engine, dataset: str, digest: str) -> dict | None:
    b = schema.import_batch
    with engine.connect() as conn:
        row = conn.execute(
            select(b).where(b.c.dataset == dataset, b.c.sha256 == digest, b.c.status == "active")
        ).mappings().first()
    return dict(row) if row else None


def _write(engine: Engine, spec: ds.Dataset, typed: pl.DataFrame, problems: pl.DataFrame,
           digest: str, file_name: str, user: str, replace: bool,
           progress: Progress | None, precondition: Precondition | None = None,
           after: Callable[[Connection, ImportResult], None] | None = None) -> ImportResult:
    _refuse_problems(file_name, typed, problems)
    with _writing(engine) as conn:
        if precondition is not None:
            precondition(conn)
        result = _write_in(conn, spec, typed, digest, file_name, user, replace, progress)
        if after is not None:
            after(conn, result)
    return result


@contextmanager
def _writing(engine: Engine) -> Iterator[Connection]:
    """A write transaction whose checks and writes are one unit.

    Writers take the warehouse's write lock first, so the overlap check cannot read a state
    another writer is about to change (imports are rare; readers are never blocked). SQLite: the
    Python driver would only open the transaction at the first INSERT; `BEGIN IMMEDIATE` takes
    the lock at once (WAL mode keeps readers going). PostgreSQL: the data-version row, which
    every writer updates anyway, is locked FOR UPDATE at the start."""
    with engine.begin() as conn:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            state = schema.warehouse_state
            conn.execute(select(state.c.id).where(state.c.id == 1).with_for_update())
        yield conn


def _refuse_problems(file_name: str, typed: pl.DataFrame, problems: pl.DataFrame) -> None:
    if problems.height:
        raise ImportRefused(
            ngettext("{file}: {count} problem found; nothing was imported. Fix the file and "
                     "import it again.",
                     "{file}: {count} problems found; nothing was imported. Fix the file and "
                     "import it again.", problems.height).format(file=file_name,
                                                                 count=problems.height),
            problems)
    if typed.height == 0:
        raise ImportRefused(_("{file}: the file has no data rows; nothing was imported.").format(
            file=file_name))


def _write_in(conn: Connection, spec: ds.Dataset, typed: pl.DataFrame, digest: str,
              file_name: str, user: str, replace: bool, progress: Progress | None
              ) -> ImportResult:
    """Write one validated table inside the caller's transaction: batch, rows, analytics."""
    rows = typed.drop(ROW)
    table = schema.table_for(spec.name)
    keys = rows.select(spec.partition).unique()
    overlap = _overlap(conn, table, spec, keys)
    if overlap.height and not replace:
        raise ImportRefused(_overlap_message(conn, spec, file_name, overlap))
    batch_id = conn.execute(
        insert(schema.import_batch).values(
            dataset=spec.name, file_name=file_name[:255], sha256=digest, rows=rows.height,
            replaced_rows=0, user_name=user[:120], imported_at=datetime.now(UTC),
            status="active",
        ).returning(schema.import_batch.c.id)
    ).scalar_one()
    replaced = _supersede(conn, table, spec, keys, batch_id) if overlap.height else 0
    rows = rows.with_columns(pl.lit(batch_id, dtype=pl.Int64).alias("batch_id"))
    _insert_rows(conn, table, rows, progress)
    conn.execute(update(schema.import_batch).where(schema.import_batch.c.id == batch_id)
                 .values(replaced_rows=replaced))
    bump_data_version(conn)
    analytics.rebuild(conn, spec.name)
    for hook in POST_CHANGE_HOOKS:
        hook(conn, spec.name)
    message = f"imported {rows.height:,} rows into {spec.name} as batch {batch_id}"
    if replaced:
        message += f"; {replaced:,} earlier rows replaced (kept for rollback)"
    return ImportResult(spec.name, "imported", batch_id, rows.height, replaced, message)


def import_workbook(engine: Engine, source: Path | str | bytes, sheets: dict[str, str], *,
                    user: str, file_name: str | None = None, replace: bool = False
                    ) -> list[ImportResult]:
    """Import several sheets of one XLSX workbook (`sheets`: dataset -> sheet name) all or nothing:
    every sheet is validated first, then all are written in one transaction."""
    if isinstance(source, bytes):
        data, file_name = source, file_name or "workbook.xlsx"
    else:
        data = Path(source).read_bytes()
        file_name = file_name or Path(source).name
    validated = []
    for dataset, sheet in sheets.items():
        spec = ds.get(dataset)
        where = f"{file_name} [{sheet}]"
        try:
            raw = read_table(data, file_name, spec, sheet=sheet)
        except UnreadableFile as exc:
            raise ImportRefused(_("{file}: {reason}").format(file=where, reason=exc)) from exc
        typed, problems = validate(spec, raw.frame, raw.missing_columns)
        if raw.unknown_columns:
            problems = pl.concat([_unknown_column_problems(spec, raw.unknown_columns), problems])
        _refuse_problems(where, typed, problems)
        digest = sha256(data + sheet.encode())
        validated.append((spec, typed, digest, where))
    with _writing(engine) as conn:
        return [_write_in(conn, spec, typed, digest, where, user, replace, None)
                for spec, typed, digest, where in validated]


def _insert_rows(conn: Connection, table, rows: pl.DataFrame, progress: Progress | None) -> None:
    """Bulk insert inside the open transaction: COPY on PostgreSQL, executemany elsewhere."""
    postgres = conn.dialect.name == "postgresql"
    for start in range(0, rows.height, WRITE_CHUNK):
        chunk = rows.slice(start, WRITE_CHUNK)
        if postgres:
            _copy_chunk(conn, table, chunk)
        else:
            conn.execute(insert(table), chunk.to_dicts())
        if progress:
            progress("written", min(start + WRITE_CHUNK, rows.height), rows.height)


def _copy_chunk(conn: Connection, table, chunk: pl.DataFrame) -> None:
    """PostgreSQL COPY of one chunk as CSV: strings quoted (so '' stays ''), nulls unquoted."""
    from psycopg import errors, sql

    statement = sql.SQL("COPY {} ({}) FROM STDIN WITH (FORMAT csv)").format(
        sql.Identifier(table.name), sql.SQL(", ").join(map(sql.Identifier, chunk.columns)))
    payload = chunk.write_csv(include_header=False, quote_style="non_numeric", null_value="")
    try:
        with conn.connection.driver_connection.cursor() as cursor, cursor.copy(statement) as copy:
            copy.write(payload)
    except errors.IntegrityError as exc:  # the same exception type as the executemany path
        raise IntegrityError(f"COPY {table.name}", None, exc) from exc


def _key_chunks(keys: pl.DataFrame):
    for start in range(0, keys.height, KEY_CHUNK):
        yield [tuple(r) for r in keys.slice(start, KEY_CHUNK).iter_rows()]


def _key_filter(table, spec: ds.Dataset, chunk: list[tuple]):
    columns = [table.c[name] for name in spec.partition]
    if len(columns) == 1:
        return columns[0].in_([k[0] for k in chunk])
    return tuple_(*columns).in_(chunk)


def _overlap(conn: Connection, table, spec: ds.Dataset, keys: pl.DataFrame) -> pl.DataFrame:
    """Current rows sharing a partition with the file: count per batch and partition key."""
    found = []
    columns = [table.c[name] for name in spec.partition]
    for chunk in _key_chunks(keys):
        result = conn.execute(
            select(table.c.batch_id, *columns, func.count().label("rows"))
            .where(table.c.superseded_by.is_(None), _key_filter(table, spec, chunk))
            .group_by(table.c.batch_id, *columns)
        ).all()
        found.extend(result)
    return pl.DataFrame([tuple(r) for r in found],
                        schema=["batch_id", *spec.partition, "rows"], orient="row")


def _overlap_message(conn: Connection, spec: ds.Dataset, file_name: str,
                     overlap: pl.DataFrame) -> str:
    b = schema.import_batch
    batch_ids = overlap.get_column("batch_id").unique().sort().to_list()
    batches = conn.execute(select(b.c.id, b.c.file_name, b.c.imported_at, b.c.user_name)
                           .where(b.c.id.in_(batch_ids))).all()
    keys = overlap.select(spec.partition).unique().sort(spec.partition)
    shown = ", ".join(" / ".join(str(v) for v in row) for row in keys.head(8).iter_rows())
    if keys.height > 8:
        shown += " " + _("and {count} more").format(count=keys.height - 8)
    described = "; ".join(_("batch {batch} ({file}, {date} by {user})").format(
        batch=i, file=name, date=f"{when:%Y-%m-%d}", user=who) for i, name, when, who in batches)
    total = overlap.get_column("rows").sum()
    return _(
        "{file}: the warehouse already holds {rows} {dataset} rows for {partition} {keys}, from "
        "{batches}. Nothing was imported. If this file is the corrected version, import it "
        "again with --replace (the earlier rows are kept and come back if you roll this import "
        "back)."
    ).format(file=file_name, rows=locales.number(total), dataset=spec.name,
             partition=" / ".join(spec.partition), keys=shown, batches=described)


def _supersede(conn: Connection, table, spec: ds.Dataset, keys: pl.DataFrame, batch_id: int) -> int:
    replaced = 0
    for chunk in _key_chunks(keys):
        result = conn.execute(
            update(table)
            .where(table.c.superseded_by.is_(None), _key_filter(table, spec, chunk))
            .values(superseded_by=batch_id)
        )
        replaced += result.rowcount
    return replaced


def rollback(engine: Engine, batch_id: int, *, user: str,
             after: Callable[[Connection, RollbackResult], None] | None = None
             ) -> RollbackResult:
    """Remove one batch exactly: its rows go, the rows it replaced come back. `after` runs in
    the same transaction (the audit line)."""
    b = schema.import_batch
    with _writing(engine) as conn:
        batch = conn.execute(select(b).where(b.c.id == batch_id)).mappings().first()
        if batch is None:
            raise ImportRefused(_("there is no batch {batch}").format(batch=batch_id))
        if batch["status"] != "active":
            raise ImportRefused(_("batch {batch} was already rolled back ({date} by {user})")
                                .format(batch=batch_id, date=f"{batch['rolled_back_at']:%Y-%m-%d}",
                                        user=batch["rolled_back_by"]))
        table = schema.table_for(batch["dataset"])
        later = conn.execute(
            select(table.c.superseded_by).distinct()
            .where(table.c.batch_id == batch_id, table.c.superseded_by.is_not(None))
        ).scalars().all()
        if later:
            raise ImportRefused(
                _("batch {batch} was itself replaced by batch(es) {later}: roll those back first")
                .format(batch=batch_id, later=", ".join(map(str, sorted(later)))))
        removed = conn.execute(delete(table).where(table.c.batch_id == batch_id)).rowcount
        restored = conn.execute(update(table).where(table.c.superseded_by == batch_id)
                                .values(superseded_by=None)).rowcount
        conn.execute(update(b).where(b.c.id == batch_id).values(
            status="rolled_back", rolled_back_at=datetime.now(UTC), rolled_back_by=user[:120]))
        bump_data_version(conn)
        analytics.rebuild(conn, batch["dataset"])
        for hook in POST_CHANGE_HOOKS:
            hook(conn, batch["dataset"])
        message = f"rolled back batch {batch_id} ({batch['dataset']}): {removed:,} rows removed"
        if restored:
            message += f", {restored:,} earlier rows restored"
        result = RollbackResult(batch_id, batch["dataset"], removed, restored, message)
        if after is not None:
            after(conn, result)
    return result


def list_batches(engine: Engine, dataset: str | None = None) -> pl.DataFrame:
    b = schema.import_batch
    query = select(b).order_by(b.c.id)
    if dataset:
        query = query.where(b.c.dataset == dataset)
    with engine.connect() as conn:
        rows = conn.execute(query).mappings().all()
    if not rows:
        return pl.DataFrame(schema=[c.name for c in b.columns])
    return pl.DataFrame([dict(r) for r in rows], infer_schema_length=None)
