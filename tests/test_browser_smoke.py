"""The real app in a real Chromium: it starts, renders, and logs no errors in the browser."""

from __future__ import annotations

import pytest
from browser import REPO_ROOT, streamlit_server, wait_for_app

from data_access.engine import make_engine
from data_access.warehouse import upgrade

pytestmark = pytest.mark.browser

APP = REPO_ROOT / "app.py"


@pytest.fixture
def empty_warehouse_url(tmp_path) -> str:
    """A migrated, empty SQLite warehouse in a temp folder (never the developer's data/)."""
    url = f"sqlite:///{tmp_path / 'warehouse.sqlite'}"
    eng = make_engine(url)
    upgrade(eng)
    eng.dispose()
    return url


def test_home_page_renders_offline_without_console_errors(browser_page, empty_warehouse_url):
    assert APP.exists(), f"{APP} is missing"
    page = browser_page
    with streamlit_server(APP, {"HAMKORI_WAREHOUSE_URL": empty_warehouse_url}) as base_url:
        page.goto(base_url)
        shot = wait_for_app(page, "home")
        body = page.inner_text("body")
        exceptions = page.locator("[data-testid='stException']").all_inner_texts()
        # Read while the server runs: stopping it makes the page log its lost connection.
        console_errors = list(page.console_errors)
        external = list(page.external_requests)
    assert shot.exists()
    assert not exceptions, f"the app raised: {exceptions}"
    assert "Hamkori" in body
    assert external == [], "the app must work offline, but the page fetched from the internet"
    assert console_errors == []


THROWAWAY_APP = '''
import streamlit as st
import streamlit.components.v1 as components

st.title("Hamkori helper check")
st.metric("Rows", 42)
if st.query_params.get("broken") == "1":
    components.html("<script>console.error('hamkori-test-boom')</script>", height=10)
if st.query_params.get("online") == "1":
    st.markdown("![remote](https://example.org/logo.png)")
'''


def test_helpers_see_the_page_and_what_goes_wrong_in_it(browser_page, tmp_path):
    """The helpers themselves, on a throwaway app: a rendered page; errors and fetches caught."""
    app = tmp_path / "throwaway_app.py"
    app.write_text(THROWAWAY_APP)
    page = browser_page
    with streamlit_server(app, {}, cwd=tmp_path) as base_url:
        page.goto(base_url.replace("127.0.0.1", "localhost"))  # localhost resolves; others don't
        wait_for_app(page, "helper-check")
        assert "Rows" in page.inner_text("body")
        assert page.console_errors == []
        assert page.external_requests == []

        page.goto(f"{base_url}/?broken=1&online=1")
        wait_for_app(page, take_screenshot=False)
        for _ in range(100):  # the component iframe runs its script after the app settles
            if any("hamkori-test-boom" in e for e in page.console_errors):
                break
            page.wait_for_timeout(100)
        errors, external = list(page.console_errors), list(page.external_requests)
    assert any("hamkori-test-boom" in e for e in errors), errors
    assert "https://example.org/logo.png" in external
    assert any("ERR_NAME_NOT_RESOLVED" in e and "example.org" in e for e in errors), errors


@pytest.fixture(scope="module")
def demo_warehouse_url(tmp_path_factory) -> str:
    from data_access.demo import load_demo

    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'warehouse.sqlite'}"
    eng = make_engine(url)
    upgrade(eng)
    load_demo(eng)
    eng.dispose()
    return url


def metric_value(page, label: str) -> str:
    tile = page.locator("[data-testid='stMetric']", has_text=label).first
    return tile.locator("[data-testid='stMetricValue']").inner_text()


def test_region_filter_updates_numbers_and_a_shared_url_restores_the_view(browser_page,
                                                                          demo_warehouse_url):
    page = browser_page
    with streamlit_server(APP, {"HAMKORI_WAREHOUSE_URL": demo_warehouse_url}) as base_url:
        page.goto(f"{base_url}/?audience=unhcr")
        wait_for_app(page, "home-demo-national")
        national = metric_value(page, "Refugees")
        assert national.replace(",", "").isdigit() and int(national.replace(",", "")) > 8000

        page.locator("[data-testid='stSelectbox']", has_text="Region").locator("input").click()
        page.get_by_role("option", name="Sughd").click()
        page.wait_for_function("() => window.location.search.includes('region=')")
        wait_for_app(page, "home-demo-sughd")
        sughd = metric_value(page, "Refugees")
        assert sughd != national
        shared_url = page.url

        other = page.context.new_page()
        other.goto(shared_url)
        wait_for_app(other, "home-demo-shared-url")
        assert metric_value(other, "Refugees") == sughd
        region_box = other.locator("[data-testid='stSelectbox']", has_text="Region")
        assert "Sughd" in (region_box.inner_text() + region_box.locator("input").input_value())
        errors = list(page.console_errors)
    assert errors == []
