"""Reporting periods (DOMAIN §2): month `2025-07`, quarter `2025-Q3`, year `2025`, school year `2024/25`.

A `Period` knows its first and last day, its label and its neighbours: `previous()` (the period
just before, of the same kind) and `year_ago()` (the same period one year earlier). The school
year runs from 1 September to 30 June (DOMAIN §2).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

import locales
from locales import _

MONTH, QUARTER, YEAR, SCHOOL_YEAR = "month", "quarter", "year", "school_year"

_PATTERNS = (
    (re.compile(r"^(\d{4})-(\d{2})$"), MONTH),
    (re.compile(r"^(\d{4})-?Q([1-4])$", re.IGNORECASE), QUARTER),
    (re.compile(r"^(\d{4})$"), YEAR),
    (re.compile(r"^(\d{4})/(\d{2})$"), SCHOOL_YEAR),
)
SCHOOL_YEAR_START_MONTH = 9
SCHOOL_YEAR_END_MONTH = 6


class PeriodError(ValueError):
    """A period text that is not one of the four forms."""


@dataclass(frozen=True, order=True)
class Period:
    kind: str
    year: int  # calendar year; for a school year, the year it starts
    number: int = 1  # month 1–12 or quarter 1–4; 1 for years and school years

    # ---- construction ---------------------------------------------------------------------
    @classmethod
    def parse(cls, text: str) -> Period:
        text = text.strip()
        for pattern, kind in _PATTERNS:
            match = pattern.match(text)
            if not match:
                continue
            first = int(match.group(1))
            if kind == MONTH:
                number = int(match.group(2))
                if not 1 <= number <= 12:
                    break
                return cls(MONTH, first, number)
            if kind == QUARTER:
                return cls(QUARTER, first, int(match.group(2)))
            if kind == YEAR:
                return cls(YEAR, first)
            if int(match.group(2)) != (first + 1) % 100:
                raise PeriodError(f"school year {text!r}: the second year must follow the first "
                                  f"(e.g. {first}/{(first + 1) % 100:02d})")
            return cls(SCHOOL_YEAR, first)
        raise PeriodError(
            f"{text!r} is not a period: use a year (2025), a quarter (2025-Q3), a month (2025-07) "
            "or a school year (2024/25)")

    @classmethod
    def school_year_of(cls, day: date) -> Period:
        """The school year a date falls in (July and August belong to the one that just ended)."""
        start = day.year if day.month >= SCHOOL_YEAR_START_MONTH else day.year - 1
        return cls(SCHOOL_YEAR, start)

    # ---- properties -----------------------------------------------------------------------
    @property
    def start(self) -> date:
        if self.kind == MONTH:
            return date(self.year, self.number, 1)
        if self.kind == QUARTER:
            return date(self.year, 3 * self.number - 2, 1)
        if self.kind == YEAR:
            return date(self.year, 1, 1)
        return date(self.year, SCHOOL_YEAR_START_MONTH, 1)

    @property
    def end(self) -> date:
        if self.kind == MONTH:
            return date(self.year, self.number, calendar.monthrange(self.year, self.number)[1])
        if self.kind == QUARTER:
            month = 3 * self.number
            return date(self.year, month, calendar.monthrange(self.year, month)[1])
        if self.kind == YEAR:
            return date(self.year, 12, 31)
        return date(self.year + 1, SCHOOL_YEAR_END_MONTH, 30)

    @property
    def label(self) -> str:
        if self.kind == MONTH:
            return f"{self.year}-{self.number:02d}"
        if self.kind == QUARTER:
            return f"{self.year}-Q{self.number}"
        if self.kind == YEAR:
            return str(self.year)
        return f"{self.year}/{(self.year + 1) % 100:02d}"

    def __str__(self) -> str:
        return self.label

    @property
    def display(self) -> str:
        """The period as a person reads it, in the current language: 'March 2025' / 'март 2025',
        'Q3 2025' / '3-й кв. 2025', '2025', '2024/25'."""
        if self.kind == MONTH:
            return locales.month(self.start)
        if self.kind == QUARTER:
            return _("Q{quarter} {year}").format(quarter=self.number, year=self.year)
        return self.label

    @property
    def short(self) -> str:
        """A chart tick: 'Mar 2025' / 'март 2025' for a month, else the label."""
        if self.kind == MONTH:
            return f"{locales.month_short(self.start)} {self.year}"
        return self.label

    # ---- neighbours -----------------------------------------------------------------------
    def previous(self) -> Period:
        """The period just before, of the same kind (2025-Q1 -> 2024-Q4)."""
        if self.kind == MONTH:
            return Period(MONTH, self.year - (self.number == 1), 12 if self.number == 1 else self.number - 1)
        if self.kind == QUARTER:
            return Period(QUARTER, self.year - (self.number == 1), 4 if self.number == 1 else self.number - 1)
        return Period(self.kind, self.year - 1)

    def year_ago(self) -> Period:
        """The same period one year earlier (for a year or school year: the previous one)."""
        return Period(self.kind, self.year - 1, self.number)

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end
