"""Administrative boundaries for the maps: the current `boundaries` rows, geometry parsed.

Imported like any dataset (`hamkori import boundaries FILE.geojson`, see `readers.read_geojson`),
so a boundary file is versioned, recorded and can be rolled back. Nothing is fetched from the
internet: without an imported file the maps draw proportional circles at `REGION_CENTRES`.
"""

from __future__ import annotations

import json

import polars as pl
from sqlalchemy import Connection, select

from data_access import schema

LEVELS = ("ADM1", "ADM2")


def load(connection: Connection) -> pl.DataFrame:
    """level, code, name, region, geometry (the GeoJSON text) of the current boundaries."""
    table = schema.table_for("boundaries")
    statement = (select(table.c.level, table.c.code, table.c.name, table.c.region,
                        table.c.geometry)
                 .where(table.c.superseded_by.is_(None))
                 .order_by(table.c.level, table.c.code))
    rows = connection.execute(statement).all()
    return pl.DataFrame([tuple(r) for r in rows], orient="row",
                        schema={"level": pl.String, "code": pl.String, "name": pl.String,
                                "region": pl.String, "geometry": pl.String})


def rings(geometry: str) -> list[list[tuple[float, float]]]:
    """The outer ring of every polygon of a GeoJSON (Multi)Polygon, as (lon, lat) pairs; a
    shape that cannot be read (validation refuses them on import) gives no ring."""
    try:
        shape = json.loads(geometry)
        polygons = (shape["coordinates"] if shape["type"] == "MultiPolygon"
                    else [shape["coordinates"]])
        return [[(float(x), float(y)) for x, y, *_ in polygon[0]]
                for polygon in polygons if polygon]
    except (ValueError, TypeError, KeyError, IndexError):
        return []
