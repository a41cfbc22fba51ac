"""A change of language keeps the view: the region, the official page's country and the demo
audience stay chosen, and the URL keeps their codes (`?region=TJ-SU&country=KAZ&lang=tg`), not
the names shown, which another language does not know. In AppTest, and once in a real Chromium:
the sidebar's language picker on a page opened with a region in its URL.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from browser import REPO_ROOT, demo_server, wait_for_app
from streamlit.testing.v1 import AppTest

import locales
from data_access import reference as ref

APP = REPO_ROOT / "app.py"
CASELOAD = "pages/dashboard_caseload.py"
OFFICIAL = "pages/dashboard_official.py"


def open_page(page: str, language: str, **query: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=90)
    at.query_params["audience"] = "unhcr"
    at.query_params["lang"] = language
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def shown(at: AppTest, key: str) -> str:
    """The name a selectbox shows for its choice."""
    box = at.selectbox(key=key)
    return box.options[box.index]


def region_in(language: str, code: str) -> str:
    with locales.using(language):
        return ref.region_name(code)


def country_in(language: str, code: str) -> str:
    with locales.using(language):
        return ref.country_name(code)


@pytest.mark.slow
def test_the_region_and_the_country_survive_a_change_of_language(served):
    at = open_page(CASELOAD, "ru")
    at.selectbox(key="region").set_value("TJ-SU").run()
    assert at.query_params["region"] == "TJ-SU"
    assert shown(at, "region") == "Согд"
    at.switch_page(OFFICIAL).run()
    at.selectbox(key="country").set_value("KAZ").run()
    assert at.query_params["country"] == "KAZ"
    assert shown(at, "country") == "Казахстан"
    for language in ("tg", "en"):
        at.selectbox(key="lang").set_value(language).run()
        assert not at.exception, [e.value for e in at.exception]
        assert at.query_params["lang"] == language
        assert (at.selectbox(key="region").value, at.query_params["region"]) == ("TJ-SU", "TJ-SU")
        assert (at.selectbox(key="country").value, at.query_params["country"]) == ("KAZ", "KAZ")
        assert shown(at, "region") == region_in(language, "TJ-SU")
        assert shown(at, "country") == country_in(language, "KAZ")
    assert shown(at, "region") == "Sughd" and shown(at, "country") == "Kazakhstan"
    at.switch_page(CASELOAD).run()  # the page follows the region it was given
    assert "Sughd" in at.caption[0].value


@pytest.mark.slow
def test_a_link_with_codes_opens_the_same_view_in_any_language(served):
    for language in locales.LANGUAGES:
        at = open_page(OFFICIAL, language, region="TJ-GB", country="UZB")
        assert at.selectbox(key="region").value == "TJ-GB"
        assert at.selectbox(key="country").value == "UZB"
        assert shown(at, "country") == country_in(language, "UZB")
        assert at.query_params["region"] == "TJ-GB" and at.query_params["country"] == "UZB"


@pytest.mark.slow
@pytest.mark.parametrize(("given", "expected"), [
    ("Sughd", "TJ-SU"),  # the shown name the URL kept before, in any language
    ("Душанбе", "TJ-DU"),
    ("Атлантида", None),  # unknown: all regions, and no parameter left in the URL
])
def test_old_links_with_a_region_s_name_still_open_it(served, given, expected):
    at = open_page(CASELOAD, "tg", region=given)
    assert at.selectbox(key="region").value == (expected or "all")
    assert at.query_params.get("region") == expected


@pytest.mark.slow
def test_the_demo_audience_switch_shows_names_and_keeps_the_code(served):
    at = open_page(CASELOAD, "ru")
    box = at.selectbox(key="audience")
    assert box.value == "unhcr" and at.query_params["audience"] == "unhcr"
    with locales.using("ru"):
        assert shown(at, "audience") == locales.gettext("UNHCR representative and staff")
    assert shown(at, "audience") != "UNHCR representative and staff"
    at.selectbox(key="audience").set_value("donor").run()  # the default: not in the URL
    assert "audience" not in at.query_params
    at.selectbox(key="audience").set_value("unicef").run()
    at.selectbox(key="lang").set_value("tg").run()
    assert at.selectbox(key="audience").value == "unicef"
    assert at.query_params["audience"] == "unicef"


@pytest.mark.slow
def test_presentation_mode_still_takes_the_audience_from_the_url(served):
    at = open_page(CASELOAD, "ru", year="2025")
    at.selectbox(key="region").set_value("TJ-KT").run()
    at.query_params["present"] = "1"
    at.switch_page("pages/donor_briefing.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.sidebar.children) == 0  # nothing around the slides
    assert at.title[0].value != "Брифинг для доноров"  # a slide, not the panel
    assert {k: at.query_params[k] for k in ("audience", "lang", "present", "region")} == {
        "audience": "unhcr", "lang": "ru", "present": "1", "region": "TJ-KT"}
    at.button(key="briefing-exit").click().run()  # back to the panel: the view as it was
    assert at.selectbox(key="audience").value == "unhcr"
    assert at.selectbox(key="region").value == "TJ-KT"


# ------------------------------------------------------------------------- a real browser
@pytest.fixture(scope="module")
def server(demo_url, chromium):
    with demo_server(APP, demo_url, chromium) as base_url:
        yield base_url


def query(page) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(urlsplit(page.url).query).items()}


def choice(page, key: str) -> str:
    """What the keyed selectbox shows (Streamlit marks a keyed widget with `st-key-<key>`)."""
    box = page.locator(f".st-key-{key} [data-testid='stSelectbox']")
    return box.inner_text() + box.locator("input").input_value()


@pytest.mark.slow
@pytest.mark.browser
def test_the_sidebar_s_language_picker_keeps_the_region_in_a_browser(server, browser_page):
    page = browser_page
    page.goto(f"{server}/caseload?region=TJ-SU&lang=ru")
    wait_for_app(page, "language-switch-ru")
    assert "Согд" in choice(page, "region")
    for language, name in (("tg", "Тоҷикӣ"), ("en", "English")):
        page.locator(".st-key-lang [data-testid='stSelectbox'] input").click()
        page.get_by_role("option", name=name).click()
        page.wait_for_function(f"() => window.location.search.includes('lang={language}')")
        wait_for_app(page, f"language-switch-{language}")
        assert region_in(language, "TJ-SU") in choice(page, "region"), language
        assert query(page)["region"] == "TJ-SU"
        intro = page.locator("[data-testid='stMain'] [data-testid='stCaptionContainer']").first
        assert region_in(language, "TJ-SU") in intro.inner_text()  # the page shows that region
    # the next interaction sends the browser's widget values: the region's is still a name
    # the language knows, so the region stays chosen
    page.locator(".st-key-year [data-testid='stSelectbox'] input").click()
    page.get_by_role("option", name="2024").click()
    page.wait_for_function("() => window.location.search.includes('year=2024')")
    wait_for_app(page, "language-switch-year")
    assert "Sughd" in choice(page, "region") and query(page)["region"] == "TJ-SU"
    errors = list(page.console_errors)
    assert [e for e in errors if "/_stcore/" not in e] == []
