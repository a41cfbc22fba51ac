"""Joint-plan activity: one activity's details, its indicator, its updates and their sign-off.

The activity is chosen in a selectbox bound to the URL (`?activity=JPA-01`), so a view can be
shared. Status is read like on the Joint Plan page (today, or 31 December of a past selected
year); only dual-signed updates count.

Acting (DOMAIN §5): the lead agency's focal points post updates (JOINT: both agencies); the other
agency signs each update off or returns it with a comment. Rights are checked again in
`data_access.plan`, whatever this page shows; donors and data managers see the page read-only
(donors without the texts of internal, pending or returned updates nor return comments, which
`data_access.plan` never gives them).

The linked indicator's figures (tiles, history, sign-off cards) follow the catalogue: none at all
for an audience the indicator is not shared with, small counts as "<5"
(`plan.linked_indicator_view`, `plan.indicator_figure`).

Optimistic concurrency: the update number the form was opened on is kept in session state
(`plan.seen.<activity>`), not re-read on every rerun, so a colleague's update posted meanwhile
makes the post a `Conflict` — shown as a warning with what the user typed kept in the form, and a
button that reloads the activity. Sign-off and return carry the update's batch as rendered.
Every write goes through `data_access.plan` (one import batch each) and then `cache.refresh()`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import polars as pl
import streamlit as st

import locales
from data_access import cache, plan
from data_access.config import disclosure_thresholds
from data_access.engine import WarehouseUnavailable
from locales import N_, _
from pages import _plan_figures as figures
from pages._context import current_user_label, current_viewer, require_page
from pages._view import figures_in_language

EMPTY_SENTENCE = N_(
    "No joint-plan activities yet — import the workplan (`hamkori workplan import plan.xlsx`, "
    "or `hamkori import joint_plan activities.csv`) or run `hamkori init --demo`."
)
#: The picker's key in app.py: callbacks run before the router sets the run's language.
LANGUAGE_KEY = "lang"
FLASH_KEY = "plan.flash"
#: Figures of the history that may be missing or need the language's signs: column -> kind of
#: `pages._view.CELL_FORMATS` (how `figures_in_language` writes them).
FIGURES = {"progress": "percent", "funds_mobilised_usd": "number", "funds_spent_usd": "number",
           "date": "date"}
#: Fields of the update form (session-state keys via `form_key`).
FORM_FIELDS = ("date", "progress", "status_note", "actual", "mobilised", "spent", "narrative",
               "internal")


# ---------------------------------------------------------------------------------- state keys
def form_key(activity_id: str, field: str) -> str:
    return f"plan.post.{activity_id}.{field}"


def seen_key(activity_id: str) -> str:
    return f"plan.seen.{activity_id}"


def conflict_key(activity_id: str) -> str:
    return f"plan.conflict.{activity_id}"


def return_key(activity_id: str, update_no: int) -> str:
    return f"plan.return.{activity_id}.{update_no}.comment"


def flash(kind: str, message: str) -> None:
    """A message for the next run of the page (callbacks run before it)."""
    st.session_state.setdefault(FLASH_KEY, []).append((kind, message))


def show_flash() -> None:
    shown = {"success": st.success, "warning": st.warning, "error": st.error}
    for kind, message in st.session_state.pop(FLASH_KEY, []):
        shown[kind](message)


def in_language() -> None:
    """Callbacks run before app.py sets the run's language: set it from the picker's value."""
    locales.set_language(st.session_state.get(LANGUAGE_KEY) or locales.language())


# ---------------------------------------------------------------------------------- writes
def write(action: Callable) -> object:
    """Run `action(engine)` against the warehouse, then make the change visible at once."""
    url = cache.warehouse_status().url
    result = cache.guarded(lambda: action(cache.engine(url)))
    cache.refresh()
    return result


def attempt(action: Callable, success: str, on_conflict: Callable[[str], None]) -> bool:
    """`write(action)`, turning every refusal into a message; True when it was written."""
    try:
        write(action)
    except plan.Conflict as exc:
        on_conflict(str(exc))
        return False
    except plan.PlanRefused as exc:
        flash("error", _("Not saved: {reason}").format(reason=exc))
        return False
    except WarehouseUnavailable as exc:
        flash("error", getattr(exc, "message", str(exc)))
        return False
    flash("success", success)
    return True


def reset_form(activity_id: str, progress: float) -> None:
    state = st.session_state
    defaults = {"date": date.today(), "progress": progress, "status_note": "", "actual": None,
                "mobilised": None, "spent": None, "narrative": "", "internal": False}
    for field, value in defaults.items():
        state[form_key(activity_id, field)] = value


def post(activity_id: str, audience: str) -> None:
    """Submit of the update form (a callback: runs before the page)."""
    in_language()
    state = st.session_state
    value = {field: state.get(form_key(activity_id, field)) for field in FORM_FIELDS}
    draft = plan.UpdateDraft(
        date=value["date"] or date.today(),
        progress=float(value["progress"] or 0),
        status_note=(value["status_note"] or "").strip() or None,
        indicator_actual=value["actual"],
        funds_mobilised_usd=value["mobilised"],
        funds_spent_usd=value["spent"],
        narrative=(value["narrative"] or "").strip() or None,
        internal=bool(value["internal"]),
    )
    seen = state[seen_key(activity_id)]
    agency = plan.agency_of(audience)
    other = (plan.agency_name(plan.OTHER_AGENCY[agency]) if agency in plan.OTHER_AGENCY
             else _("the other agency"))

    def conflict(message: str) -> None:
        state[conflict_key(activity_id)] = message

    posted = attempt(
        lambda engine: plan.post_update(engine, activity_id, draft, audience=audience,
                                        user=current_user_label(), seen_update_no=seen,
                                        mode=current_viewer().mode),
        _("Update {update} of {activity} posted and signed for {agency}. It counts for "
          "reporting once {other} signs it off.").format(update=seen + 1, activity=activity_id,
                                                         agency=plan.agency_name(agency),
                                                         other=other),
        conflict)
    if posted:
        reset_form(activity_id, draft.progress)
        state.pop(seen_key(activity_id), None)
        state.pop(conflict_key(activity_id), None)


def reload(activity_id: str) -> None:
    """After a conflict: read the activity again; what was typed stays in the form."""
    in_language()
    cache.refresh()
    st.session_state.pop(seen_key(activity_id), None)
    st.session_state.pop(conflict_key(activity_id), None)


def sign(activity_id: str, update_no: int, batch_id: int, audience: str) -> None:
    in_language()
    agency = plan.agency_of(audience)
    attempt(
        lambda engine: plan.sign_off(engine, activity_id, update_no, audience=audience,
                                     user=current_user_label(), seen_batch=batch_id,
                                     mode=current_viewer().mode),
        _("Update {update} of {activity} signed off for {agency}: it now counts for "
          "reporting.").format(update=update_no, activity=activity_id,
                               agency=plan.agency_name(agency)),
        lambda message: flash("warning", message))


def send_back(activity_id: str, update_no: int, batch_id: int, audience: str) -> None:
    in_language()
    comment = st.session_state.get(return_key(activity_id, update_no)) or ""
    agency = plan.agency_of(audience)
    attempt(
        lambda engine: plan.return_update(engine, activity_id, update_no, audience=audience,
                                          user=current_user_label(), seen_batch=batch_id,
                                          comment=comment, mode=current_viewer().mode),
        _("Update {update} of {activity} returned by {agency} with your comment; the lead "
          "agency can post a corrected update.").format(update=update_no, activity=activity_id,
                                                        agency=plan.agency_name(agency)),
        lambda message: flash("warning", message))


# ---------------------------------------------------------------------------------- display
def number(value: float | None, unit: str | None = None) -> str:
    return plan.figure_text(value, unit)


def details(row: dict, as_of: date) -> None:
    label = figures.status_label(row["status"])
    last = locales.day(row["last_signed"]) if row["last_signed"] else _("never")
    values = [
        (_("Status"), label, _("At {date}, from dual-signed updates only").format(
            date=locales.day(as_of))),
        (_("Signed progress"), number(row["progress"], "percent"),
         _("Latest progress both agencies signed off")),
        (_("Expected progress"), number(row["expected"], "percent"),
         _("The elapsed share of the activity's timeframe")),
        (_("Last signed update"), last, _("More than 90 days ago: stale")),
    ]
    for column, (name, value, help_text) in zip(st.columns(len(values)), values, strict=True):
        column.metric(name, value, help=help_text, border=True)
    if row["stale"] and row["status"] != "stale":
        st.caption(":material/schedule: "
                   + _("No signed-off update for more than 90 days (stale)."))
    facts = [
        (_("Area"), figures.area_name(row["area"])),
        (_("Lead"), plan.agency_name(row["lead"])),
        (_("Partners"), row.get("partners") or "—"),
        (_("Start"), locales.day(row["start"])),
        (_("End"), locales.day(row["end"])),
        (_("Budget (USD)"), number(row["budget_usd"])),
        (_("UNDAF / UNSDCF outcome"), row.get("undaf_outcome") or "—"),
        (_("SDG target"), row.get("sdg_target") or "—"),
    ]
    st.dataframe(pl.DataFrame(facts, schema=[_("Detail"), _("Value")], orient="row"),
                 hide_index=True, width="stretch", placeholder="—")


def linked_indicator(row: dict, audience: str, thresholds: dict[str, int | None]) -> None:
    """Baseline, target and latest actual of the linked indicator, as `audience` may see them
    (`plan.linked_indicator_view`: not at all when the catalogue does not share the indicator
    with the audience; small counts as "<5")."""
    st.subheader(_("Linked indicator"))
    view = plan.linked_indicator_view(row.get("indicator"), row.get("baseline"),
                                      row.get("target"), row.get("indicator_actual"),
                                      audience, thresholds)
    if view["code"]:
        st.markdown(f"**{view['name']}** (`{view['code']}`)")
    if not view["shown"]:
        st.caption(view["sentence"])
        return
    if row.get("actual_date"):
        actual_help = _("Latest value reported in an update both agencies signed off (dated "
                        "{date})").format(date=locales.day(row["actual_date"]))
    else:
        actual_help = _("Latest value reported in an update both agencies signed off")
    helps = {"Baseline": _("The activity's baseline"), "Target": _("The activity's target"),
             "Latest actual": actual_help}
    shown = view["values"]
    for column, label in zip(st.columns(len(shown)), shown, strict=True):
        column.metric(_(plan.FIGURE_LABELS[label]), shown[label], help=helps[label],
                      border=True)
    if view["note"]:
        st.caption(view["note"])


def actual_text(code: str | None, value: float | None, audience: str,
                thresholds: dict[str, int | None]) -> str:
    """An update's indicator actual as `audience` may see it (see `plan.indicator_figure`)."""
    if not code:
        return number(value)
    shown = plan.indicator_figure(code, value, audience, thresholds)
    return _("not shared") if shown is None else shown


def sign_off_cards(row: dict, updates: pl.DataFrame, audience: str,
                   thresholds: dict[str, int | None]) -> None:
    waiting = [u for u in updates.to_dicts() if plan.can_sign(audience, u)]
    if not waiting:
        return
    agency = plan.agency_of(audience)
    st.subheader(_("Waiting for {agency} to sign").format(agency=plan.agency_name(agency)))
    for update in waiting:
        activity_id, number_ = row["activity_id"], update["update_no"]
        with st.container(border=True):
            st.markdown(_("**Update {update}**, dated {date} — progress {progress}").format(
                update=number_, date=locales.day(update["date"]),
                progress=number(update["progress"], "percent")))
            visibility = _("internal") if update["internal"] == "yes" else _("shared")
            st.caption(_("Posted and signed for {agency}; visibility: {visibility}").format(
                agency=plan.agency_name(update["posted_agency"]), visibility=visibility))
            actual = actual_text(row.get("indicator"), update["indicator_actual"], audience,
                                 thresholds)
            lines = [
                _("Posted by: {value}").format(value=plan.person_label(update["posted_by"])),
                _("Status note: {value}").format(value=update["status_note"] or "—"),
                _("Indicator actual: {value}").format(value=actual),
                _("Funds mobilised (USD): {value}").format(
                    value=number(update["funds_mobilised_usd"])),
                _("Funds spent (USD): {value}").format(value=number(update["funds_spent_usd"])),
                _("Narrative: {value}").format(value=update["narrative"] or "—"),
            ]
            st.text("\n".join(lines))  # plain text: a narrative is never read as markdown
            sign_column, return_column = st.columns(2)
            args = (activity_id, number_, update["batch_id"], audience)
            sign_column.button(_("Sign off"), key=f"plan.sign.{activity_id}.{number_}",
                               type="primary", icon=":material/verified:", on_click=sign,
                               args=args)
            with return_column.form(f"plan.return.{activity_id}.{number_}"):
                st.text_area(_("Why is it returned? (required)"),
                             key=return_key(activity_id, number_), height=80)
                st.form_submit_button(_("Return"), icon=":material/undo:", on_click=send_back,
                                      args=args)


def update_form(row: dict, updates: pl.DataFrame, audience: str) -> None:
    activity_id = row["activity_id"]
    state = st.session_state
    st.subheader(_("Post an update"))
    latest_no = int(updates.get_column("update_no").max() or 0) if updates.height else 0
    # A freshly opened form reads the activity as shown; an open one keeps what it was opened on.
    if seen_key(activity_id) not in state or form_key(activity_id, "narrative") not in state:
        state[seen_key(activity_id)] = latest_no
    seen = state[seen_key(activity_id)]
    message = state.get(conflict_key(activity_id))
    if message:
        st.warning(message, icon=":material/sync_problem:")
        st.button(_("Reload the activity (keeps what you typed)"),
                  key=f"plan.reload.{activity_id}",
                  icon=":material/refresh:", on_click=reload, args=(activity_id,))
    latest_progress = (float(updates.sort("update_no").get_column("progress").last())
                       if updates.height else float(row["progress"]))
    st.caption(_("This will be update {update}. Posting signs it for {agency}; it counts once "
                 "the other agency signs it off.").format(
                     update=seen + 1, agency=plan.agency_name(plan.agency_of(audience))))
    with st.form(f"plan.post.{activity_id}"):
        left, right = st.columns(2)
        left.date_input(_("Date of the update"), value=date.today(), max_value=date.today(),
                        key=form_key(activity_id, "date"))
        right.number_input(_("Progress (%)"), min_value=0.0, max_value=100.0, step=1.0,
                           value=latest_progress, format="%.0f",
                           key=form_key(activity_id, "progress"))
        st.text_input(_("Status note"), key=form_key(activity_id, "status_note"),
                      max_chars=200)
        first, second, third = st.columns(3)
        first.number_input(_("Indicator actual"), value=None, step=1.0,
                           key=form_key(activity_id, "actual"))
        second.number_input(_("Funds mobilised (USD)"), value=None, min_value=0.0, step=1000.0,
                            key=form_key(activity_id, "mobilised"))
        third.number_input(_("Funds spent (USD)"), value=None, min_value=0.0, step=1000.0,
                           key=form_key(activity_id, "spent"))
        st.text_area(_("Narrative"), key=form_key(activity_id, "narrative"), height=120)
        st.checkbox(_("Internal (never shown to donors)"),
                    key=form_key(activity_id, "internal"))
        st.form_submit_button(_("Post update"), type="primary", icon=":material/send:",
                              key=form_key(activity_id, "submit"), on_click=post,
                              args=(activity_id, audience))


def actions(row: dict, updates: pl.DataFrame, audience: str,
            thresholds: dict[str, int | None]) -> None:
    agency = plan.agency_of(audience)
    if agency is None:
        if audience == "donor":
            text = _("Donors see this page read-only: updates are posted and signed off by the "
                     "UNHCR and UNICEF focal points.")
        else:
            text = _("Data managers see this page read-only: updates are posted and signed off "
                     "by the UNHCR and UNICEF focal points.")
        st.info(text, icon=":material/visibility:")
        return
    sign_off_cards(row, updates, audience, thresholds)
    if plan.can_post(audience, row["lead"]):
        update_form(row, updates, audience)
    else:
        st.caption(_("Updates on this activity are posted by {lead} (the lead agency); "
                     "{agency} signs them off.").format(lead=plan.agency_name(row["lead"]),
                                                        agency=plan.agency_name(agency)))


def _signature(frame: pl.DataFrame, agency: str) -> pl.Series:
    """'signed by a@unhcr.org on 2025-03-01' / 'waiting', in the current language."""
    prefix = agency.lower()
    shown = []
    for action, who, on in frame.select(f"{prefix}_signoff", f"{prefix}_by",
                                        f"{prefix}_on").iter_rows():
        if action is None:
            shown.append(_("waiting"))
        else:
            shown.append(_("{action} by {who} on {date}").format(
                action=plan.state_label(action), who=plan.person_label(who) or "?",
                date=locales.day(on) if isinstance(on, date) else (on or "?")))
    return pl.Series(prefix, shown, dtype=pl.String)


# Column titles in the language of the run (a page script runs anew each time).
HISTORY_COLUMNS = {
    "update_no": st.column_config.NumberColumn(_("Update")),
    "version": st.column_config.TextColumn(_("Version")),
    "changed_at": st.column_config.DatetimeColumn(_("Changed at (UTC)"),
                                                  format="YYYY-MM-DD HH:mm"),
    "changed_by": st.column_config.TextColumn(_("Changed by")),
    "state": st.column_config.TextColumn(_("State")),
    "date": st.column_config.Column(_("Dated")),
    "progress": st.column_config.Column(_("Progress")),
    "status_note": st.column_config.TextColumn(_("Status note")),
    "indicator_actual": st.column_config.TextColumn(_("Indicator actual")),
    "funds_mobilised_usd": st.column_config.Column(_("Mobilised (USD)")),
    "funds_spent_usd": st.column_config.Column(_("Spent (USD)")),
    "unhcr": st.column_config.TextColumn(plan.agency_name("UNHCR")),
    "unicef": st.column_config.TextColumn(plan.agency_name("UNICEF")),
    "comment": st.column_config.TextColumn(_("Comment")),
    "visibility": st.column_config.TextColumn(_("Visibility")),
    "narrative": st.column_config.TextColumn(_("Narrative"), width="large"),
}


def people_in_language(frame: pl.DataFrame, column: str) -> pl.DataFrame:
    """Who acted (`column`), as `plan.person_label` shows it (an agency by its name)."""
    return frame.with_columns(pl.Series(
        column, [plan.person_label(v) for v in frame.get_column(column)], dtype=pl.String))


def indicator_actuals(frame: pl.DataFrame, code: str | None, audience: str,
                      thresholds: dict[str, int | None]) -> pl.DataFrame:
    """`indicator_actual` as text `audience` may see: dropped when the linked indicator is not
    shared with the audience, small counts as "<5" (like the linked indicator's tiles)."""
    if code and plan.indicator_figure(code, None, audience, thresholds) is None:
        return frame.drop("indicator_actual")
    return frame.with_columns(pl.Series(
        "indicator_actual",
        [actual_text(code, value, audience, thresholds) for value in frame["indicator_actual"]],
        pl.String))


def history_table(history: pl.DataFrame, row: dict, audience: str,
                  thresholds: dict[str, int | None]) -> None:
    st.subheader(_("History of updates and sign-offs"))
    if history.is_empty():
        st.caption(_("No update has been posted on this activity yet."))
        return
    st.caption(_("Every version, newest first: a sign-off or a return adds a version of the "
                 "update; nothing is overwritten."))
    frame = history.with_columns(
        pl.when(pl.col("superseded_by").is_null()).then(pl.lit(_("current")))
        .otherwise(pl.lit(_("superseded"))).alias("version"),
        _signature(history, "UNHCR"), _signature(history, "UNICEF"),
        pl.when(pl.col("internal") == "yes").then(pl.lit(_("internal")))
        .otherwise(pl.lit(_("shared"))).alias("visibility"),
    )
    if "state" in frame.columns:
        frame = frame.with_columns(pl.Series(
            "state", [plan.state_label(s) for s in frame.get_column("state")], dtype=pl.String))
    if audience not in plan.INTERNAL_READERS:  # donors: no internal text reached this page
        frame = frame.drop("visibility")
    frame = indicator_actuals(frame, row.get("indicator"), audience, thresholds)
    frame = people_in_language(frame, "changed_by")
    # texts nobody wrote (or a donor may not read) are empty cells, not "None"
    frame = frame.with_columns(pl.col(c).fill_null("") for c in plan.WITHHELD_TEXTS
                               if c in frame.columns)
    columns = [c for c in HISTORY_COLUMNS if c in frame.columns]
    st.dataframe(figures_in_language(frame.select(columns), FIGURES), hide_index=True,
                 width="stretch", column_config=HISTORY_COLUMNS, placeholder="—")


def activity_versions_table(versions: pl.DataFrame) -> None:
    """The activity's own versions (a corrected workplan imported with --replace adds one)."""
    if versions.height <= 1:
        return
    shown = people_in_language(versions, "changed_by").with_columns(pl.Series(
        "changed", [plan.changes_text(f) for f in versions.get_column("fields").to_list()],
        dtype=pl.String))
    with st.expander(_("Changes to the activity itself ({count})").format(
            count=versions.height - 1)):
        st.dataframe(
            shown.select("changed_at", "changed_by", "changed").reverse(), hide_index=True,
            width="stretch",
            column_config={
                "changed_at": st.column_config.DatetimeColumn(_("Imported at (UTC)"),
                                                              format="YYYY-MM-DD HH:mm"),
                "changed_by": st.column_config.TextColumn(_("Imported by")),
                "changed": st.column_config.TextColumn(_("Fields changed"), width="large"),
            }, placeholder="—")


def render() -> None:
    context = require_page("plan-activity")
    audience = context.audience
    today = date.today()
    as_of = figures.as_of_for(context.year, today)
    status = cache.plan_status(as_of, audience)

    st.title(_("Joint-plan activity"))
    if status.is_empty():
        st.info(_(EMPTY_SENTENCE), icon=":material/info:")
        return
    labels = {code: figures.activity_label(code, title)
              for code, title in zip(status["activity_id"], status["title"], strict=True)}
    # The bound selectbox writes its label to the URL (`?activity=JPA-01 — Title`); a link
    # naming the bare id (`?activity=JPA-01`, as the Joint Plan page writes) selects it too.
    requested = st.query_params.get("activity")
    if requested in labels and "activity" not in st.session_state:
        st.session_state["activity"] = requested
    activity_id = st.selectbox(_("Activity"), sorted(labels), format_func=labels.__getitem__,
                               key="activity", bind="query-params")
    row = status.filter(pl.col("activity_id") == activity_id).row(0, named=True)
    updates = cache.plan_updates(audience).filter(pl.col("activity_id") == activity_id)
    if as_of == today:
        text = _("Status as of **{date}** (today); only updates signed off by both UNHCR and "
                 "UNICEF count.")
    else:
        text = _("Status as of **{date}** (the end of {year}); only updates signed off by both "
                 "UNHCR and UNICEF count.")
    st.caption(text.format(date=locales.day(as_of), year=context.year))
    show_flash()
    thresholds = disclosure_thresholds()
    details(row, as_of)
    linked_indicator(row, audience, thresholds)
    actions(row, updates, audience, thresholds)
    history_table(cache.plan_history(activity_id, audience), row, audience, thresholds)
    activity_versions_table(cache.activity_versions(activity_id, audience))


render()
