"""The one layout the PPTX and the PDF deck share: a 16:9 page, where each part of a slide goes,
type sizes, colours, the fonts (Lato from the machine, DejaVu when Lato is missing), the footer's
words in the deck's language, and text fitted into its box by measuring it with the font itself
(so that both writers choose the same size, and nothing overflows a box).

Text Lato has no glyph for (Dari/Arabic, other scripts, symbols) is drawn in DejaVu Sans, the
fallback font (`fallback_fonts`; the PDF gives fpdf2 the same one, `FPDF.set_fallback_fonts`),
and measured in it here, so the measuring and the drawing agree. A character neither font
covers (Chinese, most emoji) is drawn as U+FFFD "�" and logged (`visible_text`), never dropped
silently. Arabic script is drawn right to left but without joining the letters (fpdf2 shapes
text only with uharfbuzz, which is not installed): legible, searchable, not typeset.

Geometry is in inches on a 13.333 × 7.5 in page (PowerPoint's 16:9 size).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from fontTools.ttLib import TTFont
from PIL import ImageFont

import locales
from briefing.model import Deck, Slide
from locales import pgettext

PAGE_W, PAGE_H = 40 / 3, 7.5  # 13.333 in: PowerPoint's 16:9 (12,192,000 × 6,858,000 EMU)
MARGIN = 0.5
CONTENT_W = PAGE_W - 2 * MARGIN

NAVY = "18375F"
BLUE = "0072BC"
GREY = "5A5A5A"
RULE = "D0D7E1"

#: The chart image: its size in CSS pixels (the figures' 16 px type reads as ~11 pt on the slide)
#: and the scale rendered at (3 × for a sharp image on a projector or when zoomed).
CHART_PX = (800, 510)
CHART_SCALE = 3


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float


TITLE = Box(MARGIN, 0.32, CONTENT_W, 0.8)
TITLE_RULE = Box(MARGIN, 1.16, 1.6, 0.05)
BODY_TOP, BODY_BOTTOM = 1.4, 6.55
#: Chart slides: text on the left, the chart on the right with its note underneath.
TEXT_COLUMN = Box(MARGIN, BODY_TOP, 4.25, BODY_BOTTOM - BODY_TOP)
CHART = Box(5.0, BODY_TOP, PAGE_W - MARGIN - 5.0, (PAGE_W - MARGIN - 5.0) * CHART_PX[1] / CHART_PX[0])
NOTE = Box(CHART.x, CHART.y + CHART.h + 0.05, CHART.w, BODY_BOTTOM + 0.2 - (CHART.y + CHART.h + 0.05))
#: Slides without a chart: the text takes the whole width.
WIDE_COLUMN = Box(MARGIN, BODY_TOP, CONTENT_W, BODY_BOTTOM - BODY_TOP)
FOOTER_RULE_Y = 6.86
FOOTER = Box(MARGIN, 6.94, 8.1, 0.42)
BRANDING = Box(8.7, 6.94, 3.4, 0.42)
NUMBER = Box(12.2, 6.94, PAGE_W - MARGIN - 12.2, 0.42)

#: (largest, smallest) type sizes in points; text shrinks to fit its box, never below the smallest.
SIZES = {"title": (30, 18), "headline": (60, 28), "label": (18, 12), "sentence": (20, 12),
         "bullets": (16, 10), "bullets_wide": (20, 10), "note": (11, 8), "footer": (10, 7), "branding": (13, 9),
         "number": (10, 10)}
LINE_SPACING = 1.2  # line height as a multiple of the type size
BULLET = "•"
BULLET_INDENT = 0.25  # inches from the bullet to its text

FONT_DIRS = (Path("/usr/share/fonts/truetype/lato"), Path("/usr/share/fonts/truetype/dejavu"))
_FACES = {
    "Lato": {"": "Lato-Regular.ttf", "B": "Lato-Bold.ttf", "I": "Lato-Italic.ttf"},
    "DejaVu Sans": {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf", "I": "DejaVuSans-Oblique.ttf"},
}


@dataclass(frozen=True)
class Fonts:
    family: str              # the name PowerPoint and the PDF know it by
    files: dict[str, Path]   # style ("", "B", "I") -> TrueType file


class FontMissing(RuntimeError):
    pass


_LOG = logging.getLogger(__name__)
#: Drawn for a character no installed font covers (DejaVu Sans has it).
REPLACEMENT = "\ufffd"


@cache
def fonts() -> Fonts:
    """Lato (covers Cyrillic with the Tajik letters ӣ ӯ ҳ қ ғ ҷ); DejaVu Sans when it is missing."""
    for folder, (family, faces) in zip(FONT_DIRS, _FACES.items(), strict=True):
        files = {style: folder / name for style, name in faces.items()}
        if all(path.is_file() for path in files.values()):
            return Fonts(family, files)
    raise FontMissing("neither Lato (fonts-lato) nor DejaVu Sans (fonts-dejavu-core) is installed "
                      f"under {' or '.join(str(d) for d in FONT_DIRS)}")


def fallback_fonts() -> Fonts | None:
    """DejaVu Sans, for the characters the main font has no glyph for (Arabic script, symbols);
    None when the main font is DejaVu Sans itself or DejaVu is not installed."""
    return _fallback_for(fonts().family, FONT_DIRS[1])


@cache
def _fallback_for(main_family: str, folder: Path) -> Fonts | None:
    family, faces = "DejaVu Sans", _FACES["DejaVu Sans"]
    if main_family == family:
        return None
    files = {style: folder / name for style, name in faces.items()}
    return Fonts(family, files) if all(path.is_file() for path in files.values()) else None


@cache
def _coverage(path: Path) -> frozenset[int]:
    """The code points a TrueType file has glyphs for."""
    with TTFont(str(path), lazy=True) as font:
        return frozenset(font.getBestCmap() or {})


def _drawn(character: str) -> bool:
    """Whether a character is drawn at all (not a space, a control or a joiner)."""
    return not character.isspace() and ord(character) >= 32 and character not in "\u200b\u200c\u200d\u200e\u200f\ufeff"


def _face(character: str, style: str) -> str:
    """"main", "fallback" or "none": the font a character is drawn in."""
    if not _drawn(character) or ord(character) in _coverage(fonts().files[style]):
        return "main"
    fallback = fallback_fonts()
    if fallback is not None and ord(character) in _coverage(fallback.files[style]):
        return "fallback"
    return "none"


def uncovered(text: str, style: str = "") -> list[str]:
    """The characters of `text` no installed font can draw, each once, in order."""
    return list(dict.fromkeys(c for c in text if _face(c, style) == "none"))


def visible_text(text: str, style: str = "") -> str:
    """`text` as the deck draws it: a character no installed font covers becomes "�" (a
    warning names them), rather than vanishing from the page."""
    missing = uncovered(text, style)
    if not missing:
        return text
    _LOG.warning("the deck's fonts have no glyph for %s: drawn as %s",
                 ", ".join(f"{c!r} (U+{ord(c):04X})" for c in missing), REPLACEMENT)
    return "".join(REPLACEMENT if c in missing else c for c in text)


@cache
def _font(style: str, size_pt: float, fallback: bool = False) -> ImageFont.FreeTypeFont:
    # Measured at 10 × the size in points, then scaled back: lengths come out in points.
    chosen = fallback_fonts() if fallback else None
    path = (chosen or fonts()).files[style]
    return ImageFont.truetype(str(path), round(size_pt * 10))


def text_width(text: str, size_pt: float, style: str = "") -> float:
    """Width of `text` in inches, each run in the font that draws it (the main font, else the
    fallback; a character neither covers as the "�" drawn instead, `visible_text`)."""
    if _coverage(fonts().files[style]).issuperset(map(ord, text)):  # the usual case: one run
        return _font(style, size_pt).getlength(text) / 10 / 72
    has_fallback = fallback_fonts() is not None
    width, run, face = 0.0, "", "main"
    for character in text:
        found = _face(character, style)
        if found == "none":
            character, found = REPLACEMENT, "fallback" if has_fallback else "main"
        kind = found
        if kind != face and run:
            width += _font(style, size_pt, face == "fallback").getlength(run)
            run = ""
        face = kind
        run += character
    if run:
        width += _font(style, size_pt, face == "fallback").getlength(run)
    return width / 10 / 72


def wrap(text: str, size_pt: float, width_in: float, style: str = "") -> list[str]:
    """Greedy word wrap of one paragraph (a word longer than the line stays whole)."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split():
            candidate = f"{line} {word}" if line else word
            if line and text_width(candidate, size_pt, style) > width_in:
                lines.append(line)
                line = word
            else:
                line = candidate
        lines.append(line)
    return lines


def line_height(size_pt: float) -> float:
    """Height of one line in inches."""
    return size_pt * LINE_SPACING / 72


def fit(paragraphs: list[str], kind: str, box_w: float, box_h: float, *, style: str = "",
        indent: float = 0.0, gap: float = 0.0) -> float:
    """The largest size (in half points) of `kind`'s range at which `paragraphs` fit the box;
    the smallest when nothing fits (the text then runs long rather than becoming unreadable).
    `indent` narrows every paragraph (bullets), `gap` is the space before each paragraph in
    multiples of the line height."""
    largest, smallest = SIZES[kind]
    size = float(largest)
    width = box_w * 0.97 - indent  # a little slack: renderers differ slightly in their metrics
    while size > smallest:
        lines = sum(len(wrap(p, size, width, style)) for p in paragraphs)
        height = lines * line_height(size) + gap * max(len(paragraphs) - 1, 0) * line_height(size)
        if height <= box_h:
            return size
        size -= 0.5
    return float(smallest)


@dataclass(frozen=True)
class Part:
    """One block of a slide's text, placed: what it is, its box, paragraphs, size and style."""

    kind: str
    box: Box
    paragraphs: tuple[str, ...]
    size: float
    style: str = ""
    colour: str = NAVY
    align: str = "L"  # L | R


def body_parts(slide: Slide) -> list[Part]:
    """The slide's own text (headline, its label, the sentence, the bullets; the note under the
    chart), each in its box, sized to fit. The writers draw exactly these."""
    column = TEXT_COLUMN if slide.figure is not None else WIDE_COLUMN
    parts: list[Part] = []
    y = column.y
    bottom = column.y + column.h
    if slide.headline:
        size = fit([slide.headline], "headline", column.w, 1.15, style="B")
        parts.append(Part("headline", Box(column.x, y, column.w, 1.15), (slide.headline,), size,
                          "B", BLUE))
        y += 1.15
    if slide.headline_label:
        size = fit([slide.headline_label], "label", column.w, 0.75)
        parts.append(Part("label", Box(column.x, y, column.w, 0.75), (slide.headline_label,), size))
        y += 0.85
    remaining = bottom - y
    if slide.sentence:
        share = remaining if not slide.bullets else remaining * (0.45 if slide.figure else 0.3)
        size = fit([slide.sentence], "sentence", column.w, share)
        lines = len(wrap(slide.sentence, size, column.w * 0.97))
        height = min(share, lines * line_height(size) + 0.15)
        parts.append(Part("sentence", Box(column.x, y, column.w, height), (slide.sentence,), size))
        y += height + 0.1
    if slide.bullets:
        height = bottom - y
        kind = "bullets" if slide.figure is not None else "bullets_wide"
        size = fit(list(slide.bullets), kind, column.w, height, indent=BULLET_INDENT, gap=0.35)
        parts.append(Part("bullets", Box(column.x, y, column.w, height), tuple(slide.bullets), size))
    if slide.note:
        box = NOTE if slide.figure is not None else Box(column.x, BODY_BOTTOM, column.w, 0.3)
        size = fit([slide.note], "note", box.w, box.h, style="I")
        parts.append(Part("note", box, (slide.note,), size, "I", GREY))
    return parts


def footer_text(deck: Deck, slide: Slide) -> str:
    """'2025 · Data as of 31 Dec 2025 · Sources: …' in the deck's language."""
    with locales.using(deck.language):
        pieces = [deck.period, pgettext("deck footer", "Data as of {date}").format(date=deck.as_of)]
        if slide.sources:
            pieces.append(pgettext("deck footer", "Sources: {sources}").format(
                sources="; ".join(slide.sources)))
    return " · ".join(pieces)


def footer_parts(deck: Deck, slide: Slide, number: int) -> list[Part]:
    text = footer_text(deck, slide)
    counter = f"{number} / {len(deck.slides)}"
    return [
        Part("footer", FOOTER, (text,), fit([text], "footer", FOOTER.w, FOOTER.h), "", GREY),
        Part("branding", BRANDING, (deck.branding,),
             fit([deck.branding], "branding", BRANDING.w, BRANDING.h, style="B"), "B", NAVY,
             "R"),
        Part("number", NUMBER, (counter,), SIZES["number"][0], "", GREY, "R"),
    ]


def title_part(slide: Slide) -> Part:
    return Part("title", TITLE, (slide.title,), fit([slide.title], "title", TITLE.w, TITLE.h,
                                                    style="B"), "B", NAVY)


#: Word-processor language tags of the deck languages (PPTX runs, PDF /Lang).
LANGUAGE_TAGS = {"en": "en-GB", "ru": "ru-RU", "tg": "tg-TJ"}
