"""The audit log: what is recorded (and what is not when an action fails), and the admin page."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from files import GOOD
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from data_access import audit, importer, schema
from data_access import plan as jp
from pages._context import DEMO, Viewer, audience_title, deferred_export

APP = Path(__file__).resolve().parent.parent / "app.py"
UNICEF_LED = "JPA-01"


def draft(**extra) -> jp.UpdateDraft:
    return jp.UpdateDraft(date=date(2025, 3, 31), progress=20, **extra)


@pytest.fixture
def planned(engine):
    importer.import_file(engine, "joint_plan", GOOD["joint_plan"].encode(), file_name="plan.csv",
                         user="data.manager")
    return engine


def rows(engine, **filters) -> list[tuple]:
    return audit.events(engine, **filters).sort("id").select(
        "user_name", "audience", "mode", "action", "target", "detail").rows()


def test_events_are_filtered_and_newest_first(any_engine):
    engine = any_engine
    start = datetime(2026, 1, 10, 9, tzinfo=UTC)
    people = [("a@unhcr.org", "unhcr"), ("b@unicef.org", "unicef"), ("c@x.org", None)]
    for day, (user, role) in enumerate(people):
        audit.record(engine, audit.Actor(user, role), "view", f"page-{day}", None,
                     at=start + timedelta(days=day))
    audit.record(engine, audit.Actor("a@unhcr.org", "unhcr"), "export", "caseload (CSV)",
                 "120 rows as unhcr", at=start + timedelta(days=3))
    everything = audit.events(engine)
    assert everything["target"].to_list() == ["caseload (CSV)", "page-2", "page-1", "page-0"]
    assert str(everything["at"].dtype) == "Datetime(time_unit='us', time_zone='UTC')"
    assert everything["at"][0] == start + timedelta(days=3)
    assert audit.events(engine, users=["a@unhcr.org"])["target"].to_list() == [
        "caseload (CSV)", "page-0"]
    assert audit.events(engine, actions=["export"]).height == 1
    assert audit.events(engine, audiences=["unicef"])["user_name"].to_list() == ["b@unicef.org"]
    assert audit.events(engine, start=date(2026, 1, 11), end=date(2026, 1, 12))[
        "target"].to_list() == ["page-2", "page-1"]
    assert audit.events(engine, text="CASELOAD")["action"].to_list() == ["export"]
    assert audit.events(engine, text="120 rows")["action"].to_list() == ["export"]
    assert audit.events(engine, limit=2).height == 2
    assert audit.users(engine) == ["a@unhcr.org", "b@unicef.org", "c@x.org"]


def test_a_hostile_filter_is_a_value_not_sql(engine):
    audit.record(engine, audit.Actor("a@unhcr.org", "unhcr"), "view", "overview")
    assert audit.events(engine, text="x' OR '1'='1").is_empty()
    assert audit.events(engine, users=["a@unhcr.org' --"]).is_empty()
    assert audit.events(engine).height == 1


def test_unknown_actions_and_modes_are_refused(engine):
    with pytest.raises(ValueError, match="unknown audit action"):
        audit.record(engine, audit.Actor("a", "unhcr"), "delete_everything")
    with pytest.raises(ValueError, match="unknown audit mode"):
        audit.record(engine, audit.Actor("a", "unhcr", "telepathy"), "view")


def test_joint_plan_changes_are_audited_with_the_change(planned):
    jp.post_update(planned, UNICEF_LED, draft(), audience="unicef", user="aziza@unicef.org",
                   seen_update_no=0, mode="oidc")
    [update] = jp.updates(planned.connect(), "admin", UNICEF_LED).to_dicts()
    jp.return_update(planned, UNICEF_LED, 1, audience="unhcr", user="rustam@unhcr.org",
                     seen_batch=update["batch_id"], comment="Numbers do not add up",
                     mode="oidc")
    assert rows(planned) == [
        ("aziza@unicef.org", "unicef", "oidc", "plan_post", "JPA-01 update 1", "progress 20 %"),
        ("rustam@unhcr.org", "unhcr", "oidc", "plan_return", "JPA-01 update 1", "for UNHCR"),
    ]


def test_a_refused_change_leaves_no_audit_line(planned):
    jp.post_update(planned, UNICEF_LED, draft(), audience="unicef", user="aziza@unicef.org",
                   seen_update_no=0)
    with pytest.raises(jp.Conflict):  # someone posted meanwhile: nothing written, nothing logged
        jp.post_update(planned, UNICEF_LED, draft(), audience="unicef",
                       user="colleague@unicef.org", seen_update_no=0)
    with pytest.raises(jp.NotAllowed):
        jp.post_update(planned, UNICEF_LED, draft(), audience="donor", user="d@x.org",
                       seen_update_no=1)
    assert [r[0] for r in rows(planned)] == ["aziza@unicef.org"]
    assert rows(planned)[0][2] == "cli"  # called from code, not from the app


def test_the_command_line_audits_imports_and_rollbacks(engine, sqlite_url, tmp_path):
    from click.testing import CliRunner

    from data_access.cli import main

    data = tmp_path / "asylum.csv"
    data.write_text(GOOD["asylum"])
    runner = CliRunner()
    env = {"HAMKORI_WAREHOUSE_URL": sqlite_url}
    assert runner.invoke(main, ["import", "asylum", str(data), "--user", "ops"], env=env
                         ).exit_code == 0
    assert runner.invoke(main, ["rollback", "1", "--user", "ops"], env=env).exit_code == 0
    assert [(r[0], r[1], r[2], r[3], r[4]) for r in rows(engine)] == [
        ("ops", None, "cli", "import", "asylum"), ("ops", None, "cli", "rollback", "asylum")]


def test_the_audit_log_is_append_only_in_code():
    """Nothing in the app updates or deletes an audit line."""
    root = APP.parent
    offenders = [str(p.relative_to(root)) for folder in ("data_access", "pages", "metrics")
                 for p in (root / folder).rglob("*.py")
                 if "audit_log" in (text := p.read_text(encoding="utf-8"))
                 and ("update(schema.audit_log" in text or "delete(schema.audit_log" in text)]
    offenders += [name for name in ("app.py",) if "delete(schema.audit_log" in
                  (root / name).read_text(encoding="utf-8")]
    assert offenders == []


# ----------------------------------------------------------------------------- the page
@pytest.fixture
def app_warehouse(engine, sqlite_url, monkeypatch, fresh_caches):
    monkeypatch.setenv("HAMKORI_WAREHOUSE_URL", sqlite_url)
    monkeypatch.setenv("HAMKORI_USER", "server")
    return engine


def audit_page() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.query_params["audience"] = "admin"
    at.run()
    at.switch_page("pages/audit.py").run()
    assert not at.exception
    return at


def test_the_admin_page_reads_and_filters_the_log(app_warehouse):
    audit.record(app_warehouse, audit.Actor("aziza@unicef.org", "unicef"), "import",
                 "education", "batch 1: enrolment.csv, 3 rows")
    audit.record(app_warehouse, audit.Actor("rustam@unhcr.org", "unhcr"), "export",
                 "hamkori-caseload (CSV)", "12 rows as unhcr")
    at = audit_page()
    table = at.dataframe[0].value
    # by name (the admin's own page views too), as the language of the page says them
    assert set(table["action"]) == {"imported a file", "downloaded an export", "opened a page"}
    assert set(table["mode"]) <= {"signed in", "demo switch (not verified)", "command line"}
    assert "**" in at.markdown[-1].value and "events**" in at.markdown[-1].value
    at.multiselect(key="audit.actions").select("import").run()
    table = at.dataframe[0].value
    assert table[["user_name", "audience", "target"]].values.tolist() == [
        ["aziza@unicef.org", audience_title("unicef"), "education"]]
    at.multiselect(key="audit.actions").unselect("import").run()
    at.text_input(key="audit.text").input("caseload").run()
    assert at.dataframe[0].value["action"].tolist() == ["downloaded an export"]
    at.text_input(key="audit.text").input("nothing like this").run()
    assert not at.dataframe and "No event matches" in at.info[0].value


def test_the_workplan_download_is_audited_when_the_file_is_fetched(app_warehouse):
    importer.import_file(app_warehouse, "joint_plan", GOOD["joint_plan"].encode(),
                         file_name="plan.csv", user="data.manager")
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.query_params["audience"] = "unicef"
    at.run()
    at.switch_page("pages/joint_plan.py").run()
    assert not at.exception
    [button] = at.get("download_button")
    assert button.proto.label == "Download the workplan (XLSX)"
    assert rows(app_warehouse, actions=["export"]) == []  # showing the button is no export
    # The file is built and recorded when the browser fetches it (outside the script run:
    # tests/test_browser_pages.py fetches one for real); the viewer is the one of the page.
    viewer = Viewer(DEMO, "unicef", "unicef:server", "UNICEF counterparts")
    fetch = deferred_export(lambda: b"the workbook", "workplan (XLSX)",
                            "as unicef, status as of 2025-12-31", viewer=viewer)
    assert fetch() == b"the workbook"
    [(user, audience, mode, action, target, detail)] = rows(app_warehouse, actions=["export"])
    assert (user, audience, mode, target) == ("unicef:server", "unicef", "demo",
                                              "workplan (XLSX)")
    assert detail.startswith("as unicef")


def test_a_missing_audit_table_does_not_break_the_page(app_warehouse):
    """A warehouse not yet upgraded: pages still work, the failure is only logged."""
    with app_warehouse.begin() as connection:
        connection.exec_driver_sql("DROP TABLE audit_log")
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.query_params["audience"] = "unhcr"
    at.run()
    assert not at.exception and not at.error
    with app_warehouse.connect() as connection:
        assert connection.execute(select(func.count()).select_from(schema.import_batch)
                                  ).scalar_one() == 0
