"""Shared fixtures. A warehouse is a fresh, migrated database per test.

- `sqlite_url` / `engine`: a migrated SQLite warehouse (the default, fast).
- `postgres_server` (session): a throw-away PostgreSQL (see `pg.py`), or the one named by
  HAMKORI_TEST_POSTGRES_URL. No PostgreSQL at all is an error, not a skip.
- `pg_url`: a fresh PostgreSQL database per test (dropped afterwards).
- `warehouse_url` / `any_engine`: the same test on both backends (ids `sqlite`, `postgres`).
- `chromium` (session) / `browser_page`: a Playwright page in Debian's Chromium, collecting
  console errors in `page.console_errors`.
- `demo_mode` (autouse): HAMKORI_DEMO=1 and no HAMKORI_ENV, so AppTest and browser runs use the
  demo audience switch; the sign-in tests switch demo mode off.

Tests using the PostgreSQL or browser fixtures get the `postgres` / `browser` marker
automatically, so `-m "not postgres and not browser"` gives the quick suite.
"""

from __future__ import annotations

import pytest
from browser import is_external, launch_chromium, screenshot
from pg import PostgresServer, PostgresUnavailable

from data_access.engine import make_engine
from data_access.warehouse import upgrade

POSTGRES_FIXTURES = {"postgres_server", "pg_url"}
BROWSER_FIXTURES = {"chromium", "browser_page"}


@pytest.fixture(autouse=True)
def demo_mode(monkeypatch):
    """Tests run the app in demo mode (the audience switch, `?audience=` in the URL), never as
    production; sign-in tests switch it off (`monkeypatch.setenv("HAMKORI_DEMO", "0")`)."""
    monkeypatch.setenv("HAMKORI_DEMO", "1")
    monkeypatch.delenv("HAMKORI_ENV", raising=False)
    monkeypatch.delenv("HAMKORI_SESSION_HOURS", raising=False)
    monkeypatch.delenv("HAMKORI_UPLOAD_MAX_MB", raising=False)
    monkeypatch.delenv("HAMKORI_UPLOAD_MAX_ROWS", raising=False)


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'warehouse.sqlite'}"


@pytest.fixture
def engine(sqlite_url):
    """A migrated, empty SQLite warehouse (see `any_engine` for the PostgreSQL twin)."""
    yield from _migrated_engine(sqlite_url)


def _migrated_engine(url: str):
    eng = make_engine(url)
    upgrade(eng)
    yield eng
    eng.dispose()


@pytest.fixture(scope="session")
def demo_url(tmp_path_factory) -> str:
    """The demo warehouse with region boundaries and Tajikistan's published statistics, built
    once for the page suites that only read it (they add page views to its audit log)."""
    import demo_warehouse

    return demo_warehouse.build(tmp_path_factory.mktemp("demo") / "demo.sqlite")


@pytest.fixture
def served(demo_url, monkeypatch):
    """The app reads the shared demo warehouse."""
    monkeypatch.setenv("HAMKORI_WAREHOUSE_URL", demo_url)
    return demo_url


@pytest.fixture
def fresh_caches():
    """Empty Streamlit caches before and after the test (AppTest runs share the process)."""
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


# --------------------------------------------------------------------------- markers
def pytest_collection_modifyitems(config, items):
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        if names & POSTGRES_FIXTURES:
            item.add_marker(pytest.mark.postgres)
        if names & BROWSER_FIXTURES:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item, so fixtures can tell whether the test failed."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


# --------------------------------------------------------------------------- PostgreSQL
@pytest.fixture(scope="session")
def postgres_server():
    """A PostgreSQL server for the whole session: yields a `pg.PostgresServer`.

    `.admin_url` (URL of the `postgres` database), `.port`, `.url_for(db)`, `.create_database()`,
    `.drop_database(name)`. Started with initdb/pg_ctl (as user postgres when root) and stopped
    with `pg_ctl -m fast stop` at the end, or taken from HAMKORI_TEST_POSTGRES_URL.
    """
    problem = None
    try:
        server = PostgresServer.from_env()
        if server is not None:
            server.wait_ready()
        else:
            server = PostgresServer.start()
    except PostgresUnavailable as exc:
        problem = str(exc)
    if problem:  # outside `except`, so the report shows the message once, without a chain
        pytest.fail(f"PostgreSQL unavailable: {problem}", pytrace=False)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def pg_url(postgres_server) -> str:
    """A fresh, empty database (test_<uuid>) on the session server; dropped WITH (FORCE) after.

    Yields `postgresql+psycopg://postgres@127.0.0.1:PORT/test_<uuid>`.
    """
    name = postgres_server.create_database()
    yield postgres_server.url_for(name)
    postgres_server.drop_database(name)


# --------------------------------------------------------------------------- both backends
@pytest.fixture(params=[
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
])
def warehouse_url(request, tmp_path) -> str:
    """A fresh, empty warehouse URL, once per backend. PostgreSQL starts only when needed."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'warehouse.sqlite'}"
    return request.getfixturevalue("pg_url")


@pytest.fixture
def any_engine(warehouse_url):
    """A migrated, empty warehouse engine on SQLite and on PostgreSQL."""
    yield from _migrated_engine(warehouse_url)


# --------------------------------------------------------------------------- browser
@pytest.fixture(scope="session")
def chromium():
    """One headless Chromium (Playwright, system binary) for the session."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def browser_page(chromium, request):
    """A fresh page (own context) in the session Chromium.

    `page.console_errors` collects console messages of type "error" and uncaught page errors as
    strings; `page.external_requests` the URLs of requests leaving the machine (they fail: the
    browser resolves no outside host). A failed test leaves `test-artifacts/<test>-failed.png`.
    """
    context = chromium.new_context(viewport={"width": 1400, "height": 900}, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.console_errors = []
    page.on("console", lambda msg: page.console_errors.append(
        f"console.error: {msg.text} ({msg.location.get('url', '')})")
        if msg.type == "error" else None)
    page.on("pageerror", lambda exc: page.console_errors.append(f"pageerror: {exc}"))
    page.external_requests = []  # the app must work offline: nothing may leave the machine
    page.on("request", lambda req: page.external_requests.append(req.url)
            if is_external(req.url) else None)
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed and page.url != "about:blank":
        try:
            screenshot(page, f"{request.node.name}-failed")
        except Exception as exc:  # the page may be gone; the failure itself matters more
            print(f"could not screenshot the failed page: {exc}")
    context.close()


@pytest.fixture
def run(sqlite_url, monkeypatch):
    """`hamkori …` on a fresh SQLite warehouse, as the data manager: run("import", …)."""
    from click.testing import CliRunner

    from data_access.cli import main

    monkeypatch.setenv("HAMKORI_WAREHOUSE_URL", sqlite_url)
    monkeypatch.setenv("HAMKORI_USER", "data.manager")
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(main, list(args), catch_exceptions=False)

    return invoke
