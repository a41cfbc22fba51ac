"""Official statistics: UNHCR's published figures (Refugee Data Finder), as imported.

Tajikistan from 1992 to the selected year — refugees, asylum-seekers, stateless persons, the
returns of Tajik refugees and the internally displaced of the 1990s — and Tajikistan beside its
Central Asian neighbours. Published figures are national and public, but the audience's
disclosure control still applies (small published counts included).
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from pages import _figures as fig
from pages import _view as view

FIRST_YEAR = 1992
COUNTRIES = {"TJK": "Tajikistan", "KAZ": "Kazakhstan", "KGZ": "Kyrgyzstan", "TKM": "Turkmenistan",
             "UZB": "Uzbekistan"}
TILES = ["OFF.REF", "OFF.ASY", "OFF.STA", "OFF.IDP", "OFF.RETURNED", "OFF.APPLIED", "OFF.RRR",
         "OFF.TPR"]
STOCKS = ["OFF.REF", "OFF.ASY", "OFF.STA", "OFF.IDP"]
FLOWS = ["OFF.RETURNED", "OFF.RETURNS_FROM", "OFF.RESETTLED", "OFF.NATURALISED"]
IMPORT_HINT = ("import UNHCR's published tables with `hamkori import unhcr-population FILE` "
               "(and unhcr-solutions, unhcr-asylum-applications, unhcr-asylum-decisions)")

ctx = view.header("Official statistics", "UNHCR's published statistics, up to")
country = st.selectbox("Country of asylum", list(COUNTRIES), format_func=COUNTRIES.get,
                       key="country", bind="query-params")
name = COUNTRIES[country]
codes = view.require(TILES, "Official")
values = view.values(codes, country=country, region=False)
rows = view.totals(values)

if view.has_values(values):
    st.caption("Source: UNHCR Refugee Population Statistics Database (end-year figures), as "
               "imported; national figures whatever the region filter.")
    view.tiles(rows, codes, per_row=4, compared_with=str(ctx.year - 1))

    years = view.years_up_to(ctx, first=FIRST_YEAR)
    st.subheader(f"{name} since {FIRST_YEAR}")
    stocks = view.series(STOCKS, years, country=country, region=False)
    view.chart(fig.trend(stocks, title="People in the country at the end of each year",
                         unit="persons"), key="stocks")
    view.figures(stocks, title=f"{name}: population by year", by=[], key="stocks")
    flows = view.series(FLOWS, years, country=country, region=False)
    if view.has_values(flows):
        view.chart(fig.trend(flows, title="Returns, resettlement and naturalisation per year",
                             unit="persons"), key="flows")
        view.figures(flows, title=f"{name}: solutions by year", by=[], key="flows")
else:  # the comparison below may still hold the other countries
    st.info(f"No official statistics for {name} in {ctx.year} — {IMPORT_HINT}.",
            icon=":material/info:")

st.subheader(f"Central Asia in {ctx.year}")
beside = []
for code in COUNTRIES:
    part = view.values(["OFF.REF", "OFF.ASY", "OFF.STA"], country=code, region=False,
                       compare=False)
    beside.append(part.with_columns(pl.lit(code).alias("country")))
compared = pl.concat(beside, how="vertical_relaxed")
if view.has_values(compared):
    view.chart(fig.grouped_bars(compared, "country", "name", title="Refugees, asylum-seekers and "
                                "stateless persons by country", unit="persons",
                                names=COUNTRIES, category_order=list(COUNTRIES)), key="beside")
    missing = sorted(set(compared.filter(pl.col("status") == "not_available")
                         .get_column("country").to_list()))
    if missing:
        st.caption("Not in the imported extract: " + ", ".join(COUNTRIES[c] for c in missing)
                   + ".")
    view.figures(compared, title=f"Central Asia {ctx.year}", by=["country"], key="beside")
else:
    st.info(f"No official statistics for Central Asia in {ctx.year} — {IMPORT_HINT}.",
            icon=":material/info:")
