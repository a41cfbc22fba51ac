"""Shared building blocks of the dashboard pages (Streamlit): tiles, captions, charts, tables.

Pages ask the cached engine for disclosed values (`values`, `series`), then lay them out with
these helpers, so every number on every page explains itself the same way: the catalogue's
definition on hover, a caption with source and data as-of date, "no data" / "not available" /
"<5" in words (never 0), and the figures behind each chart downloadable through the app's export.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date

import plotly.graph_objects as go
import polars as pl
import streamlit as st
from pandas.io.formats.style import Styler

import locales
from data_access import cache, plan
from data_access import datasets as ds
from data_access import reference as ref
from locales import N_, _, ngettext
from metrics.catalogue import CATALOGUE, indicator_definition, indicator_name
from metrics.engine import NO_DATA, OK, SUPPRESSED, TOTAL, UNKNOWN, format_value
from metrics.periods import YEAR, Period
from pages._context import ViewContext, current_context
from pages._export import download_buttons
from pages._figures import is_empty, withheld_note

NO_DATA_HINT = N_("import a file on the data page or with `hamkori import`")

#: Readable names of dimension codes, for tables and chart labels (English, marked for the
#: catalogue: `name_of` translates).
DIMENSION_NAMES: dict[str, Mapping[str, str]] = {
    "region": ref.REGIONS,
    "population_type": ref.POPULATION_TYPES,
    "sex": ref.SEXES,
    "category": ref.RESETTLEMENT_CATEGORIES,
    "area": ref.JOINT_PLAN_AREAS,
    "agency": plan.AGENCIES,
    "lead": plan.AGENCIES,
    "level": ref.EDUCATION_LEVELS,
    "priority": {"emergency": N_("Emergency"), "urgent": N_("Urgent"), "normal": N_("Normal")},
}
#: Named on screen only (downloads keep the columns they had: codes of DIMENSION_NAMES and
#: countries get a `…_name` column).
SCREEN_NAMES: dict[str, Mapping[str, str]] = {
    "resolution": {"confirmed": N_("Nationality confirmed"),
                   "acquired": N_("Citizenship acquired")},
}
DIMENSION_TITLES = {
    "region": N_("Region"), "district": N_("District"), "origin": N_("Country of origin"),
    "destination": N_("Destination"), "population_type": N_("Population type"),
    "sex": N_("Sex"), "age_group": N_("Age group"), "level": N_("Level"),
    "category": N_("Category"), "priority": N_("Priority"), "area": N_("Area"),
    "lead": N_("Lead"), "agency": N_("Agency"), "period": N_("Period"), "asylum": N_("Country of asylum"),
    "country": N_("Country"), "resolution": N_("Resolution"),
}
DIRECTION_COLOURS = {"higher": "normal", "lower": "inverse", "neutral": "off"}
COUNTRY_DIMENSIONS = ("origin", "destination", "asylum", "country")


def name_of(dimension: str, code: str | None) -> str:
    """A readable name for a dimension value in the current language ('TJ-DU' -> 'Dushanbe' /
    'Душанбе', 'AFG' -> 'Afghanistan' / 'Афганистан', 'Vahdat' -> 'Вахдат')."""
    if code is None or code == UNKNOWN:
        return _("unknown")
    if code == TOTAL:
        return _("Total")
    if dimension in COUNTRY_DIMENSIONS:
        return ref.country_name(code)
    if dimension == "district":
        return ref.district_name(code)
    return ref.label(DIMENSION_NAMES.get(dimension) or SCREEN_NAMES.get(dimension, {}), code)


def names(dimension: str):
    """`name_of` for one dimension, as the figure builders take it (code -> shown name)."""
    return lambda code: name_of(dimension, code)


def dimension_title(dimension: str) -> str:
    return _(DIMENSION_TITLES[dimension]) if dimension in DIMENSION_TITLES else dimension


def day(value: date | None) -> str:
    """A date as the current language writes it (`locales.day`), or "unknown"."""
    return _("unknown") if value is None else locales.day(value)


#: How `figures_in_language` writes a kind of figure.
CELL_FORMATS: dict[str, Callable[[object], str]] = {
    "number": lambda value: locales.number(value),  # counts and US dollars: '1 250 000'
    "percent": lambda value: locales.percent(value, 0),  # '33 %'
    "percent_1": lambda value: locales.percent(value, 1),  # '33,3 %'
    "date": locales.day,  # '2025-03-01', '1 марта 2025'
}


def figures_in_language(frame: pl.DataFrame, kinds: Mapping[str, str]) -> Styler:
    """`frame` for `st.dataframe` with its figures written as the chosen language writes them
    (`kinds`: column -> a kind of `CELL_FORMATS`; columns absent from `frame` are skipped):
    '8 620', '33,3 %', '1 марта 2025', and '—' for a missing one. The cells keep their numbers
    and dates, so a click on a column still sorts by value; a column config's `format` (and
    `"localized"`, which follows the browser's language, not the page's) is not needed."""
    language = locales.language()

    def writer(kind: str) -> Callable[[object], str]:
        def write(value) -> str:
            with locales.using(language):  # whenever pandas calls it
                return CELL_FORMATS[kind](value)
        return write

    formats = {column: writer(kind) for column, kind in kinds.items() if column in frame.columns}
    return frame.to_pandas().style.format(formats, na_rep="—")


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
    """The visible `codes`; when there are none, say the page is not for this audience and stop
    (`what`: the page's title, already in the current language)."""
    shown = visible(codes)
    if not shown:
        st.warning(_("{what} figures are not shared with this audience.").format(what=what),
                   icon=":material/lock:")
        st.stop()
    return shown


# ------------------------------------------------------------------------------ layout
def header(title: str, intro: str) -> ViewContext:
    """The page's title and a caption: `intro` (a sentence with `{year}` and `{region}`, in the
    current language) for the selected year and region."""
    ctx = context()
    st.title(title)
    st.caption(intro.format(year=f"**{ctx.year}**", region=ctx.region_name))
    return ctx


def dataset_title(code: str) -> str:
    return ds.get(CATALOGUE.source_of(CATALOGUE.indicator(code)).dataset).display_title


def source_caption(row: Mapping) -> str:
    """'Source: Population (stock at a date), data as of 2025-12-31.'"""
    source = dataset_title(row["indicator"])
    if row["status"] == NO_DATA:
        return _("Source: {source} — no data for this period.").format(source=source)
    as_of = day(row["as_of"]) if isinstance(row["as_of"], date) else _("unknown")
    text = _("Source: {source}, data as of {date}.").format(source=source, date=as_of)
    if _national(row):
        text += " " + _("National figure (no regional breakdown).")
    return text


def _national(row: Mapping) -> bool:
    """A figure the region filter cannot narrow (its source has no region)."""
    source = CATALOGUE.source_of(CATALOGUE.indicator(row["indicator"]))
    return bool(context().region) and "region" not in source.dimensions


def change(row: Mapping, compared: str = "previous") -> str | None:
    """'+1,355' style delta for st.metric, or None when there is nothing to compare."""
    value, before = row["value"], row[compared]
    if row["status"] != OK or value is None or before is None:
        return None
    unit = row["unit"]
    difference = value - before
    if unit == "percent":
        return _("{change} points").format(change=_signed(difference, 1))
    if unit == "index":
        return _signed(difference, 2)
    if unit == "days":
        return _days_change(difference)
    return _signed(difference, 0)


def _signed(value: float, digits: int) -> str:
    """'+1,355', '-0.4', '+0.0' (the sign always shown, as Python's `+` format shows it)."""
    text = f"{value:+.{digits}f}"
    return text[0] + locales.number(float(text[1:]), digits)


def _days_change(difference: float) -> str:
    return ngettext("{days} day", "{days} days", abs(round(difference))).format(
        days=_signed(difference, 0))


def target_text(row: Mapping) -> str | None:
    if row.get("target") is None:
        return None
    target = format_value(row["target"], row["unit"], OK)
    achievement = row.get("achievement")
    if achievement is None:
        return _("Target: {target}").format(target=target)
    if achievement < 0:  # further from the target than the baseline was
        return _("Target: {target} — below the baseline").format(target=target)
    return _("Target: {target} — {percent} of the way from the baseline").format(
        target=target, percent=locales.percent(round(achievement), 0))


def metric(row: Mapping, *, sparkline: Sequence[float] | None = None,
           compared_with: str | None = None) -> None:
    """A tile: the displayed value, the change on the previous period, the target, a sparkline,
    the definition on hover and the source underneath."""
    indicator = CATALOGUE.indicator(row["indicator"])
    shown = "—" if row["status"] == NO_DATA else row["display"]  # the caption says why
    delta = change(row)
    st.metric(indicator_name(indicator.code), shown, delta=delta,
              delta_color=DIRECTION_COLOURS.get(indicator.direction, "off"),
              delta_description=(_("on {period}").format(period=compared_with)
                                 if delta and compared_with else None),
              help=indicator_definition(indicator.code), border=True,
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
    """'No education data for 2025 in Dushanbe yet — …' (`what`: the data, in the current
    language, e.g. `_("education")`)."""
    ctx = ctx or context()
    if ctx.region:
        text = _("No {what} data for {year} in {region} yet — {hint}.")
    else:
        text = _("No {what} data for {year} yet — {hint}.")
    st.info(text.format(what=what, year=ctx.year, region=ctx.region_name, hint=_(NO_DATA_HINT)),
            icon=":material/info:")


def chart(figure: go.Figure, *, key: str) -> None:
    """The figure, and under it the cells withheld for this audience (named, never drawn);
    a sentence instead of empty axes when there is nothing to draw."""
    if is_empty(figure):
        title = figure.layout.title.text or _("this chart")
        note = withheld_note(figure)
        if note:
            text = _("{title}: nothing to show for this period and region — {note}")
        else:
            text = _("{title}: nothing to show for this period and region.")
        st.info(text.format(title=title, note=note[0].lower() + note[1:] if note else ""),
                icon=":material/info:")
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
        columns.append(pl.col("name").alias(_("Indicator")))
    for dim in by:
        columns.append(_shown_names(table, dim).alias(dimension_title(dim)))
    columns += [pl.col("display").alias(_("Value")), _shown_periods(table).alias(_("Period")),
                _shown_days(table).alias(_("Data as of"))]
    return table.select(columns)


def _shown_names(table: pl.DataFrame, dim: str) -> pl.Series:
    # computed in Python (not a Polars UDF): the language is this thread's context
    return pl.Series([name_of(dim, code) for code in table.get_column(dim).cast(pl.String)],
                     dtype=pl.String)


def _shown_periods(table: pl.DataFrame) -> pl.Series:
    """Periods as the language reads them (months by name); English keeps the labels."""
    labels = table.get_column("period").to_list()
    if locales.language() == locales.DEFAULT:
        return pl.Series(labels, dtype=pl.String)
    return pl.Series([Period.parse(p).display if p else p for p in labels], dtype=pl.String)


def _shown_days(table: pl.DataFrame) -> pl.Series:
    """As-of dates: English keeps the date column, other languages their own date text."""
    if locales.language() == locales.DEFAULT:
        return table.get_column("as_of")
    return pl.Series([day(d) if d else None for d in table.get_column("as_of")], dtype=pl.String)


def download_table(table: pl.DataFrame, by: Sequence[str]) -> pl.DataFrame:
    """The columns of a download: codes and names, value and display, period, as-of, status.
    Codes, values and column names stay as they are (files are read by programs too); the
    names, the displayed values and the notes are in the current language."""
    shown = [_shown_names(table, dim).alias(f"{dim}_name")
             for dim in by if dim in DIMENSION_NAMES or dim in ("origin", "destination")]
    return table.select("indicator", "name", *by, "value", "display", "unit", "period",
                        "as_of", "status", "note").with_columns(shown).select(
        "indicator", "name", *by, *[s.name for s in shown], "value", "display", "unit",
        "period", "as_of", "status", "note")


def figures(table: pl.DataFrame, *, title: str, by: Sequence[str], key: str,
            indicator: str | None = None) -> None:
    """'Figures behind this chart': the table on screen and its downloads."""
    ctx = context()
    with st.expander(_("Figures: {title}").format(title=title)):
        if indicator:
            st.caption(indicator_definition(indicator))
        st.dataframe(readable(table, by), hide_index=True, width="stretch", placeholder="—")
        download_buttons(download_table(table, by), title=title,
                         context_label=f"{ctx.year} {ctx.region_name}", audience=ctx.audience,
                         indicator=indicator, key=key)
