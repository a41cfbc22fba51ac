"""The briefing deck export: chart images (kaleido, the system Chromium, offline), the PPTX read
back with python-pptx, the PDF read back with pypdf, and `hamkori brief`.

The layout tests use decks made here (English, Russian, Tajik — with ӣ ӯ ҳ қ ғ ҷ — and real
figures from pages/_figures.py) and stand-in chart images, so they need no browser; the tests
marked `browser` draw the real images, once per module (one Chromium session).
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner
from PIL import Image
from pptx import Presentation
from pptx.enum.lang import MSO_LANGUAGE_ID
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pypdf import PdfReader

from briefing import images, layout
from briefing.model import Deck, Slide
from briefing.pdf_deck import write_pdf
from briefing.pptx_deck import write_pptx
from data_access.cli import main
from metrics.engine import OK, SUPPRESSED, TOTAL
from pages import _figures as fig

REPO = Path(__file__).resolve().parents[1]
TAJIK_LETTERS = "ӣӯҳқғҷ"


# --------------------------------------------------------------------------- decks made here
def cell(dims: dict, value, display: str, status: str = OK, name: str = "Refugees",
         period: str = "2025") -> dict:
    return {**dims, "indicator": "POP.REF", "name": name, "unit": "persons", "period": period,
            "as_of": date(2025, 12, 31), "value": value, "display": display, "status": status,
            "note": ""}


REGION_NAMES = {
    "en": {"TJ-DU": "Dushanbe", "TJ-GB": "GBAO", "TJ-KT": "Khatlon", "TJ-RA": "DRS"},
    "ru": {"TJ-DU": "Душанбе", "TJ-GB": "ГБАО", "TJ-KT": "Хатлон", "TJ-RA": "РРП"},
    "tg": {"TJ-DU": "Душанбе", "TJ-GB": "ВМКБ", "TJ-KT": "Хатлон", "TJ-RA": "НТҶ"},
}
WORDS = {
    "en": {
        "deck": "Donor briefing — Tajikistan, 2025", "as_of": "31 Dec 2025",
        "branding": "UNHCR · UNICEF — Tajikistan",
        "caseload": "Persons of concern", "label": "refugees and asylum-seekers",
        "sentence": "The refugee population stayed almost unchanged in 2025; most live in the "
                    "Districts of Republican Subordination.",
        "by_region": "Refugees by region", "trend": "Refugees at the end of each year",
        "trend_title": "A decade of protection", "pyramid": "Who they are",
        "pyramid_chart": "Refugees by age and sex", "changed": "What changed",
        "bullets": ("Returns to Afghanistan rose from 66 to 1,421.",
                    "Primary enrolment of refugee children reached 87.5 %.",
                    "Birth registration of children under five: 96 %."),
        "source": "UNHCR population snapshot", "note": "Cells of 1–4 persons are shown as <5.",
        "plan": "Joint Plan: education",
        "narrative": "Twelve schools in Vahdat received learning kits; teacher training "
                     "continues in Rasht and in the Districts of Republican Subordination.",
    },
    "ru": {
        "deck": "Брифинг для доноров — Таджикистан, 2025", "as_of": "31 дек. 2025 г.",
        "branding": "УВКБ ООН · ЮНИСЕФ — Таджикистан",
        "caseload": "Лица, находящиеся под защитой", "label": "беженцы и лица, ищущие убежища",
        "sentence": "Число беженцев в 2025 году почти не изменилось; большинство живёт в "
                    "районах республиканского подчинения.",
        "by_region": "Беженцы по регионам", "trend": "Беженцы на конец каждого года",
        "trend_title": "Десятилетие защиты", "pyramid": "Кто они",
        "pyramid_chart": "Беженцы по возрасту и полу", "changed": "Что изменилось",
        "bullets": ("Возвращения в Афганистан выросли с 66 до 1 421.",
                    "Охват начальным образованием детей-беженцев достиг 87,5 %.",
                    "Регистрация рождений детей до пяти лет: 96 %."),
        "source": "Данные о населении УВКБ ООН", "note": "Ячейки с 1–4 людьми показаны как <5.",
        "plan": "Совместный план: образование",
        "narrative": "Двенадцать школ в Вахдате получили учебные наборы; обучение учителей "
                     "продолжается в Раште и в районах республиканского подчинения.",
    },
    "tg": {
        "deck": "Брифинги донорон — Тоҷикистон, 2025", "as_of": "31 дек. 2025",
        "branding": "КОА СММ · ЮНИСЕФ — Тоҷикистон",
        "caseload": "Шахсони таҳти ғамхорӣ", "label": "гурезагон ва паноҳҷӯён",
        "sentence": "Шумораи гурезагон дар соли 2025 қариб тағйир наёфт; аксарият дар ноҳияҳои "
                    "тобеи ҷумҳурӣ зиндагӣ мекунанд.",
        "by_region": "Гурезагон аз рӯи минтақа", "trend": "Гурезагон дар охири ҳар сол",
        "trend_title": "Даҳсолаи ҳимоя", "pyramid": "Онҳо кистанд",
        "pyramid_chart": "Гурезагон аз рӯи синну сол ва ҷинс", "changed": "Чӣ тағйир ёфт",
        "bullets": ("Бозгашт ба Афғонистон аз 66 то 1 421 афзоиш ёфт.",
                    "Фарогирии кӯдакони гуреза ба таҳсили ибтидоӣ ба 87,5 % расид.",
                    "Бақайдгирии таваллуди кӯдакони то панҷсола: 96 %."),
        "source": "Маълумоти аҳолии КОА СММ", "note": "Ҳуҷайраҳои 1–4 нафар ҳамчун <5 нишон дода шудаанд.",
        "plan": "Нақшаи муштарак: маориф",
        "narrative": "Дувоздаҳ мактаб дар Ваҳдат маҷмӯаҳои таълимӣ гирифтанд; омӯзиши "
                     "муаллимон дар Рашт ва ноҳияҳои тобеи ҷумҳурӣ идома дорад.",
    },
}


def make_deck(language: str) -> Deck:
    w = WORDS[language]
    regions = pl.DataFrame([
        cell({"region": "TJ-DU"}, 718.0, "718"), cell({"region": "TJ-GB"}, None, "<5", SUPPRESSED),
        cell({"region": "TJ-KT"}, 331.0, "331"), cell({"region": "TJ-RA"}, 7313.0, "7,313"),
        cell({"region": TOTAL}, 8365.0, "8,365"),
    ])
    years = pl.DataFrame([cell({}, v, f"{v:,.0f}", period=str(y))
                          for y, v in zip(range(2019, 2026), (6200.0, 6900.0, 7400.0, 7900.0,
                                                              8100.0, 8300.0, 8365.0), strict=True)])
    ages = pl.DataFrame([cell({"sex": s, "age_group": a}, v, f"{v:,.0f}") for s, a, v in
                         [("M", "0-4", 400.0), ("F", "0-4", 380.0), ("M", "5-11", 650.0),
                          ("F", "5-11", 610.0), ("M", "18-59", 1200.0), ("F", "18-59", 1100.0)]])
    by_region = fig.bars(regions, "region", title=w["by_region"], unit="persons",
                         names=REGION_NAMES[language])
    sources = (w["source"],)
    return Deck(
        title=w["deck"], period="2025", audience="donor", language=language, as_of=w["as_of"],
        branding=w["branding"],
        slides=(
            Slide("caseload", w["caseload"], headline="8,365", headline_label=w["label"],
                  sentence=w["sentence"], figure=by_region, sources=sources, note=w["note"]),
            Slide("trend", w["trend_title"], headline="+35 %", headline_label=w["trend"],
                  figure=fig.trend(years, title=w["trend"], unit="persons"), sources=sources),
            Slide("pyramid", w["pyramid"], sentence=w["sentence"],
                  figure=fig.pyramid(ages, title=w["pyramid_chart"]), sources=sources),
            Slide("what-changed", w["changed"], sentence=w["sentence"], bullets=w["bullets"],
                  sources=(w["source"], "UNICEF EMIS")),
            Slide("plan-area-2", w["plan"], headline="12", headline_label=w["label"],
                  bullets=(w["narrative"],) * 3),
        ))


DECKS = {language: make_deck(language) for language in WORDS}


def stand_in_images(deck: Deck) -> images.Rendering:
    """Chart images without a browser: a plain PNG of the real images' size and shape."""
    buffer = io.BytesIO()
    Image.new("RGB", (240, 153), "#0072BC").save(buffer, format="PNG")
    return images.Rendering({s.key: buffer.getvalue() for s in deck.slides if s.figure is not None})


@pytest.fixture(scope="module")
def written() -> dict[str, tuple[bytes, bytes]]:
    """(pptx, pdf) of each language's deck, with stand-in images."""
    return {language: (write_pptx(deck, stand_in_images(deck)), write_pdf(deck, stand_in_images(deck)))
            for language, deck in DECKS.items()}


def named(page) -> dict[str, list]:
    shapes: dict[str, list] = {}
    for shape in page.shapes:
        shapes.setdefault(shape.name, []).append(shape)
    return shapes


def words(text: str) -> str:
    """Text with its line breaks and runs of spaces made single spaces (wrapped lines)."""
    return " ".join(text.split())


# --------------------------------------------------------------------------- PPTX
@pytest.mark.parametrize("language", list(DECKS))
def test_pptx_has_one_slide_per_slide_in_order_with_title_headline_and_footer(written, language):
    deck = DECKS[language]
    presentation = Presentation(io.BytesIO(written[language][0]))
    assert (presentation.slide_width, presentation.slide_height) == (12192000, 6858000)  # 16:9
    assert len(presentation.slides) == len(deck.slides)
    for number, (page, slide) in enumerate(zip(presentation.slides, deck.slides, strict=True), 1):
        shapes = named(page)
        assert page.shapes.title.text == slide.title  # the title placeholder: PowerPoint's outline
        if slide.headline:
            assert [s.text for s in shapes["Headline"]] == [slide.headline]
        if slide.headline_label:
            assert [s.text for s in shapes["Headline label"]] == [slide.headline_label]
        if slide.sentence:
            assert [s.text for s in shapes["Sentence"]] == [slide.sentence]
        if slide.bullets:
            (box,) = shapes["Bullets"]
            assert [p.text for p in box.text_frame.paragraphs] == list(slide.bullets)
            assert all(p._p.pPr.find("{*}buChar") is not None for p in box.text_frame.paragraphs)
        if slide.note:
            assert [s.text for s in shapes["Note"]] == [slide.note]
        (footer,) = shapes["Footer"]
        assert footer.text.startswith(f"{deck.period} · ")
        assert deck.as_of in footer.text
        assert all(source in footer.text for source in slide.sources)
        (branding,) = shapes["Branding"]
        assert branding.text == deck.branding
        assert [s.text for s in shapes["Slide number"]] == [f"{number} / {len(deck.slides)}"]
        pictures = [s for s in page.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
        assert len(pictures) == (1 if slide.figure is not None else 0)
        for picture in pictures:
            assert picture.name == "Chart"
            assert picture._element.nvPicPr.cNvPr.get("descr")  # alternative text
            # the picture keeps the rendered image's proportions
            assert abs(picture.width / picture.height - 800 / 510) < 0.01


def test_pptx_text_is_real_text_in_lato_tagged_with_the_language_and_properties_set(written):
    presentation = Presentation(io.BytesIO(written["ru"][0]))
    runs = [run for page in presentation.slides for shape in page.shapes if shape.has_text_frame
            for paragraph in shape.text_frame.paragraphs for run in paragraph.runs]
    assert runs and all(run.font.name == layout.fonts().family for run in runs)
    assert all(run.font.language_id == MSO_LANGUAGE_ID.RUSSIAN for run in runs)
    properties = presentation.core_properties
    assert properties.title == DECKS["ru"].title
    assert properties.language == "ru-RU"
    assert properties.subject == "2025"
    tajik = Presentation(io.BytesIO(written["tg"][0]))
    text = "".join(shape.text_frame.text for page in tajik.slides for shape in page.shapes
                   if shape.has_text_frame)
    assert set(TAJIK_LETTERS) <= set(text)
    assert tajik.core_properties.language == "tg-TJ"


def test_footer_words_are_in_the_decks_language(written):
    footers = {language: named(Presentation(io.BytesIO(pair[0])).slides[0])["Footer"][0].text
               for language, pair in written.items()}
    assert "Data as of 31 Dec 2025" in footers["en"] and "Sources:" in footers["en"]
    assert "Данные на 31 дек. 2025 г." in footers["ru"] and "Источники:" in footers["ru"]
    assert "Маълумот ба ҳолати 31 дек. 2025" in footers["tg"] and "Манбаъҳо:" in footers["tg"]


# --------------------------------------------------------------------------- PDF
@pytest.mark.parametrize("language", list(DECKS))
def test_pdf_pages_hold_the_slides_text_extractable(written, language):
    deck = DECKS[language]
    reader = PdfReader(io.BytesIO(written[language][1]))
    assert len(reader.pages) == len(deck.slides)
    for number, (page, slide) in enumerate(zip(reader.pages, deck.slides, strict=True), 1):
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert width > height and abs(width / height - 16 / 9) < 0.01  # landscape 16:9
        text = words(page.extract_text())
        expected = [slide.title, slide.headline, slide.headline_label, slide.sentence, slide.note,
                    *slide.bullets, deck.as_of, *slide.sources, f"{number} / {len(deck.slides)}"]
        for piece in filter(None, expected):
            assert words(piece) in text, (slide.key, piece)
        assert words(deck.branding) in text
        pictures = list(page.images)
        assert len(pictures) == (1 if slide.figure is not None else 0)


def test_pdf_embeds_lato_and_carries_title_and_language(written):
    data = written["tg"][1]
    reader = PdfReader(io.BytesIO(data))
    assert reader.metadata.title == DECKS["tg"].title
    assert reader.trailer["/Root"]["/Lang"] == "tg-TJ"
    fonts = {font["/BaseFont"]: font for page in reader.pages
             for font in (f.get_object() for f in page["/Resources"]["/Font"].values())}
    assert fonts and all("Lato" in name for name in fonts)
    for font in fonts.values():  # embedded (subset) TrueType with a Unicode map
        descendant = font["/DescendantFonts"][0].get_object()
        assert "/FontFile2" in descendant["/FontDescriptor"] and "/ToUnicode" in font
    text = "".join(page.extract_text() for page in reader.pages)
    assert set(TAJIK_LETTERS) <= set(text)
    assert [item.title for item in reader.outline] == [s.title for s in DECKS["tg"].slides]


def test_dejavu_when_lato_is_missing(monkeypatch, tmp_path):
    monkeypatch.setattr(layout, "FONT_DIRS", (tmp_path / "no-lato", layout.FONT_DIRS[1]))
    layout.fonts.cache_clear()
    layout._font.cache_clear()
    try:
        if not layout.fonts().files[""].is_file():
            pytest.skip("DejaVu is not installed either")
        assert layout.fonts().family == "DejaVu Sans"
        deck = DECKS["tg"]
        reader = PdfReader(io.BytesIO(write_pdf(deck, stand_in_images(deck))))
        assert deck.slides[0].title in reader.pages[0].extract_text()
        monkeypatch.setattr(layout, "FONT_DIRS", (tmp_path / "a", tmp_path / "b"))
        layout.fonts.cache_clear()
        with pytest.raises(layout.FontMissing, match="fonts-lato"):
            layout.fonts()
    finally:
        monkeypatch.undo()
        layout.fonts.cache_clear()
        layout._font.cache_clear()


DARI = "مهاجرین افغان در ولایت ختلان"  # "Afghan refugees in Khatlon province"
CHINESE = "中文"


def test_text_lato_lacks_is_drawn_in_dejavu_and_nothing_vanishes_silently(caplog):
    """A Dari name or narrative (Arabic script) is drawn in DejaVu Sans, fpdf2's fallback font,
    and can be extracted again; a character no installed font covers (Chinese) is drawn as
    "�" with a warning, not dropped; the layout measures what is drawn."""
    if layout.fallback_fonts() is None:
        pytest.skip("Lato or DejaVu Sans is not installed")
    deck = Deck(title="Dari", period="2025", audience="donor", language="en",
                as_of="31 Dec 2025", branding="UNHCR · UNICEF", slides=(
                    Slide("dari", "Afghan refugees", headline="1,234", headline_label=DARI,
                          sentence=f"Dari: {DARI}; Chinese: {CHINESE}.", bullets=(DARI,)),))
    with caplog.at_level("WARNING", logger="briefing.layout"):
        data = write_pdf(deck, images.Rendering())
    reader = PdfReader(io.BytesIO(data))
    text = reader.pages[0].extract_text()
    letters = {c for c in DARI if not c.isspace()}
    assert letters <= set(text)  # every Dari letter is on the page (drawn right to left)
    # each word whole (pypdf reads the right-to-left glyph runs back to front)
    assert all(word in text or word[::-1] in text for word in DARI.split())
    assert "Dari: " in text and "\ufffd\ufffd" in text  # the Chinese is marked, not lost
    assert any("U+4E2D" in r.getMessage() for r in caplog.records)
    fonts = {font["/BaseFont"] for font in (f.get_object() for f in reader.pages[0][
        "/Resources"]["/Font"].values())}
    assert any("DejaVu" in name for name in fonts) and any("Lato" in name for name in fonts)
    # measuring: the Dari runs in DejaVu (Lato would measure its empty .notdef boxes)
    dejavu = layout.ImageFont.truetype(str(layout.fallback_fonts().files[""]), 200)
    assert layout.text_width(DARI, 20) == pytest.approx(
        sum(dejavu.getlength(word) for word in DARI.split()) / 10 / 72
        + DARI.count(" ") * layout._font("", 20).getlength(" ") / 10 / 72, rel=1e-6)
    assert layout.uncovered(f"{DARI} {CHINESE} Тоҷикӣ") == list(CHINESE)
    assert layout.visible_text("Тоҷикӣ") == "Тоҷикӣ"
    # the PowerPoint keeps the text as it is (PowerPoint picks a font for each script)
    pptx = Presentation(io.BytesIO(write_pptx(deck, images.Rendering())))
    shown = " ".join(shape.text_frame.text for shape in pptx.slides[0].shapes
                     if shape.has_text_frame)
    assert DARI in shown and CHINESE in shown


# --------------------------------------------------------------------------- layout
def test_text_shrinks_to_fit_its_box_and_nothing_overlaps():
    long = " ".join(["Returns to Afghanistan rose from 66 to 1,421 persons."] * 12)
    slide = Slide("long", "A title " * 12, headline="1,234,567", headline_label="label " * 20,
                  sentence=long, figure=DECKS["en"].slides[0].figure, bullets=(long,) * 4,
                  note="withheld " * 30)
    parts = layout.body_parts(slide)
    for part in parts:
        smallest = layout.SIZES["bullets" if part.kind == "bullets" else part.kind][1]
        indent = layout.BULLET_INDENT if part.kind == "bullets" else 0
        lines = sum(len(layout.wrap(p, part.size, part.box.w * 0.97 - indent, part.style))
                    for p in part.paragraphs)
        assert part.size == smallest or lines * layout.line_height(part.size) <= part.box.h + 1e-6
        assert part.box.y + part.box.h <= layout.FOOTER_RULE_Y
        if part.kind != "note":  # text column and chart side by side
            assert part.box.x + part.box.w <= layout.CHART.x
    ordered = sorted((p for p in parts if p.kind != "note"), key=lambda p: p.box.y)
    for upper, lower in zip(ordered, ordered[1:], strict=False):
        assert upper.box.y + upper.box.h <= lower.box.y + 1e-6
    assert layout.title_part(slide).size < layout.SIZES["title"][0]


# --------------------------------------------------------------------------- chart images
@pytest.fixture(scope="module")
def rendered() -> dict[str, images.Rendering]:
    """Every chart of the three decks, drawn in one Chromium session (once for the module)."""
    figures = {f"{language}:{s.key}": s.figure for language, deck in DECKS.items()
               for s in deck.slides if s.figure is not None}
    everything = images.render(figures)
    print(f"\n{everything.summary()}")
    per_deck = {}
    for language in DECKS:
        prefix = f"{language}:"
        per_deck[language] = images.Rendering(
            {k.removeprefix(prefix): v for k, v in everything.images.items() if k.startswith(prefix)},
            {k.removeprefix(prefix): v for k, v in everything.seconds.items() if k.startswith(prefix)},
            everything.startup, everything.total)
    return per_deck


@pytest.mark.browser
def test_charts_are_sharp_pngs_of_the_fixed_size_each_timed(rendered):
    for language, rendering in rendered.items():
        keys = [s.key for s in DECKS[language].slides if s.figure is not None]
        assert list(rendering.images) == keys
        for key, png in rendering.images.items():
            with Image.open(io.BytesIO(png)) as image:
                assert image.format == "PNG"
                assert image.size == (800 * 3, 510 * 3)
            assert 0 < rendering.seconds[key] < 30
    assert rendered["en"].startup > 0


@pytest.mark.browser
@pytest.mark.parametrize("language", ["en", "tg"])
def test_deck_with_real_charts(rendered, language, tmp_path):
    deck = DECKS[language]
    pptx = write_pptx(deck, rendered[language])
    presentation = Presentation(io.BytesIO(pptx))
    blobs = [s.image.blob for page in presentation.slides for s in page.shapes
             if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
    assert blobs == list(rendered[language].images.values())
    pdf = write_pdf(deck, rendered[language])
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == len(deck.slides)
    assert deck.slides[0].figure.layout.title.text not in "".join(
        p.extract_text() for p in reader.pages)  # the chart's own words are in its image only
    artifacts = REPO / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    (artifacts / f"deck-{language}.pptx").write_bytes(pptx)
    (artifacts / f"deck-{language}.pdf").write_bytes(pdf)


@pytest.mark.browser
def test_charts_fetch_nothing(monkeypatch):
    """Kaleido is started on the system Chromium with the packaged plotly.js, no MathJax, and a
    dead proxy; the page it loads names no remote script."""
    import kaleido

    seen = {}
    original_init = kaleido.Kaleido.__init__
    original_index = kaleido.PageGenerator.generate_index

    def init(self, *args, **kwargs):
        seen["kwargs"] = kwargs
        original_init(self, *args, **kwargs)

    def index(self):
        seen["page"] = original_index(self)
        return seen["page"]

    monkeypatch.setattr(kaleido.Kaleido, "__init__", init)
    monkeypatch.setattr(kaleido.PageGenerator, "generate_index", index)
    result = images.render({"one": DECKS["en"].slides[0].figure})
    assert result.images["one"].startswith(b"\x89PNG")
    kwargs = seen["kwargs"]
    assert kwargs["mathjax"] is False
    assert kwargs["plotlyjs"] == images.PLOTLY_JS.as_uri() and images.PLOTLY_JS.is_file()
    assert Path(kwargs["path"]).resolve() == Path(images.chromium_path()).resolve()
    assert kwargs["proxy_server"] == images.NO_NETWORK_PROXY
    scripts = re.findall(r'<script src="([^"]+)"', seen["page"])
    assert scripts and all(src.startswith("file://") for src in scripts), scripts


def test_a_geo_trace_is_refused_rather_than_fetching_outlines():
    import plotly.graph_objects as go

    figure = go.Figure(go.Scattergeo(lon=[68.8], lat=[38.5]))
    with pytest.raises(images.ChartRenderError, match="network"):
        images.render({"map": figure})


def test_missing_chromium_is_explained_and_never_downloaded(monkeypatch):
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    with pytest.raises(images.ChartRenderError, match="BROWSER_PATH"):
        images.render({"one": DECKS["en"].slides[0].figure})


def test_browser_path_is_set_to_the_system_chromium(monkeypatch):
    monkeypatch.delenv("BROWSER_PATH", raising=False)
    if not shutil.which("chromium") and not images.SYSTEM_CHROMIUM.exists():
        pytest.skip("no system Chromium")
    path = images.chromium_path()
    assert os.environ["BROWSER_PATH"] == path


# --------------------------------------------------------------------------- hamkori brief
@pytest.mark.parametrize(("arguments", "code", "message"), [
    (["--audience", "press"], 1, "unknown audience 'press'; one of unhcr, unicef, donor, admin"),
    (["--format", "docx"], 2, "Invalid value for '--format'"),
    (["--period", "2025-Q3"], 1, "a briefing covers a reporting year"),
    (["--period", str(date.today().year + 1)], 1, "a briefing covers a reporting year"),
    (["--region", "TJ-XX"], 1, "unknown region 'TJ-XX'"),
    (["--lang", "de"], 2, "Invalid value for '--lang'"),
])
def test_brief_refuses_bad_options_clearly(run, tmp_path, arguments, code, message):
    out = tmp_path / "deck.pptx"
    result = run("brief", "--out", str(out), *arguments)
    assert result.exit_code == code, result.output
    assert message in result.output
    assert not out.exists()


def test_brief_needs_a_known_format_and_an_existing_folder(run, tmp_path):
    result = run("brief", "--out", str(tmp_path / "deck.docx"))
    assert result.exit_code == 1 and "--format pptx or --format pdf" in result.output
    result = run("brief", "--out", str(tmp_path / "missing" / "deck.pdf"))
    assert result.exit_code == 1 and "does not exist" in result.output


def test_brief_on_a_missing_warehouse_says_to_initialise_it(run, tmp_path):
    out = tmp_path / "deck.pdf"
    result = run("brief", "--out", str(out), "--period", "2025")
    assert result.exit_code == 2 and "hamkori init" in result.output
    assert not out.exists()


def test_brief_on_a_broken_warehouse_exits_2(tmp_path, monkeypatch):
    broken = tmp_path / "broken.sqlite"
    broken.write_bytes(b"this is not a database" * 100)
    monkeypatch.setenv("HAMKORI_WAREHOUSE_URL", f"sqlite:///{broken}")
    result = CliRunner().invoke(main, ["brief", "--out", str(tmp_path / "d.pdf")])
    assert result.exit_code == 2 and "warehouse" in result.output


def test_console_script_finds_the_briefing_package():
    """`hamkori brief` runs from the installed script, where the repository is not on the path."""
    script = Path(sys.executable).with_name("hamkori")
    out = subprocess.run([str(script), "brief", "--help"], capture_output=True, text=True,
                         cwd="/", check=True)
    assert "--audience" in out.stdout
    probe = subprocess.run([sys.executable, "-c", "import briefing.pptx_deck, pages._figures"],
                           capture_output=True, text=True, cwd="/")
    assert probe.returncode == 0, probe.stderr


# --------------------------------------------------------------------------- on the demo warehouse
#: A whole number 1 … 4 standing alone (not part of 14, 2.5, 1,421, nor a bound of a range such
#: as the age band 0-4).
SMALL = re.compile(r"(?<![\d.,\-–])[1-4](?![\d\-–]|[.,]\d)")
PEOPLE_AXES = {"Persons", "Cases"}


def offline_prefix() -> list[str]:
    """`unshare -rn` (a network namespace with no interface up) when the machine allows it."""
    unshare = shutil.which("unshare")
    if unshare and subprocess.run([unshare, "-rn", "true"], capture_output=True).returncode == 0:
        return [unshare, "-rn"]
    return []


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory) -> str:
    import demo_warehouse

    return demo_warehouse.build(tmp_path_factory.mktemp("deck") / "demo.sqlite")


@pytest.fixture(scope="module")
def briefs(demo_url, tmp_path_factory) -> dict[str, Path]:
    """`hamkori brief` as a user runs it — the installed script, in a process of its own, with
    no network at all where the machine allows it: the donor deck as PPTX and as PDF, and the
    Russian one, and the donor deck of the smallest region."""
    folder = tmp_path_factory.mktemp("briefs")
    script = str(Path(sys.executable).with_name("hamkori"))
    env = {**os.environ, "HAMKORI_WAREHOUSE_URL": demo_url,
           "HAMKORI_USER": "deck.tester"}
    made = {}
    for name, arguments in {
        "donor.pptx": ["--audience", "donor", "--period", "2025", "--format", "pptx"],
        "donor.pdf": ["--audience", "donor", "--period", "2025", "--format", "pdf"],
        "ru.pptx": ["--audience", "donor", "--period", "2025", "--format", "pptx", "--lang", "ru"],
        # the smallest region: where small counts are (with exact counts it says "1")
        "donor-gb.pptx": ["--audience", "donor", "--period", "2025", "--region", "TJ-GB"],
    }.items():
        out = folder / name
        done = subprocess.run([*offline_prefix(), script, "brief", *arguments, "--out", str(out)],
                              capture_output=True, text=True, env=env, cwd="/", timeout=300)
        assert done.returncode == 0, done.stderr
        assert f"wrote {out}" in done.stdout
        print(done.stderr.strip(), done.stdout.strip())
        made[name] = out
    return made


def built(demo_url, language: str = "en", region: str | None = None) -> Deck:
    from briefing import content
    from data_access.engine import make_engine

    engine = make_engine(demo_url)
    try:
        return content.build_deck(content.WarehouseSource(engine), audience="donor", year=2025,
                                  language=language, region=region)
    finally:
        engine.dispose()


@pytest.mark.browser
@pytest.mark.slow
def test_brief_writes_the_donor_deck_and_audits_it(briefs, demo_url):
    deck = built(demo_url)
    presentation = Presentation(str(briefs["donor.pptx"]))
    assert [page.shapes.title.text for page in presentation.slides] == [s.title for s in deck.slides]
    for page, slide in zip(presentation.slides, deck.slides, strict=True):
        shapes = named(page)
        if slide.headline:
            assert shapes["Headline"][0].text == slide.headline
        assert "UNHCR · UNICEF" in shapes["Branding"][0].text
        assert deck.period in shapes["Footer"][0].text and deck.as_of in shapes["Footer"][0].text
        pictures = [s for s in page.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
        assert len(pictures) == (slide.figure is not None)
    reader = PdfReader(str(briefs["donor.pdf"]))
    assert len(reader.pages) == len(deck.slides)
    for page, slide in zip(reader.pages, deck.slides, strict=True):
        text = words(page.extract_text())
        for piece in filter(None, (slide.title, slide.headline, slide.headline_label)):
            assert words(piece) in text, (slide.key, piece)

    from data_access import audit
    from data_access.engine import make_engine

    engine = make_engine(demo_url)
    logged = audit.events(engine, actions=["export"])
    engine.dispose()
    assert logged.height == len(briefs)
    assert set(logged.get_column("user_name")) == {"deck.tester"}
    assert set(logged.get_column("audience")) == {"donor"}
    assert set(logged.get_column("mode")) == {"cli"}
    assert set(logged.get_column("target")) == {"briefing 2025"}
    assert "wrote donor.pdf: pdf, " in " ".join(logged.get_column("detail"))


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize(("name", "region"), [("donor.pptx", None), ("donor-gb.pptx", "TJ-GB")])
def test_no_count_between_1_and_4_in_the_donor_deck(briefs, demo_url, name, region):
    """DOMAIN §7 on the exported deck: no standalone number 1 … 4 in any text the deck shows,
    nor among the people counts of its charts (checked in the figures' data, before they became
    images). Left out of the text check, each for its stated reason: the slide numbers, the
    period and the as-of date (the deck's own furniture); the gender parity index's definition
    "(1 = …"; and the joint-plan narratives, quoted as the agencies signed and shared them (free
    text, not counts from the data: a donor reads only shared ones)."""
    from data_access import plan
    from data_access.engine import make_engine

    deck = built(demo_url, region=region)
    engine = make_engine(demo_url)
    with engine.connect() as connection:
        narratives = sorted({n.strip() for n in plan.updates(connection, "donor")
                             .get_column("narrative") if n and n.strip()}, key=len, reverse=True)
    engine.dispose()
    found = []
    presentation = Presentation(str(briefs[name]))
    assert len(presentation.slides) == len(deck.slides)
    for number, page in enumerate(presentation.slides, 1):
        for shape in page.shapes:
            if not shape.has_text_frame or shape.name == "Slide number":
                continue
            text = shape.text_frame.text.replace(deck.as_of, " ").replace(deck.period, " ")
            text = text.replace("(1 = ", "(")
            for narrative in narratives:  # the longest first: one may end another
                text = text.replace(narrative, " ")
            found += [(number, shape.name, text[max(0, m.start() - 30):m.end() + 30])
                      for m in SMALL.finditer(text)]
    assert found == []
    for slide in deck.slides:
        if slide.figure is None:
            continue
        for trace in slide.figure.data:
            horizontal = getattr(trace, "orientation", None) == "h"
            axis = slide.figure.layout.xaxis if horizontal else slide.figure.layout.yaxis
            values = trace.x if horizontal else trace.y
            if (axis.title.text or "") in PEOPLE_AXES:
                found += [(slide.key, trace.name, v) for v in values or ()
                          if isinstance(v, int | float) and 1 <= abs(v) < 5]
            if (axis.title.text or "") in PEOPLE_AXES or slide.key == "where":
                for labels in (trace.text, trace.customdata, trace.hovertext):
                    if isinstance(labels, str):
                        labels = [labels]
                    found += [(slide.key, trace.name, t) for t in (labels if labels is not None
                                                                   else ()) if SMALL.search(str(t))]
    assert found == []


@pytest.mark.browser
@pytest.mark.slow
def test_the_russian_deck_has_russian_titles(briefs, demo_url):
    deck = built(demo_url, "ru")
    presentation = Presentation(str(briefs["ru.pptx"]))
    titles = [page.shapes.title.text for page in presentation.slides]
    assert titles == [s.title for s in deck.slides]
    cyrillic = re.compile("[А-Яа-яЁё]")
    assert all(cyrillic.search(title) for title in titles), titles
    assert presentation.core_properties.language == "ru-RU"
    footer = named(presentation.slides[1])["Footer"][0].text
    assert "Данные на" in footer


@pytest.mark.slow  # the demo warehouse
def test_brief_refuses_an_empty_warehouse_and_a_year_without_data(run, demo_url, tmp_path,
                                                                   monkeypatch):
    assert run("init").exit_code == 0
    result = run("brief", "--out", str(tmp_path / "d.pptx"), "--period", "2025")
    assert result.exit_code == 1 and "holds no data yet" in result.output
    monkeypatch.setenv("HAMKORI_WAREHOUSE_URL", demo_url)
    result = run("brief", "--out", str(tmp_path / "d.pptx"), "--period", "1995")
    assert result.exit_code == 1 and "no figures for 1995" in result.output
    assert not (tmp_path / "d.pptx").exists()


@pytest.mark.slow  # the demo warehouse
def test_brief_without_chromium_exits_2_and_writes_nothing(run, demo_url, tmp_path, monkeypatch):
    monkeypatch.setenv("HAMKORI_WAREHOUSE_URL", demo_url)
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "no-chromium"))
    out = tmp_path / "d.pdf"
    result = run("brief", "--out", str(out), "--period", "2025")
    assert result.exit_code == 2 and "the charts could not be drawn" in result.output
    assert "BROWSER_PATH" in result.output
    assert not out.exists() and not list(tmp_path.glob("*.partial"))


@pytest.mark.slow  # the demo warehouse
def test_brief_without_a_font_exits_2_and_writes_nothing(run, demo_url, tmp_path, monkeypatch):
    monkeypatch.setenv("HAMKORI_WAREHOUSE_URL", demo_url)
    monkeypatch.setattr(layout, "FONT_DIRS", (tmp_path / "a", tmp_path / "b"))
    layout.fonts.cache_clear()
    out = tmp_path / "d.pdf"
    try:
        result = run("brief", "--out", str(out), "--period", "2025")
    finally:
        monkeypatch.undo()
        layout.fonts.cache_clear()
    assert result.exit_code == 2 and "the deck's text cannot be drawn" in result.output
    assert "fonts-lato" in result.output
    assert not out.exists() and not list(tmp_path.glob("*.partial"))


@pytest.mark.browser
def test_charts_render_from_inside_a_running_event_loop():
    """The suite's Playwright (and an app) may hold the thread's event loop: kaleido then runs
    on a thread of its own."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    async def inside():
        return images.render({"one": DECKS["ru"].slides[0].figure})

    # the test's own loop on a thread of its own (the suite's Playwright may hold this one)
    with ThreadPoolExecutor(1) as pool:
        rendering = pool.submit(asyncio.run, inside()).result()
    assert rendering.images["one"].startswith(b"\x89PNG")
