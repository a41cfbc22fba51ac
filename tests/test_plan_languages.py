"""The Joint Plan pages in Russian and Tajik (issue 9): agencies by name, never by code; figures,
percentages and dates as the language writes them, '—' where there is none; the timeline's axis
in the language's months.

The label functions and figure builders are checked on literal values; the pages with AppTest on
the demo warehouse (33 activities led by UNHCR, UNICEF or both, updates pending for each agency)
and on a one-year plan, whose timeline has a tick per month.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pandas as pd
import polars as pl
import pytest
from streamlit import dataframe_util
from streamlit.testing.v1 import AppTest

import locales
from data_access import demo, importer
from data_access import plan as jp
from data_access.engine import make_engine
from data_access.warehouse import upgrade
from pages import _figures as fig
from pages import _plan_figures as figures
from pages import _view as view

APP = Path(__file__).resolve().parent.parent / "app.py"
PLAN_PAGE = "pages/joint_plan.py"
ACTIVITY_PAGE = "pages/activity.py"
LANGUAGES = ["ru", "tg"]
NAMES = {"en": ("UNHCR", "UNICEF", "Joint"), "ru": ("УВКБ ООН", "ЮНИСЕФ", "Совместно"),
         "tg": ("КОА СММ", "ЮНИСЕФ", "Якҷоя")}
CODES = re.compile(r"\b(UNHCR|UNICEF|JOINT)\b")
ENGLISH_MONTHS = re.compile(r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b")
#: Table columns of what people typed (a narrative may name an agency as it likes).
FREE_TEXT = {"title", "narrative", "status_note", "comment", "Detail", "Value"}
#: The demo's activity led by UNICEF with two updates waiting for UNHCR, and the one led by both
#: agencies whose latest update waits for UNICEF.
WAITING_FOR_UNHCR = "JPA-RES-03"
WAITING_FOR_UNICEF = "JPA-EDU-04"
ONE_YEAR_PLAN = """activity_id,area,title,lead,partners,start,end,indicator,baseline,target,budget_usd,undaf_outcome,sdg_target
JPA-01,education,Enrol refugee children in national schools,UNICEF,,2025-01-01,2025-12-31,,,,250000,,
JPA-02,advocacy,Joint advocacy campaign,JOINT,,2025-03-01,2025-10-31,,,,,,
"""


# ---------------------------------------------------------------------------------- labels
@pytest.mark.parametrize("code", ["en", "ru", "tg"])
def test_agencies_by_name_in_every_language(code):
    with locales.using(code):
        assert tuple(jp.agency_name(c) for c in ("UNHCR", "UNICEF", "JOINT")) == NAMES[code]
        assert jp.agency_name("WFP") == "WFP" and jp.agency_name(None) == ""


def test_who_acted_in_the_language():
    with locales.using("ru"):
        assert jp.person_label(jp.AGENCY_STAFF) == "сотрудники агентства"
        assert jp.person_label("UNHCR") == "УВКБ ООН"  # what a donor reads instead of a name
        assert jp.person_label("aziza@unicef.org") == "aziza@unicef.org"
        assert jp.person_label(None) is None


@pytest.mark.parametrize(("code", "created", "unchanged", "changed"), [
    ("en", "created", "no change", "end, target, budget (USD)"),
    ("ru", "создано", "без изменений", "окончание, цель, бюджет (долл. США)"),
    ("tg", "эҷод шуд", "бе тағйир", "анҷом, ҳадаф, буҷа (доллари ИМА)"),
])
def test_changes_to_an_activity_in_the_language(code, created, unchanged, changed):
    with locales.using(code):
        assert jp.changes_text(None) == created
        assert jp.changes_text([]) == unchanged
        assert jp.changes_text(["end", "target", "budget_usd"]) == changed


# ---------------------------------------------------------------------------------- cells
STATUS = pl.DataFrame({
    "lead": ["UNHCR", "JOINT"], "on_track_pct": [100 / 3, None], "budgeted_usd": [1_250_000.0, None],
    "last_signed": [date(2025, 3, 1), None]})
KINDS = {"on_track_pct": "percent_1", "budgeted_usd": "number", "last_signed": "date",
         "absent": "number"}


def shown_cells(code: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The table as `st.dataframe` receives it: the values, and the texts shown."""
    with locales.using(code):
        styled = view.figures_in_language(figures.with_agency_names(STATUS), KINDS)
        styled._compute()  # what Streamlit does when it draws the table
    texts = pd.DataFrame([[cell["display_value"] for cell in row[1:]]
                          for row in styled._translate(False, False)["body"]],
                         columns=list(STATUS.columns))
    return styled.data, texts


def test_figures_in_russian_and_tajik_with_a_dash_for_none():
    values, texts = shown_cells("ru")
    assert texts.to_dict("list") == {
        "lead": ["УВКБ ООН", "Совместно"], "on_track_pct": ["33,3\u00a0%", "—"],
        "budgeted_usd": ["1\u00a0250\u00a0000", "—"], "last_signed": ["1 марта 2025", "—"]}
    assert values["budgeted_usd"].iloc[0] == 1_250_000  # the table sorts by the numbers
    _values, texts = shown_cells("tg")
    assert texts["on_track_pct"].to_list() == [locales_percent("tg", 100 / 3), "—"]
    assert texts["lead"].to_list() == ["КОА СММ", "Якҷоя"]


def test_english_figures_and_agencies():
    values, texts = shown_cells("en")
    assert texts.to_dict("list") == {
        "lead": ["UNHCR", "Joint"], "on_track_pct": ["33.3 %", "—"],
        "budgeted_usd": ["1,250,000", "—"], "last_signed": ["2025-03-01", "—"]}
    assert values["on_track_pct"].iloc[0] == pytest.approx(100 / 3)


def locales_percent(code: str, value: float, digits: int = 1) -> str:
    with locales.using(code):
        return locales.percent(value, digits)


# ---------------------------------------------------------------------------------- figures
def test_date_ticks_follow_the_span_and_the_language():
    with locales.using("ru"):
        ticks = figures.date_ticks(date(2025, 1, 15), date(2025, 12, 31))
    assert ticks["tickvals"][:3] == ["2025-01-01", "2025-02-01", "2025-03-01"]
    # 1 January falls before the axis (it starts on the 15th): February carries the year
    assert ticks["ticktext"][:3] == ["янв.<br>2025", "февр.<br>2025", "март"]
    assert len(ticks["tickvals"]) == 12
    with locales.using("tg"):
        quarters = figures.date_ticks(date(2024, 2, 1), date(2026, 6, 30))["ticktext"]
    assert quarters[:5] == ["Янв<br>2024", "Апр<br>2024", "Июл", "Окт", "Янв<br>2025"]
    with locales.using("en"):
        years = figures.date_ticks(date(2017, 6, 1), date(2027, 12, 31))
    assert years["ticktext"] == [str(y) for y in range(2017, 2028)]
    assert years["tickvals"][0] == "2017-01-01"
    with locales.using("ru"):
        decades = figures.date_ticks(date(2001, 1, 1), date(2030, 12, 31))["ticktext"]
    assert decades == ["2000", "2005", "2010", "2015", "2020", "2025", "2030"]


def plan_frame() -> pl.DataFrame:
    return pl.DataFrame({
        "activity_id": ["A1", "A2"], "area": ["education", "advocacy"],
        "title": ["Enrol children", "Advocate"], "lead": ["UNICEF", "JOINT"],
        "start": [date(2025, 1, 1), date(2025, 3, 1)], "end": [date(2025, 12, 31)] * 2,
        "status": ["on_track", "at_risk"], "progress": [50.0, None], "expected": [55.0, 60.0],
        "stale": [False, False], "budget_usd": [1000.0, 2000.0],
        "funds_mobilised_usd": [500.0, None], "funds_spent_usd": [None, None]})


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_timeline_in_the_language(code):
    with locales.using(code):
        figure = figures.timeline_figure(plan_frame(), date(2025, 6, 30))
        months = [locales.month_short(date(2025, m, 1)) for m in range(1, 13)]
    axis = figure.layout.xaxis
    assert list(axis.ticktext) == [f"{months[0]}<br>2025", *months[1:]]
    leads = {row[3] for trace in figure.data for row in trace.customdata}
    assert leads == {NAMES[code][1], NAMES[code][2]}
    assert not CODES.search(figure.to_json()) and not ENGLISH_MONTHS.search(figure.to_json())


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_funds_chart_names_the_agencies(code):
    with locales.using(code):
        figure = figures.funds_figure(figures.funds_by_area_lead(plan_frame()))
    assert {label.split(" · ")[1] for label in figure.data[0].y} == {NAMES[code][1],
                                                                      NAMES[code][2]}
    assert "USD" not in figure.data[0].hovertemplate
    assert not CODES.search(figure.to_json())


def test_the_plan_charts_keep_their_legend_inside_the_figure():
    """A legend placed at a fraction of the plot's height under a tall chart fell outside the
    figure and was cut off (the funds chart showed none): it sits at the figure's foot, in a
    bottom margin, and the charts wear the dashboard's template."""
    frame = plan_frame()
    for figure in (figures.timeline_figure(frame, date(2025, 6, 30)),
                   figures.funds_figure(figures.funds_by_area_lead(frame))):
        legend = figure.layout.legend
        assert (legend.yref, legend.y, legend.yanchor) == ("container", 0, "bottom")
        assert figure.layout.margin.b >= 100
        assert figure.layout.template.layout.font.family == fig.FONT


# ---------------------------------------------------------------------------------- the pages
@pytest.fixture(scope="module")
def demo_url(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('plan-languages') / 'demo.sqlite'}"
    engine = make_engine(url)
    upgrade(engine)
    demo.load_demo(engine, seed=1)
    engine.dispose()
    return url


@pytest.fixture
def served(demo_url, monkeypatch, fresh_caches):
    monkeypatch.setenv("HAMKORI_WAREHOUSE_URL", demo_url)
    return demo_url


@pytest.fixture
def one_year(engine, sqlite_url, monkeypatch, fresh_caches):
    monkeypatch.setenv("HAMKORI_WAREHOUSE_URL", sqlite_url)
    importer.import_file(engine, "joint_plan", ONE_YEAR_PLAN.encode(), file_name="plan.csv",
                         user="data.manager")
    return engine


def open_page(page: str, audience: str, language: str, activity: str | None = None,
              year: str = "2025") -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params["audience"] = audience
    at.query_params["year"] = year
    at.query_params["lang"] = language
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    if activity is not None:
        at.selectbox(key="activity").set_value(activity).run()
        assert not at.exception, [e.value for e in at.exception]
    return at


def sentences(at: AppTest) -> list[str]:
    """The texts of the page's body: markdown, captions, headers, messages, tiles, links."""
    main = at.main
    found = [e.value for kind in ("title", "subheader", "markdown", "caption", "info",
                                  "success", "warning", "text")
             for e in getattr(main, kind)]
    found += [text for m in main.metric for text in (m.label, m.value, m.proto.help)]
    found += [link.proto.label for link in main.get("page_link")]
    found += [e.label for e in main.expander]
    return found


def tables(at: AppTest) -> list[tuple[dict[str, str], pd.DataFrame]]:
    """Each table of the page: its column titles (column -> label) and the columns shown."""
    found = []
    for table in at.main.dataframe:
        frame = table.value
        if table.proto.arrow_data.styler.display_values:  # the texts shown, not the numbers
            frame = dataframe_util.convert_arrow_bytes_to_pandas_df(
                table.proto.arrow_data.styler.display_values)
        config = json.loads(table.proto.columns or "{}")
        shown = [c for c in (list(table.proto.column_order) or list(frame.columns))
                 if c in frame.columns]
        labels = {c: (config.get(c) or {}).get("label") or c for c in shown}
        found.append((labels, frame[shown]))
    return found


def charts(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.main.get("plotly_chart")]


def chart_texts(spec) -> list[str]:
    """Every string of a figure a person may read: names, labels, ticks, hover, annotations."""
    if isinstance(spec, dict):
        return [text for key, value in spec.items() if key not in ("type", "orientation",
                                                                    "hoverinfo", "textposition")
                for text in chart_texts(value)]
    if isinstance(spec, list):
        return [text for value in spec for text in chart_texts(value)]
    return [spec] if isinstance(spec, str) else []


def check_the_page(at: AppTest, language: str) -> None:
    """No agency code, percentage, empty cell or English month that ignores the language."""
    sign = locales_percent(language, 5, 0)[1:]  # ' %' with a no-break space, or '%'
    figure_texts = [text for spec in charts(at) for text in chart_texts(spec)
                    if not text.startswith("#")]  # not the colours
    cells = []
    for labels, frame in tables(at):
        assert frame.notna().all().all(), (labels, frame)  # no 'None' cell
        cells += list(labels.values())
        for column in frame.columns:
            if column not in FREE_TEXT:
                cells += [str(v) for v in frame[column]]
    for text in [*sentences(at), *cells, *figure_texts]:
        assert not CODES.search(text), text
    for text in [*cells, *figure_texts, *(m.value for m in at.main.metric)]:
        for match in re.finditer(r"(\d)(\s?)%", text):
            assert match.group(2) + "%" == sign, text
        assert not re.search(r"\d\.\d+\s?%", text), text  # no decimal point
        assert not ENGLISH_MONTHS.search(text), text


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("audience", ["unhcr", "unicef", "donor", "admin"])
def test_the_joint_plan_page_in_the_language(served, audience, language):
    at = open_page(PLAN_PAGE, audience, language)
    check_the_page(at, language)
    unhcr, unicef, joint = NAMES[language]
    leads = {lead for labels, frame in tables(at) for column, lead in
             (frame["lead"].items() if "lead" in frame.columns else [])}
    assert leads == {unhcr, unicef, joint}
    [timeline] = [spec for spec in charts(at) if spec["layout"]["xaxis"].get("type") == "date"]
    assert timeline["layout"]["xaxis"]["ticktext"]  # the language's ticks, not Plotly's
    if audience in ("donor", "admin"):  # they do not sign: how much waits, for whom
        waiting = [m.label for m in at.main.metric if m.value in ("1", "2")]
        assert any(unhcr in label for label in waiting) and any(unicef in label
                                                                for label in waiting)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("audience", "activity"), [
    ("unhcr", WAITING_FOR_UNHCR), ("unicef", WAITING_FOR_UNICEF), ("donor", WAITING_FOR_UNHCR),
    ("admin", WAITING_FOR_UNICEF)])
def test_the_activity_page_in_the_language(served, audience, activity, language):
    at = open_page(ACTIVITY_PAGE, audience, language, activity=activity)
    check_the_page(at, language)
    unhcr, unicef, _joint = NAMES[language]
    history = tables(at)[-1][0]
    assert history["unhcr"] == unhcr and history["unicef"] == unicef
    if audience in ("unhcr", "unicef"):  # the sign-off card of the update waiting for them
        card = [text for text in sentences(at) if unicef in text or unhcr in text]
        assert card


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_timeline_axis_has_the_language_s_months(one_year, language):
    at = open_page(PLAN_PAGE, "unhcr", language, year="2025")
    [timeline] = [spec for spec in charts(at) if spec["layout"]["xaxis"].get("type") == "date"]
    with locales.using(language):
        months = [locales.month_short(date(2025, m, 1)) for m in range(1, 13)]
    assert timeline["layout"]["xaxis"]["ticktext"] == [f"{months[0]}<br>2025", *months[1:]]
    check_the_page(at, language)


@pytest.mark.parametrize(("language", "changed"), [("ru", ["окончание, цель", "создано"]),
                                                   ("tg", ["анҷом, ҳадаф", "эҷод шуд"])])
def test_corrections_of_an_activity_in_the_language(one_year, language, changed):
    corrected = ONE_YEAR_PLAN.replace("2025-12-31,,,,250000", "2026-06-30,,,80,250000")
    importer.import_file(one_year, "joint_plan", corrected.encode(), file_name="plan-v2.csv",
                         user="data.manager", replace=True)
    at = open_page(ACTIVITY_PAGE, "donor", language, activity="JPA-01")
    [expander] = at.main.expander
    table = expander.dataframe[0].value
    assert table["changed"].tolist() == changed  # newest first
    with locales.using(language):
        staff = jp.person_label(jp.AGENCY_STAFF)
    assert set(table["changed_by"]) == {staff}
    check_the_page(at, language)
