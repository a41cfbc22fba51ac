"""Cached indicator values: keyed by data version, audience and filters; nothing recomputed otherwise."""

from __future__ import annotations

import pytest
import streamlit as st
from files import GOOD

from data_access import cache, importer, indicators
from metrics.periods import Period


@pytest.fixture
def warehouse(engine, sqlite_url, monkeypatch):
    monkeypatch.setenv("HAMKORI_WAREHOUSE_URL", sqlite_url)
    st.cache_data.clear()
    st.cache_resource.clear()
    importer.import_file(engine, "population", GOOD["population"].encode(),
                         file_name="population.csv", user="tester")
    computed = []
    real = indicators.compute

    def counting(connection, request, codes=None, *args, **kwargs):
        computed.append((request.audience, dict(request.filters), codes))
        return real(connection, request, codes, *args, **kwargs)

    monkeypatch.setattr(indicators, "compute", counting)
    yield engine, computed
    st.cache_data.clear()
    st.cache_resource.clear()


def poc(frame) -> float | None:
    return frame.filter(frame["indicator"] == "POP.POC").get_column("value")[0]


def test_the_same_question_is_computed_once(warehouse):
    _, computed = warehouse
    period = Period.parse("2025")
    first = cache.indicator_values(period, "unhcr", codes=("POP.POC",))
    again = cache.indicator_values(period, "unhcr", codes=("POP.POC",))
    assert first.equals(again)
    assert len(computed) == 1


def test_audience_and_filters_are_part_of_the_key(warehouse):
    _, computed = warehouse
    period = Period.parse("2025")
    unhcr = cache.indicator_values(period, "unhcr", codes=("POP.POC",))
    donor = cache.indicator_values(period, "donor", codes=("POP.POC",))
    region = cache.indicator_values(period, "unhcr", codes=("POP.POC",), region="TJ-DU")
    assert [c[:2] for c in computed] == [("unhcr", {}), ("donor", {}),
                                         ("unhcr", {"region": ("TJ-DU",)})]
    assert poc(unhcr) is not None and poc(region) <= poc(unhcr)
    assert donor.height == unhcr.height


def test_a_new_import_is_seen_once_the_data_version_is_read_again(warehouse):
    engine, computed = warehouse
    period = Period.parse("2025")
    before = poc(cache.indicator_values(period, "unhcr", codes=("POP.POC",)))
    text = GOOD["population"].replace("2025-12-31", "2025-12-30")
    importer.import_file(engine, "population", text.encode(), file_name="earlier.csv",
                         user="tester")
    cache._data_version.clear()  # what the few-second TTL of the data version does
    after = poc(cache.indicator_values(period, "unhcr", codes=("POP.POC",)))
    assert len(computed) == 2  # a new data version: computed again
    assert after == before  # the latest snapshot is still 31 December
    cache.indicator_values(period, "unhcr", codes=("POP.POC",))
    assert len(computed) == 2


def test_a_misconfigured_threshold_is_a_message_not_small_counts(warehouse, monkeypatch):
    monkeypatch.setenv("HAMKORI_DISCLOSURE_THRESHOLDS", "donor=1")
    with pytest.raises(cache.WarehouseProblem, match="at least 2"):
        cache.indicator_values(Period.parse("2025"), "donor", codes=("POP.POC",))


@pytest.mark.parametrize(("setting", "expected"), [
    ("", {"donor": 5, "unicef": 5, "unhcr": None, "admin": None}),
    ("donor=10", {"donor": 10, "unicef": 5, "unhcr": None, "admin": None}),
    (" unicef = none , donor=3", {"donor": 3, "unicef": None, "unhcr": None, "admin": None}),
])
def test_thresholds_from_the_environment(monkeypatch, setting, expected):
    from data_access.config import disclosure_thresholds

    monkeypatch.setenv("HAMKORI_DISCLOSURE_THRESHOLDS", setting)
    assert disclosure_thresholds() == expected


@pytest.mark.parametrize("setting", ["donor", "donor=five", "=5", "donor=0"])
def test_bad_thresholds_are_refused(monkeypatch, setting):
    from data_access.config import disclosure_thresholds

    monkeypatch.setenv("HAMKORI_DISCLOSURE_THRESHOLDS", setting)
    with pytest.raises(ValueError, match="HAMKORI_DISCLOSURE_THRESHOLDS"):
        disclosure_thresholds()


def test_a_misspelt_audience_in_the_thresholds_is_refused(monkeypatch):
    from data_access.config import disclosure_thresholds

    monkeypatch.setenv("HAMKORI_DISCLOSURE_THRESHOLDS", "doner=10")
    with pytest.raises(ValueError, match="unknown audience 'doner'"):
        disclosure_thresholds()


def test_the_analytics_tables_are_read_once_for_many_questions(warehouse, monkeypatch):
    """Every question of a page reads the same analytics frames: one read per table and data
    version, shared by the questions, audiences and sessions (the answers stay per audience)."""
    reads = []
    real = indicators.load_frame

    def counting(connection, key, country="TJK", *args):
        reads.append(key)
        return real(connection, key, country, *args)

    monkeypatch.setattr(indicators, "load_frame", counting)
    period = Period.parse("2025")
    for audience in ("unhcr", "donor"):
        for region in (None, "TJ-DU"):
            cache.indicator_values(period, audience, codes=("POP.POC", "POP.REF"), region=region)
    assert sorted(reads) == ["population", "targets"]  # 4 questions, each table read once
    donor = cache.indicator_values(period, "donor", codes=("POP.POC",), region="TJ-DU")
    unhcr = cache.indicator_values(period, "unhcr", codes=("POP.POC",), region="TJ-DU")
    assert donor.height == unhcr.height  # the same frames, answered per audience
