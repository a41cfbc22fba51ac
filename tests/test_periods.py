"""Reporting periods: the four forms of DOMAIN §2, their bounds and neighbours."""

from __future__ import annotations

from datetime import date

import pytest

from metrics.periods import Period, PeriodError


@pytest.mark.parametrize(("text", "start", "end", "label"), [
    ("2025", date(2025, 1, 1), date(2025, 12, 31), "2025"),
    ("2025-Q1", date(2025, 1, 1), date(2025, 3, 31), "2025-Q1"),
    ("2025q3", date(2025, 7, 1), date(2025, 9, 30), "2025-Q3"),
    ("2025-07", date(2025, 7, 1), date(2025, 7, 31), "2025-07"),
    ("2024-02", date(2024, 2, 1), date(2024, 2, 29), "2024-02"),
    ("2024/25", date(2024, 9, 1), date(2025, 6, 30), "2024/25"),
    ("1999/00", date(1999, 9, 1), date(2000, 6, 30), "1999/00"),
])
def test_parse_bounds_and_label(text, start, end, label):
    period = Period.parse(text)
    assert (period.start, period.end, period.label) == (start, end, label)
    assert Period.parse(period.label) == period


@pytest.mark.parametrize("text", ["", "25", "2025-13", "2025-Q5", "2024/26", "2025/24", "Q3 2025"])
def test_bad_periods_say_what_is_expected(text):
    with pytest.raises(PeriodError, match="year|school year"):
        Period.parse(text)


@pytest.mark.parametrize(("text", "previous", "year_ago"), [
    ("2025", "2024", "2024"),
    ("2025-Q1", "2024-Q4", "2024-Q1"),
    ("2025-Q3", "2025-Q2", "2024-Q3"),
    ("2025-01", "2024-12", "2024-01"),
    ("2025-07", "2025-06", "2024-07"),
    ("2024/25", "2023/24", "2023/24"),
])
def test_neighbours(text, previous, year_ago):
    period = Period.parse(text)
    assert period.previous().label == previous
    assert period.year_ago().label == year_ago


@pytest.mark.parametrize(("day", "school_year"), [
    (date(2025, 9, 1), "2025/26"), (date(2025, 8, 31), "2024/25"), (date(2026, 1, 15), "2025/26"),
])
def test_school_year_of_a_date(day, school_year):
    assert Period.school_year_of(day).label == school_year
