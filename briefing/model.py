"""What a briefing is: a deck of slides, each with one message. Shared by the briefing page
(full-screen slides), the PPTX and the PDF writers — they draw the same `Deck`.

All text in a `Deck` is already translated into the deck's language and already passed through
the audience's disclosure control: writers only lay it out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import plotly.graph_objects as go


@dataclass(frozen=True)
class Slide:
    key: str                     # stable identifier ("caseload", "what-changed", "plan-area-1", …)
    title: str                   # the slide's title, in the deck's language
    headline: str | None = None  # the headline figure as display text ("8,620", "<5", "87.5 %")
    headline_label: str | None = None  # what the headline counts ("refugees and asylum-seekers")
    sentence: str | None = None  # the one message of the slide, a full sentence
    figure: go.Figure | None = None  # one chart (withheld cells never drawn), or none
    bullets: tuple[str, ...] = ()    # sentences listed (what changed; joint-plan narratives)
    sources: tuple[str, ...] = ()    # where the figures come from (dataset / publication names)
    note: str | None = None          # e.g. "Cells of 1–4 persons are shown as <5."


@dataclass(frozen=True)
class Deck:
    title: str                   # "Donor briefing — Tajikistan, 2025"
    period: str                  # the reporting period as shown ("2025", "January–December 2025")
    audience: str                # role code whose disclosure control applies (donor, unhcr, …)
    language: str                # "en" | "ru" | "tg"
    as_of: str                   # data as-of date, display text in the deck's language
    branding: str                # co-branding line ("UNHCR · UNICEF — Tajikistan")
    slides: tuple[Slide, ...] = field(default_factory=tuple)
