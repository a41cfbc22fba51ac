"""Downloads: the figures behind a chart or table as CSV (optionally with HXL hashtags) or XLSX.

Every download of the app goes through here, and only ever receives values the engine has
already disclosed for the audience (`metrics.engine.evaluate`): a withheld cell arrives as a
null value with the display text `<5`, and stays exactly that in the file. On top of that this
module:

- neutralises spreadsheet formulas: a text cell starting with `=`, `+`, `-`, `@`, a tab or a
  carriage return is written with a leading apostrophe, so `=HYPERLINK(…)` typed into a partner's
  file is shown as text by Excel or LibreOffice and never runs (OWASP "CSV injection");
- writes XLSX cells as strings (never formulas) and numbers as numbers;
- can add the Humanitarian Exchange Language (HXL) hashtag row under the header, so the CSV can
  be published on the Humanitarian Data Exchange as is.
"""

from __future__ import annotations

import io
from collections.abc import Mapping

import polars as pl
import xlsxwriter

#: Characters that make a spreadsheet read a text cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

#: HXL hashtags of the columns the app exports (https://hxlstandard.org/standard/dictionary/).
HXL_COLUMNS: dict[str, str] = {
    "indicator": "#indicator+code",
    "name": "#indicator+name",
    "value": "#indicator+num",
    "display": "#indicator+text",
    "unit": "#indicator+unit",
    "period": "#date+period",
    "as_of": "#date+reported",
    "year": "#date+year",
    "month": "#date+month",
    "school_year": "#date+school_year",
    "region": "#adm1+code",
    "region_name": "#adm1+name",
    "district": "#adm2+name",
    "origin": "#country+code+origin",
    "destination": "#country+code+destination",
    "country": "#country+code",
    "asylum": "#country+code+asylum",
    "population_type": "#population+type",
    "sex": "#group+sex",
    "age_group": "#group+age",
    "level": "#indicator+level",
    "category": "#group+category",
    "priority": "#status+priority",
    "status": "#status",
    "note": "#meta+note",
    "basis": "#meta+basis",
    "area": "#sector",
    "lead": "#org+lead",
    "agency": "#org",
    "donor": "#org+donor",
    "previous": "#indicator+num+previous",
    "target": "#targeted+num",
    "achievement": "#indicator+pct+achievement",
}
#: A value column named after what it counts, when the table holds one indicator.
HXL_VALUES: dict[str, str] = {
    "POP.POC": "#affected+concern",
    "POP.REF": "#affected+refugees",
    "POP.ASY": "#affected+asylum_seekers",
    "POP.STA": "#affected+stateless",
    "OFF.REF": "#affected+refugees",
    "OFF.ASY": "#affected+asylum_seekers",
    "OFF.STA": "#affected+stateless",
    "OFF.IDP": "#affected+idps",
    "OFF.OIP": "#affected+oip",
    "SOL.RETURNS": "#affected+returnees",
    "OFF.RETURNS_FROM": "#affected+returnees",
    "OFF.RETURNED": "#affected+returnees",
}


def neutralise(text: str | None) -> str | None:
    """`text` made safe for a spreadsheet: a leading apostrophe before a formula character."""
    if text and text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def neutralised(frame: pl.DataFrame) -> pl.DataFrame:
    """Every text column of `frame` neutralised; numbers and dates are left as they are."""
    text_columns = [name for name, dtype in frame.schema.items() if dtype == pl.String]
    return frame.with_columns(
        pl.when(pl.col(name).str.contains(r"^[=+\-@\t\r]"))
        .then(pl.lit("'") + pl.col(name)).otherwise(pl.col(name)).alias(name)
        for name in text_columns)


def _flat(frame: pl.DataFrame) -> pl.DataFrame:
    """Lists (the import batches) joined with ';' and dates as ISO text, for CSV and XLSX."""
    return frame.with_columns(
        pl.col(name).cast(pl.List(pl.String)).list.join(";")
        for name, dtype in frame.schema.items() if isinstance(dtype, pl.List))


def hxl_row(columns: list[str], indicator: str | None = None,
            extra: Mapping[str, str] | None = None) -> list[str]:
    """The HXL hashtag of each column ('' where there is none)."""
    tags = {**HXL_COLUMNS, **(extra or {})}
    if indicator in HXL_VALUES:
        tags["value"] = HXL_VALUES[indicator] + "+num"
    return [tags.get(column, "") for column in columns]


def to_csv(frame: pl.DataFrame, *, hxl: bool = False, indicator: str | None = None,
           hxl_extra: Mapping[str, str] | None = None) -> bytes:
    """UTF-8 CSV (with a BOM, so Excel reads Cyrillic names right) of `frame`, formulas
    neutralised; with `hxl`, the HXL hashtags as a second header row."""
    table = neutralised(_flat(frame))
    text = table.write_csv()
    if hxl:
        header, _, body = text.partition("\n")
        tags = pl.DataFrame([[tag or None for tag in hxl_row(table.columns, indicator,
                                                             hxl_extra)]],
                            schema=table.columns, orient="row")
        tag_line = tags.write_csv(include_header=False)
        text = f"{header}\n{tag_line}{body}"
    return ("\ufeff" + text).encode("utf-8")


def to_xlsx(sheets: Mapping[str, pl.DataFrame]) -> bytes:
    """An XLSX workbook with one sheet per frame: text always written as text (never as a
    formula, a number or a URL), numbers as numbers, formulas neutralised as in the CSV."""
    buffer = io.BytesIO()
    with xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                      "strings_to_numbers": False, "strings_to_urls": False}
                             ) as book:
        bold = book.add_format({"bold": True})
        for title, frame in sheets.items():
            table = neutralised(_flat(frame))
            sheet = book.add_worksheet(_sheet_name(title))
            for col, name in enumerate(table.columns):
                sheet.write_string(0, col, name, bold)
                sheet.set_column(col, col, max(10, min(40, len(name) + 2)))
            for row_no, row in enumerate(table.iter_rows(), start=1):
                for col, value in enumerate(row):
                    _write_cell(sheet, row_no, col, value)
    return buffer.getvalue()


def _write_cell(sheet, row: int, col: int, value) -> None:
    if value is None:
        sheet.write_blank(row, col, None)
    elif isinstance(value, bool):
        sheet.write_boolean(row, col, value)
    elif isinstance(value, int | float):
        sheet.write_number(row, col, value)
    else:
        sheet.write_string(row, col, value if isinstance(value, str) else str(value))


def _sheet_name(title: str) -> str:
    """Excel sheet names: at most 31 characters, none of []:*?/\\."""
    cleaned = "".join("_" if ch in "[]:*?/\\" else ch for ch in title).strip() or "figures"
    return cleaned[:31]
