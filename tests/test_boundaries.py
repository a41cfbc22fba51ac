"""Boundary files for the maps: `hamkori import boundaries FILE.geojson`, all or nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from data_access import boundaries, importer, schema

GEO = Path(__file__).resolve().parents[2] / "shared" / "reference" / "geo"


def geo_file(level: str) -> Path:
    path = GEO / f"geoBoundaries-TJK-{level}_simplified.geojson"
    if not path.exists():
        pytest.skip("../shared/reference/geo is not beside the repository")
    return path


def current(engine):
    with engine.connect() as conn:
        return boundaries.load(conn)


def stored_rows(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(schema.table_for("boundaries"))
                            ).scalar_one()


def feature(name: str, geometry: dict, level: str = "ADM1", iso: str = "") -> dict:
    return {"type": "Feature", "geometry": geometry,
            "properties": {"shapeName": name, "shapeISO": iso, "shapeType": level}}


SQUARE = {"type": "Polygon", "coordinates": [[[68.0, 38.0], [69.0, 38.0], [69.0, 39.0],
                                              [68.0, 38.0]]]}


def collection(*features) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features)}).encode()


def test_geoboundaries_regions_and_districts_import_on_both_backends(any_engine):
    for level in ("ADM1", "ADM2"):
        importer.import_file(any_engine, "boundaries", geo_file(level), user="test")
    shapes = current(any_engine)
    regions = shapes.filter(shapes["level"] == "ADM1")
    assert sorted(regions["code"]) == ["TJ-DU", "TJ-GB", "TJ-KT", "TJ-RA", "TJ-SU"]
    assert regions["code"].to_list() == regions["region"].to_list()
    districts = {r["code"]: r["region"] for r in shapes.filter(shapes["level"] == "ADM2")
                 .iter_rows(named=True)}
    assert len(districts) == 58
    # "Vahdat District" is the gazetteer's Vahdat; renamed districts find their new name
    assert districts["Vahdat"] == "TJ-RA" and districts["Rudaki"] == "TJ-RA"
    assert districts["Jaihun"] == "TJ-KT"  # Qumsangir in the file
    assert districts["Sangvor"] == "TJ-RA"  # Tavildara in the file
    assert {code for code, region in districts.items() if region is None} == {"Khuroson", "Rumi"}
    rings = boundaries.rings(regions.filter(regions["code"] == "TJ-DU")["geometry"][0])
    assert all(67 < lon < 76 and 36 < lat < 42 for ring in rings for lon, lat in ring)


def test_a_bad_feature_refuses_the_whole_file_and_writes_nothing(engine):
    bad = collection(
        feature("Dushanbe", SQUARE, iso="TJ-DU"),
        feature("Atlantis", SQUARE, iso="XX-AT"),  # not a region of Tajikistan
        feature("Sughd Region", {"type": "Point", "coordinates": [69.6, 40.3]}, iso="TJ-SU"),
        feature("Khatlon", SQUARE, level="ADM9"),
    )
    with pytest.raises(importer.ImportRefused) as refused:
        importer.import_file(engine, "boundaries", bad, user="test", file_name="bad.geojson")
    reasons = " ".join(refused.value.problems["reason"].to_list())
    assert "region not recognised" in reasons
    assert "not a GeoJSON Polygon or MultiPolygon" in reasons
    assert "unknown code" in reasons  # level ADM9
    assert stored_rows(engine) == 0


FLAT = {"type": "Polygon", "coordinates": [[68.0, 38.0], [69.0, 38.0], [69.0, 39.0],
                                           [68.0, 38.0]]}  # one nesting level missing


def test_a_malformed_polygon_is_refused(engine):
    engine_for_test = [engine]
    for geometry in (FLAT, {"type": "Polygon", "coordinates": [[[68.0, 38.0], [69.0, 38.0]]]},
                     {"type": "Polygon", "coordinates": [[["a", "b"]] * 4]}):
        with pytest.raises(importer.ImportRefused) as refused:
            importer.import_file(engine_for_test[0], "boundaries",
                                 collection(feature("Dushanbe", geometry, iso="TJ-DU")),
                                 user="test", file_name="flat.geojson")
        assert "not a GeoJSON Polygon" in refused.value.problems["reason"][0]


@pytest.mark.parametrize("data", [b"not json", b'{"type": "Feature"}', b"\xff\xfe\x00",
                                  b"[1, 2]", b'{"type": "FeatureCollection", "features": ["x"]}'])
def test_a_file_that_is_not_geojson_is_refused(engine, data):
    with pytest.raises(importer.ImportRefused, match="GeoJSON"):
        importer.import_file(engine, "boundaries", data, user="test", file_name="x.geojson")
    assert stored_rows(engine) == 0


def test_a_new_file_replaces_the_level_and_rollback_restores_it(engine):
    first = importer.import_file(engine, "boundaries", collection(
        feature("Dushanbe", SQUARE, iso="TJ-DU")), user="test", file_name="one.geojson")
    second = importer.import_file(engine, "boundaries", collection(
        feature("Dushanbe", SQUARE, iso="TJ-DU"), feature("Sughd Region", SQUARE, iso="TJ-SU")),
        user="test", file_name="two.geojson", replace=True)
    assert sorted(current(engine)["code"]) == ["TJ-DU", "TJ-SU"]
    importer.rollback(engine, second.batch_id, user="test")
    assert current(engine)["code"].to_list() == ["TJ-DU"]
    assert first.batch_id < second.batch_id
