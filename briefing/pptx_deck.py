"""The briefing deck as PowerPoint (python-pptx): 16:9, one slide per `Slide` of the deck.

Each slide: the title (the slide's title placeholder, so it is in PowerPoint's outline), the
headline figure large with its label, the one sentence, the bullets, the chart as a picture (with
the sentence as its alternative text) and the note under it, and a footer — reporting period,
data as-of date, sources, the co-branding and the slide number. All text is real text in Lato,
tagged with the deck's language; only the chart is an image. The layout is `briefing.layout`'s,
the same as the PDF's. Shapes are named after their part ("Headline", "Footer", "Chart", …).
"""

from __future__ import annotations

import io
from datetime import UTC, datetime

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.lang import MSO_LANGUAGE_ID
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Inches, Pt

from briefing import layout
from briefing.images import Rendering, render_deck
from briefing.layout import Box, Part
from briefing.model import Deck, Slide

TITLE_ONLY = 5  # the default template's "Title Only" layout
LANGUAGE_IDS = {"en": MSO_LANGUAGE_ID.ENGLISH_UK, "ru": MSO_LANGUAGE_ID.RUSSIAN,
                "tg": MSO_LANGUAGE_ID.TAJIK}
NAMES = {"title": "Title", "headline": "Headline", "label": "Headline label",
         "sentence": "Sentence", "bullets": "Bullets", "note": "Note", "footer": "Footer",
         "branding": "Branding", "number": "Slide number"}


def write_pptx(deck: Deck, images: Rendering | None = None) -> bytes:
    """The deck as a .pptx file. `images` are the charts already drawn (`images.render_deck`);
    without them they are drawn here, in one Chromium session."""
    images = images if images is not None else render_deck(deck)
    presentation = Presentation()
    presentation.slide_width, presentation.slide_height = Inches(layout.PAGE_W), Inches(layout.PAGE_H)
    _properties(presentation, deck)
    language = LANGUAGE_IDS.get(deck.language, MSO_LANGUAGE_ID.ENGLISH_UK)
    family = layout.fonts().family
    for number, slide in enumerate(deck.slides, start=1):
        page = presentation.slides.add_slide(presentation.slide_layouts[TITLE_ONLY])
        _title(page, layout.title_part(slide), family, language)
        for part in layout.body_parts(slide):
            _text(page, part, family, language)
        if slide.figure is not None:
            _chart(page, slide, images.images.get(slide.key))
        _rule(page, layout.TITLE_RULE, layout.BLUE, "Title rule")
        _rule(page, Box(layout.MARGIN, layout.FOOTER_RULE_Y, layout.CONTENT_W, 0.01), layout.RULE,
              "Footer rule")
        for part in layout.footer_parts(deck, slide, number):
            _text(page, part, family, language)
    buffer = io.BytesIO()
    presentation.save(buffer)
    return buffer.getvalue()


def _properties(presentation, deck: Deck) -> None:
    core = presentation.core_properties
    core.title = deck.title
    core.subject = deck.period
    core.language = layout.LANGUAGE_TAGS.get(deck.language, deck.language)
    core.author = deck.branding
    core.last_modified_by = deck.branding
    core.keywords = f"{deck.audience}; {deck.period}"
    core.category = "briefing"
    core.revision = 1
    now = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    core.created = core.modified = now


def _place(shape, box: Box) -> None:
    shape.left, shape.top = Inches(box.x), Inches(box.y)
    shape.width, shape.height = Inches(box.w), Inches(box.h)


def _frame(text_frame) -> None:
    text_frame.word_wrap = True
    text_frame.auto_size = MSO_AUTO_SIZE.NONE
    text_frame.margin_left = text_frame.margin_right = 0
    text_frame.margin_top = text_frame.margin_bottom = 0


def _run(paragraph, text: str, part: Part, family: str, language) -> None:
    run = paragraph.add_run()
    run.text = text
    font = run.font
    font.name = family
    font.size = Pt(part.size)
    font.bold = "B" in part.style
    font.italic = "I" in part.style
    font.color.rgb = RGBColor.from_string(part.colour)
    font.language_id = language


def _title(page, part: Part, family: str, language) -> None:
    shape = page.shapes.title
    _place(shape, part.box)
    shape.name = NAMES["title"]
    frame = shape.text_frame
    _frame(frame)
    frame.vertical_anchor = MSO_ANCHOR.BOTTOM
    frame.clear()
    paragraph = frame.paragraphs[0]
    paragraph.alignment = PP_ALIGN.LEFT
    _run(paragraph, part.paragraphs[0], part, family, language)


def _text(page, part: Part, family: str, language) -> None:
    box = part.box
    shape = page.shapes.add_textbox(Inches(box.x), Inches(box.y), Inches(box.w), Inches(box.h))
    shape.name = NAMES[part.kind]
    frame = shape.text_frame
    _frame(frame)
    if part.kind in ("footer", "branding", "number"):
        frame.vertical_anchor = MSO_ANCHOR.MIDDLE
    for index, text in enumerate(part.paragraphs):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        paragraph.alignment = PP_ALIGN.RIGHT if part.align == "R" else PP_ALIGN.LEFT
        paragraph.line_spacing = layout.LINE_SPACING * 0.83  # PowerPoint's single ≈ 1.2 em
        if part.kind == "bullets":
            if index:
                paragraph.space_before = Pt(part.size * layout.LINE_SPACING * 0.35)
            _bullet(paragraph, family)
        _run(paragraph, text, part, family, language)


def _bullet(paragraph, family: str) -> None:
    """A real bullet (hanging indent, bullet character), not a '•' typed into the text."""
    properties = paragraph._p.get_or_add_pPr()
    properties.set("marL", str(Inches(layout.BULLET_INDENT)))
    properties.set("indent", str(-Inches(layout.BULLET_INDENT)))
    for tag in ("a:buClr", "a:buFont", "a:buChar"):
        for old in properties.findall(qn(tag)):
            properties.remove(old)
    colour = properties.makeelement(qn("a:buClr"), {})
    colour.append(colour.makeelement(qn("a:srgbClr"), {"val": layout.BLUE}))
    properties.append(colour)
    properties.append(properties.makeelement(qn("a:buFont"), {"typeface": family}))
    properties.append(properties.makeelement(qn("a:buChar"), {"char": layout.BULLET}))


def _chart(page, slide: Slide, png: bytes | None) -> None:
    box = layout.CHART
    if png is None:  # drawn nowhere: say so rather than leave a hole
        raise ValueError(f"no chart image for slide {slide.key!r}")
    picture = page.shapes.add_picture(io.BytesIO(png), Inches(box.x), Inches(box.y),
                                      Inches(box.w), Inches(box.h))
    picture.name = "Chart"
    title = slide.figure.layout.title.text if slide.figure is not None else None
    description = " — ".join(t for t in (title, slide.sentence) if t)
    picture._element.nvPicPr.cNvPr.set("descr", description or slide.title)


def _rule(page, box: Box, colour: str, name: str) -> None:
    shape = page.shapes.add_shape(MSO_SHAPE.RECTANGLE, Inches(box.x), Inches(box.y),
                                  Inches(box.w), Inches(box.h))
    shape.name = name
    shape.fill.solid()
    shape.fill.fore_color.rgb = RGBColor.from_string(colour)
    shape.line.fill.background()
    shape.shadow.inherit = False
