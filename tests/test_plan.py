"""The joint plan in the warehouse: posting, dual sign-off, returns, conflicts, rights, workplan."""

from __future__ import annotations

import threading
from datetime import date

import polars as pl
import pytest
from files import GOOD

import locales
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
    jp.sign_off(planned, ACTIVITY, 1, audience="unhcr", user="r", seen_batch=posted["batch_id"],
                on=date(2025, 7, 5))
    assert lou(planned, as_of=date(2025, 7, 4))["status"] == "no_data"  # not yet signed then
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


def test_a_refused_draft_is_told_in_the_language(planned):
    """The importer names the batch by the import log's English ("update 1 of JPA-01"); the
    refusal a person reads names it in the language."""
    with locales.using("ru"), pytest.raises(jp.PlanRefused) as refused:
        jp.post_update(planned, ACTIVITY, draft(progress=140.0), audience="unicef", user="a",
                       seen_update_no=0)
    message = str(refused.value)
    assert f"update 1 of {ACTIVITY}" not in message and "проблем" in message, message


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
        donor = jp.activity_versions(conn, ACTIVITY, "donor")
    assert donor.get_column("changed_by").to_list() == ["agency staff"] * 2


def test_donors_read_agencies_not_staff_names(planned):
    import io

    jp.post_update(planned, ACTIVITY, draft(), audience="unicef", user="aziza@unicef.org",
                   seen_update_no=0)
    with planned.connect() as conn:
        for frame in (jp.updates(conn, "donor"), jp.history(conn, "donor", ACTIVITY)):
            assert frame.get_column("posted_by").to_list() == ["UNICEF"] * frame.height
            buffer = io.BytesIO()
            frame.write_ipc(buffer)
            assert b"aziza" not in buffer.getvalue()  # not even behind a null
        assert jp.updates(conn, "unhcr").get_column("posted_by").to_list() == [
            "aziza@unicef.org"]


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


# ----------------------------------------------------------------------------- donors' texts
def _posted_texts(engine) -> dict[int, dict[str, str]]:
    """Four updates of JPA-01 (led by UNICEF), each with its own texts: 1 signed and shared,
    2 returned with a comment, 3 signed but internal, 4 pending (waiting for UNHCR)."""
    texts = {n: {"narrative": f"NARRATIVE-{n}-{kind}", "status_note": f"NOTE-{n}-{kind}"}
             for n, kind in ((1, "SIGNED"), (2, "RETURNED"), (3, "INTERNAL"), (4, "PENDING"))}
    for number, internal, then in ((1, False, "sign"), (2, False, "return"), (3, True, "sign"),
                                   (4, False, None)):
        jp.post_update(engine, ACTIVITY, draft(progress=10.0 * number, internal=internal,
                                               **texts[number]),
                       audience="unicef", user="aziza", seen_update_no=number - 1)
        batch = current(engine)[-1]["batch_id"]
        if then == "sign":
            jp.sign_off(engine, ACTIVITY, number, audience="unhcr", user="rustam",
                        seen_batch=batch)
        elif then == "return":
            jp.return_update(engine, ACTIVITY, number, audience="unhcr", user="rustam",
                             seen_batch=batch, comment="RETURN-COMMENT names a family")
    return texts


def _ipc(frame: pl.DataFrame) -> bytes:
    import io

    buffer = io.BytesIO()
    frame.write_ipc(buffer)
    return buffer.getvalue()


def test_donors_read_the_texts_of_signed_shared_updates_only(planned):
    texts = _posted_texts(planned)
    states = {u["update_no"]: u["state"] for u in current(planned)}
    assert states == {1: "signed", 2: "returned", 3: "signed", 4: "pending"}
    withheld = [texts[n][c] for n in (2, 3, 4) for c in ("narrative", "status_note")]
    withheld.append("RETURN-COMMENT")

    with planned.connect() as conn:
        donor = (jp.updates(conn, "donor", ACTIVITY), jp.history(conn, "donor", ACTIVITY))
        agencies = {audience: (jp.updates(conn, audience, ACTIVITY),
                               jp.history(conn, audience, ACTIVITY))
                    for audience in ("unhcr", "unicef", "admin")}
    for frame in donor:
        for row in frame.to_dicts():
            # history: update 1 was pending before it was signed, and hidden while pending
            readable = row["update_no"] == 1 and row["state"] == "signed"
            shown = texts[1] if readable else {"narrative": None, "status_note": None}
            assert (row["narrative"], row["status_note"]) == (
                shown["narrative"], shown["status_note"]), (row["update_no"], row["state"])
            assert row["comment"] is None
        sent = _ipc(frame)
        assert texts[1]["narrative"].encode() in sent  # the scan finds what a donor may read
        for text in withheld:
            assert text.encode() not in sent, text  # not even behind a null in a buffer
    for audience, frames in agencies.items():
        for frame in frames:
            sent = _ipc(frame)
            for text in withheld:
                assert text.encode() in sent, (audience, text)
        returned = frames[0].filter(pl.col("update_no") == 2).row(0, named=True)
        assert returned["comment"] == "RETURN-COMMENT names a family"
        assert returned["narrative"] == texts[2]["narrative"]


def test_the_audience_filter_needs_the_state(planned):
    with planned.connect() as conn:
        raw = jp._current_updates(conn, ACTIVITY)
    with pytest.raises(ValueError, match="_with_state"):
        jp._for_audience(raw, "donor")


# ----------------------------------------------------------------------------- linked indicator
def test_an_indicator_not_shared_with_the_audience_shows_no_value():
    view = jp.linked_indicator_view("ASY.TPR", 60.0, 80.0, 75.5, "unicef")
    assert view["shown"] is False and view["values"] == {}
    assert view["sentence"] == "This indicator is not shared with UNICEF counterparts."
    assert view["name"] == "Total protection rate"
    assert jp.indicator_figure("ASY.TPR", 75.5, "unicef") is None
    donor = jp.linked_indicator_view("ASY.TPR", 60.0, 80.0, 3.0, "donor")
    # a rate is not a count: 3 % is shown as it is
    assert donor["values"] == {"Baseline": "60 %", "Target": "80 %", "Latest actual": "3 %"}
    assert donor["sentence"] is None and donor["note"] is None


@pytest.mark.parametrize(("audience", "thresholds", "expected"), [
    ("donor", None, {"Baseline": "0", "Target": "<5", "Latest actual": "<5"}),
    ("unicef", None, {"Baseline": "0", "Target": "<5", "Latest actual": "<5"}),
    ("unhcr", None, {"Baseline": "0", "Target": "4", "Latest actual": "3"}),
    ("admin", None, {"Baseline": "0", "Target": "4", "Latest actual": "3"}),
    ("donor", {"donor": 3}, {"Baseline": "0", "Target": "4", "Latest actual": "3"}),
    ("donor", {"donor": None}, {"Baseline": "0", "Target": "4", "Latest actual": "3"}),
    ("unicef", {"unicef": 10}, {"Baseline": "0", "Target": "<10", "Latest actual": "<10"}),
])
def test_small_counts_of_a_linked_indicator_are_shown_as_below_the_threshold(
        audience, thresholds, expected):
    view = jp.linked_indicator_view("STA.RESOLVED", 0.0, 4.0, 3.0, audience, thresholds)
    assert view["shown"] and view["values"] == expected
    assert (view["note"] is not None) is any(v.startswith("<") for v in expected.values())


def test_linked_indicator_edge_cases():
    assert jp.linked_indicator_view(None, None, None, None, "donor")["sentence"] == (
        "This activity is not linked to a catalogue indicator.")
    large = jp.linked_indicator_view("STA.RESOLVED", 1200.0, 5000.0, None, "donor")
    assert large["values"] == {"Baseline": "1,200", "Target": "5,000", "Latest actual": "—"}
    # A code the catalogue does not know (the workplan does not check it): small counts hidden.
    unknown = jp.linked_indicator_view("XYZ.LOCAL", None, 2.0, 40.0, "donor")
    assert unknown["name"] == jp.NOT_IN_CATALOGUE
    assert unknown["values"] == {"Baseline": "—", "Target": "<5", "Latest actual": "40"}
