"""Joint Plan of Action: where the plan stands, what needs action, and where the money is.

Status is read today, or on 31 December of the selected year when that year is over; only
updates both agencies signed off count (DOMAIN §5). The on-track share (tile and area table) is
the catalogue indicator `LOU.ON_TRACK_PCT` for the selected year — on track or completed ÷ due
to be active, from `metrics.joint_plan.activity_flags` like the engine — so the page and
`hamkori report` agree. Figures come from `pages/_plan_figures.py`; the data from the cached
loaders in `data_access/cache.py`. The plan has no regional breakdown. Agencies are shown by
name (`plan.agency_name`); the tables' figures are written as the language writes them
(`view.figures_in_language`: '33.3 %' / '33,3 %', '—' for none; the cells keep their numbers to
sort by). The XLSX workplan holds internal narratives: it is offered to UNHCR,
UNICEF and the data manager, never to donors (and `cache.workplan_xlsx` refuses them too).
"""

from __future__ import annotations

from datetime import date

import polars as pl
import streamlit as st

import locales
from data_access import cache, plan
from locales import N_, _, ngettext
from metrics.catalogue import indicator_definition, indicator_name
from pages import _plan_figures as figures
from pages import _view as view
from pages._context import deferred_export, require_page

EMPTY_SENTENCE = N_(
    "No joint-plan activities yet — import the workplan (`hamkori workplan import plan.xlsx`, "
    "or `hamkori import joint_plan activities.csv`) or run `hamkori init --demo`."
)
ON_TRACK = "LOU.ON_TRACK_PCT"
ACTIVITY_PAGE = "pages/activity.py"
PLOTLY_CONFIG = {"displaylogo": False}
#: Columns of figures that may be missing or need the language's signs: column -> kind of
#: `view.CELL_FORMATS` (how `view.figures_in_language` writes them).
FIGURES = {"due": "number", "on_track_or_completed": "number", "on_track_pct": "percent_1",
           "mean_progress": "percent", "budgeted_usd": "number", "mobilised_usd": "number",
           "spent_usd": "number", "end": "date", "progress": "percent",
           "update_progress": "percent", "last_signed": "date", "date": "date"}


# Column titles in the language of the run (a page script runs anew each time).
AREA_COLUMNS = {
    "area_name": st.column_config.TextColumn(_("Area"), width="large"),
    "activities": st.column_config.NumberColumn(_("Activities")),
    "started": st.column_config.NumberColumn(_("Started")),
    "due": st.column_config.Column(
        _("Due"), help=_("Due to be active: begun by the as-of date and not completed before "
                         "the year (the denominator of the on-track share)")),
    "on_track_or_completed": st.column_config.Column(
        _("On track or completed"), help=_("Of the activities due")),
    "on_track_pct": st.column_config.Column(
        _("On track (% of due)"), help=indicator_definition(ON_TRACK)),
    "mean_progress": st.column_config.Column(
        _("Mean signed progress"),
        help=_("Mean latest dual-signed progress of the started activities (none signed: "
               "0 %)")),
    "overdue": st.column_config.NumberColumn(_("Overdue")),
    "stale": st.column_config.NumberColumn(
        _("Stale"), help=_("No signed-off update for more than 90 days")),
}
FUNDS_COLUMNS = {
    "area_name": st.column_config.TextColumn(_("Area"), width="large"),
    "lead": st.column_config.TextColumn(_("Lead")),
    "activities": st.column_config.NumberColumn(_("Activities")),
    "budgeted_usd": st.column_config.Column(_("Budgeted (USD)")),
    "mobilised_usd": st.column_config.Column(_("Mobilised (USD)")),
    "spent_usd": st.column_config.Column(_("Spent (USD)")),
    "reporting": st.column_config.NumberColumn(
        _("Activities reporting funds"), help=_("With a mobilised figure in a signed-off update")),
}
ACTIVITY_COLUMNS = {
    "activity_id": st.column_config.TextColumn(_("Activity")),
    "title": st.column_config.TextColumn(_("Title"), width="large"),
    "lead": st.column_config.TextColumn(_("Lead")),
    "end": st.column_config.Column(_("Ended")),
    "days_overdue": st.column_config.NumberColumn(_("Days overdue")),
    "progress": st.column_config.Column(_("Signed progress")),
    "update_progress": st.column_config.Column(_("Progress in the update")),
    "last_signed": st.column_config.Column(_("Last signed update")),
    "days_silent": st.column_config.NumberColumn(_("Days without a signed update")),
    "status": st.column_config.TextColumn(_("Status")),
    "update_no": st.column_config.NumberColumn(_("Update")),
    "date": st.column_config.Column(_("Dated")),
    "posted_by": st.column_config.TextColumn(_("Posted by")),
    "posted_agency": st.column_config.TextColumn(_("Agency")),
}


def show_table(frame: pl.DataFrame, columns: dict) -> None:
    """`frame`'s columns that `columns` configures, agencies by name and figures as the
    language writes them (`view.figures_in_language`)."""
    frame = figures.with_agency_names(frame)
    st.dataframe(view.figures_in_language(frame, FIGURES), hide_index=True, width="stretch",
                 column_config={k: v for k, v in columns.items() if k in frame.columns},
                 column_order=[c for c in frame.columns if c in columns], placeholder="—")


def on_track_tile(totals: dict, year: int) -> tuple[str, str, str]:
    """The catalogue indicator LOU.ON_TRACK_PCT as the engine reports it (one decimal)."""
    share, due = totals["on_track_pct"], totals["due"]
    if due is None:
        detail = _("No update has been signed off by both agencies yet: status cannot be "
                   "computed.")
    else:
        detail = ngettext("{good} of the {due} activity due in {year} is on track or completed.",
                          "{good} of the {due} activities due in {year} are on track or "
                          "completed.", due).format(good=totals["on_track_or_completed"],
                                                    due=due, year=year)
    value = "—" if share is None else locales.percent(float(f"{share:.1f}"), 1)
    return indicator_name(ON_TRACK), value, f"{indicator_definition(ON_TRACK)} {detail}"


def tiles(status: pl.DataFrame, year: int) -> None:
    totals = figures.plan_totals(status)
    count = locales.number
    values = [
        (_("Activities"), count(totals["activities"]), _("Activities in the plan")),
        (_("Started"), count(totals["started"]), _("Activities whose start date has passed")),
        on_track_tile(totals, year),
        (_("Overdue"), count(totals["overdue"]), _("Past their end date and not completed")),
        (_("Stale"), count(totals["stale"]), _("No signed-off update for more than 90 days")),
    ]
    for column, (label, value, help_text) in zip(st.columns(len(values)), values, strict=True):
        column.metric(label, value, help=help_text, border=True)


def progress_by_area(status: pl.DataFrame) -> None:
    st.subheader(_("Progress by area"))
    areas = figures.area_progress(status)
    show_table(areas, AREA_COLUMNS)
    st.plotly_chart(figures.area_progress_figure(areas), theme=None, config=PLOTLY_CONFIG)


def timeline(status: pl.DataFrame, as_of: date, as_of_label: str) -> None:
    st.subheader(_("Timeline"))
    st.caption(_("One bar per activity from its start to its end, coloured by status "
                 "(patterned where action is needed); the dashed line marks the as-of date. "
                 "Stale: no signed-off update for more than 90 days. Hover over a bar for "
                 "details."))
    st.plotly_chart(figures.timeline_figure(status, as_of, as_of_label=as_of_label), theme=None,
                    config=PLOTLY_CONFIG)


def needs_action(status: pl.DataFrame, updates: pl.DataFrame, as_of: date, audience: str
                 ) -> None:
    st.subheader(_("What needs action"))
    overdue = figures.overdue_activities(status, as_of)
    stale = figures.stale_activities(status, as_of)
    st.markdown(ngettext("**Overdue** — {count} activity past its end and not completed",
                         "**Overdue** — {count} activities past their end and not completed",
                         overdue.height).format(count=overdue.height))
    if not overdue.is_empty():
        show_table(overdue, ACTIVITY_COLUMNS)
    st.markdown(ngettext("**Stale** — {count} activity without a signed-off update for more "
                         "than 90 days",
                         "**Stale** — {count} activities without a signed-off update for more "
                         "than 90 days", stale.height).format(count=stale.height))
    if not stale.is_empty():
        show_table(stale.with_columns(pl.Series(
            "status", [figures.status_label(s) for s in stale.get_column("status")],
            dtype=pl.String)), ACTIVITY_COLUMNS)

    agency = plan.agency_of(audience)
    if agency is None:  # donors and data managers do not sign: how much waits, for whom
        st.markdown(_("**Waiting for sign-off** — pending updates by the agency that has still "
                      "to sign them"))
        counts = figures.waiting_counts(updates)
        for column, (who, count) in zip(st.columns(len(counts)), counts.items(), strict=True):
            column.metric(_("Waiting for {agency}").format(agency=plan.agency_name(who)),
                          locales.number(count), border=True)
        return
    waiting = figures.waiting_for(updates, agency, status)
    st.markdown(ngettext("**Waiting for {agency} to sign** — {count} update",
                         "**Waiting for {agency} to sign** — {count} updates",
                         waiting.height).format(agency=plan.agency_name(agency),
                                                count=waiting.height))
    if waiting.is_empty():
        return
    show_table(waiting.rename({"progress": "update_progress"}), ACTIVITY_COLUMNS)
    for activity_id, title in waiting.select("activity_id", "title").unique(
            maintain_order=True).iter_rows():
        # the bound selectbox of the activity page keeps its label in the URL
        st.page_link(ACTIVITY_PAGE,
                     label=_("Open {activity} to sign off or return").format(
                         activity=activity_id),
                     icon=":material/draw:",
                     query_params={"activity": figures.activity_label(activity_id, title)})


def funds(status: pl.DataFrame) -> None:
    st.subheader(_("Funds by area and lead"))
    st.caption(_("Budgeted: the plan's budget. Mobilised and spent: the latest figures in "
                 "signed-off updates (— when no activity of the row has reported one)."))
    frame = figures.funds_by_area_lead(status)
    show_table(frame, FUNDS_COLUMNS)
    st.plotly_chart(figures.funds_figure(frame), theme=None, config=PLOTLY_CONFIG)


def workplan_download(audience: str, as_of: date) -> None:
    if audience not in plan.INTERNAL_READERS:  # donors: the workplan holds internal narratives
        return
    st.subheader(_("Workplan"))
    st.download_button(
        _("Download the workplan (XLSX)"),
        deferred_export(lambda: cache.workplan_xlsx(audience), "workplan (XLSX)",
                        f"as {audience}, status as of {as_of.isoformat()}"),
        file_name=f"hamkori-workplan-{as_of.isoformat()}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/download:", on_click="ignore",
        help=_("Sheets `activities` and `updates` (internal narratives included): the file "
               "`hamkori workplan import` reads back."))


def render() -> None:
    context = require_page("plan")
    today = date.today()
    as_of = figures.as_of_for(context.year, today)
    as_of_label = _("Today") if as_of == today else _("As of")
    status = cache.plan_status(as_of, context.audience)

    st.title(_("Joint Plan of Action"))
    if status.is_empty():
        st.info(_(EMPTY_SENTENCE), icon=":material/info:")
        return
    if as_of == today:
        text = _("Status as of **{date}** (today). Only updates signed off by both UNHCR and "
                 "UNICEF count.")
    else:
        text = _("Status as of **{date}** (the end of {year}). Only updates signed off by both "
                 "UNHCR and UNICEF count.")
    if context.region:
        text += " " + _("The plan is national: the region filter does not apply.")
    st.caption(text.format(date=locales.day(as_of), year=context.year))
    updates = cache.plan_updates(context.audience)
    # the on-track share is the catalogue indicator LOU.ON_TRACK_PCT for the selected year
    flagged = figures.with_lou_flags(status, updates, as_of)
    tiles(flagged, as_of.year)
    progress_by_area(flagged)
    timeline(status, as_of, as_of_label)
    needs_action(status, updates, as_of, context.audience)
    funds(status)
    workplan_download(context.audience, as_of)


render()
