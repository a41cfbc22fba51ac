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

Layout of the package (everything underscored is private to it):

- `__init__` — this docstring, the public API (`generate`, `load_demo`) and its constants;
- `_common` — calendar, per-dataset generators, allocation and case-level helpers, `_conform`;
- `people` — population stock, statelessness cases, education, birth registration;
- `flows` — asylum, solutions (returns, naturalisation), resettlement;
- `plan` — example framework, Joint Plan of Action, funding, targets;
- `updates` — quarterly progress updates on the joint plan, with dual sign-off;
- `scaled` — the `scale=N` generators for benchmarks.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from data_access.demo._common import (
    AGES,
    DEMO_DISTRICTS,
    EARLIEST,
    FIRST_YEAR,
    SEXES,
    _Calendar,
    _conform,
    _rng,
)
from data_access.demo.flows import (
    APPLIED_AFG,
    NATURALISED,
    RETURNS_AFG,
    _asylum,
    _resettlement,
    _solutions,
)
from data_access.demo.people import (
    ASY_AFG,
    LEVELS,
    POPULATION_GROUPS,
    REF_AFG,
    _birth_registration,
    _education,
    _population,
    _statelessness,
)
from data_access.demo.plan import ACTIVITIES, _framework, _funding, _joint_plan, _targets
from data_access.demo.scaled import _population_scaled, _solutions_scaled
from data_access.demo.updates import _joint_plan_updates

__all__ = [
    "ACTIVITIES", "AGES", "APPLIED_AFG", "ASY_AFG", "DATASET_NAMES", "DEFAULT_TODAY",
    "DEMO_DISTRICTS", "EARLIEST", "FIRST_YEAR", "LEVELS", "NATURALISED", "POPULATION_GROUPS",
    "REF_AFG", "RETURNS_AFG", "SCALED", "SEXES", "generate", "load_demo",
]

DEFAULT_TODAY = dt.date(2025, 12, 31)

#: Office datasets in import order: the framework before the targets and activities that cite it,
#: the activities before their progress updates.
DATASET_NAMES: tuple[str, ...] = (
    "framework", "targets", "joint_plan", "joint_plan_updates", "funding", "population", "asylum",
    "solutions", "resettlement", "education", "statelessness", "birth_registration",
)
#: Tables that `scale=N` makes exactly N rows long.
SCALED = ("population", "solutions", "statelessness", "resettlement")


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
    frames["joint_plan_updates"] = _joint_plan_updates(
        _rng(seed, "joint_plan_updates"), cal, frames["joint_plan"])
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
    from data_access.importer import ImportRefused, import_frame, list_batches

    demo_files = {f"demo-seed{seed}-{name}.csv" for name in DATASET_NAMES}
    other = list_batches(engine).filter(~pl.col("file_name").is_in(list(demo_files)))
    if other.height:
        # a half-loaded demo over real data would help nobody: refuse before writing anything
        raise ImportRefused(
            f"the warehouse already holds {other.height} other import batch(es); the demo loads "
            "only into an empty warehouse (or one holding this same demo)")
    frames = generate(seed=seed, scale=scale)
    return [
        import_frame(engine, name, frames[name], file_name=f"demo-seed{seed}-{name}.csv",
                     user="demo", progress=progress)
        for name in DATASET_NAMES
    ]

