"""People in the demo: population stock, statelessness cases, education, birth registration.

`_statelessness` draws the case list first; `_population` then counts the unresolved cases
as the stateless stock (type STA) next to the refugee and asylum-seeker groups of
`POPULATION_GROUPS`; `_education` and `_birth_registration` derive their school-age and
under-five counts from that population.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import polars as pl

from data_access import reference as ref
from data_access.demo._common import (
    AGES,
    DEMO_DISTRICTS,
    FIRST_YEAR,
    SEXES,
    _allocate,
    _Calendar,
    _case_ids,
    _expected_cases,
    _jitter,
    _labels,
    _long,
    _random_days,
    _sex_age_cells,
    _trajectory,
    _weights,
)

# ---- Population (stock at a date) ---------------------------------------------------------------

#: End-of-year stocks of Afghan refugees and asylum-seekers (published figures, rounded).
REF_AFG = {2018: 2650, 2019: 3780, 2020: 5570, 2021: 10720, 2022: 8600, 2023: 7090,
           2024: 9900, 2025: 8615}
ASY_AFG = {2018: 315, 2019: 1410, 2020: 405, 2021: 3045, 2022: 1110, 2023: 1380,
           2024: 3025, 2025: 3225}

_REF_DISTRICTS = {
    "Vahdat": 0.60, "Rudaki": 0.12, "Dushanbe": 0.09, "Hisor": 0.04, "Tursunzoda": 0.03,
    "Khujand": 0.03, "Bokhtar": 0.02, "Kulob": 0.015, "Varzob": 0.01, "Istaravshan": 0.01,
    "Shahrinav": 0.006, "Panj": 0.005, "Khorugh": 0.004,
}
_ASY_DISTRICTS = {
    "Vahdat": 0.78, "Rudaki": 0.09, "Dushanbe": 0.06, "Hisor": 0.02, "Tursunzoda": 0.01,
    "Khujand": 0.01, "Bokhtar": 0.01, "Kulob": 0.01, "Istaravshan": 0.01,
}
_CAPITAL = {"Dushanbe": 0.7, "Vahdat": 0.3}
_REF_AGES = {"0-4": 0.08, "5-11": 0.18, "12-17": 0.15, "18-59": 0.52, "60+": 0.06,
             "unknown": 0.01}
_ASY_AGES = {"0-4": 0.08, "5-11": 0.15, "12-17": 0.12, "18-59": 0.59, "60+": 0.05,
             "unknown": 0.01}


@dataclass(frozen=True)
class _Group:
    """One population type and origin: its end-of-year totals, districts and demography."""

    population_type: str
    origin: str
    anchors: dict[int, float]
    districts: dict[str, float]
    female: float
    ages: dict[str, float]


POPULATION_GROUPS: tuple[_Group, ...] = (
    _Group("REF", "AFG", REF_AFG, _REF_DISTRICTS, 0.50, _REF_AGES),
    _Group("ASY", "AFG", ASY_AFG, _ASY_DISTRICTS, 0.48, _ASY_AGES),
    _Group("REF", "IRN", {2018: 5, 2022: 7, 2025: 5}, {"Dushanbe": 1.0}, 0.4, _REF_AGES),
    _Group("REF", "PAK", {2018: 3, 2025: 3}, {"Dushanbe": 1.0}, 0.3, _ASY_AGES),
    _Group("REF", "UKN", {2018: 18, 2022: 30, 2025: 26}, _CAPITAL, 0.5, _REF_AGES),
    _Group("ASY", "IRN", {2024: 0, 2025: 5}, {"Dushanbe": 1.0}, 0.4, _ASY_AGES),
    _Group("ASY", "PAK", {2022: 0, 2023: 5, 2025: 5}, {"Dushanbe": 1.0}, 0.2, _ASY_AGES),
    _Group("ASY", "UKN", {2018: 6, 2025: 9}, _CAPITAL, 0.4, _ASY_AGES),
    _Group("OIP", "AFG", {2021: 0, 2022: 120, 2023: 210, 2024: 300, 2025: 380},
           {"Vahdat": 0.5, "Rudaki": 0.2, "Dushanbe": 0.3}, 0.47, _ASY_AGES),
    _Group("OIP", "UKN", {2021: 0, 2022: 30, 2025: 90}, _CAPITAL, 0.45, _ASY_AGES),
    _Group("OOC", "AFG", {2018: 140, 2021: 190, 2025: 170},
           {"Vahdat": 0.5, "Dushanbe": 0.3, "Rudaki": 0.2}, 0.55, _REF_AGES),
)


def _population(rng: np.random.Generator, cal: _Calendar,
                statelessness: pl.DataFrame) -> pl.DataFrame:
    """Monthly stock snapshots (last day of each month) from January 2019 to today."""
    dates = cal.month_ends()
    parts = [_population_group(rng, group, dates) for group in POPULATION_GROUPS]
    parts.append(_stateless_stock(statelessness, dates))
    frame = pl.concat(parts, how="diagonal")
    frame = frame.with_columns(
        region=pl.col("district").replace_strict(
            {d: r for d, (r, _ru) in ref.DISTRICTS.items()}, return_dtype=pl.Utf8))
    return frame.sort("date", "population_type", "origin", "region", "district", "sex",
                      "age_group")


def _population_group(rng: np.random.Generator, group: _Group, dates: np.ndarray) -> pl.DataFrame:
    """District × sex × age cells of one group over the snapshots, shares drifting slowly."""
    totals = _trajectory(group.anchors, dates) * np.exp(rng.normal(0, 0.012, dates.size))
    totals = np.round(totals).astype(np.int64)
    districts, district_w = _weights(group.districts)
    district_w = _jitter(rng, district_w, 600)
    sexes, age_groups, sexage_w = _sex_age_cells(group.female, group.ages)
    sexage_w = _jitter(rng, sexage_w, 3000)
    base = np.outer(district_w, sexage_w).ravel()
    drift = np.exp(np.cumsum(rng.normal(0, 0.012, (dates.size, base.size)), axis=0))
    counts = _allocate(totals, base[None, :] * drift)
    n_cells = len(sexes)
    return _long(
        counts,
        rows={"date": dates},
        cols={
            "district": [d for d in districts for _ in range(n_cells)],
            "sex": sexes * len(districts),
            "age_group": age_groups * len(districts),
        },
        value="persons",
    ).with_columns(population_type=pl.lit(group.population_type), origin=pl.lit(group.origin))


def _stateless_stock(cases: pl.DataFrame, dates: np.ndarray) -> pl.DataFrame:
    """Stateless persons (type STA, origin STA) at each snapshot = unresolved open cases.

    A case counts from the first snapshot on or after `identified` until the snapshot before
    `resolved`; closed cases (no longer of concern) are left out.
    """
    open_cases = cases.filter(pl.col("status") != "closed")
    district_index = {d: i for i, d in enumerate(DEMO_DISTRICTS)}
    cell = (
        open_cases.get_column("district").replace_strict(district_index, return_dtype=pl.Int64)
        .to_numpy() * 12
        + open_cases.get_column("sex").replace_strict({s: i for i, s in enumerate(SEXES)},
                                                      return_dtype=pl.Int64).to_numpy() * 6
        + open_cases.get_column("age_group").replace_strict({a: i for i, a in enumerate(AGES)},
                                                            return_dtype=pl.Int64).to_numpy()
    )
    identified = open_cases.get_column("identified").to_numpy().astype("datetime64[D]")
    resolved = open_cases.get_column("resolved").to_numpy().astype("datetime64[D]")
    start = np.searchsorted(dates, identified, side="left")
    end = np.where(np.isnat(resolved), dates.size,
                   np.searchsorted(dates, np.where(np.isnat(resolved), dates[-1], resolved)))
    delta = np.zeros((len(DEMO_DISTRICTS) * 12, dates.size + 1), dtype=np.int64)
    np.add.at(delta, (cell, start), 1)
    np.add.at(delta, (cell, end), -1)
    stock = np.cumsum(delta, axis=1)[:, : dates.size].T  # snapshots × cells
    return _long(
        stock,
        rows={"date": dates},
        cols={
            "district": [d for d in DEMO_DISTRICTS for _ in range(12)],
            "sex": [s for _ in DEMO_DISTRICTS for s in SEXES for _ in AGES],
            "age_group": [a for _ in DEMO_DISTRICTS for _ in SEXES for a in AGES],
        },
        value="persons",
    ).with_columns(population_type=pl.lit("STA"), origin=pl.lit("STA"))


# ---- Statelessness (one row per case) -----------------------------------------------------------

#: Cases identified per year since the joint pilot project began (2015): most in its first years.
_STA_YEARS = {2015: 0.25, 2016: 0.25, 2017: 0.17, 2018: 0.09, 2019: 0.08, 2020: 0.04, 2021: 0.03,
              2022: 0.03, 2023: 0.02, 2024: 0.02, 2025: 0.02}
_STA_STATUSES = ("identified", "in_progress", "confirmed", "acquired", "closed")
_STA_REGIONS = {"TJ-KT": 0.40, "TJ-SU": 0.30, "TJ-RA": 0.15, "TJ-GB": 0.07, "TJ-DU": 0.08}
_STA_AGES = {"0-4": 0.03, "5-11": 0.06, "12-17": 0.07, "18-59": 0.58, "60+": 0.18,
             "unknown": 0.08}


def _statelessness(rng: np.random.Generator, cal: _Calendar, n: int | None) -> pl.DataFrame:
    """Persons at risk of statelessness identified since 2015, about 26,000 unless `n` is given.

    Most cases are resolved (nationality confirmed or citizenship acquired) a year or two after
    identification; about one in ten proves hard and is still open, as are recent cases.
    """
    if n is None:
        n = max(1, round(_expected_cases(26_000 * rng.uniform(0.97, 1.03), _STA_YEARS, cal)))
    identified = _random_days(rng, n, _STA_YEARS, cal)
    district = rng.choice(len(DEMO_DISTRICTS), size=n, p=_stateless_district_weights(rng))
    delay = np.maximum(7, rng.lognormal(np.log(480), 0.75, n)).astype(np.int64)
    resolved = identified + delay.astype("timedelta64[D]")
    fate = rng.random(n)
    closed = fate < 0.03
    hard = (fate >= 0.03) & (fate < 0.12)
    is_resolved = ~closed & ~hard & (resolved <= cal.today64)
    # Codes into _STA_STATUSES: resolutions split between confirmed and acquired nationality,
    # open cases between newly identified and in progress.
    status = np.where(closed, 4, np.where(is_resolved, 2 + (rng.random(n) < 0.45),
                                          (rng.random(n) < 0.6).astype(np.int64)))
    sexes, age_groups, sexage_w = _sex_age_cells(0.62, _STA_AGES)
    cell = rng.choice(len(sexes), size=n, p=sexage_w)
    frame = pl.DataFrame({
        "region": _labels([ref.DISTRICTS[d][0] for d in DEMO_DISTRICTS], district),
        "district": _labels(DEMO_DISTRICTS, district),
        "sex": _labels(sexes, cell),
        "age_group": _labels(age_groups, cell),
        "identified": identified,
        "status": _labels(_STA_STATUSES, status),
        "resolved": pl.Series(resolved).set(pl.Series(~is_resolved), None),
    }).sort("identified")
    return frame.with_columns(case_id=_case_ids("STL", pl.col("identified")))


def _stateless_district_weights(rng: np.random.Generator) -> np.ndarray:
    """Region shares (Khatlon and Sughd heavy), spread unevenly over each region's districts."""
    weights = np.zeros(len(DEMO_DISTRICTS))
    for region, share in _STA_REGIONS.items():
        members = [i for i, d in enumerate(DEMO_DISTRICTS) if ref.DISTRICTS[d][0] == region]
        weights[members] = share * rng.dirichlet(np.full(len(members), 1.5))
    return weights / weights.sum()


# ---- Education (per school year) ----------------------------------------------------------------

LEVELS = ("preschool", "primary", "lower_secondary", "upper_secondary", "tertiary")
#: Share of each population age group that is of school age for a level (Tajik system:
#: preschool 3–6, primary 7–10, lower secondary 11–15, upper secondary 16–17, tertiary 18–22).
_LEVEL_AGES = {
    "preschool": {"0-4": 2 / 5, "5-11": 2 / 7},
    "primary": {"5-11": 4 / 7},
    "lower_secondary": {"5-11": 1 / 7, "12-17": 4 / 6},
    "upper_secondary": {"12-17": 2 / 6},
    "tertiary": {"18-59": 5 / 42},
}
#: Gross enrolment in 2019/20 by level and type, yearly gain, and the girls' gap.
_GER = {
    "preschool": ({"REF": 0.22, "ASY": 0.14}, 0.020, -0.01),
    "primary": ({"REF": 0.89, "ASY": 0.82}, 0.008, -0.01),
    "lower_secondary": ({"REF": 0.72, "ASY": 0.62}, 0.010, -0.04),
    "upper_secondary": ({"REF": 0.54, "ASY": 0.42}, 0.012, -0.07),
    "tertiary": ({"REF": 0.10, "ASY": 0.04}, 0.004, -0.02),
}
#: Share of the enrolled who are of the official age for their level.
_OF_AGE = {"preschool": 0.95, "primary": 0.93, "lower_secondary": 0.88, "upper_secondary": 0.85,
           "tertiary": 0.80}


def _education(rng: np.random.Generator, cal: _Calendar, population: pl.DataFrame) -> pl.DataFrame:
    """Enrolment of refugee and asylum-seeking children by school year, region, level and sex.

    The school-age population is the demo population at the end of September of the school year.
    """
    first_years = [y for y in range(FIRST_YEAR, cal.today.year + 1)
                   if dt.date(y, 9, 30) <= cal.today]
    september = population.filter(
        pl.col("population_type").is_in(["REF", "ASY"]),
        pl.col("date").is_in([dt.date(y, 9, 30) for y in first_years]),
    ).group_by("date", "region", "population_type", "sex", "age_group").agg(pl.col("persons").sum())
    levels = pl.DataFrame(
        [(level, age, share) for level, ages in _LEVEL_AGES.items() for age, share in ages.items()],
        schema=["level", "age_group", "share"], orient="row")
    frame = (
        september.join(levels, on="age_group")
        .group_by("date", "region", "population_type", "level", "sex")
        .agg((pl.col("persons") * pl.col("share")).sum().round(0).cast(pl.Int64).alias("school_age"))
        .filter(pl.col("school_age") > 0)
        .sort("date", "region", "population_type", "level", "sex")
    )
    year = frame.get_column("date").dt.year().to_numpy()
    level = frame.get_column("level").to_numpy()
    ptype = frame.get_column("population_type").to_numpy()
    female = frame.get_column("sex").to_numpy() == "F"
    base = np.array([_GER[lv][0][pt] for lv, pt in zip(level, ptype, strict=True)])
    gain = np.array([_GER[lv][1] for lv in level])
    gap = np.array([_GER[lv][2] for lv in level])
    rate = np.clip(base + gain * (year - FIRST_YEAR) + gap * female + rng.normal(0, 0.02, year.size),
                   0.0, 0.98)
    school_age = frame.get_column("school_age").to_numpy()
    enrolled = rng.binomial(school_age, rate)
    of_age = rng.binomial(enrolled, np.array([_OF_AGE[lv] for lv in level]))
    tertiary_ref = (level == "tertiary") & (ptype == "REF")
    dafi = np.where(tertiary_ref, rng.binomial(enrolled, 0.7), 0)
    return frame.with_columns(
        school_year=pl.format("{}/{}", pl.col("date").dt.year(),
                              ((pl.col("date").dt.year() + 1) % 100).cast(pl.Utf8).str.zfill(2)),
        enrolled=pl.Series(enrolled),
        enrolled_of_age=pl.Series(of_age),
        dafi_scholars=pl.when(pl.col("level") == "tertiary").then(pl.Series(dafi)),
    )


# ---- Birth registration (per reporting date) ----------------------------------------------------

#: Registered share of children under five in 2019 and the yearly gain, by population type.
_BRN = {"REF": (0.76, 0.028), "ASY": (0.70, 0.025), "STA": (0.60, 0.030)}
#: Partners in these regions report by region only (district left empty).
_REGION_LEVEL = ("TJ-SU", "TJ-GB")


def _birth_registration(rng: np.random.Generator, cal: _Calendar,
                        population: pl.DataFrame) -> pl.DataFrame:
    """Children under five and those with a registered birth, every 30 June and 31 December."""
    dates = [d for y in cal.years for d in (dt.date(y, 6, 30), dt.date(y, 12, 31)) if d <= cal.today]
    under5 = population.filter(
        pl.col("age_group") == "0-4",
        pl.col("population_type").is_in(list(_BRN)),
        pl.col("date").is_in(dates),
    ).with_columns(
        district=pl.when(pl.col("region").is_in(_REGION_LEVEL)).then(None)
        .otherwise(pl.col("district")))
    frame = (
        under5.group_by("date", "region", "district", "population_type", "sex")
        .agg(pl.col("persons").sum().alias("children_under5"))
        .sort("date", "region", "district", "population_type", "sex", nulls_last=True)
    )
    year = frame.get_column("date").dt.year().to_numpy()
    ptype = frame.get_column("population_type").to_numpy()
    base = np.array([_BRN[p][0] for p in ptype])
    gain = np.array([_BRN[p][1] for p in ptype])
    share = np.clip(base + gain * (year - FIRST_YEAR) + rng.normal(0, 0.03, year.size), 0, 1)
    children = frame.get_column("children_under5").to_numpy()
    return frame.with_columns(registered=pl.Series(rng.binomial(children, share)))
