"""Audit log (data manager): who did what, when, as which audience — read and filter.

Sign-ins (and refused ones), pages opened and refused, uploads (and refused ones), rollbacks,
joint-plan posts, sign-offs and returns, and exports, from `data_access.audit`. Read fresh on
every run (never cached). The table itself cannot be downloaded (the built-in export is off).
"""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
import streamlit as st

import locales
from data_access import audit, cache
from locales import N_, _, ngettext
from pages._context import (
    AUDIENCES,
    audience_title,
    in_this_language,
    keep_choice,
    require_page,
)

# Column titles in the language of the run (a page script runs anew each time). Actions,
# audiences and how a person was known are shown by name (`in_words`); the log keeps its codes,
# and its targets and details stay as they were written (in English).
COLUMNS = {
    "at": st.column_config.DatetimeColumn(_("When (UTC)"), format="YYYY-MM-DD HH:mm:ss"),
    "user_name": st.column_config.TextColumn(_("Who")),
    "audience": st.column_config.TextColumn(_("Audience")),
    "mode": st.column_config.TextColumn(_("How known")),
    "action": st.column_config.TextColumn(_("Action")),
    "target": st.column_config.TextColumn(_("What")),
    "detail": st.column_config.TextColumn(_("Detail"), width="large"),
}
LIMIT = 5000
#: How the person of an event was known (`data_access.audit.MODES`).
MODE_NAMES = {"oidc": N_("signed in"), "demo": N_("demo switch (not verified)"),
              "cli": N_("command line")}


def action_name(code: str) -> str:
    return _(audit.ACTIONS[code]) if code in audit.ACTIONS else code


def in_words(events: pl.DataFrame) -> pl.DataFrame:
    """The events with their action, audience and mode by name in the language of the run
    (in Python, not a Polars function: the language is this thread's context)."""
    names = {"action": action_name, "audience": audience_title,
             "mode": lambda code: _(MODE_NAMES[code]) if code in MODE_NAMES else code}
    return events.with_columns(
        pl.Series(column, [name(v) if v else v for v in events.get_column(column)],
                  dtype=pl.String) for column, name in names.items())


def render() -> None:
    require_page("audit-log")
    st.title(_("Audit log"))
    st.caption(_("Every sign-in, page opened or refused, upload, rollback, joint-plan change "
                 "and export, newest first (times in UTC)."))
    url = cache.warehouse_status().url
    known_users = cache.guarded(lambda: audit.users(cache.engine(url)))

    left, middle, right = st.columns(3)
    today = date.today()
    days = left.date_input(_("Days"), (today - timedelta(days=30), today), max_value=today,
                           key="audit.days")
    keep_choice("audit.actions")  # their names are in the language of the run
    keep_choice("audit.audiences")
    actions = middle.multiselect(_("Actions"), list(audit.ACTIONS), key="audit.actions",
                                 format_func=in_this_language(
                                     lambda a: f"{a} — {_(audit.ACTIONS[a])}"))
    audiences = right.multiselect(_("Audiences"), list(AUDIENCES), key="audit.audiences",
                                  format_func=in_this_language(
                                      lambda a: f"{a} — {audience_title(a)}"))
    left, right = st.columns(2)
    users = left.multiselect(_("People"), known_users, key="audit.users")
    text = right.text_input(_("Page, dataset, file or detail contains"), key="audit.text")
    start, end = (days[0], days[-1]) if isinstance(days, list | tuple) and days else (None, None)

    events = cache.guarded(lambda: audit.events(
        cache.engine(url), start=start, end=end, users=users or None, actions=actions or None,
        audiences=audiences or None, text=text.strip() or None, limit=LIMIT))
    if events.is_empty():
        st.info(_("No event matches these filters."), icon=":material/info:")
        return
    if events.height >= LIMIT:
        st.markdown(_("**The newest {limit} events** — narrow the filters to see the others.")
                    .format(limit=locales.number(LIMIT)))
    else:
        st.markdown(ngettext("**{count} event**", "**{count} events**", events.height).format(
            count=locales.number(events.height)))
    summary = (events.group_by("action").agg(pl.len().alias("events"))
               .sort(["events", "action"], descending=[True, False]))
    st.caption(" · ".join(
        ngettext("{action}: {count} event", "{action}: {count} events", row["events"]).format(
            action=action_name(row["action"]), count=locales.number(row["events"]))
        for row in summary.iter_rows(named=True)))
    st.dataframe(in_words(events.drop("id")), column_config=COLUMNS, hide_index=True, placeholder="—")


render()
