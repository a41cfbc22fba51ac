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

import logging
import re
from collections.abc import Mapping
from datetime import date

import polars as pl
import streamlit as st

import locales
from data_access import auth, cache, importer, uploads
from data_access import datasets as ds
from locales import N_, _, ngettext
from pages._context import current_viewer, in_this_language, keep_choice, require_page
from pages._view import figures_in_language

_LOG = logging.getLogger("hamkori.data")
OUTCOME_KEY = "data.upload.outcome"
ROLLBACK_KEY = "data.rollback.outcome"
#: Problems listed on screen (the downloadable report has all of them).
MAX_SHOWN = 5_000

# Column titles in the language of the run (a page script runs anew each time).
PROBLEM_COLUMNS = {
    "row": st.column_config.NumberColumn(_("Row"),
                                         help=_("Line in the file (the header is line 1)")),
    "column": st.column_config.TextColumn(_("Column")),
    "value": st.column_config.TextColumn(_("Value in the file")),
    "reason": st.column_config.TextColumn(_("What to fix"), width="large"),
}
#: The counts of the tables, written as the language writes them (`figures_in_language`).
COUNTS = {"rows": "number", "replaced_rows": "number"}
FRESHNESS_COLUMNS = {
    "title": st.column_config.TextColumn(_("Dataset"), width="large"),
    "dataset": st.column_config.TextColumn(_("Template")),
    "rows": st.column_config.NumberColumn(_("Current rows")),
    "first": st.column_config.TextColumn(_("Covers from")),
    "last": st.column_config.TextColumn(_("to")),
    "last_import": st.column_config.DatetimeColumn(_("Last import (UTC)"),
                                                   format="YYYY-MM-DD HH:mm"),
    "imported_by": st.column_config.TextColumn(_("By")),
    "file": st.column_config.TextColumn(_("File")),
}
HISTORY_COLUMNS = {
    "id": st.column_config.NumberColumn(_("Batch")),
    "dataset": st.column_config.TextColumn(_("Dataset")),
    "file_name": st.column_config.TextColumn(_("File"), width="medium"),
    "rows": st.column_config.NumberColumn(_("Rows")),
    "replaced_rows": st.column_config.NumberColumn(_("Replaced")),
    "user_name": st.column_config.TextColumn(_("By")),
    "imported_at": st.column_config.DatetimeColumn(_("When (UTC)"), format="YYYY-MM-DD HH:mm"),
    "status": st.column_config.TextColumn(_("Status")),
    "rolled_back_by": st.column_config.TextColumn(_("Rolled back by")),
}
#: An import batch's status, in words (the warehouse keeps the codes).
BATCH_STATUS = {"active": N_("active"), "rolled_back": N_("rolled back")}


def template_csv(spec: ds.Dataset) -> bytes:
    return (",".join(spec.column_names) + "\n").encode("utf-8")


def describe(name: str) -> str:
    """A dataset by its title in the language, with the template's name people type."""
    return f"{ds.get(name).display_title} ({name})" if name in ds.DATASETS else name


def imported_message(outcome: Mapping) -> str:
    """What an import did, in the current language, from the outcome kept in the session (the
    numbers, not a sentence: a change of language rewrites it)."""
    if outcome["kind"] != "imported":
        return _("{file}: identical file already imported as batch {batch}: nothing to do.").format(
            file=outcome["file"], batch=outcome["batch"])
    text = ngettext("{file}: imported {rows} row into {dataset} as batch {batch}.",
                    "{file}: imported {rows} rows into {dataset} as batch {batch}.",
                    outcome["rows"]).format(file=outcome["file"], rows=locales.number(outcome["rows"]),
                                           dataset=describe(outcome["dataset"]),
                                           batch=outcome["batch"])
    if outcome["replaced"]:
        text += " " + ngettext("{rows} earlier row was replaced (kept for rollback).",
                               "{rows} earlier rows were replaced (kept for rollback).",
                               outcome["replaced"]).format(rows=locales.number(outcome["replaced"]))
    return text


def rolled_back_message(result: importer.RollbackResult) -> str:
    """What a rollback did, in the current language (`result.message` is the log's English)."""
    text = ngettext("rolled back batch {batch} — {dataset}: {rows} row removed",
                    "rolled back batch {batch} — {dataset}: {rows} rows removed",
                    result.removed_rows).format(batch=result.batch_id, dataset=describe(result.dataset),
                                                rows=locales.number(result.removed_rows))
    if result.restored_rows:
        text += ", " + ngettext("{rows} earlier row restored", "{rows} earlier rows restored",
                                result.restored_rows).format(
            rows=locales.number(result.restored_rows))
    return text


def engine():
    return cache.engine(cache.warehouse_status().url)


# ---------------------------------------------------------------------------------- upload
def upload(role: str) -> None:
    st.subheader(_("Upload a file"))
    names = auth.importable_datasets(role)
    if not names:
        st.info(_("Your role imports no dataset here."), icon=":material/info:")
        return
    limit = uploads.limits()
    keep_choice("data.dataset")
    name = st.selectbox(_("Dataset"), names, format_func=in_this_language(describe),
                        key="data.dataset")
    spec = ds.get(name)
    st.caption(_("Template columns (`?` may be empty): {columns}. CSV (UTF-8 or Windows-1251) "
                 "or XLSX, at most {megabytes} MB and {rows} rows.").format(
        columns=", ".join(f"`{c.name}{'' if c.required else '?'}`" for c in spec.columns),
        megabytes=limit.max_mb, rows=locales.number(limit.max_rows)))
    st.download_button(_("Empty template (CSV)"), template_csv(spec), file_name=f"{name}.csv",
                       mime="text/csv", icon=":material/description:", on_click="ignore",
                       key="data.template")
    # No `type=`: Streamlit would answer another extension with a bare exception; the upload
    # module refuses it with a clear message instead (and logs it in the audit log).
    uploaded = st.file_uploader(_("File to import (CSV or XLSX)"), max_upload_size=limit.max_mb,
                                key="data.file")
    replace = st.checkbox(
        _("Replace the periods this file covers"), key="data.replace",
        help=_("A corrected file for periods (or cases) already in the warehouse: the earlier "
               "rows are kept and come back if this import is rolled back."))
    if st.button(_("Validate and import"), type="primary", icon=":material/upload:",
                 disabled=uploaded is None, key="data.import"):
        st.session_state[OUTCOME_KEY] = run_import(name, uploaded, replace, role)
    outcome = st.session_state.get(OUTCOME_KEY)
    if outcome and outcome.get("role") != role:  # another audience's upload (demo switch)
        del st.session_state[OUTCOME_KEY]
        outcome = None
    show_outcome(outcome)


def shown_name(name: str) -> str:
    """The uploaded file's name with the characters Markdown would act on (links, images,
    HTML) replaced: it is shown in messages and kept in the import log."""
    return "".join("_" if c in "[]()!<>`*|" else c for c in name)


def run_import(name: str, uploaded, replace: bool, role: str) -> dict:
    """Import the uploaded file; the outcome is kept for the next runs of the page, as data
    (counts, batch, problems) that `show_outcome` words in the language of each run. A refusal
    before the rows are read keeps the message `data_access` wrote, in the language of the
    upload."""
    progress = st.progress(0.0, text=_("Reading and validating every row…"))

    def report(stage: str, done: int, total: int) -> None:
        if stage == "validated":
            progress.progress(0.5, text=ngettext("Validated {rows} row; writing…",
                                                 "Validated {rows} rows; writing…", done)
                              .format(rows=locales.number(done)))
        else:
            progress.progress(0.5 + 0.5 * done / max(total, 1),
                              text=ngettext("Written {done} of {total} row",
                                            "Written {done} of {total} rows", total).format(
                                  done=locales.number(done), total=locales.number(total)))

    data = uploaded.getvalue()
    file_name = shown_name(uploaded.name)
    actor = current_viewer().actor
    try:
        result = cache.guarded(lambda: uploads.import_upload(
            engine(), name, data, file_name, actor=actor, replace=replace,
            limit=uploads.limits(), progress=report))
    except (auth.NotAllowed, uploads.UploadRefused) as refused:
        progress.empty()
        return {"kind": "refused", "message": str(refused), "file": file_name, "role": role}
    except importer.ImportRefused as refused:
        progress.empty()
        return {"kind": "refused", "message": str(refused), "file": file_name,
                "problems": refused.problems, "dataset": name, "role": role,
                "language": locales.language()}
    progress.progress(1.0, text=_("Done"))
    cache.refresh()
    return {"kind": "imported" if result.status == "imported" else "unchanged",
            "file": file_name, "dataset": result.dataset, "batch": result.batch_id,
            "rows": result.rows, "replaced": result.replaced_rows, "role": role}


def problems_in_language(outcome: dict) -> pl.DataFrame | None:
    """A refused upload's problems in the language of this run: when the language has changed
    since the upload and the uploader still holds that file, checked again (the warehouse
    untouched; the page keeps no copy of the file) and kept so; else as they were worded."""
    problems: pl.DataFrame | None = outcome.get("problems")
    if problems is None or outcome.get("language") in (None, locales.language()):
        return problems
    outcome["language"] = locales.language()  # once per change of language, whatever happens
    uploaded = st.session_state.get("data.file")
    if uploaded is None or shown_name(uploaded.name) != outcome["file"]:
        return problems
    try:
        again = importer.file_problems(outcome["dataset"], uploaded.getvalue(), outcome["file"])
    except Exception:  # a file that was checked once: keep its first wording
        _LOG.exception("re-checking %s for its problems in another language", outcome["file"])
        return problems
    if again.height == problems.height:  # the same problems (not, say, an overlap found later)
        outcome["problems"] = again
        return again
    return problems


def show_outcome(outcome: dict | None) -> None:
    if not outcome:
        return
    if outcome["kind"] == "imported":
        st.success(imported_message(outcome), icon=":material/check_circle:")
        return
    if outcome["kind"] == "unchanged":
        st.info(imported_message(outcome), icon=":material/info:")
        return
    problems = problems_in_language(outcome)
    if problems is None or problems.is_empty():
        st.error(outcome["message"].splitlines()[0], icon=":material/block:")
        return
    # the headline in the language of this run (the importer's words, from the count)
    st.error(ngettext("{file}: {count} problem found; nothing was imported. Fix the file and "
                      "import it again.",
                      "{file}: {count} problems found; nothing was imported. Fix the file and "
                      "import it again.", problems.height).format(
        file=outcome["file"], count=locales.number(problems.height)), icon=":material/block:")
    st.markdown(ngettext("**{count} problem** — fix it in the file and upload it again. "
                         "Nothing was written.",
                         "**{count} problems** — fix them in the file and upload it again. "
                         "Nothing was written.", problems.height).format(
        count=locales.number(problems.height)))
    shown = problems.head(MAX_SHOWN)
    st.dataframe(shown, column_config=PROBLEM_COLUMNS, hide_index=True,
                 height=min(400, 38 + 35 * shown.height), placeholder="—")
    if problems.height > MAX_SHOWN:
        st.caption(_("The first {count} are shown; the CSV below lists all of them.").format(
            count=locales.number(MAX_SHOWN)))
    stem = outcome["file"].rsplit(".", 1)[0]
    st.download_button(_("Download the problems (CSV)"), uploads.problem_report(problems),
                       file_name=f"{stem}-problems.csv", mime="text/csv",
                       icon=":material/download:", on_click="ignore", key="data.report")


# ---------------------------------------------------------------------------------- state
def period_in_language(text: str | None) -> str:
    """A period a dataset covers as the language writes it: '2025-03' -> 'март 2025',
    '2025-12-31' -> '31 декабря 2025' (English keeps ISO); a school year as it is."""
    if text is None:
        return "—"
    if locales.language() == locales.DEFAULT:
        return text
    if re.fullmatch(r"\d{4}-\d{2}", text):
        return locales.month(text)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return locales.day(date.fromisoformat(text))
    return text


def freshness(role: str) -> None:
    st.subheader(_("What the warehouse holds"))
    frame = cache.dataset_freshness(role).with_columns(
        pl.col("imported_by", "file").fill_null("—"))
    frame = frame.with_columns(pl.Series(
        "title", [ds.get(name).display_title if name in ds.DATASETS else title
                  for name, title in frame.select("dataset", "title").iter_rows()],
        dtype=pl.String), *(pl.Series(column, [period_in_language(v) for v in frame[column]],
                                      dtype=pl.String) for column in ("first", "last")))
    st.dataframe(figures_in_language(frame.select(list(FRESHNESS_COLUMNS)), COUNTS),
                 column_config=FRESHNESS_COLUMNS, hide_index=True, placeholder="—")


def history(role: str) -> None:
    st.subheader(_("Import history"))
    batches = cache.import_history(role)
    if batches.is_empty():
        st.info(_("Nothing imported yet."), icon=":material/info:")
        return
    shown = batches.with_columns(pl.Series(
        "status", [_(BATCH_STATUS[s]) if s in BATCH_STATUS else s
                   for s in batches.get_column("status")], dtype=pl.String))
    st.dataframe(figures_in_language(shown.select(list(HISTORY_COLUMNS)), COUNTS),
                 column_config=HISTORY_COLUMNS, hide_index=True,
                 height=min(420, 38 + 35 * batches.height), placeholder="—")
    if auth.may_rollback(role):
        rollback(batches)


def rollback(batches: pl.DataFrame) -> None:
    st.markdown(_("**Roll an import back** (data manager): its rows are removed and the rows "
                  "it replaced come back."))
    active = batches.filter(pl.col("status") == "active")
    if active.is_empty():
        st.caption(_("No active import to roll back."))
        return
    labels = {row["id"]: "{id} — {dataset} — {file} ({rows})".format(
        id=row["id"], dataset=describe(row["dataset"]), file=row["file_name"],
        rows=ngettext("{count} row", "{count} rows", row["rows"]).format(
            count=locales.number(row["rows"])))
        for row in active.iter_rows(named=True)}
    keep_choice("data.rollback.batch")
    batch_id = st.selectbox(_("Import"), list(labels), format_func=labels.get,
                            key="data.rollback.batch")
    sure = st.checkbox(_("I want to remove this import from the warehouse"),
                       key="data.rollback.sure")
    if st.button(_("Roll back"), icon=":material/undo:", disabled=not sure,
                 key="data.rollback.go"):
        actor = current_viewer().actor
        try:
            result = cache.guarded(lambda: uploads.rollback_batch(engine(), int(batch_id),
                                                                  actor=actor))
        except (auth.NotAllowed, importer.ImportRefused) as refused:
            st.session_state[ROLLBACK_KEY] = str(refused)
        else:
            cache.refresh()
            st.session_state[ROLLBACK_KEY] = result
        st.rerun()


def show_rollback_outcome() -> None:
    """What the rollback of the run before did (a result is worded now, in this run's
    language; a refusal is `data_access`'s message)."""
    outcome = st.session_state.pop(ROLLBACK_KEY, None)
    if isinstance(outcome, importer.RollbackResult):
        st.success(rolled_back_message(outcome))
    elif outcome:
        st.error(outcome)


def render() -> None:
    context = require_page("manage-data")
    st.title(_("Data"))
    st.caption(_("Upload partners' files, see how fresh each dataset is and where every row "
                 "came from. A file is validated whole: nothing is written until it is clean."))
    show_rollback_outcome()
    upload(context.audience)
    freshness(context.audience)
    history(context.audience)


render()
