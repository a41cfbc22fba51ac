"""Flows in the demo: asylum applications and decisions, solutions, resettlement cases.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from data_access.demo._common import (
    FIRST_YEAR,
    _Calendar,
    _case_ids,
    _choice,
    _expected_cases,
    _jitter,
    _labels,
    _long,
    _random_days,
    _sex_age_cells,
    _weights,
    _year_of,
)

# ---- Asylum (flow per month) --------------------------------------------------------------------

#: New applications by Afghans per calendar year (published figures, rounded); 2018 pads the lag.
APPLIED_AFG = {2018: 1000, 2019: 3235, 2020: 1090, 2021: 6370, 2022: 335, 2023: 925,
               2024: 5305, 2025: 1875}
_SEASON = np.array([0.06, 0.06, 0.08, 0.09, 0.09, 0.09, 0.09, 0.10, 0.10, 0.09, 0.08, 0.07])
#: August 2021: arrivals after the change of power in Kabul.
_SEASON_2021 = np.array([0.03, 0.03, 0.03, 0.03, 0.04, 0.05, 0.08, 0.20, 0.18, 0.13, 0.11, 0.09])
#: Shares of decisions: recognized, complementary, rejected, otherwise closed.
_DECISION_SHARES = {None: (0.88, 0.01, 0.06, 0.05), 2021: (0.96, 0.01, 0.02, 0.01),
                    2025: (0.55, 0.01, 0.04, 0.40)}


def _asylum(rng: np.random.Generator, cal: _Calendar) -> pl.DataFrame:
    """Applications and decisions per month: Afghans every month, a few others now and then."""
    months = cal.months(dt.date(FIRST_YEAR - 1, 1, 1))  # one padding year for the decision lag
    years = _year_of(months)
    applied = np.zeros(months.size, dtype=np.int64)
    for year in np.unique(years):
        in_year = years == year
        total = int(round(APPLIED_AFG.get(int(year), 1500) * np.exp(rng.normal(0, 0.05))))
        season = _SEASON_2021 if year == 2021 else _SEASON
        whole_year = rng.multinomial(total, _jitter(rng, season, 400))
        applied[in_year] = whole_year[: in_year.sum()]  # the current year up to today's month
    decided = _lagged_decisions(rng, applied)
    afg = _decision_columns(rng, applied, decided, years)
    afg = afg.with_columns(month=pl.Series(months), origin=pl.lit("AFG"))
    others = [_asylum_minor(rng, months, origin, rate) for origin, rate in
              (("IRN", 0.15), ("PAK", 0.2), ("UKN", 0.25))]
    frame = pl.concat([afg, *others], how="diagonal")
    frame = frame.filter(pl.col("month") >= dt.date(FIRST_YEAR, 1, 1))
    return frame.sort("month", "origin")


def _lagged_decisions(rng: np.random.Generator, applied: np.ndarray) -> np.ndarray:
    """Decisions follow applications by one to six months; about 95% get decided."""
    kernel = np.array([0.0, 0.15, 0.30, 0.25, 0.15, 0.10, 0.05]) * 0.95
    expected = np.convolve(applied, kernel)[: applied.size]
    return rng.poisson(expected)


def _decision_columns(rng: np.random.Generator, applied: np.ndarray, decided: np.ndarray,
                      years: np.ndarray) -> pl.DataFrame:
    shares = np.array([_DECISION_SHARES.get(int(y), _DECISION_SHARES[None]) for y in years])
    split = np.array([rng.multinomial(n, p) for n, p in zip(decided, shares, strict=True)])
    return pl.DataFrame({
        "applied": applied, "recognized": split[:, 0], "complementary": split[:, 1],
        "rejected": split[:, 2], "closed": split[:, 3],
    })


def _asylum_minor(rng: np.random.Generator, months: np.ndarray, origin: str,
                  rate: float) -> pl.DataFrame:
    """A small origin: a family applies now and then, decided a few months later."""
    applied = rng.poisson(rate, months.size) * rng.integers(1, 4, months.size)
    decided = np.concatenate([[0, 0, 0], applied[:-3]])
    recognized = rng.binomial(decided, 0.8)
    rejected = decided - recognized
    frame = pl.DataFrame({
        "month": months, "origin": origin, "applied": applied, "recognized": recognized,
        "complementary": np.zeros(months.size, dtype=np.int64), "rejected": rejected,
        "closed": np.zeros(months.size, dtype=np.int64),
    })
    return frame.filter((pl.col("applied") + pl.col("recognized") + pl.col("rejected")) > 0)


# ---- Solutions (flow per month) -----------------------------------------------------------------

#: Voluntary returns to Afghanistan per year (demo magnitudes; 2025 follows the published 1,421).
RETURNS_AFG = {2019: 240, 2020: 110, 2021: 140, 2022: 180, 2023: 230, 2024: 380, 2025: 1420}
NATURALISED = {2019: 30, 2020: 22, 2021: 28, 2022: 45, 2023: 35, 2024: 40, 2025: 42}
_RETURN_SEASON = np.array([0.03, 0.03, 0.06, 0.09, 0.11, 0.12, 0.13, 0.12, 0.11, 0.09, 0.06,
                           0.05])
_RETURN_REGIONS = {"TJ-RA": 0.68, "TJ-DU": 0.14, "TJ-SU": 0.08, "TJ-KT": 0.08, "TJ-GB": 0.02}
_NATURAL_REGIONS = {"TJ-RA": 0.5, "TJ-DU": 0.4, "TJ-SU": 0.06, "TJ-KT": 0.04}
_RETURN_AGES = {"0-4": 0.10, "5-11": 0.18, "12-17": 0.14, "18-59": 0.52, "60+": 0.05,
                "unknown": 0.01}
_ADULT_AGES = {"0-4": 0.02, "5-11": 0.08, "12-17": 0.10, "18-59": 0.70, "60+": 0.10,
               "unknown": 0.0}


def _solutions(rng: np.random.Generator, cal: _Calendar) -> pl.DataFrame:
    """Voluntary returns (mostly to Afghanistan) and naturalisations in Tajikistan per month."""
    parts = [
        _solution_flow(rng, cal, "voluntary_return", "AFG", "AFG", RETURNS_AFG, 900,
                       _RETURN_SEASON, _RETURN_REGIONS, _RETURN_AGES),
        _solution_flow(rng, cal, "voluntary_return", "PAK", "PAK", dict.fromkeys(cal.years, 3), 3,
                       _RETURN_SEASON, {"TJ-DU": 1.0}, _ADULT_AGES),
        _solution_flow(rng, cal, "naturalisation", "AFG", "TJK", NATURALISED, 40,
                       np.full(12, 1 / 12), _NATURAL_REGIONS, _ADULT_AGES),
    ]
    return pl.concat(parts, how="diagonal").sort(
        "month", "solution", "origin", "destination", "region", "sex", "age_group")


def _solution_flow(rng: np.random.Generator, cal: _Calendar, solution: str, origin: str,
                   destination: str, per_year: dict[int, int], later: int, season: np.ndarray,
                   regions: dict[str, float], ages: dict[str, float]) -> pl.DataFrame:
    """Persons per month drawn from yearly totals, then spread over region × sex × age."""
    months = cal.months()
    years = _year_of(months)
    monthly = np.zeros(months.size, dtype=np.int64)
    for year in np.unique(years):
        in_year = years == year
        total = rng.poisson(per_year.get(int(year), later) * np.exp(rng.normal(0, 0.06)))
        full = rng.multinomial(total, _jitter(rng, season, 300))
        monthly[in_year] = full[: in_year.sum()]
    region_keys, region_w = _weights(regions)
    sexes, age_groups, sexage_w = _sex_age_cells(0.5, ages)
    cells = np.outer(region_w, sexage_w).ravel()
    counts = rng.multinomial(monthly, cells / cells.sum())
    return _long(
        counts,
        rows={"month": months},
        cols={
            "region": [r for r in region_keys for _ in sexes],
            "sex": sexes * len(region_keys),
            "age_group": age_groups * len(region_keys),
        },
        value="persons",
    ).with_columns(solution=pl.lit(solution), origin=pl.lit(origin),
                   destination=pl.lit(destination))


# ---- Resettlement (one row per case) ------------------------------------------------------------

_RST_YEARS = {2019: 0.12, 2020: 0.07, 2021: 0.14, 2022: 0.19, 2023: 0.17, 2024: 0.17, 2025: 0.14}
_RST_ORIGINS = {"AFG": 0.96, "IRN": 0.015, "PAK": 0.015, "UKN": 0.01}
_RST_DESTINATIONS = {"USA": 0.24, "CAN": 0.26, "AUS": 0.12, "NOR": 0.10, "SWE": 0.10,
                     "DEU": 0.10, "GBR": 0.08}
_RST_CATEGORIES = {"LPN": 0.34, "SVT": 0.15, "MED": 0.10, "WAR": 0.16, "FAM": 0.05, "CAR": 0.10,
                   "LAI": 0.10}
_RST_PRIORITIES = {"emergency": 0.05, "urgent": 0.20, "normal": 0.75}
_RST_DECISIONS = {"accepted": 0.78, "rejected": 0.14, "withdrawn": 0.08}
#: Median days to a decision and from decision to departure, by priority.
_RST_DAYS = {"emergency": (20, 12), "urgent": (60, 45), "normal": (170, 130)}


def _resettlement(rng: np.random.Generator, cal: _Calendar, n: int | None) -> pl.DataFrame:
    """Resettlement cases submitted since 2019, a few hundred unless `n` asks for more."""
    if n is None:
        n = max(1, round(_expected_cases(rng.uniform(240, 300), _RST_YEARS, cal)))
    submitted = _random_days(rng, n, _RST_YEARS, cal)
    priority = _choice(rng, _RST_PRIORITIES, n)
    decide_median = np.array([_RST_DAYS[p][0] for p in _RST_PRIORITIES])[priority]
    depart_median = np.array([_RST_DAYS[p][1] for p in _RST_PRIORITIES])[priority]
    to_decision = np.maximum(1, rng.lognormal(np.log(decide_median), 0.5)).astype(np.int64)
    to_departure = np.maximum(1, rng.lognormal(np.log(depart_median), 0.5)).astype(np.int64)
    decided = submitted + to_decision.astype("timedelta64[D]")
    departed = decided + to_departure.astype("timedelta64[D]")
    is_decided = decided <= cal.today64
    # 0 accepted, 1 rejected, 2 withdrawn, 3 pending (no decision yet by today).
    decision = np.where(is_decided, _choice(rng, _RST_DECISIONS, n), 3)
    destination = _choice(rng, _RST_DESTINATIONS, n)
    # US admissions were suspended in January 2025: later submissions go to Canada instead.
    usa, canada = list(_RST_DESTINATIONS).index("USA"), list(_RST_DESTINATIONS).index("CAN")
    destination[(destination == usa) & (submitted >= np.datetime64("2025-01-20"))] = canada
    frame = pl.DataFrame({
        "persons": 1 + rng.binomial(7, 0.33, n),
        "origin": _labels(_RST_ORIGINS, _choice(rng, _RST_ORIGINS, n)),
        "destination": _labels(_RST_DESTINATIONS, destination),
        "category": _labels(_RST_CATEGORIES, _choice(rng, _RST_CATEGORIES, n)),
        "priority": _labels(_RST_PRIORITIES, priority),
        "submitted": submitted,
        "decision": _labels([*_RST_DECISIONS, "pending"], decision),
        "decided": pl.Series(decided).set(pl.Series(~is_decided), None),
        "departed": pl.Series(departed).set(
            pl.Series((decision != 0) | (departed > cal.today64)), None),
    }).sort("submitted")
    return frame.with_columns(case_id=_case_ids("RST", pl.col("submitted")))
