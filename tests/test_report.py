"""`hamkori report`: the published figures from the real UNHCR files, the demo warehouse, both
backends giving the same report, formats and refusals."""

from __future__ import annotations

import json
from datetime import date

import polars as pl
import pytest
from click.testing import CliRunner
from files import FILES, TJK, needs_reference
from polars.testing import assert_frame_equal

from data_access import importer, indicators
from data_access.cli import main
from data_access.demo import load_demo
from data_access.engine import make_engine
from data_access.warehouse import upgrade
from metrics import engine
from metrics.catalogue import CATALOGUE
from metrics.periods import Period


def load_reference(eng) -> None:
    for dataset, name in FILES.items():
        importer.import_file(eng, dataset, TJK / name, user="tester")


def report(eng, period: str, audience: str = "unhcr", **options) -> pl.DataFrame:
    request = engine.Request(Period.parse(period), audience, **options)
    with eng.connect() as connection:
        return indicators.compute(connection, request)


def value(frame: pl.DataFrame, code: str, **cell) -> float | None:
    rows = frame.filter(pl.col("indicator") == code,
                        *[pl.col(k) == v for k, v in cell.items()])
    assert rows.height == 1, (code, cell, rows)
    return rows.get_column("value")[0]


# ---------------------------------------------------------------- real official statistics
@needs_reference
def test_published_figures_for_tajikistan(any_engine):
    load_reference(any_engine)
    y2024 = report(any_engine, "2024")
    assert value(y2024, "OFF.REF") == 12_157
    assert value(y2024, "OFF.RECOGNIZED") == 3_611
    assert value(y2024, "OFF.DECISIONS") == 3_660
    assert value(y2024, "OFF.RRR") == 100.0  # the 49 other decisions were otherwise closed
    assert value(y2024, "OFF.APPLIED") == 5_307
    y2025 = report(any_engine, "2025")
    assert value(y2025, "OFF.RETURNS_FROM") == 1_421  # Tajikistan -> Afghanistan
    by_origin = report(any_engine, "2022", by=("origin",))
    assert value(by_origin, "OFF.REF", origin="Total") == 8_608
    assert value(by_origin, "OFF.REF", origin="AFG") == 8_601
    assert value(report(any_engine, "2019"), "OFF.STA") == 7_151
    assert value(report(any_engine, "1993"), "OFF.IDP") == 520_000


@needs_reference
def test_official_indicators_equal_an_independent_count_of_the_files_every_year(engine):
    """Each year 1992–2025: the engine's value == a plain Polars sum over the CSV."""
    load_reference(engine)
    population = pl.read_csv(TJK / FILES["unhcr-population"], infer_schema_length=None)
    solutions = pl.read_csv(TJK / FILES["unhcr-solutions"], infer_schema_length=None)
    checks = [("OFF.REF", population, "refugees", "coa_iso"),
              ("OFF.ASY", population, "asylum_seekers", "coa_iso"),
              ("OFF.STA", population, "stateless", "coa_iso"),
              ("OFF.RETURNS_FROM", solutions, "returned_refugees", "coa_iso"),
              ("OFF.RETURNED", solutions, "returned_refugees", "coo_iso")]
    compared = 0
    for year in range(1992, 2026):
        frame = report(engine, str(year), compare=False)
        for code, source, column, side in checks:
            rows = source.filter(pl.col("year") == year, pl.col(side) == "TJK")
            expected = rows.get_column(column).sum() if rows.get_column(column).null_count() < rows.height else None
            got = value(frame, code)
            if rows.height == 0:
                assert got == 0, (code, year)
            else:
                assert got == expected, (code, year, got, expected)
            compared += 1
    assert compared == 34 * len(checks)


@needs_reference
def test_another_country_is_not_read_from_the_tajikistan_extract(engine):
    """The TJK files hold the rows where Tajikistan is origin or asylum: for Kazakhstan they
    would count only Tajik refugees there. Not available, and the note says why."""
    load_reference(engine)
    frame = report(engine, "2024", country="KAZ")
    row = frame.filter(pl.col("indicator") == "OFF.REF").row(0, named=True)
    assert (row["status"], row["value"]) == ("not_available", None)
    assert "only rows involving TJK" in row["note"]
    assert value(report(engine, "2024"), "OFF.REF") == 12_157  # Tajikistan itself still answers


@needs_reference
@pytest.mark.slow
def test_another_country_from_the_global_table(engine):
    importer.import_file(engine, "unhcr-population", TJK.parent / "population.csv", user="t")
    glob = pl.read_csv(TJK.parent / "population.csv", infer_schema_length=None)
    expected = glob.filter(pl.col("year") == 2024, pl.col("coa_iso") == "KAZ")["refugees"].sum()
    assert value(report(engine, "2024", country="KAZ", compare=False), "OFF.REF") == expected
    assert value(report(engine, "2024", compare=False), "OFF.REF") == 12_157


# ---------------------------------------------------------------- the demo warehouse
@pytest.fixture(scope="module")
def demo_url(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.sqlite'}"
    eng = make_engine(url)
    upgrade(eng)
    load_demo(eng, seed=1)
    if TJK.is_dir():
        load_reference(eng)
    eng.dispose()
    return url


@pytest.fixture
def demo(demo_url):
    eng = make_engine(demo_url)
    yield eng
    eng.dispose()


def test_every_indicator_answers_on_the_demo(demo):
    frame = report(demo, "2025")
    assert frame.get_column("indicator").to_list() == list(CATALOGUE.indicators)
    answered = frame.filter(pl.col("status") == "ok").get_column("indicator").to_list()
    official = {c for c in CATALOGUE.indicators if c.startswith("OFF.")}
    expected = set(CATALOGUE.indicators) - (set() if TJK.is_dir() else official)
    # OFF.OIP/RESETTLED/NATURALISED are not reported for Tajikistan in 2025: 'no data', not 0
    not_reported = {c for c in expected if c.startswith("OFF.")} - set(answered)
    assert not_reported <= {"OFF.OIP", "OFF.RESETTLED", "OFF.NATURALISED", "OFF.RETURNED"}
    assert expected - set(answered) == not_reported
    assert frame.filter(pl.col("status") == "not_available").is_empty()


def test_the_joint_plan_indicators_on_the_demo(demo):
    frame = report(demo, "2025")
    on_track, overdue = value(frame, "LOU.ON_TRACK_PCT"), value(frame, "LOU.OVERDUE")
    assert 30 <= on_track <= 90  # DOMAIN §8: some on track, some late
    assert overdue >= 1


def test_demo_magnitudes_follow_domain_section_8(demo):
    frame = report(demo, "2025")
    assert 8_000 <= value(frame, "POP.REF") <= 9_500
    assert 2_800 <= value(frame, "POP.ASY") <= 3_600
    assert 25_000 <= value(frame, "STA.IDENTIFIED") <= 27_000
    assert 100 <= value(frame, "SOL.RETURNS") <= 3_000
    assert 0 < value(frame, "EDU.GER_PRIMARY") <= 100


def test_the_donor_never_receives_a_count_between_1_and_4(demo):
    for by in [("region",), ("region", "sex"), ("origin",), ("age_group", "sex")]:
        frame = report(demo, "2025", audience="donor", by=by)
        counts = frame.filter(pl.col("unit").is_in(["persons", "cases"]))
        for column in ("value", "previous", "year_ago"):
            small = counts.filter(pl.col(column).is_between(1, 4, closed="both"))
            assert small.is_empty(), (by, column, small)
        assert not counts.get_column("display").str.contains(r"^[1-4]$").any()
    exact = report(demo, "2025", audience="unhcr", by=("origin",))
    assert exact.filter(pl.col("unit") == "persons",
                        pl.col("value").is_between(1, 4, closed="both")).height > 0


def test_region_filter_and_national_only_indicators(demo):
    national = report(demo, "2025", compare=False)
    dushanbe = report(demo, "2025", compare=False, filters={"region": ("TJ-DU",)})
    assert value(dushanbe, "POP.REF") < value(national, "POP.REF")
    assert value(dushanbe, "ASY.APPLIED") == value(national, "ASY.APPLIED")
    note = dushanbe.filter(pl.col("indicator") == "ASY.APPLIED").get_column("note")[0]
    assert "national figure" in note


def test_as_of_inside_the_period(demo):
    full = report(demo, "2025", compare=False)
    half = report(demo, "2025", compare=False, as_of=date(2025, 6, 30))
    assert value(half, "SOL.RETURNS") < value(full, "SOL.RETURNS")
    as_of = half.filter(pl.col("indicator") == "POP.REF").get_column("as_of")[0]
    assert as_of <= date(2025, 6, 30)


# ---------------------------------------------------------------- SQLite == PostgreSQL
@pytest.mark.slow
def test_the_same_report_on_sqlite_and_postgresql(tmp_path, pg_url):
    reports = []
    for url in (f"sqlite:///{tmp_path / 'w.sqlite'}", pg_url):
        eng = make_engine(url)
        upgrade(eng)
        load_demo(eng, seed=3)
        if TJK.is_dir():
            load_reference(eng)
        reports.append([
            report(eng, "2025", "unhcr"),
            report(eng, "2025", "donor", by=("region", "sex")),
            report(eng, "2025-Q3", "unicef", by=("district",)),
            report(eng, "2024/25", "unhcr", by=("level",)),
            report(eng, "2024-07", "admin", by=("origin",)),
        ])
        eng.dispose()
    for on_sqlite, on_postgres in zip(*reports, strict=True):
        assert on_sqlite.height > 0
        assert_frame_equal(on_sqlite, on_postgres)


# ---------------------------------------------------------------- the command
@pytest.fixture
def run(demo_url, monkeypatch):
    monkeypatch.setenv("HAMKORI_WAREHOUSE_URL", demo_url)
    runner = CliRunner()
    return lambda *args: runner.invoke(main, ["report", *args], catch_exceptions=False)


def test_cli_json_has_the_report_columns(run):
    result = run("--period", "2025", "--audience", "unhcr")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [r["indicator"] for r in rows] == list(CATALOGUE.indicators)
    first = rows[0]
    assert list(first)[:7] == ["indicator", "name", "value", "display", "unit", "period", "as_of"]
    assert isinstance(first["value"], int) and first["display"] == f"{first['value']:,}"
    assert first["period"] == "2025" and first["as_of"] == "2025-12-31"
    assert isinstance(first["batches"], list) and first["batches"]
    rate = next(r for r in rows if r["indicator"] == "POP.FEMALE_PCT")
    assert rate["display"] == f"{rate['value']:.1f} %"


def test_cli_csv_with_two_dimensions(run):
    result = run("--period", "2025-Q3", "--by", "region,sex", "--format", "csv",
                 "--audience", "unicef")
    assert result.exit_code == 0, result.output
    frame = pl.read_csv(result.output.encode(), infer_schema_length=None)
    assert frame.columns[:9] == ["indicator", "name", "value", "display", "unit", "period",
                                 "as_of", "region", "sex"]
    totals = frame.filter(pl.col("region") == "Total", pl.col("sex") == "Total")
    assert totals.get_column("indicator").n_unique() == totals.height
    assert not frame.get_column("indicator").str.starts_with("ASY.").any()  # not for UNICEF


def test_cli_shows_small_counts_as_less_than_5_for_donors(run):
    result = run("--period", "2025", "--by", "origin", "--audience", "donor",
                 "--indicator", "POP.REF", "--format", "csv")
    frame = pl.read_csv(result.output.encode(), infer_schema_length=None)
    suppressed = frame.filter(pl.col("status") == "suppressed")
    assert suppressed.height >= 2  # a small origin and its complement
    assert set(suppressed.get_column("display")) <= {"<5", "suppressed"}
    assert suppressed.get_column("value").null_count() == suppressed.height


@pytest.mark.parametrize(("args", "message"), [
    (["--period", "2025-13"], "not a period"),
    (["--by", "district", "--audience", "donor"], "no breakdown by district"),
    (["--by", "colour"], "unknown dimension"),
    (["--indicator", "ASY.RRR", "--audience", "unicef"], "not available to the unicef"),
    (["--indicator", "NOPE.X"], "unknown indicator"),
    (["--audience", "guest"], "unknown audience"),
])
def test_cli_refusals_are_one_clear_line(run, args, message):
    result = run(*args)
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output


# ---------------------------------------------------------------- no recovery across views
def test_comparisons_of_cumulative_counts_do_not_reveal_the_period_flow(demo):
    """STA.RESOLVED − previous = the cases resolved in the period: for donors and UNICEF only
    the total row compares, and only when the difference is not small."""
    for audience in ("donor", "unicef"):
        frame = report(demo, "2025-07", audience, by=("region", "sex"))
        counts = frame.filter(pl.col("indicator").is_in(["STA.RESOLVED", "STA.IDENTIFIED",
                                                         "POP.POC", "POP.REF"]))
        cells = counts.filter((pl.col("region") != "Total") | (pl.col("sex") != "Total"))
        assert cells.get_column("previous").null_count() == cells.height
        totals = counts.filter(pl.col("region") == "Total", pl.col("sex") == "Total",
                               pl.col("previous").is_not_null())
        gaps = (totals["value"] - totals["previous"]).abs()
        assert not gaps.is_between(1, 4.999).any()
    exact = report(demo, "2025-07", "unhcr", by=("region",))
    assert exact.filter(pl.col("indicator") == "STA.RESOLVED", pl.col("region") != "Total"
                        ).get_column("previous").null_count() == 0


def test_a_region_filter_hides_the_same_cells_as_the_region_table(demo):
    table = report(demo, "2025", "donor", by=("region", "age_group"), compare=False
                   ).filter(pl.col("indicator") == "POP.REF")
    for region in ("TJ-SU", "TJ-KT", "TJ-GB"):
        sliced = report(demo, "2025", "donor", by=("age_group",), compare=False,
                        filters={"region": (region,)}).filter(pl.col("indicator") == "POP.REF")
        in_table = table.filter(pl.col("region") == region).select("age_group", "display")
        assert in_table.sort("age_group").equals(
            sliced.select("age_group", "display").sort("age_group")), region


def test_year_to_date_compares_the_same_months(demo):
    ytd = report(demo, "2025", "unhcr", as_of=date(2025, 6, 30))
    last_ytd = report(demo, "2024", "unhcr", as_of=date(2024, 6, 30), compare=False)
    for code in ("SOL.RETURNS", "ASY.APPLIED"):
        assert value(ytd, code) is not None
        row = ytd.filter(pl.col("indicator") == code).row(0, named=True)
        assert row["year_ago"] == value(last_ytd, code), code
        assert row["as_of"] <= date(2025, 6, 30)
