"""The catalogue is sound, matches the warehouse, covers DOMAIN §4, and documents itself."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from data_access.analytics import AGG_TABLES
from metrics.catalogue import CATALOGUE, load, problems
from metrics.docs import render

ROOT = Path(__file__).resolve().parents[1]
DOMAIN = ROOT.parent / "shared" / "DOMAIN.md"

#: Every code of DOMAIN §4 (the indicator table and the official-statistics paragraph).
DOMAIN_CODES = {
    "POP.POC", "POP.REF", "POP.ASY", "POP.STA", "POP.CHILDREN_PCT", "POP.FEMALE_PCT",
    "ASY.APPLIED", "ASY.RRR", "ASY.TPR", "SOL.RETURNS", "SOL.NATURALISED", "RST.SUBMITTED",
    "RST.DEPARTED", "RST.ACCEPTANCE", "RST.DAYS_TO_DEPART", "EDU.GER_PRIMARY",
    "EDU.GER_SECONDARY", "EDU.NER", "EDU.GPI", "EDU.OUT_OF_SCHOOL", "EDU.DAFI",
    "STA.IDENTIFIED", "STA.RESOLVED", "STA.RESOLUTION_PCT", "STA.DAYS_TO_RESOLVE",
    "BRN.U5_REGISTERED_PCT", "LOU.ON_TRACK_PCT", "LOU.OVERDUE", "FUND.RECEIVED_PCT",
    "OFF.REF", "OFF.ASY", "OFF.OIP", "OFF.STA", "OFF.IDP", "OFF.RETURNS_FROM", "OFF.RETURNED",
    "OFF.RESETTLED", "OFF.NATURALISED", "OFF.APPLIED", "OFF.RECOGNIZED", "OFF.RRR",
}


def test_catalogue_has_no_problems():
    assert problems(CATALOGUE) == []


def test_every_domain_indicator_is_in_the_catalogue():
    assert DOMAIN_CODES - set(CATALOGUE.indicators) == set()


@pytest.mark.skipif(not DOMAIN.exists(), reason="../shared/DOMAIN.md is not beside the repository")
def test_the_code_list_above_is_the_one_in_domain_md():
    text = DOMAIN.read_text(encoding="utf-8")
    section = text[text.index("## 4."):text.index("## 5.")]
    codes = set(re.findall(r"`([A-Z]{3,4}\.[A-Z0-9_]+)`", section))
    assert codes == DOMAIN_CODES


def table_columns(source) -> set[str]:
    table = AGG_TABLES[source.dataset]
    return {source.rename.get(c.name, c.name) for c in table.columns}


def test_every_source_dimension_and_time_column_exists_in_its_analytics_table():
    for source in CATALOGUE.sources.values():
        assert source.dataset in AGG_TABLES, source.name
        columns = table_columns(source)
        missing = {source.time, *source.dimensions} - columns
        assert not missing, f"{source.name}: {missing}"


def test_every_measure_column_and_filter_exists_in_its_analytics_table():
    for measure in CATALOGUE.measures.values():
        source = CATALOGUE.sources[measure.source]
        columns = table_columns(source)
        if measure.semantics == "plan":  # computed per activity by metrics/joint_plan.py
            assert set(measure.columns) <= {"due", "on_track_or_completed", "overdue", "active"}
            continue
        used = {*measure.columns, *measure.where, *([measure.weight] if measure.weight else [])}
        assert used <= columns, f"{measure.name}: {used - columns}"


def test_a_catalogue_with_mistakes_is_reported(tmp_path):
    text = (ROOT / "metrics" / "catalogue.toml").read_text(encoding="utf-8")
    broken = text.replace('numerator = "ref_persons"', 'numerator = "no_such_measure"', 1)
    broken = broken.replace('disaggregations = ["origin"]\nfrequency = "monthly"',
                            'disaggregations = ["origin", "colour"]\nfrequency = "monthly"', 1)
    broken = broken.replace('name = "Asylum-seekers"', 'name = ""', 1)
    path = tmp_path / "catalogue.toml"
    path.write_text(broken, encoding="utf-8")
    found = "\n".join(problems(load(path)))
    assert "POP.REF: unknown measure 'no_such_measure'" in found
    assert "ASY.APPLIED: disaggregation 'colour'" in found
    assert "POP.ASY: name is empty" in found
    assert "measure ref_persons: not used" in found


def test_duplicate_codes_are_refused(tmp_path):
    text = (ROOT / "metrics" / "catalogue.toml").read_text(encoding="utf-8")
    path = tmp_path / "catalogue.toml"
    path.write_text(text.replace('code = "POP.ASY"', 'code = "POP.REF"'), encoding="utf-8")
    with pytest.raises(ValueError, match="duplicate indicator codes.*POP.REF"):
        load(path)


def test_the_generated_reference_is_up_to_date():
    """Run `hamkori docs` after changing metrics/catalogue.toml."""
    assert (ROOT / "docs" / "indicators.md").read_text(encoding="utf-8") == render()


def test_the_reference_documents_every_indicator_and_field():
    text = render()
    for indicator in CATALOGUE.indicators.values():
        section = text[text.index(f"## {indicator.code}\n"):]
        section = section[:section.find("\n## ", 1) if "\n## " in section[1:] else None]
        assert indicator.definition in section
        for label in ("Formula", "Unit", "Source dataset", "Disaggregations", "Disclosure",
                      "Links", "Audiences"):
            assert f"**{label}**" in section, (indicator.code, label)


def test_audiences_see_what_domain_section_1_allows():
    unicef = {i.code for i in CATALOGUE.for_audience("unicef")}
    assert not {c for c in unicef if c.startswith(("ASY.", "RST.", "SOL."))}
    assert {"EDU.GER_PRIMARY", "BRN.U5_REGISTERED_PCT", "STA.RESOLVED", "POP.POC",
            "LOU.ON_TRACK_PCT"} <= unicef
    assert set(CATALOGUE.indicators) == {i.code for i in CATALOGUE.for_audience("unhcr")}
    assert set(CATALOGUE.indicators) == {i.code for i in CATALOGUE.for_audience("admin")}
    donor = CATALOGUE.indicator("POP.POC")
    assert "district" not in CATALOGUE.allowed_dimensions(donor, "donor")
    assert "district" in CATALOGUE.allowed_dimensions(donor, "unicef")
