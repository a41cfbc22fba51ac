"""The briefing deck (briefing/content.py) on the demo warehouse: its slides for each audience,
headline figures equal to `hamkori report`, the disclosure control (no count of 1–4 anywhere in
a donor deck, no internal narrative), the same deck from the app's cache as from a connection,
a deck in another language than the caller's; and the briefing page (panel and presentation
mode) in AppTest for every audience."""

from __future__ import annotations

import json
import re
from datetime import date

import demo_warehouse
import plotly.io as pio
import polars as pl
import pytest
from click.testing import CliRunner
from streamlit.testing.v1 import AppTest

import locales
from briefing.content import WarehouseSource, build_deck
from briefing.model import Deck
from data_access import cli, plan
from data_access import reference as ref
from data_access.engine import make_engine

pytestmark = pytest.mark.slow

APP = demo_warehouse.ROOT / "app.py"
TODAY = date(2026, 6, 30)  # the joint plan of 2025 is read on 31 December 2025 either way
COMMON = ["title", "people", "where", "children"]
PLAN = ["plan", "funding", "what-changed"]
#: slide -> (indicator of its headline, period asked of `hamkori report`)
HEADLINES = {
    "people": ("POP.POC", "2025"), "children": ("POP.CHILDREN_PCT", "2025"),
    "asylum": ("ASY.APPLIED", "2025"), "solutions": ("SOL.RETURNS", "2025"),
    "education": ("EDU.NER", "2025/26"), "statelessness": ("STA.IDENTIFIED", "2025"),
    "plan": ("LOU.ON_TRACK_PCT", "2025"), "funding": ("FUND.RECEIVED_PCT", "2025"),
}
#: Slides whose chart draws counts of people.
COUNTED = ("people", "where", "children", "asylum", "solutions", "statelessness")
#: A count of 1 to 4 standing alone ("3", not "2025", "35.1", "1,340" or "JPA-EDU-03").
SMALL = re.compile(r"(?<![\w.,/-])[1-4](?![\w.,/])")


@pytest.fixture(scope="module")
def url(tmp_path_factory) -> str:
    return demo_warehouse.build(tmp_path_factory.mktemp("deck") / "demo.sqlite")


@pytest.fixture(scope="module")
def demo_engine(url):
    eng = make_engine(url)
    yield eng
    eng.dispose()


@pytest.fixture(scope="module")
def decks(demo_engine) -> dict[str, Deck]:
    return {audience: build_deck(WarehouseSource(demo_engine), audience=audience, year=2025,
                                 today=TODAY)
            for audience in ("donor", "unhcr", "unicef")}


def report(url: str, audience: str, period: str, codes: list[str], by: str | None = None
           ) -> list[dict]:
    args = ["report", "--period", period, "--audience", audience, "--format", "json",
            "--no-compare", "--indicator", ",".join(codes)] + (["--by", by] if by else [])
    result = CliRunner().invoke(cli.main, args, env={"HAMKORI_WAREHOUSE_URL": url})
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def texts(deck: Deck) -> list[str]:
    """Every text of the deck: its own fields and each slide's."""
    found = [deck.title, deck.period, deck.as_of, deck.branding]
    for slide in deck.slides:
        found += [t for t in (slide.title, slide.headline, slide.headline_label, slide.sentence,
                              slide.note) if t]
        found += [*slide.bullets, *slide.sources]
    return found


def trace_values(figure, *, keys=("x", "y", "z", "text", "customdata", "hovertext",
                                  "hovertemplate")) -> list:
    """The data of a figure's traces (what it draws, labels and hover text)."""
    found = []
    for trace in json.loads(pio.to_json(figure))["data"]:
        for key in keys:
            value = trace.get(key)
            if isinstance(value, list):
                found += [v for item in value for v in (item if isinstance(item, list)
                                                        else [item])]
            elif value is not None:
                found.append(value)
    return found


def as_count(value) -> float | None:
    """A drawn number, or a label that is a whole count ("1,234"); None for anything else."""
    if isinstance(value, int | float):
        return value
    text = str(value).replace(",", "")
    return float(text) if text.isdigit() else None


def keys(deck: Deck) -> list[str]:
    return [slide.key for slide in deck.slides]


def slide(deck: Deck, key: str):
    return next(s for s in deck.slides if s.key == key)


def test_the_slides_of_each_audience(decks):
    areas = [f"plan-area-{code}" for code in ref.JOINT_PLAN_AREAS]
    middle = ["asylum", "solutions", "education", "statelessness"]
    for audience in ("donor", "unhcr"):
        assert keys(decks[audience]) == [*COMMON, *middle, *PLAN, *areas], audience
    # UNICEF sees neither asylum nor durable solutions (the catalogue's audiences)
    assert keys(decks["unicef"]) == [*COMMON, "education", "statelessness", *PLAN, *areas]
    donor = decks["donor"]
    assert donor.title == "Donor briefing — Tajikistan, 2025"
    assert decks["unhcr"].title == "UNHCR–UNICEF briefing — Tajikistan, 2025"
    assert (donor.period, donor.as_of, donor.branding, donor.language) == (
        "2025", "December 31, 2025", "UNHCR · UNICEF — Tajikistan", "en")
    assert [s.title for s in donor.slides][1:11] == [
        "People we serve", "Where they live", "Children", "Asylum", "Durable solutions",
        "Education", "Statelessness", "Joint Plan of Action", "Funding",
        "What changed since 2024"]
    assert slide(donor, "plan-area-education").title == "Joint-plan report: Education"
    for s in donor.slides[1:]:
        assert s.sources, s.key
    assert all(s.figure is not None for s in donor.slides[1:10])


def test_every_headline_is_the_report_s_figure(decks, url):
    for audience, deck in decks.items():
        for key, (code, period) in HEADLINES.items():
            if key not in keys(deck):
                continue
            (row,) = report(url, audience, period, [code])
            assert slide(deck, key).headline == row["display"], (audience, key)
        by_region = [r for r in report(url, audience, "2025", ["POP.POC"], by="region")
                     if r["region"] != "Total" and r["status"] == "ok"]
        largest = max(by_region, key=lambda r: r["value"])
        where = slide(deck, "where")
        assert where.headline == largest["display"]
        assert where.headline_label == f"in {ref.REGIONS[largest['region']]}"


def test_what_changed_compares_with_the_year_before(decks, url, demo_engine):
    bullets = slide(decks["donor"], "what-changed").bullets
    assert bullets, "the demo's 2025 differs from 2024"
    (now,), (before,) = (report(url, "donor", p, ["SOL.RETURNS"]) for p in ("2025", "2024"))
    verb = "rose" if now["value"] > before["value"] else "fell"
    assert f"Voluntary repatriation {verb} from {before['display']} to {now['display']}." \
        in bullets
    earlier = build_deck(WarehouseSource(demo_engine), audience="donor", year=2025,
                         previous_year=2022, today=TODAY)
    assert slide(earlier, "what-changed").title == "What changed since 2022"


def shared_narratives(engine) -> set[str]:
    with engine.connect() as connection:
        rows = plan.updates(connection, "donor")
    return {n.strip() for n in rows.get_column("narrative").drop_nulls().to_list()}


def test_no_count_of_one_to_four_anywhere_in_a_donor_deck(decks, demo_engine):
    deck = decks["donor"]
    # the agencies' own words, signed off as shared (longest first: one may end another)
    narratives = sorted(shared_narratives(demo_engine), key=len, reverse=True)
    for text in texts(deck):
        for narrative in narratives:
            text = text.replace(narrative, "")
        assert not SMALL.search(text), text
    for s in deck.slides:
        if s.figure is None or s.key == "plan":  # the plan's chart counts activities
            continue
        for value in trace_values(s.figure):
            count = as_count(value)
            assert count is None or not 1 <= abs(count) < 5, (s.key, value)
            assert not SMALL.search(str(value)), (s.key, value)
        drawn = json.dumps([trace_values(s.figure)], default=str)
        for district in set(ref.DISTRICTS) - set(ref.REGIONS.values()) - {"Dushanbe"}:
            assert f'"{district}"' not in drawn, (s.key, district)


def test_an_empty_warehouse_gives_a_deck_that_says_so(engine):
    deck = build_deck(WarehouseSource(engine), audience="donor", year=2025, today=TODAY)
    assert keys(deck) == [*COMMON, "asylum", "solutions", "education", "statelessness", "plan",
                          "what-changed"]  # no funding, no joint-plan report
    assert deck.as_of == "—"
    people = slide(deck, "people")
    assert (people.headline, people.figure) == ("—", None)
    assert people.sentence == ("No figures for 2025 yet: Population of concern (UNHCR "
                               "registration).")
    assert slide(deck, "where").figure is None
    assert slide(deck, "plan").sentence == "No joint-plan activities yet."


def test_a_withheld_count_stays_withheld(demo_engine):
    """With a threshold high enough to withhold some cells, the deck shows them as <N and its
    charts leave them out (named under the chart)."""
    deck = build_deck(WarehouseSource(demo_engine, thresholds={"donor": 500}), audience="donor",
                      year=2025, today=TODAY)
    everything = " ".join(texts(deck))
    assert "<500" in everything or "withheld" in everything.lower()
    for s in deck.slides:
        if s.figure is None or s.key not in COUNTED:
            continue
        drawn = ("text", "customdata", "hovertext") if s.key == "where" else (
            "x", "y", "text", "customdata", "hovertext")  # the map's x and y are coordinates
        for value in trace_values(s.figure, keys=drawn):
            count = as_count(value)
            assert count is None or not 1 <= abs(count) < 500, (s.key, value)


def test_internal_narratives_only_for_the_agencies(decks, demo_engine):
    with demo_engine.connect() as connection:
        everything = plan.updates(connection, "admin")
    internal = {n.strip() for n in everything.filter(pl.col("internal") == "yes")
                .get_column("narrative").drop_nulls().to_list()}
    assert internal
    donor_text = " ".join(texts(decks["donor"]))
    assert not any(n in donor_text for n in internal)
    assert "(internal)" not in donor_text
    unhcr_report = [b for s in decks["unhcr"].slides if s.key.startswith("plan-area-")
                    for b in s.bullets]
    assert any("(internal)" in b for b in unhcr_report)
    shared = shared_narratives(demo_engine)
    donor_report = [b for s in decks["donor"].slides if s.key.startswith("plan-area-")
                    for b in s.bullets]
    assert any(n in b for b in donor_report for n in shared)


def test_the_app_s_cached_source_gives_the_same_deck(decks, url, monkeypatch):
    import streamlit as st

    from data_access import cache

    monkeypatch.setenv("HAMKORI_WAREHOUSE_URL", url)
    st.cache_data.clear()
    st.cache_resource.clear()
    try:
        cached = build_deck(cache.BriefingSource(), audience="donor", year=2025, today=TODAY)
    finally:
        st.cache_data.clear()
        st.cache_resource.clear()
    assert texts(cached) == texts(decks["donor"])
    assert [pio.to_json(s.figure) if s.figure else None for s in cached.slides] == [
        pio.to_json(s.figure) if s.figure else None for s in decks["donor"].slides]


def test_a_russian_deck_from_an_english_session(demo_engine, decks):
    with locales.using("en"):
        deck = build_deck(WarehouseSource(demo_engine), audience="donor", year=2025, language="ru",
                          today=TODAY)
        assert locales.language() == "en"
    assert deck.language == "ru"
    english = decks["donor"]
    assert keys(deck) == keys(english)
    assert slide(deck, "people").headline == "16\u00a0059" != slide(english, "people").headline
    assert deck.title == "Брифинг для доноров — Таджикистан, 2025"
    assert slide(deck, "people").title == "Люди, которым мы помогаем"
    assert deck.as_of == "31 декабря 2025\u202fг."
    assert deck.branding == "УВКБ ООН · ЮНИСЕФ — Таджикистан"
    # the funding chart names the agencies, not their codes
    [figure] = [s.figure for s in deck.slides if s.key == "funding"]
    assert set(figure.data[0].y) <= {"УВКБ ООН", "ЮНИСЕФ", "Совместно"} and figure.data[0].y


# ------------------------------------------------------------------------------ the page
def open_briefing(url: str, audience: str, monkeypatch, **query) -> AppTest:
    """The briefing page in AppTest (demo mode), after a first run of the router."""
    monkeypatch.setenv("HAMKORI_WAREHOUSE_URL", url)
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.query_params.update({"audience": audience, "year": "2025"})
    at.run()
    at.query_params.update(query)
    return at.switch_page("pages/donor_briefing.py").run()


@pytest.mark.parametrize("audience", ["donor", "unicef", "unhcr", "admin"])
def test_the_briefing_page_for_every_audience(url, audience, monkeypatch, fresh_caches):
    at = open_briefing(url, audience, monkeypatch)
    assert not at.exception, [e.value for e in at.exception]
    assert [t.value for t in at.title] == ["Donor briefing"]
    assert "What changed since 2024" in [h.value for h in at.subheader]
    (link,) = [c.value for c in at.code]
    assert link == f"/briefing?present=1&year=2025&lang=en&audience={audience}&slide=1"
    slides = next(m.value for m in at.markdown if m.value.startswith("1. "))
    assert "People we serve" in slides and "Joint\\-plan report" in slides
    assert ("Asylum" in slides) == (audience != "unicef")


def test_presentation_mode_draws_slides_only(url, monkeypatch, fresh_caches):
    at = open_briefing(url, "unicef", monkeypatch, present="1", slide="3")
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.sidebar.children) == 0  # no menu, no filters, no demo switch
    assert [t.value for t in at.title] == ["Where they live"]
    assert [n.value for n in at.number_input] == [3]
    at.button(key="briefing-next").click().run()
    assert [t.value for t in at.title] == ["Children"]
    # the view's year and audience are written back into the URL for a refresh or a link
    assert {k: at.query_params[k] for k in ("present", "slide", "year", "audience")} == {
        "present": "1", "slide": "4", "year": "2025", "audience": "unicef"}
    at.button(key="briefing-previous").click().run()
    assert [t.value for t in at.title] == ["Where they live"]
    at.button(key="briefing-exit").click().run()
    assert [t.value for t in at.title] == ["Donor briefing"]
    assert len(at.sidebar.children) > 0 and "present" not in at.query_params


# ------------------------------------------------------------------ regional and current decks
NATIONAL_NAMES = ("New asylum applications", "Refugee recognition rate", "Funding received",
                  "Joint-plan activities on track", "Resettlement")


@pytest.fixture(scope="module")
def gbao(demo_engine) -> Deck:
    return build_deck(WarehouseSource(demo_engine), audience="donor", year=2025,
                      region="TJ-GB", today=TODAY)


def test_a_regional_deck_says_which_figures_are_national(gbao, decks):
    """GBAO's deck: asylum, resettlement, the joint plan and funding have no region — their
    headlines, sentences, bullets and "what changed" lines say "(national)"."""
    assert any("(national)" in b and "no regional breakdown" in b
               for b in slide(gbao, "title").bullets)
    for key in ("asylum", "funding", "plan"):
        s = slide(gbao, key)
        assert s.headline_label.endswith("(national)"), (key, s.headline_label)
        assert s.sentence.startswith("National figures, no regional breakdown: "), (key, s.sentence)
    assert all(b.split(":")[0].endswith("(national)") for b in slide(gbao, "asylum").bullets)
    solutions = slide(gbao, "solutions")
    assert not solutions.headline_label.endswith("(national)")  # returns have a region
    assert [b for b in solutions.bullets if b.startswith("Resettlement")] and all(
        "(national)" in b for b in solutions.bullets if b.startswith("Resettlement"))
    assert not any("(national)" in b for b in solutions.bullets
                   if b.startswith("Refugees naturalised"))
    assert all(s.headline_label.endswith("(national)")
               for s in gbao.slides if s.key.startswith("plan-area-") and s.headline_label)
    changed = slide(gbao, "what-changed").bullets
    assert changed
    for line in changed:
        if line.startswith(NATIONAL_NAMES):
            assert "(national)" in line.split(" rose ")[0].split(" fell ")[0].split(":")[0], line
        else:
            assert "(national)" not in line, line
    assert any(line.startswith(NATIONAL_NAMES) for line in changed)
    # the country's deck has no such mark
    assert not any("(national)" in text for text in texts(decks["donor"]))


def test_a_slide_says_withheld_not_missing_and_never_the_bare_word_suppressed(gbao, decks,
                                                                              demo_engine):
    """GBAO's school enrolment is withheld for donors (too few children): the Education slide
    says so — it does not claim there are no figures — and shows "not shown", not the
    engine's word "suppressed"."""
    education = slide(gbao, "education")
    assert education.headline == "not shown"
    assert education.sentence == ("Figures for 2025 are withheld to protect small numbers: "
                                  "School enrolment of children of concern.")
    assert "No figures" not in education.sentence
    for deck in (gbao, *decks.values()):
        assert not any("suppressed" in text.lower() for text in texts(deck)), deck.title
    with locales.using("ru"):
        word = locales.gettext("suppressed")
    russian = build_deck(WarehouseSource(demo_engine), audience="donor", year=2025,
                         region="TJ-GB", language="ru", today=TODAY)
    assert slide(russian, "education").headline == "не показано"
    assert not any(word in text for text in texts(russian))



def test_the_current_year_s_stocks_are_labelled_with_their_own_date(demo_engine, decks):
    """In a year without a population snapshot of its own (the demo's last is 31 December
    2025), the engine carries the latest one forward: the slide says its date, not "the end of
    2026"."""
    current = build_deck(WarehouseSource(demo_engine), audience="donor", year=2026,
                         today=TODAY)
    people = slide(current, "people")
    assert people.headline == slide(decks["donor"], "people").headline
    assert people.headline_label == "persons of concern on December 31, 2025"
    assert "2026" not in people.headline_label
    assert slide(decks["donor"], "people").headline_label == (
        "persons of concern at the end of 2025")


# ------------------------------------------------------------------ the deck files on the page
def texts_of(elements) -> str:
    return "\n".join(str(e.value) for e in elements)


def test_the_deck_files_are_offered_when_the_server_can_draw_them(url, monkeypatch,
                                                                   fresh_caches):
    at = open_briefing(url, "donor", monkeypatch)
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.get("download_button")) == 2
    assert not at.error


def test_without_chromium_the_page_says_so_instead_of_a_failing_download(url, monkeypatch,
                                                                          fresh_caches):
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent")
    at = open_briefing(url, "donor", monkeypatch)
    assert not at.exception, [e.value for e in at.exception]
    assert at.get("download_button") == []
    message = texts_of(at.error)
    assert "The deck files cannot be made on this server" in message
    assert "/nonexistent" in message and "not an executable browser" in message
    # the rest of the panel is there: what changed, the slides, the link
    assert "What changed since 2024" in [h.value for h in at.subheader]
    assert len(at.code) == 1


def test_without_a_font_the_page_says_so(url, monkeypatch, fresh_caches, tmp_path):
    from briefing import layout

    monkeypatch.setattr(layout, "FONT_DIRS", (tmp_path / "a", tmp_path / "b"))
    layout.fonts.cache_clear()
    try:
        at = open_briefing(url, "donor", monkeypatch)
        assert not at.exception, [e.value for e in at.exception]
        assert at.get("download_button") == []
        assert "fonts-lato" in texts_of(at.error)
    finally:
        monkeypatch.undo()
        layout.fonts.cache_clear()


def test_no_deck_files_for_an_empty_warehouse(engine, sqlite_url, monkeypatch, fresh_caches):
    at = open_briefing(sqlite_url, "donor", monkeypatch)
    assert not at.exception, [e.value for e in at.exception]
    assert at.get("download_button") == []
    assert ("The warehouse holds no data yet: import some (hamkori import …) or load the demo "
            "(hamkori init --demo).") in texts_of(at.info)


def test_no_deck_files_for_a_year_without_figures(engine, sqlite_url, monkeypatch,
                                                  fresh_caches):
    from files import GOOD

    from data_access import importer

    importer.import_file(engine, "solutions", GOOD["solutions"].encode(),
                         file_name="solutions.csv", user="tester")  # months of 2025 only
    for year, buttons in (("2021", 0), ("2025", 2)):
        at = AppTest.from_file(str(APP), default_timeout=120)
        monkeypatch.setenv("HAMKORI_WAREHOUSE_URL", sqlite_url)
        at.query_params.update({"audience": "donor", "year": year})
        at.run()
        at = at.switch_page("pages/donor_briefing.py").run()
        assert not at.exception, [e.value for e in at.exception]
        assert len(at.get("download_button")) == buttons, year
        refusal = f"The warehouse has no figures for {year}: choose another year."
        assert (refusal in texts_of(at.info)) == (buttons == 0)
