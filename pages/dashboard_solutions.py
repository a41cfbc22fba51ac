"""Durable solutions: voluntary repatriation, naturalisation and resettlement.

Answers "How many returned home or were submitted for resettlement this year?" (DOMAIN §1):
returns by destination and over time, naturalisation, resettlement submissions and departures
(cases and persons, by category, priority and destination), the acceptance rate, and the
submission -> decision -> departure pipeline with its median durations.
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from data_access import reference as ref
from locales import N_, _
from pages import _figures as fig
from pages import _view as view

TILES = ["SOL.RETURNS", "SOL.NATURALISED", "RST.SUBMITTED", "RST.SUBMITTED_CASES",
         "RST.DEPARTED", "RST.ACCEPTANCE", "RST.DAYS_TO_DECIDE", "RST.DAYS_TO_DEPART"]
PIPELINE = [("RST.SUBMITTED_CASES", N_("Submitted")), ("RST.ACCEPTED_CASES", N_("Accepted")),
            ("RST.DEPARTED_CASES", N_("Departed"))]
#: dimension -> (chart title, names of its codes; None: countries)
RESETTLEMENT_BY = {"category": (N_("Resettlement by category"), ref.RESETTLEMENT_CATEGORIES),
                   "priority": (N_("Resettlement by priority"), view.DIMENSION_NAMES["priority"]),
                   "destination": (N_("Resettlement by destination"), None)}

ctx = view.header(_("Durable solutions"),
                  _("Voluntary repatriation, naturalisation and resettlement in {year}, "
                    "{region}."))
codes = view.require(TILES, _("Durable solutions"))
values = view.values(codes)
rows = view.totals(values)

if not view.has_values(values):
    view.say_no_data(_("voluntary return, naturalisation or resettlement"), ctx)
    st.stop()

view.tiles(rows, codes, per_row=4, compared_with=str(ctx.year - 1))

st.subheader(_("Voluntary repatriation"))
left, right = st.columns(2)
with left:
    by_destination = view.values(["SOL.RETURNS"], by=["destination"], compare=False)
    view.chart(fig.bars(by_destination, "destination", title=_("Returns by destination"),
                        unit="persons", names=view.names("destination")),
               key="returns-destination")
    view.figures(by_destination, title=_("Voluntary returns by destination"),
                 by=["destination"], key="returns-destination", indicator="SOL.RETURNS")
with right:
    monthly = view.series(["SOL.RETURNS", "SOL.NATURALISED"], view.months_of(ctx.year))
    view.chart(fig.trend(monthly, title=_("Returns and naturalisations per month"),
                         unit="persons"), key="returns-monthly")
    view.figures(monthly, title=_("Voluntary returns and naturalisations per month"), by=[],
                 key="returns-monthly")
yearly = view.series(["SOL.RETURNS", "SOL.NATURALISED", "RST.DEPARTED"], view.years_up_to(ctx))
view.chart(fig.trend(yearly, title=_("Solutions per year"), unit="persons"),
           key="solutions-yearly")
view.figures(yearly, title=_("Durable solutions per year"), by=[], key="solutions-yearly")

st.subheader(_("Resettlement pipeline"))
stages = view.values([code for code, _stage in PIPELINE], compare=False)
stage_rows = view.totals(stages)
funnel = pl.DataFrame([{**stage_rows[code], "stage": _(label)} for code, label in PIPELINE])
left, right = st.columns([3, 2])
with left:
    if view.has_values(funnel):
        view.chart(fig.funnel(funnel, title=_("Cases submitted, accepted and departed in the "
                                              "year")), key="pipeline")
    else:
        st.info(_("No resettlement cases moved in {year}.").format(year=ctx.year),
                icon=":material/info:")
with right:
    for code in ("RST.DAYS_TO_DECIDE", "RST.DAYS_TO_DEPART", "RST.ACCEPTANCE"):
        view.metric(rows[code])
st.caption(_("Each stage counts the cases whose submission, decision or departure fell in the "
             "year (a case submitted last year may depart this year)."))
view.figures(stages, title=_("Resettlement pipeline"), by=[], key="pipeline")

for dimension, (title, names) in RESETTLEMENT_BY.items():
    table = view.values(["RST.SUBMITTED", "RST.SUBMITTED_CASES", "RST.DEPARTED"],
                        by=[dimension], compare=False)
    naming = names if names is not None else view.names(dimension)
    view.chart(fig.grouped_bars(table, dimension, "name", title=_(title),
                                unit=_("Cases or persons"), names=naming), key=f"rst-{dimension}")
    view.figures(table, title=_(title), by=[dimension], key=f"rst-{dimension}")
