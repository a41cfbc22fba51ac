"""Data: upload a partner's file, see what the warehouse holds and where it came from.

- **Upload** (UNHCR, UNICEF, data manager — each the datasets it may import, declared in
  `data_access/datasets.py`): a CSV or XLSX file goes through `data_access.uploads` (rights, size,
  rows, hostile files) and the importer (every row validated before anything is written, one
  transaction). A refused file shows every problem as a table the partner can act on, and as a
  CSV to download (formulas neutralised); nothing was written.
- **Freshness**: per dataset, current rows, the period covered and the last import.
- **Import history**: file, user, rows, when; the data manager may roll an import back.

Rights are enforced in `data_access.uploads` whatever this page shows; every upload, refusal
and rollback is in the audit log.
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from data_access import auth, cache, importer, uploads
from data_access import datasets as ds
from pages._context import current_viewer, require_page

OUTCOME_KEY = "data.upload.outcome"
ROLLBACK_KEY = "data.rollback.outcome"
#: Problems listed on screen (the downloadable report has all of them).
MAX_SHOWN = 5_000

PROBLEM_COLUMNS = {
    "row": st.column_config.NumberColumn("Row", help="Line in the file (the header is line 1)"),
    "column": st.column_config.TextColumn("Column"),
    "value": st.column_config.TextColumn("Value in the file"),
    "reason": st.column_config.TextColumn("What to fix", width="large"),
}
FRESHNESS_COLUMNS = {
    "title": st.column_config.TextColumn("Dataset", width="large"),
    "dataset": st.column_config.TextColumn("Template"),
    "rows": st.column_config.NumberColumn("Current rows", format="localized"),
    "first": st.column_config.TextColumn("Covers from"),
    "last": st.column_config.TextColumn("to"),
    "last_import": st.column_config.DatetimeColumn("Last import (UTC)", format="YYYY-MM-DD HH:mm"),
    "imported_by": st.column_config.TextColumn("By"),
    "file": st.column_config.TextColumn("File"),
}
HISTORY_COLUMNS = {
    "id": st.column_config.NumberColumn("Batch"),
    "dataset": st.column_config.TextColumn("Dataset"),
    "file_name": st.column_config.TextColumn("File", width="medium"),
    "rows": st.column_config.NumberColumn("Rows", format="localized"),
    "replaced_rows": st.column_config.NumberColumn("Replaced", format="localized"),
    "user_name": st.column_config.TextColumn("By"),
    "imported_at": st.column_config.DatetimeColumn("When (UTC)", format="YYYY-MM-DD HH:mm"),
    "status": st.column_config.TextColumn("Status"),
    "rolled_back_by": st.column_config.TextColumn("Rolled back by"),
}


def template_csv(spec: ds.Dataset) -> bytes:
    return (",".join(spec.column_names) + "\n").encode("utf-8")


def describe(name: str) -> str:
    return f"{ds.get(name).title} ({name})"


def engine():
    return cache.engine(cache.warehouse_status().url)


# ---------------------------------------------------------------------------------- upload
def upload(role: str) -> None:
    st.subheader("Upload a file")
    names = auth.importable_datasets(role)
    if not names:
        st.info("Your role imports no dataset here.", icon=":material/info:")
        return
    limit = uploads.limits()
    name = st.selectbox("Dataset", names, format_func=describe, key="data.dataset")
    spec = ds.get(name)
    st.caption("Template columns (`?` may be empty): "
               + ", ".join(f"`{c.name}{'' if c.required else '?'}`" for c in spec.columns)
               + f". CSV (UTF-8 or Windows-1251) or XLSX, at most {limit.max_mb} MB and "
               f"{limit.max_rows:,} rows.")
    st.download_button("Empty template (CSV)", template_csv(spec), file_name=f"{name}.csv",
                       mime="text/csv", icon=":material/description:", on_click="ignore",
                       key="data.template")
    # No `type=`: Streamlit would answer another extension with a bare exception; the upload
    # module refuses it with a clear message instead (and logs it in the audit log).
    uploaded = st.file_uploader("File to import (CSV or XLSX)", max_upload_size=limit.max_mb,
                                key="data.file")
    replace = st.checkbox(
        "Replace the periods this file covers", key="data.replace",
        help="A corrected file for periods (or cases) already in the warehouse: the earlier "
        "rows are kept and come back if this import is rolled back.")
    if st.button("Validate and import", type="primary", icon=":material/upload:",
                 disabled=uploaded is None, key="data.import"):
        st.session_state[OUTCOME_KEY] = run_import(name, uploaded, replace, role)
    show_outcome(st.session_state.get(OUTCOME_KEY))


def shown_name(name: str) -> str:
    """The uploaded file's name with the characters Markdown would act on (links, images,
    HTML) replaced: it is shown in messages and kept in the import log."""
    return "".join("_" if c in "[]()!<>`*|" else c for c in name)


def run_import(name: str, uploaded, replace: bool, role: str) -> dict:
    """Import the uploaded file; the outcome is kept for the next runs of the page."""
    progress = st.progress(0.0, text="Reading and validating every row…")

    def report(stage: str, done: int, total: int) -> None:
        if stage == "validated":
            progress.progress(0.5, text=f"Validated {done:,} rows; writing…")
        else:
            progress.progress(0.5 + 0.5 * done / max(total, 1),
                              text=f"Written {done:,} of {total:,} rows")

    data = uploaded.getvalue()
    file_name = shown_name(uploaded.name)
    actor = current_viewer().actor
    try:
        result = cache.guarded(lambda: uploads.import_upload(
            engine(), name, data, file_name, actor=actor, replace=replace,
            limit=uploads.limits(), progress=report))
    except (auth.NotAllowed, uploads.UploadRefused) as refused:
        progress.empty()
        return {"kind": "refused", "message": str(refused), "file": file_name}
    except importer.ImportRefused as refused:
        progress.empty()
        problems = refused.problems if refused.problems is not None else None
        return {"kind": "refused", "message": str(refused), "file": file_name,
                "problems": problems}
    progress.progress(1.0, text="Done")
    cache.refresh()
    kind = "imported" if result.status == "imported" else "unchanged"
    return {"kind": kind, "message": result.message, "file": file_name}


def show_outcome(outcome: dict | None) -> None:
    if not outcome:
        return
    if outcome["kind"] == "imported":
        st.success(f"{outcome['file']}: {outcome['message']}.", icon=":material/check_circle:")
        return
    if outcome["kind"] == "unchanged":
        st.info(f"{outcome['file']}: {outcome['message']}.", icon=":material/info:")
        return
    st.error(outcome["message"].splitlines()[0], icon=":material/block:")
    problems: pl.DataFrame | None = outcome.get("problems")
    if problems is None or problems.is_empty():
        return
    st.markdown(f"**{problems.height:,} problem(s)** — fix them in the file and upload it "
                "again. Nothing was written.")
    shown = problems.head(MAX_SHOWN)
    st.dataframe(shown, column_config=PROBLEM_COLUMNS, hide_index=True,
                 height=min(400, 38 + 35 * shown.height))
    if problems.height > MAX_SHOWN:
        st.caption(f"The first {MAX_SHOWN:,} are shown; the CSV below lists all of them.")
    stem = outcome["file"].rsplit(".", 1)[0]
    st.download_button("Download the problems (CSV)", uploads.problem_report(problems),
                       file_name=f"{stem}-problems.csv", mime="text/csv",
                       icon=":material/download:", on_click="ignore", key="data.report")


# ---------------------------------------------------------------------------------- state
def freshness(role: str) -> None:
    st.subheader("What the warehouse holds")
    frame = cache.dataset_freshness(role).with_columns(
        pl.col("first", "last", "imported_by", "file").fill_null("—"))
    st.dataframe(frame.select(list(FRESHNESS_COLUMNS)), column_config=FRESHNESS_COLUMNS,
                 hide_index=True)


def history(role: str) -> None:
    st.subheader("Import history")
    batches = cache.import_history(role)
    if batches.is_empty():
        st.info("Nothing imported yet.", icon=":material/info:")
        return
    st.dataframe(batches.select(list(HISTORY_COLUMNS)), column_config=HISTORY_COLUMNS,
                 hide_index=True, height=min(420, 38 + 35 * batches.height))
    if auth.may_rollback(role):
        rollback(batches)


def rollback(batches: pl.DataFrame) -> None:
    st.markdown("**Roll an import back** (data manager): its rows are removed and the rows it "
                "replaced come back.")
    active = batches.filter(pl.col("status") == "active")
    if active.is_empty():
        st.caption("No active import to roll back.")
        return
    labels = {row["id"]: f"{row['id']} — {row['dataset']} — {row['file_name']} "
                         f"({row['rows']:,} rows)"
              for row in active.iter_rows(named=True)}
    batch_id = st.selectbox("Import", list(labels), format_func=labels.get,
                            key="data.rollback.batch")
    sure = st.checkbox("I want to remove this import from the warehouse",
                       key="data.rollback.sure")
    if st.button("Roll back", icon=":material/undo:", disabled=not sure,
                 key="data.rollback.go"):
        actor = current_viewer().actor
        try:
            result = cache.guarded(lambda: uploads.rollback_batch(engine(), int(batch_id),
                                                                  actor=actor))
        except (auth.NotAllowed, importer.ImportRefused) as refused:
            st.session_state[ROLLBACK_KEY] = ("error", str(refused))
        else:
            cache.refresh()
            st.session_state[ROLLBACK_KEY] = ("success", result.message)
        st.rerun()


def show_rollback_outcome() -> None:
    outcome = st.session_state.pop(ROLLBACK_KEY, None)
    if outcome:
        kind, message = outcome
        (st.success if kind == "success" else st.error)(message)


def render() -> None:
    context = require_page("manage-data")
    st.title("Data")
    st.caption("Upload partners' files, see how fresh each dataset is and where every row "
               "came from. A file is validated whole: nothing is written until it is clean.")
    show_rollback_outcome()
    upload(context.audience)
    freshness(context.audience)
    history(context.audience)


render()
