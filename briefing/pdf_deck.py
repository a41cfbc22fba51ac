"""The briefing deck as PDF (fpdf2): one landscape 16:9 page per `Slide`, the PPTX's layout
(`briefing.layout`).

The fonts are embedded from the machine (Lato from /usr/share/fonts/truetype/lato/, which covers
Cyrillic with the Tajik letters; DejaVu Sans when Lato is missing), as subsets with their Unicode
map, so the text can be selected, searched and extracted. Characters Lato has no glyph for
(Dari/Arabic, symbols) are drawn in DejaVu Sans, fpdf2's fallback font, which `briefing.layout`
measures with too; one no installed font covers is drawn as "�" and logged, not dropped
silently (`layout.visible_text`). Only the charts are images (with the slide's sentence as their
alternative text). The document's title, subject and language are set.
"""

from __future__ import annotations

import io
import logging
from datetime import UTC, datetime

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from briefing import layout
from briefing.images import Rendering, render_deck
from briefing.layout import Box, Part
from briefing.model import Deck, Slide

# fontTools warns that Lato's 'created' timestamp "seems very low" each time the font is read.
logging.getLogger("fontTools.ttLib.tables._h_e_a_d").setLevel(logging.ERROR)


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16)


class _Document(FPDF):
    def __init__(self, deck: Deck):
        super().__init__(orientation="landscape", unit="in", format=(layout.PAGE_H, layout.PAGE_W))
        self.set_auto_page_break(False)
        self.set_margins(0, 0, 0)
        self.c_margin = 0
        fonts = layout.fonts()
        self.family = fonts.family
        for style, path in fonts.files.items():
            self.add_font(fonts.family, style, str(path))
        fallback = layout.fallback_fonts()
        if fallback is not None:  # glyphs Lato lacks (Arabic script, symbols)
            for style, path in fallback.files.items():
                self.add_font(fallback.family, style, str(path))
            self.set_fallback_fonts([fallback.family])
        self.set_title(deck.title)
        self.set_subject(deck.period)
        self.set_author(deck.branding)
        self.set_keywords(f"{deck.audience}; {deck.period}")
        self.set_creator("Hamkori")
        self.set_lang(layout.LANGUAGE_TAGS.get(deck.language, deck.language))
        self.set_creation_date(datetime.now(UTC))


def write_pdf(deck: Deck, images: Rendering | None = None) -> bytes:
    """The deck as a PDF file. `images` are the charts already drawn (`images.render_deck`);
    without them they are drawn here, in one Chromium session."""
    images = images if images is not None else render_deck(deck)
    pdf = _Document(deck)
    for number, slide in enumerate(deck.slides, start=1):
        pdf.add_page()
        pdf.start_section(slide.title)  # the PDF's outline: one entry per slide
        _text(pdf, layout.title_part(slide), anchor="bottom")
        _rule(pdf, layout.TITLE_RULE, layout.BLUE)
        for part in layout.body_parts(slide):
            _text(pdf, part)
        if slide.figure is not None:
            _chart(pdf, slide, images.images.get(slide.key))
        _rule(pdf, Box(layout.MARGIN, layout.FOOTER_RULE_Y, layout.CONTENT_W, 0.01), layout.RULE)
        for part in layout.footer_parts(deck, slide, number):
            _text(pdf, part, anchor="middle")
    return bytes(pdf.output())


def _lines(pdf: FPDF, text: str, width: float) -> list[str]:
    return pdf.multi_cell(width, text=text, dry_run=True, output="LINES")


def _text(pdf: _Document, part: Part, anchor: str = "top") -> None:
    box = part.box
    pdf.set_font(pdf.family, part.style, part.size)
    pdf.set_text_color(*_rgb(part.colour))
    height = layout.line_height(part.size)
    bullets = part.kind == "bullets"
    indent = layout.BULLET_INDENT if bullets else 0.0
    y = box.y
    paragraphs = [layout.visible_text(p, part.style) for p in part.paragraphs]
    if anchor != "top":
        used = sum(len(_lines(pdf, p, box.w - indent)) for p in paragraphs) * height
        y += (box.h - used) if anchor == "bottom" else (box.h - used) / 2
    for index, text in enumerate(paragraphs):
        if bullets and index:
            y += height * 0.35
        if bullets:
            pdf.set_text_color(*_rgb(layout.BLUE))
            pdf.set_xy(box.x, y)
            pdf.cell(indent, height, layout.BULLET)
            pdf.set_text_color(*_rgb(part.colour))
        pdf.set_xy(box.x + indent, y)
        pdf.multi_cell(box.w - indent, height, text=text, align=part.align,
                       new_x=XPos.LEFT, new_y=YPos.NEXT)
        y = pdf.get_y()


def _chart(pdf: FPDF, slide: Slide, png: bytes | None) -> None:
    if png is None:
        raise ValueError(f"no chart image for slide {slide.key!r}")
    box = layout.CHART
    title = slide.figure.layout.title.text if slide.figure is not None else None
    description = " — ".join(t for t in (title, slide.sentence) if t) or slide.title
    pdf.image(io.BytesIO(png), x=box.x, y=box.y, w=box.w, h=box.h, alt_text=description)


def _rule(pdf: FPDF, box: Box, colour: str) -> None:
    pdf.set_fill_color(*_rgb(colour))
    pdf.rect(box.x, box.y, box.w, box.h, style="F")
