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
from pages import _figures as fig
from pages import _view as view

TILES = ["SOL.RETURNS", "SOL.NATURALISED", "RST.SUBMITTED", "RST.SUBMITTED_CASES",
         "RST.DEPARTED", "RST.ACCEPTANCE", "RST.DAYS_TO_DECIDE", "RST.DAYS_TO_DEPART"]
PIPELINE = [("RST.SUBMITTED_CASES", "Submitted"), ("RST.ACCEPTED_CASES", "Accepted"),
            ("RST.DEPARTED_CASES", "Departed")]
RESETTLEMENT_BY = {"category": ("Category", ref.RESETTLEMENT_CATEGORIES),
                   "priority": ("Priority", view.DIMENSION_NAMES["priority"]),
                   "destination": ("Destination", None)}

ctx = view.header("Durable solutions", "Voluntary repatriation, naturalisation and resettlement in")
codes = view.require(TILES, "Durable solutions")
values = view.values(codes)
rows = view.totals(values)

if not view.has_values(values):
    view.say_no_data("voluntary return, naturalisation or resettlement", ctx)
    st.stop()

view.tiles(rows, codes, per_row=4, compared_with=str(ctx.year - 1))

st.subheader("Voluntary repatriation")
left, right = st.columns(2)
with left:
    by_destination = view.values(["SOL.RETURNS"], by=["destination"], compare=False)
    view.chart(fig.bars(by_destination, "destination", title="Returns by destination",
                        unit="persons", names=lambda c: view.name_of("destination", c)),
               key="returns-destination")
    view.figures(by_destination, title="Voluntary returns by destination", by=["destination"],
                 key="returns-destination", indicator="SOL.RETURNS")
with right:
    monthly = view.series(["SOL.RETURNS", "SOL.NATURALISED"], view.months_of(ctx.year))
    view.chart(fig.trend(monthly, title="Returns and naturalisations per month",
                         unit="persons"), key="returns-monthly")
    view.figures(monthly, title="Voluntary returns and naturalisations per month", by=[],
                 key="returns-monthly")
yearly = view.series(["SOL.RETURNS", "SOL.NATURALISED", "RST.DEPARTED"], view.years_up_to(ctx))
view.chart(fig.trend(yearly, title="Solutions per year", unit="persons"), key="solutions-yearly")
view.figures(yearly, title="Durable solutions per year", by=[], key="solutions-yearly")

st.subheader("Resettlement pipeline")
stages = view.values([code for code, _ in PIPELINE], compare=False)
stage_rows = view.totals(stages)
funnel = pl.DataFrame([{**stage_rows[code], "stage": label} for code, label in PIPELINE])
left, right = st.columns([3, 2])
with left:
    if view.has_values(funnel):
        view.chart(fig.funnel(funnel, title="Cases submitted, accepted and departed in the year"),
                   key="pipeline")
    else:
        st.info(f"No resettlement cases moved in {ctx.year}.", icon=":material/info:")
with right:
    for code in ("RST.DAYS_TO_DECIDE", "RST.DAYS_TO_DEPART", "RST.ACCEPTANCE"):
        view.metric(rows[code])
st.caption("Each stage counts the cases whose submission, decision or departure fell in the year "
           "(a case submitted last year may depart this year).")
view.figures(stages, title="Resettlement pipeline", by=[], key="pipeline")

for dimension, (label, names) in RESETTLEMENT_BY.items():
    table = view.values(["RST.SUBMITTED", "RST.SUBMITTED_CASES", "RST.DEPARTED"],
                        by=[dimension], compare=False)
    naming = names if names is not None else (lambda c, d=dimension: view.name_of(d, c))
    view.chart(fig.grouped_bars(table, dimension, "name", title=f"Resettlement by {label.lower()}",
                                unit="Cases or persons", names=naming), key=f"rst-{dimension}")
    view.figures(table, title=f"Resettlement by {label.lower()}", by=[dimension],
                 key=f"rst-{dimension}")
