"""The table and the chart of the UNDAF / UNSDCF review page (no Streamlit).

`screen_table`: one outcome's indicators as the page shows them, every text in the current
language. `achievement_figure`: one horizontal bar per indicator with an achievement
(`metrics.review.review_table`), coloured by its rating and labelled with the percentage and the rating in words (never colour alone), a
line at 0 % (the baseline) and at 100 % (the target), and a mark at the achievement expected by
the actual's year. Bars beyond the axis (far above the target, or far below the baseline) are
cut at its edge; their label keeps the true percentage. Indicators without an achievement (no
data, not shown, a target equal to the baseline) are not drawn: the page names them under the
chart (`not_drawn_note`). Withheld values never reach the figure: it is built from the
review table, whose withheld cells are empty.
"""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from locales import _, number, percent
from metrics import review
from pages._figures import GREY, TEMPLATE, UNHCR_NAVY, localise_axes

#: The axis shows achievement from −100 % to 200 %; longer bars are cut at the edge.
AXIS_LOW, AXIS_HIGH = -100.0, 200.0


def screen_table(part: pl.DataFrame) -> pl.DataFrame:
    """One outcome's indicators as the page shows them (texts in the current language)."""
    rows = []
    through_outputs = any(row["link"] not in (None, row["outcome"])
                          for row in part.iter_rows(named=True))
    for row in part.iter_rows(named=True):
        actual, baseline, target = (row["actual_display"], row["baseline_display"],
                                    row["target_display"])
        if row["target_year"] is not None:
            target = f"{target} ({row['target_year']})"
        if row["actual_year"] is not None:
            actual = f"{actual} ({row['actual_year']})"
        if row["baseline_year"] is not None:
            baseline = f"{baseline} ({row['baseline_year']})"
        rows.append({
            _("Indicator"): row["name"],
            **({_("Linked to"): row["link"] or "—"} if through_outputs else {}),
            _("Baseline"): baseline,
            _("Target (year)"): target,
            _("Latest actual (year)"): actual,
            _("Achievement"): "—" if row["achievement"] is None else percent(
                row["achievement"], 0),
            _("Rating"): review.rating_text(row["rating"]),
            _("Note"): row["note"] or "",
        })
    if not rows:
        return pl.DataFrame()
    return pl.DataFrame(rows, schema=dict.fromkeys(rows[0], pl.String))


def outcome_heading(outcome: str, title: str | None) -> str:
    if outcome == review.UNLINKED:
        return _("Targets not linked to an outcome of this framework")
    return f"{outcome} — {title}" if title else outcome


def indicator_label(row: dict) -> str:
    """'EX-OC1 · Gross enrolment, primary' (the name alone when it is linked to no outcome)."""
    return f"{row['outcome']} · {row['name']}" if row["outcome"] else row["name"]


def percent_sign() -> str:
    """The per cent sign as the current language writes it after a number (' %' in English,
    with a no-break space in Russian, none in Tajik): the axis ticks' suffix."""
    return percent(0, 0).removeprefix(number(0))


def achievement_figure(table: pl.DataFrame, *, title: str) -> go.Figure:
    """Achievement per indicator, in the table's order from the top."""
    drawn = table.filter(pl.col("achievement").is_not_null())
    rows = list(drawn.iter_rows(named=True))
    labels = [indicator_label(row) for row in rows]
    figure = go.Figure()
    figure.update_layout(template=TEMPLATE, title={"text": title}, barmode="overlay")
    localise_axes(figure)
    for rating in review.RATINGS:
        chosen = [(label, row) for label, row in zip(labels, rows, strict=True)
                  if row["rating"] == rating]
        if not chosen:
            continue
        texts = [_("{achievement} · {rating}").format(
            achievement=percent(row["achievement"], 0), rating=review.rating_label(rating))
            for _label, row in chosen]
        hovers = [_("{name}: actual {actual} ({year}), baseline {baseline}, target {target} "
                    "({target_year})").format(
            name=row["name"], actual=row["actual_display"], year=row["actual_year"],
            baseline=row["baseline_display"], target=row["target_display"],
            target_year=row["target_year"]) for _label, row in chosen]
        figure.add_bar(
            x=[min(AXIS_HIGH, max(AXIS_LOW, row["achievement"])) for _label, row in chosen],
            y=[label for label, _row in chosen], orientation="h",
            name=review.rating_text(rating), marker_color=review.RATING_COLOURS[rating],
            text=texts, textposition="auto", customdata=hovers,
            hovertemplate="%{customdata}<extra>%{text}</extra>")
    expected = [(label, row["expected"]) for label, row in zip(labels, rows, strict=True)
                if row["expected"] is not None]
    if expected:
        figure.add_scatter(
            x=[value for _label, value in expected], y=[label for label, _value in expected],
            mode="markers", name=_("Expected by then"),
            marker={"symbol": "line-ns-open", "size": 26, "line": {"width": 3},
                    "color": UNHCR_NAVY},
            customdata=[percent(value, 0) for _label, value in expected],
            hovertemplate=_("Expected by then: {percent}").format(percent="%{customdata}")
            + "<extra></extra>")
    for position, text in ((0, _("Baseline")), (100, _("Target"))):
        figure.add_vline(x=position, line_width=2, line_dash="dash" if position else "solid",
                         line_color=GREY, annotation_text=text, annotation_position="top")
    figure.update_yaxes(categoryorder="array", categoryarray=list(reversed(labels)),
                        title=None)
    low = min([0.0, *(row["achievement"] for row in rows)])
    high = max([100.0, *(row["achievement"] for row in rows)])
    figure.update_xaxes(title=_("Achievement: share of the way from the baseline to the target "
                                "(%)"),
                        range=[max(AXIS_LOW, low) - 10, min(AXIS_HIGH, high) + 10],
                        ticksuffix=percent_sign())
    figure.update_layout(height=max(320, 160 + 44 * len(labels)),
                         meta={"not_drawn": _not_drawn(table)})
    return figure


def _not_drawn(table: pl.DataFrame) -> list[str]:
    return [_("{indicator} ({rating})").format(indicator=indicator_label(row),
                                               rating=review.rating_label(row["rating"]).lower())
            for row in table.filter(pl.col("achievement").is_null()).iter_rows(named=True)]


def not_drawn_note(figure: go.Figure) -> str | None:
    """'Without an achievement to draw: …' for the indicators the chart leaves out, or None."""
    hidden = (figure.layout.meta or {}).get("not_drawn") or []
    if not hidden:
        return None
    return _("Without an achievement to draw: {indicators}.").format(
        indicators=", ".join(hidden))
