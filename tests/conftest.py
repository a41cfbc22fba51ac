"""Shared fixtures. A warehouse is a fresh, migrated database per test."""

from __future__ import annotations

import pytest

from data_access.engine import make_engine
from data_access.warehouse import upgrade


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'warehouse.sqlite'}"


@pytest.fixture
def engine(sqlite_url):
    """A migrated, empty SQLite warehouse (see test_postgres fixtures for the PostgreSQL twin)."""
    eng = make_engine(sqlite_url)
    upgrade(eng)
    yield eng
    eng.dispose()
