"""Every dashboard page in a real Chromium: it loads offline without a console error, a filter
change updates its figures and the URL, and the URL restores the view. A screenshot of every
page is written to test-artifacts/ (pages-<page>-<audience>.png)."""

from __future__ import annotations

import re
from pathlib import Path

import demo_warehouse
import pytest
from browser import REPO_ROOT, demo_server, wait_for_app

pytestmark = [pytest.mark.browser, pytest.mark.slow]

APP = REPO_ROOT / "app.py"
PAGES = ["overview", "caseload", "asylum", "solutions", "education", "statelessness", "official"]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> str:
    return demo_warehouse.build(tmp_path_factory.mktemp("browser") / "demo.sqlite")


@pytest.fixture(scope="module")
def server(warehouse, chromium):
    with demo_server(APP, warehouse, chromium) as base_url:
        yield base_url


#: Opened at a deep link (`/caseload`), Streamlit's frontend first looks for its server under
#: that path (`/caseload/_stcore/health`, `…/host-config`), gets a 404, and then finds it at the
#: root: the browser logs those two probes as errors. Nothing else is forgiven.
BASE_PATH_PROBE = re.compile(r"404 \(Not Found\) \(http://127\.0\.0\.1:\d+/[a-z-]+/_stcore/"
                             r"(health|host-config)\)$")


def real_errors(errors: list[str]) -> list[str]:
    return [e for e in errors if not BASE_PATH_PROBE.search(e)]


def metric_value(page, label: str) -> str:
    tile = page.locator("[data-testid='stMetric']").filter(has_text=label).first
    return tile.locator("[data-testid='stMetricValue']").inner_text().strip()


def settle(page) -> None:
    """Wait for the rerun a widget change starts, then for the app to be idle again."""
    page.wait_for_timeout(300)
    wait_for_app(page, take_screenshot=False)


@pytest.mark.parametrize("audience", ["unhcr", "donor"])
def test_every_page_loads_offline_with_its_charts(browser_page, server, audience):
    page = browser_page
    for url_path in PAGES:
        path = "" if url_path == "overview" else url_path  # the default page lives at the root
        page.goto(f"{server}/{path}?year=2025&audience={audience}")
        wait_for_app(page, f"pages-{url_path}-{audience}")
        exceptions = page.locator("[data-testid='stException']").all_inner_texts()
        assert not exceptions, (url_path, exceptions)
        assert page.locator("[data-testid='stMetric']").count() > 0, url_path
        if url_path != "overview":  # the overview's trends are the tiles' sparklines
            assert page.locator(".js-plotly-plot .main-svg").count() > 0, f"{url_path}: no chart"
    assert page.external_requests == [], "the pages must work offline"
    assert real_errors(page.console_errors) == []


def test_a_filter_change_updates_the_figures_and_the_url_restores_them(browser_page, server):
    page = browser_page
    page.goto(f"{server}/caseload?year=2025&audience=unhcr")
    wait_for_app(page, take_screenshot=False)
    before = metric_value(page, "Refugees")
    bars_before = page.locator(".js-plotly-plot").first.inner_text()

    page.locator("[data-testid='stSelectbox']").filter(has_text="Reporting year").click()
    page.get_by_role("option", name="2022", exact=True).click()
    settle(page)
    after = metric_value(page, "Refugees")
    assert after != before
    assert re.search(r"[?&]year=2022\b", page.url), page.url
    assert page.locator(".js-plotly-plot").first.inner_text() != bars_before
    shared_url = page.url

    other = page.context.new_page()
    other.goto(shared_url)
    wait_for_app(other, "pages-shared-url")
    assert metric_value(other, "Refugees") == after
    assert "Persons of concern at the end of 2022" in other.inner_text("body")
    other.close()
    assert real_errors(page.console_errors) == []


def test_a_download_is_the_table_on_screen_and_is_in_the_audit_log(browser_page, server,
                                                                   warehouse):
    from data_access import audit
    from data_access.engine import make_engine

    page = browser_page
    page.goto(f"{server}/caseload?year=2025&audience=donor")
    wait_for_app(page, take_screenshot=False)
    page.get_by_text("Figures: Persons of concern by region").click()
    settle(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="CSV", exact=True).first.click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    header, *lines = text.splitlines()
    assert header.startswith("indicator,name,region,region_name,value,display")
    assert any(",TJ-DU,Dushanbe," in line for line in lines)
    assert download.value.suggested_filename == \
        "hamkori-persons-of-concern-by-region-2025-all-regions.csv"
    engine = make_engine(warehouse)
    try:
        exports = audit.events(engine, actions=["export"])
    finally:
        engine.dispose()
    assert exports.height >= 1
    row = exports.row(0, named=True)
    assert (row["audience"], row["mode"]) == ("donor", "demo")
    assert row["target"] == "hamkori-persons-of-concern-by-region-2025-all-regions (CSV)"
