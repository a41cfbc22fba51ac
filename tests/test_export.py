"""The app's export (data_access/export.py): what leaves in a CSV or XLSX file."""

from __future__ import annotations

import io
from datetime import date

import polars as pl
import pytest

from data_access import export

HOSTILE = ["=HYPERLINK(\"http://evil.example\",\"click\")", "+1+2", "-3+4", "@SUM(A1:A2)",
           "\tTAB", "\rCR"]


def figures() -> pl.DataFrame:
    """A disclosed table as the pages hand it over: one cell withheld (`<5`, value null)."""
    return pl.DataFrame({
        "indicator": ["POP.REF"] * 3, "name": ["Refugees"] * 3,
        "region": ["TJ-DU", "TJ-GB", "Total"], "value": [718.0, None, 731.0],
        "display": ["718", "<5", "731"], "as_of": [date(2025, 12, 31)] * 3,
        "batches": [[6], [6, 7], [6]],
    })


def test_csv_keeps_the_withheld_cell_as_shown_and_its_value_empty():
    text = export.to_csv(figures()).decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0] == "indicator,name,region,value,display,as_of,batches"
    assert lines[2] == "POP.REF,Refugees,TJ-GB,,<5,2025-12-31,6;7"
    assert lines[1] == "POP.REF,Refugees,TJ-DU,718.0,718,2025-12-31,6"


def test_csv_starts_with_a_bom_so_excel_reads_cyrillic():
    data = export.to_csv(pl.DataFrame({"district": ["Вахдат"]}))
    assert data.startswith("\ufeff".encode())
    assert "Вахдат" in data.decode("utf-8-sig")


@pytest.mark.parametrize("text", HOSTILE)
def test_formulas_are_neutralised_in_csv_and_xlsx(text):
    frame = pl.DataFrame({"note": [text], "value": [-5.0]})
    csv = pl.read_csv(io.BytesIO(export.to_csv(frame)), encoding="utf8-lossy")
    assert csv["note"][0].startswith("'")
    assert csv["value"][0] == -5.0  # numbers are numbers: a negative one is not a formula
    book = pl.read_excel(io.BytesIO(export.to_xlsx({"figures": frame})), sheet_name="figures")
    assert book["note"][0].startswith("'")
    assert book["value"][0] == -5.0


def test_xlsx_writes_text_as_text_and_never_a_formula():
    import zipfile

    data = export.to_xlsx({"Refugees by region": figures().with_columns(
        pl.lit("=1+1").alias("note"))})
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet  # no formula cell at all
    read = pl.read_excel(io.BytesIO(data), sheet_name="Refugees by region")
    assert read["display"].to_list() == ["718", "<5", "731"]
    assert read["value"].to_list() == [718.0, None, 731.0]
    assert read["note"].to_list() == ["'=1+1"] * 3


def test_hxl_row_under_the_header():
    text = export.to_csv(figures(), hxl=True, indicator="POP.REF").decode("utf-8-sig")
    header, tags, *_ = text.splitlines()
    assert header == "indicator,name,region,value,display,as_of,batches"
    assert tags == ("#indicator+code,#indicator+name,#adm1+code,#affected+refugees+num,"
                    "#indicator+text,#date+reported,")
    assert export.hxl_row(["year", "origin", "district"]) == [
        "#date+year", "#country+code+origin", "#adm2+name"]


def test_sheet_names_are_made_valid():
    assert export._sheet_name("Refugees: by region / sex [2025]") == "Refugees_ by region _ sex _2025"
    assert len(export._sheet_name("x" * 40)) == 31
