"""Caseload: persons of concern by type and origin, over time, where they live, by age and sex.

Answers "How many refugees and asylum-seekers do we serve, from where, where do they live, how
many are children?" (DOMAIN §1). Stocks are read at the latest snapshot up to the end of the
selected year; every value comes disclosed from the engine.
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from data_access import cache
from data_access import reference as ref
from locales import _, ngettext
from metrics.engine import OK, TOTAL
from pages import _figures as fig
from pages import _view as view

TILES = ["POP.POC", "POP.REF", "POP.ASY", "POP.STA", "POP.CHILDREN_PCT", "POP.FEMALE_PCT"]
TREND = ["POP.REF", "POP.ASY", "POP.STA"]
TOP_ORIGINS = 8
TOP_DISTRICTS = 15

ctx = view.header(_("Caseload"), _("Persons of concern at the end of {year}, {region}."))
values = view.values(TILES)
rows = view.totals(values)

if not view.has_values(view.of(values, "POP.POC")):
    view.say_no_data(_("population"), ctx)
    st.stop()

view.tiles(rows, TILES, per_row=3, compared_with=str(ctx.year - 1))

left, right = st.columns(2)
with left:
    by_type = view.values(["POP.POC"], by=["population_type"], compare=False)
    view.chart(fig.bars(by_type, "population_type", title=_("By population type"),
                        unit="persons", names=ref.POPULATION_TYPES), key="by-type")
    view.figures(by_type, title=_("Persons of concern by population type"),
                 by=["population_type"],
                 key="by-type", indicator="POP.POC")
with right:
    by_origin = view.values(["POP.POC"], by=["origin"], compare=False)
    cells = by_origin.filter(by_origin["origin"] != TOTAL)
    top = set(cells.sort("value", descending=True, nulls_last=True)
               .head(TOP_ORIGINS).get_column("origin").to_list())
    shown = by_origin.filter(by_origin["origin"].is_in(top | {TOTAL}))
    view.chart(fig.bars(shown, "origin", title=_("By country of origin"), unit="persons",
                        names=view.names("origin")), key="by-origin")
    if len(cells) > TOP_ORIGINS:
        st.caption(ngettext("The {shown} largest of {count} country of origin; every country is "
                            "in the figures below.",
                            "The {shown} largest of {count} countries of origin; every country "
                            "is in the figures below.", len(cells))
                   .format(shown=TOP_ORIGINS, count=len(cells)))
    view.figures(by_origin, title=_("Persons of concern by country of origin"), by=["origin"],
                 key="by-origin", indicator="POP.POC")

st.subheader(_("Over time"))
trend = view.series(TREND, view.years_up_to(ctx))
if view.has_values(trend):
    view.chart(fig.trend(trend, title=_("Refugees, asylum-seekers and stateless persons at the "
                                        "end of each year"), unit="persons"), key="trend")
    view.figures(trend, title=_("Population at the end of each year"), by=[], key="trend")
else:
    st.info(_("No population figures for the years before."), icon=":material/info:")

st.subheader(_("Where they live"))
districts = view.may_break_down("POP.POC", "district")
if districts:
    # Districts sit inside regions: one region x district grid is suppressed as a whole, so a
    # small district cannot be recovered from its region's total (DOMAIN §7).
    grid = view.values(["POP.POC"], by=["region", "district"], compare=False, region=False)
    by_region = grid.filter(pl.col("district") == TOTAL).drop("district")
    by_district = grid.filter(
        (pl.col("district") != TOTAL) & (pl.col("region") != TOTAL)
        & ~((pl.col("status") == OK) & (pl.col("value") == 0)))  # districts of other regions
    if ctx.region:
        by_district = by_district.filter(pl.col("region") == ctx.region)
else:
    by_region = view.values(["POP.POC"], by=["region"], compare=False, region=False)
view.chart(fig.region_map(by_region, cache.boundary_shapes(),
                          title=_("Persons of concern by region"), unit="persons"), key="map")
if ctx.region:
    st.caption(_("Every region, whatever the region filter, so that the map compares them."))
view.figures(by_region, title=_("Persons of concern by region"), by=["region"], key="by-region",
             indicator="POP.POC")
if districts:
    top = set(by_district.sort("value", descending=True, nulls_last=True)
              .head(TOP_DISTRICTS).get_column("district").to_list())
    view.chart(fig.bars(by_district.filter(pl.col("district").is_in(top)), "district",
                        title=ngettext("The {count} district with most persons of concern",
                                       "The {count} districts with most persons of concern",
                                       TOP_DISTRICTS).format(count=TOP_DISTRICTS),
                        unit="persons", names=view.names("district")), key="by-district")
    view.figures(by_district, title=_("Persons of concern by district"),
                 by=["region", "district"], key="by-district", indicator="POP.POC")
else:
    st.caption(_("District figures are not shared with this audience: regions only."))

st.subheader(_("Age and sex"))
pyramid = view.values(["POP.POC"], by=["sex", "age_group"], compare=False)
view.chart(fig.pyramid(pyramid, title=_("Persons of concern by age and sex")), key="pyramid")
unknown = pyramid.filter((pyramid["age_group"] == "unknown") & (pyramid["sex"] == TOTAL))
if (not unknown.is_empty() and unknown["status"][0] != "no_data"
        and not (unknown["status"][0] == OK and unknown["value"][0] == 0)):
    st.caption(_("Age unknown: {count} persons (not drawn).").format(
        count=unknown["display"][0]))
view.figures(pyramid, title=_("Persons of concern by sex and age group"),
             by=["sex", "age_group"],
             key="pyramid", indicator="POP.POC")
