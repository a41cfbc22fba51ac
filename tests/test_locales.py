"""Languages: English, Russian and Tajik.

- The catalogues: every message of the code (and of metrics/catalogue.toml) has a translation in
  en, ru and tg; no catalogue keeps an entry the code no longer uses; no message is in two files
  of a language; every translation keeps its message's `{placeholders}`.
- The code: no user-facing `st.*` call of pages/ or app.py takes a bare English string (an AST
  check: the text must go through `_()`).
- Formatting per locale: numbers, percentages, dates, month names, Russian plural forms, and the
  engine's display values (English stays exactly as `hamkori report` prints it).
- The app in each language: every page for a donor, UNHCR (and the data manager's pages for
  the data manager) runs without an exception in en/ru/tg, and a Russian or Tajik page shows no
  English catalogue string untranslated; the language in the URL (`?lang=ru`) is honoured and the
  browser's language is the default.
"""

from __future__ import annotations

import ast
import json
import string
from collections import Counter
from datetime import date
from pathlib import Path

import demo_warehouse
import polars as pl
import pytest
from babel.messages.pofile import read_po
from click.testing import CliRunner
from streamlit.testing.v1 import AppTest

import locales
from data_access import auth, cli
from data_access import reference as ref
from locales import messages
from metrics import engine
from metrics.catalogue import CATALOGUE, indicator_name
from metrics.periods import Period

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"
NBSP = "\u00a0"


# ------------------------------------------------------------------------------ catalogues
@pytest.fixture(scope="module")
def report():
    return messages.missing_and_unused()


@pytest.mark.parametrize("code", list(locales.LANGUAGES))
def test_every_message_of_the_code_is_translated(report, code):
    missing, _unused = report[code]
    assert missing == [], f"{code}: no translation for {missing[:10]} (python -m locales update)"


@pytest.mark.parametrize("code", list(locales.LANGUAGES))
def test_no_catalogue_keeps_a_message_the_code_no_longer_uses(report, code):
    _missing, unused = report[code]
    assert unused == [], f"{code}: not used by the code: {unused[:10]} (python -m locales update)"


@pytest.mark.parametrize("code", list(locales.LANGUAGES))
def test_no_message_is_in_two_files_of_a_language(code):
    assert messages.duplicates(code) == []


def placeholders(text: str) -> Counter:
    """The replacement fields of a `str.format` text ('{}' counts as ''), escapes aside."""
    return Counter(field for _literal, field, _spec, _conv in string.Formatter().parse(text)
                   if field is not None)


def entries(code: str):
    for path in locales.catalogue_files(code):
        with path.open("rb") as handle:
            for entry in read_po(handle, locale=code):
                if entry.id:
                    yield path.name, entry


@pytest.mark.parametrize("code", list(locales.LANGUAGES))
def test_translations_keep_the_placeholders(code):
    wrong = []
    for name, entry in entries(code):
        if isinstance(entry.id, list | tuple):
            wanted = placeholders(entry.id[1])
            forms = [form for form in entry.string if form]
        else:
            wanted = placeholders(entry.id)
            forms = [entry.string] if entry.string else []
        # a singular may leave out the count ("1 day" -> "один день"); nothing else may change
        wrong += [(name, entry.id, form) for form in forms
                  if set(placeholders(form)) - set(wanted)
                  or set(wanted) - set(placeholders(form)) - {"count", "n"}]
    assert wrong == []


def words(text: str) -> list[str]:
    """The words of a message outside its placeholders."""
    literal = "".join(part for part, *_rest in string.Formatter().parse(text))
    return [w for w in literal.split() if any(c.isalpha() for c in w)]


def test_the_scaffold_shares_no_message_between_languages():
    """`python -m locales update` fills the English catalogue with the code's own words; the
    Russian and Tajik ones must not receive them (they would pass for translations)."""
    english = dict(messages.read_catalogue("en"))
    for code in ("ru", "tg"):
        same = [key for key, text in messages.read_catalogue(code).items()
                if isinstance(key[1], str) and len(words(key[1])) >= 2
                and text == key[1] == english.get(key)]
        assert same == [], f"{code}: English left as the translation: {same[:5]}"


# ------------------------------------------------------------------------------ the code
#: st.* calls whose first argument (or `label=`/`body=`) is shown to the user.
SHOWN = {"title", "header", "subheader", "markdown", "caption", "info", "warning", "error",
         "success", "toast", "button", "download_button", "form_submit_button", "link_button",
         "page_link", "selectbox", "multiselect", "radio", "checkbox", "toggle", "text_input",
         "text_area", "number_input", "date_input", "file_uploader", "slider", "metric",
         "expander", "tabs", "write", "text", "progress", "spinner", "status", "popover",
         "TextColumn", "NumberColumn", "DateColumn", "DatetimeColumn", "Column"}
#: Keywords that are shown too.
SHOWN_KEYWORDS = {"label", "body", "help", "text", "placeholder", "title"}


def _is_plain_text(node: ast.AST) -> bool:
    """A str constant or f-string with words in it (markup, icons and emoji are allowed)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        text = node.value
    elif isinstance(node, ast.JoinedStr):
        text = "".join(v.value for v in node.values
                       if isinstance(v, ast.Constant) and isinstance(v.value, str))
    elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _is_plain_text(node.left) or _is_plain_text(node.right)
    else:
        return False
    words = [w for w in text.replace(":material/", " :material/").split()
             if not w.startswith(":") and any(c.isalpha() for c in w)]
    allowed = {"UNHCR", "UNICEF", "CSV", "XLSX", "Hamkori", "%"}
    return any(w.strip("*_[]():.,·—-") not in allowed for w in words)


def _is_logger(receiver: ast.AST) -> bool:
    """`_LOG.error(...)` speaks to the server log, in English."""
    return isinstance(receiver, ast.Name) and receiver.id.lower().lstrip("_") in (
        "log", "logger", "logging")


def bare_strings(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        if node.func.attr not in SHOWN or _is_logger(node.func.value):
            continue
        shown = list(node.args[:1]) + [k.value for k in node.keywords if k.arg in SHOWN_KEYWORDS]
        if node.func.attr == "tabs" and node.args and isinstance(node.args[0], ast.List):
            shown += node.args[0].elts
        for argument in shown:
            if _is_plain_text(argument):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.func.attr}")
    return found


#: Pages other helpers are writing at the same time (their strings are theirs to wrap).
OTHERS = {"donor_briefing.py", "undaf_review.py", "_review_figures.py"}


def test_no_user_facing_streamlit_call_takes_a_bare_string():
    files = [APP, *sorted(p for p in (ROOT / "pages").glob("*.py") if p.name not in OTHERS)]
    found = [hit for path in files for hit in bare_strings(path)]
    assert found == [], "wrap these in _(): " + ", ".join(found)


def test_the_check_finds_a_bare_string():
    code = ("import streamlit as st\nfrom locales import _\nst.title('Caseload')\n"
            "st.caption(f'{x} persons')\nst.title(_('Caseload'))\nst.markdown('**UNHCR**')\n"
            "st.button(':material/logout:')\nst.info(_('a'), icon=':material/info:')\n")
    tree = ast.parse(code)
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)
             and isinstance(n.func, ast.Attribute) and n.func.attr in SHOWN]
    plain = [c.lineno for c in calls if _is_plain_text(c.args[0])]
    assert plain == [3, 4]


# ------------------------------------------------------------------------------ formatting
@pytest.mark.parametrize(("code", "expected"), [
    ("en", ("8,620", "87.5 %", "0.97", "Mar 1, 2025", "March 2025", "Mar")),
    ("ru", (f"8{NBSP}620", f"87,5{NBSP}%", "0,97", f"1 мар. 2025{NBSP}г.", "март 2025", "март")),
    ("tg", (f"8{NBSP}620", "87,5%", "0,97", "01 Мар 2025", "Март 2025", "Мар")),
])
def test_numbers_percentages_and_dates_per_language(code, expected):
    with locales.using(code):
        shown = (locales.number(8620), locales.percent(87.5), locales.number(0.97, 2),
                 locales.date(date(2025, 3, 1)), locales.month("2025-03"),
                 locales.month_short("2025-03"))
    assert tuple(s.replace("\u202f", NBSP) for s in shown) == expected


@pytest.mark.parametrize(("n", "form"), [(1, "день"), (2, "дня"), (5, "дней"), (21, "день"),
                                         (22, "дня"), (11, "дней"), (111, "дней")])
def test_russian_has_three_plural_forms(n, form):
    with locales.using("ru"):
        assert locales.ngettext("{days} day", "{days} days", n).format(days=n) == f"{n} {form}"


def test_english_and_tajik_plurals():
    with locales.using("en"):
        assert [locales.ngettext("{count} row", "{count} rows", n).format(count=n)
                for n in (1, 2, 5)] == ["1 row", "2 rows", "5 rows"]
    with locales.using("tg"):
        assert locales.ngettext("{count} row", "{count} rows", 5).format(count=5) == "5 сатр"


@pytest.mark.parametrize(("code", "expected"), [
    ("en", ("8,620", "87.5 %", "0.97", "143 days", "<5", "no data", "not available")),
    ("ru", (f"8{NBSP}620", f"87,5{NBSP}%", "0,97", "143 дня", "<5", "нет данных",
            "недоступно")),
    ("tg", (f"8{NBSP}620", "87,5%", "0,97", "143 рӯз", "<5", "маълумот нест", "дастнорас")),
])
def test_engine_display_values_per_language(code, expected):
    with locales.using(code):
        shown = (engine.format_value(8620, "persons", engine.OK),
                 engine.format_value(87.45, "percent", engine.OK),  # rounded as Python rounds
                 engine.format_value(0.968, "index", engine.OK),
                 engine.format_value(143, "days", engine.OK),
                 engine.format_value(None, "persons", engine.SUPPRESSED, "primary", 5),
                 engine.format_value(None, "persons", engine.NO_DATA),
                 engine.format_value(None, "percent", engine.NOT_AVAILABLE))
    assert shown == expected


def test_cached_english_results_are_shown_in_the_language():
    """The caches keep English results; `localise` gives names, display values and notes in
    the session's language, numbers untouched, and English frames unchanged."""
    results = pl.DataFrame({
        "indicator": ["POP.REF", "POP.ASY", "ASY.RRR"], "name": ["x", "y", "z"],
        "value": [8620.0, None, None], "unit": ["persons", "persons", "percent"],
        "status": [engine.OK, engine.SUPPRESSED, engine.NO_DATA],
        "display": ["8,620", "<5", "no data"],
        "note": ["", "fewer than 5 people",
                 "no asylum data between 2025-01-01 and 2025-12-31; national figure: no region "
                 "breakdown"]})
    assert engine.localise(results).equals(results)
    with locales.using("ru"):
        shown = engine.localise(results)
        assert shown["name"].to_list() == [indicator_name(c) for c in results["indicator"]]
        assert shown["name"][0] == "Беженцы"
    assert shown["display"].to_list() == [f"8{NBSP}620", "<5", "нет данных"]
    assert shown["note"].to_list() == [
        "", "менее 5 человек",
        "убежище: нет данных с 2025-01-01 по 2025-12-31; национальный показатель: нет разбивки "
        "по признаку «регион»"]
    assert shown["value"].equals(results["value"])


def test_names_of_places_and_periods_in_the_language():
    with locales.using("ru"):
        assert [ref.region_name(c) for c in ("TJ-DU", "TJ-SU", "TJ-GB", "TJ-RA")] == [
            "Душанбе", "Согд", "Горно-Бадахшанская АО (ГБАО)",
            "Районы республиканского подчинения (РРП)"]
        assert [ref.district_name(d) for d in ("Vahdat", "Rudaki", "Hisor")] == [
            "Вахдат", "Рудаки", "Гиссар"]
        assert ref.country_name("AFG") == "Афганистан"
        assert Period.parse("2025-03").display == "март 2025"
    with locales.using("tg"):
        assert ref.region_name("TJ-SU") == "Суғд"
        assert "ВМКБ" in ref.region_name("TJ-GB")
        assert [ref.district_name(d) for d in ("Vahdat", "Rudaki", "Hisor")] == [
            "Ваҳдат", "Рӯдакӣ", "Ҳисор"]
        assert ref.country_name("AFG") == "Афғонистон"
    assert ref.region_name("TJ-GB") == "Gorno-Badakhshan (GBAO)"
    assert ref.canonical_district("Ваҳдат") == "Vahdat"  # a Tajik spelling imports too


def test_every_indicator_has_its_name_in_russian_and_tajik():
    for code in ("ru", "tg"):
        with locales.using(code):
            same = [c for c in CATALOGUE.indicators if indicator_name(c)
                    == CATALOGUE.indicator(c).name]
        assert same == [], code


@pytest.mark.parametrize(("header", "expected"), [
    ("ru-RU,ru;q=0.9,en-US;q=0.8", "ru"),
    ("en-GB,en;q=0.9", "en"),
    ("tg-TJ", "tg"),
    ("de-DE,de;q=0.9,ru;q=0.5", "ru"),  # the first language Hamkori has
    ("en;q=0.3,tg;q=0.8", "tg"),  # by quality, not by position
    ("de-DE,fr", None),
    ("", None),
])
def test_the_browser_s_accept_language(header, expected):
    assert locales.from_accept_language(header) == expected


# ------------------------------------------------------------------------------ the app
@pytest.fixture(scope="module")
def demo_url(tmp_path_factory) -> str:
    return demo_warehouse.build(tmp_path_factory.mktemp("locales") / "demo.sqlite")


@pytest.fixture
def served(demo_url, monkeypatch):
    monkeypatch.setenv("HAMKORI_WAREHOUSE_URL", demo_url)
    return demo_url


#: page file -> url_path (its key in data_access.auth.PAGE_ACCESS)
PAGES = {
    "pages/home.py": "overview", "pages/dashboard_caseload.py": "caseload",
    "pages/dashboard_asylum.py": "asylum", "pages/dashboard_solutions.py": "solutions",
    "pages/dashboard_education.py": "education",
    "pages/dashboard_statelessness.py": "statelessness",
    "pages/dashboard_official.py": "official", "pages/joint_plan.py": "plan",
    "pages/activity.py": "plan-activity", "pages/donor_briefing.py": "briefing",
    "pages/undaf_review.py": "undaf-review", "pages/data.py": "manage-data",
    "pages/audit.py": "audit-log",
}


def open_page(page: str, audience: str, language: str | None = None, **context) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=90)
    at.query_params["audience"] = audience
    at.query_params["year"] = "2025"
    if language:
        at.query_params["lang"] = language
    if context:
        at.context = context
    at.run()
    at.switch_page(page).run()
    return at


#: The fields of Streamlit's element messages a person reads (not keys, ids or URLs).
SHOWN_FIELDS = {"label", "body", "help", "options", "placeholder", "spec", "delta", "text",
                "caption", "title", "labels", "page_name", "section_header"}


#: Table columns of what people typed or named (a status note may well say "On track"), and of
#: identifiers people type (`hamkori import education …`: the template's name).
FREE_TEXT = {"status_note", "narrative", "title", "comment", "detail", "changed", "file_name",
             "file", "posted_by", "user_name", "changed_by", "imported_by", "rolled_back_by",
             "target", "dataset", "action"}


def shown_texts(at: AppTest) -> set[str]:
    """Every string the page shows: element texts, labels, help, options, table headers and
    cells, and the words of its charts (titles, axes, legends, hover text, annotations)."""
    found: set[str] = set()

    def strings(message) -> None:
        for field, value in message.ListFields():
            repeated = getattr(field, "is_repeated", None)
            if repeated is None:  # older protobuf
                repeated = field.label == field.LABEL_REPEATED
            values = value if repeated else [value]
            for item in values:
                if field.type == field.TYPE_MESSAGE:
                    strings(item)
                elif isinstance(item, str) and field.name in SHOWN_FIELDS:
                    if item.startswith("{") and item.endswith("}"):
                        try:
                            chart(json.loads(item))
                            continue
                        except ValueError:
                            pass
                    found.add(item)

    def chart(spec) -> None:
        if isinstance(spec, dict):
            for key, value in spec.items():
                if key in ("data", "layout", "text", "name", "title", "annotations",
                           "customdata", "hovertemplate", "ticktext", "legend", "meta",
                           "withheld") or key.startswith(("xaxis", "yaxis")):
                    chart(value)
        elif isinstance(spec, list):
            for value in spec:
                chart(value)
        elif isinstance(spec, str):
            found.add(spec)

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None and hasattr(proto, "ListFields"):
            strings(proto)
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    for table in at.dataframe:  # the columns shown, under their shown titles
        frame = table.value
        config = json.loads(table.proto.columns or "{}")
        shown = list(table.proto.column_order) or [str(c) for c in frame.columns]
        for column in shown:
            if column not in frame.columns:
                continue
            found.add((config.get(column) or {}).get("label") or column)
            if column not in FREE_TEXT:
                found.update(v for v in frame[column].tolist() if isinstance(v, str))
    return {text.strip() for text in found if text and text.strip()}


@pytest.fixture(scope="module")
def english_words():
    """code -> English catalogue strings whose translation differs (shown as they are, they
    are untranslated), and the longer ones to look for inside texts too."""
    words = {}
    for code in ("ru", "tg"):
        exact, inside = set(), set()
        for _name, entry in entries(code):
            pairs = (zip(entry.id, entry.string, strict=False)
                     if isinstance(entry.id, list | tuple) else [(entry.id, entry.string)])
            for english, translated in pairs:
                if not translated or translated == english or "{" in english:
                    continue
                exact.add(english)
                if len(english) >= 30 and english.count(" ") >= 4:
                    inside.add(english)
        words[code] = (exact, inside)
    return words


CASES = [(page, audience) for page, url in PAGES.items()
         for audience in ("donor", "unhcr", "admin")
         if auth.may_open(audience, url)
         and (audience != "admin" or url in ("manage-data", "audit-log"))]


@pytest.mark.slow
@pytest.mark.parametrize("language", list(locales.LANGUAGES))
@pytest.mark.parametrize(("page", "audience"), CASES)
def test_every_page_in_every_language(served, english_words, page, audience, language):
    at = open_page(page, audience, language)
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="lang").value == language
    if language == locales.DEFAULT:
        return
    exact, inside = english_words[language]
    texts = shown_texts(at)
    untranslated = sorted(texts & exact)
    embedded = sorted({english for english in inside for text in texts if english in text})
    assert untranslated == [] and embedded == [], (page, audience, untranslated, embedded)


@pytest.mark.slow
def test_a_russian_page_reads_in_russian(served):
    english = open_page("pages/dashboard_caseload.py", "unhcr", "en")
    refugees = {m.label: m.value for m in english.metric}["Refugees"]
    at = open_page("pages/dashboard_caseload.py", "unhcr", "ru")
    assert [t.value for t in at.title] == ["Подмандатное население"]
    tiles = {m.label: m.value for m in at.metric}
    assert "," in refugees and tiles["Беженцы"] == refugees.replace(",", NBSP)  # 8,730 / 8 730
    tables = [t.value for t in at.dataframe]
    regions = next(t for t in tables if "Регион" in t.columns and "Район" not in t.columns)
    assert "Душанбе" in set(regions["Регион"]) and "Всего" in set(regions["Регион"])
    assert at.selectbox(key="region").options[1] == "Душанбе"
    assert at.selectbox(key="lang").options == ["English", "Русский", "Тоҷикӣ"]


@pytest.mark.slow
def test_the_language_in_the_url_is_kept_and_changed(served):
    at = open_page("pages/home.py", "donor", "tg")
    assert at.title[0].value == "Шарҳи умумии Hamkori"
    assert at.query_params["lang"] == "tg"
    at.selectbox(key="lang").set_value("ru").run()
    assert at.title[0].value == "Обзор Hamkori"
    assert at.query_params["lang"] == "ru"
    at.switch_page("pages/dashboard_asylum.py").run()  # a page change keeps the language
    assert at.title[0].value == "Убежище"


@pytest.mark.slow
def test_the_browser_s_language_is_the_default(served):
    at = open_page("pages/home.py", "donor", locale="ru-RU")  # navigator.language
    assert at.selectbox(key="lang").value == "ru"
    assert at.title[0].value == "Обзор Hamkori"
    at = open_page("pages/home.py", "donor", "en", locale="ru-RU")  # the URL wins
    assert at.title[0].value == "Hamkori overview"
    at = open_page("pages/home.py", "donor", locale="de-DE")  # a language Hamkori lacks
    assert at.selectbox(key="lang").value == "en"


@pytest.mark.slow
def test_the_report_stays_english_unless_asked(served):
    def report(*extra: str) -> dict:
        args = ["report", "--period", "2025", "--audience", "unhcr", "--indicator",
                "POP.REF,ASY.RRR", "--no-compare", *extra]
        result = CliRunner().invoke(cli.main, args, env={"HAMKORI_WAREHOUSE_URL": served})
        assert result.exit_code == 0, result.output
        return {row["indicator"]: row for row in json.loads(result.output)}

    english, russian = report(), report("--lang", "ru")
    assert english["POP.REF"]["name"] == "Refugees" and "," in english["POP.REF"]["display"]
    assert russian["POP.REF"]["name"] == "Беженцы"
    assert russian["POP.REF"]["display"] == english["POP.REF"]["display"].replace(",", NBSP)
    assert russian["ASY.RRR"]["display"].endswith(f"{NBSP}%") and "," in russian["ASY.RRR"]["display"]
    assert russian["POP.REF"]["value"] == english["POP.REF"]["value"]  # numbers do not change
