"""The deterministic demo warehouse of DOMAIN §8.

`generate(seed)` builds one Polars frame per office dataset of DOMAIN §3, with exactly the
contract's columns (`datasets.DATASETS[name].column_names`) and values that pass validation.
`load_demo(engine, seed)` imports them through the importer, like any partner file.

The numbers follow the published figures for Tajikistan (UNHCR population statistics, the
2017 UNHCR–UNICEF joint communiqué): about 8,600 refugees and 3,200 asylum-seekers at the end of
2025, almost all from Afghanistan and living mainly in Vahdat, Rudaki and Dushanbe; some 26,000
persons at risk of statelessness identified since the 2015 joint pilot project, a few thousand still
unresolved; returns to Afghanistan in the hundreds a year and about 1,400 in 2025; a Joint Plan of
Action with some thirty activities since the LOU of May 2017. Every figure is *synthetic*: the
shape is realistic, the cells are invented.

Determinism: each dataset draws from its own `numpy.random.Generator` seeded with
`(seed, dataset name)`, and the calendar ends at a fixed `today` (default 2025-12-31), so the same
seed gives identical frames on any machine and any day; another seed gives other numbers.

`scale=N` keeps the shape but makes the large tables (population, solutions, statelessness,
resettlement) exactly N rows each, for benchmarks. Everything is vectorised (NumPy/Polars): a
million population rows take well under a second.

Where one dataset can be derived from another it is, so that the demo is coherent across pages:
the stateless population stock (`population`, type STA) counts the unresolved `statelessness`
cases at each snapshot; `education` school-age counts and `birth_registration` children under five
come from the refugee and asylum-seeker population by age; `targets` baselines are the demo's own
actuals in the year before the example framework starts. Rates in `targets` and `joint_plan`
(baseline, target) are percentages written 0–100; counts are counts; EDU.GPI is a ratio.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import polars as pl

from data_access import datasets as ds
from data_access import reference as ref

DEFAULT_TODAY = dt.date(2025, 12, 31)
#: First month of the monthly series (population, asylum, solutions).
FIRST_YEAR = 2019
#: Earliest date any scaled-up series may reach back to (validation accepts 1990 onwards).
EARLIEST = dt.date(1990, 1, 1)

#: Office datasets in import order: the framework before the targets and activities that cite it.
DATASET_NAMES: tuple[str, ...] = (
    "framework", "targets", "joint_plan", "funding", "population", "asylum", "solutions",
    "resettlement", "education", "statelessness", "birth_registration",
)
#: Tables that `scale=N` makes exactly N rows long.
SCALED = ("population", "solutions", "statelessness", "resettlement")

SEXES: tuple[str, ...] = tuple(ref.SEXES)  # ("F", "M")
AGES: tuple[str, ...] = ref.AGE_GROUPS
#: Districts that are sub-divisions of Dushanbe city: the demo reports Dushanbe as one district.
_CITY_DISTRICTS = ("Sino", "Firdavsi", "Ismoili Somoni", "Shohmansur")
DEMO_DISTRICTS: tuple[str, ...] = tuple(d for d in ref.DISTRICTS if d not in _CITY_DISTRICTS)


# ---- Public API ---------------------------------------------------------------------------------


def generate(seed: int = 1, scale: int | None = None,
             today: dt.date | None = None) -> dict[str, pl.DataFrame]:
    """One frame per office dataset (keys: `DATASET_NAMES`), typed and in contract column order.

    `today` fixes the end of the calendar (default 2025-12-31): nothing is dated after it except
    joint-plan activities and framework years planned ahead (at most to the next year's end).
    """
    today = today or DEFAULT_TODAY
    if today < dt.date(FIRST_YEAR, 1, 31):
        raise ValueError(f"today must be on or after {FIRST_YEAR}-01-31, got {today}")
    if scale is not None and scale < 1:
        raise ValueError(f"scale must be a positive number of rows, got {scale}")
    cal = _Calendar(today)

    frames: dict[str, pl.DataFrame] = {}
    frames["statelessness"] = _statelessness(_rng(seed, "statelessness"), cal, n=None)
    frames["population"] = _population(_rng(seed, "population"), cal, frames["statelessness"])
    frames["asylum"] = _asylum(_rng(seed, "asylum"), cal)
    frames["solutions"] = _solutions(_rng(seed, "solutions"), cal)
    frames["resettlement"] = _resettlement(_rng(seed, "resettlement"), cal, n=None)
    frames["education"] = _education(_rng(seed, "education"), cal, frames["population"])
    frames["birth_registration"] = _birth_registration(
        _rng(seed, "birth_registration"), cal, frames["population"])
    frames["framework"] = _framework(cal)
    frames["joint_plan"] = _joint_plan(_rng(seed, "joint_plan"), cal)
    frames["funding"] = _funding(_rng(seed, "funding"), cal)
    frames["targets"] = _targets(cal, frames)

    if scale is not None:
        frames["population"] = _population_scaled(_rng(seed, "population*"), cal, scale)
        frames["solutions"] = _solutions_scaled(_rng(seed, "solutions*"), cal, scale)
        frames["statelessness"] = _statelessness(_rng(seed, "statelessness*"), cal, n=scale)
        frames["resettlement"] = _resettlement(_rng(seed, "resettlement*"), cal, n=scale)

    return {name: _conform(name, frames[name]) for name in DATASET_NAMES}


def load_demo(engine, seed: int = 1, scale: int | None = None, progress=None) -> list:
    """Generate the demo and import every dataset through the importer; returns its ImportResults.

    Each dataset is imported as if it were the file `demo-seed{seed}-{dataset}.csv` uploaded by
    user `demo`, so the import history, rollback and data version behave as for real files.
    Loading the same demo twice is a no-op (identical files); loading another seed over it is
    refused by the importer's overlap check. `progress(stage, done, total)` is handed to
    `import_frame` for every dataset.
    """
    from data_access.importer import import_frame  # imported late: the importer needs the schema

    frames = generate(seed=seed, scale=scale)
    return [
        import_frame(engine, name, frames[name], file_name=f"demo-seed{seed}-{name}.csv",
                     user="demo", progress=progress)
        for name in DATASET_NAMES
    ]


# ---- Shared machinery ---------------------------------------------------------------------------


def _rng(seed: int, dataset: str) -> np.random.Generator:
    """An independent generator per dataset: changing one dataset's draws leaves the others."""
    key = int.from_bytes(dataset.encode(), "little") % (2**63)
    return np.random.default_rng([seed, key])


@dataclass(frozen=True)
class _Calendar:
    """The demo's dates: monthly from January 2019 to the month of `today`."""

    today: dt.date

    @property
    def years(self) -> list[int]:
        return list(range(FIRST_YEAR, self.today.year + 1))

    @property
    def last_year(self) -> int:
        """The last year validation accepts: dates may run to the end of the next year."""
        return self.today.year + 1

    def months(self, first: dt.date | None = None) -> np.ndarray:
        """First days of the months from `first` (default January 2019) to today's month."""
        first = first or dt.date(FIRST_YEAR, 1, 1)
        months = np.arange(np.datetime64(f"{first:%Y-%m}"), np.datetime64(f"{self.today:%Y-%m}") + 1)
        return months.astype("datetime64[D]")

    def month_ends(self, first: dt.date | None = None) -> np.ndarray:
        """Last days of the months from `first` to today, each on or before today."""
        starts = self.months(first)
        ends = (starts.astype("datetime64[M]") + 1).astype("datetime64[D]") - 1
        return ends[ends <= np.datetime64(self.today)]

    @property
    def today64(self) -> np.datetime64:
        return np.datetime64(self.today)


def _year_of(days: np.ndarray) -> np.ndarray:
    return days.astype("datetime64[Y]").astype(np.int64) + 1970


def _weights(mapping: dict[str, float]) -> tuple[list[str], np.ndarray]:
    keys = list(mapping)
    w = np.array([mapping[k] for k in keys], dtype=float)
    return keys, w / w.sum()


def _jitter(rng: np.random.Generator, weights: np.ndarray, concentration: float) -> np.ndarray:
    """Seed-specific variation of a share vector around `weights` (higher = closer)."""
    return rng.dirichlet(weights * concentration + 1e-9)


def _trajectory(anchors: dict[int, float], dates: np.ndarray) -> np.ndarray:
    """End-of-year anchor values interpolated to `dates` (linear by month; flat outside)."""
    years = sorted(anchors)
    x_anchor = np.array([y * 12 + 11 for y in years], dtype=float)
    y_anchor = np.array([anchors[y] for y in years], dtype=float)
    months = dates.astype("datetime64[M]").astype(np.int64) + 1970 * 12
    return np.interp(months.astype(float), x_anchor, y_anchor)


def _allocate(totals: np.ndarray, shares: np.ndarray) -> np.ndarray:
    """Integer cells (R × K) proportional to `shares`, each row summing exactly to `totals`.

    Largest-remainder rounding: stable from one snapshot to the next when shares drift slowly,
    which is what a stock (unlike a flow) should look like.
    """
    shares = shares / shares.sum(axis=1, keepdims=True)
    exact = totals[:, None].astype(float) * shares
    counts = np.floor(exact).astype(np.int64)
    short = totals.astype(np.int64) - counts.sum(axis=1)
    order = np.argsort(-(exact - counts), axis=1, kind="stable")
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.broadcast_to(np.arange(shares.shape[1]), order.shape), axis=1)
    return counts + (rank < short[:, None])


def _long(counts: np.ndarray, rows: dict[str, object], cols: dict[str, object],
          value: str) -> pl.DataFrame:
    """Flatten a (R × K) count matrix into one row per non-zero cell.

    `rows` / `cols` map column names to label sequences of length R / K (numpy or list).
    """
    n_cols = counts.shape[1]
    flat = counts.ravel()
    keep = np.flatnonzero(flat > 0)
    r, k = np.divmod(keep, n_cols)
    data = {name: pl.Series(labels).gather(r) for name, labels in rows.items()}
    data.update({name: pl.Series(labels).gather(k) for name, labels in cols.items()})
    data[value] = pl.Series(flat[keep].astype(np.int64))
    return pl.DataFrame(data)


def _sex_age_cells(female: float, ages: dict[str, float]) -> tuple[list[str], list[str], np.ndarray]:
    """The 12 sex × age-group cells with their weights (sex outer, age inner)."""
    _keys, age_w = _weights(ages)
    sexes = [s for s in SEXES for _ in AGES]
    age_groups = [a for _ in SEXES for a in AGES]
    weights = np.concatenate([female * age_w, (1 - female) * age_w])
    return sexes, age_groups, weights


_POLARS_TYPES = {
    ds.COUNT: pl.Int64, ds.YEAR: pl.Int64, ds.NUMBER: pl.Float64, ds.PERCENT: pl.Float64,
    ds.DATE: pl.Date, ds.MONTH: pl.Date,
}


def _conform(name: str, frame: pl.DataFrame) -> pl.DataFrame:
    """Exactly the contract's columns, in order, with their natural Polars types."""
    spec = ds.get(name)
    columns = []
    for column in spec.columns:
        dtype = _POLARS_TYPES.get(column.kind, pl.Utf8)
        if column.name in frame.columns:
            columns.append(pl.col(column.name).cast(dtype))
        else:
            columns.append(pl.lit(None, dtype=dtype).alias(column.name))
    return frame.select(columns)


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


def _choice(rng: np.random.Generator, weights: dict[str, float], n: int) -> np.ndarray:
    """Indices into `weights`' keys, drawn with its (normalised) weights."""
    _keys, p = _weights(weights)
    return rng.choice(len(p), size=n, p=p)


def _labels(keys, index: np.ndarray) -> pl.Series:
    """The labels at `index` (much faster than building a frame from NumPy string arrays)."""
    return pl.Series(list(keys), dtype=pl.Utf8).gather(index)


def _year_weights(year_weights: dict[int, float], cal: _Calendar) -> tuple[np.ndarray, np.ndarray]:
    """Years from the first weighted one to today, and their weights.

    Years after the last weighted one repeat its weight; the current year counts only the part
    of it that has passed.
    """
    years = np.arange(min(year_weights), cal.today.year + 1)
    last = year_weights[max(year_weights)]
    w = np.array([year_weights.get(int(y), last) for y in years], dtype=float)
    w[-1] *= cal.today.timetuple().tm_yday / (366 if calendar.isleap(cal.today.year) else 365)
    return years, w


def _expected_cases(typical: float, year_weights: dict[int, float], cal: _Calendar) -> float:
    """`typical` cases by the end of the weighted years, pro rata for an earlier or later today."""
    _years, w = _year_weights(year_weights, cal)
    return typical * w.sum() / sum(year_weights.values())


def _random_days(rng: np.random.Generator, n: int, year_weights: dict[int, float],
                 cal: _Calendar) -> np.ndarray:
    """`n` dates spread over the years by weight (see `_year_weights`), none after today."""
    years, w = _year_weights(year_weights, cal)
    year = years[rng.choice(years.size, size=n, p=w / w.sum())]
    starts = (year - 1970).astype("datetime64[Y]").astype("datetime64[D]")
    ends = np.minimum((year - 1969).astype("datetime64[Y]").astype("datetime64[D]"),
                      cal.today64 + 1)
    span = (ends - starts).astype(np.int64)
    return starts + (rng.random(n) * span).astype(np.int64).astype("timedelta64[D]")


def _case_ids(prefix: str, dated: pl.Expr) -> pl.Expr:
    """Pseudonymous case numbers: PREFIX-YEAR-SEQUENCE, numbered per year in date order."""
    year = dated.dt.year()
    seq = (pl.int_range(pl.len()).over(year) + 1).cast(pl.Utf8).str.zfill(5)
    return pl.concat_str([pl.lit(prefix), year.cast(pl.Utf8), seq], separator="-")


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


# ---- Example Cooperation Framework --------------------------------------------------------------

_FRAMEWORK = (
    ("EX-OC1", "outcome", None,
     "Example — Outcome 1: Inclusive, quality education for all children, including refugee "
     "and stateless children"),
    ("EX-OP1.1", "output", "EX-OC1",
     "Example — Output 1.1: Refugee and asylum-seeking children enrolled and learning in "
     "national schools"),
    ("EX-OP1.2", "output", "EX-OC1",
     "Example — Output 1.2: Refugee youth access tertiary education (DAFI scholarships)"),
    ("EX-OC2", "outcome", None,
     "Example — Outcome 2: Every child has a legal identity: birth registration and the right "
     "to a nationality"),
    ("EX-OP2.1", "output", "EX-OC2",
     "Example — Output 2.1: Civil registry offices register every birth, whatever the "
     "parents' status"),
    ("EX-OP2.2", "output", "EX-OC2",
     "Example — Output 2.2: Persons at risk of statelessness identified and their nationality "
     "confirmed or granted"),
    ("EX-OC3", "outcome", None,
     "Example — Outcome 3: Refugees, asylum-seekers and stateless persons are protected and use "
     "health, child protection and social protection services"),
    ("EX-OP3.1", "output", "EX-OC3",
     "Example — Output 3.1: Fair and efficient asylum procedures and access to durable solutions"),
    ("EX-OC4", "outcome", None,
     "Example — Outcome 4: The UN plans, mobilises resources and reports jointly"),
)


def _framework_years(cal: _Calendar) -> tuple[int, int]:
    """A five-year example framework ending in today's year (2021–2025 by default)."""
    return cal.today.year - 4, cal.today.year


def _framework(cal: _Calendar) -> pl.DataFrame:
    """A clearly labelled EXAMPLE framework: the office loads its real one over it."""
    start, end = _framework_years(cal)
    return pl.DataFrame(
        [(code, level, parent, title, start, end) for code, level, parent, title in _FRAMEWORK],
        schema=["code", "level", "parent", "title", "start_year", "end_year"], orient="row",
    )


# ---- Joint Plan of Action (one row per activity) ------------------------------------------------

_AREA_OUTCOME = {
    "education": "EX-OC1", "birth_registration_nationality": "EX-OC2",
    "health_nutrition": "EX-OC3", "child_protection": "EX-OC3", "social_protection": "EX-OC3",
    "preparedness": "EX-OC3", "advocacy": "EX-OC4", "information_sharing": "EX-OC4",
    "resource_mobilisation": "EX-OC4",
}
_AREA_PREFIX = {
    "education": "EDU", "health_nutrition": "HNU", "child_protection": "CPR",
    "social_protection": "SPR", "birth_registration_nationality": "BRN", "advocacy": "ADV",
    "preparedness": "PRP", "information_sharing": "INF", "resource_mobilisation": "RES",
}
_MOES = "Ministry of Education and Science"
_MOH = "Ministry of Health and Social Protection of Population"
_MOJ = "Ministry of Justice (civil registry offices)"
_MS = "Migration Service of the Ministry of Internal Affairs"
_CES = "Committee of Emergency Situations and Civil Defence"


@dataclass(frozen=True)
class _Activity:
    area: str
    title: str
    lead: str
    partners: str | None
    start: str
    end: str
    indicator: str | None = None
    baseline: float | None = None
    target: float | None = None
    budget: int = 100_000
    sdg: str | None = None


#: The Joint Plan of Action signed with the LOU on 31 May 2017 and renewed since (demo content).
ACTIVITIES: tuple[_Activity, ...] = (
    _Activity("education", "Enrolment of refugee children in national schools: school kits, "
              "uniforms and Tajik-language catch-up classes", "UNHCR",
              f"{_MOES}; Refugee Children and Vulnerable Citizens (RCVC)", "2017-06-01",
              "2019-12-31", "EDU.GER_PRIMARY", 78, 90, 180_000, "4.1"),
    _Activity("education", "Accelerated learning for out-of-school refugee and asylum-seeking "
              "children in Vahdat and Rudaki", "JOINT", _MOES, "2020-09-01", "2023-06-30",
              "EDU.OUT_OF_SCHOOL", 420, 150, 240_000, "4.1"),
    _Activity("education", "Community-based preschool groups for refugee and host-community "
              "children", "UNICEF", f"{_MOES}; local hukumats", "2021-01-01", "2024-12-31",
              None, None, None, 210_000, "4.2"),
    _Activity("education", "DAFI tertiary scholarships and university access for refugee youth",
              "UNHCR", "German Government (DAFI); Tajik National University", "2017-09-01",
              "2026-08-31", "EDU.DAFI", 20, 45, 520_000, "4.3"),
    _Activity("education", "Inclusion of refugee learners in the national Education Management "
              "Information System (EMIS)", "JOINT", _MOES, "2023-03-01", "2026-06-30",
              "EDU.GER_SECONDARY", 62, 75, 150_000, "4.1"),
    _Activity("health_nutrition", "Routine immunisation and primary health care for refugee and "
              "stateless children on the same terms as nationals", "UNICEF", _MOH, "2017-06-01",
              "2020-12-31", None, None, None, 160_000, "3.8"),
    _Activity("health_nutrition", "COVID-19 response: risk communication, hygiene kits and "
              "vaccine access for refugees", "JOINT", _MOH, "2020-04-01", "2021-12-31", None,
              None, None, 230_000, "3.8"),
    _Activity("health_nutrition", "Nutrition screening and micronutrient supplements for refugee "
              "children under five and pregnant women in Vahdat", "UNICEF", _MOH, "2021-03-01",
              "2023-12-31", None, None, None, 140_000, "2.2"),
    _Activity("health_nutrition", "Mental health and psychosocial support for newly arrived "
              "Afghan families", "JOINT", f"{_MOH}; Rights and Prosperity", "2022-01-01",
              "2025-06-30", None, None, None, 190_000, "3.4"),
    _Activity("child_protection", "Best-interests procedures for unaccompanied and separated "
              "refugee children", "UNHCR", "Commission on the Rights of the Child; RCVC",
              "2017-06-01", "2019-12-31", None, None, None, 90_000, "16.2"),
    _Activity("child_protection", "Child protection case management and referral for refugee "
              "and stateless children", "UNICEF",
              "Commission on the Rights of the Child; Rights and Prosperity", "2019-01-01",
              "2022-12-31", None, None, None, 260_000, "16.2"),
    _Activity("child_protection", "Child-friendly asylum procedures: training of Migration "
              "Service and border officials", "JOINT", f"{_MS}; Border Forces", "2021-06-01",
              "2024-12-31", "ASY.TPR", 88, 95, 120_000, "16.3"),
    _Activity("child_protection", "Prevention of gender-based violence and child marriage in "
              "refugee communities", "JOINT", "Committee on Women and Family Affairs",
              "2023-01-01", "2026-06-30", None, None, None, 175_000, "5.3"),
    _Activity("social_protection", "Vulnerable refugee households in the national targeted "
              "social assistance programme", "UNICEF", _MOH, "2018-01-01", "2021-12-31", None,
              None, None, 300_000, "1.3"),
    _Activity("social_protection", "Winter cash assistance for refugee and stateless families "
              "with children", "UNHCR", "Consortium Initiatives", "2019-10-01", "2025-03-31",
              None, None, None, 640_000, "1.3"),
    _Activity("social_protection", "Shock-responsive cash transfers reaching refugee and "
              "host-community families", "JOINT", _MOH, "2024-01-01", "2026-12-31", None, None,
              None, 450_000, "1.3"),
    _Activity("birth_registration_nationality", "Mobile birth registration campaigns with civil "
              "registry offices in districts hosting refugees", "JOINT", _MOJ, "2017-06-01",
              "2020-12-31", "BRN.U5_REGISTERED_PCT", 68, 85, 200_000, "16.9"),
    _Activity("birth_registration_nationality", "Legal aid to identify and resolve statelessness "
              "cases (follow-up of the joint pilot project)", "UNHCR",
              f"{_MS}; Rights and Prosperity", "2017-06-01", "2021-12-31", "STA.RESOLVED", 9000,
              18000, 380_000, "16.9"),
    _Activity("birth_registration_nationality", "Implementation of the 2019 amnesty law: "
              "documentation and passports for stateless persons", "UNHCR", _MS, "2019-06-01",
              "2021-06-30", "STA.RESOLUTION_PCT", 45, 75, 260_000, "16.9"),
    _Activity("birth_registration_nationality", "Birth registration at maternity wards for "
              "children of refugees and asylum-seekers", "UNICEF", f"{_MOJ}; {_MOH}",
              "2023-01-01", "2026-06-30", "BRN.U5_REGISTERED_PCT", 84, 95, 170_000, "16.9"),
    _Activity("birth_registration_nationality", "Safeguards against childhood statelessness in "
              "the Nationality Law and accession to the statelessness conventions", "JOINT",
              "Ministry of Foreign Affairs; Office of the Ombudsman", "2022-01-01", "2026-12-31",
              None, None, None, 80_000, "16.9"),
    _Activity("advocacy", "Joint awareness events for World Refugee Day and Universal "
              "Children's Day", "JOINT", "Media partners; refugee community leaders",
              "2017-06-01", "2026-12-31", None, None, None, 60_000, "10.7"),
    _Activity("advocacy", "Parliamentary round table on refugee children's access to services",
              "JOINT", "Majlisi Oli (Parliament)", "2019-03-01", "2019-12-31", None, None, None,
              25_000, "10.7"),
    _Activity("advocacy", "#IBelong campaign events with the Ombudsman's office on ending "
              "statelessness", "UNHCR", "Office of the Ombudsman", "2018-01-01", "2024-11-30",
              None, None, None, 70_000, "16.9"),
    _Activity("preparedness", "Inter-agency contingency plan for a refugee influx from "
              "Afghanistan with child-sensitive standards", "JOINT", f"{_CES}; REACT",
              "2017-09-01", "2018-12-31", None, None, None, 110_000, "13.1"),
    _Activity("preparedness", "Contingency plan update and pre-positioned family kits after "
              "August 2021", "JOINT", f"{_CES}; REACT", "2021-08-15", "2022-12-31", None, None,
              None, 580_000, "13.1"),
    _Activity("preparedness", "Joint risk assessment and simulation exercise at border crossing "
              "points", "JOINT", f"{_CES}; Border Forces", "2023-04-01", "2025-12-31", None, None,
              None, 140_000, "13.1"),
    _Activity("information_sharing", "Joint data collection methodology and sex- and "
              "age-disaggregated data-sharing protocol", "JOINT", "Agency on Statistics",
              "2017-06-01", "2018-06-30", None, None, None, 40_000, "17.18"),
    _Activity("information_sharing", "Multi-sector needs assessment of refugee children and "
              "families", "JOINT", "REACH; Agency on Statistics", "2022-02-01", "2022-12-31",
              None, None, None, 95_000, "17.18"),
    _Activity("information_sharing", "Hamkori joint reporting dashboard and shared indicator "
              "warehouse", "JOINT", None, "2024-06-01", "2026-06-30", "LOU.ON_TRACK_PCT", 60, 85,
              85_000, "17.18"),
    _Activity("resource_mobilisation", "Joint proposal to the European Union for refugee "
              "children's education and protection", "JOINT", None, "2018-01-01", "2019-06-30",
              None, None, None, 15_000, "17.3"),
    _Activity("resource_mobilisation", "Joint appeal for the Afghanistan situation (Regional "
              "Refugee Response Plan)", "JOINT", None, "2021-09-01", "2023-12-31",
              "FUND.RECEIVED_PCT", 0, 80, 30_000, "17.3"),
    _Activity("resource_mobilisation", "Joint donor briefings and pooled-fund proposals for "
              "2025–2026", "UNICEF", None, "2025-01-01", "2026-12-31", "FUND.RECEIVED_PCT", 55,
              85, 20_000, "17.3"),
)


def _joint_plan(rng: np.random.Generator, cal: _Calendar) -> pl.DataFrame:
    """The activities of `ACTIVITIES`, with seed-varied budgets, none ending after next year."""
    fw_start, _fw_end = _framework_years(cal)
    limit = dt.date(cal.last_year, 12, 31)
    numbers: dict[str, int] = {}
    rows = []
    for activity in ACTIVITIES:
        start = dt.date.fromisoformat(activity.start)
        end = min(dt.date.fromisoformat(activity.end), limit)
        if start > limit:
            continue
        numbers[activity.area] = numbers.get(activity.area, 0) + 1
        rows.append({
            "activity_id": f"JPA-{_AREA_PREFIX[activity.area]}-{numbers[activity.area]:02d}",
            "area": activity.area, "title": activity.title, "lead": activity.lead,
            "partners": activity.partners, "start": start, "end": end,
            "indicator": activity.indicator, "baseline": activity.baseline,
            "target": activity.target,
            "budget_usd": float(round(activity.budget * rng.uniform(0.85, 1.15), -3)),
            # Activities of the framework's years cite its outcome; earlier ones the old UNDAF.
            "undaf_outcome": _AREA_OUTCOME[activity.area] if end.year >= fw_start else None,
            "sdg_target": activity.sdg,
        })
    schema = {"activity_id": pl.Utf8, "area": pl.Utf8, "title": pl.Utf8, "lead": pl.Utf8,
              "partners": pl.Utf8, "start": pl.Date, "end": pl.Date, "indicator": pl.Utf8,
              "baseline": pl.Float64, "target": pl.Float64, "budget_usd": pl.Float64,
              "undaf_outcome": pl.Utf8, "sdg_target": pl.Utf8}
    return pl.DataFrame(rows, schema=schema)


# ---- Funding (per donor and year) ---------------------------------------------------------------

#: donor, agency, area (None = unearmarked), typical yearly pledge (USD), first and last year.
_GRANTS: tuple[tuple[str, str, str | None, int, int, int | None], ...] = (
    ("European Union", "UNHCR", None, 600_000, 2019, None),
    ("European Union", "UNICEF", "education", 450_000, 2019, None),
    ("European Union", "JOINT", "preparedness", 800_000, 2022, None),
    ("Japan", "UNHCR", None, 350_000, 2019, None),
    ("Japan", "UNICEF", "health_nutrition", 500_000, 2020, None),
    ("Germany", "UNHCR", "education", 250_000, 2019, None),
    ("Germany", "UNICEF", "child_protection", 400_000, 2021, None),
    ("United States", "UNHCR", None, 900_000, 2019, None),
    ("United States", "UNICEF", "social_protection", 300_000, 2019, 2024),
    ("CERF", "UNHCR", "preparedness", 1_200_000, 2021, 2021),
    ("CERF", "UNICEF", "preparedness", 800_000, 2021, 2022),
    ("Switzerland", "JOINT", "birth_registration_nationality", 200_000, 2019, None),
    ("Private donors", "UNHCR", None, 60_000, 2019, None),
    ("Private donors", "UNICEF", None, 90_000, 2019, None),
)


def _funding(rng: np.random.Generator, cal: _Calendar) -> pl.DataFrame:
    """Pledges and receipts per donor, agency and year; the current year is still coming in."""
    rows = []
    for donor, agency, area, typical, first, last in _GRANTS:
        for year in range(first, min(last or cal.today.year, cal.today.year) + 1):
            surge = 1.5 if year in (2021, 2022) and agency == "UNHCR" else 1.0
            pledged = round(typical * surge * rng.lognormal(0, 0.15), -3)
            if year == cal.today.year:
                received_share = rng.uniform(0.2, 0.5) if donor == "United States" \
                    else rng.uniform(0.5, 0.9)
            else:
                received_share = rng.uniform(0.88, 1.0)
            rows.append({"year": year, "donor": donor, "agency": agency, "area": area,
                         "pledged_usd": float(pledged),
                         "received_usd": float(round(pledged * received_share, -2))})
    schema = {"year": pl.Int64, "donor": pl.Utf8, "agency": pl.Utf8, "area": pl.Utf8,
              "pledged_usd": pl.Float64, "received_usd": pl.Float64}
    return pl.DataFrame(rows, schema=schema).sort("year", "donor", "agency")


# ---- Targets (per indicator and year) -----------------------------------------------------------


@dataclass(frozen=True)
class _Target:
    indicator: str
    outcome: str
    goal: Callable[[float], float]  # baseline -> end-of-framework target
    decimals: int = 1


_TARGETS: tuple[_Target, ...] = (
    _Target("EDU.GER_PRIMARY", "EX-OC1", lambda b: max(95.0, b + 2)),
    _Target("EDU.GER_SECONDARY", "EX-OC1", lambda b: max(75.0, b + 5)),
    _Target("EDU.GPI", "EX-OC1", lambda b: 1.0, 2),
    _Target("EDU.DAFI", "EX-OC1", lambda b: max(b + 15, 45.0), 0),
    _Target("BRN.U5_REGISTERED_PCT", "EX-OC2", lambda b: max(95.0, b + 2)),
    _Target("STA.RESOLVED", "EX-OC2", lambda b: round(b * 1.25, -2), 0),
    _Target("STA.RESOLUTION_PCT", "EX-OC2", lambda b: max(85.0, b + 5)),
    _Target("ASY.TPR", "EX-OC3", lambda b: max(95.0, b)),
    _Target("SOL.NATURALISED", "EX-OC3", lambda b: 50.0, 0),
    _Target("LOU.ON_TRACK_PCT", "EX-OC4", lambda b: 80.0),
    _Target("FUND.RECEIVED_PCT", "EX-OC4", lambda b: max(95.0, b)),
)


def _targets(cal: _Calendar, frames: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """Yearly targets over the example framework, rising in steps from the demo's own baseline.

    The baseline is the demo's value in the year before the framework starts; the target rises
    linearly to the end-of-framework goal (rates 0–100, EDU.GPI a ratio, counts as counts).
    """
    start, end = _framework_years(cal)
    baselines = _baselines(frames, start - 1)
    rows = []
    for spec in _TARGETS:
        baseline = baselines[spec.indicator]
        goal = spec.goal(baseline)
        for year in range(start, end + 1):
            step = (year - start + 1) / (end - start + 1)
            rows.append({"indicator": spec.indicator, "year": year,
                         "baseline": round(baseline, spec.decimals),
                         "target": round(baseline + (goal - baseline) * step, spec.decimals),
                         "undaf_outcome": spec.outcome})
    schema = {"indicator": pl.Utf8, "year": pl.Int64, "baseline": pl.Float64,
              "target": pl.Float64, "undaf_outcome": pl.Utf8}
    return pl.DataFrame(rows, schema=schema)


def _baselines(frames: dict[str, pl.DataFrame], year: int) -> dict[str, float]:
    """Catalogue indicators computed from the demo frames for one calendar year (or its end)."""
    as_of = dt.date(year, 12, 31)
    edu = frames["education"].filter(pl.col("school_year").str.starts_with(str(year)))

    def ger(levels: list[str], sex: str | None = None) -> float:
        rows = edu.filter(pl.col("level").is_in(levels))
        if sex:
            rows = rows.filter(pl.col("sex") == sex)
        return _ratio(rows.get_column("enrolled").sum(), rows.get_column("school_age").sum())

    secondary = ["lower_secondary", "upper_secondary"]
    brn = frames["birth_registration"].filter(pl.col("date") == as_of)
    sta = frames["statelessness"]
    identified = sta.filter(pl.col("identified") <= as_of).height
    resolved = sta.filter(pl.col("status").is_in(["confirmed", "acquired"]),
                          pl.col("resolved") <= as_of).height
    asy = frames["asylum"].filter(pl.col("month").dt.year() == year)
    protected = asy.get_column("recognized").sum() + asy.get_column("complementary").sum()
    fund = frames["funding"].filter(pl.col("year") == year)
    naturalised = frames["solutions"].filter(pl.col("solution") == "naturalisation",
                                             pl.col("month").dt.year() == year)
    return {
        "EDU.GER_PRIMARY": 100 * ger(["primary"]),
        "EDU.GER_SECONDARY": 100 * ger(secondary),
        "EDU.GPI": _ratio(ger(secondary, "F"), ger(secondary, "M")),
        "EDU.DAFI": float(edu.get_column("dafi_scholars").sum()),
        "BRN.U5_REGISTERED_PCT": 100 * _ratio(brn.get_column("registered").sum(),
                                              brn.get_column("children_under5").sum()),
        "STA.RESOLVED": float(resolved),
        "STA.RESOLUTION_PCT": 100 * _ratio(resolved, identified),
        "ASY.TPR": 100 * _ratio(protected, protected + asy.get_column("rejected").sum()),
        "SOL.NATURALISED": float(naturalised.get_column("persons").sum()),
        "LOU.ON_TRACK_PCT": 60.0,
        "FUND.RECEIVED_PCT": 100 * _ratio(fund.get_column("received_usd").sum(),
                                          fund.get_column("pledged_usd").sum()),
    }


def _ratio(numerator: float, denominator: float) -> float:
    return float(numerator) / float(denominator) if denominator else 0.0


# ---- Scaled-up tables for benchmarks ------------------------------------------------------------

_SCALE_MAIN_ORIGINS = ("AFG", "IRN", "PAK", "UKN", "IRQ", "SYR", "UZB", "KGZ", "RUS", "CHN",
                       "IND", "TUR")


def _scale_origins() -> list[str]:
    """AFG and the usual origins first, then every other ISO country (never TJK)."""
    skip = set(_SCALE_MAIN_ORIGINS) | {"TJK", "UNK", "XXA", "STA"}
    rest = sorted(c for c in ref.countries() if c not in skip)
    return list(_SCALE_MAIN_ORIGINS) + rest


def _months_back(cal: _Calendar, count: int, ends: bool) -> pl.Series:
    """The last `count` months to today (month ends or month starts), oldest first."""
    earliest = cal.month_ends(EARLIEST) if ends else cal.months(EARLIEST)
    if count > earliest.size:
        raise ValueError("scale too large for the calendar")  # guarded by the callers
    return pl.Series(earliest[-count:])


def _dimensions(n: int, per_period: int, max_periods: int, options: int, minimum: int
                ) -> tuple[int, int]:
    """How many (periods, options) give at least `n` unique cells.

    Options (origins) are added until about seven years of months (the default demo's span)
    suffice; beyond all options, the series reaches further back, at most to 1990.
    """
    preferred = min(max_periods, 7 * 12)
    chosen = min(options, max(minimum, -(-n // (per_period * preferred))))
    periods = -(-n // (per_period * chosen))
    if periods > max_periods:
        raise ValueError(f"scale={n:,} exceeds the {options * per_period * max_periods:,} "
                         "distinct cells the demo calendar can hold")
    return periods, chosen


def _population_scaled(rng: np.random.Generator, cal: _Calendar, n: int) -> pl.DataFrame:
    """Exactly `n` population rows: every district × sex × age, many origins, monthly back from
    today (as far back as 1990), the oldest snapshot partly filled."""
    origins = _scale_origins()
    combos = [("REF", "AFG"), ("ASY", "AFG"), ("STA", "STA"), ("OIP", "AFG"), ("OOC", "AFG"),
              ("REF", "UKN"), ("ASY", "UKN"), ("OIP", "UKN")]
    combos += [(t, o) for o in origins if o not in ("AFG", "UKN") for t in ("REF", "ASY")]
    districts = list(ref.DISTRICTS)
    cells = len(districts) * len(SEXES) * len(AGES)
    max_months = cal.month_ends(EARLIEST).size
    periods, used = _dimensions(n, cells, max_months, len(combos), 8)
    dates = _months_back(cal, periods, ends=True)
    shape = (periods, used, len(districts), len(SEXES) * len(AGES))
    total = int(np.prod(shape))
    d, c, k, sa = np.unravel_index(np.arange(total - n, total, dtype=np.int64), shape)
    combo_w = np.where(np.arange(used) < 2, 20.0, 1.5)
    district_w = 1 / (1 + np.arange(len(districts)) / 4)
    _s, _a, sexage_w = _sex_age_cells(0.5, _REF_AGES)
    persons = rng.poisson(combo_w[c] * district_w[k] * sexage_w[sa] * 12)
    region_of = [ref.DISTRICTS[name][0] for name in districts]
    return pl.DataFrame({
        "date": dates.gather(d),
        "population_type": pl.Series([t for t, _o in combos[:used]]).gather(c),
        "origin": pl.Series([o for _t, o in combos[:used]]).gather(c),
        "region": pl.Series(region_of).gather(k),
        "district": pl.Series(districts).gather(k),
        "sex": pl.Series([s for s in SEXES for _ in AGES]).gather(sa),
        "age_group": pl.Series([a for _ in SEXES for a in AGES]).gather(sa),
        "persons": persons,
    })


def _solutions_scaled(rng: np.random.Generator, cal: _Calendar, n: int) -> pl.DataFrame:
    """Exactly `n` solutions rows: returns to and naturalisations from many origins, monthly."""
    origins = _scale_origins()
    regions = list(ref.REGIONS)
    cells = 2 * len(regions) * len(SEXES) * len(AGES)
    max_months = cal.months(EARLIEST).size
    periods, used = _dimensions(n, cells, max_months, len(origins), 4)
    months = _months_back(cal, periods, ends=False)
    shape = (periods, used, 2, len(regions), len(SEXES) * len(AGES))
    total = int(np.prod(shape))
    m, o, s, r, sa = np.unravel_index(np.arange(total - n, total, dtype=np.int64), shape)
    is_return = s == 0
    _s, _a, sexage_w = _sex_age_cells(0.5, _RETURN_AGES)
    persons = rng.poisson(np.where(is_return, 6.0, 0.6) * sexage_w[sa] * 12 / (1 + o))
    return pl.DataFrame({
        "month": months.gather(m),
        "solution": pl.Series(["voluntary_return", "naturalisation"]).gather(s),
        "origin": pl.Series(origins[:used]).gather(o),
        "region": pl.Series(regions).gather(r),
        "sex": pl.Series([x for x in SEXES for _ in AGES]).gather(sa),
        "age_group": pl.Series([a for _ in SEXES for a in AGES]).gather(sa),
        "persons": persons,
    }).with_columns(destination=pl.when(pl.col("solution") == "voluntary_return")
                    .then(pl.col("origin")).otherwise(pl.lit("TJK")))
