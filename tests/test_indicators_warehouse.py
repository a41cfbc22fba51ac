"""Indicators read from a tiny hand-made warehouse, through the analytics tables and the engine.

Rows are inserted with SQLAlchemy Core, superseded ones included, then the analytics tables are
rebuilt as an import would; every expected value is computed by hand in a comment.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import insert

from data_access import analytics, indicators, schema
from metrics import engine as eng
from metrics.periods import Period


def add_batch(conn, dataset: str, imported: date) -> int:
    return conn.execute(
        insert(schema.import_batch).values(
            dataset=dataset, file_name=f"{dataset}.csv", sha256="0" * 64, rows=0,
            replaced_rows=0, user_name="test",
            imported_at=datetime(imported.year, imported.month, imported.day, 9, tzinfo=UTC),
            status="active",
        )
    ).inserted_primary_key[0]


def add_rows(conn, dataset: str, batch_id: int, rows: list[dict], superseded_by: int | None = None):
    conn.execute(
        insert(schema.table_for(dataset)),
        [{"batch_id": batch_id, "superseded_by": superseded_by, **row} for row in rows],
    )


def pop(d, type_, region, persons, sex="F", age="18-59", origin="AFG"):
    return {"date": d, "population_type": type_, "origin": origin, "region": region,
            "district": None, "sex": sex, "age_group": age, "persons": persons}


def sta(case_id, region, identified, status, resolved=None):
    return {"case_id": case_id, "region": region, "district": "Dushanbe" if region == "TJ-DU"
            else "Khujand", "sex": "F", "age_group": "18-59", "identified": identified,
            "status": status, "resolved": resolved}


def sol(month, solution, region, persons):
    return {"month": month, "solution": solution, "origin": "AFG", "destination": "AFG",
            "region": region, "sex": "M", "age_group": "18-59", "persons": persons}


def rst(case_id, persons, submitted):
    return {"case_id": case_id, "persons": persons, "origin": "AFG", "destination": "CAN",
            "category": "LPN", "priority": "normal", "submitted": submitted,
            "decision": "pending", "decided": None, "departed": None}


def activity(activity_id, start, end):
    return {"activity_id": activity_id, "area": "education", "title": f"Activity {activity_id}",
            "lead": "JOINT", "start": start, "end": end}


@pytest.fixture
def warehouse(engine):
    """The tiny warehouse. Superseded rows are chosen so that counting them changes an answer."""
    with engine.begin() as conn:
        b_pop = add_batch(conn, "population", date(2024, 7, 10))
        b_replacing = add_batch(conn, "population", date(2024, 8, 1))
        add_rows(conn, "population", b_pop, [
            pop(date(2023, 6, 30), "REF", "TJ-DU", 100),  # older snapshot of 2023
            pop(date(2023, 12, 31), "REF", "TJ-DU", 10, age="0-4"),
            pop(date(2023, 12, 31), "REF", "TJ-DU", 20, sex="M"),
            pop(date(2023, 12, 31), "ASY", "TJ-RA", 5),
            pop(date(2023, 12, 31), "STA", "TJ-SU", 3, origin="STA"),
            pop(date(2023, 12, 31), "OOC", "TJ-DU", 2),
            pop(date(2023, 12, 31), "HST", "TJ-DU", 1000, origin="TJK"),  # not of concern
            pop(date(2024, 6, 30), "REF", "TJ-DU", 50),
        ])
        add_rows(conn, "population", b_pop, [
            pop(date(2023, 12, 31), "REF", "TJ-KT", 999),
            pop(date(2024, 12, 31), "REF", "TJ-DU", 777),  # would become 2024's snapshot
        ], superseded_by=b_replacing)

        b_sta = add_batch(conn, "statelessness", date(2024, 3, 1))
        b_sta_new = add_batch(conn, "statelessness", date(2024, 4, 1))
        add_rows(conn, "statelessness", b_sta, [
            sta("c1", "TJ-SU", date(2022, 5, 1), "acquired", date(2023, 2, 1)),
            sta("c2", "TJ-SU", date(2023, 3, 1), "confirmed", date(2024, 2, 1)),
            sta("c3", "TJ-DU", date(2023, 7, 1), "in_progress"),
            sta("c4", "TJ-DU", date(2024, 1, 15), "identified"),
            sta("c5", "TJ-SU", date(2023, 1, 1), "closed", date(2023, 5, 1)),  # not a resolution
        ])
        add_rows(conn, "statelessness", b_sta, [
            sta("c6", "TJ-DU", date(2021, 1, 1), "acquired", date(2021, 6, 1)),
        ], superseded_by=b_sta_new)

        b_sol = add_batch(conn, "solutions", date(2024, 1, 20))
        add_rows(conn, "solutions", b_sol, [
            sol(date(2023, 3, 1), "voluntary_return", "TJ-RA", 7),
            sol(date(2023, 8, 1), "voluntary_return", "TJ-DU", 4),
            sol(date(2023, 8, 1), "naturalisation", "TJ-DU", 9),
            sol(date(2023, 10, 1), "voluntary_return", None, 2),
        ])
        add_rows(conn, "solutions", b_sol, [
            sol(date(2023, 11, 1), "voluntary_return", "TJ-DU", 100),
        ], superseded_by=b_sol)

        b_rst = add_batch(conn, "resettlement", date(2024, 2, 1))
        add_rows(conn, "resettlement", b_rst, [
            rst("R1", 3, date(2023, 2, 10)), rst("R2", 4, date(2023, 11, 20)),
            rst("R3", 2, date(2024, 1, 5)),
        ])
        add_rows(conn, "resettlement", b_rst, [rst("R1", 10, date(2023, 2, 10))],
                 superseded_by=b_rst)

        b_plan = add_batch(conn, "joint_plan", date(2023, 6, 1))
        add_rows(conn, "joint_plan", b_plan, [
            activity("A1", date(2017, 5, 1), date(2019, 12, 31)),
            activity("A2", date(2022, 1, 1), date(2023, 6, 30)),
            activity("A3", date(2023, 7, 1), date(2025, 12, 31)),
        ])
        analytics.rebuild_all(conn)
    return engine


CODES = ["POP.POC", "POP.REF", "POP.ASY", "STA.IDENTIFIED", "STA.RESOLVED", "SOL.RETURNS",
         "RST.SUBMITTED", "LOU.ACTIVE"]


def figures(engine, year, region=None, audience="unhcr") -> dict[str, dict]:
    request = eng.Request(Period.parse(str(year)), audience, compare=False,
                          filters={"region": (region,)} if region else {})
    with engine.connect() as conn:
        frame = indicators.compute(conn, request, CODES)
    return {row["indicator"]: row for row in frame.iter_rows(named=True)}


def values(result):
    return {code: row["value"] for code, row in result.items()}



def test_national_year_uses_latest_snapshot_and_current_rows(warehouse):
    result = figures(warehouse, 2023)
    assert values(result) == {
        "POP.POC": 40,  # REF 30 + ASY 5 + STA 3 + OOC 2; HST and superseded TJ-KT excluded
        "POP.REF": 30,
        "POP.ASY": 5,
        "STA.IDENTIFIED": 4,  # c1 c2 c3 c5 (c6 is superseded)
        "STA.RESOLVED": 1,  # c1 only: c2 resolved in 2024, c5 closed
        "SOL.RETURNS": 13,  # 7 + 4 + 2; naturalisation and the superseded 100 excluded
        "RST.SUBMITTED": 7,  # R1 3 + R2 4; the superseded R1 (10) excluded
        "LOU.ACTIVE": 2,  # A2, A3
    }
    assert result["POP.POC"]["as_of"] == date(2023, 12, 31)
    assert result["SOL.RETURNS"]["as_of"] == date(2023, 10, 31)  # last month with data
    assert result["POP.POC"]["basis"] == "snapshot of 2023-12-31"
    assert result["SOL.RETURNS"]["basis"] == "2023-01-01 to 2023-10-31"
    pop_batch = result["POP.REF"]["batches"]
    assert pop_batch == [1]  # the batch of the 2023-12-31 rows, not the replacing batch 2


def test_superseded_snapshot_does_not_move_the_as_of_date(warehouse):
    result = figures(warehouse, 2024)
    assert result["POP.REF"]["value"] == 50  # 2024-06-30; the superseded 2024-12-31 row ignored
    assert result["POP.REF"]["as_of"] == date(2024, 6, 30)
    assert result["POP.ASY"]["value"] == 0  # a snapshot exists: a real zero
    assert result["POP.POC"]["value"] == 50
    assert result["STA.IDENTIFIED"]["value"] == 5  # c1..c5
    assert result["STA.RESOLVED"]["value"] == 2  # c1, c2
    assert result["STA.RESOLVED"]["as_of"] == date(2024, 2, 1)  # the last event in the data
    assert result["RST.SUBMITTED"]["value"] == 2
    assert result["LOU.ACTIVE"]["value"] == 1  # A3
    assert result["SOL.RETURNS"]["value"] is None  # no solutions rows in 2024: no data
    assert result["SOL.RETURNS"]["status"] == "no_data"


def test_region_filter(warehouse):
    dushanbe = figures(warehouse, 2023, "TJ-DU")
    assert values(dushanbe)["POP.REF"] == 30
    assert values(dushanbe)["POP.POC"] == 32  # REF 30 + OOC 2
    assert values(dushanbe)["POP.ASY"] == 0
    assert values(dushanbe)["STA.IDENTIFIED"] == 1  # c3
    assert values(dushanbe)["STA.RESOLVED"] == 0
    assert values(dushanbe)["SOL.RETURNS"] == 4  # the region-less row is not in Dushanbe
    # Datasets without a region stay national and say so.
    assert values(dushanbe)["RST.SUBMITTED"] == 7
    assert "national figure" in dushanbe["RST.SUBMITTED"]["note"]
    assert "national figure" in dushanbe["LOU.ACTIVE"]["note"]
    assert dushanbe["POP.REF"]["note"] == ""

    sughd = figures(warehouse, 2023, "TJ-SU")
    assert values(sughd)["POP.POC"] == 3
    assert values(sughd)["STA.IDENTIFIED"] == 3  # c1 c2 c5
    assert values(sughd)["STA.RESOLVED"] == 1

    # A region with nobody in it, in a year the data covers: real zeros, not "no data".
    gbao = figures(warehouse, 2023, "TJ-GB")
    for code in ("POP.POC", "POP.REF", "STA.IDENTIFIED", "STA.RESOLVED", "SOL.RETURNS"):
        assert gbao[code]["value"] == 0, code
        assert gbao[code]["status"] == "ok", code


def test_empty_year_is_no_data_not_zero(warehouse):
    result = figures(warehouse, 2020)
    for code in ("POP.POC", "STA.IDENTIFIED", "SOL.RETURNS", "RST.SUBMITTED"):
        assert result[code]["value"] is None and result[code]["status"] == "no_data", code
        assert result[code]["display"] == "no data"
    assert result["LOU.ACTIVE"]["value"] == 0  # A1 ended 2019: the plan exists, nothing active
    assert figures(warehouse, 2021)["STA.IDENTIFIED"]["status"] == "no_data"  # only superseded


def test_resolved_is_a_real_zero_once_cases_exist(warehouse):
    result = figures(warehouse, 2022)
    assert result["STA.IDENTIFIED"]["value"] == 1
    assert result["STA.RESOLVED"]["value"] == 0


def test_empty_warehouse(engine):
    result = figures(engine, 2025)
    assert all(row["value"] is None and row["status"] == "no_data" for row in result.values())
    with engine.connect() as conn:
        assert indicators.data_years(conn) is None


def test_data_years_ignore_superseded_rows(warehouse):
    with warehouse.connect() as conn:
        assert indicators.data_years(conn) == (2022, 2024)


def test_donors_see_small_counts_as_less_than_5(warehouse):
    sughd = figures(warehouse, 2023, "TJ-SU", audience="donor")
    assert sughd["POP.POC"]["value"] is None and sughd["POP.POC"]["display"] == "<5"
    assert sughd["STA.IDENTIFIED"]["display"] == "<5"  # 3
    assert sughd["POP.REF"]["display"] == "0"  # zero is not small
    assert sughd["LOU.ACTIVE"]["display"] == "2"  # activities are not people
    assert figures(warehouse, 2023, "TJ-SU", audience="unhcr")["POP.POC"]["display"] == "3"
