"""AppTest runs with `at.user`: each role sees exactly its pages, anyone else sees one page.

Sign-in is configured through `at.secrets` (an `[auth]` and a `[roles]` section, as in
.streamlit/secrets.toml) and demo mode is off, so the identity comes from `st.user` only.
"Opened by URL" sets the page the session asks for, as a browser does with `…/audit-log`.
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash
from test_app import STA_RES, fill, metrics
from test_auth import app_pages, app_url_paths

from data_access import audit, auth, cache
from metrics.periods import Period

APP = Path(__file__).resolve().parent.parent / "app.py"
PAGE_FILES = {"overview": "pages/home.py", "plan": "pages/joint_plan.py",
              "plan-activity": "pages/activity.py", "manage-data": "pages/data.py",
              "audit-log": "pages/audit.py"}
#: Pages of the app with their own title; others (the lead's new pages) are checked for refusal.
TITLES = {"plan": "Joint Plan of Action", "plan-activity": "Joint-plan activity",
          "manage-data": "Data", "audit-log": "Audit log"}

CLIENT_SECRET = "client-secret-7f3a9c1e-do-not-show"
COOKIE_SECRET = "cookie-secret-52b8d0aa-do-not-show"
SECRETS = {
    "auth": {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": COOKIE_SECRET,
        "client_id": "hamkori-tests",
        "client_secret": CLIENT_SECRET,
        "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
    },
    "roles": {
        "emails": {"manager@unhcr.org": "admin"},
        "groups": {"hamkori-donors": "donor"},
        "domains": {"unhcr.org": "unhcr", "unicef.org": "unicef"},
    },
}
ISSUED = int(datetime.now(UTC).timestamp()) - 60
USERS = {
    "unhcr": {"is_logged_in": True, "email": "rustam@unhcr.org", "email_verified": True, "name": "Rustam", "iat": ISSUED},
    "unicef": {"is_logged_in": True, "email": "aziza@unicef.org", "email_verified": True, "name": "Aziza", "iat": ISSUED},
    "donor": {"is_logged_in": True, "email": "briefing@embassy.example", "email_verified": True, "iat": ISSUED,
              "groups": ["hamkori-donors"]},
    "admin": {"is_logged_in": True, "email": "manager@unhcr.org", "email_verified": True, "iat": ISSUED},
}
UNKNOWN = {"is_logged_in": True, "email": "stranger@example.com", "email_verified": True, "name": "Stranger",
           "iat": ISSUED}
REFUSED_TITLE = "Not available"
#: Pages whose url_path equals their file name: Streamlit's old multipage mode runs such a page
#: without the router on an AppTest rerun (and on a first deep link after a server start), and
#: `pages._context` then refuses it to everyone. tests/test_app.py asks for another url_path.
GUESSABLE = {url for url, file in app_pages().items() if Path(file).stem == url}


@pytest.fixture(autouse=True)
def _sign_in_mode(fresh_caches, monkeypatch):
    """Demo mode off: who is looking comes from `st.user` and the role map."""
    monkeypatch.setenv("HAMKORI_DEMO", "0")


@pytest.fixture
def filled(engine, sqlite_url, monkeypatch):
    fill(engine)
    monkeypatch.setenv("HAMKORI_WAREHOUSE_URL", sqlite_url)
    monkeypatch.setenv("HAMKORI_USER", "server")
    return engine


def app_as(user: dict | None, url_path: str | None = None, *, secrets: dict | None = None,
           **query) -> AppTest:
    """The app as `user` (None: nobody signed in), opened at `url_path` like a deep link."""
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.secrets = copy.deepcopy(secrets if secrets is not None else SECRETS)
    at.user = copy.deepcopy(user) if user is not None else {"is_logged_in": False}
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    if url_path:  # what the browser asks for at …/<url_path>
        at._page_hash = calc_hash(url_path)
        at.run()
    return at


def titles(at: AppTest) -> list[str]:
    return [t.value for t in at.title]


def everything(at: AppTest) -> str:
    """Every value and label of every element on the page (main area and sidebar)."""
    out = []

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            out.append(str(proto))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return "\n".join(out)


def events(engine, **filters) -> pl.DataFrame:
    return audit.events(engine, **filters).sort("id")


# ----------------------------------------------------------------------------- roles
@pytest.mark.parametrize("role", auth.ROLES)
@pytest.mark.parametrize("url_path", app_url_paths())
def test_each_role_opens_exactly_its_pages(filled, role, url_path):
    at = app_as(USERS[role], url_path)
    if url_path in GUESSABLE:  # run without the router: refused, whoever asks
        assert not at.exception and titles(at) == [REFUSED_TITLE] and not at.metric
        return
    if auth.may_open(role, url_path):
        assert REFUSED_TITLE not in titles(at)
        if url_path in PAGE_FILES:
            assert not at.exception
        if url_path in TITLES:
            assert TITLES[url_path] in titles(at)
    else:
        assert not at.exception
        assert titles(at) == [REFUSED_TITLE]
        assert f"not available to **{auth.ROLE_TITLES[role]}**" in at.info[0].value
        assert not at.metric and not at.dataframe and not at.file_uploader  # nothing else
        refused = events(filled, actions=["page_refused"])
        assert refused.select("user_name", "audience", "mode", "target").rows() == [
            (USERS[role]["email"], role, "oidc", url_path)]


@pytest.mark.parametrize("role", auth.ROLES)
def test_the_home_page_shows_the_role_its_figures(filled, role):
    at = app_as(USERS[role])
    assert not at.exception and not at.error
    shown = metrics(at)
    assert shown[STA_RES] == ("<5" if role in ("unicef", "donor") else "2")
    assert ("Voluntary repatriation" in shown) == (role != "unicef")
    assert [s.key for s in at.sidebar.selectbox] == ["year", "region", "lang"]  # no audience switch
    assert "Demo — not secured" not in everything(at)
    assert [b.label for b in at.sidebar.button] == ["Sign out"]
    assert f"{auth.ROLE_TITLES[role]}." in at.sidebar.caption[0].value


def test_the_audience_in_the_url_is_ignored_when_signed_in(filled):
    at = app_as(USERS["donor"], "audit-log", audience="admin")
    assert titles(at) == [REFUSED_TITLE]
    at = app_as(USERS["donor"], audience="admin")
    assert metrics(at)[STA_RES] == "<5"


def test_a_page_run_without_the_router_is_refused(filled):
    """The page's own guard (`require_page`): run directly, with nobody resolved, it stops."""
    for page in ("pages/data.py", "pages/audit.py", "pages/joint_plan.py", "pages/activity.py"):
        at = AppTest.from_file(str(APP.parent / page), default_timeout=30).run()
        assert not at.exception, page
        assert titles(at) == ["No access"], page
        assert not at.dataframe and not at.file_uploader and not at.metric


def only_the_language_picker(at) -> bool:
    """Nothing in the sidebar and no selectbox but the language picker (app.py draws it on the
    one-page views too, so a sign-in page or a refusal can be read in Tajik or Russian)."""
    return ([s.key for s in at.selectbox] == ["lang"]
            and [s.key for s in at.sidebar.selectbox] == ["lang"]
            and len(at.sidebar.children) == 1)


# ----------------------------------------------------------------------------- no role
@pytest.mark.parametrize("url_path", [None, *app_url_paths()])
def test_an_unknown_user_sees_only_no_access(filled, url_path):
    at = app_as(UNKNOWN, url_path)
    assert not at.exception
    assert titles(at) == ["No access"]
    if url_path not in GUESSABLE:  # through the router: says who is signed in
        assert "stranger@example\\.com" in at.info[0].value  # escaped: shown literally
        assert [b.label for b in at.button] == ["Sign out"]
    assert not at.metric and not at.dataframe and only_the_language_picker(at)
    refused = events(filled, actions=["sign_in_refused"])
    assert refused.select("user_name", "audience").rows() == [("stranger@example.com", None)]


@pytest.mark.parametrize("url_path", [None, "overview", "manage-data", "audit-log"])
def test_nobody_signed_in_sees_only_the_sign_in_page(filled, url_path):
    at = app_as(None, url_path)
    assert not at.exception
    assert titles(at) == ["Hamkori"]
    assert [b.label for b in at.button] == ["Sign in"]
    assert not at.metric and not at.dataframe and only_the_language_picker(at)
    assert events(filled).is_empty()


def test_an_old_sign_in_must_be_renewed(filled, monkeypatch):
    monkeypatch.setenv("HAMKORI_SESSION_HOURS", "8")
    user = {**USERS["unhcr"], "iat": int(datetime.now(UTC).timestamp()) - 9 * 3600}
    at = app_as(user)
    assert titles(at) == ["Hamkori"] and not at.metric
    assert "Your sign-in has expired" in at.info[0].value
    assert [b.label for b in at.button] == ["Sign in"]


def test_without_sign_in_settings_nothing_is_shown(filled):
    at = app_as(USERS["admin"], secrets={"unrelated": {"key": "value"}})
    assert not at.exception
    assert "Sign-in is not configured" in at.error[0].value
    assert "HAMKORI_DEMO=1" in at.info[0].value
    assert not at.metric and not at.button and only_the_language_picker(at)


def test_a_malformed_role_map_stops_the_app(filled):
    secrets = copy.deepcopy(SECRETS)
    secrets["roles"]["domains"]["unhcr.org"] = "superuser"
    secrets["roles"]["emails"]["boss.private@unhcr.org"] = "adimn"
    at = app_as(USERS["unhcr"], secrets=secrets)
    assert titles(at) == ["Hamkori cannot start"]
    assert "server log" in at.error[0].value  # the reason (it names people) is not shown
    assert "boss.private" not in everything(at) and "superuser" not in everything(at)
    assert not at.metric and only_the_language_picker(at)


# ----------------------------------------------------------------------------- demo mode
@pytest.mark.parametrize("url_path", [None, "overview", "manage-data"])
def test_production_refuses_demo_mode(filled, monkeypatch, url_path):
    monkeypatch.setenv("HAMKORI_DEMO", "1")
    monkeypatch.setenv("HAMKORI_ENV", "production")
    at = app_as(USERS["admin"], url_path, audience="admin")
    assert not at.exception
    assert titles(at) == ["Hamkori cannot start"]
    assert "HAMKORI_ENV is 'production'" in at.error[0].value
    assert not at.metric and only_the_language_picker(at) and not at.button


def test_demo_mode_beside_a_configured_sign_in_refuses_to_start(filled, monkeypatch):
    monkeypatch.setenv("HAMKORI_DEMO", "1")
    at = app_as(USERS["donor"], "audit-log", audience="admin")  # [auth] is configured
    assert not at.exception
    assert titles(at) == ["Hamkori cannot start"]
    assert "bypass the sign-in" in at.error[0].value
    assert not at.metric and only_the_language_picker(at)


def test_demo_mode_says_it_is_not_secured(filled, monkeypatch):
    monkeypatch.setenv("HAMKORI_DEMO", "1")
    at = app_as(None, audience="unicef", secrets={})  # demo mode: no identity provider
    assert not at.exception
    assert "**Demo — not secured.**" in at.markdown[0].value
    switch = at.sidebar.selectbox(key="audience")
    assert switch.label == "Demo audience switch — not secured" and switch.value == "unicef"
    assert "Demo, not secured" in at.sidebar.caption[0].value
    at.switch_page("pages/data.py").run()
    assert titles(at) == ["Data"]
    assert events(filled, actions=["view"]).select("user_name", "audience", "mode").rows()[-1] \
        == ("unicef:server", "unicef", "demo")


# ----------------------------------------------------------------------------- cache
def test_a_donor_after_unhcr_gets_suppressed_figures_not_the_cached_ones(filled):
    """The same filters, one shared cache (no clearing in between): the audience is in the key."""
    unhcr = app_as(USERS["unhcr"], year="2024", region="Sughd")
    donor = app_as(USERS["donor"], year="2024", region="Sughd")
    assert metrics(unhcr)[STA_RES] == "2"
    assert metrics(donor)[STA_RES] == "<5"
    assert metrics(unhcr)["Persons of concern"] == "3"
    assert metrics(donor)["Persons of concern"] == "<5"
    again = app_as(USERS["unhcr"], year="2024", region="Sughd")
    assert metrics(again)[STA_RES] == "2"


def test_the_cached_loader_keys_on_the_audience(filled):
    period = Period.parse("2024")
    codes = ("STA.RESOLVED",)
    internal = cache.indicator_values(period, "unhcr", codes=codes)
    donor = cache.indicator_values(period, "donor", codes=codes)
    assert internal.get_column("display").to_list() == ["2"]
    assert donor.get_column("display").to_list() == ["<5"]
    assert donor.get_column("value").to_list() == [None]


CACHED_WITHOUT_AUDIENCE = {
    "_data_version": "the warehouse's version number",
    "_data_years": "first and last year with data (the year filter)",
    "_boundaries": "public geography",
    "_analytics_frame": "aggregates before disclosure, read only by the engine, which applies "
                        "the audience's control to every answer (cached per audience)",
    "engine": "the connection pool",
}


def test_every_cached_loader_is_keyed_by_audience_or_needs_none():
    """A new `st.cache_data` loader must take the audience, or be listed here with why not."""
    import ast

    tree = ast.parse((APP.parent / "data_access" / "cache.py").read_text(encoding="utf-8"))
    loaders = {
        node.name: [a.arg for a in node.args.args] for node in tree.body
        if isinstance(node, ast.FunctionDef) and any(
            "cache_data" in ast.unparse(d) or "cache_resource" in ast.unparse(d)
            for d in node.decorator_list)
    }
    unkeyed = sorted(name for name, args in loaders.items()
                     if "audience" not in args and name not in CACHED_WITHOUT_AUDIENCE)
    assert unkeyed == []


# ----------------------------------------------------------------------------- audit
def test_a_sign_in_is_recorded_once(filled):
    at = app_as(USERS["unicef"])
    at.run()
    app_as(USERS["unicef"])  # a second tab: the same sign-in (same token issue time)
    signed = events(filled, actions=["sign_in"])
    assert signed.select("user_name", "audience", "mode").rows() == [
        ("aziza@unicef.org", "unicef", "oidc")]
    assert signed["detail"][0] == f"role from domain unicef.org (token issued {ISSUED})"
    app_as({**USERS["unicef"], "iat": ISSUED + 1})  # signed in again
    assert events(filled, actions=["sign_in"]).height == 2


def test_page_views_are_recorded_when_the_page_changes(filled):
    at = app_as(USERS["admin"])
    at.run()
    at.switch_page("pages/data.py").run()
    at.run()
    views = events(filled, actions=["view"])
    assert views.select("target").to_series().to_list() == ["overview", "manage-data"]
    assert set(views["user_name"]) == {"manager@unhcr.org"}


def test_sign_out_is_recorded(filled):
    at = app_as(USERS["unhcr"])
    at.sidebar.button[0].click().run()
    assert events(filled, actions=["sign_out"]).select("user_name").rows() == [
        ("rustam@unhcr.org",)]
    assert at.user == {"is_logged_in": False}


# ----------------------------------------------------------------------------- secrets
@pytest.mark.parametrize("user", [USERS["admin"], UNKNOWN, None], ids=["admin", "unknown", "none"])
def test_secrets_never_reach_a_page(filled, user):
    for url_path in (None, "manage-data", "audit-log"):
        at = app_as(user, url_path)
        shown = everything(at) + str(at.session_state.to_dict())
        assert titles(at)[0] in shown  # the walk sees the page's texts
        assert CLIENT_SECRET not in shown and COOKIE_SECRET not in shown
    assert not events(filled).filter(
        pl.col("detail").str.contains(CLIENT_SECRET, literal=True)
        | pl.col("detail").str.contains(COOKIE_SECRET, literal=True)).height
