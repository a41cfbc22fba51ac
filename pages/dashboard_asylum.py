"""Asylum: applications and decisions per month, recognition and total protection rates.

The asylum dataset is national (no region): with a region selected, the figures are the whole
country's and each caption says so.
"""

from __future__ import annotations

import streamlit as st

from locales import _
from pages import _figures as fig
from pages import _view as view

TILES = ["ASY.APPLIED", "ASY.DECIDED", "ASY.RRR", "ASY.TPR"]

ctx = view.header(_("Asylum"),
                  _("Asylum applications and first-instance decisions in {year}, {region}."))
codes = view.require(TILES, _("Asylum"))
values = view.values(codes)
rows = view.totals(values)

if not view.has_values(values):
    view.say_no_data(_("asylum"), ctx)
    st.stop()

view.tiles(rows, codes, per_row=4, compared_with=str(ctx.year - 1))
months = view.months_of(ctx.year)

st.subheader(_("Month by month"))
monthly = view.series(["ASY.APPLIED", "ASY.DECIDED"], months)
view.chart(fig.trend(monthly, title=_("Applications and substantive decisions per month"),
                     unit="persons", mode="lines+markers"), key="monthly")
view.figures(monthly, title=_("Asylum applications and decisions per month"), by=[],
             key="monthly")

rates = view.series(["ASY.RRR", "ASY.TPR"], months)
if view.has_values(rates):
    view.chart(fig.trend(rates, title=_("Recognition and total protection rates per month"),
                         unit="percent"), key="rates")
    st.caption(_("A month's rate is withheld when it rests on too few decisions to be shown."))
    view.figures(rates, title=_("Recognition and total protection rates per month"), by=[],
                 key="rates")

st.subheader(_("By country of origin"))
by_origin = view.values(["ASY.APPLIED", "ASY.RRR"], by=["origin"], compare=False)
left, right = st.columns(2)
with left:
    view.chart(fig.bars(view.of(by_origin, "ASY.APPLIED"), "origin", title=_("Applications"),
                        unit="persons", names=view.names("origin")),
               key="applied-origin")
with right:
    view.chart(fig.bars(view.of(by_origin, "ASY.RRR"), "origin", title=_("Recognition rate"),
                        unit="percent", names=view.names("origin")),
               key="rrr-origin")
view.figures(by_origin, title=_("Asylum by country of origin"), by=["origin"], key="by-origin")

st.subheader(_("Over the years"))
yearly = view.series(["ASY.APPLIED", "ASY.DECIDED"], view.years_up_to(ctx))
view.chart(fig.trend(yearly, title=_("Applications and decisions per year"), unit="persons"),
           key="yearly")
view.figures(yearly, title=_("Asylum applications and decisions per year"), by=[],
             key="yearly")
