"""The `hamkori` command: exit codes, messages, progress, and a warehouse left unchanged on refusal."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from files import GOOD

REPO = Path(__file__).resolve().parents[1]


def write(tmp_path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_import_before_init_is_refused_with_advice(run, tmp_path):
    result = run("import", "asylum", write(tmp_path, "a.csv", GOOD["asylum"]))
    assert result.exit_code == 2
    assert "hamkori init" in result.output


def test_init_import_batches_rollback_cycle(run, tmp_path):
    assert run("init").exit_code == 0
    assert run("init").exit_code == 0  # upgrading an up-to-date warehouse is harmless
    path = write(tmp_path, "asylum-2025.csv", GOOD["asylum"])
    first = run("import", "asylum", path)
    assert first.exit_code == 0, first.output
    assert "imported 3 rows into asylum as batch 1" in first.output
    assert "validated 3 rows" in first.output

    again = run("import", "asylum", path)
    assert again.exit_code == 0 and "nothing to do" in again.output

    overlap = run("import", "asylum", write(tmp_path, "b.csv", GOOD["asylum"].replace("120", "99")))
    assert overlap.exit_code == 1 and "--replace" in overlap.output

    replaced = run("import", "asylum", str(tmp_path / "b.csv"), "--replace")
    assert replaced.exit_code == 0 and "3 earlier rows replaced" in replaced.output

    listing = run("batches")
    assert "asylum-2025.csv" in listing.output and "data.manager" in listing.output
    assert run("rollback", "2").exit_code == 0
    assert "rolled_back" in run("batches").output
    assert run("rollback", "2").exit_code == 1


def test_bad_file_lists_every_problem_and_exits_non_zero(run, tmp_path):
    run("init")
    bad = GOOD["population"] + "2025-12-31,REF,AFG,TJ-SU,Vahdat,F,0-4,-1\n"
    result = run("import", "population", write(tmp_path, "bad.csv", bad))
    assert result.exit_code == 1
    assert 'row 6, column district, value "Vahdat": district Vahdat is in region TJ-RA, not TJ-SU' in result.output
    assert 'row 6, column persons, value "-1": negative count' in result.output
    assert "no imports yet" in run("batches").output

    report = tmp_path / "problems.csv"
    result = run("import", "population", str(tmp_path / "bad.csv"), "--report", str(report),
                 "--max-problems", "1")
    assert result.exit_code == 1 and "and 1 more problem\n" in result.output
    assert report.read_text(encoding="utf-8-sig").splitlines() == [  # a BOM, for Excel
        "row,column,value,reason",
        "6,district,Vahdat,\"district Vahdat is in region TJ-RA, not TJ-SU\"",
        "6,persons,'-1,negative count",  # formulas neutralised: the partner opens it in Excel
    ]


def test_datasets_lists_templates(run):
    result = run("datasets")
    assert "statelessness" in result.output and "district?" in result.output


def test_console_script_is_installed():
    script = Path(sys.executable).with_name("hamkori")
    out = subprocess.run([str(script), "--help"], capture_output=True, text=True, cwd=REPO, check=True)
    assert "import" in out.stdout and "rollback" in out.stdout


def test_workplan_export_then_import_into_an_empty_warehouse(run, tmp_path, monkeypatch):
    run("init")
    assert run("import", "joint_plan", write(tmp_path, "p.csv", GOOD["joint_plan"])).exit_code == 0
    assert run("import", "joint_plan_updates",
               write(tmp_path, "u.csv", GOOD["joint_plan_updates"])).exit_code == 0
    book = tmp_path / "workplan.xlsx"
    result = run("workplan", "export", str(book))
    assert result.exit_code == 0 and book.stat().st_size > 0
    monkeypatch.setenv("HAMKORI_WAREHOUSE_URL", f"sqlite:///{tmp_path / 'other.sqlite'}")
    run("init")
    result = run("workplan", "import", str(book))
    assert result.exit_code == 0, result.output
    assert "imported 2 rows into joint_plan" in result.output
    assert "imported 2 rows into joint_plan_updates" in result.output
    again = run("workplan", "import", str(book))
    assert again.exit_code == 1 and "--replace" in again.output


def test_report_refuses_an_unknown_region_and_accepts_lower_case(run, tmp_path):
    run("init")
    bad = run("report", "--region", "TJ-XX")
    assert bad.exit_code == 1 and "unknown region 'TJ-XX'" in bad.output
    assert run("report", "--region", "tj-du", "--indicator", "POP.POC").exit_code == 0


def test_the_demo_is_refused_over_other_data_and_nothing_is_written(run, tmp_path):
    run("init")
    assert run("import", "funding", write(tmp_path, "f.csv", GOOD["funding"])).exit_code == 0
    result = run("init", "--demo")
    assert result.exit_code == 1 and "empty warehouse" in result.output
    listed = run("batches")
    assert listed.output.count("funding") == 1 and "demo" not in listed.output
