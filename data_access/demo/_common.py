"""Shared machinery of the demo generator: calendar, constants, random draws, allocation.

`_rng` gives each dataset its own seeded generator; `_Calendar` fixes the months from
`FIRST_YEAR` to `today`; `_allocate` / `_long` turn shares into integer cells and long
frames; the case-level helpers (`_random_days`, `_choice`, `_labels`, `_case_ids`) draw
one-row-per-case tables; `_conform` gives every frame its contract columns and types.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

import numpy as np
import polars as pl

from data_access import datasets as ds
from data_access import reference as ref

#: First month of the monthly series (population, asylum, solutions).
FIRST_YEAR = 2019
#: Earliest date any scaled-up series may reach back to (validation accepts 1990 onwards).
EARLIEST = dt.date(1990, 1, 1)

SEXES: tuple[str, ...] = tuple(ref.SEXES)  # ("F", "M")
AGES: tuple[str, ...] = ref.AGE_GROUPS
#: Districts that are sub-divisions of Dushanbe city: the demo reports Dushanbe as one district.
_CITY_DISTRICTS = ("Sino", "Firdavsi", "Ismoili Somoni", "Shohmansur")
DEMO_DISTRICTS: tuple[str, ...] = tuple(d for d in ref.DISTRICTS if d not in _CITY_DISTRICTS)


# ---- Calendar, generators and allocation --------------------------------------------------------


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


# ---- Case-level draws (resettlement, statelessness) ---------------------------------------------


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


# ---- Contract columns and types -----------------------------------------------------------------


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
