"""The donor briefing in a real Chromium: *Start briefing* turns the app into full-screen slides
(no sidebar, no menu), Next steps through every slide without an error, every slide shows the
period, the data as-of date and the UNHCR · UNICEF co-branding, the slide number is in the URL
(a refresh or a shared link opens the same slide) and *Exit briefing* goes back to the
dashboard. A screenshot of every slide is written to test-artifacts/briefing-<n>-<key>.png."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import demo_warehouse
import pytest
from browser import REPO_ROOT, demo_server, is_external, screenshot, wait_for_app

from briefing.content import WarehouseSource, build_deck
from data_access.engine import make_engine

pytestmark = [pytest.mark.browser, pytest.mark.slow]

APP = REPO_ROOT / "app.py"
#: Opened at a deep link (`/briefing`), Streamlit's frontend first probes its server under that
#: path and logs the 404s (see tests/test_browser_pages.py); nothing else is forgiven.
BASE_PATH_PROBE = re.compile(r"404 \(Not Found\) \(http://127\.0\.0\.1:\d+/[a-z-]+/_stcore/"
                             r"(health|host-config)\)$")


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> str:
    return demo_warehouse.build(tmp_path_factory.mktemp("briefing") / "demo.sqlite")


@pytest.fixture(scope="module")
def server(warehouse, chromium):
    with demo_server(APP, warehouse, chromium) as base_url:
        yield base_url


@pytest.fixture(scope="module")
def deck(warehouse):
    engine = make_engine(warehouse)
    try:
        return build_deck(WarehouseSource(engine), audience="donor", year=2025,
                          today=date.today())
    finally:
        engine.dispose()


def watched(page):
    """A page opened by the app (a new tab), collecting errors as `browser_page` does."""
    page.set_default_timeout(30_000)
    page.console_errors, page.external_requests = [], []
    page.on("console", lambda msg: page.console_errors.append(
        f"console.error: {msg.text} ({msg.location.get('url', '')})")
        if msg.type == "error" else None)
    page.on("pageerror", lambda exc: page.console_errors.append(f"pageerror: {exc}"))
    page.on("request", lambda req: page.external_requests.append(req.url)
            if is_external(req.url) else None)
    return page


def real_errors(errors: list[str]) -> list[str]:
    return [e for e in errors if not BASE_PATH_PROBE.search(e)]


def settle(page) -> None:
    page.wait_for_timeout(300)
    wait_for_app(page, take_screenshot=False)


def query(page) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(urlsplit(page.url).query).items()}


def assert_clean(page) -> None:
    assert page.locator("[data-testid='stException']").count() == 0, \
        page.locator("[data-testid='stException']").all_inner_texts()
    assert page.locator("[data-testid='stAlertContentError']").count() == 0, \
        page.locator("[data-testid='stAlertContentError']").all_inner_texts()


def test_a_briefing_runs_full_screen_slide_by_slide(browser_page, server, deck):
    page = browser_page
    page.goto(f"{server}/briefing?year=2025&audience=donor")
    wait_for_app(page, "briefing-panel")
    assert_clean(page)
    body = page.inner_text("body")
    assert "Start briefing" in body and "What changed since 2024" in body
    assert "present=1" in page.locator("[data-testid='stCode']").inner_text()

    with page.context.expect_page() as opened:  # the slides open in a tab of their own
        page.get_by_role("link", name="Start briefing").click()
    panel, page = page, watched(opened.value)
    wait_for_app(page, take_screenshot=False)
    # (slide 1, the default, leaves the URL once the slide number is drawn)
    assert {k: v for k, v in query(page).items() if k != "slide"} == {
        "present": "1", "year": "2025", "audience": "donor", "lang": "en"}
    count = len(deck.slides)
    for number, slide in enumerate(deck.slides, start=1):
        assert_clean(page)
        assert page.locator("[data-testid='stSidebar']").count() == 0, "the sidebar is drawn"
        assert page.locator("[data-testid='stSidebarNav']").count() == 0
        text = page.inner_text("[data-testid='stMain']")
        assert slide.title in text, (number, slide.title)
        for shown in (deck.branding, deck.period, f"Data as of {deck.as_of}"):
            assert shown in text, (number, shown)
        if slide.headline:
            assert slide.headline in text, (number, slide.headline)
        if slide.figure is not None:
            assert page.locator(".js-plotly-plot .main-svg").count() > 0, number
        assert page.locator("[data-testid='stNumberInput'] input").input_value() == str(number)
        screenshot(page, f"briefing-{number:02d}-{slide.key}")
        if number < count:
            page.get_by_role("button", name="Next").click()
            settle(page)
            assert query(page).get("slide") == str(number + 1), page.url
            assert query(page).get("year") == "2025", page.url
    assert real_errors(page.console_errors) == []
    assert page.external_requests == panel.external_requests == [], "it must work offline"

    # a refresh keeps the slide; the keyboard steps back; Exit goes back to the dashboard
    page.reload()
    wait_for_app(page, take_screenshot=False)
    assert deck.slides[-1].title in page.inner_text("[data-testid='stMain']")
    page.keyboard.press("ArrowLeft")
    settle(page)
    assert query(page).get("slide") == str(count - 1)
    page.get_by_role("button", name="Exit briefing").click()
    settle(page)
    assert "present" not in query(page)
    assert page.locator("[data-testid='stSidebar']").count() == 1
    assert "Start briefing" in page.inner_text("body")
    assert real_errors(page.console_errors) == real_errors(panel.console_errors) == []


def test_a_shared_link_opens_the_slide_it_names(browser_page, server, deck):
    page = browser_page
    page.goto(f"{server}/briefing?present=1&year=2025&audience=donor&slide=3&lang=en")
    wait_for_app(page, take_screenshot=False)
    assert_clean(page)
    assert page.locator("[data-testid='stSidebar']").count() == 0
    assert deck.slides[2].title in page.inner_text("[data-testid='stMain']")
    page.get_by_role("button", name="Next").click()
    settle(page)
    assert query(page) == {"present": "1", "year": "2025", "audience": "donor", "slide": "4",
                           "lang": "en"}
    assert real_errors(page.console_errors) == []


def test_the_deck_downloads_as_pdf_and_the_download_is_audited(browser_page, server, warehouse):
    from data_access import audit

    page = browser_page
    page.goto(f"{server}/briefing?year=2025&audience=donor")
    wait_for_app(page, take_screenshot=False)
    with page.expect_download(timeout=120_000) as download:
        page.get_by_role("button", name="Download the deck (PDF)").click()
    assert download.value.suggested_filename == "hamkori-briefing-2025-donor-en.pdf"
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
    engine = make_engine(warehouse)
    try:
        exports = audit.events(engine, actions=["export"])
    finally:
        engine.dispose()
    row = exports.filter(exports["target"] == "briefing deck (PDF)").row(0, named=True)
    assert (row["audience"], row["mode"], row["detail"]) == ("donor", "demo", "as donor, 2025, en")
    assert real_errors(page.console_errors) == []
