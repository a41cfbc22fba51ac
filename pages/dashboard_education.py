"""Education: are refugee children in school, girls as much as boys? (DOMAIN §1)

Gross and net enrolment by level, sex and region, the gender parity index, out-of-school
children and DAFI tertiary scholars, for the school year that began in the selected year
(September to June).
"""

from __future__ import annotations

import streamlit as st

from data_access import reference as ref
from locales import _
from metrics.periods import Period
from pages import _figures as fig
from pages import _view as view

TILES = ["EDU.GER_PRIMARY", "EDU.GER_SECONDARY", "EDU.NER", "EDU.GPI", "EDU.OUT_OF_SCHOOL",
         "EDU.DAFI"]
LEVELS = ["preschool", "primary", "lower_secondary", "upper_secondary", "tertiary"]
SEX_NAMES = ref.CHILD_SEXES


def school_year(start: int) -> Period:
    return Period.parse(f"{start}/{(start + 1) % 100:02d}")


ctx = view.header(_("Education"),
                  _("Enrolment of refugee and other children of concern in the school year "
                    "begun in {year}, {region}."))
period = school_year(ctx.year)
codes = view.require(TILES, _("Education"))
values = view.values(codes, period=period)
rows = view.totals(values)

if not view.has_values(values):
    view.say_no_data(_("education ({period} school year)").format(period=period.label), ctx)
    st.stop()

st.markdown(_("School year **{period}**, compared with {previous}.").format(
    period=period.label, previous=school_year(ctx.year - 1).label))
view.tiles(rows, codes, per_row=3, compared_with=school_year(ctx.year - 1).label)

st.subheader(_("By level and sex"))
left, right = st.columns(2)
with left:
    ner = view.values(["EDU.NER"], by=["level", "sex"], period=period, compare=False)
    view.chart(fig.grouped_bars(ner, "level", "sex", title=_("Net enrolment rate"),
                                unit="percent",
                                names=view.DIMENSION_NAMES["level"], series_names=SEX_NAMES,
                                colours=fig.SEX_COLOURS, category_order=LEVELS), key="ner")
    view.figures(ner, title=_("Net enrolment rate by level and sex"), by=["level", "sex"],
                 key="ner", indicator="EDU.NER")
with right:
    out = view.values(["EDU.OUT_OF_SCHOOL"], by=["level", "sex"], period=period, compare=False)
    view.chart(fig.grouped_bars(out, "level", "sex", title=_("Out-of-school children"),
                                unit="persons", names=view.DIMENSION_NAMES["level"],
                                series_names=SEX_NAMES, colours=fig.SEX_COLOURS,
                                category_order=LEVELS), key="out")
    view.figures(out, title=_("Out-of-school children by level and sex"), by=["level", "sex"],
                 key="out", indicator="EDU.OUT_OF_SCHOOL")

st.subheader(_("By region"))
left, right = st.columns(2)
with left:
    ger = view.values(["EDU.GER_PRIMARY"], by=["region", "sex"], period=period, compare=False)
    view.chart(fig.grouped_bars(ger, "region", "sex", title=_("Gross enrolment, primary"),
                                unit="percent", names=ref.REGIONS, series_names=SEX_NAMES,
                                colours=fig.SEX_COLOURS), key="ger-region")
    view.figures(ger, title=_("Gross primary enrolment by region and sex"),
                 by=["region", "sex"],
                 key="ger-region", indicator="EDU.GER_PRIMARY")
with right:
    gpi = view.values(["EDU.GPI"], by=["region"], period=period, compare=False)
    view.chart(fig.bars(gpi, "region", title=_("Gender parity index (1 = parity)"),
                        unit="index",
                        names=ref.REGIONS), key="gpi-region")
    view.figures(gpi, title=_("Gender parity index by region"), by=["region"],
                 key="gpi-region",
                 indicator="EDU.GPI")

st.subheader(_("School year by school year"))
years = [school_year(y) for y in range(ctx.year - 5, ctx.year + 1)]
trend = view.series(["EDU.GER_PRIMARY", "EDU.GER_SECONDARY", "EDU.NER"], years)
if view.has_values(trend):
    view.chart(fig.trend(trend, title=_("Enrolment rates by school year"), unit="percent"),
               key="trend")
    view.figures(trend, title=_("Enrolment rates by school year"), by=[], key="trend")
else:
    st.info(_("No enrolment figures for the school years before."), icon=":material/info:")
