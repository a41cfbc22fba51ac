"""Shared building blocks of the dashboard pages (Streamlit): tiles, captions, charts, tables.

Pages ask the cached engine for disclosed values (`values`, `series`), then lay them out with
these helpers, so every number on every page explains itself the same way: the catalogue's
definition on hover, a caption with source and data as-of date, "no data" / "not available" /
"<5" in words (never 0), and the figures behind each chart downloadable through the app's export.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from data_access import cache
from data_access import datasets as ds
from data_access import reference as ref
from metrics.catalogue import CATALOGUE
from metrics.engine import NO_DATA, OK, SUPPRESSED, TOTAL, format_value
from metrics.periods import YEAR, Period
from pages._context import ViewContext, current_context
from pages._export import download_buttons
from pages._figures import is_empty, withheld_note

NO_DATA_HINT = "import a file on the data page or with `hamkori import`"

#: Readable names of dimension codes, for tables and chart labels.
DIMENSION_NAMES: dict[str, Mapping[str, str]] = {
    "region": ref.REGIONS,
    "population_type": ref.POPULATION_TYPES,
    "sex": ref.SEXES,
    "category": ref.RESETTLEMENT_CATEGORIES,
    "area": ref.JOINT_PLAN_AREAS,
    "level": {"preschool": "Pre-primary", "primary": "Primary",
              "lower_secondary": "Lower secondary", "upper_secondary": "Upper secondary",
              "tertiary": "Tertiary"},
    "priority": {"emergency": "Emergency", "urgent": "Urgent", "normal": "Normal"},
}
DIMENSION_TITLES = {
    "region": "Region", "district": "District", "origin": "Country of origin",
    "destination": "Destination", "population_type": "Population type", "sex": "Sex",
    "age_group": "Age group", "level": "Level", "category": "Category", "priority": "Priority",
    "area": "Area", "lead": "Lead", "period": "Period", "asylum": "Country of asylum",
}
DIRECTION_COLOURS = {"higher": "normal", "lower": "inverse", "neutral": "off"}


def name_of(dimension: str, code: str | None) -> str:
    """A readable name for a dimension value ('TJ-DU' -> 'Dushanbe', 'AFG' -> 'Afghanistan')."""
    if code is None:
        return "unknown"
    if code == TOTAL:
        return "Total"
    if dimension in ("origin", "destination", "asylum", "country"):
        return ref.countries().get(code, code)
    return DIMENSION_NAMES.get(dimension, {}).get(code, code)


# ------------------------------------------------------------------------------ reading
def context() -> ViewContext:
    return current_context()


def year_period(ctx: ViewContext) -> Period:
    return Period(YEAR, ctx.year)


def values(codes: Sequence[str], *, by: Sequence[str] = (), period: Period | None = None,
           compare: bool = True, country: str = "TJK", region: str | None | bool = True
           ) -> pl.DataFrame:
    """Disclosed values of `codes` for the page's period and region (`region=False`: national)."""
    ctx = context()
    chosen = ctx.region if region is True else (region or None)
    return cache.indicator_values(period or year_period(ctx), ctx.audience, region=chosen,
                                  by=tuple(by), codes=tuple(codes), compare=compare,
                                  country=country)


def series(codes: Sequence[str], periods: Sequence[Period], *, country: str = "TJK",
           region: str | None | bool = True) -> pl.DataFrame:
    """The indicators for each period (a trend), as the audience may see them."""
    ctx = context()
    chosen = ctx.region if region is True else (region or None)
    return cache.indicator_series(list(periods), ctx.audience, tuple(codes), region=chosen,
                                  country=country)


def years_up_to(ctx: ViewContext, first: int | None = None) -> list[Period]:
    """Every year from the first with data (or `first`) to the selected one."""
    years = cache.data_years()
    start = first if first is not None else (years[0] if years else ctx.year)
    return [Period(YEAR, y) for y in range(min(start, ctx.year), ctx.year + 1)]


def months_of(year: int) -> list[Period]:
    """The twelve months of `year` (months without data read as 'no data' and are not drawn)."""
    return [Period.parse(f"{year}-{month:02d}") for month in range(1, 13)]


def totals(table: pl.DataFrame, by: Sequence[str] = ()) -> dict[str, dict]:
    """indicator code -> its total row (every `by` dimension at `Total`)."""
    rows = table
    for dim in by:
        rows = rows.filter(pl.col(dim) == TOTAL)
    return {row["indicator"]: row for row in rows.iter_rows(named=True)}


def of(table: pl.DataFrame, code: str) -> pl.DataFrame:
    return table.filter(pl.col("indicator") == code)


def has_values(table: pl.DataFrame) -> bool:
    """Whether anything in `table` can be shown (a value or a withheld cell)."""
    return not table.filter(pl.col("status").is_in([OK, SUPPRESSED])).is_empty()


def visible(codes: Sequence[str]) -> list[str]:
    """The codes the audience may see (DOMAIN §1; the engine refuses the others)."""
    allowed = {i.code for i in CATALOGUE.for_audience(context().audience)}
    return [code for code in codes if code in allowed]


def may_break_down(code: str, dimension: str) -> bool:
    """Whether the audience may see `code` by `dimension` (donors: no district)."""
    return dimension in CATALOGUE.allowed_dimensions(CATALOGUE.indicator(code),
                                                     context().audience)


def require(codes: Sequence[str], what: str) -> list[str]:
    """The visible `codes`; when there are none, say the page is not for this audience and stop."""
    shown = visible(codes)
    if not shown:
        st.warning(f"{what} figures are not shared with this audience.", icon=":material/lock:")
        st.stop()
    return shown


# ------------------------------------------------------------------------------ layout
def header(title: str, intro: str) -> ViewContext:
    ctx = context()
    st.title(title)
    st.caption(f"{intro} **{ctx.year}**, {ctx.region_name}.")
    return ctx


def dataset_title(code: str) -> str:
    return ds.get(CATALOGUE.source_of(CATALOGUE.indicator(code)).dataset).title


def source_caption(row: Mapping) -> str:
    """'Source: Population (stock at a date), data as of 2025-12-31.'"""
    source = dataset_title(row["indicator"])
    if row["status"] == NO_DATA:
        return f"Source: {source} — no data for this period."
    as_of = row["as_of"].isoformat() if isinstance(row["as_of"], date) else "unknown"
    scope = " National figure (no regional breakdown)." if "national figure" in (
        row["note"] or "") else ""
    return f"Source: {source}, data as of {as_of}.{scope}"


def change(row: Mapping, compared: str = "previous") -> str | None:
    """'+1,355 on 2024' style delta for st.metric, or None when there is nothing to compare."""
    value, before = row["value"], row[compared]
    if row["status"] != OK or value is None or before is None:
        return None
    unit = row["unit"]
    difference = value - before
    if unit == "percent":
        return f"{difference:+.1f} points"
    if unit == "index":
        return f"{difference:+.2f}"
    if unit == "days":
        return f"{difference:+,.0f} days"
    return f"{difference:+,.0f}"


def target_text(row: Mapping) -> str | None:
    if row.get("target") is None:
        return None
    target = format_value(row["target"], row["unit"], OK)
    achievement = row.get("achievement")
    if achievement is None:
        achieved = ""
    elif achievement < 0:  # further from the target than the baseline was
        achieved = " — below the baseline"
    else:
        achieved = f" — {achievement:.0f} % of the way from the baseline"
    return f"Target: {target}{achieved}"


def metric(row: Mapping, *, sparkline: Sequence[float] | None = None,
           compared_with: str | None = None) -> None:
    """A tile: the displayed value, the change on the previous period, the target, a sparkline,
    the definition on hover and the source underneath."""
    indicator = CATALOGUE.indicator(row["indicator"])
    shown = "—" if row["status"] == NO_DATA else row["display"]  # the caption says why
    delta = change(row)
    st.metric(indicator.name, shown, delta=delta,
              delta_color=DIRECTION_COLOURS.get(indicator.direction, "off"),
              delta_description=f"on {compared_with}" if delta and compared_with else None,
              help=indicator.definition, border=True,
              chart_data=list(sparkline) if sparkline and len(sparkline) > 1 else None)
    notes = [text for text in (target_text(row), source_caption(row)) if text]
    st.caption(" · ".join(notes))


def tiles(rows: Mapping[str, Mapping], codes: Sequence[str], *, per_row: int = 4,
          sparklines: Mapping[str, Sequence[float]] | None = None,
          compared_with: str | None = None) -> None:
    codes = [code for code in codes if code in rows]
    for start in range(0, len(codes), per_row):
        chunk = codes[start:start + per_row]
        for column, code in zip(st.columns(per_row), chunk, strict=False):
            with column:
                metric(rows[code], sparkline=(sparklines or {}).get(code),
                       compared_with=compared_with)


def sparklines(trend: pl.DataFrame) -> dict[str, list[float]]:
    """indicator -> its shown values over the periods of `trend` (withheld ones left out)."""
    out: dict[str, list[float]] = {}
    for row in trend.sort("period").iter_rows(named=True):
        if row["status"] == OK and row["value"] is not None:
            out.setdefault(row["indicator"], []).append(row["value"])
    return out


def say_no_data(what: str, ctx: ViewContext | None = None) -> None:
    ctx = ctx or context()
    where = f" in {ctx.region_name}" if ctx.region else ""
    st.info(f"No {what} data for {ctx.year}{where} yet — {NO_DATA_HINT}.",
            icon=":material/info:")


def chart(figure: go.Figure, *, key: str) -> None:
    """The figure, and under it the cells withheld for this audience (named, never drawn);
    a sentence instead of empty axes when there is nothing to draw."""
    if is_empty(figure):
        title = figure.layout.title.text or "this chart"
        note = withheld_note(figure)
        st.info(f"{title}: nothing to show for this period and region"
                + (f" — {note[0].lower()}{note[1:]}" if note else "."), icon=":material/info:")
        return
    st.plotly_chart(figure, theme=None, key=key,
                    config={"displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "select2d"],
                            "toImageButtonOptions": {"format": "png", "scale": 2}})
    note = withheld_note(figure)
    if note:
        st.caption(note)


def readable(table: pl.DataFrame, by: Sequence[str], *, with_indicator: bool = True
             ) -> pl.DataFrame:
    """The figures as a person reads them: names instead of codes, the displayed value."""
    columns = []
    if with_indicator:
        columns.append(pl.col("name").alias("Indicator"))
    for dim in by:
        columns.append(pl.col(dim).map_elements(lambda code, d=dim: name_of(d, code),
                                                return_dtype=pl.String)
                       .alias(DIMENSION_TITLES.get(dim, dim)))
    columns += [pl.col("display").alias("Value"), pl.col("period").alias("Period"),
                pl.col("as_of").alias("Data as of")]
    return table.select(columns)


def download_table(table: pl.DataFrame, by: Sequence[str]) -> pl.DataFrame:
    """The columns of a download: codes and names, value and display, period, as-of, status."""
    names = [pl.col(dim).map_elements(lambda code, d=dim: name_of(d, code),
                                      return_dtype=pl.String).alias(f"{dim}_name")
             for dim in by if dim in DIMENSION_NAMES or dim in ("origin", "destination")]
    return table.select("indicator", "name", *by, *names, "value", "display", "unit", "period",
                        "as_of", "status", "note")


def figures(table: pl.DataFrame, *, title: str, by: Sequence[str], key: str,
            indicator: str | None = None) -> None:
    """'Figures behind this chart': the table on screen and its downloads."""
    ctx = context()
    with st.expander(f"Figures: {title}"):
        if indicator:
            st.caption(CATALOGUE.indicator(indicator).definition)
        st.dataframe(readable(table, by), hide_index=True, width="stretch")
        download_buttons(download_table(table, by), title=title,
                         context_label=f"{ctx.year} {ctx.region_name}", audience=ctx.audience,
                         indicator=indicator, key=key)
