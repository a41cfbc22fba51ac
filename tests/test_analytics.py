"""Analytics tables: exact aggregates, events, rebuild on import/replace/rollback/upgrade, load()."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from alembic import command
from files import FILES, GOOD, TJK, needs_reference
from sqlalchemy import delete, func, select

from data_access import analytics, importer
from data_access import datasets as ds
from data_access.warehouse import alembic_config, upgrade


def imp(engine, dataset: str, text: str, *, name: str | None = None, replace: bool = False):
    return importer.import_file(engine, dataset, text.encode(), file_name=name or f"{dataset}.csv",
                                user="tester", replace=replace)


def load(engine, dataset: str, where: dict | None = None) -> pl.DataFrame:
    with engine.connect() as conn:
        return analytics.load(conn, dataset, where)


def rows(frame: pl.DataFrame, *drop: str) -> list[tuple]:
    """The frame's rows as tuples, sorted (nulls first), for order-free comparison."""
    return sorted(frame.drop(*drop).iter_rows(), key=lambda r: [(v is not None, v) for v in r])


def agg_count(engine, dataset: str) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(analytics.AGG_TABLES[dataset])
                            ).scalar_one()


# ---------------------------------------------------------------------------- the catalogue
def test_every_dataset_but_framework_and_boundaries_has_a_table_on_the_schema_metadata():
    from data_access import schema

    assert set(analytics.AGG_TABLES) == set(ds.DATASETS) - {"framework", "boundaries"}
    for table in analytics.AGG_TABLES.values():
        assert table.metadata is schema.metadata and table.name.startswith("agg_")
        assert "batch_id" in table.c and "superseded_by" not in table.c
        assert len(table.indexes) == 1


def test_framework_rebuild_is_a_no_op(engine):
    imp(engine, "framework", GOOD["framework"])
    with engine.begin() as conn:
        assert analytics.rebuild(conn, "framework") == 0


# ---------------------------------------------------------------------------- exact aggregates
def test_population_values_and_batches(any_engine):
    first = imp(any_engine, "population", GOOD["population"])
    second = imp(any_engine, "population", GOOD["population"].replace("2025-12-31", "2024-12-31"),
                 name="p2024.csv")
    frame = load(any_engine, "population")
    assert frame.columns == ["date", "population_type", "origin", "region", "district", "sex",
                             "age_group", "batch_id", "persons"]
    expected = []
    for day, batch in ((date(2025, 12, 31), first.batch_id), (date(2024, 12, 31), second.batch_id)):
        expected += [
            (day, "REF", "AFG", "TJ-RA", "Vahdat", "F", "0-4", batch, 120),
            (day, "REF", "AFG", "TJ-RA", "Vahdat", "M", "18-59", batch, 300),
            (day, "ASY", "AFG", "TJ-DU", None, "F", "18-59", batch, 45),
            (day, "STA", "STA", "TJ-KT", "Bokhtar", "M", "60+", batch, 3),
        ]
    assert rows(frame) == rows(pl.DataFrame(expected, schema=frame.schema, orient="row"))


def test_asylum_and_funding_sums(any_engine):
    a = imp(any_engine, "asylum", GOOD["asylum"])
    f = imp(any_engine, "funding", GOOD["funding"])
    assert rows(load(any_engine, "asylum")) == [
        (date(2025, 1, 1), "AFG", a.batch_id, 120, 80, 5, 10, 2),
        (date(2025, 2, 1), "AFG", a.batch_id, 90, 60, 0, 0, 1),
        (date(2025, 2, 1), "IRN", a.batch_id, 3, 1, 0, 1, 0),
    ]
    assert rows(load(any_engine, "funding")) == [
        (2025, "European Union", "UNHCR", "education", f.batch_id, 500000.0, 350000.0),
        (2025, "Japan", "UNICEF", None, f.batch_id, 200000.0, 200000.0),
    ]


RESETTLEMENT = """case_id,persons,origin,destination,category,priority,submitted,decision,decided,departed
C-1,3,AFG,CAN,LPN,normal,2025-01-10,accepted,2025-02-01,2025-03-01
C-2,2,AFG,CAN,LPN,normal,2025-01-10,accepted,2025-02-01,2025-03-01
C-3,1,AFG,USA,MED,urgent,2025-01-10,pending,,
C-4,5,IRN,NOR,WAR,emergency,2024-12-01,accepted,2025-01-05,2025-03-01
C-5,4,AFG,CAN,LPN,normal,2025-01-10,rejected,2025-02-01,
"""


def test_resettlement_events_with_days(any_engine):
    batch = imp(any_engine, "resettlement", RESETTLEMENT).batch_id
    frame = load(any_engine, "resettlement")
    assert frame.columns == ["event", "date", "origin", "destination", "category", "priority",
                             "decision", "days", "batch_id", "cases", "persons"]
    d = date
    assert rows(frame, "batch_id") == rows(pl.DataFrame([
        ("submitted", d(2025, 1, 10), "AFG", "CAN", "LPN", "normal", "accepted", None, 2, 5),
        ("submitted", d(2025, 1, 10), "AFG", "USA", "MED", "urgent", "pending", None, 1, 1),
        ("submitted", d(2024, 12, 1), "IRN", "NOR", "WAR", "emergency", "accepted", None, 1, 5),
        ("submitted", d(2025, 1, 10), "AFG", "CAN", "LPN", "normal", "rejected", None, 1, 4),
        ("decided", d(2025, 2, 1), "AFG", "CAN", "LPN", "normal", "accepted", 22, 2, 5),
        ("decided", d(2025, 1, 5), "IRN", "NOR", "WAR", "emergency", "accepted", 35, 1, 5),
        ("decided", d(2025, 2, 1), "AFG", "CAN", "LPN", "normal", "rejected", 22, 1, 4),
        # decided: 2025-01-10 -> 2025-02-01 is 22 days; 2024-12-01 -> 2025-01-05 is 35.
        # 2025-01-10 -> 2025-03-01 is 50 days; 2024-12-01 -> 2025-03-01 is 90.
        ("departed", d(2025, 3, 1), "AFG", "CAN", "LPN", "normal", "accepted", 50, 2, 5),
        ("departed", d(2025, 3, 1), "IRN", "NOR", "WAR", "emergency", "accepted", 90, 1, 5),
    ], schema=frame.drop("batch_id").schema, orient="row"))
    assert set(frame.get_column("batch_id")) == {batch}
    # The events keep every case: submitted cases = cases in the file.
    assert frame.filter(pl.col("event") == "submitted").get_column("cases").sum() == 5


STATELESSNESS = """case_id,region,district,sex,age_group,identified,status,resolved
S-1,TJ-KT,Bokhtar,F,18-59,2020-01-01,confirmed,2020-03-01
S-2,TJ-KT,Bokhtar,F,18-59,2020-01-01,confirmed,2020-03-01
S-3,TJ-KT,Bokhtar,F,18-59,2020-01-01,acquired,2021-01-01
S-4,TJ-SU,Khujand,M,60+,2020-01-01,in_progress,
S-5,TJ-SU,Khujand,M,60+,2020-01-01,closed,2020-06-01
"""


def test_statelessness_resolved_only_for_confirmed_or_acquired(any_engine):
    imp(any_engine, "statelessness", STATELESSNESS)
    frame = load(any_engine, "statelessness")
    assert frame.columns == ["event", "date", "region", "district", "sex", "age_group", "status",
                             "days", "batch_id", "cases"]
    d = date
    assert rows(frame, "batch_id") == rows(pl.DataFrame([
        ("identified", d(2020, 1, 1), "TJ-KT", "Bokhtar", "F", "18-59", "confirmed", None, 2),
        ("identified", d(2020, 1, 1), "TJ-KT", "Bokhtar", "F", "18-59", "acquired", None, 1),
        ("identified", d(2020, 1, 1), "TJ-SU", "Khujand", "M", "60+", "in_progress", None, 1),
        ("identified", d(2020, 1, 1), "TJ-SU", "Khujand", "M", "60+", "closed", None, 1),
        # 2020 is a leap year: Jan 31 + Feb 29 = 60 days; to 2021-01-01, 366.
        ("resolved", d(2020, 3, 1), "TJ-KT", "Bokhtar", "F", "18-59", "confirmed", 60, 2),
        ("resolved", d(2021, 1, 1), "TJ-KT", "Bokhtar", "F", "18-59", "acquired", 366, 1),
        # S-5 is 'closed' with a date: not a resolution, so no 'resolved' event.
    ], schema=frame.drop("batch_id").schema, orient="row"))


def test_education_year_start(any_engine):
    text = GOOD["education"] + "2019/20,TJ-SU,ASY,preschool,M,10,5,5,\n"
    batch = imp(any_engine, "education", text).batch_id
    frame = load(any_engine, "education")
    assert frame.columns[:2] == ["school_year", "year_start"]
    assert frame.schema["year_start"] == pl.Date
    assert rows(frame.select("school_year", "year_start").unique()) == [
        ("2019/20", date(2019, 9, 1)), ("2024/25", date(2024, 9, 1))]
    dafi = frame.filter(pl.col("region") == "TJ-DU").select("batch_id", "dafi_scholars").row(0)
    assert dafi == (batch, 7)
    assert frame.filter(pl.col("region") == "TJ-RA").get_column("dafi_scholars").null_count() == 2


def test_copies_of_targets_and_joint_plan(any_engine):
    imp(any_engine, "targets", GOOD["targets"])
    imp(any_engine, "joint_plan", GOOD["joint_plan"])
    assert rows(load(any_engine, "targets"), "batch_id") == [
        ("EDU.GER_PRIMARY", 2025, 70.0, 95.0, "EX-O1"),
        ("STA.RESOLVED", 2025, 20000.0, 25000.0, "EX-O2"),
    ]
    plan = load(any_engine, "joint_plan")
    assert "partners" not in plan.columns and plan.height == 2
    assert plan.filter(pl.col("activity_id") == "JPA-02").select("start", "end", "budget_usd").row(
        0) == (date(2018, 1, 1), date(2025, 12, 31), None)


OFF_POPULATION = """year,coo_iso,coa_iso,refugees,asylum_seekers,returned_refugees,idps,returned_idps,stateless,ooc,oip,hst
2024,AFG,TJK,5000,,,,,,,,
2024,TJK,RUS,10,2,,,,,,,
2024,AFG,PAK,99,,,,,,,,
"""
OFF_APPLICATIONS = """year,coo_iso,coa_iso,procedure_type,app_type,dec_level,app_pc,applied
2024,AFG,TJK,G,N,FI,P,5
2024,AFG,TJK,G,N,AR,P,
2024,IRN,TJK,G,N,FI,P,
2024,IRN,TJK,G,N,AR,P,
"""
OFF_DEMOGRAPHICS = """year,coo_iso,coa_iso,pop_type,location,loc_type,acc_type,f_0_4,m_0_4,total
2024,AFG,TJK,REF,Vahdat,U,I,1,,5
2024,AFG,TJK,REF,Rudaki,R,I,,,7
"""


def test_official_sums_keep_not_reported_as_null(any_engine):
    p = imp(any_engine, "unhcr-population", OFF_POPULATION).batch_id
    a = imp(any_engine, "unhcr-asylum-applications", OFF_APPLICATIONS).batch_id
    imp(any_engine, "unhcr-demographics", OFF_DEMOGRAPHICS)
    none = (None,) * 7
    with any_engine.connect() as conn:
        tjk = analytics.load_official(conn, "unhcr-population", "tjk")
        assert rows(tjk) == [(2024, "AFG", "TJK", p, 5000, *(None,) * 8),
                             (2024, "TJK", "RUS", p, 10, 2, *none)]
        assert rows(analytics.load_official(conn, "unhcr-asylum-applications", "TJK")) == [
            (2024, "AFG", "TJK", a, 5),  # SUM ignores the empty one
            (2024, "IRN", "TJK", a, None),  # every input empty: not reported, not 0
        ]
        demo = analytics.load(conn, "unhcr-demographics").row(0, named=True)
        assert (demo["f_0_4"], demo["m_0_4"], demo["total"], demo["f_5_11"]) == (1, None, 12, None)
        assert analytics.load_official(conn, "unhcr-population", "PAK").height == 1
        with pytest.raises(KeyError):
            analytics.load_official(conn, "population", "TJK")


@needs_reference
@pytest.mark.parametrize("dataset", sorted(FILES))
def test_official_aggregates_match_polars_on_the_real_files(engine, dataset):
    importer.import_file(engine, dataset, TJK / FILES[dataset], user="tester")
    spec = ds.get(dataset)
    table = analytics.AGG_TABLES[dataset]
    dims = [c.name for c in table.columns if c.name != "batch_id"
            and not (spec.column(c.name).kind == ds.COUNT)]
    measures = [c.name for c in table.columns if c.name not in dims and c.name != "batch_id"]
    raw = pl.read_csv(TJK / FILES[dataset], infer_schema_length=None).select(*dims, *measures)
    raw = raw.with_columns(pl.col(m).cast(pl.Int64) for m in measures)
    expected = raw.group_by(dims).agg(
        pl.when(pl.col(m).is_not_null().any()).then(pl.col(m).sum()).alias(m) for m in measures)
    got = load(engine, dataset).drop("batch_id")
    assert got.height == expected.height
    assert rows(got) == rows(expected.select(got.columns).cast(got.schema))


# ---------------------------------------------------------------------------- rebuild triggers
def test_replace_and_rollback_rebuild(any_engine):
    first = imp(any_engine, "asylum", GOOD["asylum"])
    before = load(any_engine, "asylum")
    corrected = GOOD["asylum"].replace("2025-01,AFG,120", "2025-01,AFG,125")
    second = imp(any_engine, "asylum", corrected, name="a2.csv", replace=True)
    after = load(any_engine, "asylum")
    assert after.height == 3  # superseded rows are not in the aggregate
    assert set(after.get_column("batch_id")) == {second.batch_id}
    assert after.get_column("applied").sum() == 125 + 90 + 3

    importer.rollback(any_engine, second.batch_id, user="admin")
    assert rows(load(any_engine, "asylum")) == rows(before)
    assert set(before.get_column("batch_id")) == {first.batch_id}
    importer.rollback(any_engine, first.batch_id, user="admin")
    assert load(any_engine, "asylum").height == 0


def test_refused_import_leaves_aggregates_alone(engine):
    imp(engine, "asylum", GOOD["asylum"])
    before = load(engine, "asylum")
    with pytest.raises(importer.ImportRefused):
        imp(engine, "asylum", GOOD["asylum"].replace("120", "121"), name="overlap.csv")
    assert load(engine, "asylum").equals(before)


def test_post_change_hooks_see_the_rebuilt_aggregates(engine):
    seen = []

    def hook(conn, dataset):
        seen.append((dataset, analytics.load(conn, dataset).height))

    importer.POST_CHANGE_HOOKS.append(hook)
    try:
        batch = imp(engine, "funding", GOOD["funding"]).batch_id
        importer.rollback(engine, batch, user="admin")
    finally:
        importer.POST_CHANGE_HOOKS.remove(hook)
    assert seen == [("funding", 2), ("funding", 0)]


def test_rows_and_aggregates_are_written_in_one_transaction(engine):
    """A failure after the rebuild (here: in a post-change hook) undoes the rows, the batch, the
    aggregates and the data version together: nobody ever sees one without the other."""
    from data_access import schema
    from data_access.warehouse import data_version

    def version():
        with engine.connect() as conn:
            return data_version(conn)

    def failing(conn, dataset):
        assert analytics.load(conn, dataset).height == 2  # rebuilt inside the transaction
        raise RuntimeError("disk full")

    importer.POST_CHANGE_HOOKS.append(failing)
    try:
        with pytest.raises(RuntimeError, match="disk full"):
            imp(engine, "funding", GOOD["funding"])
    finally:
        importer.POST_CHANGE_HOOKS.remove(failing)
    assert agg_count(engine, "funding") == 0
    assert version() == 0
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(schema.import_batch)).scalar_one() == 0
        assert conn.execute(select(func.count()).select_from(schema.table_for("funding"))
                            ).scalar_one() == 0


def test_rebuild_and_rebuild_all_return_rows_written(engine):
    for name in ("population", "resettlement", "targets"):
        imp(engine, name, GOOD[name])
    with engine.begin() as conn:
        assert analytics.rebuild(conn, "resettlement") == 6  # 3 submitted, 2 decided, 1 departed
        written = analytics.rebuild_all(conn)
    assert set(written) == set(analytics.AGG_TABLES)
    assert (written["population"], written["resettlement"], written["targets"]) == (4, 6, 2)
    assert written["asylum"] == 0


def test_upgrade_fills_empty_aggregates_of_existing_data(any_engine):
    for name in ("population", "statelessness", "education"):
        imp(any_engine, name, GOOD[name])
    before = {name: load(any_engine, name) for name in ("population", "statelessness", "education")}
    with any_engine.begin() as conn:
        for table in analytics.AGG_TABLES.values():
            conn.execute(delete(table))
    upgrade(any_engine)
    for name, frame in before.items():
        assert rows(load(any_engine, name)) == rows(frame), name
    assert agg_count(any_engine, "asylum") == 0  # no data: nothing to build


def test_upgrade_from_0001_creates_and_fills_the_tables(any_engine):
    imp(any_engine, "resettlement", GOOD["resettlement"])
    before = load(any_engine, "resettlement")
    with any_engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0001")
    upgrade(any_engine)
    assert rows(load(any_engine, "resettlement")) == rows(before)


# ---------------------------------------------------------------------------- load()
EXPECTED_DTYPES = {
    "population": {"date": pl.Date, "district": pl.Utf8, "batch_id": pl.Int64,
                   "persons": pl.Int64},
    "education": {"school_year": pl.Utf8, "year_start": pl.Date, "dafi_scholars": pl.Int64},
    "resettlement": {"event": pl.Utf8, "date": pl.Date, "days": pl.Int64, "cases": pl.Int64},
    "funding": {"year": pl.Int64, "pledged_usd": pl.Float64},
    "joint_plan": {"start": pl.Date, "end": pl.Date, "budget_usd": pl.Float64},
}


def test_load_dtypes_on_both_backends(any_engine):
    for name in GOOD:
        if name != "framework":
            imp(any_engine, name, GOOD[name])
    for name in analytics.AGG_TABLES:
        frame = load(any_engine, name)
        assert frame.schema == analytics.polars_schema(name), name
        assert frame.columns == [c.name for c in analytics.AGG_TABLES[name].columns]
        assert frame.height > 0 or ds.get(name).official, name
    for name, dtypes in EXPECTED_DTYPES.items():
        schema = load(any_engine, name).schema
        assert {c: schema[c] for c in dtypes} == dtypes, name


def test_load_an_empty_table_keeps_the_schema(any_engine):
    for name in analytics.AGG_TABLES:
        frame = load(any_engine, name)
        assert frame.height == 0
        assert frame.schema == analytics.polars_schema(name), name


def test_load_where(any_engine):
    imp(any_engine, "population", GOOD["population"])
    assert load(any_engine, "population", {"origin": "STA"}).get_column("persons").to_list() == [3]
    assert sorted(load(any_engine, "population", {"region": ["TJ-DU", "TJ-KT"]})
                  .get_column("persons").to_list()) == [3, 45]
    assert load(any_engine, "population", {"district": None}).get_column("persons").to_list() == [45]
    assert load(any_engine, "population", {"date": date(2025, 12, 31), "sex": ("M",),
                                            "population_type": "REF"}).height == 1
    assert load(any_engine, "population", {"date": date(2024, 12, 31)}).height == 0
    with pytest.raises(KeyError, match="no column"):
        load(any_engine, "population", {"persons; DROP TABLE population": 1})
    with pytest.raises(KeyError):
        load(any_engine, "framework")


def test_identical_results_on_both_backends(engine, pg_url):
    """Every analytics table, built from every good file, is the same on SQLite and PostgreSQL."""
    from data_access.engine import make_engine

    pg = make_engine(pg_url)
    try:
        upgrade(pg)
        built = []
        for eng in (engine, pg):
            for name in GOOD:
                imp(eng, name, GOOD[name])
            imp(eng, "unhcr-population", OFF_POPULATION)
            imp(eng, "unhcr-asylum-applications", OFF_APPLICATIONS)
            imp(eng, "unhcr-demographics", OFF_DEMOGRAPHICS)
            built.append({name: load(eng, name) for name in analytics.AGG_TABLES})
        sqlite_frames, pg_frames = built
        for name in analytics.AGG_TABLES:
            assert sqlite_frames[name].schema == pg_frames[name].schema, name
            assert rows(sqlite_frames[name]) == rows(pg_frames[name]), name
    finally:
        pg.dispose()
