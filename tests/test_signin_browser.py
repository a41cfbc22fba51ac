"""A real sign-in, end to end: Chromium, the Streamlit server and an OpenID Connect provider
(`oidc-provider-mock`), all on loopback.

The provider signs in whoever types an address in its form (its `sub`, also the `email` claim).
Sign-in is configured like production: an `[auth]` and a `[roles]` section in a secrets file
(given to the server with `--secrets.files`), demo mode off.
"""

from __future__ import annotations

import ast

import pytest
from browser import REPO_ROOT, free_port, streamlit_server, wait_for_app
from test_app import fill

from data_access import audit, auth
from data_access.engine import make_engine
from data_access.warehouse import upgrade

pytestmark = [pytest.mark.browser, pytest.mark.slow]

APP = REPO_ROOT / "app.py"
CLIENT_SECRET = "e2e-client-secret-5d1c0b7e-never-shown"
COOKIE_SECRET = "e2e-cookie-secret-9a8f7e6d5c4b3a21-never-shown"


def page_titles() -> dict[str, str]:
    """url_path -> menu title of every file page of app.py."""
    tree = ast.parse(APP.read_text(encoding="utf-8"))
    titles = {}
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr == "Page" and isinstance(node.args[0], ast.Constant)):
            keywords = {k.arg: _literal(k.value) for k in node.keywords}
            titles[keywords["url_path"]] = keywords["title"]
    return titles


def _literal(node: ast.expr):
    """A constant, or the English text inside `_("…")` (titles are translated)."""
    if isinstance(node, ast.Call) and node.args:
        node = node.args[0]
    return node.value if isinstance(node, ast.Constant) else None


@pytest.fixture
def provider():
    from oidc_provider_mock import run_server_in_thread

    with run_server_in_thread(port=0) as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture
def signed_in_app(provider, tmp_path, monkeypatch):
    """The app behind sign-in: yields (base URL, engine, server log path)."""
    url = f"sqlite:///{tmp_path / 'warehouse.sqlite'}"
    engine = make_engine(url)
    upgrade(engine)
    fill(engine)
    port = free_port()
    secrets = tmp_path / "secrets.toml"
    settings = f"""
[auth]
redirect_uri = "http://localhost:{port}/oauth2callback"
cookie_secret = "{COOKIE_SECRET}"
client_id = "hamkori-e2e"
client_secret = "{CLIENT_SECRET}"
server_metadata_url = "{provider}/.well-known/openid-configuration"

[roles]
# the mock provider sends `email` without `email_verified` (as a single-tenant Entra does)
trust_email_without_verification = true

[roles.domains]
"unicef.org" = "unicef"
"unhcr.org" = "unhcr"
"""
    secrets.write_text(settings, encoding="utf-8")
    log = tmp_path / "streamlit.log"
    env = {"HAMKORI_DEMO": "0", "HAMKORI_WAREHOUSE_URL": url}
    with streamlit_server(APP, env, port=port, log_path=log,
                          extra_args=("--secrets.files", str(secrets))) as base_url:
        yield base_url.replace("127.0.0.1", "localhost"), engine, log
    engine.dispose()


def sign_in(page, base_url: str, address: str, shot: str) -> None:
    page.goto(base_url)
    wait_for_app(page, f"{shot}-signed-out")
    assert page.locator("h1").first.inner_text() == "Hamkori"
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_selector("input[name=sub]")  # the provider's form
    page.fill("input[name=sub]", address)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{base_url}/**")
    wait_for_app(page, f"{shot}-signed-in")


def menu(page) -> str:
    nav = page.locator("[data-testid='stSidebarNav']")
    return nav.inner_text() if nav.count() else ""


def test_a_unicef_address_signs_in_sees_its_pages_and_signs_out(browser_page, signed_in_app):
    base_url, engine, log = signed_in_app
    page = browser_page
    sign_in(page, base_url, "aziza@unicef.org", "unicef")

    titles = page_titles()
    shown = menu(page)
    for url_path, title in titles.items():
        assert (title in shown) == auth.may_open("unicef", url_path), (url_path, shown)
    assert "UNICEF counterparts" in page.locator("[data-testid='stSidebar']").inner_text()
    assert page.get_by_text("Statelessness resolved (cumulative)").count()  # the home page

    page.goto(f"{base_url}/audit-log")  # not for UNICEF, even by its address
    wait_for_app(page, "unicef-audit-log-refused")
    assert page.locator("h1").first.inner_text() == "Not available"
    assert "Audit log" not in menu(page)
    page.goto(f"{base_url}/manage-data")  # UNICEF uploads its own data
    wait_for_app(page, "unicef-data-page")
    assert page.locator("h1").first.inner_text() == "Data"
    html = page.content()

    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("button", name="End session").click()  # the provider's logout form
    page.wait_for_url(f"{base_url}/**")
    wait_for_app(page, "unicef-signed-out")
    assert page.get_by_role("button", name="Sign in").count() == 1
    assert not menu(page)
    assert "Statelessness resolved" not in page.inner_text("body")

    logged = audit.events(engine).sort("id")
    signed = logged.filter(logged["action"] == "sign_in")
    assert signed.select("user_name", "audience", "mode").rows() == [
        ("aziza@unicef.org", "unicef", "oidc")]
    assert signed["detail"][0].startswith("role from domain unicef.org (token issued ")
    assert ("aziza@unicef.org", "page_refused", "audit-log") in logged.select(
        "user_name", "action", "target").rows()
    assert "sign_out" in logged["action"].to_list()
    server_log = log.read_text(encoding="utf-8")
    for secret in (CLIENT_SECRET, COOKIE_SECRET):
        assert secret not in server_log and secret not in html


def test_an_unknown_address_sees_only_no_access(browser_page, signed_in_app):
    base_url, engine, log = signed_in_app
    page = browser_page
    sign_in(page, base_url, "stranger@example.com", "unknown")
    body = page.inner_text("body")
    assert page.locator("h1").first.inner_text() == "No access"
    assert "stranger@example.com" in body
    assert not menu(page)
    assert page.locator("[data-testid='stMetric']").count() == 0
    # nothing to choose but the language (the page speaks the reader's language too)
    choices = page.locator("[data-testid='stSelectbox']")
    assert choices.count() == 1 and "Language" in choices.first.inner_text()
    for url_path in ("plan", "manage-data", "overview"):  # every address: the same page
        page.goto(f"{base_url}/{url_path}")
        wait_for_app(page, f"unknown-{url_path}")
        assert page.locator("h1").first.inner_text() == "No access"
        assert page.locator("[data-testid='stMetric']").count() == 0
    refused = audit.events(engine, actions=["sign_in_refused"])
    assert refused.select("user_name", "audience").rows() == [("stranger@example.com", None)]
    assert CLIENT_SECRET not in log.read_text(encoding="utf-8")


def test_production_refuses_to_serve_in_demo_mode(browser_page, tmp_path):
    url = f"sqlite:///{tmp_path / 'warehouse.sqlite'}"
    engine = make_engine(url)
    upgrade(engine)
    fill(engine)
    engine.dispose()
    env = {"HAMKORI_DEMO": "1", "HAMKORI_ENV": "production", "HAMKORI_WAREHOUSE_URL": url}
    page = browser_page
    log = tmp_path / "streamlit.log"
    with streamlit_server(APP, env, log_path=log) as base_url:
        for path in ("", "/?audience=admin", "/manage-data"):
            page.goto(base_url + path)
            wait_for_app(page, "production-demo-refused")
            assert page.locator("h1").first.inner_text() == "Hamkori cannot start"
            assert page.locator("[data-testid='stMetric']").count() == 0
            assert not menu(page)
    assert "Hamkori refuses to serve" in log.read_text(encoding="utf-8")
