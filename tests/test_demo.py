"""The demo warehouse generator (DOMAIN §8): contract, determinism, rules and magnitudes."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from data_access import datasets as ds
from data_access import demo
from data_access import reference as ref
from data_access.validation import validate
from metrics.joint_plan import activity_status

END_2025 = dt.date(2025, 12, 31)
OFFICE_DATASETS = {
    "population", "asylum", "solutions", "resettlement", "education", "statelessness",
    "birth_registration", "joint_plan", "joint_plan_updates", "funding", "targets", "framework",
}
DTYPES = {
    ds.COUNT: pl.Int64, ds.YEAR: pl.Int64, ds.NUMBER: pl.Float64, ds.PERCENT: pl.Float64,
    ds.DATE: pl.Date, ds.MONTH: pl.Date,
}


@pytest.fixture(scope="module")
def frames() -> dict[str, pl.DataFrame]:
    return demo.generate(seed=1)


def persons(frame: pl.DataFrame) -> int:
    return int(frame.get_column("persons").sum())


# ---- Contract -----------------------------------------------------------------------------------


def test_one_frame_per_office_dataset_with_contract_columns_and_types(frames):
    assert set(frames) == OFFICE_DATASETS
    for name, frame in frames.items():
        spec = ds.get(name)
        assert frame.columns == spec.column_names, name
        assert frame.height > 0, name
        for column in spec.columns:
            expected = DTYPES.get(column.kind, pl.Utf8)
            assert frame.schema[column.name] == expected, (name, column.name)
            if column.required:
                assert frame.get_column(column.name).null_count() == 0, (name, column.name)


@pytest.mark.parametrize("name", sorted(OFFICE_DATASETS))
def test_no_duplicate_grain(frames, name):
    grain = list(ds.get(name).grain)
    assert frames[name].select(grain).is_duplicated().sum() == 0


@pytest.mark.parametrize("name", sorted(OFFICE_DATASETS))
def test_every_frame_passes_validation(frames, name):
    _typed, problems = validate(ds.get(name), frames[name])
    assert problems.height == 0, problems.head(10)


def test_codes_come_from_the_reference_lists(frames):
    countries = set(ref.countries())
    pop = frames["population"]
    assert set(pop.get_column("population_type")) <= set(ref.POPULATION_TYPES)
    assert set(pop.get_column("origin")) <= countries
    for name in ("population", "solutions", "statelessness"):
        frame = frames[name]
        assert set(frame.get_column("sex")) <= set(ref.SEXES)
        assert set(frame.get_column("age_group")) <= set(ref.AGE_GROUPS)
        assert set(frame.get_column("region").drop_nulls()) <= set(ref.REGIONS)
    rst = frames["resettlement"]
    assert set(rst.get_column("category")) <= set(ref.RESETTLEMENT_CATEGORIES)
    assert set(rst.get_column("destination")) <= {"USA", "CAN", "AUS", "NOR", "SWE", "DEU", "GBR"}
    assert set(frames["joint_plan"].get_column("area")) <= set(ref.JOINT_PLAN_AREAS)
    assert set(frames["funding"].get_column("area").drop_nulls()) <= set(ref.JOINT_PLAN_AREAS)


def test_districts_lie_in_their_region(frames):
    region_of = {name: region for name, (region, _ru) in ref.DISTRICTS.items()}
    for name in ("population", "statelessness", "birth_registration"):
        rows = frames[name].filter(pl.col("district").is_not_null())
        actual = rows.get_column("district").replace_strict(region_of, default=None)
        assert actual.null_count() == 0, name
        assert (actual == rows.get_column("region")).all(), name


def test_counts_are_never_negative(frames):
    for name, frame in frames.items():
        for column in ds.get(name).columns:
            if column.kind in (ds.COUNT, ds.NUMBER):
                assert (frame.get_column(column.name).drop_nulls() >= 0).all(), (name, column.name)


def test_dates_within_1990_and_next_year(frames):
    last = END_2025.year + 1
    for name, frame in frames.items():
        for column in ds.get(name).columns:
            values = frame.get_column(column.name).drop_nulls()
            if column.kind in (ds.DATE, ds.MONTH):
                years = values.dt.year()
            elif column.kind == ds.YEAR:
                years = values
            else:
                continue
            assert years.min() >= 1990 and years.max() <= last, (name, column.name)
    # Observed data (everything but plans) ends at `today`.
    assert frames["population"].get_column("date").max() == END_2025
    assert frames["statelessness"].get_column("resolved").max() <= END_2025
    assert frames["resettlement"].get_column("departed").max() <= END_2025
    updates = frames["joint_plan_updates"]
    for column in ("date", "unhcr_on", "unicef_on"):
        assert updates.get_column(column).max() <= END_2025, column


# ---- Cross-column rules -------------------------------------------------------------------------


def test_enrolment_bounds(frames):
    edu = frames["education"]
    assert edu.filter(pl.col("enrolled_of_age") > pl.col("school_age")).height == 0
    assert edu.filter(pl.col("enrolled_of_age") > pl.col("enrolled")).height == 0
    dafi = edu.filter(pl.col("dafi_scholars").is_not_null())
    assert set(dafi.get_column("level")) == {"tertiary"}
    assert dafi.filter(pl.col("dafi_scholars") > pl.col("enrolled")).height == 0


def test_registered_at_most_children_under5(frames):
    brn = frames["birth_registration"]
    assert brn.filter(pl.col("registered") > pl.col("children_under5")).height == 0
    assert brn.get_column("district").null_count() > 0  # some partners report by region only


def test_resettlement_dates_and_decisions(frames):
    rst = frames["resettlement"]
    assert rst.filter(pl.col("decided") < pl.col("submitted")).height == 0
    assert rst.filter(pl.col("departed") < pl.col("decided")).height == 0
    assert rst.filter(pl.col("departed").is_not_null() & (pl.col("decision") != "accepted")).height == 0
    assert rst.filter((pl.col("decision") == "pending") != pl.col("decided").is_null()).height == 0
    assert rst.get_column("persons").min() >= 1 and rst.get_column("persons").max() <= 8
    assert set(rst.get_column("decision")) == {"pending", "accepted", "rejected", "withdrawn"}


def test_statelessness_resolved_iff_resolution(frames):
    sta = frames["statelessness"]
    is_resolution = pl.col("status").is_in(["confirmed", "acquired"])
    assert sta.filter(is_resolution != pl.col("resolved").is_not_null()).height == 0
    assert sta.filter(pl.col("resolved") < pl.col("identified")).height == 0


def test_joint_plan_and_framework_are_consistent(frames):
    plan, framework = frames["joint_plan"], frames["framework"]
    assert plan.filter(pl.col("end") < pl.col("start")).height == 0
    outcomes = set(framework.filter(pl.col("level") == "outcome").get_column("code"))
    assert set(plan.get_column("undaf_outcome").drop_nulls()) <= outcomes
    assert set(frames["targets"].get_column("undaf_outcome").drop_nulls()) <= outcomes
    outputs = framework.filter(pl.col("level") == "output")
    assert outputs.height >= 2 and set(outputs.get_column("parent")) <= outcomes
    assert 3 <= len(outcomes) <= 4
    assert framework.get_column("title").str.starts_with("Example — ").all()


# ---- Determinism --------------------------------------------------------------------------------


def test_same_seed_gives_identical_frames(frames):
    again = demo.generate(seed=1)
    for name, frame in frames.items():
        assert frame.equals(again[name]), name


def test_other_seed_gives_other_numbers(frames):
    other = demo.generate(seed=2)
    for name in ("population", "asylum", "solutions", "resettlement", "statelessness",
                 "education", "birth_registration", "funding", "joint_plan_updates"):
        assert not frames[name].equals(other[name]), name


def test_today_bounds_the_calendar():
    today = dt.date(2023, 6, 30)
    frames = demo.generate(seed=1, today=today)
    assert frames["population"].get_column("date").max() == today
    assert frames["asylum"].get_column("month").max() == dt.date(2023, 6, 1)
    assert frames["statelessness"].get_column("identified").max() <= today
    assert frames["resettlement"].get_column("submitted").max() <= today
    updates = frames["joint_plan_updates"]
    for column in ("date", "unhcr_on", "unicef_on"):
        assert updates.get_column(column).max() <= today, column
    _typed, problems = validate(ds.get("joint_plan_updates"), updates)
    assert problems.height == 0, problems.head(10)


# ---- Magnitudes of DOMAIN §8 --------------------------------------------------------------------


def test_caseload_at_the_end_of_2025(frames):
    pop = frames["population"]
    last = pop.filter(pl.col("date") == pop.filter(pl.col("date").dt.year() == 2025)
                      .get_column("date").max())
    refugees = last.filter(pl.col("population_type") == "REF")
    asylum_seekers = last.filter(pl.col("population_type") == "ASY")
    assert 8_000 <= persons(refugees) <= 9_200
    assert 2_800 <= persons(asylum_seekers) <= 3_600

    ref_asy = last.filter(pl.col("population_type").is_in(["REF", "ASY"]))
    afghans = ref_asy.filter(pl.col("origin") == "AFG")
    assert persons(afghans) / persons(ref_asy) > 0.95

    by_district = ref_asy.group_by("district").agg(pl.col("persons").sum()).sort(
        "persons", descending=True)
    top = by_district.get_column("district").head(3).to_list()
    assert "Vahdat" in top and "Rudaki" in top

    female = ref_asy.filter(pl.col("sex") == "F")
    children = ref_asy.filter(pl.col("age_group").is_in(list(ref.CHILD_AGE_GROUPS)))
    assert 0.45 <= persons(female) / persons(ref_asy) <= 0.55
    assert 0.33 <= persons(children) / persons(ref_asy) <= 0.45

    others = last.filter(pl.col("population_type").is_in(["OIP", "OOC"]))
    stateless = last.filter(pl.col("population_type") == "STA")
    assert 100 <= persons(others) <= 1_000
    assert 1_000 <= persons(stateless) <= 6_000


def test_population_is_monthly_from_2019():
    dates = demo.generate(seed=3)["population"].get_column("date").unique().sort()
    assert dates.len() == 7 * 12
    assert dates.first() == dt.date(2019, 1, 31)


def test_statelessness_pilot_project(frames):
    sta = frames["statelessness"]
    assert 24_000 <= sta.height <= 28_000
    assert sta.get_column("identified").min() >= dt.date(2015, 1, 1)
    unresolved = sta.filter(pl.col("status").is_in(["identified", "in_progress"]))
    assert 1_000 <= unresolved.height <= 6_000
    resolved = sta.filter(pl.col("status").is_in(["confirmed", "acquired"]))
    assert resolved.height > 0.7 * sta.height
    by_region = dict(sta.group_by("region").len().iter_rows())
    assert set(by_region) == set(ref.REGIONS)
    assert by_region["TJ-KT"] + by_region["TJ-SU"] > sta.height / 2


def test_returns_and_naturalisation(frames):
    sol = frames["solutions"]
    in_2025 = sol.filter(pl.col("month").dt.year() == 2025)
    returns = in_2025.filter(pl.col("solution") == "voluntary_return",
                             pl.col("destination") == "AFG")
    assert 500 <= persons(returns) <= 3_000
    yearly = (sol.filter(pl.col("solution") == "voluntary_return")
              .group_by(pl.col("month").dt.year().alias("year")).agg(pl.col("persons").sum()))
    assert yearly.height == 7 and yearly.get_column("persons").min() >= 50
    naturalised = sol.filter(pl.col("solution") == "naturalisation")
    assert set(naturalised.get_column("destination")) == {"TJK"}
    per_year = naturalised.group_by(pl.col("month").dt.year()).agg(pl.col("persons").sum())
    assert per_year.get_column("persons").max() < 100


def test_asylum_flow(frames):
    asy = frames["asylum"]
    yearly = asy.group_by(pl.col("month").dt.year().alias("year")).agg(pl.col("applied").sum())
    assert yearly.height == 7
    assert 2_000 <= yearly.get_column("applied").max() <= 10_000


def test_resettlement_a_few_hundred_cases(frames):
    assert 100 <= frames["resettlement"].height <= 600


def test_education_rates(frames):
    edu = frames["education"]
    assert set(edu.get_column("school_year")) == {f"{y}/{(y + 1) % 100:02d}" for y in range(2019, 2026)}
    assert set(edu.get_column("population_type")) == {"REF", "ASY"}

    def ger(levels: list[str]) -> float:
        rows = edu.filter(pl.col("level").is_in(levels))
        return rows.get_column("enrolled").sum() / rows.get_column("school_age").sum()

    assert 0.80 <= ger(["primary"]) <= 1.0
    assert 0.55 <= ger(["lower_secondary", "upper_secondary"]) <= 0.75
    assert ger(["tertiary"]) < 0.2
    dafi = edu.group_by("school_year").agg(pl.col("dafi_scholars").sum())
    assert 5 <= dafi.get_column("dafi_scholars").max() <= 100


def test_birth_registration_share(frames):
    brn = frames["birth_registration"]
    assert set(brn.get_column("population_type")) == {"REF", "ASY", "STA"}
    share = brn.get_column("registered").sum() / brn.get_column("children_under5").sum()
    assert 0.70 <= share <= 0.95


def test_joint_plan_covers_all_areas(frames):
    plan = frames["joint_plan"]
    assert 20 <= plan.height <= 40
    assert set(plan.get_column("area")) == set(ref.JOINT_PLAN_AREAS)
    assert set(plan.get_column("lead")) == {"UNHCR", "UNICEF", "JOINT"}
    assert plan.get_column("start").min() >= dt.date(2017, 5, 1)
    assert plan.filter(pl.col("end") > END_2025).height > 0
    assert not plan.get_column("title").str.contains("(?i)lorem").any()
    catalogue = {"EDU.GER_PRIMARY", "BRN.U5_REGISTERED_PCT", "STA.RESOLVED"}
    assert catalogue <= set(plan.get_column("indicator").drop_nulls())


def test_funding_and_targets(frames):
    funding = frames["funding"]
    assert set(funding.get_column("year")) == set(range(2019, 2026))
    assert {"European Union", "Japan", "Germany", "United States", "CERF", "Private donors"} <= set(
        funding.get_column("donor"))
    assert funding.filter(pl.col("received_usd") > pl.col("pledged_usd") * 1.05).height == 0
    targets = frames["targets"]
    assert {"EDU.GER_PRIMARY", "BRN.U5_REGISTERED_PCT", "STA.RESOLVED"} <= set(
        targets.get_column("indicator"))
    assert targets.filter(pl.col("year") == 2025).height == targets.get_column("indicator").n_unique()


# ---- Joint-plan progress updates (DOMAIN §5) ----------------------------------------------------

AGENCY_KEYS = {"UNHCR": "unhcr", "UNICEF": "unicef"}
SIGNOFFS = ("unhcr_signoff", "unicef_signoff")


def with_signed_off(updates: pl.DataFrame) -> pl.DataFrame:
    both = (pl.col("unhcr_signoff") == "signed") & (pl.col("unicef_signoff") == "signed")
    return updates.with_columns(both.fill_null(False).alias("signed_off"))


def test_updates_validate_as_a_file_would(frames):
    updates = frames["joint_plan_updates"]
    as_text = updates.with_columns(pl.all().cast(pl.Utf8))
    _typed, problems = validate(ds.get("joint_plan_updates"), as_text, [])
    assert problems.height == 0, problems.head(10)


def test_updates_cite_plan_activities_numbered_from_one_in_date_order(frames):
    updates, plan = frames["joint_plan_updates"], frames["joint_plan"]
    assert set(updates.get_column("activity_id")) <= set(plan.get_column("activity_id"))
    started = plan.filter(pl.col("start") < dt.date(2025, 9, 1))
    assert set(started.get_column("activity_id")) <= set(updates.get_column("activity_id"))
    for (activity_id,), rows in updates.sort("update_no").group_by(["activity_id"]):
        numbers = rows.get_column("update_no").to_list()
        assert numbers == list(range(1, len(numbers) + 1)), activity_id
        dates = rows.get_column("date").to_list()
        assert dates == sorted(dates), activity_id
    timeframe = updates.join(plan.select("activity_id", "start", "end"), on="activity_id")
    assert timeframe.filter((pl.col("date") <= pl.col("start")) | (pl.col("date") > pl.col("end"))
                            ).height == 0
    # Quarterly: besides corrections and final reports, updates fall on quarter ends.
    day, month = pl.col("date").dt.day(), pl.col("date").dt.month()
    quarter_end = month.is_in([3, 6, 9, 12]) & (day >= 30)
    assert updates.filter(quarter_end).height > 0.9 * updates.height
    assert 250 <= updates.height <= 600


def test_the_lead_posts_and_signs_by_posting_the_other_agency_later(frames):
    updates, plan = frames["joint_plan_updates"], frames["joint_plan"]
    assert updates.get_column("posted_by").str.contains(r"^focal\.[a-z]+@(unhcr|unicef)\.example$").all()
    for agency, key in AGENCY_KEYS.items():
        own = updates.filter(pl.col("posted_agency") == agency)
        assert (own.get_column(f"{key}_signoff") == "signed").all()
        assert own.get_column(f"{key}_by").equals(own.get_column("posted_by"), check_names=False)
        assert (own.get_column(f"{key}_on") == own.get_column("date")).all()
        assert own.get_column("posted_by").str.ends_with(f"@{key}.example").all()
        others = updates.filter(pl.col("posted_agency") != agency, pl.col(f"{key}_signoff").is_not_null())
        assert (others.get_column(f"{key}_on") >= others.get_column("date")).all()
        assert others.get_column(f"{key}_by").str.ends_with(f"@{key}.example").all()
    leads = updates.join(plan.select("activity_id", "lead"), on="activity_id")
    single = leads.filter(pl.col("lead") != "JOINT")
    assert (single.get_column("posted_agency") == single.get_column("lead")).all()
    joint = leads.filter(pl.col("lead") == "JOINT")
    assert set(joint.get_column("posted_agency")) == {"UNHCR", "UNICEF"}


def test_returned_updates_are_explained_and_followed_by_a_correction(frames):
    updates = frames["joint_plan_updates"]
    is_returned = pl.any_horizontal(pl.col(c) == "returned" for c in SIGNOFFS)
    returned = updates.filter(is_returned)
    assert 2 <= returned.height <= 0.06 * updates.height
    assert returned.get_column("comment").null_count() == 0
    following = updates.select(
        "activity_id", (pl.col("update_no") - 1).alias("update_no"),
        pl.col("date").alias("next_date"), pl.col("comment").alias("next_comment"),
        pl.col("posted_agency").alias("next_agency"))
    pairs = returned.join(following, on=["activity_id", "update_no"], how="left").with_columns(
        pl.max_horizontal("unhcr_on", "unicef_on").alias("returned_on"))
    assert pairs.get_column("next_comment").str.starts_with("Corrects update").all()
    assert (pairs.get_column("next_agency") == pairs.get_column("posted_agency")).all()
    assert (pairs.get_column("next_date") > pairs.get_column("returned_on")).all()


def test_a_few_updates_wait_for_the_other_agency_near_today(frames):
    updates = frames["joint_plan_updates"]
    pending = updates.filter(pl.any_horizontal(pl.col(c).is_null() for c in SIGNOFFS))
    assert 2 <= pending.height <= 4
    assert (pending.get_column("date") > END_2025 - dt.timedelta(days=92)).all()
    # ... besides those returned in the last quarter, whose corrections are (or were) under way.
    returned = updates.filter(pl.any_horizontal(pl.col(c) == "returned" for c in SIGNOFFS))
    returned_on = returned.select(pl.max_horizontal("unhcr_on", "unicef_on")).to_series()
    assert (returned_on > END_2025 - dt.timedelta(days=92)).sum() >= 1


def test_the_plan_shows_a_mix_of_statuses_at_today(frames):
    plan, updates = frames["joint_plan"], frames["joint_plan_updates"]
    status = activity_status(plan, with_signed_off(updates), END_2025)
    counts = dict(status.group_by("status").len().iter_rows())
    assert counts.get("completed", 0) >= 5
    assert counts.get("at_risk", 0) >= 1 and counts.get("off_track", 0) >= 1
    assert 1 <= counts.get("overdue", 0) <= 3
    assert 1 <= counts.get("stale", 0) <= 2
    # Most ongoing activities are on track.
    ongoing = counts.get("at_risk", 0) + counts.get("off_track", 0) + counts.get("stale", 0)
    assert counts.get("on_track", 0) > ongoing
    # Completed activities reached 100 % on or before their end.
    done = status.filter(pl.col("status") == "completed")
    assert (done.get_column("last_signed") <= done.get_column("end")).all()


def test_update_figures_are_coherent(frames):
    plan, updates = frames["joint_plan"], frames["joint_plan_updates"]
    assert (updates.get_column("funds_spent_usd") <= updates.get_column("funds_mobilised_usd")).all()
    is_returned = pl.any_horizontal(pl.col(c) == "returned" for c in SIGNOFFS)
    kept = updates.filter(~is_returned).sort("activity_id", "update_no")
    for column in ("progress", "funds_mobilised_usd", "funds_spent_usd"):
        drops = kept.filter(pl.col(column).diff().over("activity_id") < 0)
        assert drops.height == 0, column
    final = kept.group_by("activity_id").agg(pl.col("funds_mobilised_usd").last()).join(
        plan.select("activity_id", "budget_usd"), on="activity_id")
    assert (final.get_column("funds_mobilised_usd") <= 1.1 * final.get_column("budget_usd")).all()

    with_plan = updates.join(plan.select("activity_id", "indicator", "baseline", "target"),
                             on="activity_id")
    has_indicator = pl.col("indicator").is_not_null()
    assert (with_plan.get_column("indicator_actual").is_not_null()
            == with_plan.select(has_indicator).to_series()).all()
    actuals = with_plan.filter(has_indicator)
    low = pl.min_horizontal("baseline", "target")
    high = pl.max_horizontal("baseline", "target")
    span = high - low
    assert actuals.filter((pl.col("indicator_actual") < low - 0.1 * span)
                          | (pl.col("indicator_actual") > high + 0.1 * span)).height == 0

    internal = updates.filter(pl.col("internal") == "yes")
    assert 0.03 * updates.height <= internal.height <= 0.25 * updates.height
    assert internal.get_column("narrative").str.starts_with("Internal:").all()
    assert updates.get_column("narrative").null_count() == 0
    assert not updates.get_column("narrative").str.contains("(?i)lorem").any()


# ---- Scale --------------------------------------------------------------------------------------


def test_scale_gives_exact_row_counts_with_unique_grain():
    frames = demo.generate(seed=1, scale=200_000)
    for name in demo.SCALED:
        frame = frames[name]
        assert frame.height == 200_000, name
        assert frame.columns == ds.get(name).column_names, name
        assert frame.select(list(ds.get(name).grain)).is_duplicated().sum() == 0, name
    pop = frames["population"]
    assert pop.get_column("date").max() == END_2025
    assert pop.get_column("date").min() >= dt.date(1990, 1, 1)
    # The small tables keep the default demo.
    assert 20 <= frames["joint_plan"].height <= 40


# ---- Loading through the importer ---------------------------------------------------------------


def test_load_demo_imports_every_dataset(any_engine):
    """The demo loads through the importer on both warehouses, and loading it again is a no-op."""
    engine = any_engine
    from sqlalchemy import func, select

    from data_access import schema

    results = demo.load_demo(engine, seed=1)
    expected = demo.generate(seed=1)
    assert [r.dataset for r in results][:2] == ["framework", "targets"]
    assert {r.dataset for r in results} == OFFICE_DATASETS
    assert {r.status for r in results} == {"imported"}
    with engine.connect() as conn:
        for result in results:
            table = schema.table_for(result.dataset)
            stored = conn.execute(select(func.count()).select_from(table)).scalar_one()
            assert stored == result.rows == expected[result.dataset].height, result.dataset
        names = conn.execute(select(schema.import_batch.c.file_name)).scalars().all()
    assert "demo-seed1-population.csv" in names

    again = demo.load_demo(engine, seed=1)
    assert {r.status for r in again} == {"unchanged"}
