"""Donor briefing: the deck of the reporting year for the viewer's audience (`briefing.content`).

Two views of one page:

- **The panel** (`/briefing`): what changed since the year before, the list of slides, *Start
  briefing* (one click: the slides open in a tab of their own, the one to share on the call),
  the same link to send to someone else, and the deck as PPTX and PDF (built when asked for,
  and recorded in the audit log then, like every export). The files are offered only when
  there is something to brief on (not for an empty warehouse or a year without figures, in
  `hamkori brief`'s words) and the server can draw them (Chromium for the charts, a font for
  the text): otherwise the page says why, since a file built on request can only fail
  silently in the browser.
- **Presentation mode** (`/briefing?present=1&year=2025&slide=3&lang=en`, plus `audience=` in
  demo mode only: signed in, the audience is always the viewer's role): one slide at a time,
  full screen for screen-share — large type, the headline figure, one chart, one sentence, the
  period, data as-of date, sources and the UNHCR · UNICEF co-branding on every slide. The
  router (app.py) draws no sidebar and no menu then. The slide number is bound to the URL, so a
  refresh or a shared link opens the same slide; ← and → step through the slides, Esc (*Exit
  briefing*) goes back to the panel.

Why a tab of its own: the sidebar's year widget keeps its value in the URL
(`bind="query-params"`); when a run stops drawing it, Streamlit takes that parameter out of the
URL and leaves the emptied sidebar up until the next run. A fresh session opened on the
briefing's link never draws it, so its URL stays whole from the first slide.

The deck is built once per session for (warehouse version, audience, year, language) and kept
in the session: stepping through slides does not rebuild it. Its figures come through the
cached engine (`data_access.cache.BriefingSource`) with the audience's disclosure control.
"""

from __future__ import annotations

import functools
from datetime import date
from urllib.parse import urlencode, urlsplit

import plotly.graph_objects as go
import streamlit as st

import locales
from briefing.content import build_deck, has_figures, year_values
from briefing.images import ChartRenderError, chromium_path, render_deck
from briefing.layout import FontMissing, fonts
from briefing.model import Deck, Slide
from data_access import cache
from locales import _
from pages._context import (
    DEMO,
    ViewContext,
    audience_title,
    current_viewer,
    deferred_export,
    plain,
    require_page,
    with_detail,
)

URL_PATH = "briefing"
#: `?present=1`: presentation mode (app.py reads the same parameter).
PRESENT = "present"
#: The slide number's key in the session and in the URL.
SLIDE = "slide"
_DECK_KEY = "hamkori.briefing.deck"
PLOTLY_CONFIG = {"displayModeBar": False, "displaylogo": False}
#: A presented chart: its type this much larger than on the dashboard (16 px there unless
#: the figure says otherwise), and at least this tall (px).
SCALE, DASHBOARD_FONT, PRESENTED_HEIGHT, TOP_WITH_LEGEND = 1.3, 16, 500, 170


def deck_for(context: ViewContext) -> Deck:
    """The briefing deck of the view, kept in the session while the data and view are the
    same (the whole country: a briefing speaks of Tajikistan)."""
    status = cache.warehouse_status()
    key = (status.url, status.data_version, context.audience, context.year,
           locales.language(), date.today())
    kept = st.session_state.get(_DECK_KEY)
    if kept is not None and kept[0] == key:
        return kept[1]
    with st.spinner(_("Preparing the briefing…")):
        deck = build_deck(cache.BriefingSource(), audience=context.audience, year=context.year,
                          language=locales.language())
    st.session_state[_DECK_KEY] = (key, deck)
    return deck


def view_parameters(context: ViewContext) -> dict[str, str]:
    """What a link to this briefing says: the year, the language and — in demo mode only,
    where there is no sign-in — the audience."""
    parameters = {"year": str(context.year), "lang": locales.language()}
    if current_viewer().state == DEMO:
        parameters["audience"] = context.audience
    return parameters


def share_url(context: ViewContext) -> str:
    """The link that opens this briefing in presentation mode, on its first slide."""
    parts = urlsplit(st.context.url or "")
    path = parts.path.rstrip("/")
    if not path.endswith("/" + URL_PATH):
        path = f"{path}/{URL_PATH}"
    query = urlencode({PRESENT: "1", **view_parameters(context), SLIDE: "1"})
    origin = f"{parts.scheme}://{parts.netloc}" if parts.netloc else ""
    return f"{origin}{path}?{query}"


def bulleted(lines: tuple[str, ...] | list[str]) -> str:
    return "\n".join(f"- {plain(line)}" for line in lines)


def what_changed(deck: Deck) -> Slide | None:
    return next((slide for slide in deck.slides if slide.key == "what-changed"), None)


# ------------------------------------------------------------------------------ the panel
def nothing_to_brief(context: ViewContext) -> str | None:
    """Why there is no deck to download, as `hamkori brief` says it (an empty warehouse, a year
    without figures), or None."""
    if has_figures(year_values(cache.BriefingSource(), context.audience, context.year)):
        return None
    if cache.data_years() is None:
        return _("The warehouse holds no data yet: import some (hamkori import …) or load the "
                 "demo (hamkori init --demo).")
    return _("The warehouse has no figures for {year}: choose another year.").format(
        year=context.year)


def cannot_draw() -> str | None:
    """Why this server cannot make the deck files (no Chromium for the charts, no font for the
    text), or None. Asked before the buttons are offered: a file built on request cannot say
    what went wrong (the browser only sees a failed download)."""
    try:
        chromium_path()
        fonts()
    except (ChartRenderError, FontMissing) as problem:
        return with_detail(_("The deck files cannot be made on this server: it lacks the browser "
                             "that draws the charts or the font for the text."), problem)
    return None


def downloads(deck: Deck, context: ViewContext) -> None:
    """The deck as PPTX and PDF (the same slides; charts drawn as images by the browser the
    server has), built when the file is asked for — offered only when there is something to
    brief on and the server can draw it."""
    empty = nothing_to_brief(context)
    if empty:
        st.info(empty, icon=":material/info:")
        return
    problem = cannot_draw()
    if problem:
        st.error(problem, icon=":material/error:")
        return
    try:
        from briefing.pdf_deck import write_pdf
        from briefing.pptx_deck import write_pptx
    except ImportError as problem:
        st.info(with_detail(_("The deck files are not available on this server."), problem),
                icon=":material/info:")
        return
    stem = f"hamkori-briefing-{context.year}-{context.audience}-{deck.language}"
    detail = f"as {context.audience}, {context.year}, {deck.language}"  # the audit log's words
    files = (
        (_("Download the deck (PPTX)"), write_pptx, "PPTX",
         "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
        (_("Download the deck (PDF)"), write_pdf, "PDF", "application/pdf"),
    )
    images = functools.cache(lambda: render_deck(deck))  # the charts drawn once for both files
    for column, (label, write, kind, mime) in zip(st.columns(len(files)), files, strict=True):
        column.download_button(
            label, deferred_export(lambda write=write: write(deck, images()),
                                   f"briefing deck ({kind})", detail),
            file_name=f"{stem}.{kind.lower()}", mime=mime, on_click="ignore",
            icon=":material/download:", key=f"briefing-{kind.lower()}",
            help=_("The same slides with the charts as images; it takes a few seconds to "
                   "draw."))


def panel(context: ViewContext) -> None:
    st.title(_("Donor briefing"))
    st.caption(_("The briefing of **{year}** for **{audience}**, in the language of the page. "
                 "Figures are shown as this audience may see them.").format(
        year=context.year, audience=audience_title(context.audience)))
    if context.region:
        st.caption(_("A briefing covers the whole country: the region filter does not apply."))
    deck = deck_for(context)
    st.link_button(_("Start briefing"), share_url(context), type="primary",
                   icon=":material/slideshow:",
                   help=_("Opens the slides full screen in a tab of their own, to share on a "
                          "call: → and ← step through them, Esc leaves."))
    changed, slides = st.columns([3, 2], gap="large")
    with changed:
        slide = what_changed(deck)
        st.subheader(plain(slide.title) if slide else _("What changed"))
        if slide and slide.bullets:
            st.markdown(bulleted(slide.bullets))
        else:
            st.info(plain(slide.sentence) if slide and slide.sentence else
                    _("Nothing to compare yet."), icon=":material/info:")
    with slides:
        st.subheader(_("Slides"))
        st.markdown("\n".join(f"{number}. {plain(slide.title)}"
                              for number, slide in enumerate(deck.slides, start=1)))
    st.subheader(_("Share the briefing"))
    st.caption(_("This link opens the briefing full screen on its first slide, as *Start "
                 "briefing* does. Signed in, everyone sees it as their own role allows."))
    st.code(share_url(context), language=None)
    st.subheader(_("The deck"))
    downloads(deck, context)


# ------------------------------------------------------------------------------ presentation
def presented(figure: go.Figure) -> go.Figure:
    """A copy of `figure` with type a third larger, for a shared screen."""
    big = go.Figure(figure)
    size = figure.layout.font.size or DASHBOARD_FONT
    big.update_layout(font_size=round(size * SCALE), title_font_size=round(size * SCALE * 1.2),
                      hoverlabel_font_size=round(size * SCALE),
                      height=max(PRESENTED_HEIGHT, int(figure.layout.height or 0)))
    if figure.layout.legend.y is None and len(figure.data) > 1:
        # the template's legend sits above the plot, under the title: larger type needs room
        big.update_layout(margin_t=TOP_WITH_LEGEND)
    return big


def step(delta: int, count: int) -> None:
    """Previous / next (a button's callback: it runs before the slide number is drawn)."""
    current = int(st.session_state.get(SLIDE) or 1)
    st.session_state[SLIDE] = min(max(current + delta, 1), count)


def slide_body(slide: Slide) -> None:
    st.title(plain(slide.title), anchor=False)
    text = st.container()
    if slide.figure is not None:
        text, chart = st.columns([2, 3], gap="large")
        chart.plotly_chart(presented(slide.figure), theme=None, config=PLOTLY_CONFIG,
                           key=f"slide-{slide.key}")
    with text:
        if slide.headline:
            st.markdown(f"# :blue[{plain(slide.headline)}]", anchors=False)
        if slide.headline_label:
            st.subheader(plain(slide.headline_label), anchor=False)
        if slide.sentence:
            st.markdown(f"### {plain(slide.sentence)}", anchors=False, width="stretch")
        if slide.bullets:
            st.markdown("\n".join(f"- #### {plain(line)}" for line in slide.bullets),
                        anchors=False)
    if slide.note:
        st.caption(plain(slide.note))


def present(context: ViewContext) -> None:
    deck = deck_for(context)
    count = len(deck.slides)
    brand, controls, when = st.columns([1, 2.4, 1], vertical_alignment="center")
    brand.markdown(f"**{plain(deck.branding)}**")
    when.markdown(plain(_("{period} · Data as of {date}").format(period=deck.period,
                                                                 date=deck.as_of)),
                  text_alignment="right")
    navigation = controls.container(horizontal=True, vertical_alignment="center",
                                    horizontal_alignment="center")
    navigation.button(_("Previous"), icon=":material/arrow_back:", on_click=step,
                      args=(-1, count), shortcut="Left", key="briefing-previous")
    number = navigation.number_input(_("Slide"), min_value=1, max_value=count, step=1,
                                     key=SLIDE, bind="query-params", width=110,
                                     label_visibility="collapsed")
    navigation.markdown(_("of {count}").format(count=count), width="content")
    navigation.button(_("Next"), icon=":material/arrow_forward:", on_click=step,
                      args=(1, count), shortcut="Right", key="briefing-next", type="primary")
    if navigation.button(_("Exit briefing"), icon=":material/close:", shortcut="Esc",
                         key="briefing-exit"):  # back to the panel, the view kept in the URL
        del st.query_params[PRESENT]
        st.rerun()
    slide = deck.slides[min(max(int(number or 1), 1), count) - 1]
    slide_body(slide)
    footer = [_("Sources: {sources}").format(sources="; ".join(slide.sources))] if slide.sources \
        else []
    footer.append(_("{branding} · {period} · Data as of {date}").format(
        branding=deck.branding, period=deck.period, date=deck.as_of))
    st.caption(" · ".join(plain(part) for part in footer))


context = require_page(URL_PATH)
if st.query_params.get(PRESENT) == "1":
    present(context)
else:
    panel(context)
