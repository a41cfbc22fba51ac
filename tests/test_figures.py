"""Figure builders of the dashboard pages (pages/_figures.py), without Streamlit."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from data_access import readers
from data_access.datasets import get
from metrics.engine import NO_DATA, OK, SUPPRESSED, TOTAL
from pages import _figures as fig

GEO = Path(__file__).resolve().parents[2] / "shared" / "reference" / "geo"
SECRET = 3.0  # a withheld count: it must appear nowhere in a figure


def cell(dims: dict, value, display: str, status: str = OK, name: str = "Refugees",
         period: str = "2025") -> dict:
    return {**dims, "indicator": "POP.REF", "name": name, "unit": "persons", "period": period,
            "as_of": date(2025, 12, 31), "value": value, "display": display, "status": status,
            "note": ""}


def by_region() -> pl.DataFrame:
    """As the engine hands it to a donor: Gorno-Badakhshan's 3 is withheld (value dropped)."""
    return pl.DataFrame([
        cell({"region": "TJ-DU"}, 718.0, "718"),
        cell({"region": "TJ-GB"}, None, "<5", SUPPRESSED),
        cell({"region": "TJ-KT"}, 331.0, "331"),
        cell({"region": "TJ-RA"}, 7313.0, "7,313"),
        cell({"region": "TJ-SU"}, None, "no data", NO_DATA),
        cell({"region": TOTAL}, 8365.0, "8,365"),
    ])


def serialised(figure) -> str:
    return figure.to_json()


def test_bars_draw_shown_cells_only_and_name_the_withheld():
    figure = fig.bars(by_region(), "region", title="Refugees by region", unit="persons",
                      names={"TJ-DU": "Dushanbe", "TJ-GB": "GBAO", "TJ-KT": "Khatlon",
                             "TJ-RA": "DRS", "TJ-SU": "Sughd"})
    (bar,) = figure.data
    assert list(bar.y) == ["Khatlon", "Dushanbe", "DRS"]  # ascending: largest on top
    assert list(bar.x) == [331.0, 718.0, 7313.0]
    assert list(bar.text) == ["331", "718", "7,313"]
    assert bar.hovertemplate == "%{y}: %{customdata}<extra></extra>"
    assert fig.withheld_note(figure) == "Withheld to protect small numbers: GBAO."
    assert figure.layout.xaxis.title.text == "Persons"
    assert figure.layout.template.layout.font.family.startswith("Lato")
    assert "Total" not in json.dumps(list(bar.y))  # the margin is not a bar


def test_a_withheld_value_is_nowhere_in_the_figure():
    frame = by_region().with_columns(
        pl.when(pl.col("region") == "TJ-GB").then(pl.lit(SECRET)).otherwise(pl.col("value"))
        .alias("value"))  # even if a value slipped through with the status, it is not drawn
    for figure in (fig.bars(frame, "region", title="t", unit="persons"),
                   fig.region_map(frame, None, title="t", unit="persons")):
        data = json.loads(serialised(figure))["data"]
        numbers = [v for trace in data for key in ("x", "y", "customdata", "text")
                   for v in (trace.get(key) or []) if v is not None]
        assert SECRET not in numbers and "3" not in numbers


def test_grouped_bars_one_trace_per_series_in_level_order():
    frame = pl.DataFrame([
        {**cell({"level": lvl, "sex": sex}, v, f"{v:.1f} %"), "unit": "percent"}
        for lvl, sex, v in [("primary", "F", 90.0), ("primary", "M", 92.0),
                            ("lower_secondary", "F", 60.0), ("lower_secondary", "M", 66.0)]
    ] + [{**cell({"level": "upper_secondary", "sex": "F"}, None, "suppressed", SUPPRESSED),
          "unit": "percent"}])
    figure = fig.grouped_bars(frame, "level", "sex", title="NER", unit="percent",
                              names={"primary": "Primary", "lower_secondary": "Lower secondary",
                                     "upper_secondary": "Upper secondary"},
                              series_names={"F": "Girls", "M": "Boys"}, colours=fig.SEX_COLOURS,
                              category_order=["primary", "lower_secondary", "upper_secondary"])
    girls, boys = figure.data
    assert (girls.name, boys.name) == ("Girls", "Boys")
    assert list(girls.x) == ["Primary", "Lower secondary"] and list(girls.y) == [90.0, 60.0]
    assert girls.marker.color == fig.SEX_COLOURS["F"]
    assert figure.layout.yaxis.title.text == "Per cent (%)"
    assert fig.withheld_note(figure).endswith("Upper secondary Girls.")  # series named


def test_trend_lines_skip_withheld_points():
    frame = pl.DataFrame([
        cell({}, 100.0, "100", period="2023"), cell({}, None, "<5", SUPPRESSED, period="2024"),
        cell({}, 120.0, "120", period="2025"),
        cell({}, 50.0, "50", name="Asylum-seekers", period="2025"),
    ])
    figure = fig.trend(frame, title="t", unit="persons")
    refugees, asylum = figure.data
    assert list(refugees.x) == ["2023", "2025"] and list(refugees.y) == [100.0, 120.0]
    assert asylum.name == "Asylum-seekers"
    assert figure.layout.xaxis.type == "category"


def test_pyramid_puts_males_left_and_shows_positive_labels():
    rows = [cell({"sex": s, "age_group": a}, v, f"{v:,.0f}") for s, a, v in
            [("M", "0-4", 400.0), ("F", "0-4", 380.0), ("M", "18-59", 1200.0),
             ("F", "18-59", 1100.0)]]
    rows.append(cell({"sex": "F", "age_group": "60+"}, None, "<5", SUPPRESSED))
    rows.append(cell({"sex": TOTAL, "age_group": TOTAL}, 3083.0, "3,083"))
    figure = fig.pyramid(pl.DataFrame(rows), title="Pyramid")
    male, female = figure.data
    assert list(male.x) == [-400.0, -1200.0] and list(male.text) == ["400", "1,200"]
    assert list(female.x) == [380.0, 1100.0]
    assert all(not t.startswith("-") for t in figure.layout.xaxis.ticktext)
    assert "Female 60+" in fig.withheld_note(figure)  # the sex named, not its code


def test_funnel_keeps_stage_order():
    stages = pl.DataFrame([{**cell({}, v, f"{v:,.0f}"), "stage": s} for s, v in
                           [("Identified", 26500.0), ("Resolved", 22253.0)]])
    (funnel,) = fig.funnel(stages, title="f").data
    assert list(funnel.y) == ["Identified", "Resolved"]
    assert list(funnel.text) == ["26,500", "22,253"]


def test_map_without_boundaries_draws_circles_at_the_regional_centres():
    figure = fig.region_map(by_region(), None, title="Where", unit="persons")
    circles = [t for t in figure.data if t.mode == "markers+text"]
    assert sorted(t.name for t in circles) == [
        "Districts of Republican Subordination (DRS)", "Dushanbe", "Khatlon"]
    drs = next(t for t in circles if t.name.startswith("Districts"))
    dushanbe = next(t for t in circles if t.name == "Dushanbe")
    assert drs.marker.size > dushanbe.marker.size  # area grows with the count
    assert "no boundary file" in figure.layout.annotations[0].text
    assert "Gorno-Badakhshan (GBAO)" in fig.withheld_note(figure)  # withheld, named


def boundary_rows(level: str) -> pl.DataFrame:
    path = GEO / f"geoBoundaries-TJK-{level}_simplified.geojson"
    if not path.exists():
        pytest.skip("../shared/reference/geo is not beside the repository")
    raw = readers.read_table(path.read_bytes(), path.name, get("boundaries")).frame
    return raw.drop(readers.ROW)


@pytest.mark.parametrize("level", ["ADM1", "ADM2"])
def test_map_with_boundaries_is_a_choropleth_drawn_offline(level):
    shapes = boundary_rows(level)
    figure = fig.region_map(by_region(), shapes, title="Where", unit="persons")
    fills = [t for t in figure.data if t.fill == "toself"]
    assert len(fills) >= 5
    colours = {t.name: t.fillcolor for t in fills}
    assert colours["Districts of Republican Subordination (DRS)"] == fig.SEQUENTIAL[-1]
    assert colours["Gorno-Badakhshan (GBAO)"] == fig.LIGHT_GREY  # withheld: not coloured
    hover = {t.text for t in fills}
    assert "Gorno-Badakhshan (GBAO): <5" in hover
    text = serialised(figure)
    assert "http" not in text  # no tiles, no topojson: nothing to fetch
    assert not any(t.type in ("choropleth", "scattergeo", "choroplethmap") for t in figure.data)


def test_a_figure_of_withheld_and_missing_cells_only_is_empty():
    frame = by_region().filter(pl.col("status") != OK)
    figure = fig.bars(frame, "region", title="t", unit="persons")
    assert fig.is_empty(figure)
    assert fig.withheld_note(figure) == "Withheld to protect small numbers: TJ-GB."
    assert not fig.is_empty(fig.bars(by_region(), "region", title="t", unit="persons"))


def test_months_are_named_on_the_time_axis():
    frame = pl.DataFrame([cell({}, 5.0 + m, "x", period=f"2025-{m:02d}") for m in (1, 2, 12)])
    (line,) = fig.trend(frame, title="t", unit="persons").data
    assert list(line.x) == ["Jan 2025", "Feb 2025", "Dec 2025"]
