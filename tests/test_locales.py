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
import re
import string
from collections import Counter
from datetime import date
from pathlib import Path

import plotly.io as pio
import polars as pl
import pytest
from babel.messages.pofile import read_po
from click.testing import CliRunner
from streamlit import dataframe_util
from streamlit.testing.v1 import AppTest

import locales
from data_access import auth, cli
from data_access import reference as ref
from locales import messages
from metrics import engine
from metrics.catalogue import CATALOGUE, indicator_name
from metrics.periods import Period
from pages import _figures as fig

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
#: Calls whose first argument (or a keyword of SHOWN_KEYWORDS) is shown to the user: Streamlit's
#: elements, widgets, pages and column types.
SHOWN = {"title", "header", "subheader", "markdown", "caption", "info", "warning", "error",
         "success", "toast", "button", "download_button", "form_submit_button", "link_button",
         "page_link", "selectbox", "multiselect", "radio", "checkbox", "toggle", "text_input",
         "text_area", "number_input", "date_input", "time_input", "file_uploader", "slider",
         "select_slider", "pills", "segmented_control", "feedback", "chat_input", "color_picker",
         "metric", "expander", "tabs", "write", "text", "progress", "spinner", "status",
         "popover", "dialog", "Page",
         "TextColumn", "NumberColumn", "DateColumn", "DatetimeColumn", "TimeColumn", "Column",
         "LinkColumn", "ProgressColumn", "CheckboxColumn", "SelectboxColumn", "ListColumn",
         "MultiselectColumn", "BarChartColumn", "LineChartColumn", "AreaChartColumn",
         "ImageColumn", "JSONColumn"}
#: Keywords that are shown too.
SHOWN_KEYWORDS = {"label", "body", "help", "text", "placeholder", "title", "caption"}
#: Plotly: the traces' (`go.Bar(name=…)`) and layouts' words.
PLOTLY_CALLS = {"update_layout", "update_xaxes", "update_yaxes", "update_traces",
                "add_annotation", "add_hline", "add_vline", "add_trace"}
PLOTLY_KEYWORDS = {"name", "text", "title", "title_text", "hovertemplate", "texttemplate",
                   "xaxis_title", "yaxis_title", "legend_title_text", "annotation_text"}
#: Words that are the same in every language (names, file types, the currency code).
SAME_EVERYWHERE = {"UNHCR", "UNICEF", "CSV", "XLSX", "HXL", "PPTX", "PDF", "USD", "Hamkori", "%"}


def _words(text: str) -> list[str]:
    """The words of a literal: Plotly's `%{…}` fields, `{…}` placeholders, HTML tags and
    `:material/…:` icons and `:blue[` colours taken out."""
    text = re.sub(r"%\{[^}]*\}|\{[^}]*\}|<[^>]*>|:material/[a-z_]+:|:[a-z-]+\[", " ", text)
    words = [w.strip("*_[]():.,;·—-–/!?\"'`") for w in text.split()]
    return [w for w in words if any(c.isalpha() for c in w) and w not in SAME_EVERYWHERE]


def _literals(node: ast.AST) -> list[str]:
    """The literal text a shown argument is made of, following `+`, `"…".format(…)`,
    `" ".join([...])` and `a if c else b` — but not into `_()`/`ngettext()` (translated)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.JoinedStr):
        return ["".join(v.value for v in node.values
                        if isinstance(v, ast.Constant) and isinstance(v.value, str))]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _literals(node.left) + _literals(node.right)
    if isinstance(node, ast.IfExp):
        return _literals(node.body) + _literals(node.orelse)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        if node.func.attr == "format":
            return _literals(node.func.value)
        if node.func.attr == "join" and node.args and isinstance(node.args[0], ast.List | ast.Tuple):
            return [text for element in node.args[0].elts for text in _literals(element)]
    return []


def _is_plain_text(node: ast.AST) -> bool:
    """Shown text with words in it that did not go through the catalogue."""
    return any(_words(text) for text in _literals(node))


def _is_logger(receiver: ast.AST) -> bool:
    """`_LOG.error(...)` speaks to the server log, in English."""
    return isinstance(receiver, ast.Name) and receiver.id.lower().lstrip("_") in (
        "log", "logger", "logging")


def _shown_arguments(node: ast.Call) -> list[ast.AST]:
    if not isinstance(node.func, ast.Attribute) or _is_logger(node.func.value):
        return []
    name = node.func.attr
    plotly = name in PLOTLY_CALLS or (isinstance(node.func.value, ast.Name)
                                      and node.func.value.id == "go")
    if plotly:
        return [k.value for k in node.keywords if k.arg in PLOTLY_KEYWORDS]
    if name not in SHOWN:
        return []
    first = [] if name in ("Page", "page_link") else node.args[:1]  # a file, not a label
    shown = list(first) + [k.value for k in node.keywords if k.arg in SHOWN_KEYWORDS]
    if name in ("tabs", "pills", "segmented_control", "radio", "selectbox", "select_slider") \
            and len(node.args) > (0 if name == "tabs" else 1):
        options = node.args[0 if name == "tabs" else 1]
        if isinstance(options, ast.List | ast.Tuple):
            shown += options.elts
    return shown


def bare_strings(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            found += [f"{path.relative_to(ROOT)}:{node.lineno} {getattr(node.func, 'attr', '')}"
                      for argument in _shown_arguments(node) if _is_plain_text(argument)]
    return found


#: The code that draws what people see: the app, its pages and the briefing deck.
SHOWING = [APP, *sorted((ROOT / "pages").glob("*.py")), *sorted((ROOT / "briefing").glob("*.py"))]


def test_no_user_facing_call_takes_a_bare_string():
    found = [hit for path in SHOWING for hit in bare_strings(path)]
    assert found == [], "wrap these in _(): " + ", ".join(found)


def test_the_check_finds_a_bare_string():
    code = ("import streamlit as st\nfrom locales import _\nst.title('Caseload')\n"
            "st.caption(f'{x} persons')\nst.title(_('Caseload'))\nst.markdown('**UNHCR**')\n"
            "st.button(':material/logout:')\nst.info(_('a'), icon=':material/info:')\n"
            "st.caption('{n} rows'.format(n=1))\nst.caption(_('{n} rows').format(n=1))\n"
            "st.caption('open' if x else 'closed')\nst.caption(' · '.join(['as of', d]))\n"
            "st.pills(_('Area'), ['All', 'Health'])\nst.Page('p.py', title='Overview')\n"
            "go.Bar(x=x, name='Target', hovertemplate='%{x}: %{y}<extra></extra>')\n"
            "fig.update_layout(xaxis_title='Year')\nfig.update_layout(title=_('Year'))\n"
            "go.Scatter(hovertemplate='%{y} USD<br>%{customdata}')\n"
            "st.column_config.ProgressColumn('Share', help=_('a'))\n")
    calls = [n for n in ast.walk(ast.parse(code)) if isinstance(n, ast.Call)]
    plain = sorted({c.lineno for c in calls for a in _shown_arguments(c) if _is_plain_text(a)})
    assert plain == [3, 4, 9, 11, 12, 13, 14, 15, 16, 19]


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


def test_chart_ticks_are_written_out_with_the_language_s_signs():
    """'16 000', not Plotly's '16k' (an SI prefix reads as nothing in Russian or Tajik): every
    chart wears the template; the language gives the decimal and group signs."""
    template = pio.templates[fig.TEMPLATE].layout
    for axis in (template.xaxis, template.yaxis):
        assert (axis.exponentformat, axis.separatethousands) == ("none", True)
    with locales.using("ru"):
        figure = fig.bars(pl.DataFrame({"region": ["TJ-DU"], "value": [16000.0], "status": ["ok"],
                                        "display": ["16 000"]}), "region", title="t",
                          unit="persons")
    assert figure.layout.separators == ",\u00a0" and figure.layout.template.layout.xaxis.exponentformat == "none"


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
        if table.proto.arrow_data.styler.display_values:  # the texts shown, not the numbers
            frame = dataframe_util.convert_arrow_bytes_to_pandas_df(
                table.proto.arrow_data.styler.display_values)
        config = json.loads(table.proto.columns or "{}")
        shown = list(table.proto.column_order) or [str(c) for c in frame.columns]
        for column in shown:
            if column not in frame.columns:
                continue
            found.add((config.get(column) or {}).get("label") or column)
            if column not in FREE_TEXT:
                found.update(v for v in frame[column].tolist() if isinstance(v, str))
    return {text.strip() for text in found if text and text.strip()}


def template_pattern(english: str) -> re.Pattern | None:
    """A message with placeholders as a pattern of its English words (`{count} rows` ->
    `(.+?) rows`), for texts that show it untranslated; None when it has no word of its own."""
    parts = list(string.Formatter().parse(english))
    if not any(len(word.strip("*_.,:;()")) >= 3 for word in words(english)):
        return None
    pattern = "".join(re.escape(literal) + ("(.+?)" if field is not None else "")
                      for literal, field, _spec, _conv in parts)
    return re.compile(pattern, re.DOTALL)


@pytest.fixture(scope="module")
def english_words():
    """code -> English catalogue strings whose translation differs (shown as they are, they
    are untranslated), the longer ones to look for inside texts too, and the messages with
    placeholders as patterns."""
    found = {}
    for code in ("ru", "tg"):
        exact, inside, patterns = set(), set(), []
        for _name, entry in entries(code):
            pairs = (zip(entry.id, entry.string, strict=False)
                     if isinstance(entry.id, list | tuple) else [(entry.id, entry.string)])
            for english, translated in pairs:
                if not translated or translated == english:
                    continue
                if "{" in english:
                    if pattern := template_pattern(english):
                        patterns.append(pattern)
                    continue
                exact.add(english)
                if len(english) >= 30 and english.count(" ") >= 4:
                    inside.add(english)
        found[code] = (exact, inside, patterns)
    return found


def untranslated(texts: set[str], english) -> list[str]:
    exact, inside, patterns = english
    found = texts & exact
    found |= {e for e in inside for text in texts if e in text}
    found |= {text for text in texts for p in patterns if _fills(p.fullmatch(text))}
    return sorted(found)


def _fills(match: re.Match | None) -> bool:
    """A template's match with its own words a fair part of the text: `{change} points` is not
    found in an activity's title that ends in "points"."""
    if match is None:
        return False
    filled = sum(len(group) for group in match.groups())
    return filled <= 0.75 * len(match.string)


def test_the_check_finds_untranslated_templates(english_words):
    shown = {"12 rows", "Kazakhstan: population by year", "Сведения за 2025 год", "Refugees",
             "Joint risk assessment and simulation exercise at border crossing points"}
    with locales.using("ru"):
        shown.add(locales.ngettext("{count} row", "{count} rows", 12).format(count=12))
    found = untranslated(shown, english_words["ru"])
    # not the Russian "12 строк", nor an activity's title that happens to end in "points"
    assert found == ["12 rows", "Kazakhstan: population by year", "Refugees"]


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
    left = untranslated(shown_texts(at), english_words[language])
    assert left == [], (page, audience, left)


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
