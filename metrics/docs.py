"""The indicator reference (`docs/indicators.md`), generated from the catalogue.

`hamkori docs` writes it; `tests/test_catalogue.py` fails when the file differs from `render()`,
so the reference cannot go stale.
"""

from __future__ import annotations

from metrics.catalogue import CATALOGUE, Catalogue, Indicator

SEMANTICS_TEXT = {
    "stock": "stock: the latest snapshot on or before the as-of date",
    "flow": "flow: summed over the period (up to the as-of date)",
    "cumulative": "cumulative: everything on or before the as-of date",
    "school_year": "per school year: the school year asked for, or the latest one begun by the "
                   "as-of date",
    "annual": "per calendar year: the year asked for (year periods only)",
    "plan": "status of each activity at the as-of date (DOMAIN §5)",
}
DISCLOSURE_TEXT = {
    "count": "count: values below the audience's threshold (default 5) shown as <5 for donor "
             "and UNICEF audiences; complementary suppression in tables",
    "rate": "rate: not shown to donor and UNICEF audiences when its base, numerator or "
            "complement is below the threshold (default 5)",
    "none": "not about individual people: no suppression",
}


def _measure_text(catalogue: Catalogue, name: str) -> str:
    m = catalogue.measures[name]
    source = catalogue.sources[m.source]
    columns = " + ".join(f"`{c}`" for c in m.columns)
    what = (f"median of {columns} weighted by `{m.weight}`" if m.aggregation == "median"
            else f"Σ {columns}")
    where = ", ".join(f"`{k}` ∈ {{{', '.join(v)}}}" for k, v in m.where.items())
    text = f"{what} of `{source.dataset}`"
    if where:
        text += f" where {where}"
    return f"{text} — {SEMANTICS_TEXT[m.semantics]}"


def _formula_text(catalogue: Catalogue, i: Indicator) -> list[str]:
    num = _measure_text(catalogue, i.numerator)
    if i.formula in ("value", "median"):
        return [f"- **Formula**: {num}"]
    den = _measure_text(catalogue, i.denominator)
    if i.formula == "ratio":
        scale = f" × {i.scale:g}" if i.scale != 1 else ""
        return [f"- **Formula**: numerator ÷ denominator{scale} (each summed over the cell "
                "first, then divided; a zero denominator is *not available*)",
                f"  - numerator: {num}", f"  - denominator: {den}"]
    if i.formula == "difference":
        return ["- **Formula**: first − second", f"  - first: {num}", f"  - second: {den}"]
    a, b = i.split_values
    return [f"- **Formula**: (numerator ÷ denominator for `{i.split}` = {a}) ÷ "
            f"(numerator ÷ denominator for `{i.split}` = {b})",
            f"  - numerator: {num}", f"  - denominator: {den}"]


def render(catalogue: Catalogue = CATALOGUE) -> str:
    lines = [
        "# Indicator reference",
        "",
        "<!-- Generated from metrics/catalogue.toml by `hamkori docs`. Do not edit by hand. -->",
        "",
        f"Catalogue version {catalogue.version}: {len(catalogue.indicators)} indicators. "
        "Every value carries its period, the data's as-of date and the import batches it "
        "came from. Values that cannot be computed say *no data* (the source has nothing for "
        "the period) or *not available* (e.g. a zero denominator) — never 0.",
        "",
        "| code | name | unit | source | audiences |",
        "|---|---|---|---|---|",
    ]
    for i in catalogue.indicators.values():
        source = catalogue.source_of(i)
        lines.append(f"| [`{i.code}`](#{i.code.lower().replace('.', '')}) | {i.name} | "
                     f"{i.unit} | `{source.dataset}` | {', '.join(i.audiences)} |")
    for i in catalogue.indicators.values():
        source = catalogue.source_of(i)
        links = ", ".join(f"{k.upper()} {v}" for k, v in i.links.items())
        lines += [
            "",
            f"## {i.code}",
            "",
            f"**{i.name}.** {i.definition}",
            "",
            *_formula_text(catalogue, i),
            f"- **Unit**: {i.unit}; **direction**: {i.direction} is better"
            if i.direction != "neutral" else f"- **Unit**: {i.unit}; **direction**: neutral",
            f"- **Source dataset**: `{source.dataset}` (analytics table); "
            f"**frequency**: {i.frequency.replace('_', ' ')}",
            f"- **Disaggregations**: {', '.join(f'`{d}`' for d in i.disaggregations)}",
            f"- **Disclosure**: {DISCLOSURE_TEXT[i.disclosure]}",
            f"- **Links**: {links}",
            f"- **Audiences**: {', '.join(i.audiences)}",
        ]
        if i.companion:
            lines.append(f"- **Shown alongside**: [`{i.companion}`]"
                         f"(#{i.companion.lower().replace('.', '')})")
    return "\n".join(lines) + "\n"
