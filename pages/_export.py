"""The app's own export: the figures behind a chart as CSV, CSV with HXL hashtags, or XLSX.

The only download path of the dashboard (Streamlit's built-in table download is switched off in
.streamlit/config.toml): it receives the engine's disclosed results, so a withheld cell leaves as
`<5` (value empty), and `data_access.export` neutralises spreadsheet formulas in text cells.
"""

from __future__ import annotations

import re

import polars as pl
import streamlit as st

from data_access import export
from locales import _
from pages._context import deferred_export

#: Russian and Tajik letters in file names, in Latin (a file name stays plain ASCII).
_LATIN = dict(zip(
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюяғӣқӯҳҷ",
    ["a", "b", "v", "g", "d", "e", "yo", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r",
     "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya", "gh", "i",
     "q", "u", "h", "j"], strict=True))


def file_stem(title: str, context_label: str) -> str:
    """'Refugees by region', '2025 all regions' -> 'hamkori-refugees-by-region-2025-all-regions'
    (a Russian or Tajik title in Latin letters: 'hamkori-bezhentsy-…')."""
    text = "".join(_LATIN.get(c, c) for c in f"hamkori {title} {context_label}".lower())
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:120]


def download_buttons(table: pl.DataFrame, *, title: str, context_label: str, audience: str,
                     indicator: str | None = None, key: str) -> None:
    """CSV, CSV + HXL and XLSX buttons for `table` (already disclosed for `audience`). Each file
    is built when it is asked for, and that request is what the audit log records."""
    stem = file_stem(title, context_label)
    columns = st.columns(3)
    downloads = (
        ("csv", "CSV", lambda: export.to_csv(table), f"{stem}.csv", "text/csv"),
        ("hxl", _("CSV with HXL tags"),
         lambda: export.to_csv(table, hxl=True, indicator=indicator), f"{stem}-hxl.csv",
         "text/csv"),
        ("xlsx", "XLSX", lambda: export.to_xlsx({title: table}), f"{stem}.xlsx",
         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    )
    # the audit log and the widget keys stay in English whatever the language shown
    logged = {"csv": "CSV", "hxl": "CSV with HXL tags", "xlsx": "XLSX"}
    rows = f"{table.height:,} rows as {audience}"
    for column, (kind, label, build, name, mime) in zip(columns, downloads, strict=True):
        column.download_button(
            label, deferred_export(build, f"{stem} ({logged[kind]})", rows),
            file_name=name, mime=mime, key=f"{key}-{logged[kind]}", icon=":material/download:",
            on_click="ignore",
            help=_("Small numbers are withheld exactly as on screen; spreadsheet formulas in "
                   "text are neutralised."))
