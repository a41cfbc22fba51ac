"""Official statistics: UNHCR's published figures (Refugee Data Finder), as imported.

Tajikistan from 1992 to the selected year — refugees, asylum-seekers, stateless persons, the
returns of Tajik refugees and the internally displaced of the 1990s — and Tajikistan beside its
Central Asian neighbours. Published figures are national and public, but the audience's
disclosure control still applies (small published counts included).
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from data_access import reference as ref
from locales import N_, _
from pages import _figures as fig
from pages import _view as view
from pages._context import url_selectbox

FIRST_YEAR = 1992
#: The countries compared (names shown in the current language: `ref.country_name`).
COUNTRIES = ["TJK", "KAZ", "KGZ", "TKM", "UZB"]
TILES = ["OFF.REF", "OFF.ASY", "OFF.STA", "OFF.IDP", "OFF.RETURNED", "OFF.APPLIED", "OFF.RRR",
         "OFF.TPR"]
STOCKS = ["OFF.REF", "OFF.ASY", "OFF.STA", "OFF.IDP"]
FLOWS = ["OFF.RETURNED", "OFF.RETURNS_FROM", "OFF.RESETTLED", "OFF.NATURALISED"]
IMPORT_HINT = N_("import UNHCR's published tables with `hamkori import unhcr-population FILE` "
                 "(and unhcr-solutions, unhcr-asylum-applications, unhcr-asylum-decisions)")

ctx = view.header(_("Official statistics"), _("UNHCR's published statistics, up to {year}."))
# the URL keeps the code (`?country=KAZ`), whatever the language
country = url_selectbox(st, _("Country of asylum"), COUNTRIES, key="country", default=COUNTRIES[0],
                        shown=ref.country_name)
name = ref.country_name(country)
codes = view.require(TILES, _("Official statistics"))
values = view.values(codes, country=country, region=False)
rows = view.totals(values)

if view.has_values(values):
    st.caption(_("Source: UNHCR Refugee Population Statistics Database (end-year figures), as "
                 "imported; national figures whatever the region filter."))
    view.tiles(rows, codes, per_row=4, compared_with=str(ctx.year - 1))

    years = view.years_up_to(ctx, first=FIRST_YEAR)
    st.subheader(_("{country} since {year}").format(country=name, year=FIRST_YEAR))
    stocks = view.series(STOCKS, years, country=country, region=False)
    view.chart(fig.trend(stocks, title=_("People in the country at the end of each year"),
                         unit="persons"), key="stocks")
    view.figures(stocks, title=_("{country}: population by year").format(country=name), by=[],
                 key="stocks")
    flows = view.series(FLOWS, years, country=country, region=False)
    if view.has_values(flows):
        view.chart(fig.trend(flows, title=_("Returns, resettlement and naturalisation per year"),
                             unit="persons"), key="flows")
        view.figures(flows, title=_("{country}: solutions by year").format(country=name),
                     by=[], key="flows")
else:  # the comparison below may still hold the other countries
    st.info(_("No official statistics for {country} in {year} — {hint}.").format(
        country=name, year=ctx.year, hint=_(IMPORT_HINT)), icon=":material/info:")

st.subheader(_("Central Asia in {year}").format(year=ctx.year))
beside = []
for code in COUNTRIES:
    part = view.values(["OFF.REF", "OFF.ASY", "OFF.STA"], country=code, region=False,
                       compare=False)
    beside.append(part.with_columns(pl.lit(code).alias("country")))
compared = pl.concat(beside, how="vertical_relaxed")
if view.has_values(compared):
    view.chart(fig.grouped_bars(compared, "country", "name",
                                title=_("Refugees, asylum-seekers and stateless persons by "
                                        "country"), unit="persons",
                                names=ref.country_name, category_order=COUNTRIES), key="beside")
    missing = sorted(set(compared.filter(pl.col("status") == "not_available")
                         .get_column("country").to_list()))
    if missing:
        st.caption(_("Not in the imported extract: {countries}.").format(
            countries=", ".join(ref.country_name(c) for c in missing)))
    view.figures(compared, title=_("Central Asia {year}").format(year=ctx.year), by=["country"],
                 key="beside")
else:
    st.info(_("No official statistics for Central Asia in {year} — {hint}.").format(
        year=ctx.year, hint=_(IMPORT_HINT)), icon=":material/info:")
