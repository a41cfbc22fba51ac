"""Who is looking, and the view they asked for: resolved by the router (app.py) for each run.

- **Viewer** (`resolve_viewer`, `current_viewer`): in demo mode (`HAMKORI_DEMO=1`) the audience
  switch in the sidebar says whose view to show — not secured, and every page says so; otherwise
  the identity comes from the OpenID Connect sign-in (`st.user`) and the role from the `[roles]`
  section of `.streamlit/secrets.toml` (`data_access.auth.resolve`: deny by default).
- **View context** (`set_context`, `current_context`): the year, region and audience the router
  resolved; pages read it and never read widget keys, the URL or `st.user` themselves.
- **Guards**: `require_page("url-path")` at the top of a page refuses it to a role the access
  map (`data_access.auth.PAGE_ACCESS`) does not allow — app.py already refuses such a page before
  running it; the page repeats the check in one line, so a page run any other way is refused too.
- **Audit** (`audit_event`): sign-ins, refusals, page views and exports, with who, when and the
  audience, into the warehouse's audit log; never fails the page.

This module is not a page: `st.navigation` in app.py lists the pages explicitly.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

import locales
from data_access import audit, auth, cache
from data_access import reference as ref
from data_access.config import current_user
from data_access.engine import WarehouseUnavailable
from locales import _

_LOG = logging.getLogger("hamkori.access")
T = TypeVar("T")

#: Audiences of DOMAIN §1: role code -> who they are (in English: `audience_title` translates).
AUDIENCES: dict[str, str] = dict(auth.ROLE_TITLES)


def audience_title(code: str) -> str:
    """Who an audience is, in the current language ('Donors (briefing by screen-share)')."""
    return _(AUDIENCES[code]) if code in AUDIENCES else code


def in_this_language(shown: Callable[[T], str]) -> Callable[[T], str]:
    """`shown` (a widget's `format_func`) tied to the language of this run: Streamlit may call
    it outside the script run (AppTest does), where another language is current."""
    language = locales.language()

    def format_func(option: T) -> str:
        with locales.using(language):
            return shown(option)

    return format_func


def keep_choice(key: str) -> None:
    """Call before drawing a keyed selectbox or multiselect whose options are shown in the
    language of the run. The browser keeps the *name* it showed for the choice and sends it
    back on the next interaction; after a change of language that name is no option any more,
    and Streamlit would reset the widget. Written back into the session, the choice is sent to
    the browser again, in the new language. (Such a widget then takes no `index`/`default`:
    its value comes from the session.)"""
    if key in st.session_state:
        st.session_state[key] = st.session_state[key]


def _named_in_url(wanted: str, codes: Sequence[str], shown: Callable[[str], str]) -> str | None:
    """The code whose shown name, in any language, is `wanted` (links made when the URL kept
    the name: `?region=Sughd`, `?region=Согд`), or None."""
    folded = wanted.strip().casefold()
    for code in codes:
        for language in locales.LANGUAGES:
            with locales.using(language):
                if shown(code).casefold() == folded:
                    return code
    return None


def url_selectbox(where, label: str, codes: Sequence[str], *, key: str, default: str,
                  shown: Callable[[str], str], **kwargs) -> str:
    """A selectbox of codes shown by name (`shown`: code -> name in the current language) whose
    choice the URL keeps as the code (`?region=TJ-SU`, `?country=KAZ`), so that a shared link
    or a change of language keeps it: `bind="query-params"` would keep the shown name
    (`?region=Согд`), which another language does not know.

    It starts on this session's choice, else the URL's (a code, or a name the option has in
    any language: links from before), else `default`, and writes the choice back into the URL
    when it differs, as the language picker (app.py) does for `?lang=`; the default leaves the
    URL without the parameter, as `bind` did."""
    options = list(codes)
    start = st.session_state.get(key)
    if start not in options:
        wanted = st.query_params.get(key)
        start = wanted if wanted in options else (
            _named_in_url(wanted, options, shown) if wanted else None)
    st.session_state[key] = start or default  # rather than `index=`: see `keep_choice`
    chosen = where.selectbox(label, options, format_func=in_this_language(shown), key=key,
                             **kwargs)
    if chosen == default:
        if key in st.query_params:
            del st.query_params[key]
    elif st.query_params.get(key) != chosen:
        st.query_params[key] = chosen
    return chosen


def with_detail(sentence: str, problem: object) -> str:
    """`sentence` (in the current language) and under it, in a paragraph of its own, the
    technical detail of `problem` (an exception's message as the code wrote it, in English: it
    is for the administrator) behind a translated label — never inside the sentence."""
    detail = " ".join(str(problem).split()).replace("`", "'")
    return "{sentence}\n\n{label} `{detail}`".format(sentence=sentence,
                                                     label=_("Technical details:"), detail=detail)


#: The demo switch starts on the most restricted audience (small counts suppressed).
DEFAULT_AUDIENCE = "donor"

ALL_REGIONS = "all"

_CONTEXT_KEY = "hamkori.context"
_VIEWER_KEY = "hamkori.viewer"
_SIGNED_IN_KEY = "hamkori.audit.signed_in"
_VIEWED_KEY = "hamkori.audit.viewed"
_APPROVED_KEY = "hamkori.approved_page"

# Viewer states
DEMO = "demo"  # demo mode: the audience switch, not secured
SIGNED_IN = "signed_in"  # signed in with a role
NO_ACCESS = "no_access"  # signed in, but no rule of the role map matches
SIGNED_OUT = "signed_out"  # sign-in configured, nobody signed in
EXPIRED = "expired"  # signed in longer ago than HAMKORI_SESSION_HOURS
NOT_CONFIGURED = "not_configured"  # neither demo mode nor [auth] in secrets.toml


@dataclass(frozen=True)
class ViewContext:
    year: int
    region: str | None  # ISO 3166-2:TJ code, None = the whole country
    audience: str  # role code of DOMAIN §1

    @property
    def region_name(self) -> str:
        """The region in the current language ('all regions' when none is chosen)."""
        return ref.region_name(self.region) if self.region else _("all regions")


@dataclass(frozen=True)
class Viewer:
    """Who is looking: `role` is None for anyone who may see nothing."""

    state: str
    role: str | None
    user: str  # recorded as acting: the e-mail when signed in, `audience:login` in demo mode
    name: str = ""
    rule: str | None = None  # the role-map rule that gave the role
    issued_at: float | None = None  # the identity token's `iat`

    @property
    def mode(self) -> str:
        return "demo" if self.state == DEMO else "oidc"

    @property
    def actor(self) -> audit.Actor:
        return audit.Actor(self.user, self.role, self.mode)


# ------------------------------------------------------------------------------- who
_MARKDOWN_SPECIAL = set("\\`*_{}[]()#+-.!|<>~:$")


def plain(text: str) -> str:
    """`text` (a name or address from the identity provider) shown literally in Markdown."""
    return "".join(f"\\{c}" if c in _MARKDOWN_SPECIAL else c for c in text)


def resolve_audience(requested: str | None) -> str:
    """A valid role code for `requested` (demo switch); anything unknown falls back to donor."""
    return requested if requested in AUDIENCES else DEFAULT_AUDIENCE


def _secrets_section(name: str) -> Mapping | None:
    """A section of secrets.toml, or None (no file, no section) — never an exception."""
    try:
        section = st.secrets.get(name)
    except FileNotFoundError:
        return None
    except Exception as exc:  # a malformed secrets.toml: say so in the log, deny access
        _LOG.error("secrets.toml cannot be read: %s", type(exc).__name__)
        return None
    return section if isinstance(section, Mapping) else None


def sign_in_configured() -> bool:
    """True when secrets.toml has an `[auth]` section (Streamlit's OpenID Connect settings)."""
    return bool(_secrets_section("auth"))


def role_map() -> auth.RoleMap:
    """The `[roles]` section of secrets.toml (raises auth.ConfigurationError when malformed)."""
    return auth.RoleMap.from_config(_secrets_section("roles"))


def _claims() -> dict:
    try:
        return dict(st.user.to_dict())
    except Exception:  # no script context (bare Python): nobody is signed in
        return {}


def resolve_viewer(settings: auth.Settings, demo_audience: str | None = None) -> Viewer:
    """The viewer of this run: the demo switch's audience in demo mode, else the sign-in."""
    if settings.demo:
        audience = resolve_audience(demo_audience)
        return Viewer(DEMO, audience, f"{audience}:{current_user()}", AUDIENCES[audience])
    if not sign_in_configured():
        return Viewer(NOT_CONFIGURED, None, "anonymous")
    claims = _claims()
    if not claims.get("is_logged_in"):
        return Viewer(SIGNED_OUT, None, "anonymous")
    identity = auth.resolve(claims, role_map())
    issued = claims.get("iat") if isinstance(claims.get("iat"), int | float) else None
    who = identity.email or str(claims.get("sub") or "unknown")
    if auth.session_expired(claims, settings.session_hours):
        return Viewer(EXPIRED, None, who, identity.name, issued_at=issued)
    state = SIGNED_IN if identity.role else NO_ACCESS
    return Viewer(state, identity.role, who, identity.name, identity.rule, issued)


def set_viewer(viewer: Viewer) -> None:
    """Called by the router at the start of every run (withdraws the last run's approval)."""
    st.session_state[_VIEWER_KEY] = viewer
    st.session_state.pop(_APPROVED_KEY, None)


def approve_page() -> None:
    """Called by the router just before it runs the page it checked: pages then know they run
    through the router, for this viewer (`current_context`, `require_page`)."""
    ctx = get_script_run_ctx()
    st.session_state[_APPROVED_KEY] = ctx.page_script_hash if ctx else None


def _through_the_router() -> bool:
    """Whether the page running now is the one the router approved. Streamlit's old multipage
    mode can run a page file directly (a url_path equal to the file name, before the first
    `st.navigation` of the process): the approval left from another page does not match."""
    ctx = get_script_run_ctx()
    approved = st.session_state.get(_APPROVED_KEY)
    return ctx is not None and approved is not None and approved == ctx.page_script_hash


def current_viewer() -> Viewer:
    """The viewer the router resolved for this run (nobody when the router did not run)."""
    viewer = st.session_state.get(_VIEWER_KEY)
    return viewer if isinstance(viewer, Viewer) else Viewer(SIGNED_OUT, None, "anonymous")


# ------------------------------------------------------------------------------- what
def set_context(context: ViewContext) -> None:
    st.session_state[_CONTEXT_KEY] = context


def current_context() -> ViewContext:
    """The filters and audience for this run (set by app.py before the page runs). A page run
    without the router (no viewer or context resolved: Streamlit's old multipage mode runs a
    page file whose url_path matches its name directly) is refused here and stops."""
    context = st.session_state.get(_CONTEXT_KEY)
    viewer = st.session_state.get(_VIEWER_KEY)
    if (not isinstance(context, ViewContext) or not isinstance(viewer, Viewer)
            or viewer.role is None or context.audience != viewer.role
            or not _through_the_router()):
        _LOG.warning("a page ran without the router; refused")
        refusal("")
        st.stop()
    return context


def current_audience() -> str:
    """The role code of whoever is looking at the page; every disclosure decision starts here."""
    return current_context().audience


def current_user_label() -> str:
    """Who is recorded as acting (posting, signing off, importing): the signed-in e-mail, or in
    demo mode the demo audience and the server's user (`HAMKORI_USER` or the login name), e.g.
    `unicef:aziza`."""
    return current_viewer().user


# ------------------------------------------------------------------------------- guards
def refusal(url_path: str) -> None:
    """The polite refusal of a page the viewer's role may not open (nothing else is drawn)."""
    viewer = current_viewer()
    if viewer.role is None:
        st.title(_("No access"))
        st.info(_("Hamkori has nothing to show to this account. If you work with the UNHCR or "
                  "UNICEF office in Tajikistan, sign in from the home page or ask the data "
                  "manager to give you access."), icon=":material/lock:")
        return
    st.title(_("Not available"))
    who = audience_title(viewer.role) if viewer.role in AUDIENCES else _("your account")
    st.info(_("This page is not available to **{audience}**. Use the menu to open the pages you "
              "can see, or ask the data manager if you need more.").format(audience=who),
            icon=":material/lock:")


def require_page(url_path: str) -> ViewContext:
    """One line at the top of a page: stop here unless the viewer's role may open `url_path`
    (`data_access.auth.PAGE_ACCESS`); returns the view context otherwise."""
    viewer = current_viewer()
    context = st.session_state.get(_CONTEXT_KEY)
    if (not auth.may_open(viewer.role, url_path) or not isinstance(context, ViewContext)
            or context.audience != viewer.role or not _through_the_router()):
        refusal(url_path)
        st.stop()
    return context


# ------------------------------------------------------------------------------- audit
def audit_event(action: str, target: str | None = None, detail: str | None = None,
                viewer: Viewer | None = None) -> bool:
    """Record an event for the current viewer in the warehouse's audit log. An unavailable
    warehouse is logged, not raised (the page explains it on its own). False when not recorded."""
    viewer = viewer or current_viewer()
    try:
        status = cache.warehouse_status()  # never creates a missing warehouse
        cache.guarded(lambda: audit.record(cache.engine(status.url), viewer.actor, action,
                                           target, detail))
        return True
    except WarehouseUnavailable as problem:
        _LOG.warning("audit event %s (%s) by %s not recorded: %s", action, target, viewer.user,
                     getattr(problem, "message", type(problem).__name__))
        return False


def deferred_export(build: Callable[[], bytes], target: str, detail: str,
                    viewer: Viewer | None = None) -> Callable[[], bytes]:
    """A download's data, built only when the browser asks for the file and recorded in the
    audit log right then (`st.download_button` accepts a callable): whoever fetches the file,
    by a click or by its URL, is in the log. The viewer is taken now, since the file request
    is served outside the script run."""
    viewer = viewer or current_viewer()

    def make() -> bytes:
        data = build()
        audit_event("export", target, detail, viewer=viewer)
        return data

    return make


def note_sign_in(viewer: Viewer) -> None:
    """A sign-in (or a refused one) goes to the audit log once: not again for a rerun, a new tab
    or a reconnect of the same sign-in (the identity token's issue time tells them apart)."""
    if viewer.mode != "oidc" or viewer.state not in (SIGNED_IN, NO_ACCESS):
        return
    if st.session_state.get(_SIGNED_IN_KEY) == (viewer.user, viewer.issued_at):
        return
    action = "sign_in" if viewer.state == SIGNED_IN else "sign_in_refused"
    detail = audit.sign_in_detail(viewer.rule, viewer.issued_at)
    try:
        status = cache.warehouse_status()
        seen = cache.guarded(lambda: audit.signed_in_before(
            cache.engine(status.url), viewer.user, viewer.issued_at, action))
    except WarehouseUnavailable:
        seen = False
    if seen or audit_event(action, None, detail, viewer):
        st.session_state[_SIGNED_IN_KEY] = (viewer.user, viewer.issued_at)


def note_view(url_path: str, *, refused: bool = False) -> None:
    """A page opened (or refused) goes to the audit log when the page changes, not on every
    rerun of the same page."""
    viewer = current_viewer()
    if st.session_state.get(_VIEWED_KEY) == (viewer.user, viewer.role, url_path):
        return
    st.session_state[_VIEWED_KEY] = (viewer.user, viewer.role, url_path)
    audit_event("page_refused" if refused else "view", url_path)
