"""The joint plan in the warehouse: posting, dual sign-off, returns, conflicts, rights, workplan."""

from __future__ import annotations

import threading
from datetime import date

import polars as pl
import pytest
from files import GOOD

from data_access import importer, indicators
from data_access import plan as jp
from metrics.engine import Request
from metrics.periods import Period

ACTIVITY = "JPA-01"  # led by UNICEF in files.GOOD
JOINT = "JPA-02"


@pytest.fixture
def planned(any_engine):
    importer.import_file(any_engine, "joint_plan", GOOD["joint_plan"].encode(),
                         file_name="plan.csv", user="data.manager")
    return any_engine


def draft(progress=40.0, day=date(2025, 6, 30), **extra) -> jp.UpdateDraft:
    fields = {"status_note": "on schedule", "narrative": "Classes running", **extra}
    return jp.UpdateDraft(date=day, progress=progress, **fields)


def current(engine, audience="admin", activity=ACTIVITY) -> list[dict]:
    with engine.connect() as conn:
        return jp.updates(conn, audience, activity).to_dicts()


def lou(engine, code="LOU.ON_TRACK_PCT", as_of=None) -> dict:
    request = Request(Period.parse("2025"), "unhcr", as_of=as_of, compare=False)
    with engine.connect() as conn:
        frame = indicators.compute(conn, request, [code])
    return frame.row(0, named=True)


def test_post_then_the_other_agency_signs_and_the_update_counts(planned):
    assert lou(planned)["status"] == "no_data"  # no signed updates yet
    jp.post_update(planned, ACTIVITY, draft(), audience="unicef", user="aziza@unicef.org",
                   seen_update_no=0)
    [posted] = current(planned)
    assert (posted["update_no"], posted["state"], posted["waiting_for"]) == (1, "pending", "UNHCR")
    assert (posted["unicef_signoff"], posted["unicef_by"]) == ("signed", "aziza@unicef.org")
    assert lou(planned)["status"] == "no_data"  # a pending update does not count

    assert not jp.can_sign("unicef", posted)  # the poster's agency has signed already
    assert jp.can_sign("unhcr", posted)
    jp.sign_off(planned, ACTIVITY, 1, audience="unhcr", user="rustam@unhcr.org",
                seen_batch=posted["batch_id"], on=date(2025, 7, 5))
    [signed] = current(planned)
    assert signed["state"] == "signed" and signed["unhcr_on"] == date(2025, 7, 5)
    value = lou(planned)
    assert value["status"] == "ok"
    with planned.connect() as conn:  # the earlier version is kept: history, never overwritten
        versions = jp.history(conn, "admin", ACTIVITY)
    assert versions.height == 2
    assert versions.get_column("changed_by").to_list() == ["rustam@unhcr.org", "aziza@unicef.org"]


def test_status_follows_signed_progress(planned):
    # JPA-01 runs 2017-06-01 .. 2026-06-30 (3,316 days). On 2025-08-31, 3,013 days = 90.9 % have
    # elapsed: 90 % signed on 2025-06-30 (62 days ago) is on track. JPA-02 has never reported
    # since it started in 2018: stale. On track: 1 of 2 = 50 %.
    jp.post_update(planned, ACTIVITY, draft(progress=90.0), audience="unicef", user="a",
                   seen_update_no=0)
    [posted] = current(planned)
    jp.sign_off(planned, ACTIVITY, 1, audience="unhcr", user="r", seen_batch=posted["batch_id"])
    assert lou(planned, as_of=date(2025, 8, 31))["value"] == 50.0
    # On 2025-09-30 the last signed update is 92 days old: stale, no longer on track.
    assert lou(planned, as_of=date(2025, 9, 30))["value"] == 0.0
    # At the end of 2025 JPA-02 (ended 2025-12-31) is not yet past its end: nothing overdue.
    assert lou(planned, "LOU.OVERDUE")["value"] == 0


def test_a_returned_update_never_counts_and_needs_a_comment(planned):
    jp.post_update(planned, ACTIVITY, draft(), audience="unicef", user="a", seen_update_no=0)
    [posted] = current(planned)
    with pytest.raises(jp.PlanRefused, match="comment is required"):
        jp.return_update(planned, ACTIVITY, 1, audience="unhcr", user="r",
                         seen_batch=posted["batch_id"], comment=" ")
    jp.return_update(planned, ACTIVITY, 1, audience="unhcr", user="r",
                     seen_batch=posted["batch_id"], comment="Figures do not match the report")
    [returned] = current(planned)
    assert returned["state"] == "returned" and returned["waiting_for"] is None
    assert returned["comment"] == "Figures do not match the report"
    assert lou(planned)["status"] == "no_data"
    jp.post_update(planned, ACTIVITY, draft(progress=45.0), audience="unicef", user="a",
                   seen_update_no=1)
    assert [u["update_no"] for u in current(planned)] == [1, 2]


def test_rights_are_checked_in_the_data_path(planned):
    for audience in ("donor", "admin", "unhcr"):  # JPA-01 is led by UNICEF
        with pytest.raises(jp.NotAllowed):
            jp.post_update(planned, ACTIVITY, draft(), audience=audience, user="x",
                           seen_update_no=0)
    jp.post_update(planned, JOINT, draft(), audience="unhcr", user="r", seen_update_no=0)
    [posted] = current(planned, activity=JOINT)
    for audience in ("donor", "admin", "unhcr"):  # only UNICEF may sign what UNHCR posted
        with pytest.raises(jp.NotAllowed):
            jp.sign_off(planned, JOINT, 1, audience=audience, user="x",
                        seen_batch=posted["batch_id"])
    assert current(planned, activity=JOINT)[0]["state"] == "pending"


def test_donors_never_receive_an_internal_narrative(planned):
    jp.post_update(planned, ACTIVITY, draft(internal=True), audience="unicef", user="a",
                   seen_update_no=0)
    assert current(planned, "unicef")[0]["narrative"] == "Classes running"
    assert current(planned, "unhcr")[0]["narrative"] == "Classes running"
    assert current(planned, "donor")[0]["narrative"] is None
    with planned.connect() as conn:
        assert jp.history(conn, "donor", ACTIVITY).get_column("narrative").to_list() == [None]


def test_a_second_post_from_a_stale_form_is_a_conflict_and_writes_nothing(planned):
    jp.post_update(planned, ACTIVITY, draft(), audience="unicef", user="first",
                   seen_update_no=0)
    with pytest.raises(jp.Conflict, match="since you opened the form"):
        jp.post_update(planned, ACTIVITY, draft(progress=50.0), audience="unicef",
                       user="second", seen_update_no=0)
    assert [u["posted_by"] for u in current(planned)] == ["first"]


def test_a_sign_off_of_a_changed_update_is_a_conflict(planned):
    jp.post_update(planned, JOINT, draft(), audience="unicef", user="a", seen_update_no=0)
    [posted] = current(planned, activity=JOINT)
    jp.sign_off(planned, JOINT, 1, audience="unhcr", user="r1", seen_batch=posted["batch_id"])
    with pytest.raises(jp.Conflict, match="changed by someone else"):
        jp.return_update(planned, JOINT, 1, audience="unhcr", user="r2",
                         seen_batch=posted["batch_id"], comment="no")
    assert current(planned, activity=JOINT)[0]["unhcr_by"] == "r1"


def test_simultaneous_posts_one_wins_one_gets_a_conflict(planned):
    """Two focal points press 'post' at the same moment from forms opened on the same state."""
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def post(user: str) -> None:
        barrier.wait()
        try:
            jp.post_update(planned, JOINT, draft(), audience="unicef", user=user,
                           seen_update_no=0)
            outcomes.append("saved")
        except jp.Conflict:
            outcomes.append("conflict")

    threads = [threading.Thread(target=post, args=(u,)) for u in ("one", "two")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict", "saved"]
    assert len(current(planned, activity=JOINT)) == 1


def test_bad_drafts_are_refused_with_the_reason(planned):
    with pytest.raises(jp.PlanRefused, match="progress"):
        jp.post_update(planned, ACTIVITY, draft(progress=140.0), audience="unicef", user="a",
                       seen_update_no=0)
    with pytest.raises(jp.PlanRefused, match="before the activity starts"):
        jp.post_update(planned, ACTIVITY, draft(day=date(2016, 1, 1)), audience="unicef",
                       user="a", seen_update_no=0)
    with pytest.raises(jp.PlanRefused, match="no activity"):
        jp.post_update(planned, "JPA-99", draft(), audience="unicef", user="a", seen_update_no=0)
    assert current(planned) == []


def test_workplan_round_trip(planned, tmp_path):
    jp.post_update(planned, ACTIVITY, draft(narrative="=HYPERLINK(\"x\")"), audience="unicef",
                   user="a", seen_update_no=0)
    [posted] = current(planned)
    jp.sign_off(planned, ACTIVITY, 1, audience="unhcr", user="r", seen_batch=posted["batch_id"],
                on=date(2025, 7, 1))
    jp.post_update(planned, JOINT, draft(progress=10.0), audience="unhcr", user="r",
                   seen_update_no=0)
    with planned.connect() as conn:
        workbook = jp.export_workplan(conn)
        before = (jp.activities(conn).drop("batch_id"),
                  jp.updates(conn, "admin").drop("id", "batch_id", "superseded_by"))
    from data_access.engine import make_engine
    from data_access.warehouse import upgrade

    fresh = make_engine(f"sqlite:///{tmp_path / 'fresh.sqlite'}")
    upgrade(fresh)
    results = jp.import_workplan(fresh, workbook, user="data.manager", file_name="workplan.xlsx")
    assert [r.rows for r in results] == [2, 2]
    with fresh.connect() as conn:
        after = (jp.activities(conn).drop("batch_id"),
                 jp.updates(conn, "admin").drop("id", "batch_id", "superseded_by"))
    assert before[0].equals(after[0])
    assert before[1].equals(after[1])
    assert after[1].get_column("narrative")[0] == "=HYPERLINK(\"x\")"  # text, not a formula
    fresh.dispose()


def test_a_bad_workplan_writes_neither_sheet(engine, tmp_path):
    import xlsxwriter

    path = tmp_path / "bad.xlsx"
    with xlsxwriter.Workbook(str(path)) as workbook:
        activities = pl.read_csv(GOOD["joint_plan"].encode(), infer_schema=False)
        activities.write_excel(workbook, worksheet="activities")
        updates = pl.read_csv(GOOD["joint_plan_updates"].encode(), infer_schema=False)
        updates.with_columns(pl.lit("150").alias("progress")).write_excel(
            workbook, worksheet="updates")
    with pytest.raises(importer.ImportRefused, match=r"\[updates\]"):
        jp.import_workplan(engine, path, user="dm")
    assert importer.list_batches(engine).height == 0


def test_an_activity_corrected_by_a_new_workplan_keeps_its_versions(planned):
    corrected = GOOD["joint_plan"].replace("2026-06-30,EDU.GER_PRIMARY,70,95",
                                           "2026-12-31,EDU.GER_PRIMARY,70,97")
    importer.import_file(planned, "joint_plan", corrected.encode(), file_name="plan-v2.csv",
                         user="data.manager", replace=True)
    with planned.connect() as conn:
        versions = jp.activity_versions(conn, ACTIVITY)
        assert jp.activities(conn).filter(pl.col("activity_id") == ACTIVITY)["target"][0] == 97
    assert versions.get_column("changed").to_list() == ["created", "end, target"]
    assert versions.get_column("changed_by").to_list() == ["data.manager", "data.manager"]
    with planned.connect() as conn:
        assert jp.activity_versions(conn, "JPA-99").is_empty()


def test_a_withheld_narrative_is_not_even_in_the_serialised_frame(planned):
    """Nulling a value keeps its bytes in the Arrow buffer; a donor's frame must not carry them."""
    import io

    jp.post_update(planned, ACTIVITY, draft(internal=True, narrative="PARTNER-CAPACITY-ISSUE"),
                   audience="unicef", user="a", seen_update_no=0)
    for audience, present in (("donor", False), ("unhcr", True)):
        with planned.connect() as conn:
            for frame in (jp.updates(conn, audience), jp.history(conn, audience, ACTIVITY),
                          jp.status(conn, audience, date(2025, 12, 31))):
                buffer = io.BytesIO()
                frame.write_ipc(buffer)
                assert (b"PARTNER-CAPACITY-ISSUE" in buffer.getvalue()) is (
                    present and "narrative" in frame.columns), (audience, frame.columns)
