"""A demo warehouse for page tests: the generated demo, the region boundaries and Tajikistan's
published UNHCR statistics (the real files in ../shared/reference, read from there)."""

from __future__ import annotations

from pathlib import Path

from data_access import demo, importer
from data_access.engine import make_engine
from data_access.warehouse import upgrade

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "reference"
#: dataset -> Tajikistan's extract (PROVENANCE.md in ../shared/reference).
OFFICIAL = {"unhcr-population": "population_tjk.csv", "unhcr-solutions": "solutions_tjk.csv",
            "unhcr-asylum-applications": "asylum_applications_tjk.csv",
            "unhcr-asylum-decisions": "asylum_decisions_tjk.csv"}
BOUNDARIES = SHARED / "geo" / "geoBoundaries-TJK-ADM1_simplified.geojson"


def build(path: Path, *, boundaries: bool = True) -> str:
    """Create the warehouse at `path`; returns its URL."""
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    upgrade(engine)
    demo.load_demo(engine, seed=1)
    if boundaries and BOUNDARIES.exists():
        importer.import_file(engine, "boundaries", BOUNDARIES, user="test")
    for dataset, name in OFFICIAL.items():
        source = SHARED / "unhcr" / "tjk" / name
        if source.exists():
            importer.import_file(engine, dataset, source, user="test")
    engine.dispose()
    return url
