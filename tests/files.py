"""Small, hand-written import files for the tests: one good file per dataset."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import polars as pl
import pytest

GOOD: dict[str, str] = {
    "population": """date,population_type,origin,region,district,sex,age_group,persons
2025-12-31,REF,AFG,TJ-RA,Vahdat,F,0-4,120
2025-12-31,REF,AFG,TJ-RA,Vahdat,M,18-59,300
2025-12-31,ASY,AFG,TJ-DU,,F,18-59,45
2025-12-31,STA,STA,TJ-KT,Bokhtar,M,60+,3
""",
    "asylum": """month,origin,applied,recognized,complementary,rejected,closed
2025-01,AFG,120,80,5,10,2
2025-02,AFG,90,60,0,0,1
2025-02,IRN,3,1,0,1,0
""",
    "solutions": """month,solution,origin,destination,region,sex,age_group,persons
2025-03,voluntary_return,AFG,AFG,TJ-RA,F,18-59,40
2025-03,voluntary_return,AFG,AFG,,M,0-4,12
2025-06,naturalisation,AFG,TJK,TJ-DU,F,18-59,4
""",
    "resettlement": """case_id,persons,origin,destination,category,priority,submitted,decision,decided,departed
RST-001,4,AFG,CAN,LPN,normal,2024-03-01,accepted,2024-09-10,2025-02-01
RST-002,1,AFG,USA,MED,urgent,2025-01-15,pending,,
RST-003,6,IRN,NOR,WAR,emergency,2025-02-01,rejected,2025-05-05,
""",
    "education": """school_year,region,population_type,level,sex,school_age,enrolled,enrolled_of_age,dafi_scholars
2024/25,TJ-RA,REF,primary,F,400,380,350,
2024/25,TJ-RA,REF,primary,M,410,395,360,
2024/25,TJ-DU,REF,tertiary,F,80,12,10,7
""",
    "statelessness": """case_id,region,district,sex,age_group,identified,status,resolved
STA-1,TJ-KT,Bokhtar,F,18-59,2016-04-01,confirmed,2017-02-01
STA-2,TJ-SU,Khujand,M,60+,2018-05-05,in_progress,
STA-3,TJ-RA,Rudaki,F,0-4,2020-01-10,acquired,2021-06-30
""",
    "birth_registration": """date,region,district,population_type,sex,children_under5,registered
2025-06-30,TJ-RA,Vahdat,REF,F,150,140
2025-06-30,TJ-RA,,REF,M,160,150
""",
    "joint_plan": """activity_id,area,title,lead,partners,start,end,indicator,baseline,target,budget_usd,undaf_outcome,sdg_target
JPA-01,education,Enrol refugee children in national schools,UNICEF,Ministry of Education,2017-06-01,2026-06-30,EDU.GER_PRIMARY,70,95,250000,EX-O1,4.1
JPA-02,birth_registration_nationality,Birth registration drive,JOINT,,2018-01-01,2025-12-31,BRN.U5_REGISTERED_PCT,60,95,,EX-O2,16.9
""",
    "joint_plan_updates": """activity_id,update_no,date,progress,status_note,indicator_actual,funds_mobilised_usd,funds_spent_usd,narrative,internal,posted_by,posted_agency,unhcr_signoff,unhcr_by,unhcr_on,unicef_signoff,unicef_by,unicef_on,comment
JPA-01,1,2025-03-31,20,Kits delivered,72,50000,30000,"Schools in Vahdat enrolled 40 children",no,aziza@unicef.org,UNICEF,signed,rustam@unhcr.org,2025-04-10,signed,aziza@unicef.org,2025-03-31,
JPA-01,2,2025-06-30,35,Catch-up classes started,,80000,60000,Teacher shortage in Rudaki,yes,aziza@unicef.org,UNICEF,,,,signed,aziza@unicef.org,2025-06-30,
""",
    "funding": """year,donor,agency,area,pledged_usd,received_usd
2025,European Union,UNHCR,education,500000,350000
2025,Japan,UNICEF,,200000,200000
""",
    "targets": """indicator,year,baseline,target,undaf_outcome
EDU.GER_PRIMARY,2025,70,95,EX-O1
STA.RESOLVED,2025,20000,25000,EX-O2
""",
    "framework": """code,level,parent,title,start_year,end_year
EX-O1,outcome,,Example — people have equitable access to education,2023,2027
EX-O1.1,output,EX-O1,Example — refugee children enrolled,2023,2027
""",
}

GOOD_ROWS = {name: len(text.strip().splitlines()) - 1 for name, text in GOOD.items()}


def csv_text(header: list[str], rows: list[list[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(["" if v is None else v for v in row] for row in rows)
    return buffer.getvalue()


def with_row(dataset: str, **changes: str) -> str:
    """The good file of `dataset` plus one row: the first row with `changes` applied."""
    frame = pl.read_csv(io.StringIO(GOOD[dataset]), infer_schema=False)
    row = frame.head(1).to_dicts()[0]
    row.update(changes)
    return GOOD[dataset] + ",".join("" if v is None else str(v) for v in row.values()) + "\n"


#: The real UNHCR files (../shared/reference, beside the repository in CI): never copied here.
TJK = Path(__file__).resolve().parents[2] / "shared" / "reference" / "unhcr" / "tjk"
FILES = {  # dataset -> file in TJK
    "unhcr-population": "population_tjk.csv",
    "unhcr-solutions": "solutions_tjk.csv",
    "unhcr-asylum-applications": "asylum_applications_tjk.csv",
    "unhcr-asylum-decisions": "asylum_decisions_tjk.csv",
    "unhcr-demographics": "demographics_tjk.csv",
}
needs_reference = pytest.mark.skipif(
    not TJK.is_dir(), reason="../shared/reference/unhcr/tjk is not beside the repository")
