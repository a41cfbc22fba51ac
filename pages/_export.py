"""The app's own export: the figures behind a chart as CSV, CSV with HXL hashtags, or XLSX.

The only download path of the dashboard (Streamlit's built-in table download is switched off in
.streamlit/config.toml): it receives the engine's disclosed results, so a withheld cell leaves as
`<5` (value empty), and `data_access.export` neutralises spreadsheet formulas in text cells.
"""

from __future__ import annotations

import logging
import re

import polars as pl
import streamlit as st

from data_access import export
from pages._context import audit_event

_LOG = logging.getLogger("hamkori.export")


def file_stem(title: str, context_label: str) -> str:
    """'Refugees by region', '2025 all regions' -> 'hamkori-refugees-by-region-2025-all-regions'."""
    text = f"hamkori {title} {context_label}".lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:120]


def _record(kind: str, stem: str, audience: str, rows: int) -> None:
    """Called when a file is downloaded: who exported what, for which audience."""
    _LOG.info("export %s %s audience=%s rows=%d", kind, stem, audience, rows)
    audit_event("export", f"{stem} ({kind})", f"{rows:,} rows as {audience}")


def download_buttons(table: pl.DataFrame, *, title: str, context_label: str, audience: str,
                     indicator: str | None = None, key: str) -> None:
    """CSV, CSV + HXL and XLSX buttons for `table` (already disclosed for `audience`)."""
    stem = file_stem(title, context_label)
    columns = st.columns(3)
    downloads = (
        ("CSV", export.to_csv(table), f"{stem}.csv", "text/csv"),
        ("CSV with HXL tags", export.to_csv(table, hxl=True, indicator=indicator),
         f"{stem}-hxl.csv", "text/csv"),
        ("XLSX", export.to_xlsx({title: table}), f"{stem}.xlsx",
         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    )
    for column, (label, data, name, mime) in zip(columns, downloads, strict=True):
        column.download_button(
            label, data, file_name=name, mime=mime, key=f"{key}-{label}",
            icon=":material/download:", on_click=_record,
            args=(label, stem, audience, table.height),
            help="Small numbers are withheld exactly as on screen; spreadsheet formulas in "
            "text are neutralised.")
