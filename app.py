"""Hamkori — router only.

Sets the page config, lists the pages, draws the shared sidebar (reporting year, region and the
demo audience switch, all kept in the URL through `bind="query-params"`), checks the warehouse,
stores the resolved view context for the pages (`pages/_context.py`) and runs the current page.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from data_access import cache
from data_access import reference as ref
from data_access.engine import WarehouseUnavailable
from pages._context import (
    ALL_REGIONS,
    AUDIENCES,
    DEFAULT_AUDIENCE,
    ViewContext,
    resolve_audience,
    set_context,
)

FIRST_YEAR = 2019

# An emoji favicon is drawn in the browser; a ":material/…:" one is fetched from Google (offline!).
st.set_page_config(page_title="Hamkori", page_icon="🤝", layout="wide")

#: The navigation: section -> pages. Add new pages here (one `st.Page` per file in pages/).
#: Every page needs a `url_path` that differs from its file name: with a `pages/` folder,
#: Streamlit runs a requested page *without* this router (old multipage mode) until the first
#: `st.navigation` call of the process, i.e. on AppTest reruns and on the first deep link after
#: a server start. A url_path it cannot match sends it to this file instead (tests/test_app.py
#: checks the rule).
PAGES: dict[str, list[st.Page]] = {
    "Dashboard": [
        st.Page("pages/home.py", title="Home", icon=":material/home:", url_path="overview",
                default=True),
    ],
    "Joint Plan of Action": [
        st.Page("pages/joint_plan.py", title="Joint Plan of Action", icon=":material/handshake:",
                url_path="plan"),
        st.Page("pages/activity.py", title="Joint-plan activity", icon=":material/assignment:",
                url_path="plan-activity"),
    ],
}


def show_unavailable(problem: WarehouseUnavailable) -> None:
    """A friendly explanation of a missing or broken warehouse, without a traceback."""
    st.error(getattr(problem, "message", str(problem)), icon=":material/database_off:")
    st.info(getattr(problem, "hint", cache.INIT_HINT), icon=":material/lightbulb:")


page = st.navigation(PAGES)
filters = st.sidebar.container()

st.sidebar.divider()
requested_audience = st.sidebar.selectbox(
    "Demo audience switch (no sign-in yet)",
    list(AUDIENCES),
    index=list(AUDIENCES).index(DEFAULT_AUDIENCE),
    key="audience",
    bind="query-params",
    help="There is no sign-in yet: pick whose view to show. The donor and UNICEF views "
    "show counts from 1 to 4 as <5.",
)
audience = resolve_audience(requested_audience)
st.sidebar.caption(f":material/science: Demo only — viewing as **{AUDIENCES[audience]}**.")

try:
    years_with_data = cache.data_years()
except WarehouseUnavailable as problem:
    show_unavailable(problem)
    st.stop()

first_year, last_year = years_with_data or (FIRST_YEAR, date.today().year)
year = filters.selectbox(
    "Reporting year",
    list(range(last_year, min(first_year, FIRST_YEAR) - 1, -1)),  # newest first
    index=0,
    key="year",
    bind="query-params",
)
region_code = filters.selectbox(
    "Region",
    [ALL_REGIONS, *ref.REGIONS],
    format_func=lambda code: "All regions" if code == ALL_REGIONS else ref.REGIONS[code],
    key="region",
    bind="query-params",
)
set_context(ViewContext(
    year=int(year),
    region=None if region_code == ALL_REGIONS else region_code,
    audience=audience,
))

try:
    page.run()
except WarehouseUnavailable as problem:
    show_unavailable(problem)
