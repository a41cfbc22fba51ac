"""Statelessness and birth registration: "How many people at risk of statelessness have we
found, and how many got a nationality?" (DOMAIN §1)

Persons at risk identified and resolved (nationality confirmed or citizenship acquired) as a
funnel and over time, the resolution rate and median time to resolution by district (by region
for audiences that see no districts), and birth registration of children under five.
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from data_access import reference as ref
from locales import _
from pages import _figures as fig
from pages import _view as view

TILES = ["STA.IDENTIFIED", "STA.RESOLVED", "STA.RESOLVED_PERIOD", "STA.RESOLUTION_PCT",
         "STA.DAYS_TO_RESOLVE", "BRN.U5_REGISTERED_PCT"]
RESOLUTIONS = view.SCREEN_NAMES["resolution"]

ctx = view.header(_("Statelessness and birth registration"),
                  _("Persons at risk of statelessness identified and resolved up to the end of "
                    "{year}, {region}."))
codes = view.require(TILES, _("Statelessness"))
values = view.values(codes)
rows = view.totals(values)

if not view.has_values(values):
    view.say_no_data(_("statelessness or birth registration"), ctx)
    st.stop()

view.tiles(rows, codes, per_row=3, compared_with=str(ctx.year - 1))

if view.has_values(view.of(values, "STA.IDENTIFIED")):
    st.subheader(_("From identification to nationality"))
    left, right = st.columns(2)
    with left:
        kinds = view.values(["STA.RESOLVED"], by=["resolution"], compare=False)
        stages = [{**rows["STA.IDENTIFIED"], "stage": _("Identified")},
                  {**rows["STA.RESOLVED"], "stage": _("Resolved")}]
        stages += [{**row, "stage": view.name_of("resolution", row["resolution"])}
                   for row in kinds.iter_rows(named=True) if row["resolution"] in RESOLUTIONS]
        funnel = pl.DataFrame([{k: v for k, v in s.items() if k != "resolution"} for s in stages])
        view.chart(fig.funnel(funnel, title=_("Identified, resolved, and how (cumulative)")),
                   key="funnel")
        view.figures(kinds, title=_("Resolutions by kind"), by=["resolution"], key="kinds",
                     indicator="STA.RESOLVED")
    with right:
        trend = view.series(["STA.IDENTIFIED", "STA.RESOLVED"], view.years_up_to(ctx))
        view.chart(fig.trend(trend, title=_("Identified and resolved (cumulative, end of year)"),
                             unit="persons"), key="trend")
        view.figures(trend, title=_("Statelessness identified and resolved by year"), by=[],
                     key="trend")

    place = "district" if view.may_break_down("STA.RESOLUTION_PCT", "district") else "region"
    st.subheader(_("By district") if place == "district" else _("By region"))
    by_place = view.values(["STA.RESOLUTION_PCT", "STA.DAYS_TO_RESOLVE"], by=[place],
                           compare=False)
    names = view.names(place)
    left, right = st.columns(2)
    with left:
        view.chart(fig.bars(view.of(by_place, "STA.RESOLUTION_PCT"), place,
                            title=_("Resolution rate"), unit="percent", names=names),
                   key="rate-place")
    with right:
        view.chart(fig.bars(view.of(by_place, "STA.DAYS_TO_RESOLVE"), place,
                            title=_("Median days to resolution"), unit="days", names=names),
                   key="days-place")
    if place == "region":
        st.caption(_("District figures are not shared with this audience: regions only."))
    view.figures(by_place, title=(_("Resolution rate and median days by district")
                                  if place == "district"
                                  else _("Resolution rate and median days by region")),
                 by=[place], key="by-place")

st.subheader(_("Birth registration of children under five"))
births = view.values(["BRN.U5_REGISTERED_PCT"], by=["region"], compare=False)
if view.has_values(births):
    view.chart(fig.bars(births, "region", title=_("Children under five with a registered birth"),
                        unit="percent", names=ref.REGIONS), key="births")
    view.figures(births, title=_("Birth registration of children under five by region"),
                 by=["region"], key="births", indicator="BRN.U5_REGISTERED_PCT")
else:
    view.say_no_data(_("birth registration"), ctx)
