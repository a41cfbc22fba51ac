"""Figure builders of the dashboard pages: a frame in, a Plotly figure out (no Streamlit).

One visual language for every chart (the `hamkori` template): UNHCR blue first, then a
colour-blind-safe palette (Okabe–Ito), Lato (installed on the machine, never fetched), type large
enough for a shared screen, titled axes with units.

The frames are the indicator engine's results (`metrics.engine.evaluate`), already disclosed for
the audience. A builder draws only cells with a value; a withheld cell (`<5`) is never drawn as a
bar or a point and its value never reaches the figure (hover text shows the engine's `display`
string): it is named instead in a note under the chart ("withheld to protect small numbers").

Every word a figure shows (titles, axes, legends, hover text, notes) is in the current language:
callers pass titles already translated, the builders translate their own words and write
numbers with `locales.number` and months with `locales.month_short`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import plotly.graph_objects as go
import plotly.io as pio
import polars as pl
from babel.numbers import get_decimal_symbol, get_group_symbol

import locales
from data_access import boundaries as geo
from data_access import reference as ref
from locales import N_, _
from metrics.engine import OK, SUPPRESSED, TOTAL
from metrics.periods import Period, PeriodError

UNHCR_BLUE = "#0072BC"
UNHCR_NAVY = "#18375F"
UNICEF_CYAN = "#1CABE2"
GREY = "#8C8C8C"
LIGHT_GREY = "#E6E6E6"
#: Categorical colours: UNHCR blue, then Okabe–Ito (distinguishable with any colour blindness).
PALETTE = ["#0072BC", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
           "#000000"]
#: Female / male, as UNHCR's demographic charts colour them (and distinguishable in grey scale).
SEX_COLOURS = {"F": "#E69F00", "M": "#0072BC"}
#: Sequential scale for maps (light to UNHCR navy).
SEQUENTIAL = ["#DCE9F5", "#8EBBE0", "#3F8CC8", "#0072BC", "#18375F"]
FONT = "Lato, 'Helvetica Neue', Arial, sans-serif"

UNIT_TITLES = {
    "persons": N_("Persons"), "cases": N_("Cases"), "percent": N_("Per cent (%)"),
    "index": N_("Index (1 = parity)"), "days": N_("Days"), "activities": N_("Activities"),
    "usd": N_("US dollars"),
}


def unit_title(unit: str) -> str:
    """An axis title for a unit, in the current language."""
    return _(UNIT_TITLES[unit]) if unit in UNIT_TITLES else unit

pio.templates["hamkori"] = go.layout.Template(layout=go.Layout(
    font={"family": FONT, "size": 16, "color": UNHCR_NAVY},
    title={"font": {"size": 20, "color": UNHCR_NAVY}, "x": 0.01, "xanchor": "left",
           "xref": "container", "y": 0.98, "yref": "container", "yanchor": "top"},
    colorway=PALETTE,
    paper_bgcolor="white",
    plot_bgcolor="white",
    hoverlabel={"font": {"family": FONT, "size": 15}},
    legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
    margin={"l": 10, "r": 10, "t": 100, "b": 10},
    # ticks written out in full, with the language's group sign (`localise_axes`): '16 000',
    # not Plotly's '16k' (an SI prefix reads as nothing in Russian or Tajik)
    xaxis={"gridcolor": LIGHT_GREY, "zerolinecolor": GREY, "automargin": True,
           "title": {"standoff": 8}, "exponentformat": "none", "separatethousands": True},
    yaxis={"gridcolor": LIGHT_GREY, "zerolinecolor": GREY, "automargin": True,
           "title": {"standoff": 8}, "exponentformat": "none", "separatethousands": True},
))
TEMPLATE = "hamkori"


def _figure(title: str, **layout) -> go.Figure:
    figure = go.Figure()
    figure.update_layout(template=TEMPLATE, title={"text": title}, **layout)
    localise_axes(figure)
    return figure


def localise_axes(figure: go.Figure) -> go.Figure:
    """Plotly's own numbers (axis ticks) with the current language's decimal and group signs
    (Russian: '1 000,5'); English keeps Plotly's default."""
    if locales.language() != locales.DEFAULT:
        chosen = locales.babel_locale()
        figure.update_layout(separators=get_decimal_symbol(chosen) + get_group_symbol(chosen))
    return figure


def shown(table: pl.DataFrame) -> pl.DataFrame:
    """Cells with a value to draw (not withheld, not 'no data', not 'not available')."""
    return table.filter((pl.col("status") == OK) & pl.col("value").is_not_null())


def withheld(table: pl.DataFrame, label: str) -> list[str]:
    """Labels (column `label`) of the cells withheld for this audience."""
    return table.filter(pl.col("status") == SUPPRESSED).get_column(label).cast(pl.String).to_list()


def _note(figure: go.Figure, table: pl.DataFrame, label: str) -> None:
    """Record the withheld cells in `figure.layout.meta["withheld"]`: the page says them under
    the chart (`withheld_note`), where a long list can wrap."""
    hidden = [name for name in withheld(table, label) if name != TOTAL]
    meta = dict(figure.layout.meta or {})
    meta["withheld"] = hidden
    figure.update_layout(meta=meta)


def is_empty(figure: go.Figure) -> bool:
    """Whether the figure draws nothing (every cell missing or withheld)."""
    for trace in figure.data:
        for axis in ("x", "y"):
            values = getattr(trace, axis, None)
            if values is not None and any(v is not None for v in values):
                return False
    return True


def withheld_note(figure: go.Figure) -> str | None:
    """'Withheld to protect small numbers: …' for the cells a figure leaves out, or None."""
    hidden = (figure.layout.meta or {}).get("withheld") or []
    if not hidden:
        return None
    return _("Withheld to protect small numbers: {cells}.").format(cells=", ".join(hidden))


def labelled(table: pl.DataFrame, column: str, names: Mapping[str, str] | Callable | None,
             alias: str = "label") -> pl.DataFrame:
    """`table` with a readable `alias` column for the codes of `column`: `names` is a function
    (code -> name in the current language) or a table of English names marked with `N_`
    (translated here)."""
    if names is None:
        return table.with_columns(pl.col(column).cast(pl.String).alias(alias))
    name = names if callable(names) else (lambda code: _translated(names, code))
    # in Python, not a Polars UDF: the current language is this thread's context
    shown = [name(code) for code in table.get_column(column).cast(pl.String)]
    return table.with_columns(pl.Series(alias, shown, dtype=pl.String))


def _translated(names: Mapping[str, str] | None, code: str) -> str:
    """`code`'s English name in `names` (marked with `N_`) in the current language, or `code`."""
    name = (names or {}).get(code)
    return _(name) if name else code


def bars(table: pl.DataFrame, category: str, *, title: str, unit: str,
         names: Mapping[str, str] | Callable | None = None, horizontal: bool = True,
         colour: str = UNHCR_BLUE, sort: bool = True) -> go.Figure:
    """One bar per category (the `Total` margin left out), labelled with the displayed value."""
    table = labelled(table.filter(pl.col(category) != TOTAL), category, names)
    drawn = shown(table)
    if sort:
        drawn = drawn.sort("value", descending=not horizontal)
    figure = _figure(title)
    axis_title = unit_title(unit)
    labels, values, texts = (drawn.get_column("label").to_list(), drawn.get_column("value").to_list(),
                             drawn.get_column("display").to_list())
    figure.add_bar(
        x=values if horizontal else labels, y=labels if horizontal else values,
        orientation="h" if horizontal else "v", marker_color=colour, text=texts,
        textposition="auto", customdata=texts, name=title,
        hovertemplate=("%{y}" if horizontal else "%{x}") + ": %{customdata}<extra></extra>")
    # The bars carry their values: the value axis would only crowd a half-width chart.
    if horizontal:
        figure.update_layout(xaxis_title=axis_title, yaxis_title=None,
                             height=max(280, 130 + 38 * len(labels)))
        figure.update_xaxes(showticklabels=False, showgrid=False)
    else:
        figure.update_layout(yaxis_title=axis_title, xaxis_title=None)
        figure.update_yaxes(showticklabels=False, showgrid=False)
    _note(figure, table, "label")
    return figure


def grouped_bars(table: pl.DataFrame, category: str, series: str, *, title: str, unit: str,
                 names: Mapping[str, str] | Callable | None = None,
                 series_names: Mapping[str, str] | None = None,
                 colours: Mapping[str, str] | None = None,
                 category_order: Sequence[str] | None = None) -> go.Figure:
    """Bars per category, one colour per value of `series` (e.g. enrolment by level and sex)."""
    table = labelled(table.filter((pl.col(category) != TOTAL) & (pl.col(series) != TOTAL)),
                     category, names)
    figure = _figure(title, barmode="group", yaxis_title=unit_title(unit))
    order = list(category_order) if category_order else None
    for index, key in enumerate(dict.fromkeys(table.get_column(series).to_list())):
        part = shown(table.filter(pl.col(series) == key))
        if order:
            part = part.with_columns(pl.col(category).replace_strict(
                {c: i for i, c in enumerate(order)}, default=len(order)).alias("_o")).sort("_o")
        texts = part.get_column("display").to_list()
        series_name = _translated(series_names, key)
        figure.add_bar(x=part.get_column("label").to_list(), y=part.get_column("value").to_list(),
                       name=series_name, text=texts, customdata=texts,
                       marker_color=(colours or {}).get(key, PALETTE[index % len(PALETTE)]),
                       hovertemplate="%{x}, " + series_name + ": %{customdata}<extra></extra>")
    hidden = table.filter(pl.col("status") == SUPPRESSED)
    hidden = hidden.with_columns(pl.Series("label", [
        f"{label} {_translated(series_names, key)}"
        for label, key in zip(hidden.get_column("label"), hidden.get_column(series).cast(pl.String),
                              strict=True)], dtype=pl.String))
    _note(figure, hidden, "label")
    return figure


def trend(table: pl.DataFrame, *, title: str, unit: str, x: str = "period",
          series: str = "name", colours: Mapping[str, str] | None = None,
          mode: str = "lines+markers") -> go.Figure:
    """One line per value of `series` over `x` (periods sort as text: 2019 < 2020, 2025-01 < …)."""
    figure = _figure(title, yaxis_title=unit_title(unit), xaxis_title=None,
                     hovermode="x unified")
    keys = list(dict.fromkeys(table.get_column(series).to_list()))
    for index, key in enumerate(keys):
        part = shown(table.filter(pl.col(series) == key)).sort(x)
        texts = part.get_column("display").to_list()
        figure.add_scatter(x=[_period_label(p) for p in part.get_column(x).cast(pl.String)],
                           y=part.get_column("value").to_list(), mode=mode, name=str(key),
                           customdata=texts, line={"width": 3},
                           marker={"size": 7,
                                   "color": (colours or {}).get(key, PALETTE[index % len(PALETTE)])},
                           hovertemplate=f"{key}: %{{customdata}}<extra></extra>")
    figure.update_xaxes(type="category")
    hidden = table.filter(pl.col("status") == SUPPRESSED)
    hidden = hidden.with_columns(pl.Series("label", [
        f"{key} {_period_label(str(when))}"
        for key, when in zip(hidden.get_column(series).cast(pl.String), hidden.get_column(x),
                             strict=True)], dtype=pl.String))
    _note(figure, hidden, "label")
    return figure


def _period_label(period: str) -> str:
    """'2025-03' -> 'Mar 2025' / 'март 2025' (months read better by name); other periods as
    they are."""
    try:
        return Period.parse(period).short
    except PeriodError:
        return period


def pyramid(table: pl.DataFrame, *, title: str) -> go.Figure:
    """Age–sex pyramid: males to the left, females to the right, UNHCR's age bands bottom-up.

    The left bars are drawn with negative lengths; the axis and the hover text show the
    displayed (positive) figures."""
    cells = table.filter((pl.col("sex") != TOTAL) & (pl.col("age_group") != TOTAL))
    bands = [band for band in ref.AGE_GROUPS if band != "unknown"]
    figure = _figure(title, barmode="overlay", bargap=0.1, xaxis_title=unit_title("persons"),
                     yaxis={"categoryorder": "array", "categoryarray": bands, "title": _("Age")})
    largest = 0.0
    for sex, sign in (("M", -1), ("F", 1)):
        label = ref.label(ref.SEXES, sex)
        part = shown(cells.filter((pl.col("sex") == sex) & pl.col("age_group").is_in(bands)))
        values = part.get_column("value").to_list()
        largest = max([largest, *values])
        texts = part.get_column("display").to_list()
        figure.add_bar(y=part.get_column("age_group").to_list(), x=[sign * v for v in values],
                       orientation="h", name=label, marker_color=SEX_COLOURS[sex], text=texts,
                       textposition="auto", customdata=texts,
                       hovertemplate=label + ", %{y}: %{customdata}<extra></extra>")
    if largest:
        ticks = _nice_ticks(largest)
        figure.update_xaxes(tickvals=[-t for t in reversed(ticks)] + ticks[1:],
                            ticktext=[locales.number(t) for t in reversed(ticks)]
                            + [locales.number(t) for t in ticks[1:]])
    hidden = cells.filter(pl.col("status") == SUPPRESSED)
    hidden = hidden.with_columns(pl.Series("label", [
        f"{ref.label(ref.SEXES, sex)} {age}"
        for sex, age in zip(hidden.get_column("sex"), hidden.get_column("age_group"),
                            strict=True)], dtype=pl.String))
    _note(figure, hidden, "label")
    return figure


def _nice_ticks(largest: float) -> list[float]:
    """0 and three round steps up to about `largest`."""
    magnitude = 10 ** (len(str(int(largest))) - 1)
    step = max(1, round(largest / 3 / magnitude)) * magnitude
    return [0.0, float(step), float(2 * step), float(3 * step)]


def funnel(stages: pl.DataFrame, *, title: str, label: str = "stage") -> go.Figure:
    """A funnel of stages in the frame's order (e.g. identified -> resolved -> acquired)."""
    drawn = shown(stages)
    texts = drawn.get_column("display").to_list()
    figure = _figure(title)
    figure.add_trace(go.Funnel(y=drawn.get_column(label).to_list(),
                               x=drawn.get_column("value").to_list(), text=texts,
                               textinfo="text", customdata=texts, marker_color=UNHCR_BLUE,
                               hovertemplate="%{y}: %{customdata}<extra></extra>"))
    _note(figure, stages, label)
    return figure


def region_map(table: pl.DataFrame, shapes: pl.DataFrame | None, *, title: str, unit: str,
               key: str = "region") -> go.Figure:
    """Where people live: a choropleth of the regions (or districts, `key="district"`) when a
    boundary file has been imported, otherwise proportional circles at the regional centres.

    Drawn on plain longitude/latitude axes: nothing is fetched (no map tiles, no topojson)."""
    cells = table.filter(pl.col(key) != TOTAL)
    values = {row[key]: row for row in cells.iter_rows(named=True)}
    figure = _figure(title, showlegend=False, hovermode="closest")
    level = "ADM2" if key == "district" else "ADM1"
    usable = shapes.filter(pl.col("level") == level) if shapes is not None else None
    if (usable is None or usable.is_empty()) and key == "region" and shapes is not None:
        usable = shapes.filter((pl.col("level") == "ADM2") & pl.col("region").is_not_null())
    if usable is not None and not usable.is_empty():
        _choropleth(figure, usable, values, key, unit)
    elif key == "region":
        _circles(figure, values, unit)
    figure.update_xaxes(visible=False, scaleanchor="y", scaleratio=0.78)  # ~cos(38.5°)
    figure.update_yaxes(visible=False)
    figure.update_layout(height=480)
    _note(figure, cells.with_columns(pl.Series(
        "label", [_place_name(key, code) for code in cells.get_column(key)], dtype=pl.String)),
        "label")
    return figure


def _place_name(key: str, code: str) -> str:
    """A region or district code as a name of the current language."""
    if key == "region":
        return ref.region_name(code)
    return ref.district_name(code)


def _colour(value: float, largest: float) -> str:
    if largest <= 0:
        return SEQUENTIAL[0]
    step = min(len(SEQUENTIAL) - 1, int(value / largest * (len(SEQUENTIAL) - 1) + 0.5))
    return SEQUENTIAL[step]


def _choropleth(figure: go.Figure, shapes: pl.DataFrame, values: Mapping[str, dict], key: str,
                unit: str) -> None:
    shown_values = [row["value"] for row in values.values()
                    if row["status"] == OK and row["value"] is not None]
    largest = max(shown_values, default=0.0)
    for shape in shapes.iter_rows(named=True):
        place = shape["code"] if key == "district" or shape["level"] == "ADM1" else shape["region"]
        row = values.get(place)
        name = _place_name(key, place)
        if row is not None and row["status"] == OK and row["value"] is not None:
            fill, text = _colour(row["value"], largest), row["display"]
        else:
            fill, text = LIGHT_GREY, (row["display"] if row else _("no data"))
        for ring in geo.rings(shape["geometry"]):
            figure.add_scatter(
                x=[p[0] for p in ring], y=[p[1] for p in ring], fill="toself", mode="lines",
                fillcolor=fill, line={"color": "white", "width": 1}, name=name,
                hoveron="fills", text=f"{name}: {text}", hoverinfo="text", showlegend=False)
    if shown_values:  # a legend of the colour steps
        for index, colour in enumerate(SEQUENTIAL):
            low = largest * max(0, index - 0.5) / (len(SEQUENTIAL) - 1)
            figure.add_scatter(x=[None], y=[None], mode="markers", showlegend=True,
                               marker={"size": 14, "color": colour, "symbol": "square"},
                               name=f"{locales.number(low)}+", hoverinfo="skip")
        figure.update_layout(showlegend=True, legend={
            "title": {"text": unit_title(unit)}, "orientation": "v", "x": 1.0,
            "xanchor": "right", "y": 1.0, "yanchor": "top"})


def _circles(figure: go.Figure, values: Mapping[str, dict], unit: str) -> None:
    drawn = [(code, row) for code, row in values.items()
             if code in ref.REGION_CENTRES and row["status"] == OK and row["value"] is not None]
    largest = max((row["value"] for _, row in drawn), default=0.0)
    for code, row in drawn:
        lon, lat = ref.REGION_CENTRES[code]
        size = 14 + 60 * (row["value"] / largest) ** 0.5 if largest else 14
        figure.add_scatter(x=[lon], y=[lat], mode="markers+text", text=[row["display"]],
                           textposition="middle center",
                           marker={"size": size, "color": UNHCR_BLUE, "opacity": 0.75,
                                   "line": {"color": "white", "width": 1}},
                           textfont={"color": "white" if size > 40 else UNHCR_NAVY},
                           name=ref.region_name(code),
                           hovertemplate=f"{ref.region_name(code)}: {row['display']}<extra></extra>")
    for code, (lon, lat) in ref.REGION_CENTRES.items():  # the names, also where nothing is drawn
        figure.add_scatter(x=[lon], y=[lat - 0.32], mode="text",
                           text=[ref.region_name(code).split(" (")[0]],
                           textfont={"size": 13, "color": GREY}, hoverinfo="skip")
    figure.update_xaxes(range=[67.2, 75.3])
    figure.update_yaxes(range=[36.6, 41.2])
    figure.add_annotation(text=_("Circle area proportional to {unit} (no boundary file imported)")
                          .format(unit=unit_title(unit).lower()), xref="paper", yref="paper", x=1,
                          y=1.0, xanchor="right", showarrow=False, font={"size": 12, "color": GREY})
