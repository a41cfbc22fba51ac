"""Home: the warehouse's headline figures for the selected year and region.

Values arrive from the cached loader with disclosure control already applied for the audience;
this page only lays them out and says where each comes from. Missing data is said in words,
never shown as 0.
"""

from __future__ import annotations

import streamlit as st

from data_access import cache
from data_access.headline import HeadlineFigure, display_value
from pages._context import current_context

#: Tiles in rows: (section title, figure codes).
SECTIONS: list[tuple[str, list[str]]] = [
    ("Population", ["POP.POC", "POP.REF", "POP.ASY"]),
    ("Statelessness", ["STA.IDENTIFIED", "STA.RESOLVED"]),
    ("Solutions and joint plan", ["SOL.RETURNS", "RST.SUBMITTED", "LOU.ACTIVITIES"]),
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


def noun(figure: HeadlineFigure) -> str:
    return DATASET_NOUNS.get(figure.dataset, figure.dataset)


def no_data_sentence(nouns: list[str], year: int, where: str) -> str:
    """'No population or resettlement data for 2031 yet — import a file or …'."""
    listed = nouns[0] if len(nouns) == 1 else f"{', '.join(nouns[:-1])} or {nouns[-1]}"
    return f"No {listed} data for {year}{where} yet — {NO_DATA_HINT}."


def source_caption(figure: HeadlineFigure, year: int) -> str:
    if not figure.has_data:
        return f"No {noun(figure)} data for {year} yet."
    scope = " (national: no regional breakdown)" if figure.national_only else ""
    as_of = figure.as_of.isoformat() if figure.as_of else "unknown"
    stale = " (latest available)" if figure.as_of and figure.as_of.year < year else ""
    return f"Source: {figure.source}{scope}, data as of {as_of}{stale}"


context = current_context()
figures = cache.headline(context.year, context.region, context.audience)
where = f" in {context.region_name}" if context.region else ""

st.title("Hamkori")
st.caption(
    f"Headline figures for **{context.year}**, {context.region_name}. Stocks are read at the "
    "latest date up to 31 December; flows are summed over the year."
)

if not any(figure.has_data for figure in figures.values()):
    st.info(f"No data for {context.year}{where} yet — {NO_DATA_HINT}.", icon=":material/info:")
else:
    missing = list(dict.fromkeys(noun(f) for f in figures.values() if not f.has_data))
    if missing:
        st.info(no_data_sentence(missing, context.year, where), icon=":material/info:")
    for title, codes in SECTIONS:
        st.subheader(title)
        for column, code in zip(st.columns(len(codes)), codes, strict=True):
            figure = figures[code]
            with column:
                st.metric(figure.label, display_value(figure) or "—", border=True)
                st.caption(source_caption(figure, context.year))
