"""Overview: the headline of every theme on one screen, for the selected year and region.

Each tile shows the value as the audience may see it, the change on the previous year, the
target where one was set, a sparkline of the years before, the definition on hover and the
source underneath; then the three figures that changed most, in sentences. Missing data is said
in words, never shown as 0.
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from data_access.config import disclosure_thresholds
from locales import N_, _
from metrics.catalogue import CATALOGUE
from metrics.changes import changes, previous_column
from metrics.disclosure import threshold_for
from metrics.engine import NO_DATA
from pages import _view as view

#: Tiles in rows: (section title, indicator codes). An audience sees the ones it may (DOMAIN §1).
SECTIONS: list[tuple[str, list[str]]] = [
    (N_("Population"), ["POP.POC", "POP.REF", "POP.ASY", "POP.CHILDREN_PCT"]),
    (N_("Asylum and durable solutions"), ["ASY.APPLIED", "ASY.RRR", "SOL.RETURNS",
                                          "RST.SUBMITTED"]),
    (N_("Education"), ["EDU.GER_PRIMARY", "EDU.GPI", "EDU.OUT_OF_SCHOOL"]),
    (N_("Statelessness and birth registration"), ["STA.IDENTIFIED", "STA.RESOLVED",
                                                  "BRN.U5_REGISTERED_PCT"]),
    (N_("Joint plan and funding"), ["LOU.ACTIVE", "LOU.ON_TRACK_PCT", "FUND.RECEIVED_PCT"]),
]
#: How a dataset is named in a "No … data" sentence (translated where shown).
DATASET_NOUNS = {
    "population": N_("population"), "asylum": N_("asylum"),
    "statelessness": N_("statelessness"), "solutions": N_("voluntary return"),
    "resettlement": N_("resettlement"), "education": N_("education"),
    "birth_registration": N_("birth registration"), "joint_plan": N_("joint-plan"),
    "funding": N_("funding"),
}


def noun(code: str) -> str:
    dataset = CATALOGUE.source_of(CATALOGUE.indicator(code)).dataset
    return _(DATASET_NOUNS[dataset]) if dataset in DATASET_NOUNS else dataset


def no_data_sentence(nouns: list[str], year: int, region: str | None) -> str:
    """'No population or resettlement data for 2031 yet — import a file or …'."""
    listed = nouns[0] if len(nouns) == 1 else _("{some} or {last}").format(
        some=", ".join(nouns[:-1]), last=nouns[-1])
    if region:
        text = _("No {what} data for {year} in {region} yet — {hint}.")
    else:
        text = _("No {what} data for {year} yet — {hint}.")
    return text.format(what=listed, year=year, region=region, hint=_(view.NO_DATA_HINT))


def largest_changes(values: pl.DataFrame, audience: str, count: int = 3) -> list[str]:
    """The `count` figures that changed most on the previous year, as sentences ("Voluntary
    repatriation rose from 66 to 1,421."): `metrics.changes`, as the briefing tells them, so
    that no withheld value and no difference of 1 … threshold − 1 people is told."""
    threshold = threshold_for(audience, disclosure_thresholds())
    found = changes(values, previous_column(values), threshold=threshold, limit=count)
    return [change.sentence for change in found]


ctx = view.header(_("Hamkori overview"),
                  _("Headline figures of UNHCR and UNICEF in Tajikistan for {year}, {region}."))
visible = {indicator.code for indicator in CATALOGUE.for_audience(ctx.audience)}
sections = [(title, [c for c in codes if c in visible]) for title, codes in SECTIONS]
sections = [(title, codes) for title, codes in sections if codes]
shown_codes = tuple(code for _title, codes in sections for code in codes)
values = view.values(shown_codes)
rows = view.totals(values)
region = ctx.region_name if ctx.region else None

if values.filter(pl.col("status") != NO_DATA).is_empty():
    if region:
        text = _("No data for {year} in {region} yet — {hint}.")
    else:
        text = _("No data for {year} yet — {hint}.")
    st.info(text.format(year=ctx.year, region=region, hint=_(view.NO_DATA_HINT)),
            icon=":material/info:")
else:
    st.caption(_("Stocks are read at the latest date up to 31 December; flows are summed over "
                 "the year; school years are those begun by then. Changes are on the year "
                 "before."))
    missing = list(dict.fromkeys(noun(code) for code in shown_codes
                                 if rows[code]["status"] == NO_DATA))
    if missing:
        st.info(no_data_sentence(missing, ctx.year, region), icon=":material/info:")
    sentences = largest_changes(values, ctx.audience)
    if sentences:
        st.subheader(_("What changed most since {year}").format(year=ctx.year - 1))
        st.markdown("\n".join(f"- {sentence}" for sentence in sentences))
    trend = view.series(shown_codes, view.years_up_to(ctx, first=ctx.year - 6))
    lines = view.sparklines(trend)
    for title, codes in sections:
        st.subheader(_(title))
        view.tiles(rows, codes, per_row=4, sparklines=lines, compared_with=str(ctx.year - 1))
