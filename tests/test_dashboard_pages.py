"""The dashboard pages in AppTest, on the demo warehouse with the real official statistics:
every page x every audience x a few filters runs without an exception, and every number on it
equals `hamkori report` for the same filters (same period, region, audience, country).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import demo_warehouse
import pytest
from click.testing import CliRunner
from streamlit.testing.v1 import AppTest

from data_access import auth, cli
from metrics import changes
from metrics.catalogue import CATALOGUE

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"
SHARED = demo_warehouse.SHARED
AUDIENCES = ["unhcr", "unicef", "donor", "admin"]
#: url_path -> page file
PAGES = {
    "overview": "pages/home.py", "caseload": "pages/dashboard_caseload.py",
    "asylum": "pages/dashboard_asylum.py", "solutions": "pages/dashboard_solutions.py",
    "education": "pages/dashboard_education.py",
    "statelessness": "pages/dashboard_statelessness.py",
    "official": "pages/dashboard_official.py",
}
BY_NAME = {indicator.name: indicator.code for indicator in CATALOGUE.indicators.values()}
OFFICIAL = demo_warehouse.OFFICIAL
GBAO = "Gorno-Badakhshan (GBAO)"
REGION_NAMES = {"TJ-GB": GBAO, "TJ-DU": "Dushanbe"}


def open_page(url_path: str, audience: str, **query) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params["audience"] = audience
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(PAGES[url_path]).run()
    return at


def report(url: str, audience: str, period: str, codes: list[str], *, region: str | None = None,
           country: str | None = None, by: str | None = None) -> list[dict]:
    args = ["report", "--period", period, "--audience", audience, "--format", "json",
            "--no-compare", "--indicator", ",".join(codes)]
    if region:
        args += ["--region", region]
    if country:
        args += ["--country", country]
    if by:
        args += ["--by", by]
    result = CliRunner().invoke(cli.main, args, env={"HAMKORI_WAREHOUSE_URL": url})
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def page_period(url_path: str, year: int) -> str:
    return f"{year}/{(year + 1) % 100:02d}" if url_path == "education" else str(year)


def tiles(at: AppTest) -> dict[str, str]:
    return {BY_NAME[m.label]: m.value for m in at.metric}


FILTERS = [
    pytest.param(2025, None, AUDIENCES, id="2025-national"),
    pytest.param(2024, "TJ-GB", ["unhcr", "donor"], id="2024-GBAO"),
    pytest.param(2023, "TJ-DU", ["unicef", "admin"], id="2023-Dushanbe"),
]


@pytest.mark.parametrize("url_path", list(PAGES))
@pytest.mark.parametrize("year, region, audiences", FILTERS)
def test_every_page_shows_the_report_numbers_for_every_audience(served, url_path, year, region,
                                                                audiences):
    for audience in audiences:
        if not auth.may_open(audience, url_path):
            continue  # refused before it runs (tests/test_auth*.py open it by URL)
        query = {"year": str(year)}
        if region:
            query["region"] = REGION_NAMES[region]
        at = open_page(url_path, audience, **query)
        assert not at.exception, (url_path, audience, [e.value for e in at.exception])
        assert not at.error, (url_path, audience, [e.value for e in at.error])
        shown = tiles(at)
        assert shown, f"{url_path} shows no figure to {audience}"
        official = url_path == "official"
        rows = report(served, audience, page_period(url_path, year), sorted(shown),
                      region=None if official else region, country="TJK" if official else None)
        expected = {row["indicator"]: "—" if row["status"] == "no_data" else row["display"]
                    for row in rows}
        assert shown == expected, (url_path, audience)


def test_a_region_s_table_equals_the_report_by_region(served):
    at = open_page("caseload", "donor", year="2025")
    tables = [t.value for t in at.dataframe]
    by_region = next(t for t in tables if "Region" in t.columns and len(t.columns) == 5)
    rows = report(served, "donor", "2025", ["POP.POC"], by="region")
    names = {row["region"]: row["display"] for row in rows}
    shown = dict(zip(by_region["Region"], by_region["Value"], strict=True))
    assert shown["Dushanbe"] == names["TJ-DU"]
    assert shown["Total"] == names["Total"]
    assert shown[GBAO] == names["TJ-GB"]


def test_donors_get_no_district_figures(served):
    for url_path in ("caseload", "statelessness"):
        at = open_page(url_path, "donor", year="2025")
        assert not any("District" in t.value.columns for t in at.dataframe)
        assert "regions only" in " ".join(c.value for c in at.caption)
    at = open_page("caseload", "unhcr", year="2025")
    assert any("District" in t.value.columns for t in at.dataframe)


def test_official_page_shows_the_published_figures(served):
    if not (SHARED / "unhcr" / "tjk" / OFFICIAL["unhcr-population"]).exists():
        pytest.skip("../shared/reference/unhcr is not beside the repository")
    at = open_page("official", "donor", year="2024")
    assert tiles(at)["OFF.REF"] == "12,157"  # Refugee Data Finder, Tajikistan, end 2024
    captions = " ".join(c.value for c in at.caption)
    assert "Not in the imported extract: Kazakhstan, Kyrgyzstan, Turkmenistan, Uzbekistan" \
        in captions
    at.selectbox(key="country").set_value("KAZ").run()
    assert not at.exception
    assert "No official statistics for Kazakhstan" in " ".join(i.value for i in at.info)


def test_a_year_before_the_data_reads_as_a_sentence(served):
    for url_path in ("caseload", "asylum", "education", "statelessness"):
        at = open_page(url_path, "unhcr", year="2019")
        assert not at.exception
        if not at.metric:
            assert any("No " in i.value and "2019" in i.value for i in at.info), url_path


def test_the_overview_tells_what_changed_most(served):
    at = open_page("overview", "unhcr", year="2025")
    changes = [m.value for m in at.markdown if m.value.startswith("- ")]
    assert changes, "no 'what changed most' list"
    sentences = changes[0].splitlines()
    assert len(sentences) == 3
    assert all((" rose from " in s or " fell from " in s) and s.endswith(".") for s in sentences)
    assert "What changed most since 2024" in [h.value for h in at.subheader]


@pytest.mark.parametrize(("audience", "threshold"), [("donor", 5), ("unicef", 5), ("unhcr", None)])
def test_the_overview_compares_with_the_audience_s_threshold(served, monkeypatch, audience,
                                                             threshold):
    """The overview's changes are metrics.changes' with the audience's disclosure threshold
    (a difference of 1-4 people is a small count: not told to donors or UNICEF)."""
    asked = []
    real = changes.changes
    monkeypatch.setattr(changes, "changes", lambda *a, **k: asked.append(k["threshold"])
                        or real(*a, **k))
    at = open_page("overview", audience, year="2025")
    assert not at.exception and asked and set(asked) == {threshold}


def test_the_overview_tells_a_donor_no_small_difference(served):
    """The briefing's rule (metrics.changes): no change of 1-4 people is told to a donor, nor
    a withheld value ("<5")."""
    at = open_page("overview", "donor", year="2025")
    sentences = [s for m in at.markdown if m.value.startswith("- ") for s in m.value.splitlines()]
    assert sentences
    for sentence in sentences:
        assert "<5" not in sentence
        numbers = re.findall(r"from ([\d,.]+)( %)? to ([\d,.]+)", sentence)
        before, percent, after = numbers[0]
        if not percent:
            assert not 1 <= abs(float(after.replace(",", "")) - float(before.replace(",", ""))) < 5
