"""Hamkori — router only.

Sets the page config, resolves who is looking (`pages/_context.resolve_viewer`: the OpenID
Connect sign-in and the role map, or the audience switch in demo mode), lists the pages that
role may open (`data_access.auth.PAGE_ACCESS`, server side), draws the shared sidebar (reporting
year, region, and in demo mode the audience switch, all kept in the URL through
`bind="query-params"`), checks the warehouse, stores the view context for the pages and runs the
current page — after checking once more that the role may open it. Anyone without a role sees
one page only (sign in, or "no access"); a page the role may not open is refused even when
opened by its URL.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date

import streamlit as st

from data_access import auth, cache
from data_access import reference as ref
from data_access.engine import WarehouseUnavailable
from pages._context import (
    ALL_REGIONS,
    AUDIENCES,
    DEFAULT_AUDIENCE,
    DEMO,
    EXPIRED,
    NO_ACCESS,
    NOT_CONFIGURED,
    ViewContext,
    Viewer,
    approve_page,
    audit_event,
    note_sign_in,
    note_view,
    plain,
    refusal,
    resolve_viewer,
    set_context,
    set_viewer,
    sign_in_configured,
)

_LOG = logging.getLogger("hamkori.app")
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
        st.Page("pages/home.py", title="Overview", icon=":material/home:", url_path="overview",
                default=True),
        st.Page("pages/dashboard_caseload.py", title="Caseload", icon=":material/groups:",
                url_path="caseload"),
        st.Page("pages/dashboard_asylum.py", title="Asylum", icon=":material/gavel:",
                url_path="asylum"),
        st.Page("pages/dashboard_solutions.py", title="Durable solutions",
                icon=":material/flight_land:", url_path="solutions"),
        st.Page("pages/dashboard_education.py", title="Education", icon=":material/school:",
                url_path="education"),
        st.Page("pages/dashboard_statelessness.py", title="Statelessness",
                icon=":material/badge:", url_path="statelessness"),
        st.Page("pages/dashboard_official.py", title="Official statistics",
                icon=":material/public:", url_path="official"),
    ],
    "Joint Plan of Action": [
        st.Page("pages/joint_plan.py", title="Joint Plan of Action", icon=":material/handshake:",
                url_path="plan"),
        st.Page("pages/activity.py", title="Joint-plan activity", icon=":material/assignment:",
                url_path="plan-activity"),
    ],
    "Briefings and reviews": [
        st.Page("pages/donor_briefing.py", title="Donor briefing", icon=":material/co_present:",
                url_path="briefing"),
        st.Page("pages/undaf_review.py", title="UNDAF / UNSDCF review",
                icon=":material/flag:", url_path="undaf-review"),
    ],
    # Who may open which page: data_access/auth.py (PAGE_ACCESS); a page not listed there is
    # open to nobody.
    "Data": [
        st.Page("pages/data.py", title="Data", icon=":material/upload_file:",
                url_path="manage-data"),
        st.Page("pages/audit.py", title="Audit log", icon=":material/policy:",
                url_path="audit-log"),
    ],
}


#: The access-map key of the default page (`st.Page.url_path` reports "" for it).
DEFAULT_URL_PATH = "overview"


def access_key(page: st.Page) -> str:
    """The page's key in `data_access.auth.PAGE_ACCESS`: its url_path."""
    return page.url_path or DEFAULT_URL_PATH


def show_unavailable(problem: WarehouseUnavailable) -> None:
    """A friendly explanation of a missing or broken warehouse, without a traceback."""
    st.error(getattr(problem, "message", str(problem)), icon=":material/database_off:")
    st.info(getattr(problem, "hint", cache.INIT_HINT), icon=":material/lightbulb:")


def only_page(body: Callable[[], None]) -> None:
    """Serve `body` as the one page of the app, whatever URL was opened (no menu, no data)."""
    pages = [st.Page(body, title="Hamkori", icon="🤝", url_path="welcome", default=True)]
    pages += [hidden_as(page, body) for section in PAGES.values() for page in section]
    st.navigation(pages, position="hidden").run()
    st.stop()


def hidden_as(page: st.Page, body: Callable[[], None]) -> st.Page:
    """A page at `page`'s URL, hidden from the menu, running `body` instead of the page."""
    return st.Page(body, title=page.title, icon=page.icon or None, url_path=access_key(page),
                   visibility="hidden")


def refuse_to_start(problem: auth.ConfigurationError, *, private: bool = False) -> None:
    """A configuration Hamkori must not run with (demo mode in production, a malformed role
    map): one message, nothing else. A `private` problem (the role map, which names people) is
    told in the server log only."""
    _LOG.error("Hamkori refuses to serve: %s", problem)
    shown = ("The sign-in settings of this server are not valid; the data manager finds the "
             "reason in the server log." if private else str(problem))

    def body() -> None:
        st.title("Hamkori cannot start")
        st.error(shown, icon=":material/gpp_bad:")

    only_page(body)


def sign_out_button(where) -> None:
    if where.button("Sign out", icon=":material/logout:", key="sign_out"):
        audit_event("sign_out")
        st.logout()


def gate(viewer: Viewer) -> None:
    """Everything someone without a role sees: sign in, or a polite "no access"."""

    def body() -> None:
        if viewer.state == NO_ACCESS:
            note_sign_in(viewer)
            st.title("No access")
            st.info(f"You are signed in as **{plain(viewer.user)}**, but this account has no "
                    "access to Hamkori. If you work with the UNHCR or UNICEF office in "
                    "Tajikistan, ask the data manager to give you access.",
                    icon=":material/lock:")
            sign_out_button(st)
            return
        st.title("Hamkori")
        st.caption("The joint reporting dashboard of UNHCR and UNICEF in Tajikistan.")
        if viewer.state == NOT_CONFIGURED:
            st.error("Sign-in is not configured, so there is nothing to show.",
                     icon=":material/key_off:")
            st.info("Add the `[auth]` and `[roles]` sections to `.streamlit/secrets.toml` (see "
                    "`.streamlit/secrets.toml.example`), or run the demo with `HAMKORI_DEMO=1` "
                    "(not secured; refused when `HAMKORI_ENV=production`).",
                    icon=":material/lightbulb:")
            return
        if viewer.state == EXPIRED:
            st.info("Your sign-in has expired: please sign in again.", icon=":material/schedule:")
        st.markdown("Sign in with your organisation account to see the dashboard.")
        if st.button("Sign in", type="primary", icon=":material/login:", key="sign_in"):
            st.login()

    only_page(body)


def refused_body(key: str) -> Callable[[], None]:
    def body() -> None:
        refusal(key)

    return body


def navigation_for(role: str) -> dict[str, list[st.Page]]:
    """The pages `role` may open, by section; every other page stays at its URL, hidden from
    the menu, and is refused there (never run)."""
    sections: dict[str, list[st.Page]] = {}
    refused: list[st.Page] = []
    for section, pages in PAGES.items():
        allowed = [page for page in pages if auth.may_open(role, access_key(page))]
        if allowed:
            sections[section] = allowed
        refused += [hidden_as(page, refused_body(access_key(page)))
                    for page in pages if page not in allowed]
    first = next(iter(sections))
    sections[first] = [*sections[first], *refused]
    return sections


try:
    settings = auth.check(auth.settings(), sign_in_configured())
except auth.ConfigurationError as problem:
    refuse_to_start(problem)

requested_audience = None
if settings.demo:
    filters = st.sidebar.container()
    st.sidebar.divider()
    requested_audience = st.sidebar.selectbox(
        "Demo audience switch — not secured",
        list(AUDIENCES),
        index=list(AUDIENCES).index(DEFAULT_AUDIENCE),
        key="audience",
        bind="query-params",
        help="Demo mode (HAMKORI_DEMO): pick whose view to show — there is no sign-in, so "
        "this is not secured. The donor and UNICEF views show counts from 1 to 4 as <5.",
    )
try:
    viewer = resolve_viewer(settings, requested_audience)
except auth.ConfigurationError as problem:
    refuse_to_start(problem, private=True)
set_viewer(viewer)
if viewer.role is None:
    gate(viewer)
audience = viewer.role

if viewer.state == DEMO:
    st.sidebar.caption(f":material/science: Demo, not secured — viewing as "
                       f"**{AUDIENCES[audience]}**.")
    st.markdown(":orange-background[:material/science: **Demo — not secured.** Anyone can "
                "switch the audience in the sidebar; there is no sign-in.]")
else:
    filters = st.sidebar.container()
    st.sidebar.divider()
    also = f" ({plain(viewer.user)})" if viewer.name and viewer.name != viewer.user else ""
    st.sidebar.caption(f":material/account_circle: Signed in as **{plain(viewer.name or viewer.user)}"
                       f"**{also} — {AUDIENCES[audience]}.")
    sign_out_button(st.sidebar)

page = st.navigation(navigation_for(audience))

try:
    years_with_data = cache.data_years()
except WarehouseUnavailable as problem:
    show_unavailable(problem)
    st.stop()
note_sign_in(viewer)

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

# The guard for every page, whatever the page itself does: refused pages never run.
if not auth.may_open(audience, access_key(page)):
    note_view(access_key(page), refused=True)
    refusal(access_key(page))
    st.stop()
note_view(access_key(page))
approve_page()
try:
    page.run()
except WarehouseUnavailable as problem:
    show_unavailable(problem)
