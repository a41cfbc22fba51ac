"""UNDAF / UNSDCF review: "Did we meet the UNDAF/UNSDCF targets we signed up to?" (DOMAIN §6)

Per outcome of the Cooperation Framework in force in the reporting year: its indicators with
baseline, target (and its year), latest actual (and its year), achievement and a rating, a
sentence per outcome, a chart of achievement per indicator, and the table as CSV / XLSX. The
framework and the targets are data the office imports (`hamkori import framework FILE`,
`hamkori import targets FILE`, or the data page); the demo's EXAMPLE framework is labelled as
such. The actuals are the engine's national values for each calendar year, through the same
cached path as every page, so the audience's disclosure control applies; the rule is in
`metrics/review.py`. Targets are national: the region filter does not apply.
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from data_access import cache
from locales import _, number
from metrics import review
from metrics.engine import RESULT_SCHEMA
from metrics.periods import YEAR, Period
from pages import _review_figures as figures
from pages._context import require_page
from pages._export import download_buttons

PLOTLY_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "select2d"],
                 "toImageButtonOptions": {"format": "png", "scale": 2}}


def loaded_caption(framework: review.Framework, targets: pl.DataFrame) -> str:
    parts = [_("Framework {loaded}.").format(loaded=review.loaded_text(framework.batch()))]
    targets_batch = review.latest_batch(targets)
    if targets_batch is not None:
        parts.append(_("Targets {loaded}.").format(loaded=review.loaded_text(targets_batch)))
    return " ".join(parts)


def rule_explained() -> None:
    with st.expander(_("How achievement and ratings are computed")):
        st.markdown(_(
            "**Achievement** = (actual − baseline) ÷ (target − baseline): 0 % at the baseline, "
            "100 % at the target, below 0 % when the indicator moved away from the target; it "
            "works the same for a target below the baseline.\n\n"
            "**Target**: the reporting year's, else the next later one (usually the end of the "
            "framework), else the last one. **Baseline**: the one given with the targets, else "
            "the indicator's value in the year before the framework starts. **Latest actual**: "
            "the reporting year's value, else the latest earlier one since the framework began."
            "\n\n"
            "**Rating**: *achieved* at 100 % or more; *off track* below 0 %; *on track* when at "
            "most {tolerance} points behind the achievement expected by then (the share of the "
            "way from the baseline year to the target year that has elapsed); *at risk* "
            "otherwise. A target equal to its baseline (keep the level) is *achieved* while the "
            "actual holds it, *off track* otherwise. *No data* when the actual, the baseline or "
            "the target is missing; *not shown* when one of them is withheld to protect small "
            "numbers or the indicator is not shared with this audience.").format(
            tolerance=number(review.TOLERANCE)))


def render() -> None:
    ctx = require_page("undaf-review")
    st.title(_("UNDAF / UNSDCF review"))
    framework = review.choose_framework(cache.review_framework(ctx.audience), ctx.year)
    if framework is None:
        st.info(_("No Cooperation Framework loaded yet — the data manager imports it with "
                  "`hamkori import framework FILE` and its targets with `hamkori import targets "
                  "FILE` (or on the data page)."), icon=":material/info:")
        return
    targets = cache.review_targets(ctx.audience)
    st.caption(_("The Cooperation Framework {start}–{end}: its outcomes, the indicators linked "
                 "to them and how far each has come from its baseline to its target, for "
                 "**{year}**.").format(start=framework.start_year, end=framework.end_year,
                                       year=ctx.year))
    if framework.example:
        st.warning(_("EXAMPLE framework: an illustration shipped with the demo, not a real "
                     "Cooperation Framework. The office loads its own with `hamkori import "
                     "framework FILE` and `hamkori import targets FILE`, and it replaces this "
                     "one."), icon=":material/science:")
    if not framework.covers:
        st.info(_("The framework runs from {start} to {end}: {year} is outside it, so the "
                  "figures are those of the closest framework loaded.").format(
            start=framework.start_year, end=framework.end_year, year=ctx.year),
            icon=":material/info:")
    if ctx.region:
        st.info(_("Targets are national: this review shows national figures, whatever the "
                  "region chosen."), icon=":material/public:")

    linked = review.framework_targets(framework, targets)
    st.caption(loaded_caption(framework, linked))
    if linked.is_empty():
        st.info(_("No targets for the framework's years ({start}–{end}) yet — the data manager "
                  "imports them with `hamkori import targets FILE` (or on the data page).")
                .format(start=framework.start_year, end=framework.end_year),
                icon=":material/info:")
        return

    codes = review.indicator_codes(framework, targets, ctx.audience)
    periods = [Period(YEAR, y) for y in review.review_years(framework, ctx.year)]
    actuals = (cache.indicator_series(periods, ctx.audience, tuple(codes)) if codes
               else pl.DataFrame(schema={**RESULT_SCHEMA}))
    table = review.review_table(framework, targets, actuals, ctx.year,
                                threshold=cache.audience_threshold(ctx.audience))
    st.caption(_("Actuals: the indicators' national values for each calendar year, as this "
                 "audience may see them (small numbers withheld); baselines and targets from "
                 "the imported targets."))

    for summary in review.outcome_summary(table):
        outcome = summary["outcome"]
        st.subheader(figures.outcome_heading(outcome, summary["outcome_title"]))
        st.markdown(review.summary_text(summary))
        part = table.filter(pl.col("outcome") == outcome)
        st.dataframe(figures.screen_table(part), hide_index=True, width="stretch", placeholder="—")

    st.subheader(_("Achievement by indicator"))
    figure = figures.achievement_figure(
        table, title=_("Achievement towards the targets, {year}").format(year=ctx.year))
    if table.filter(pl.col("achievement").is_not_null()).is_empty():
        st.info(_("No indicator has an achievement to draw yet."), icon=":material/info:")
    else:
        st.plotly_chart(figure, theme=None, key="undaf-achievement", config=PLOTLY_CONFIG)
    note = figures.not_drawn_note(figure)
    if note:
        st.caption(note)
    rule_explained()

    with st.expander(_("Download the review")):
        download_buttons(review.download_frame(table), title=_("UNDAF review"),
                         context_label=str(ctx.year), audience=ctx.audience,
                         key="undaf-review")


render()
