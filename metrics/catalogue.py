"""The indicator catalogue (DOMAIN §4): `catalogue.toml` read into frozen dataclasses.

`CATALOGUE` is loaded once at import. `problems(catalogue)` lists everything wrong with a
catalogue (unresolved references, duplicate codes, empty fields, a disaggregation its source does
not have, …); `tests/test_catalogue.py` requires it to be empty and also checks every column
against the analytics tables. The engine (`engine.py`) reads nothing but these objects.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from locales import _

CATALOGUE_FILE = Path(__file__).with_name("catalogue.toml")

SEMANTICS = ("stock", "flow", "cumulative", "school_year", "annual", "plan")
AGGREGATIONS = ("sum", "median")
FORMULAS = ("value", "ratio", "difference", "parity", "median")
UNITS = ("persons", "cases", "percent", "index", "days", "activities")
DIRECTIONS = ("higher", "lower", "neutral")
DISCLOSURES = ("count", "rate", "none")
FREQUENCIES = ("snapshot", "monthly", "school_year", "annual", "continuous")
LINK_KEYS = ("compass", "sdg", "undaf")
COUNTRY_PLACEHOLDER = "$country"


@dataclass(frozen=True)
class Source:
    name: str
    dataset: str  # data_access dataset whose analytics table this reads
    time: str
    dimensions: tuple[str, ...]
    rename: Mapping[str, str] = field(default_factory=dict)  # table column -> catalogue name


@dataclass(frozen=True)
class Measure:
    name: str
    source: str
    columns: tuple[str, ...]  # summed together
    semantics: str
    aggregation: str = "sum"
    weight: str | None = None  # for a median: the column counting the cases behind each value
    where: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    definition: str
    formula: str
    numerator: str
    unit: str
    direction: str
    disclosure: str
    disaggregations: tuple[str, ...]
    frequency: str
    links: Mapping[str, str]
    audiences: tuple[str, ...]
    denominator: str | None = None
    scale: float = 1.0
    split: str | None = None
    split_values: tuple[str, ...] = ()
    companion: str | None = None

    @property
    def measures(self) -> tuple[str, ...]:
        return tuple(m for m in (self.numerator, self.denominator) if m)


@dataclass(frozen=True)
class Audience:
    code: str
    title: str
    excluded_dimensions: tuple[str, ...]


@dataclass(frozen=True)
class Catalogue:
    version: int
    audiences: Mapping[str, Audience]
    sources: Mapping[str, Source]
    measures: Mapping[str, Measure]
    indicators: Mapping[str, Indicator]  # in catalogue order

    def indicator(self, code: str) -> Indicator:
        try:
            return self.indicators[code]
        except KeyError:
            raise KeyError(f"unknown indicator {code!r}; see docs/indicators.md") from None

    def source_of(self, indicator: Indicator) -> Source:
        return self.sources[self.measures[indicator.numerator].source]

    def for_audience(self, audience: str) -> list[Indicator]:
        return [i for i in self.indicators.values() if audience in i.audiences]

    def allowed_dimensions(self, indicator: Indicator, audience: str) -> tuple[str, ...]:
        excluded = self.audiences[audience].excluded_dimensions if audience in self.audiences else ()
        return tuple(d for d in indicator.disaggregations if d not in excluded)


def _tuple(value) -> tuple:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(value)


def load(path: Path = CATALOGUE_FILE) -> Catalogue:
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    audiences = {
        code: Audience(code, spec["title"], _tuple(spec.get("excluded_dimensions")))
        for code, spec in raw.get("audiences", {}).items()
    }
    sources = {
        name: Source(name, spec["dataset"], spec["time"], _tuple(spec.get("dimensions")),
                     MappingProxyType(dict(spec.get("rename", {}))))
        for name, spec in raw.get("sources", {}).items()
    }
    measures = {
        name: Measure(
            name, spec["source"], _tuple(spec.get("columns")), spec["semantics"],
            spec.get("aggregation", "sum"), spec.get("weight"),
            MappingProxyType({k: _tuple(v) for k, v in spec.get("where", {}).items()}),
        )
        for name, spec in raw.get("measures", {}).items()
    }
    indicators: dict[str, Indicator] = {}
    duplicates = []
    for spec in raw.get("indicator", []):
        spec = dict(spec)
        for key in ("disaggregations", "audiences", "split_values"):
            spec[key] = _tuple(spec.get(key))
        spec["links"] = MappingProxyType(dict(spec.get("links", {})))
        indicator = Indicator(**spec)
        if indicator.code in indicators:
            duplicates.append(indicator.code)
        indicators[indicator.code] = indicator
    catalogue = Catalogue(raw.get("version", 0), MappingProxyType(audiences),
                          MappingProxyType(sources), MappingProxyType(measures),
                          MappingProxyType(indicators))
    if duplicates:
        raise ValueError(f"duplicate indicator codes in {path.name}: {', '.join(duplicates)}")
    return catalogue


def problems(catalogue: Catalogue) -> list[str]:
    """Everything wrong with the catalogue, as sentences (empty when it is sound)."""
    found: list[str] = []
    for source in catalogue.sources.values():
        if not source.dimensions:
            found.append(f"source {source.name}: no dimensions")
    for m in catalogue.measures.values():
        where = f"measure {m.name}"
        if m.source not in catalogue.sources:
            found.append(f"{where}: unknown source {m.source!r}")
        if not m.columns:
            found.append(f"{where}: no columns")
        if m.semantics not in SEMANTICS:
            found.append(f"{where}: semantics {m.semantics!r} not in {SEMANTICS}")
        if m.aggregation not in AGGREGATIONS:
            found.append(f"{where}: aggregation {m.aggregation!r} not in {AGGREGATIONS}")
        if m.aggregation == "median" and (not m.weight or len(m.columns) != 1):
            found.append(f"{where}: a median needs one column and a weight")
        for column, values in m.where.items():
            if not values:
                found.append(f"{where}: empty filter on {column}")
    used = {name for i in catalogue.indicators.values() for name in i.measures}
    for unused in sorted(set(catalogue.measures) - used):
        found.append(f"measure {unused}: not used by any indicator")
    for i in catalogue.indicators.values():
        found += _indicator_problems(catalogue, i)
    return found


def _indicator_problems(catalogue: Catalogue, i: Indicator) -> list[str]:
    where = f"indicator {i.code}"
    found = []
    for name in ("code", "name", "definition", "formula", "numerator", "unit", "direction",
                 "disclosure", "frequency"):
        if not str(getattr(i, name) or "").strip():
            found.append(f"{where}: {name} is empty")
    if not i.disaggregations:
        found.append(f"{where}: no disaggregations")
    if not i.audiences:
        found.append(f"{where}: no audiences")
    for value, allowed, name in ((i.formula, FORMULAS, "formula"), (i.unit, UNITS, "unit"),
                                 (i.direction, DIRECTIONS, "direction"),
                                 (i.disclosure, DISCLOSURES, "disclosure"),
                                 (i.frequency, FREQUENCIES, "frequency")):
        if value not in allowed:
            found.append(f"{where}: {name} {value!r} not in {allowed}")
    for audience in i.audiences:
        if audience not in catalogue.audiences:
            found.append(f"{where}: unknown audience {audience!r}")
    if set(i.links) != set(LINK_KEYS) or any(not str(v).strip() for v in i.links.values()):
        found.append(f"{where}: links must give {', '.join(LINK_KEYS)} ('n/a' when none)")
    for name in i.measures:
        if name not in catalogue.measures:
            found.append(f"{where}: unknown measure {name!r}")
    if found:
        return found
    needs_denominator = i.formula in ("ratio", "difference", "parity")
    if needs_denominator != (i.denominator is not None):
        found.append(f"{where}: formula {i.formula} {'needs' if needs_denominator else 'takes no'} "
                     "denominator")
    if i.formula == "parity" and (not i.split or len(i.split_values) != 2):
        found.append(f"{where}: parity needs split and two split_values")
    numerator = catalogue.measures[i.numerator]
    if (i.formula == "median") != (numerator.aggregation == "median"):
        found.append(f"{where}: a median formula needs a median measure (and only it)")
    sources = {catalogue.measures[m].source for m in i.measures}
    if len(sources) != 1:
        found.append(f"{where}: measures from several sources {sorted(sources)}")
    source = catalogue.sources[numerator.source]
    for dim in i.disaggregations:
        if dim not in source.dimensions:
            found.append(f"{where}: disaggregation {dim!r} not a dimension of source {source.name}")
    if i.split and i.split in i.disaggregations:
        found.append(f"{where}: cannot be disaggregated by its split {i.split!r}")
    if i.companion and i.companion not in catalogue.indicators:
        found.append(f"{where}: unknown companion {i.companion!r}")
    if i.unit in ("persons", "cases") and i.disclosure != "count":
        found.append(f"{where}: counts of people need disclosure = 'count'")
    return found


CATALOGUE = load()


# ---------------------------------------------------------------------------- in the language
# The catalogue is written in English; its names, definitions, units and audience titles are
# messages of the gettext catalogue (`locales.messages` extracts them from catalogue.toml), so
# they are translated where they are shown, through these functions.
def indicator_name(code: str, catalogue: Catalogue = CATALOGUE) -> str:
    """The indicator's name in the current language."""
    return _(catalogue.indicator(code).name)


def indicator_definition(code: str, catalogue: Catalogue = CATALOGUE) -> str:
    """The indicator's definition in the current language."""
    return _(catalogue.indicator(code).definition)


def unit_name(unit: str) -> str:
    """A catalogue unit ('persons', 'percent', …) as a word of the current language."""
    return _(unit)


def audience_title(code: str, catalogue: Catalogue = CATALOGUE) -> str:
    """Who an audience is ('Donors (briefing by screen-share)'), in the current language."""
    audience = catalogue.audiences.get(code)
    return _(audience.title) if audience else code
