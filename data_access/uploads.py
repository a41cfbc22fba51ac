"""Uploads from the data page: rights, limits and hostile files, then the importer; audited.

The data page hands over the bytes, the file name, the dataset and who is acting; this module
decides, whatever the page shows:

1. the role may import the dataset (`Dataset.import_roles`), else `NotAllowed`;
2. the file is what it says and small enough (`check_file`): `.csv` or `.xlsx` only, not empty,
   at most `HAMKORI_UPLOAD_MAX_MB` megabytes and `HAMKORI_UPLOAD_MAX_ROWS` rows, a CSV is text
   (no NUL bytes, not a ZIP in disguise), an XLSX is a real workbook that does not expand to
   more than `XLSX_EXPANSION` × the size limit (a "ZIP bomb"), else `UploadRefused`;
3. then the importer validates the whole file and writes it in one transaction, or writes
   nothing (`importer.ImportRefused` with every problem).

Every outcome goes to the audit log: `import`, `import_refused` (with the reason), `refused`.
Rollback (`rollback_batch`) is for the data manager only.
"""

from __future__ import annotations

import io
import os
import zipfile
import zlib
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import PurePath

import polars as pl
from sqlalchemy import Engine, func, select

import locales
from data_access import audit, auth, export, importer, readers, schema
from data_access import datasets as ds
from locales import N_, _

ACCEPTED_SUFFIXES = (".csv", ".xlsx")
DEFAULT_MAX_MB = 50
DEFAULT_MAX_ROWS = 1_000_000
#: An XLSX is a ZIP: refuse one whose content expands beyond this many times the size limit.
XLSX_EXPANSION = 20


class UploadRefused(ValueError):
    """The file was refused before reading it; nothing was written. The message says why."""


@dataclass(frozen=True)
class Limits:
    max_mb: int = DEFAULT_MAX_MB
    max_rows: int = DEFAULT_MAX_ROWS

    @property
    def max_bytes(self) -> int:
        return self.max_mb * 1024 * 1024


def _positive(name: str, default: int) -> int:
    text = os.environ.get(name, "").strip().replace("_", "").replace(",", "")
    if not text:
        return default
    if not text.isdigit() or int(text) < 1:
        raise auth.ConfigurationError(f"{name} must be a positive whole number, not {text!r}")
    return int(text)


def limits() -> Limits:
    """`HAMKORI_UPLOAD_MAX_MB` (default 50; keep `server.maxUploadSize` in .streamlit/config.toml
    at least as large) and `HAMKORI_UPLOAD_MAX_ROWS` (default 1,000,000)."""
    return Limits(_positive("HAMKORI_UPLOAD_MAX_MB", DEFAULT_MAX_MB),
                  _positive("HAMKORI_UPLOAD_MAX_ROWS", DEFAULT_MAX_ROWS))


def _megabytes(size: int) -> str:
    return _("{size} MB").format(size=locales.number(float(f"{size / 1024 / 1024:.1f}"), 1))


def _refused(message: str, **values) -> UploadRefused:
    """`message` (an English message marked with `N_`) in the current language for the user,
    and in English (`english`) for the audit log."""
    refused = UploadRefused(_(message).format(**values))
    refused.english = message.format(**values)
    return refused


def check_file(data: bytes, file_name: str, limit: Limits) -> int:
    """Refuse a file that is not a plain CSV or a real XLSX within the limits (`UploadRefused`);
    returns its number of lines (CSV) or sheet rows (XLSX), header included."""
    suffix = PurePath(file_name).suffix.lower()
    if suffix not in ACCEPTED_SUFFIXES:
        raise _refused(N_("{file}: only CSV (.csv) and Excel (.xlsx) files are accepted here, "
                          "not {suffix}. Save the sheet as CSV or XLSX and upload again."),
                       file=file_name, suffix=suffix or _("no extension"))
    if not data:
        raise _refused(N_("{file}: the file is empty."), file=file_name)
    if len(data) > limit.max_bytes:
        raise _refused(N_("{file}: the file is {size}; the limit is {limit} MB. Split it (for "
                          "example by period) and upload the parts one after the other."),
                       file=file_name, size=_megabytes(len(data)), limit=limit.max_mb)
    if suffix == ".xlsx":
        rows = _xlsx_rows(data, file_name, limit)
    else:
        rows = _csv_lines(data, file_name)
    if rows - 1 > limit.max_rows:
        raise _refused(N_("{file}: the file has about {rows} rows; the limit is {limit}. Split "
                          "it (for example by period) and upload the parts."),
                       file=file_name, rows=locales.number(rows - 1),
                       limit=locales.number(limit.max_rows))
    return rows


def _csv_lines(data: bytes, file_name: str) -> int:
    if data[:4] == b"PK\x03\x04":
        raise _refused(N_("{file}: this is a ZIP or Excel file named .csv; upload the workbook "
                          "as .xlsx, or save the sheet as CSV."), file=file_name)
    if b"\x00" in data:
        raise _refused(N_("{file}: this is not a text CSV file (it holds binary data). Save the "
                          "sheet as CSV (UTF-8) and upload again."), file=file_name)
    return data.count(b"\n") + (0 if data.endswith(b"\n") else 1)


def _xlsx_rows(data: bytes, file_name: str, limit: Limits) -> int:
    not_a_workbook = _refused(N_("{file}: this is not an Excel workbook (.xlsx). Old .xls files "
                                "must be saved as .xlsx or CSV first."), file=file_name)
    if data[:4] != b"PK\x03\x04":
        raise not_a_workbook
    cap = XLSX_EXPANSION * limit.max_bytes
    too_big = _refused(N_("{file}: the workbook expands to more than {size}, far more than a "
                          "table of this size holds; it was not opened."), file=file_name,
                       size=_megabytes(cap))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            names = {member.filename for member in members}
            if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
                raise not_a_workbook
            if sum(member.file_size for member in members) > cap:
                raise too_big
            # The sizes a ZIP declares can lie ("zip bomb"): count what really comes out, in
            # chunks, and stop at the cap. A member larger than it declares fails its CRC.
            expanded = 0
            for member in members:
                with archive.open(member) as stream:
                    while chunk := stream.read(1 << 20):
                        expanded += len(chunk)
                        if expanded > cap:
                            raise too_big
    except UploadRefused:
        raise
    except (zipfile.BadZipFile, ValueError, EOFError, zlib.error, NotImplementedError):
        raise not_a_workbook from None
    try:
        rows, _ = readers.read_rows(data, file_name)
    except readers.UnreadableFile as exc:
        raise _refused(N_("{file}: {reason}"), file=file_name, reason=exc) from None
    return len(rows)


def import_upload(engine: Engine, dataset: str, data: bytes, file_name: str, *,
                  actor: audit.Actor, replace: bool = False, limit: Limits | None = None,
                  progress: importer.Progress | None = None) -> importer.ImportResult:
    """Check rights and the file, then import it (validated whole, one transaction).

    Raises `auth.NotAllowed`, `UploadRefused` or `importer.ImportRefused`; nothing is written
    then. Every outcome is in the audit log."""
    spec = ds.get(dataset)
    file_name = PurePath(file_name.replace("\\", "/")).name or f"{dataset}-upload"
    if not auth.may_import(actor.audience, dataset):
        audit.record(engine, actor, "refused", dataset, f"upload of {file_name} refused: the "
                     f"{actor.audience} role may not import {dataset}")
        raise auth.NotAllowed(_("The {audience} role may not import {dataset}.").format(
            audience=actor.audience, dataset=spec.display_title))
    def record_import(connection, result: importer.ImportResult) -> None:  # same transaction
        audit.record(connection, actor, "import", dataset,
                     f"batch {result.batch_id}: {file_name}, {result.rows:,} rows"
                     + (f", {result.replaced_rows:,} replaced" if result.replaced_rows else ""))

    try:
        check_file(data, file_name, limit or limits())
        return importer.import_file(engine, dataset, data, user=actor.user,
                                    file_name=file_name, replace=replace, progress=progress,
                                    after=record_import)
    except UploadRefused as exc:
        audit.record(engine, actor, "import_refused", dataset, getattr(exc, "english", str(exc)))
        raise
    except importer.ImportRefused as exc:
        count = exc.problems.height if exc.problems is not None else 0
        reason = f"{count:,} problem(s) in {file_name}" if count else str(exc)
        audit.record(engine, actor, "import_refused", dataset, reason)
        raise
    except Exception as exc:  # anything unforeseen: nothing was written, and the log says so
        audit.record_safely(engine, actor, "import_refused", dataset,
                            f"{file_name}: failed ({type(exc).__name__})")
        raise


def rollback_batch(engine: Engine, batch_id: int, *, actor: audit.Actor
                   ) -> importer.RollbackResult:
    """Roll an import back: the data manager only. Raises `NotAllowed` or `ImportRefused`."""
    if not auth.may_rollback(actor.audience):
        audit.record(engine, actor, "refused", f"batch {batch_id}",
                     f"rollback refused: the {actor.audience} role may not roll back imports")
        raise auth.NotAllowed(_("Only the data manager may roll an import back."))
    return importer.rollback(engine, batch_id, user=actor.user, after=lambda connection, result:
                             audit.record(connection, actor, "rollback", result.dataset,
                                          result.message))


def problem_report(problems: pl.DataFrame) -> bytes:
    """The validation report as a CSV a partner opens in Excel: row, column, value, reason —
    formulas neutralised (a value like `=HYPERLINK(…)` from the upload stays text)."""
    return export.to_csv(problems)


# ------------------------------------------------------------------------------- history
def history(engine: Engine, role: str) -> pl.DataFrame:
    """Import batches newest first: the data manager sees every dataset, the agencies the
    datasets they may import."""
    batches = importer.list_batches(engine)
    if batches.is_empty():
        return batches
    if role != "admin":
        batches = batches.filter(pl.col("dataset").is_in(auth.importable_datasets(role)))
    return batches.sort("id", descending=True)


def _period_text(spec: ds.Dataset, column: str, value) -> str | None:
    if value is None:
        return None
    if spec.column(column).kind == ds.MONTH and isinstance(value, date):
        return value.strftime("%Y-%m")
    return value.isoformat() if isinstance(value, date) else str(value)


def _naive_utc(moment: datetime | None) -> datetime | None:
    if moment is None or moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)


def freshness(engine: Engine, role: str) -> pl.DataFrame:
    """Per dataset: current rows, last import (when, by whom, file) and the period covered."""
    b = schema.import_batch
    names = list(ds.DATASETS) if role == "admin" else auth.importable_datasets(role)
    rows = []
    with engine.connect() as connection:
        for name in names:
            spec = ds.get(name)
            table = schema.table_for(name)
            current = table.c.superseded_by.is_(None)
            first = last = None
            if spec.covers:
                first_column, last_column = (table.c[c] for c in spec.covers)
                count, first, last = connection.execute(
                    select(func.count(), func.min(first_column), func.max(last_column))
                    .where(current)).one()
            else:
                count = connection.execute(select(func.count()).where(current)
                                           .select_from(table)).scalar_one()
            latest = connection.execute(
                select(b.c.imported_at, b.c.user_name, b.c.file_name)
                .where(b.c.dataset == name, b.c.status == "active")
                .order_by(b.c.imported_at.desc(), b.c.id.desc()).limit(1)).first()
            rows.append({
                "dataset": name, "title": spec.title, "rows": count,
                "first": _period_text(spec, spec.covers[0], first) if spec.covers else None,
                "last": _period_text(spec, spec.covers[1], last) if spec.covers else None,
                "last_import": _naive_utc(latest[0]) if latest else None,
                "imported_by": latest[1] if latest else None,
                "file": latest[2] if latest else None,
            })
    return pl.DataFrame(rows, schema={
        "dataset": pl.String, "title": pl.String, "rows": pl.Int64, "first": pl.String,
        "last": pl.String, "last_import": pl.Datetime("us"), "imported_by": pl.String,
        "file": pl.String}, strict=False)
