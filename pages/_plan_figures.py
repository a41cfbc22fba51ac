"""Tables and figures of the Joint Plan pages: frames in, frames or Plotly figures out.

No Streamlit here (the builders are tested on literal frames). The input is the frame of
`data_access.cache.plan_status`: one row per activity with `activity_id`, `area`, `title`,
`lead`, `start`, `end`, `budget_usd`, `progress` (latest dual-signed progress), `expected`,
`status` (one of `metrics.joint_plan.STATUSES`), `stale`, `funds_mobilised_usd`,
`funds_spent_usd`; `with_lou_flags` adds the terms of the catalogue indicator
`LOU.ON_TRACK_PCT` (`due`, `on_track_or_completed`), which `area_progress` and `plan_totals`
read. Builders read only the columns they name, so a narrative or any other text in
the frame never reaches a figure.

Figures are built for screen-share: 14 px type, labelled axes, one colour per status taken from
the UNHCR/UNICEF palette, with a pattern on the statuses that need action so that the chart reads
without telling colours apart (colour-blind safe). Nothing is loaded from the internet: no
mapbox, no MathJax (no text starts and ends with `$`). An empty frame gives a figure with a
sentence instead of axes, so a caller never fails on an empty plan.

Words are in the current language (`locales`): status labels and area names are English
messages marked with `N_` here and translated where they are shown (`status_label`,
`area_name`), agencies by `data_access.plan.agency_name` (the frames keep the codes); numbers,
percentages, dates and the months of the timeline's axis go through `locales` (tables: the
pages write their figures with `pages._view.figures_in_language`).
"""

from __future__ import annotations

import html
from datetime import date

import plotly.graph_objects as go
import polars as pl

import locales
from data_access.plan import agency_name, signed_updates
from data_access.reference import JOINT_PLAN_AREAS, label
from locales import N_, _
from metrics.catalogue import CATALOGUE
from metrics.joint_plan import activity_flags
from pages._figures import TEMPLATE, localise_axes

#: Statuses in the order of the legend (good to bad, then the ones without a judgement).
STATUS_ORDER = ("completed", "on_track", "at_risk", "off_track", "overdue", "stale",
                "not_started")
STATUS_LABELS = {
    "completed": N_("Completed"),
    "on_track": N_("On track"),
    "at_risk": N_("At risk"),
    "off_track": N_("Off track"),
    "overdue": N_("Overdue"),
    "stale": N_("Stale"),  # no signed-off update for more than 90 days
    "not_started": N_("Not started"),
}
#: One colour per status (GUIDE palette: UNHCR blue and navy, categorical colours; grey for
#: not started). Blue/yellow/red differ in lightness as well as hue.
STATUS_COLOURS = {
    "completed": "#18375F",  # UNHCR navy
    "on_track": "#0072BC",  # UNHCR blue
    "at_risk": "#FFC740",  # yellow
    "off_track": "#A097E3",  # lavender
    "overdue": "#D25A45",  # red
    "stale": "#6CD8FD",  # light cyan
    "not_started": "#BDBDBD",  # grey
}
#: A second channel besides colour for the statuses that need action.
STATUS_PATTERNS = {"at_risk": ".", "off_track": "/", "overdue": "x", "stale": "-"}

#: The catalogue indicator the page's share is (name and definition shown as they are).
ON_TRACK = CATALOGUE.indicator("LOU.ON_TRACK_PCT")
FONT = {"size": 14}
#: The legend under the chart, at the foot of the figure (`yref="container"`: a fraction of the
#: plot's height would fall outside a tall figure and be cut off), in the bottom margin.
BOTTOM_LEGEND = {"orientation": "h", "x": 0, "xanchor": "left", "yref": "container", "y": 0,
                 "yanchor": "bottom"}
NAVY = "#18375F"
EMPTY_PLAN = N_("No joint-plan activities yet.")
_DAY_MS = 24 * 60 * 60 * 1000
_TITLE_CHARS = 48


# ---------------------------------------------------------------------------------- frames
def as_of_for(year: int, today: date) -> date:
    """The plan is read today, or on 31 December of a selected year that is already over."""
    return min(today, date(year, 12, 31))


def activity_label(activity_id: str, title: str | None) -> str:
    """How an activity is listed (and written in the URL by the bound selectbox)."""
    return f"{activity_id} — {title or ''}".rstrip(" —")


def area_name(code: str) -> str:
    """A LOU area in the current language."""
    return label(JOINT_PLAN_AREAS, code)


def status_label(code: str) -> str:
    """An activity status in the current language ('on_track' -> 'On track' / 'По плану')."""
    return label(STATUS_LABELS, code)


def with_agency_names(frame: pl.DataFrame) -> pl.DataFrame:
    """`frame` with the agencies' codes in `lead` and `posted_agency` as their names in the
    language (UNHCR / УВКБ ООН, JOINT / Joint / Совместно)."""
    return frame.with_columns(
        pl.Series(c, [agency_name(v) for v in frame.get_column(c)], dtype=pl.String)
        for c in ("lead", "posted_agency") if c in frame.columns)


def _areas() -> pl.DataFrame:
    return pl.DataFrame({"area": list(JOINT_PLAN_AREAS),
                         "area_name": [area_name(code) for code in JOINT_PLAN_AREAS],
                         "_order": list(range(len(JOINT_PLAN_AREAS)))},
                        schema={"area": pl.String, "area_name": pl.String, "_order": pl.Int64})


def with_lou_flags(status: pl.DataFrame, updates: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """`status` plus the 0/1 columns `due` and `on_track_or_completed` of
    `metrics.joint_plan.activity_flags` for the period from 1 January of `as_of`'s year (the
    selected year; a future year is read today) to `as_of`: the terms of `LOU.ON_TRACK_PCT`,
    computed as the indicator engine computes them. `updates` is a `data_access.plan.updates`
    frame (only dual-signed ones count). Like the engine, while no update has been signed off
    by both agencies the two columns are null: statuses would only measure silence."""
    signed = signed_updates(updates)
    if signed.is_empty():
        return status.with_columns(pl.lit(None, pl.Int64).alias("due"),
                                   pl.lit(None, pl.Int64).alias("on_track_or_completed"))
    flags = activity_flags(status, signed, date(as_of.year, 1, 1), as_of)
    return status.join(flags.select("activity_id", "due", "on_track_or_completed"),
                       on="activity_id", how="left", maintain_order="left")


def _known_sum(column: str) -> pl.Expr:
    """Sum of a 0/1 flag column; null when the flags are not known (see `with_lou_flags`)."""
    return (pl.when(pl.col(column).is_not_null().any()).then(pl.col(column).sum())
            .cast(pl.Int64).alias(column))


def area_progress(status: pl.DataFrame) -> pl.DataFrame:
    """One row per area of the LOU (all nine, in the LOU's order, plus any other code found).

    `status` carries the flags of `with_lou_flags`. `activities`; `started` (status not
    `not_started`); `due` and `on_track_or_completed` (the terms of `LOU.ON_TRACK_PCT`) and
    `on_track_pct` (their share, null when none is due or no update was dual-signed yet);
    `mean_progress` (mean latest signed progress of the started activities; one never reported
    counts 0); `overdue` (status) and `stale` (flag: no signed update for 90 days)."""
    started = pl.col("status") != "not_started"
    per_area = status.group_by("area").agg(
        pl.len().cast(pl.Int64).alias("activities"),
        started.sum().cast(pl.Int64).alias("started"),
        _known_sum("due"),
        _known_sum("on_track_or_completed"),
        pl.col("progress").filter(started).mean().alias("mean_progress"),
        (pl.col("status") == "overdue").sum().cast(pl.Int64).alias("overdue"),
        pl.col("stale").fill_null(False).sum().cast(pl.Int64).alias("stale"),
    )
    areas = _areas()
    extra = per_area.filter(~pl.col("area").is_in(list(JOINT_PLAN_AREAS))).select(
        "area", pl.col("area").alias("area_name"),
        (pl.int_range(pl.len()) + areas.height).cast(pl.Int64).alias("_order"))
    counts = ("activities", "started", "overdue", "stale")
    known = status.is_empty() or status.get_column("due").is_not_null().any()
    if known:  # an area without activities has none due; unknown flags stay unknown
        counts += ("due", "on_track_or_completed")
    return (
        pl.concat([areas, extra])
        .join(per_area, on="area", how="left")
        .sort("_order")
        .with_columns(pl.col(c).fill_null(0) for c in counts)
        .with_columns(
            pl.when(pl.col("due") > 0)
            .then(pl.col("on_track_or_completed") * 100.0 / pl.col("due"))
            .alias("on_track_pct"))
        .select("area", "area_name", "activities", "started", "due", "on_track_or_completed",
                "on_track_pct", "mean_progress", "overdue", "stale")
    )


def plan_totals(status: pl.DataFrame) -> dict:
    """The whole plan in the terms of `area_progress` (for the tiles above the table):
    `on_track_pct` is `LOU.ON_TRACK_PCT` (on track or completed ÷ due), None when not
    available (nothing due, or no update dual-signed yet: `due` is None then)."""
    known = status.is_empty() or status.get_column("due").is_not_null().any()
    due = int(status.get_column("due").fill_null(0).sum()) if known else None
    good = int(status.get_column("on_track_or_completed").fill_null(0).sum()) if known else None
    return {
        "activities": status.height,
        "started": status.filter(pl.col("status") != "not_started").height,
        "due": due,
        "on_track_or_completed": good,
        "on_track_pct": good * 100.0 / due if due else None,
        "overdue": status.filter(pl.col("status") == "overdue").height,
        "stale": int(status.get_column("stale").fill_null(False).sum()) if status.height else 0,
    }


def funds_by_area_lead(status: pl.DataFrame) -> pl.DataFrame:
    """Budgeted (`budget_usd` of the plan), mobilised and spent (latest signed figures) per area
    and lead agency, in the LOU's area order. A sum over activities none of which has the figure
    is null (not reported), never 0; `reporting` counts the activities with a signed figure."""
    amounts = {"budget_usd": "budgeted_usd", "funds_mobilised_usd": "mobilised_usd",
               "funds_spent_usd": "spent_usd"}
    order = {code: i for i, code in enumerate(JOINT_PLAN_AREAS)}
    grouped = status.group_by("area", "lead").agg(
        pl.len().cast(pl.Int64).alias("activities"),
        pl.col("funds_mobilised_usd").is_not_null().sum().cast(pl.Int64).alias("reporting"),
        *(pl.when(pl.col(source).is_not_null().any())
          .then(pl.col(source).cast(pl.Float64).sum()).alias(target)
          for source, target in amounts.items()),
    )
    return (
        grouped.with_columns(
            pl.col("area").replace_strict({code: area_name(code) for code in JOINT_PLAN_AREAS},
                                          default=pl.col("area"))
            .alias("area_name"),
            pl.col("area").replace_strict(order, default=len(order), return_dtype=pl.Int64)
            .alias("_order"))
        .sort("_order", "lead")
        .select("area", "area_name", "lead", "activities", "budgeted_usd", "mobilised_usd",
                "spent_usd", "reporting")
    )


def overdue_activities(status: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """Activities past their end and not completed, the longest overdue first."""
    return (status.filter(pl.col("status") == "overdue")
            .with_columns((pl.lit(as_of, pl.Date) - pl.col("end")).dt.total_days()
                          .alias("days_overdue"))
            .sort("days_overdue", "activity_id", descending=[True, False])
            .select("activity_id", "title", "lead", "end", "days_overdue", "progress"))


def stale_activities(status: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """Started, not completed activities without a signed update for 90 days (also when
    overdue), the longest silent first; `last_signed` is null when none was ever signed."""
    return (status.filter(pl.col("stale").fill_null(False))
            .with_columns((pl.lit(as_of, pl.Date) - pl.coalesce("last_signed", "start"))
                          .dt.total_days().alias("days_silent"))
            .sort("days_silent", "activity_id", descending=[True, False])
            .select("activity_id", "title", "lead", "last_signed", "days_silent", "status"))


def waiting_for(updates: pl.DataFrame, agency: str, status: pl.DataFrame) -> pl.DataFrame:
    """Pending updates that wait for `agency` to sign (oldest first), with the activity title."""
    titles = status.select("activity_id", "title")
    return (updates.filter(pl.col("state") == "pending", pl.col("waiting_for") == agency)
            .join(titles, on="activity_id", how="left")
            .sort("date", "activity_id", "update_no")
            .select("activity_id", "title", "update_no", "date", "progress", "posted_by",
                    "posted_agency"))


def waiting_counts(updates: pl.DataFrame) -> dict[str, int]:
    """Pending updates per agency that has still to sign them."""
    pending = updates.filter(pl.col("state") == "pending")
    return {agency: pending.filter(pl.col("waiting_for") == agency).height
            for agency in ("UNHCR", "UNICEF")}


# ---------------------------------------------------------------------------------- figures
def empty_figure(message: str) -> go.Figure:
    """A figure that says why there is nothing to draw."""
    figure = go.Figure()
    figure.add_annotation(text=message, x=0.5, y=0.5, xref="paper", yref="paper",
                          showarrow=False, font={"size": 16, "color": NAVY})
    figure.update_layout(template=TEMPLATE, height=200, font=FONT, xaxis={"visible": False},
                         yaxis={"visible": False}, margin={"l": 20, "r": 20, "t": 20, "b": 20})
    return localise_axes(figure)


def _short(text: str | None) -> str:
    text = text or ""
    return text if len(text) <= _TITLE_CHARS else text[: _TITLE_CHARS - 1].rstrip() + "…"


def _label(activity_id: str, title: str | None) -> str:
    return html.escape(f"{activity_id} {_short(title)}")


def _percent(value: float | None) -> str:
    return "—" if value is None else locales.percent(round(value), 0)


def timeline_figure(status: pl.DataFrame, as_of: date, *, as_of_label: str | None = None
                    ) -> go.Figure:
    """A Gantt chart: one bar per activity from `start` to `end` (inclusive), one trace (colour,
    pattern) per status, activities grouped by area, and a dashed vertical line at `as_of`
    labelled `as_of_label` (default: "Today" in the current language)."""
    if status.is_empty():
        return empty_figure(_(EMPTY_PLAN))
    as_of_label = _("Today") if as_of_label is None else as_of_label
    order = {code: i for i, code in enumerate(JOINT_PLAN_AREAS)}
    rows = (status.with_columns(
        pl.col("area").replace_strict(order, default=len(order), return_dtype=pl.Int64)
        .alias("_order"))
        .sort("_order", "start", "activity_id"))
    labels = [_label(a, t) for a, t in zip(rows["activity_id"], rows["title"], strict=True)]
    figure = go.Figure()
    for code in STATUS_ORDER:
        part = rows.filter(pl.col("status") == code)
        if part.is_empty():
            continue
        records = part.to_dicts()
        figure.add_bar(
            name=status_label(code),
            orientation="h",
            y=[_label(r["activity_id"], r["title"]) for r in records],
            base=[r["start"].isoformat() for r in records],
            x=[((r["end"] - r["start"]).days + 1) * _DAY_MS for r in records],
            marker={"color": STATUS_COLOURS[code], "line": {"color": NAVY, "width": 0.5},
                    "pattern": {"shape": STATUS_PATTERNS.get(code, ""), "fillmode": "overlay",
                                "fgcolor": NAVY, "size": 8, "solidity": 0.3}},
            customdata=[[
                html.escape(r["activity_id"]), html.escape(r["title"] or ""),
                html.escape(area_name(r["area"])), agency_name(r["lead"]), locales.day(r["start"]),
                locales.day(r["end"]), status_label(code), _percent(r["progress"]),
                _percent(r["expected"]),
            ] for r in records],
            hovertemplate=(
                "<b>%{customdata[0]}</b> %{customdata[1]}<br>"
                + _("Area: {area}").format(area="%{customdata[2]}") + "<br>"
                + _("Lead: {lead}").format(lead="%{customdata[3]}") + "<br>"
                + _("From {start} to {end}").format(start="%{customdata[4]}",
                                                   end="%{customdata[5]}") + "<br>"
                + _("Status: {status}").format(status="%{customdata[6]}") + "<br>"
                + _("Signed progress {progress} (expected {expected})").format(
                    progress="%{customdata[7]}", expected="%{customdata[8]}")
                + "<extra></extra>"),
        )
    figure.add_shape(type="line", x0=as_of.isoformat(), x1=as_of.isoformat(), y0=0, y1=1,
                     xref="x", yref="paper", line={"color": NAVY, "width": 2, "dash": "dash"},
                     name="as_of")
    figure.add_annotation(x=as_of.isoformat(), y=1, xref="x", yref="paper", yanchor="bottom",
                          text=f"{as_of_label} ({locales.day(as_of)})", showarrow=False,
                          font={"color": NAVY, "size": 14})
    figure.update_layout(
        template=TEMPLATE,
        barmode="overlay",
        height=max(360, 30 * len(labels) + 160),
        font=FONT,
        legend={"title": {"text": _("Status")}, **BOTTOM_LEGEND},
        margin={"l": 10, "r": 10, "t": 40, "b": 130},  # room for two rows of statuses
        xaxis={"type": "date", "title": {"text": _("Timeframe (start to end)")},
               **date_ticks(min(rows["start"].min(), as_of), max(rows["end"].max(), as_of))},
        yaxis={"title": {"text": _("Activity")}, "categoryorder": "array",
               "categoryarray": labels, "autorange": "reversed", "automargin": True},
    )
    return localise_axes(figure)


#: Months between two ticks of the timeline's axis, the first that keeps it to `_MAX_TICKS`.
_TICK_STEPS = (1, 3, 6, 12, 24, 60, 120)
_MAX_TICKS = 12


def date_ticks(first: date, last: date) -> dict:
    """`tickvals` and `ticktext` of a date axis from `first` to `last` in the current language
    (Plotly would write its months in English): ticks on the first day of a month, every 1, 3
    or 6 months ('янв.<br>2025', 'апр.', …; the year under January and under the first tick
    in view — a tick rounded down before `first` falls outside the axis) or every 1, 2, 5 or
    10 years (the year alone)."""
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    step = next((s for s in _TICK_STEPS if months / s <= _MAX_TICKS), _TICK_STEPS[-1])
    index = first.year * 12 + first.month - 1  # months since year 0
    index -= index % step  # ticks on round quarters, half years and years
    values, texts, dated = [], [], False
    while index <= last.year * 12 + last.month - 1:
        tick = date(index // 12, index % 12 + 1, 1)
        if step >= 12:
            text = str(tick.year)
        elif tick.month == 1 or (not dated and tick >= first):
            text = f"{locales.month_short(tick)}<br>{tick.year}"
            dated = dated or tick >= first
        else:
            text = locales.month_short(tick)
        values.append(tick.isoformat())
        texts.append(text)
        index += step
    return {"tickvals": values, "ticktext": texts}


def area_progress_figure(areas: pl.DataFrame) -> go.Figure:
    """Per area, two bars: share of the activities due that are on track or completed
    (`LOU.ON_TRACK_PCT`), and the mean signed progress of the started ones. Areas without an
    activity due (or started) have no bar (not 0)."""
    if areas.is_empty() or areas.get_column("activities").sum() == 0:
        return empty_figure(_(EMPTY_PLAN))
    names = [html.escape(n) for n in areas.get_column("area_name")]
    figure = go.Figure()
    for column, name, colour in (
        ("on_track_pct", _("On track or completed (% of activities due)"), "#0072BC"),
        ("mean_progress", _("Mean signed progress (%)"), "#FFC740"),
    ):
        values = areas.get_column(column).to_list()
        shown = [None if v is None else _percent(v) for v in values]
        counts = _("{started} of {activities} activities started, {due} due").format(
            started="%{customdata[1]}", activities="%{customdata[0]}", due="%{customdata[2]}")
        figure.add_bar(
            name=name, orientation="h", y=names, x=values,
            marker={"color": colour, "line": {"color": NAVY, "width": 0.5}},
            text=shown, textposition="outside",
            customdata=[(*row, text or "—") for row, text in zip(
                areas.select("activities", "started",
                             pl.col("due").cast(pl.String).fill_null("?")).rows(),
                shown, strict=True)],
            hovertemplate=(f"%{{y}}<br>{name}: %{{customdata[3]}}<br>{counts}"
                           "<extra></extra>"),
        )
    figure.update_layout(
        template=TEMPLATE,
        barmode="group",
        height=max(360, 48 * len(names) + 140),
        font=FONT,
        legend=BOTTOM_LEGEND,
        margin={"l": 10, "r": 10, "t": 10, "b": 110},
        xaxis={"title": {"text": _("Percent")}, "range": [0, 115],
               "tickvals": [0, 25, 50, 75, 100]},
        yaxis={"title": {"text": _("Area")}, "autorange": "reversed", "automargin": True},
    )
    return localise_axes(figure)


def funds_figure(funds: pl.DataFrame) -> go.Figure:
    """Grouped bars per area and lead: budgeted, mobilised and spent (US dollars)."""
    if funds.is_empty():
        return empty_figure(_(EMPTY_PLAN))
    labels = [html.escape(f"{a} · {agency_name(lead)}") for a, lead
              in zip(funds["area_name"], funds["lead"], strict=True)]
    amount = _("{amount} USD").format(amount="%{customdata}")
    figure = go.Figure()
    for column, name, colour in (
        ("budgeted_usd", _("Budgeted (plan)"), NAVY),
        ("mobilised_usd", _("Mobilised (latest signed update)"), "#0072BC"),
        ("spent_usd", _("Spent (latest signed update)"), "#FFC740"),
    ):
        amounts = funds.get_column(column).to_list()
        figure.add_bar(
            name=name, orientation="h", y=labels, x=amounts,
            marker={"color": colour, "line": {"color": NAVY, "width": 0.5}},
            customdata=["—" if v is None else locales.number(v) for v in amounts],
            hovertemplate=f"%{{y}}<br>{name}: {amount}<extra></extra>",
        )
    figure.update_layout(
        template=TEMPLATE,
        barmode="group",
        height=max(360, 60 * len(labels) + 140),
        font=FONT,
        legend=BOTTOM_LEGEND,
        margin={"l": 10, "r": 10, "t": 10, "b": 110},
        xaxis={"title": {"text": _("US dollars")}, "tickformat": ",.0f", "rangemode": "tozero"},
        yaxis={"title": {"text": _("Area and lead agency")}, "autorange": "reversed",
               "automargin": True},
    )
    return localise_axes(figure)
