"""AppTest runs of the Joint Plan pages: every audience, the sign-off flow end to end, what a
donor never sees, and a concurrent edit.

Each test gets a migrated SQLite warehouse holding the plan of `files.GOOD["joint_plan"]`
(JPA-01 led by UNICEF, 2017-06-01 .. 2026-06-30; JPA-02 JOINT, 2018-01-01 .. 2025-12-31),
imported like a partner's file. Without other data the reporting year defaults to the current
one, so the pages read the plan today: both activities are past their end, hence overdue until a
signed update completes them.
"""

from __future__ import annotations

import struct
from datetime import date
from pathlib import Path
from urllib.parse import parse_qs

import pandas as pd
import polars as pl
import pytest
from files import GOOD
from streamlit.testing.v1 import AppTest

from data_access import importer, indicators
from data_access import plan as jp
from metrics.engine import Request
from metrics.periods import Period
from pages._plan_figures import as_of_for

APP = Path(__file__).resolve().parent.parent / "app.py"
AUDIENCES = ["unhcr", "unicef", "donor", "admin"]
PLAN_PAGE = "pages/joint_plan.py"
ACTIVITY_PAGE = "pages/activity.py"
PAGES = [PLAN_PAGE, ACTIVITY_PAGE]
UNICEF_LED = "JPA-01"
JOINT = "JPA-02"


@pytest.fixture(autouse=True)
def _fresh(fresh_caches):
    """Every test here starts and ends with empty Streamlit caches."""


@pytest.fixture
def empty(engine, sqlite_url, monkeypatch):
    monkeypatch.setenv("HAMKORI_WAREHOUSE_URL", sqlite_url)
    monkeypatch.setenv("HAMKORI_USER", "tester")
    return engine


@pytest.fixture
def planned(empty):
    importer.import_file(empty, "joint_plan", GOOD["joint_plan"].encode(), file_name="plan.csv",
                         user="data.manager")
    return empty


def open_page(page: str, audience: str, activity: str | None = None, **query) -> AppTest:
    """The app as `audience` sees it (audience in the URL), switched to `page`."""
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.query_params["audience"] = audience
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(page).run()
    assert not at.exception
    if activity is not None:
        at.selectbox(key="activity").set_value(activity).run()
        assert not at.exception
    return at


def everything(at: AppTest) -> bytes:
    """Every byte the page sends to the browser (texts, tables as Arrow, figures as JSON)."""
    nodes, out = [at._tree], []
    while nodes:
        node = nodes.pop()
        proto = getattr(node, "proto", None)
        if proto is not None:
            out.append(proto.SerializeToString())
        children = getattr(node, "children", None)
        if isinstance(children, dict):
            nodes.extend(children.values())
    return b"\n".join(out)


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def texts(elements) -> str:
    return "\n".join(str(e.value) for e in elements)


def current(engine, activity: str = UNICEF_LED, audience: str = "admin") -> list[dict]:
    with engine.connect() as connection:
        return jp.updates(connection, audience, activity).to_dicts()


def on_track_pct(engine) -> dict:
    request = Request(Period.parse(str(date.today().year)), "unhcr", compare=False)
    with engine.connect() as connection:
        return indicators.compute(connection, request, ["LOU.ON_TRACK_PCT"]).row(0, named=True)


def form_key(field: str, activity: str = UNICEF_LED) -> str:
    return f"plan.post.{activity}.{field}"


def sign_buttons(at: AppTest) -> list:
    return [b for b in at.button if b.label in ("Sign off", "Return")]


def draft(**extra) -> jp.UpdateDraft:
    return jp.UpdateDraft(**{"date": date.today(), "progress": 40.0, **extra})


# ----------------------------------------------------------------------------- every audience
@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("audience", AUDIENCES)
def test_pages_load_for_every_audience(planned, audience, page):
    jp.post_update(planned, JOINT, draft(narrative="Registration desks open"), audience="unhcr",
                   user="unhcr:rustam", seen_update_no=0)
    at = open_page(page, audience)
    assert [t.value for t in at.title] == [
        "Joint Plan of Action" if page == PLAN_PAGE else "Joint-plan activity"]
    assert not at.error
    assert metrics(at)


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("audience", AUDIENCES)
def test_an_empty_plan_is_a_sentence(empty, audience, page):
    at = open_page(page, audience)
    assert "No joint-plan activities yet — import the workplan" in texts(at.info)
    assert not at.metric and not at.get("plotly_chart")


def test_plan_page_shows_areas_timeline_actions_and_funds(planned):
    at = open_page(PLAN_PAGE, "unhcr")
    shown = metrics(at)
    assert (shown["Activities"], shown["Started"], shown["Overdue"]) == ("2", "2", "2")
    # No update signed off by both agencies yet: like LOU.ON_TRACK_PCT, not available.
    assert shown["Joint-plan activities on track"] == "—"
    assert on_track_pct(planned)["status"] == "no_data"
    areas, overdue, stale, funds = (frame.value for frame in at.dataframe)
    assert len(areas) == 9  # every area of the LOU, with or without activities
    assert areas.set_index("area_name").loc["Education", "activities"] == 1
    assert sorted(overdue["activity_id"]) == [UNICEF_LED, JOINT]
    assert sorted(stale["activity_id"]) == [UNICEF_LED, JOINT]
    assert funds.set_index("lead").loc["UNICEF", "budgeted_usd"] == 250_000
    assert len(at.get("plotly_chart")) == 3  # areas, timeline, funds
    assert "Waiting for UNHCR to sign** — 0 updates" in texts(at.markdown)
    assert len(at.get("download_button")) == 1


def test_a_past_year_is_read_on_its_last_day(planned):
    at = open_page(PLAN_PAGE, "admin", year="2024")
    assert "Status as of **2024-12-31** (the end of 2024)" in texts(at.caption)
    # Both activities ran through 2024 without a signed update: stale, not overdue.
    assert metrics(at)["Overdue"] == "0" and metrics(at)["Stale"] == "2"


@pytest.mark.parametrize("audience", ["unhcr", "unicef", "admin"])
def test_the_workplan_is_offered_to_the_agencies_and_the_data_manager(planned, audience):
    [button] = open_page(PLAN_PAGE, audience).get("download_button")
    assert "Download the workplan" in button.proto.label


def test_the_activity_is_chosen_in_the_url(planned):
    at = open_page(ACTIVITY_PAGE, "donor")
    selector = at.selectbox(key="activity")
    assert selector.proto.query_param_key == "activity"
    assert selector.options == [f"{UNICEF_LED} — Enrol refugee children in national schools",
                                f"{JOINT} — Birth registration drive"]
    selector.set_value(JOINT).run()
    assert metrics(at)["Baseline"] == "60 %"
    details = at.dataframe[0].value.set_index("Detail")["Value"]
    assert details["Lead"] == "Joint" and details["End"] == "2025-12-31"


@pytest.mark.parametrize("in_url", ["label", "bare id"])
def test_a_link_to_an_activity_opens_it(planned, in_url):
    """The Joint Plan page links each update waiting for the agency to its activity; the URL
    carries the selectbox's label (what the bound widget writes), a bare id works too."""
    jp.post_update(planned, JOINT, draft(), audience="unicef", user="unicef:aziza",
                   seen_update_no=0)
    [link] = open_page(PLAN_PAGE, "unhcr").get("page_link")
    assert link.value == f"Open {JOINT} to sign off or return"
    label = f"{JOINT} — Birth registration drive"
    assert parse_qs(link.proto.query_string) == {"activity": [label]}

    at = AppTest.from_file(str(APP), default_timeout=30)
    at.query_params["audience"] = "unhcr"
    at.run()
    at.switch_page(ACTIVITY_PAGE)
    at.query_params["activity"] = label if in_url == "label" else JOINT
    at.run()
    assert not at.exception and not at.warning
    assert at.selectbox(key="activity").value == JOINT
    assert [b.label for b in sign_buttons(at)] == ["Sign off", "Return"]


# ----------------------------------------------------------------------------- sign-off flow
def test_post_then_sign_off_changes_status_and_the_lou_indicator(planned):
    assert on_track_pct(planned)["status"] == "no_data"

    # UNICEF, the lead, posts through the form.
    unicef = open_page(ACTIVITY_PAGE, "unicef", activity=UNICEF_LED)
    assert metrics(unicef)["Status"] == "Overdue"
    assert metrics(unicef)["Latest actual"] == "—"
    unicef.number_input(key=form_key("progress")).set_value(100.0)
    unicef.number_input(key=form_key("actual")).set_value(88.0)
    unicef.number_input(key=form_key("mobilised")).set_value(120_000.0)
    unicef.text_area(key=form_key("narrative")).input("All refugee children enrolled")
    unicef.button(key=form_key("submit")).click().run()
    assert not unicef.exception
    assert "Update 1 of JPA-01 posted" in texts(unicef.success)
    assert not unicef.warning and not unicef.error
    assert unicef.text_area(key=form_key("narrative")).value == ""  # the form is cleared
    assert metrics(unicef)["Status"] == "Overdue"  # pending: does not count yet
    assert not sign_buttons(unicef)  # UNICEF signed by posting; UNHCR signs now
    [posted] = current(planned)
    assert (posted["state"], posted["waiting_for"]) == ("pending", "UNHCR")
    assert posted["posted_by"] == "unicef:tester"

    # UNHCR sees it waiting on the Joint Plan page, then signs it on the activity page.
    overview = open_page(PLAN_PAGE, "unhcr")
    assert [line for line in texts(overview.markdown).splitlines()
            if "Waiting for UNHCR" in line] == ["**Waiting for UNHCR to sign** — 1 update"]
    unhcr = open_page(ACTIVITY_PAGE, "unhcr", activity=UNICEF_LED)
    assert "Post update" not in [b.label for b in unhcr.button]  # UNICEF leads JPA-01
    history = unhcr.dataframe[-1].value
    assert history["state"].tolist() == ["pending"]
    next(b for b in unhcr.button if b.label == "Sign off").click().run()
    assert not unhcr.exception
    assert "Update 1 of JPA-01 signed off for UNHCR" in texts(unhcr.success)
    shown = metrics(unhcr)
    assert (shown["Status"], shown["Signed progress"]) == ("Completed", "100 %")
    assert shown["Latest actual"] == "88 %"
    assert not sign_buttons(unhcr)
    history = unhcr.dataframe[-1].value
    assert history["state"].tolist() == ["signed", "pending"]  # both versions, newest first
    assert history["version"].tolist() == ["current", "superseded"]
    assert history["changed_by"].tolist() == ["unhcr:tester", "unicef:tester"]

    value = on_track_pct(planned)
    assert value["status"] == "ok"
    assert value["value"] == 50.0  # JPA-01 completed, JPA-02 overdue

    overview = open_page(PLAN_PAGE, "donor")
    assert metrics(overview)["Overdue"] == "1"
    funds = overview.dataframe[-1].value.set_index("lead")
    assert funds.loc["UNICEF", "mobilised_usd"] == 120_000


def test_a_return_needs_a_comment(planned):
    jp.post_update(planned, UNICEF_LED, draft(), audience="unicef", user="unicef:aziza",
                   seen_update_no=0)
    unhcr = open_page(ACTIVITY_PAGE, "unhcr", activity=UNICEF_LED)
    next(b for b in unhcr.button if b.label == "Return").click().run()
    assert "comment is required" in texts(unhcr.error)
    assert current(planned)[0]["state"] == "pending"
    unhcr.text_area(key=f"plan.return.{UNICEF_LED}.1.comment").input("Figures differ")
    next(b for b in unhcr.button if b.label == "Return").click().run()
    assert "returned by UNHCR" in texts(unhcr.success)
    [returned] = current(planned)
    assert (returned["state"], returned["comment"]) == ("returned", "Figures differ")
    assert unhcr.dataframe[-1].value["comment"].tolist()[0] == "Figures differ"


def test_a_stale_sign_off_is_a_warning(planned):
    jp.post_update(planned, UNICEF_LED, draft(), audience="unicef", user="unicef:aziza",
                   seen_update_no=0)
    unhcr = open_page(ACTIVITY_PAGE, "unhcr", activity=UNICEF_LED)
    [posted] = current(planned)
    jp.sign_off(planned, UNICEF_LED, 1, audience="unhcr", user="unhcr:colleague",
                seen_batch=posted["batch_id"])  # a colleague signed meanwhile
    next(b for b in unhcr.button if b.label == "Sign off").click().run()
    assert not unhcr.exception
    assert "was changed by someone else" in texts(unhcr.warning)
    assert [v["unhcr_by"] for v in current(planned)] == ["unhcr:colleague"]


# ----------------------------------------------------------------------------- donors
SECRET = "Internal: teacher strike in Rudaki"
SHARED = "Catch-up classes started in Vahdat"
RETURNED = "Returned text names the Karimov family in Vahdat"
RETURN_COMMENT = "Narrative names a family; please remove identifying details"
PENDING_NOTE = "Pending note: figures not yet agreed"


@pytest.mark.parametrize("page", PAGES)
def test_a_donor_never_sees_an_internal_narrative_nor_a_form(planned, page):
    jp.post_update(planned, UNICEF_LED, draft(narrative=SHARED), audience="unicef",
                   user="unicef:aziza", seen_update_no=0)
    jp.sign_off(planned, UNICEF_LED, 1, audience="unhcr", user="unhcr:rustam",
                seen_batch=current(planned)[0]["batch_id"])  # signed and shared: donors read it
    jp.post_update(planned, UNICEF_LED, draft(narrative=SECRET, internal=True),
                   audience="unicef", user="unicef:aziza", seen_update_no=1)
    [_, internal] = current(planned)
    jp.sign_off(planned, UNICEF_LED, 2, audience="unhcr", user="unhcr:rustam",
                seen_batch=internal["batch_id"])
    # a shared update returned with a comment, then a shared one still pending
    jp.post_update(planned, UNICEF_LED, draft(narrative=RETURNED), audience="unicef",
                   user="unicef:aziza", seen_update_no=2)
    jp.return_update(planned, UNICEF_LED, 3, audience="unhcr", user="unhcr:rustam",
                     seen_batch=current(planned)[-1]["batch_id"], comment=RETURN_COMMENT)
    jp.post_update(planned, UNICEF_LED, draft(narrative=RETURNED, status_note=PENDING_NOTE),
                   audience="unicef", user="unicef:aziza", seen_update_no=3)
    jp.post_update(planned, JOINT, draft(narrative=SECRET, internal=True), audience="unhcr",
                   user="unhcr:rustam", seen_update_no=0)  # pending, waiting for UNICEF
    never = [SECRET, RETURNED, RETURN_COMMENT, PENDING_NOTE]

    donor = open_page(page, "donor", activity=UNICEF_LED if page == ACTIVITY_PAGE else None)
    sent = everything(donor)
    for text in never:
        assert text.encode() not in sent, text
    assert not donor.text_area and not donor.number_input and not sign_buttons(donor)
    assert not donor.get("download_button")
    if page == ACTIVITY_PAGE:
        assert SHARED.encode() in sent  # the scan does find narratives a donor may read
        assert "read-only" in texts(donor.info)
        history = donor.dataframe[-1].value
        assert "visibility" not in history.columns
        assert set(history["state"]) == {"signed", "returned", "pending"}  # rows, not texts
        for activity in (JOINT, UNICEF_LED):
            donor.selectbox(key="activity").set_value(activity).run()
            for text in never:
                assert text.encode() not in everything(donor), (activity, text)

    unicef = open_page(ACTIVITY_PAGE, "unicef", activity=UNICEF_LED)
    history = unicef.dataframe[-1].value
    marked = history[history["narrative"] == SECRET]
    assert set(marked["visibility"]) == {"internal"}  # agencies see it, marked internal
    assert RETURN_COMMENT in history["comment"].tolist()  # and the return comment
    assert RETURNED.encode() in everything(unicef)


def test_the_data_manager_reads_but_does_not_act(planned):
    jp.post_update(planned, UNICEF_LED, draft(), audience="unicef", user="unicef:aziza",
                   seen_update_no=0)
    admin = open_page(ACTIVITY_PAGE, "admin", activity=UNICEF_LED)
    assert not admin.text_area and not sign_buttons(admin)
    assert "Data managers see this page read-only" in texts(admin.info)
    assert {"Waiting for UNHCR", "Waiting for UNICEF"} <= set(
        metrics(open_page(PLAN_PAGE, "admin")))


# ----------------------------------------------------------------------------- concurrency
def test_a_concurrent_update_is_a_conflict_and_keeps_what_was_typed(planned):
    unicef = open_page(ACTIVITY_PAGE, "unicef", activity=UNICEF_LED)
    typed = "Enrolment campaign reached 12 schools"
    unicef.number_input(key=form_key("progress")).set_value(60.0)
    unicef.text_area(key=form_key("narrative")).input(typed)

    # A colleague posts update 1 while the form is open.
    jp.post_update(planned, UNICEF_LED, draft(narrative="Colleague's update"),
                   audience="unicef", user="unicef:colleague", seen_update_no=0)

    unicef.button(key=form_key("submit")).click().run()
    assert not unicef.exception
    assert "received update 1 since you opened the form" in texts(unicef.warning)
    assert not unicef.success
    assert [u["posted_by"] for u in current(planned)] == ["unicef:colleague"]  # nothing written
    assert unicef.text_area(key=form_key("narrative")).value == typed
    assert unicef.number_input(key=form_key("progress")).value == 60.0

    # Reloading reads the colleague's update; what was typed is still there and can be posted.
    unicef.button(key=f"plan.reload.{UNICEF_LED}").click().run()
    assert not unicef.warning
    assert unicef.text_area(key=form_key("narrative")).value == typed
    unicef.button(key=form_key("submit")).click().run()
    assert "Update 2 of JPA-01 posted" in texts(unicef.success)
    updates = pl.DataFrame(current(planned))
    assert updates["narrative"].to_list() == ["Colleague's update", typed]



def test_the_activity_page_lists_corrections_of_the_activity_itself(planned):
    corrected = GOOD["joint_plan"].replace("2026-06-30,EDU.GER_PRIMARY,70,95",
                                           "2026-12-31,EDU.GER_PRIMARY,70,97")
    importer.import_file(planned, "joint_plan", corrected.encode(), file_name="plan-v2.csv",
                         user="data.manager", replace=True)
    at = open_page(ACTIVITY_PAGE, "unicef", activity=UNICEF_LED)
    [expander] = [e for e in at.expander if e.label.startswith("Changes to the activity")]
    table = expander.dataframe[0].value
    assert table["changed"].tolist() == ["end, target", "created"]  # newest first
    assert set(table["changed_by"]) == {"data.manager"}


# ----------------------------------------------------------------------------- linked indicator
#: Extra activities of the tests below, imported like a second workplan file: JPA-03 is linked to
#: ASY.TPR (not shared with UNICEF), JPA-04 to STA.RESOLVED (a count of people).
LINKED = """activity_id,area,title,lead,partners,start,end,indicator,baseline,target,budget_usd,undaf_outcome,sdg_target
JPA-03,advocacy,Advocate fair asylum procedures,UNHCR,,2019-01-01,2027-12-31,ASY.TPR,61.25,92.75,,,
JPA-04,birth_registration_nationality,Resolve statelessness cases,JOINT,,2019-01-01,2027-12-31,STA.RESOLVED,0,40,,,
"""
ASYLUM, STATELESSNESS = "JPA-03", "JPA-04"


@pytest.fixture
def linked(planned):
    importer.import_file(planned, "joint_plan", LINKED.encode(), file_name="linked.csv",
                         user="data.manager")
    return planned


def post_and_sign(engine, activity: str, update: jp.UpdateDraft, *, sign: bool = True) -> None:
    """UNHCR posts update n+1 of `activity`; UNICEF signs it (unless `sign` is False)."""
    number = jp.latest_update_no(engine.connect(), activity) + 1
    jp.post_update(engine, activity, update, audience="unhcr", user="unhcr:rustam",
                   seen_update_no=number - 1)
    if sign:
        batch = current(engine, activity)[-1]["batch_id"]
        jp.sign_off(engine, activity, number, audience="unicef", user="unicef:aziza",
                    seen_batch=batch, on=update.date)  # signed the day it was posted


def double(value: float) -> bytes:
    """How a float travels in an Arrow table."""
    return struct.pack("<d", value)


def test_an_indicator_not_shared_with_unicef_shows_no_value_to_unicef(linked):
    post_and_sign(linked, ASYLUM, draft(indicator_actual=87.5))
    post_and_sign(linked, ASYLUM, draft(indicator_actual=77.25), sign=False)  # waits for UNICEF

    unicef = open_page(ACTIVITY_PAGE, "unicef", activity=ASYLUM)
    shown = metrics(unicef)
    assert not {"Baseline", "Target", "Latest actual"} & set(shown)
    assert "This indicator is not shared with UNICEF counterparts." in texts(unicef.caption)
    assert "Total protection rate" in texts(unicef.markdown)
    assert "indicator_actual" not in unicef.dataframe[-1].value.columns  # history
    card = texts(unicef.text)  # UNICEF still signs the progress of the update
    assert "Indicator actual: not shared" in card
    assert [b.label for b in sign_buttons(unicef)] == ["Sign off", "Return"]
    sent = everything(unicef)
    for value in (61.25, 92.75, 87.5, 77.25):
        assert str(value).encode() not in sent and double(value) not in sent, value

    unhcr = open_page(ACTIVITY_PAGE, "unhcr", activity=ASYLUM)
    shown = metrics(unhcr)
    assert (shown["Baseline"], shown["Target"], shown["Latest actual"]) == (
        "61.2 %", "92.8 %", "87.5 %")
    assert unhcr.dataframe[-1].value["indicator_actual"].tolist() == ["77.2 %", "87.5 %",
                                                                      "87.5 %"]


@pytest.mark.parametrize(("audience", "actual"), [("donor", "<5"), ("unicef", "<5"),
                                                  ("unhcr", "3"), ("admin", "3")])
def test_a_small_count_of_a_linked_indicator_is_shown_as_below_the_threshold(
        linked, audience, actual):
    post_and_sign(linked, STATELESSNESS, draft(indicator_actual=3.0))
    at = open_page(ACTIVITY_PAGE, audience, activity=STATELESSNESS)
    shown = metrics(at)
    assert (shown["Baseline"], shown["Target"], shown["Latest actual"]) == ("0", "40", actual)
    assert at.dataframe[-1].value["indicator_actual"].tolist() == [actual, actual]  # history
    if actual.startswith("<"):
        assert "shown as <5" in texts(at.caption)
        assert double(3.0) not in everything(at)


# ----------------------------------------------------------------------------- on-track share
def plan_page_value(year: int, audience: str = "unhcr") -> tuple[str, str]:
    at = open_page(PLAN_PAGE, audience, year=str(year))
    [tile] = [m for m in at.metric if m.label == "Joint-plan activities on track"]
    return tile.value, tile.proto.help


def engine_value(engine, year: int, audience: str = "unhcr") -> dict:
    request = Request(Period.parse(str(year)), audience,
                      as_of=as_of_for(year, date.today()), compare=False)
    with engine.connect() as connection:
        return indicators.compute(connection, request, ["LOU.ON_TRACK_PCT"]).row(0, named=True)


@pytest.mark.parametrize("audience", ["unhcr", "donor"])
def test_the_on_track_tile_is_the_catalogue_indicator(planned, audience):
    """Started is not due: JPA-05, completed in 2024, no longer counts in 2025."""
    importer.import_file(planned, "joint_plan", LINKED.replace(
        "JPA-03,advocacy,Advocate fair asylum procedures,UNHCR,,2019-01-01,2027-12-31,ASY.TPR,"
        "61.25,92.75,,,", "JPA-05,advocacy,Finished campaign,UNHCR,,2019-01-01,2027-12-31,,,,,,"
    ).encode(), file_name="more.csv", user="data.manager")
    # At 2025-12-31: JPA-01 (2017-06-01 .. 2026-06-30) is expected at 94.5 %; 90 % signed on
    # 2025-10-31 is on track. JPA-02 (.. 2025-12-31) at 50 % is off track. JPA-04 never signed:
    # stale. JPA-05 completed on 2024-03-01: not due. On track or completed 1 of 3 due = 33.3 %
    # (of the 4 started it would have been 2 of 4).
    jp.post_update(planned, UNICEF_LED, draft(date=date(2025, 10, 31), progress=90.0),
                   audience="unicef", user="unicef:aziza", seen_update_no=0)
    jp.sign_off(planned, UNICEF_LED, 1, audience="unhcr", user="unhcr:rustam",
                seen_batch=current(planned)[-1]["batch_id"], on=date(2025, 11, 5))
    post_and_sign(planned, JOINT, draft(date=date(2025, 11, 30), progress=50.0))
    post_and_sign(planned, "JPA-05", draft(date=date(2024, 3, 1), progress=100.0))

    value, help_text = plan_page_value(2025, audience)
    engine = engine_value(planned, 2025, audience)
    assert engine["status"] == "ok"
    assert value == engine["display"] == "33.3 %"
    assert "1 of the 3 activities due in 2025" in help_text
    assert help_text.startswith("Activities on track or completed, as a share of the activities due")
    at = open_page(PLAN_PAGE, audience, year="2025")
    assert metrics(at)["Started"] == "4"
    areas = at.dataframe[0].value.set_index("area")
    # JPA-05, the only advocacy activity, is not due: no share (not 0 %)
    assert areas.loc["advocacy", "due"] == 0 and pd.isna(areas.loc["advocacy", "on_track_pct"])
    assert (areas.loc["education", "due"], areas.loc["education", "on_track_pct"]) == (1, 100.0)


def test_the_on_track_tile_matches_the_engine_on_the_demo(empty):
    from data_access.demo import load_demo

    load_demo(empty)
    for year in (2024, 2025):
        value, _ = plan_page_value(year)
        engine = engine_value(empty, year)
        assert engine["status"] == "ok"
        assert value == engine["display"], year
