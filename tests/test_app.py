"""AppTest runs of the whole app: every audience against an empty, a filled and a broken warehouse.

Rows are inserted by hand with SQLAlchemy Core; every number asserted is computed from them.
"""

from __future__ import annotations

import ast
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import insert
from streamlit.source_util import page_icon_and_name
from streamlit.testing.v1 import AppTest

from data_access import analytics, cache, schema
from data_access.warehouse import bump_data_version

APP = Path(__file__).resolve().parent.parent / "app.py"
AUDIENCES = ["unhcr", "unicef", "donor", "admin"]
SUPPRESSING = {"unicef", "donor"}

# Tile labels: the catalogue names of the Home page's indicators.
POC, REF, ASY = "Persons of concern", "Refugees", "Asylum-seekers"
STA_ID = "Persons at risk of statelessness identified (cumulative)"
STA_RES = "Statelessness resolved (cumulative)"
RETURNS = "Voluntary repatriation"
RST = "Resettlement submissions (persons)"
ACTIVITIES = "Joint-plan activities active in the period"


@pytest.fixture(autouse=True)
def _fresh(fresh_caches):
    """Every test here starts and ends with empty Streamlit caches."""


def add_batch(conn, dataset: str, imported: date) -> int:
    return conn.execute(
        insert(schema.import_batch).values(
            dataset=dataset, file_name=f"{dataset}.csv", sha256="0" * 64, rows=0,
            replaced_rows=0, user_name="test",
            imported_at=datetime(imported.year, imported.month, imported.day, tzinfo=UTC),
            status="active",
        )
    ).inserted_primary_key[0]


def add_rows(conn, dataset: str, batch_id: int, rows: list[dict], superseded_by=None) -> None:
    conn.execute(insert(schema.table_for(dataset)),
                 [{"batch_id": batch_id, "superseded_by": superseded_by, **r} for r in rows])


def pop(d, type_, region, persons, origin="AFG"):
    return {"date": d, "population_type": type_, "origin": origin, "region": region,
            "district": None, "sex": "F", "age_group": "18-59", "persons": persons}


def fill(engine) -> None:
    """2023 and 2024 data; 2024 (the latest year, so the default) has a small resolved count."""
    with engine.begin() as conn:
        b = add_batch(conn, "population", date(2025, 1, 15))
        add_rows(conn, "population", b, [
            pop(date(2023, 12, 31), "REF", "TJ-DU", 100),
            pop(date(2024, 12, 31), "REF", "TJ-RA", 5000),
            pop(date(2024, 12, 31), "REF", "TJ-DU", 3600),
            pop(date(2024, 12, 31), "ASY", "TJ-DU", 3200),
            pop(date(2024, 12, 31), "STA", "TJ-SU", 3, origin="STA"),
            pop(date(2024, 12, 31), "HST", "TJ-DU", 50000, origin="TJK"),
        ])
        add_rows(conn, "population", b, [pop(date(2024, 12, 31), "REF", "TJ-KT", 999_999)],
                 superseded_by=b)

        b = add_batch(conn, "statelessness", date(2025, 1, 20))
        add_rows(conn, "statelessness", b, [
            {"case_id": f"S{i}", "region": "TJ-SU", "district": "Khujand", "sex": "F",
             "age_group": "18-59", "identified": date(2024, 2, i + 1),
             "status": "acquired" if i < 2 else "in_progress",
             "resolved": date(2024, 9, 1) if i < 2 else None}
            for i in range(6)
        ])

        b = add_batch(conn, "solutions", date(2025, 1, 10))
        add_rows(conn, "solutions", b, [
            {"month": date(2024, 5, 1), "solution": "voluntary_return", "origin": "AFG",
             "destination": "AFG", "region": "TJ-DU", "sex": "M", "age_group": "18-59",
             "persons": 250},
        ])

        b = add_batch(conn, "resettlement", date(2025, 1, 10))
        add_rows(conn, "resettlement", b, [
            {"case_id": "R1", "persons": 40, "origin": "AFG", "destination": "CAN",
             "category": "LPN", "priority": "normal", "submitted": date(2024, 3, 1),
             "decision": "pending"},
        ])

        b = add_batch(conn, "joint_plan", date(2024, 1, 5))
        add_rows(conn, "joint_plan", b, [
            {"activity_id": f"A{i}", "area": "education", "title": f"Activity {i}",
             "lead": "JOINT", "start": date(2023, 1, 1), "end": date(2025, 12, 31)}
            for i in range(4)
        ])
        changed(conn)


def changed(conn) -> None:
    """What an import does after writing rows: rebuild the analytics, bump the data version."""
    analytics.rebuild_all(conn)
    bump_data_version(conn)


def run_app(audience: str | None = None, **query) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=30)
    if audience:
        at.query_params["audience"] = audience
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def texts(elements) -> str:
    return "\n".join(e.value for e in elements)


@pytest.fixture
def filled(engine, sqlite_url, monkeypatch):
    fill(engine)
    monkeypatch.setenv("HAMKORI_WAREHOUSE_URL", sqlite_url)
    return engine


@pytest.fixture
def empty(engine, sqlite_url, monkeypatch):
    monkeypatch.setenv("HAMKORI_WAREHOUSE_URL", sqlite_url)
    return engine


@pytest.mark.parametrize("audience", AUDIENCES)
def test_headline_numbers(filled, audience):
    at = run_app(audience)
    assert not at.exception
    assert at.session_state["audience"] == audience
    small = "<5" if audience in SUPPRESSING else "2"
    expected = {
        POC: "11,803",  # 5000 + 3600 + 3200 + 3; host community and superseded row excluded
        REF: "8,600",
        ASY: "3,200",
        STA_ID: "6",
        STA_RES: small,
        RETURNS: "250",
        RST: "40",
        ACTIVITIES: "4",  # activities are not people: never suppressed
    }
    if audience == "unicef":  # DOMAIN §1: no asylum, return or resettlement figures
        del expected[RETURNS], expected[RST]
    shown = metrics(at)
    assert {label: shown.get(label) for label in expected} == expected
    assert shown["Children among persons of concern"] == "0.0 %"  # adults only, a real 0
    for missing in ("Gross enrolment, primary", "Out-of-school children", "Funding received",
                    "Children under 5 with a registered birth"):
        assert shown[missing] == "—"  # no such data: not 0
    assert ("New asylum applications" in shown) == (audience != "unicef")
    captions = texts(at.caption)
    assert "Source: Population (stock at a date), data as of 2024-12-31" in captions
    assert "Source: Statelessness cases, data as of 2024-09-01" in captions  # last event
    assert ("Source: Durable solutions (flow per month), data as of 2024-05-31" in captions) == (
        audience != "unicef")
    assert ("Source: Resettlement cases, data as of 2024-03-01" in captions) == (
        audience != "unicef")
    assert "Source: Joint Plan of Action activities, data as of 2024-12-31" in captions
    help_texts = {m.label: m.proto.help for m in at.metric}
    assert help_texts[REF].startswith("Refugees (population type REF)")
    assert not at.error
    assert [s.value for s in at.selectbox] == [2024, "all", "en", audience]


@pytest.mark.parametrize("audience", AUDIENCES)
def test_empty_warehouse_says_so(empty, audience):
    at = run_app(audience)
    assert not at.exception
    assert not at.error
    year = date.today().year
    assert (f"No data for {year} yet — import a file on the data page or with "
            "`hamkori import`.") in texts(at.info)
    assert "0" not in metrics(at).values()
    assert not at.metric


def _missing(tmp_path, monkeypatch):
    monkeypatch.setenv("HAMKORI_WAREHOUSE_URL", f"sqlite:///{tmp_path / 'nowhere' / 'w.sqlite'}")
    return "There is no warehouse at"


def _not_initialised(tmp_path, monkeypatch):
    (tmp_path / "blank.sqlite").touch()  # an empty file is an empty SQLite database
    monkeypatch.setenv("HAMKORI_WAREHOUSE_URL", f"sqlite:///{tmp_path / 'blank.sqlite'}")
    return "is not initialised"


def _corrupt(tmp_path, monkeypatch):
    (tmp_path / "corrupt.sqlite").write_bytes(b"this is not a database" * 200)
    monkeypatch.setenv("HAMKORI_WAREHOUSE_URL", f"sqlite:///{tmp_path / 'corrupt.sqlite'}")
    return "cannot be read"


def _bad_url(tmp_path, monkeypatch):
    monkeypatch.setenv("HAMKORI_WAREHOUSE_URL", "no database here")
    return "is not a database address"


def _unknown_driver(tmp_path, monkeypatch):
    monkeypatch.setenv("HAMKORI_WAREHOUSE_URL", "nosuchdb://somewhere/hamkori")
    return "is not a database address"


def _bad_port(tmp_path, monkeypatch):
    monkeypatch.setenv("HAMKORI_WAREHOUSE_URL", "postgresql+psycopg://u:S3cretPW@127.0.0.1:badport/db")
    return "is not a database address"


BROKEN = [_missing, _not_initialised, _corrupt, _bad_url, _unknown_driver, _bad_port]


@pytest.mark.parametrize("audience", AUDIENCES)
@pytest.mark.parametrize("breakage", BROKEN, ids=lambda f: f.__name__.strip("_"))
def test_broken_warehouse_is_explained(tmp_path, monkeypatch, audience, breakage):
    expected = breakage(tmp_path, monkeypatch)
    at = run_app(audience)
    assert not at.exception
    assert len(at.error) == 1
    assert expected in at.error[0].value
    hint = texts(at.info)
    assert "hamkori init --demo" in hint or "HAMKORI_WAREHOUSE_URL" in hint
    assert not at.metric
    # The audience switch still works, so the page is not a dead end.
    assert at.session_state["audience"] == audience


def test_missing_warehouse_is_not_created(tmp_path, monkeypatch):
    _missing(tmp_path, monkeypatch)
    run_app()
    assert not (tmp_path / "nowhere").exists()


def test_password_is_not_shown(monkeypatch):
    monkeypatch.setenv("HAMKORI_WAREHOUSE_URL",
                       "postgresql+psycopg://hamkori:s3cret@127.0.0.1:1/hamkori?connect_timeout=2")
    at = run_app("admin")
    assert not at.exception
    assert "cannot be read" in at.error[0].value
    assert "s3cret" not in at.error[0].value
    assert "***" in at.error[0].value


def test_filters_come_from_the_url(filled):
    at = run_app("unhcr", year="2023", region="Dushanbe")
    assert not at.exception
    assert [s.value for s in at.selectbox] == [2023, "TJ-DU", "en", "unhcr"]
    shown = metrics(at)
    assert shown[REF] == "100"
    assert shown[ASY] == "0"  # the 2023 snapshot exists: a real zero
    assert shown[STA_ID] == "—"  # no statelessness cases in Dushanbe: missing, not 0
    assert shown[RETURNS] == "—"
    assert ("No asylum, voluntary return, resettlement, education, statelessness, birth "
            "registration, joint-plan or funding data for 2023 in Dushanbe yet") in texts(at.info)


def test_region_without_breakdown_is_marked_national(filled):
    at = run_app("unhcr", region="Sughd")
    assert metrics(at)[RST] == "40"
    assert ("Source: Resettlement cases, data as of 2024-03-01. National figure (no regional "
            "breakdown).") in texts(at.caption)
    assert metrics(at)[POC] == "3"


def test_small_regional_counts_are_suppressed_for_donors(filled):
    at = run_app("donor", region="Sughd")
    assert metrics(at)[POC] == "<5"
    assert metrics(at)[REF] == "0"


def test_widgets_are_kept_in_the_url(filled):
    """The year is bound to the URL (the browser writes it; AppTest has no browser); the region
    and the audience are written as codes by the app itself (their shown names change with the
    language). A URL with the values reproduces the view the widgets produced."""
    at = run_app()
    assert at.session_state["audience"] == "donor"  # no sign-in yet: the restricted default
    assert metrics(at)[STA_RES] == "<5"
    assert at.selectbox(key="year").proto.query_param_key == "year"
    at.selectbox(key="audience").set_value("admin")
    at.selectbox(key="year").set_value(2023)
    at.selectbox(key="region").set_value("TJ-DU")
    at.run()
    assert not at.exception
    assert (at.query_params["region"], at.query_params["audience"]) == ("TJ-DU", "admin")
    assert metrics(at)[REF] == "100"
    shared = run_app("admin", year="2023", region="TJ-DU")  # the URL the browser shows
    assert metrics(shared) == metrics(at)
    assert metrics(run_app("admin", year="2023", region="Dushanbe")) == metrics(at)  # old links


def test_invalid_url_values_fall_back_to_defaults(filled):
    at = run_app("superuser", year="1999", region="Atlantis")
    assert not at.exception
    assert [s.value for s in at.selectbox] == [2024, "all", "en", "donor"]


def test_new_import_shows_after_data_version_changes(filled):
    at = run_app("unhcr")
    assert metrics(at)[RETURNS] == "250"
    with filled.begin() as conn:
        b = add_batch(conn, "solutions", date(2025, 2, 1))
        add_rows(conn, "solutions", b, [
            {"month": date(2024, 6, 1), "solution": "voluntary_return", "origin": "AFG",
             "destination": "AFG", "region": "TJ-RA", "sex": "F", "age_group": "5-11",
             "persons": 30},
        ])
        changed(conn)
    at.run()
    assert metrics(at)[RETURNS] == "250"  # the data version is re-read every few seconds
    cache._data_version.clear()  # what the TTL does
    at.run()
    assert metrics(at)[RETURNS] == "280"


def test_every_page_has_a_url_path_streamlit_cannot_guess():
    """See the comment on PAGES in app.py: otherwise reruns can skip the router."""
    pages = [
        node for node in ast.walk(ast.parse(APP.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
        and node.func.attr == "Page"
        and isinstance(node.args[0], ast.Constant)  # file pages; callables (gate, refusals) aside
    ]
    assert pages
    for call in pages:
        script = APP.parent / call.args[0].value
        url_path = next((k.value.value for k in call.keywords if k.arg == "url_path"), None)
        assert script.is_file(), script
        assert url_path, f"{script.name}: st.Page needs a url_path"
        assert url_path != page_icon_and_name(script)[1], f"{script.name}: url_path is guessable"


def test_reruns_keep_the_router(filled):
    at = run_app("unhcr")
    for _ in range(2):
        at.run()
        assert [s.key for s in at.sidebar.selectbox] == ["year", "region", "lang", "audience"]
        assert metrics(at)[REF] == "8,600"
    at.selectbox(key="year").set_value(2023).run()
    for _ in range(2):
        at.switch_page("pages/home.py").run()
        assert not at.exception
        assert at.selectbox(key="year").value == 2023  # filters survive a page change
        assert at.selectbox(key="audience").value == "unhcr"
        assert metrics(at)[REF] == "100"
