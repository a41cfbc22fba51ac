"""Scaled-up tables for benchmarks (`generate(scale=N)`): exactly N rows, unique grain.

Population and solutions get dedicated generators here (many origins, monthly back from
today as far as 1990); statelessness and resettlement reuse their case generators with `n`.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from data_access import reference as ref
from data_access.demo._common import (
    AGES,
    EARLIEST,
    SEXES,
    _Calendar,
    _sex_age_cells,
)
from data_access.demo.flows import _RETURN_AGES
from data_access.demo.people import _REF_AGES

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
