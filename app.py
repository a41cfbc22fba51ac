"""Hamkori — router only.

Sets the page config, resolves who is looking (`pages/_context.resolve_viewer`: the OpenID
Connect sign-in and the role map, or the audience switch in demo mode), lists the pages that
role may open (`data_access.auth.PAGE_ACCESS`, server side), draws the shared sidebar (reporting
year, region, language, and in demo mode the audience switch, all kept in the URL: the year
through `bind="query-params"`, the others as codes written by hand — `?region=TJ-SU&lang=ru` —
so that a change of language keeps them), checks the warehouse, stores the view context for the
pages and runs the current page — after checking once more that the role may open it. Anyone
without a role sees one page only (sign in, or "no access"); a page the role may not open is
refused even when opened by its URL.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from datetime import date

import streamlit as st
from streamlit.errors import StreamlitAPIException

import locales
from data_access import auth, cache
from data_access import reference as ref
from data_access.engine import WarehouseUnavailable
from locales import _
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
    audience_title,
    audit_event,
    note_sign_in,
    note_view,
    plain,
    refusal,
    resolve_viewer,
    set_context,
    set_viewer,
    sign_in_configured,
    url_selectbox,
    with_detail,
)

_LOG = logging.getLogger("hamkori.app")
FIRST_YEAR = 2019

# An emoji favicon is drawn in the browser; a ":material/…:" one is fetched from Google (offline!).
st.set_page_config(page_title="Hamkori", page_icon="🤝", layout="wide")

#: The language's key in the URL (`?lang=ru`) and in the session (the sidebar picker).
LANGUAGE_KEY = "lang"


def browser_language() -> str | None:
    """The browser's language when Hamkori has it: the Accept-Language header (every language
    the user accepts, in order), else `navigator.language` (`st.context.locale`)."""
    try:
        header = st.context.headers.get("Accept-Language")
    except Exception:  # no request (bare AppTest): no header
        header = None
    return locales.from_accept_language(header) or locales.normalise(st.context.locale)


def choose_language() -> str:
    """The language of this run, made current before anything is drawn: the picker's value,
    else `?lang=` in the URL, else the browser's, else English."""
    return locales.set_language(locales.normalise(st.session_state.get(LANGUAGE_KEY))
                                or locales.normalise(st.query_params.get(LANGUAGE_KEY))
                                or browser_language())


def language_picker(current: str, where=st.sidebar) -> None:
    """English / Русский / Тоҷикӣ in the sidebar (under the year and region), kept in the URL as
    `?lang=ru`. The URL is written here rather than by `bind="query-params"`, which would write
    the shown name (`?lang=Русский`) instead of the code."""
    if PRESENTING:  # nothing around the slides; the language comes from the URL
        return
    codes = list(locales.LANGUAGES)
    chosen = where.selectbox(":material/translate: " + _("Language"), codes,
                             index=codes.index(current), format_func=locales.LANGUAGES.get,
                             key=LANGUAGE_KEY)
    if st.query_params.get(LANGUAGE_KEY) != chosen:
        st.query_params[LANGUAGE_KEY] = chosen


#: Presentation mode of the briefing (`/briefing?present=1`): its slides full screen for
#: screen-share, with no menu and nothing in the sidebar. The year, the language and (demo mode
#: only) the audience come from the URL, as a shared link gives them.
PRESENTING = st.query_params.get("present") == "1"
BRIEFING = "briefing"


def presented(key: str) -> str | None:
    """A view setting in presentation mode: the URL's, else the sidebar widget's last value
    (Streamlit keeps a widget's value under its key in the run that stops drawing it, and takes
    a bound one — the year — out of the URL at the end of that run): written back into the URL,
    so that a refresh or a copied link keeps it. Still bound on the first run
    (StreamlitAPIException): the next run writes it."""
    value = st.query_params.get(key) or st.session_state.get(key)
    if value is not None and st.query_params.get(key) != str(value):
        with contextlib.suppress(StreamlitAPIException):
            st.query_params[key] = str(value)
    return None if value is None else str(value)


def presented_year(first: int, last: int) -> int:
    """The year in presentation mode, one the sidebar would offer (else the latest)."""
    text = presented("year")
    offered = min(first, FIRST_YEAR) <= int(text) <= last if text and text.isdigit() else False
    return int(text) if offered else last


#: The language of this run, set before anything is drawn (the picker is drawn further down).
LANGUAGE = choose_language()

#: The navigation: section -> pages. Add new pages here (one `st.Page` per file in pages/).
#: Every page needs a `url_path` that differs from its file name: with a `pages/` folder,
#: Streamlit runs a requested page *without* this router (old multipage mode) until the first
#: `st.navigation` call of the process, i.e. on AppTest reruns and on the first deep link after
#: a server start. A url_path it cannot match sends it to this file instead (tests/test_app.py
#: checks the rule).
#: Titles and sections are in the language of the run (set above, before this table is built).
PAGES: dict[str, list[st.Page]] = {
    _("Dashboard"): [
        st.Page("pages/home.py", title=_("Overview"), icon=":material/home:",
                url_path="overview", default=True),
        st.Page("pages/dashboard_caseload.py", title=_("Caseload"), icon=":material/groups:",
                url_path="caseload"),
        st.Page("pages/dashboard_asylum.py", title=_("Asylum"), icon=":material/gavel:",
                url_path="asylum"),
        st.Page("pages/dashboard_solutions.py", title=_("Durable solutions"),
                icon=":material/flight_land:", url_path="solutions"),
        st.Page("pages/dashboard_education.py", title=_("Education"), icon=":material/school:",
                url_path="education"),
        st.Page("pages/dashboard_statelessness.py", title=_("Statelessness"),
                icon=":material/badge:", url_path="statelessness"),
        st.Page("pages/dashboard_official.py", title=_("Official statistics"),
                icon=":material/public:", url_path="official"),
    ],
    _("Joint Plan of Action"): [
        st.Page("pages/joint_plan.py", title=_("Joint Plan of Action"),
                icon=":material/handshake:", url_path="plan"),
        st.Page("pages/activity.py", title=_("Joint-plan activity"),
                icon=":material/assignment:", url_path="plan-activity"),
    ],
    _("Briefings and reviews"): [
        st.Page("pages/donor_briefing.py", title=_("Donor briefing"),
                icon=":material/co_present:", url_path="briefing"),
        st.Page("pages/undaf_review.py", title=_("UNDAF / UNSDCF review"),
                icon=":material/flag:", url_path="undaf-review"),
    ],
    # Who may open which page: data_access/auth.py (PAGE_ACCESS); a page not listed there is
    # open to nobody.
    _("Data"): [
        st.Page("pages/data.py", title=_("Data"), icon=":material/upload_file:",
                url_path="manage-data"),
        st.Page("pages/audit.py", title=_("Audit log"), icon=":material/policy:",
                url_path="audit-log"),
    ],
}


#: The access-map key of the default page (`st.Page.url_path` reports "" for it).
DEFAULT_URL_PATH = "overview"


def access_key(page: st.Page) -> str:
    """The page's key in `data_access.auth.PAGE_ACCESS`: its url_path."""
    return page.url_path or DEFAULT_URL_PATH


def region_title(code: str) -> str:
    """A region of the sidebar's filter in the current language ('All regions' first)."""
    return _("All regions") if code == ALL_REGIONS else ref.region_name(code)


def show_unavailable(problem: WarehouseUnavailable) -> None:
    """A friendly explanation of a missing or broken warehouse, without a traceback."""
    st.error(getattr(problem, "message", str(problem)), icon=":material/database_off:")
    st.info(getattr(problem, "hint", None) or _(cache.INIT_HINT), icon=":material/lightbulb:")


def only_page(body: Callable[[], None]) -> None:
    """Serve `body` as the one page of the app, whatever URL was opened (no menu, no data)."""
    pages = [st.Page(body, title="Hamkori", icon="🤝", url_path="welcome", default=True)]
    pages += [hidden_as(page, body) for section in PAGES.values() for page in section]
    language_picker(LANGUAGE)  # a sign-in page or a refusal in the reader's language too
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
    if private:
        shown = _("The sign-in settings of this server are not valid; the data manager finds the "
                  "reason in the server log.")
    else:
        shown = with_detail(_("The settings of this server do not allow Hamkori to start: the "
                              "data manager must correct them."), problem)

    def body() -> None:
        st.title(_("Hamkori cannot start"))
        st.error(shown, icon=":material/gpp_bad:")

    only_page(body)


def sign_out_button(where) -> None:
    if where.button(_("Sign out"), icon=":material/logout:", key="sign_out"):
        audit_event("sign_out")
        st.logout()


def gate(viewer: Viewer) -> None:
    """Everything someone without a role sees: sign in, or a polite "no access"."""

    def body() -> None:
        if viewer.state == NO_ACCESS:
            note_sign_in(viewer)
            st.title(_("No access"))
            st.info(_("You are signed in as **{user}**, but this account has no access to "
                      "Hamkori. If you work with the UNHCR or UNICEF office in Tajikistan, ask "
                      "the data manager to give you access.").format(user=plain(viewer.user)),
                    icon=":material/lock:")
            sign_out_button(st)
            return
        st.title("Hamkori")
        st.caption(_("The joint reporting dashboard of UNHCR and UNICEF in Tajikistan."))
        if viewer.state == NOT_CONFIGURED:
            st.error(_("Sign-in is not configured, so there is nothing to show."),
                     icon=":material/key_off:")
            st.info(_("Add the `[auth]` and `[roles]` sections to `.streamlit/secrets.toml` (see "
                      "`.streamlit/secrets.toml.example`), or run the demo with `HAMKORI_DEMO=1` "
                      "(not secured; refused when `HAMKORI_ENV=production`)."),
                    icon=":material/lightbulb:")
            return
        if viewer.state == EXPIRED:
            st.info(_("Your sign-in has expired: please sign in again."),
                    icon=":material/schedule:")
        st.markdown(_("Sign in with your organisation account to see the dashboard."))
        if st.button(_("Sign in"), type="primary", icon=":material/login:", key="sign_in"):
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
filters = None  # the sidebar's container for the view settings (none in presentation mode)
if settings.demo and PRESENTING:
    requested_audience = presented("audience")
elif settings.demo:
    filters = st.sidebar.container()
    st.sidebar.divider()
    requested_audience = url_selectbox(
        st.sidebar,
        _("Demo audience switch — not secured"),
        list(AUDIENCES),
        key="audience",
        default=DEFAULT_AUDIENCE,
        shown=audience_title,
        help=_("Demo mode (HAMKORI_DEMO): pick whose view to show — there is no sign-in, so "
               "this is not secured. The donor and UNICEF views show counts from 1 to 4 as <5."),
    )
try:
    viewer = resolve_viewer(settings, requested_audience)
except auth.ConfigurationError as problem:
    refuse_to_start(problem, private=True)
set_viewer(viewer)
if viewer.role is None:
    gate(viewer)
audience = viewer.role

if PRESENTING:
    pass  # nothing around the slides: no sidebar, no banner
elif viewer.state == DEMO:
    st.sidebar.caption(":material/science: " + _("Demo, not secured — viewing as **{audience}**.")
                       .format(audience=audience_title(audience)))
    st.markdown(":orange-background[:material/science: "
                + _("**Demo — not secured.** Anyone can switch the audience in the sidebar; "
                    "there is no sign-in.") + "]")
else:
    filters = st.sidebar.container()
    st.sidebar.divider()
    also = f" ({plain(viewer.user)})" if viewer.name and viewer.name != viewer.user else ""
    st.sidebar.caption(":material/account_circle: "
                       + _("Signed in as **{name}**{also} — {audience}.").format(
                           name=plain(viewer.name or viewer.user), also=also,
                           audience=audience_title(audience)))
    sign_out_button(st.sidebar)

# every page listed (Streamlit would fold the list after ten behind an untranslated "View more")
page = st.navigation(navigation_for(audience), position="hidden" if PRESENTING else "sidebar",
                     expanded=True)
if PRESENTING and access_key(page) != BRIEFING:  # `present=1` means nothing elsewhere
    del st.query_params["present"]
    st.rerun()

try:
    years_with_data = cache.data_years()
except WarehouseUnavailable as problem:
    language_picker(LANGUAGE, filters)
    show_unavailable(problem)
    st.stop()
note_sign_in(viewer)

first_year, last_year = years_with_data or (FIRST_YEAR, date.today().year)
year = presented_year(first_year, last_year) if PRESENTING else filters.selectbox(
    _("Reporting year"),
    list(range(last_year, min(first_year, FIRST_YEAR) - 1, -1)),  # newest first
    index=0,
    key="year",
    bind="query-params",
)
region_code = ALL_REGIONS if PRESENTING else url_selectbox(
    filters,
    _("Region"),
    [ALL_REGIONS, *ref.REGIONS],
    key="region",  # `?region=TJ-SU`: the code, whatever the language
    default=ALL_REGIONS,
    shown=region_title,
)
language_picker(LANGUAGE, filters)
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
