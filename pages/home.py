"""Home: the headline indicators for the selected year and region.

Values come from the indicator engine through the cached loader, with disclosure control already
applied for the audience; this page only lays them out and says where each comes from. Missing
data is said in words, never shown as 0.
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from data_access import cache
from data_access import datasets as ds
from metrics.catalogue import CATALOGUE
from metrics.engine import NO_DATA
from metrics.periods import YEAR, Period
from pages._context import current_context

#: Tiles in rows: (section title, indicator codes).
SECTIONS: list[tuple[str, list[str]]] = [
    ("Population", ["POP.POC", "POP.REF", "POP.ASY"]),
    ("Statelessness", ["STA.IDENTIFIED", "STA.RESOLVED"]),
    ("Solutions and joint plan", ["SOL.RETURNS", "RST.SUBMITTED", "LOU.ACTIVE"]),
]
#: How a dataset is named in a "No … data" sentence.
DATASET_NOUNS = {
    "population": "population",
    "statelessness": "statelessness",
    "solutions": "voluntary return",
    "resettlement": "resettlement",
    "joint_plan": "joint-plan",
}
NO_DATA_HINT = "import a file or run `hamkori init --demo`"


def dataset_of(code: str) -> str:
    return CATALOGUE.source_of(CATALOGUE.indicator(code)).dataset


def noun(code: str) -> str:
    dataset = dataset_of(code)
    return DATASET_NOUNS.get(dataset, dataset)


def no_data_sentence(nouns: list[str], year: int, where: str) -> str:
    """'No population or resettlement data for 2031 yet — import a file or …'."""
    listed = nouns[0] if len(nouns) == 1 else f"{', '.join(nouns[:-1])} or {nouns[-1]}"
    return f"No {listed} data for {year}{where} yet — {NO_DATA_HINT}."


def source_caption(row: dict, year: int) -> str:
    if row["status"] == NO_DATA:
        return f"No {noun(row['indicator'])} data for {year} yet."
    scope = " (national: no regional breakdown)" if "national figure" in row["note"] else ""
    as_of = row["as_of"].isoformat() if row["as_of"] else "unknown"
    stale = " (latest available)" if row["as_of"] and row["as_of"].year < year else ""
    return f"Source: {ds.get(dataset_of(row['indicator'])).title}{scope}, data as of {as_of}{stale}"


context = current_context()
# Only what this audience may see (DOMAIN §1): UNICEF gets no asylum, return or resettlement tiles.
visible = {indicator.code for indicator in CATALOGUE.for_audience(context.audience)}
sections = [(title, [c for c in codes if c in visible]) for title, codes in SECTIONS]
sections = [(title, codes) for title, codes in sections if codes]
shown_codes = tuple(code for _, codes in sections for code in codes)
values = cache.indicator_values(Period(YEAR, context.year), context.audience,
                                region=context.region, codes=shown_codes, compare=False)
rows = {row["indicator"]: row for row in values.iter_rows(named=True)}
where = f" in {context.region_name}" if context.region else ""

st.title("Hamkori")
st.caption(
    f"Headline figures for **{context.year}**, {context.region_name}. Stocks are read at the "
    "latest date up to 31 December; flows are summed over the year."
)

if values.filter(pl.col("status") != NO_DATA).is_empty():
    st.info(f"No data for {context.year}{where} yet — {NO_DATA_HINT}.", icon=":material/info:")
else:
    missing = list(dict.fromkeys(noun(code) for code in shown_codes
                                 if rows[code]["status"] == NO_DATA))
    if missing:
        st.info(no_data_sentence(missing, context.year, where), icon=":material/info:")
    for title, codes in sections:
        st.subheader(title)
        for column, code in zip(st.columns(len(codes)), codes, strict=True):
            row = rows[code]
            indicator = CATALOGUE.indicator(code)
            shown = "—" if row["status"] == NO_DATA else row["display"]
            with column:
                st.metric(indicator.name, shown, border=True, help=indicator.definition)
                st.caption(source_caption(row, context.year))
