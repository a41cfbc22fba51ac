"""Importers: good files, every class of bad file, overlap/replace, rollback, encodings."""

from __future__ import annotations

import io
import zipfile

import polars as pl
import pytest
from files import GOOD, GOOD_ROWS, with_row
from sqlalchemy import func, select

from data_access import datasets as ds
from data_access import importer, schema

#: The CSV/XLSX templates of the office (boundaries are GeoJSON: tests/test_boundaries.py).
OFFICE = [name for name, spec in ds.DATASETS.items()
          if not spec.official and name != "boundaries"]


def snapshot(engine) -> dict:
    """Everything in the warehouse, for 'unchanged' and 'restored exactly' assertions."""
    with engine.connect() as conn:
        state = {}
        for name, table in schema.metadata.tables.items():
            if name.startswith("ref_"):
                continue
            rows = conn.execute(select(table)).all()
            state[name] = sorted((tuple(r) for r in rows), key=repr)
        return state


def current_rows(engine, dataset: str) -> int:
    table = schema.table_for(dataset)
    with engine.connect() as conn:
        return conn.execute(
            select(func.count()).select_from(table).where(table.c.superseded_by.is_(None))
        ).scalar_one()


def refused(engine, dataset: str, text: str | bytes, name: str = "bad.csv") -> importer.ImportRefused:
    before = snapshot(engine)
    data = text.encode() if isinstance(text, str) else text
    with pytest.raises(importer.ImportRefused) as info:
        importer.import_file(engine, dataset, data, file_name=name, user="tester")
    assert snapshot(engine) == before, "a refused import changed the warehouse"
    return info.value


def problem_set(exc: importer.ImportRefused) -> set[tuple]:
    return {(r, c) for r, c, _v, _reason in exc.problems.iter_rows()}


@pytest.mark.parametrize("dataset", OFFICE)
def test_good_file_imports_on_both_backends(any_engine, dataset):
    result = importer.import_file(any_engine, dataset, GOOD[dataset].encode(),
                                  file_name=f"{dataset}.csv", user="tester")
    assert result.status == "imported"
    assert result.rows == GOOD_ROWS[dataset]
    assert current_rows(any_engine, dataset) == GOOD_ROWS[dataset]
    batches = importer.list_batches(any_engine)
    assert batches.select("dataset", "file_name", "rows", "user_name", "status").row(0) == (
        dataset, f"{dataset}.csv", GOOD_ROWS[dataset], "tester", "active")
    assert len(batches.item(0, "sha256")) == 64


def test_typed_values_are_stored(engine):
    importer.import_file(engine, "resettlement", GOOD["resettlement"].encode(),
                         file_name="r.csv", user="t")
    table = schema.table_for("resettlement")
    with engine.connect() as conn:
        row = conn.execute(select(table).where(table.c.case_id == "RST-001")).mappings().one()
    assert row["persons"] == 4 and str(row["departed"]) == "2025-02-01"
    assert row["decision"] == "accepted"


BAD_CASES = [
    # (dataset, changes to a copy of the first good row, column expected, reason fragment)
    ("population", {"population_type": "XYZ"}, "population_type", "unknown code"),
    ("population", {"origin": "ZZZ"}, "origin", "unknown country"),
    ("population", {"persons": "twelve"}, "persons", "not a whole number"),
    ("population", {"persons": "-4"}, "persons", "negative count"),
    ("population", {"region": "TJ-SU"}, "district", "is in region TJ-RA, not TJ-SU"),
    ("population", {"date": "1989-12-31"}, "date", "date outside 1990"),
    ("population", {"date": "31/12/2025"}, "date", "not a date"),
    ("population", {"district": "Atlantis"}, "district", "unknown district"),
    ("population", {"persons": ""}, "persons", "missing value"),
    ("asylum", {"month": "2025-13"}, "month", "not a month"),
    ("education", {"enrolled_of_age": "500"}, "enrolled_of_age", "above school_age"),
    ("education", {"enrolled_of_age": "390"}, "enrolled_of_age", "above enrolled"),
    ("education", {"school_year": "2024/26"}, "school_year", "not a school year"),
    ("resettlement", {"case_id": "RST-009", "departed": "2024-01-01"}, "departed",
     "departure before its submission"),
    ("resettlement", {"case_id": "RST-009", "decision": "pending"}, "departed",
     "decision is 'pending'"),
    ("statelessness", {"case_id": "STA-9", "resolved": ""}, "resolved", "without a date"),
    ("statelessness", {"case_id": "STA-9", "resolved": "2010-01-01"}, "resolved",
     "resolved before"),
    ("birth_registration", {"date": "2025-07-31", "registered": "999"}, "registered",
     "above children_under5"),
    ("joint_plan", {"activity_id": "JPA-09", "end": "2016-01-01"}, "end", "end before start"),
    ("joint_plan", {"activity_id": "JPA-09", "lead": "WFP"}, "lead", "unknown code"),
    ("funding", {"year": "2031x"}, "year", "not a year"),
    ("framework", {"code": "EX-X", "parent": "NOPE", "level": "output"}, "parent", "not found"),
    ("targets", {"indicator": "EDU.GER_PRIMRY", "year": "2026"}, "indicator",
     "not an indicator code of the catalogue"),
]


@pytest.mark.parametrize(("dataset", "changes", "column", "reason"), BAD_CASES,
                         ids=[f"{d}-{c}-{r[:18]}" for d, _x, c, r in BAD_CASES])
def test_bad_value_is_reported_with_row_and_reason(any_engine, dataset, changes, column, reason):
    text = with_row(dataset, **changes)
    bad_row = GOOD_ROWS[dataset] + 2  # header is line 1
    exc = refused(any_engine, dataset, text)
    hits = exc.problems.filter((pl.col("row") == bad_row) & (pl.col("column") == column))
    assert hits.height >= 1, exc.report()
    assert any(reason in r for r in hits.get_column("reason")), exc.report()


def test_every_problem_is_reported_not_just_the_first(engine):
    text = GOOD["population"] + (
        "2025-12-31,REF,AFG,TJ-SU,Vahdat,F,0-4,-1\n"
        "2025-12-31,XXX,AFG,TJ-RA,Rudaki,F,0-4,3\n"
        "2025-12-31,REF,AFG,TJ-RA,Vahdat,F,0-4,7\n"  # duplicate grain of line 2
    )
    exc = refused(engine, "population", text)
    assert problem_set(exc) >= {(6, "district"), (6, "persons"), (7, "population_type"),
                                (8, ", ".join(ds.get("population").grain))}
    dup = exc.problems.filter(pl.col("row") == 8).item(0, "reason")
    assert "duplicate of row 2" in dup
    assert "4 problem(s)" in str(exc) or exc.problems.height >= 4


def test_missing_required_column(engine):
    text = GOOD["asylum"].replace(",closed", "").replace(",2\n", "\n").replace(",1\n", "\n")
    text = text.replace(",0\n", "\n")
    exc = refused(engine, "asylum", text)
    header = exc.problems.filter(pl.col("row").is_null())
    assert header.rows() == [(None, "closed", None, "missing required column")]


def test_header_names_match_case_and_space_insensitively(engine):
    text = GOOD["asylum"].replace("month,origin,applied", " Month , ORIGIN,Applied ")
    result = importer.import_file(engine, "asylum", text.encode(), file_name="a.csv", user="t")
    assert result.rows == 3


def test_empty_and_unreadable_files_are_refused(engine):
    exc = refused(engine, "asylum", "month,origin,applied,recognized,complementary,rejected,closed\n")
    assert "no data rows" in str(exc)
    exc = refused(engine, "asylum", "just some words\nand more\n")
    assert "no header row" in str(exc)
    exc = refused(engine, "asylum", b"PK\x03\x04garbage", name="x.xlsx")
    assert "could not be read" in str(exc)


def test_identical_file_is_a_no_op_that_says_so(engine):
    data = GOOD["funding"].encode()
    first = importer.import_file(engine, "funding", data, file_name="f.csv", user="t")
    before = snapshot(engine)
    again = importer.import_file(engine, "funding", data, file_name="f-again.csv", user="t")
    assert again.status == "unchanged" and again.batch_id == first.batch_id
    assert "identical file already imported as batch" in again.message
    assert snapshot(engine) == before


def test_overlap_refused_then_replace_then_rollback_restores_exactly(any_engine):
    engine = any_engine
    importer.import_file(engine, "population", GOOD["population"].encode(), file_name="p1.csv",
                         user="t")
    after_first = snapshot(engine)
    corrected = GOOD["population"].replace(",120\n", ",125\n")
    exc = refused(engine, "population", corrected, name="p2.csv")
    assert "already holds 4 population rows for date 2025-12-31" in str(exc)
    assert "--replace" in str(exc) and "p1.csv" in str(exc)

    result = importer.import_file(engine, "population", corrected.encode(), file_name="p2.csv",
                                  user="t", replace=True)
    assert result.replaced_rows == 4 and current_rows(engine, "population") == 4
    table = schema.table_for("population")
    with engine.connect() as conn:
        total = conn.execute(select(func.sum(table.c.persons))
                             .where(table.c.superseded_by.is_(None))).scalar_one()
    assert total == 125 + 300 + 45 + 3

    undone = importer.rollback(engine, result.batch_id, user="admin")
    assert (undone.removed_rows, undone.restored_rows) == (4, 4)
    now = snapshot(engine)
    assert now["population"] == after_first["population"]
    batches = importer.list_batches(engine)
    assert batches.filter(pl.col("id") == result.batch_id).item(0, "status") == "rolled_back"


def test_rollback_refuses_a_batch_replaced_later_and_unknown_batches(engine):
    a = importer.import_file(engine, "asylum", GOOD["asylum"].encode(), file_name="a.csv", user="t")
    b = importer.import_file(engine, "asylum", GOOD["asylum"].replace("120", "121").encode(),
                             file_name="b.csv", user="t", replace=True)
    with pytest.raises(importer.ImportRefused, match="roll those back first"):
        importer.rollback(engine, a.batch_id, user="t")
    importer.rollback(engine, b.batch_id, user="t")
    importer.rollback(engine, a.batch_id, user="t")
    assert current_rows(engine, "asylum") == 0
    with pytest.raises(importer.ImportRefused, match="already rolled back"):
        importer.rollback(engine, a.batch_id, user="t")
    with pytest.raises(importer.ImportRefused, match="no batch 999"):
        importer.rollback(engine, 999, user="t")


def test_utf8_bom_semicolons_and_windows_1251_cyrillic_districts(engine):
    bom = b"\xef\xbb\xbf" + GOOD["asylum"].replace(",", ";").encode()
    assert importer.import_file(engine, "asylum", bom, file_name="bom.csv", user="t").rows == 3
    cyrillic = (
        "date,region,district,population_type,sex,children_under5,registered\n"
        "2025-06-30,TJ-RA,Вахдат,REF,F,150,140\n"
        "2025-06-30,TJ-SU,ХУДЖАНД,REF,M,20,18\n"
        "2025-06-30,TJ-RA,Гиссар,ASY,M,11,9\n"
    ).encode("cp1251")
    result = importer.import_file(engine, "birth_registration", cyrillic, file_name="br.csv",
                                  user="t")
    assert result.rows == 3
    table = schema.table_for("birth_registration")
    with engine.connect() as conn:
        names = sorted(conn.execute(select(table.c.district)).scalars())
    assert names == ["Hisor", "Khujand", "Vahdat"]


def test_xlsx_file(engine, tmp_path):
    frame = pl.read_csv(io.StringIO(GOOD["education"]), infer_schema_length=0)
    frame = frame.with_columns(pl.col("school_age", "enrolled", "enrolled_of_age").cast(pl.Int64))
    path = tmp_path / "education.xlsx"
    frame.write_excel(path)
    result = importer.import_file(engine, "education", path, user="t")
    assert result.rows == 3


def test_refugee_data_finder_download_zip(engine):
    """A zip as the website serves it: a title line, human-readable headers, '-' for empty."""
    csv_text = (
        "UNHCR - Refugee Population Statistics Database\n"
        "\n"
        "Year,Country of origin,Country of origin (ISO),Country of asylum,"
        "Country of asylum (ISO),Refugees under UNHCR's mandate,Asylum-seekers,"
        "Returned refugees,IDPs of concern to UNHCR,Returned IDPss,Stateless persons,"
        "Others of concern,Other people in need of international protection,Host Community\n"
        "2022,Afghanistan,AFG,Tajikistan,TJK,8601,1100,15,0,0,0,0,-,0\n"
        "2022,Iran (Islamic Rep. of),IRN,Tajikistan,TJK,7,-,0,0,0,0,0,-,0\n"
        "2022,Unknown,UNK,Tajikistan,TJK,0,13,0,0,0,0,0,-,0\n"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("population.csv", csv_text)
    result = importer.import_file(engine, "unhcr-population", buffer.getvalue(),
                                  file_name="query_data.zip", user="t")
    assert result.rows == 3
    table = schema.table_for("unhcr-population")
    with engine.connect() as conn:
        refugees, asylum, oip = conn.execute(
            select(func.sum(table.c.refugees), func.sum(table.c.asylum_seekers),
                   func.count(table.c.oip))
        ).one()
    assert (refugees, asylum, oip) == (8608, 1113, 0)  # '-' is null, not zero


def test_data_version_moves_on_import_and_rollback_only(engine):
    from data_access.warehouse import data_version

    def version():
        with engine.connect() as conn:
            return data_version(conn)

    assert version() == 0
    result = importer.import_file(engine, "asylum", GOOD["asylum"].encode(), file_name="a.csv",
                                  user="t")
    assert version() == 1
    importer.import_file(engine, "asylum", GOOD["asylum"].encode(), file_name="a.csv", user="t")
    refused(engine, "asylum", GOOD["asylum"].replace("AFG", "ZZZ"))
    assert version() == 1
    importer.rollback(engine, result.batch_id, user="t")
    assert version() == 2


def test_import_frame_matches_import_file(engine):
    frame = pl.read_csv(io.StringIO(GOOD["statelessness"]), try_parse_dates=True)
    result = importer.import_frame(engine, "statelessness", frame, file_name="frame", user="t")
    assert result.rows == 3
    again = importer.import_frame(engine, "statelessness", frame, file_name="frame", user="t")
    assert again.status == "unchanged"


def test_misspelt_column_is_refused_not_dropped(engine):
    text = GOOD["population"].replace(",district,", ",distrct,")
    exc = refused(engine, "population", text)
    assert exc.problems.filter(pl.col("column") == "distrct").item(0, "reason").startswith(
        "unknown column")


def test_text_survives_the_bulk_path_exactly(any_engine):
    """Quotes, commas, new lines, Cyrillic and empty-vs-null come back as written (COPY on PG)."""
    import datetime as dt

    titles = ['Said "yes", then left', "Line one\nline two", "Регистрация рождений; 50 %"]
    frame = pl.DataFrame({
        "activity_id": ["A1", "A2", "A3"], "area": ["education"] * 3, "title": titles,
        "lead": ["UNHCR", "UNICEF", "JOINT"], "partners": [None, "", "Ministry, NGO"],
        "start": [dt.date(2020, 1, 1)] * 3, "end": [dt.date(2026, 1, 1)] * 3,
    })
    importer.import_frame(any_engine, "joint_plan", frame, file_name="jp", user="t")
    table = schema.table_for("joint_plan")
    with any_engine.connect() as conn:
        stored = conn.execute(select(table.c.title, table.c.partners, table.c.baseline)
                              .order_by(table.c.activity_id)).all()
    assert [tuple(r) for r in stored] == [(titles[0], None, None), (titles[1], "", None),
                                          (titles[2], "Ministry, NGO", None)]


def test_simultaneous_imports_of_the_same_snapshot_one_is_refused(any_engine):
    """The overlap check and the write are one unit: two data managers importing versions of
    the same snapshot at the same moment cannot both succeed (the import takes the warehouse's
    write lock before checking)."""
    import threading

    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def load(name: str) -> None:
        text = GOOD["population"].replace(",120\n", f",12{name[-5]}\n")  # two versions
        barrier.wait()
        try:
            importer.import_file(any_engine, "population", text.encode(),
                                 file_name=name, user=name)
            outcomes.append("imported")
        except importer.ImportRefused:
            outcomes.append("refused")

    threads = [threading.Thread(target=load, args=(f"copy-{i}.csv",)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["imported", "refused"]
    assert importer.list_batches(any_engine).height == 1
