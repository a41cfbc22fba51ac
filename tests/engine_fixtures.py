"""Tiny literal analytics frames for `tests/test_engine.py`, small enough to add up by hand.

`SCHEMAS` spells out the analytics tables' columns (as `data_access.analytics.polars_schema` gives
them, with the catalogue source names as keys); `frame(source, *rows, **common)` builds one from
partial rows, every column not given taking its entry in `DEFAULTS` (measures default to null).
`FRAMES` is one small warehouse; the comments give the sums the tests rely on.
"""

from __future__ import annotations

from datetime import date

import polars as pl

Txt, Int, Num, Day, Bool = pl.String, pl.Int64, pl.Float64, pl.Date, pl.Boolean

SCHEMAS: dict[str, dict[str, pl.DataType]] = {
    "population": {"date": Day, "population_type": Txt, "origin": Txt, "region": Txt, "district": Txt,
                   "sex": Txt, "age_group": Txt, "batch_id": Int, "persons": Int},
    "asylum": {"month": Day, "origin": Txt, "batch_id": Int, "applied": Int, "recognized": Int,
               "complementary": Int, "rejected": Int, "closed": Int},
    "solutions": {"month": Day, "solution": Txt, "origin": Txt, "destination": Txt, "region": Txt, "sex": Txt,
                  "age_group": Txt, "batch_id": Int, "persons": Int},
    "resettlement": {"event": Txt, "date": Day, "origin": Txt, "destination": Txt, "category": Txt,
                     "priority": Txt, "decision": Txt, "days": Int, "batch_id": Int, "cases": Int,
                     "persons": Int},
    "education": {"school_year": Txt, "year_start": Day, "region": Txt, "population_type": Txt,
                  "level": Txt, "sex": Txt, "batch_id": Int, "school_age": Int, "enrolled": Int,
                  "enrolled_of_age": Int, "dafi_scholars": Int},
    "statelessness": {"event": Txt, "date": Day, "region": Txt, "district": Txt, "sex": Txt,
                      "age_group": Txt, "status": Txt, "days": Int, "batch_id": Int, "cases": Int},
    "birth_registration": {"date": Day, "region": Txt, "district": Txt, "population_type": Txt, "sex": Txt,
                           "batch_id": Int, "children_under5": Int, "registered": Int},
    "funding": {"year": Int, "donor": Txt, "agency": Txt, "area": Txt, "batch_id": Int, "pledged_usd": Num,
                "received_usd": Num},
    "joint_plan": {"activity_id": Txt, "area": Txt, "title": Txt, "lead": Txt, "start": Day, "end": Day,
                   "indicator": Txt, "baseline": Num, "target": Num, "budget_usd": Num,
                   "undaf_outcome": Txt, "sdg_target": Txt, "batch_id": Int},
    "joint_plan_updates": {"activity_id": Txt, "date": Day, "progress": Num, "signed_off": Bool},
    "targets": {"indicator": Txt, "year": Int, "baseline": Num, "target": Num, "undaf_outcome": Txt,
                "batch_id": Int},
    "off_population": {"year": Int, "coo_iso": Txt, "coa_iso": Txt, "batch_id": Int, "refugees": Int,
                       "asylum_seekers": Int, "returned_refugees": Int, "idps": Int,
                       "returned_idps": Int, "stateless": Int, "ooc": Int, "oip": Int, "hst": Int},
    "off_solutions": {"year": Int, "coo_iso": Txt, "coa_iso": Txt, "batch_id": Int,
                      "returned_refugees": Int, "resettlement": Int, "naturalisation": Int,
                      "returned_idps": Int},
    "off_asylum_applications": {"year": Int, "coo_iso": Txt, "coa_iso": Txt, "batch_id": Int,
                                "applied": Int},
    "off_asylum_decisions": {"year": Int, "coo_iso": Txt, "coa_iso": Txt, "batch_id": Int,
                             "dec_recognized": Int, "dec_other": Int, "dec_rejected": Int,
                             "dec_closed": Int, "dec_total": Int},
}

#: Analytics dataset of each frame key (for the schema cross-check).
DATASETS = {"off_population": "unhcr-population", "off_solutions": "unhcr-solutions",
            "off_asylum_applications": "unhcr-asylum-applications",
            "off_asylum_decisions": "unhcr-asylum-decisions"}

DEFAULTS: dict[str, dict[str, object]] = {
    "population": {"date": date(2025, 6, 30), "population_type": "REF", "origin": "AFG",
                   "region": "TJ-DU", "sex": "F", "age_group": "18-59", "batch_id": 1},
    "asylum": {"origin": "AFG", "batch_id": 1, "applied": 0, "recognized": 0, "complementary": 0,
               "rejected": 0, "closed": 0},
    "solutions": {"solution": "voluntary_return", "origin": "AFG", "destination": "AFG",
                  "region": "TJ-DU", "sex": "F", "age_group": "18-59", "batch_id": 1},
    "resettlement": {"origin": "AFG", "destination": "CAN", "category": "LPN",
                     "priority": "normal", "decision": "pending", "batch_id": 1, "cases": 1,
                     "persons": 1},
    "education": {"school_year": "2024/25", "region": "TJ-DU", "population_type": "REF",
                  "level": "primary", "sex": "F", "batch_id": 1, "school_age": 0, "enrolled": 0,
                  "enrolled_of_age": 0},
    "statelessness": {"region": "TJ-SU", "district": "Khujand", "sex": "F",
                      "age_group": "18-59", "status": "identified", "batch_id": 1, "cases": 1},
    "birth_registration": {"region": "TJ-DU", "population_type": "REF", "sex": "F",
                           "batch_id": 1},
    "funding": {"year": 2025, "donor": "ECHO", "agency": "UNHCR", "batch_id": 1},
    "joint_plan": {"area": "education", "title": "an activity", "lead": "UNHCR",
                   "batch_id": 1},
    "joint_plan_updates": {"signed_off": True},
    "targets": {"batch_id": 1},
    "off_population": {"year": 2024, "coo_iso": "AFG", "coa_iso": "TJK", "batch_id": 1},
    "off_solutions": {"year": 2024, "coo_iso": "AFG", "coa_iso": "TJK", "batch_id": 1},
    "off_asylum_applications": {"year": 2024, "coo_iso": "AFG", "coa_iso": "TJK", "batch_id": 1},
    "off_asylum_decisions": {"year": 2024, "coo_iso": "AFG", "coa_iso": "TJK", "batch_id": 1},
}


def frame(source: str, *rows: dict, **common) -> pl.DataFrame:
    """A frame of `source`'s analytics layout: each row = DEFAULTS | common | row (others null)."""
    schema = SCHEMAS[source]
    full = []
    for row in rows:
        values = {**DEFAULTS[source], **common, **row}
        unknown = set(values) - set(schema)
        assert not unknown, f"{source}: no column {sorted(unknown)}"
        if source == "education" and "year_start" not in values:
            values["year_start"] = date(int(values["school_year"][:4]), 9, 1)
        full.append({name: values.get(name) for name in schema})
    return pl.DataFrame(full, schema=schema, orient="row") if full else pl.DataFrame(schema=schema)


def d(text: str) -> date:
    return date.fromisoformat(text)


# ------------------------------------------------------------------------------ the warehouse
# Population: two snapshots. 2024-12-31 (batch 1): 90 REF. 2025-06-30 (batches 2, 3):
#   POC = 10 + 20 + 30 + 25 + 5 + 7 + 3 = 100 (the 1000 HST are not persons of concern)
#   REF = 10 + 20 + 30 = 60, ASY = 25 + 5 = 30, STA = 7
#   children 0-17 = 10 + 20 + 3 = 33, known age = 100 - 5 (unknown) = 95
#   female = 10 + 30 + 5 + 7 = 52 of 100
#   by region: TJ-DU 60, TJ-RA 30, TJ-SU 7, TJ-KT 3
POPULATION = frame(
    "population",
    {"date": d("2024-12-31"), "sex": "F", "persons": 50, "batch_id": 1},
    {"date": d("2024-12-31"), "sex": "M", "persons": 40, "batch_id": 1},
    {"sex": "F", "age_group": "0-4", "persons": 10, "batch_id": 2, "district": "Dushanbe"},
    {"sex": "M", "age_group": "5-11", "persons": 20, "batch_id": 2, "district": "Dushanbe"},
    {"region": "TJ-RA", "district": "Vahdat", "persons": 30, "batch_id": 2},
    {"population_type": "ASY", "sex": "M", "persons": 25, "batch_id": 2},
    {"population_type": "ASY", "age_group": "unknown", "persons": 5, "batch_id": 3},
    {"population_type": "STA", "origin": "STA", "region": "TJ-SU", "age_group": "60+",
     "persons": 7, "batch_id": 3},
    {"population_type": "OOC", "origin": "UKN", "region": "TJ-KT", "sex": "M",
     "age_group": "12-17", "persons": 3, "batch_id": 3},
    {"population_type": "HST", "origin": "TJK", "persons": 1000, "batch_id": 3},
)

# Asylum, months (first of month). 2025-Q1: applied 10 + 5 + 3 = 18; recognized 6 + 2 + 1 = 9,
# complementary 1, rejected 3 + 2 = 5 (closed 2 left out). 2025-04: only closed cases.
ASYLUM = frame(
    "asylum",
    {"month": d("2024-01-01"), "applied": 8, "batch_id": 6},
    {"month": d("2025-01-01"), "applied": 10, "recognized": 6, "complementary": 1, "rejected": 3,
     "closed": 2, "batch_id": 4},
    {"month": d("2025-01-01"), "origin": "IRN", "applied": 3, "recognized": 1, "batch_id": 4},
    {"month": d("2025-02-01"), "applied": 5, "recognized": 2, "rejected": 2, "batch_id": 4},
    {"month": d("2025-04-01"), "applied": 7, "closed": 4, "batch_id": 5},
)

# Solutions. 2025-Q1: returns 12 + 30 = 42, no naturalisation row. 2025: returns 42 + 9 = 51,
# naturalised 4.
SOLUTIONS = frame(
    "solutions",
    {"month": d("2025-03-01"), "age_group": "0-4", "persons": 12, "batch_id": 7},
    {"month": d("2025-03-01"), "region": "TJ-RA", "sex": "M", "persons": 30, "batch_id": 7},
    {"month": d("2025-05-01"), "solution": "naturalisation", "destination": "TJK", "persons": 4,
     "batch_id": 8},
    {"month": d("2025-07-01"), "persons": 9, "batch_id": 8},
)

# Resettlement events.
# submitted 2025-Q1: persons 4 + 3 + 6 = 13, cases 1 + 1 + 2 = 4 (the 2024 one is not in it)
# decided 2025-Q1: accepted 1 + 1, rejected 1 -> 2 / 3; 2025-Q2: rejected 1, withdrawn 1 -> 0 / 1
# days to decision (accepted or rejected): 40, 30, 60 in 2025-Q1, 90 in April (withdrawn: 100)
# departed 2025-Q2: persons 4 + 5 + 7 = 16; days, one value per case: 120, 193, 200, 200
RESETTLEMENT = frame(
    "resettlement",
    {"event": "submitted", "date": d("2024-11-20"), "cases": 1, "persons": 5, "batch_id": 9},
    {"event": "submitted", "date": d("2025-01-10"), "cases": 1, "persons": 4,
     "priority": "emergency", "batch_id": 10},
    {"event": "submitted", "date": d("2025-02-05"), "cases": 1, "persons": 3, "batch_id": 10},
    {"event": "submitted", "date": d("2025-03-03"), "cases": 2, "persons": 6, "batch_id": 10},
    {"event": "decided", "date": d("2025-02-20"), "decision": "accepted", "persons": 5,
     "days": 40, "batch_id": 10},
    {"event": "decided", "date": d("2025-03-01"), "decision": "accepted", "persons": 4,
     "days": 30, "batch_id": 10},
    {"event": "decided", "date": d("2025-03-10"), "decision": "rejected", "persons": 3,
     "days": 60, "batch_id": 10},
    {"event": "decided", "date": d("2025-04-15"), "decision": "rejected", "persons": 2,
     "days": 90, "batch_id": 11},
    {"event": "decided", "date": d("2025-05-05"), "decision": "withdrawn", "persons": 2,
     "days": 100, "batch_id": 11},
    {"event": "departed", "date": d("2025-05-10"), "decision": "accepted", "days": 120,
     "cases": 1, "persons": 4, "batch_id": 11},
    {"event": "departed", "date": d("2025-06-01"), "decision": "accepted", "days": 193,
     "cases": 1, "persons": 5, "batch_id": 11},
    {"event": "departed", "date": d("2025-06-15"), "decision": "accepted", "days": 200,
     "cases": 2, "persons": 7, "batch_id": 11},
)

# Education. 2024/25 (persons of concern; the HST row must not count):
#   primary    F 40/36/30  M 50/50/40   (school_age / enrolled / enrolled_of_age)
#   lower sec. F 20/12/10  M 20/16/14
#   upper sec. F 10/3/2    M 10/4/4
#   tertiary   F and M: DAFI scholars 2 + 3 = 5
# 2025/26: primary only, F 50/45/40, M 50/50/45; no DAFI figure reported.
EDUCATION = frame(
    "education",
    {"sex": "F", "school_age": 40, "enrolled": 36, "enrolled_of_age": 30, "batch_id": 12},
    {"sex": "M", "school_age": 50, "enrolled": 50, "enrolled_of_age": 40, "batch_id": 12},
    {"level": "lower_secondary", "sex": "F", "school_age": 20, "enrolled": 12,
     "enrolled_of_age": 10, "batch_id": 12},
    {"level": "lower_secondary", "sex": "M", "school_age": 20, "enrolled": 16,
     "enrolled_of_age": 14, "batch_id": 12},
    {"level": "upper_secondary", "sex": "F", "school_age": 10, "enrolled": 3,
     "enrolled_of_age": 2, "batch_id": 12},
    {"level": "upper_secondary", "sex": "M", "school_age": 10, "enrolled": 4,
     "enrolled_of_age": 4, "batch_id": 12},
    {"level": "tertiary", "sex": "F", "school_age": 30, "enrolled": 3, "enrolled_of_age": 3,
     "dafi_scholars": 2, "batch_id": 12},
    {"level": "tertiary", "sex": "M", "school_age": 30, "enrolled": 5, "enrolled_of_age": 5,
     "dafi_scholars": 3, "batch_id": 12},
    {"population_type": "HST", "sex": "F", "school_age": 1000, "enrolled": 1000,
     "enrolled_of_age": 1000, "batch_id": 13},
    {"school_year": "2025/26", "sex": "F", "school_age": 50, "enrolled": 45,
     "enrolled_of_age": 40, "batch_id": 14},
    {"school_year": "2025/26", "sex": "M", "school_age": 50, "enrolled": 50,
     "enrolled_of_age": 45, "batch_id": 14},
)

# Statelessness events (all resolutions in TJ-SU).
# identified: 2024-03-01 10, 2025-02-01 6, 2025-05-01 4 (TJ-KT)
# resolved:   2024-10-01 3 (214 days), 2025-04-10 2 (100 days), 2025-05-20 1 (300 days),
#             2025-08-01 2 (50 days)
STATELESSNESS = frame(
    "statelessness",
    {"event": "identified", "date": d("2024-03-01"), "cases": 10, "batch_id": 15},
    {"event": "identified", "date": d("2025-02-01"), "cases": 6, "batch_id": 16},
    {"event": "identified", "date": d("2025-05-01"), "cases": 4, "region": "TJ-KT",
     "district": "Bokhtar", "batch_id": 16},
    {"event": "resolved", "date": d("2024-10-01"), "status": "acquired", "days": 214, "cases": 3,
     "batch_id": 15},
    {"event": "resolved", "date": d("2025-04-10"), "status": "confirmed", "days": 100,
     "cases": 2, "batch_id": 16},
    {"event": "resolved", "date": d("2025-05-20"), "status": "acquired", "days": 300, "cases": 1,
     "batch_id": 16},
    {"event": "resolved", "date": d("2025-08-01"), "status": "acquired", "days": 50, "cases": 2,
     "batch_id": 17},
)

# Birth registration. 2024-12-31: 10 of 20. 2025-06-30: (27 + 21 + 1) / (30 + 30 + 4) = 49 / 64.
BIRTH_REGISTRATION = frame(
    "birth_registration",
    {"date": d("2024-12-31"), "children_under5": 20, "registered": 10, "batch_id": 18},
    {"date": d("2025-06-30"), "children_under5": 30, "registered": 27, "batch_id": 19},
    {"date": d("2025-06-30"), "sex": "M", "children_under5": 30, "registered": 21,
     "batch_id": 19},
    {"date": d("2025-06-30"), "region": "TJ-SU", "population_type": "STA", "sex": "M",
     "children_under5": 4, "registered": 1, "batch_id": 19},
)

# Funding. 2025: (600 + 2400) / (1000 + 3000) = 75 %; 2024: nothing pledged.
FUNDING = frame(
    "funding",
    {"year": 2024, "pledged_usd": 0.0, "received_usd": 0.0, "batch_id": 20},
    {"year": 2025, "pledged_usd": 1000.0, "received_usd": 600.0, "area": "education",
     "batch_id": 21},
    {"year": 2025, "donor": "USA", "agency": "UNICEF", "area": "child_protection",
     "pledged_usd": 3000.0, "received_usd": 2400.0, "batch_id": 21},
)

# Joint plan at 2025-06-30 (period 2025-Q2, starting 2025-04-01); see test_lou_* for statuses.
JOINT_PLAN = frame(
    "joint_plan",
    {"activity_id": "A1", "start": d("2025-01-01"), "end": d("2025-12-31"), "batch_id": 22},
    {"activity_id": "A2", "start": d("2025-01-01"), "end": d("2025-12-31"), "lead": "UNICEF",
     "batch_id": 22},
    {"activity_id": "A3", "start": d("2024-01-01"), "end": d("2025-03-31"), "lead": "UNICEF",
     "area": "child_protection", "batch_id": 22},
    {"activity_id": "A4", "start": d("2024-06-01"), "end": d("2025-06-30"), "batch_id": 22},
    {"activity_id": "A5", "start": d("2024-01-01"), "end": d("2024-12-31"), "batch_id": 22},
    {"activity_id": "A6", "start": d("2025-09-01"), "end": d("2026-06-30"), "batch_id": 23},
)
JOINT_PLAN_UPDATES = frame(
    "joint_plan_updates",
    {"activity_id": "A1", "date": d("2025-06-15"), "progress": 50.0},
    {"activity_id": "A2", "date": d("2025-06-01"), "progress": 20.0},
    {"activity_id": "A3", "date": d("2025-05-01"), "progress": 80.0},
    {"activity_id": "A3", "date": d("2025-06-01"), "progress": 100.0, "signed_off": False},
    {"activity_id": "A4", "date": d("2025-05-10"), "progress": 100.0},
    {"activity_id": "A5", "date": d("2024-12-01"), "progress": 100.0},
)

# Official statistics, 2024 (2023: one row), coo_iso -> coa_iso.
# TJK as country of asylum: refugees 5000 + 30, asylum-seekers 2000 + 4, stateless 400, no OIP or
# IDP figure reported; returns from TJK 250, resettled into TJK 2, naturalised 12, applied
# 700 + 20; decisions recognised 300 + 10, other 50, rejected 150 + 40, closed 100 (total 650).
# Returns *to* TJK (coo_iso = TJK): 3 from RUS + 5 from KAZ. PAK: refugees 1,000,000, OIP 20,000,
# IDPs 1,200, applied 9,000, no decisions row. USA: resettled 800. KAZ: no row as asylum country.
OFF_POPULATION = frame(
    "off_population",
    {"year": 2023, "refugees": 4000, "batch_id": 30},
    {"refugees": 5000, "asylum_seekers": 2000, "batch_id": 31},
    {"coo_iso": "IRN", "refugees": 30, "asylum_seekers": 4, "batch_id": 31},
    {"coo_iso": "UKN", "stateless": 400, "batch_id": 31},
    {"coa_iso": "PAK", "refugees": 1_000_000, "asylum_seekers": 5000, "oip": 20000,
     "batch_id": 32},
    {"coo_iso": "PAK", "coa_iso": "PAK", "idps": 1200, "batch_id": 32},
)
OFF_SOLUTIONS = frame(
    "off_solutions",
    {"returned_refugees": 250, "naturalisation": 12, "batch_id": 33},
    {"coo_iso": "SYR", "resettlement": 2, "batch_id": 33},
    {"coo_iso": "TJK", "coa_iso": "RUS", "returned_refugees": 3, "batch_id": 34},
    {"coo_iso": "TJK", "coa_iso": "KAZ", "returned_refugees": 5, "batch_id": 34},
    {"coa_iso": "USA", "resettlement": 800, "batch_id": 34},
)
OFF_ASYLUM_APPLICATIONS = frame(
    "off_asylum_applications",
    {"applied": 700, "batch_id": 35},
    {"coo_iso": "IRN", "applied": 20, "batch_id": 35},
    {"coa_iso": "PAK", "applied": 9000, "batch_id": 36},
)
OFF_ASYLUM_DECISIONS = frame(
    "off_asylum_decisions",
    {"dec_recognized": 300, "dec_other": 50, "dec_rejected": 150, "dec_closed": 100,
     "dec_total": 600, "batch_id": 37},
    {"coo_iso": "IRN", "dec_recognized": 10, "dec_rejected": 40, "dec_total": 50,
     "batch_id": 37},
)

FRAMES: dict[str, pl.DataFrame] = {
    "population": POPULATION, "asylum": ASYLUM, "solutions": SOLUTIONS,
    "resettlement": RESETTLEMENT, "education": EDUCATION, "statelessness": STATELESSNESS,
    "birth_registration": BIRTH_REGISTRATION, "funding": FUNDING, "joint_plan": JOINT_PLAN,
    "joint_plan_updates": JOINT_PLAN_UPDATES, "off_population": OFF_POPULATION,
    "off_solutions": OFF_SOLUTIONS, "off_asylum_applications": OFF_ASYLUM_APPLICATIONS,
    "off_asylum_decisions": OFF_ASYLUM_DECISIONS,
}
