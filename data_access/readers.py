"""Read an uploaded file into a frame of strings, whatever its form.

Accepted: CSV in UTF-8, UTF-8 with BOM or Windows-1251; XLSX; a ZIP holding one of those (as the
Refugee Data Finder serves its downloads). Every cell comes back as a string (or null), so that
validation sees exactly what the partner wrote. Headers are matched to the dataset's columns case-
and space-insensitively, and through the column's aliases. Lines before the header (a download's
title and notes) are skipped. A lone "-" means an empty cell.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from dataclasses import dataclass

import polars as pl

from data_access import reference as ref
from data_access.datasets import Dataset
from locales import _

ROW = "_row"  # the line number in the file, for error messages


class UnreadableFile(ValueError):
    """The file is not a CSV/XLSX/ZIP we can read; the message says why."""


@dataclass
class RawTable:
    frame: pl.DataFrame  # columns renamed to the dataset's, all Utf8, plus ROW
    unknown_columns: list[str]  # headers that match no column of the dataset
    missing_columns: list[str]  # required columns absent from the file
    encoding: str


def normalise_header(name: str) -> str:
    """'Country of asylum (ISO)' -> 'country of asylum iso'; 'coa_iso' -> 'coa iso'."""
    return " ".join(re.sub(r"[^0-9a-zа-яё+]+", " ", name.casefold().replace("’", "'").replace("'", "")).split())


def _header_map(dataset: Dataset) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for column in dataset.columns:
        for spelling in (column.name, *column.aliases):
            mapping.setdefault(normalise_header(spelling), column.name)
    return mapping


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode CSV bytes: UTF-8 (with or without BOM), else Windows-1251."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1251"), "windows-1251"
    except UnicodeDecodeError as exc:  # cp1251 maps almost every byte; this is rare
        raise UnreadableFile(_("the file is neither UTF-8 nor Windows-1251 text")) from exc


def _csv_rows(text: str) -> list[list[str]]:
    sample = text[:20000]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    try:  # newline="": line ends inside quotes stay; old-Mac "\r" line ends are lines too
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise UnreadableFile(_("the CSV cannot be read ({reason}); save it again as CSV "
                               "(UTF-8)").format(reason=exc)) from None


def _xlsx_rows(data: bytes, sheet: str | None = None) -> list[list[str]]:
    try:
        options = {"sheet_name": sheet} if sheet else {}
        frame = pl.read_excel(io.BytesIO(data), engine="calamine", has_header=False,
                              infer_schema_length=0, **options)
    except Exception as exc:  # fastexcel raises its own error types
        raise UnreadableFile(_("the spreadsheet could not be read: {reason}").format(
            reason=exc)) from exc
    rows = []
    for record in frame.iter_rows():
        rows.append(["" if v is None else _excel_cell(v) for v in record])
    return rows


def _excel_cell(value: object) -> str:
    text = str(value)
    # Spreadsheet numbers arrive as "12.0"; dates as "2025-06-30 00:00:00".
    if re.fullmatch(r"-?\d+\.0+", text):
        return text.split(".")[0]
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}[ T]00:00:00(\.0+)?", text):
        return text[:10]
    return text


def _unzip(data: bytes) -> tuple[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = [m for m in archive.namelist()
                   if m.lower().endswith((".csv", ".xlsx")) and not m.startswith("__MACOSX")]
        if not members:
            raise UnreadableFile(_("the ZIP archive holds no .csv or .xlsx file"))
        # A Refugee Data Finder download may carry a notes file too: take the largest table.
        member = max(members, key=lambda m: archive.getinfo(m).file_size)
        return member, archive.read(member)


def read_rows(data: bytes, file_name: str, sheet: str | None = None
              ) -> tuple[list[list[str]], str]:
    """The file's cells as lists of strings, and how it was decoded (`sheet`: of a workbook)."""
    name = file_name.lower()
    if data[:4] == b"PK\x03\x04" and not name.endswith(".xlsx"):
        file_name, data = _unzip(data)
        name = file_name.lower()
    if name.endswith(".xlsx") or data[:4] == b"PK\x03\x04":
        return _xlsx_rows(data, sheet), "xlsx"
    if name.endswith(".xls"):
        raise UnreadableFile(_("old .xls workbooks are not supported: save the sheet as .xlsx or "
                               "CSV"))
    text, encoding = decode_text(data)
    return _csv_rows(text), encoding


def read_table(data: bytes, file_name: str, dataset: Dataset, sheet: str | None = None
               ) -> RawTable:
    if dataset.name == "boundaries":
        return read_geojson(data, file_name)
    rows, encoding = read_rows(data, file_name, sheet)
    mapping = _header_map(dataset)
    header_index = _find_header(rows, mapping)
    if header_index is None:
        expected = ", ".join(dataset.column_names)
        raise UnreadableFile(
            _("no header row with the columns of '{dataset}' was found; expected: {columns}")
            .format(dataset=dataset.name, columns=expected))
    header = rows[header_index]
    names: list[str] = []
    unknown: list[str] = []
    seen: set[str] = set()
    for position, raw in enumerate(header):
        target = mapping.get(normalise_header(raw))
        if target is None or target in seen:
            if raw.strip():
                unknown.append(raw.strip())
            names.append(f"_ignored_{position}")
        else:
            seen.add(target)
            names.append(target)
    body = rows[header_index + 1:]
    width = len(names)
    records = []
    line_numbers = []
    for offset, row in enumerate(body):
        if not any(cell.strip() for cell in row):
            continue  # blank lines and trailing empty spreadsheet rows
        cells = (row + [""] * width)[:width]
        records.append(cells)
        line_numbers.append(header_index + 2 + offset)
    columns = {
        name: [_clean(r[i]) for r in records] for i, name in enumerate(names)
        if not name.startswith("_ignored_")
    }
    frame = pl.DataFrame({ROW: line_numbers, **columns},
                         schema={ROW: pl.Int64, **{n: pl.Utf8 for n in columns}})
    missing = [c.name for c in dataset.columns if c.required and c.name not in columns]
    # Optional columns absent from the file are simply empty.
    for column in dataset.columns:
        if column.name not in frame.columns:
            frame = frame.with_columns(pl.lit(None, dtype=pl.Utf8).alias(column.name))
    frame = frame.select(ROW, *dataset.column_names)
    return RawTable(frame, unknown, missing, encoding)


def _clean(cell: str) -> str | None:
    cell = cell.strip()
    return None if cell in ("", "-") else cell


def _find_header(rows: list[list[str]], mapping: dict[str, str]) -> int | None:
    """The first of the leading lines that names at least two of the dataset's columns."""
    for index, row in enumerate(rows[:50]):
        hits = {mapping[h] for h in (normalise_header(c) for c in row) if h in mapping}
        if len(hits) >= min(2, len(set(mapping.values()))):
            return index
    return None


# ------------------------------------------------------------------------------ boundaries
#: Suffixes of boundary names that the gazetteer leaves out ("Hisor District" is Hisor).
_ADMIN_SUFFIXES = (" district", " region", " raion", " nohiya", " city", " autonomous region")
#: Coordinates are kept to 4 decimals (about 10 m): plenty for a map, a quarter of the size.
_DECIMALS = 4


def read_geojson(data: bytes, file_name: str) -> RawTable:
    """A GeoJSON FeatureCollection of regions (ADM1) or districts (ADM2) as `boundaries` rows.

    The level comes from each feature's `shapeType` (geoBoundaries) or `level` property. A
    region is matched on its ISO 3166-2 code (`shapeISO`) or name, a district on its name in the
    gazetteer (English or Cyrillic, "… District" dropped); a district the gazetteer lacks keeps
    its own name, with no region. Geometry other than (Multi)Polygon is refused by validation."""
    try:
        collection = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UnreadableFile(f"not a GeoJSON file ({exc})") from exc
    features = collection.get("features") if isinstance(collection, dict) else None
    if (not isinstance(collection, dict) or collection.get("type") != "FeatureCollection"
            or not isinstance(features, list)):
        raise UnreadableFile("not a GeoJSON FeatureCollection")
    if not all(isinstance(feature, dict) for feature in features):
        raise UnreadableFile("a feature of the collection is not a GeoJSON object")
    columns: dict[str, list[str | None]] = {n: [] for n in ("level", "code", "name", "region",
                                                             "geometry")}
    for feature in features:
        properties = feature.get("properties") or {}
        level = str(properties.get("shapeType") or properties.get("level") or "").upper() or None
        name = str(properties.get("shapeName") or properties.get("name") or "").strip() or None
        code, region = _boundary_code(level, name, properties)
        geometry = feature.get("geometry") or {}
        columns["level"].append(level)
        columns["code"].append(code)
        columns["name"].append(name)
        columns["region"].append(region)
        columns["geometry"].append(_geometry_text(geometry))
    frame = pl.DataFrame({ROW: list(range(1, len(features) + 1)), **columns},
                         schema={ROW: pl.Int64, **dict.fromkeys(columns, pl.Utf8)})
    return RawTable(frame, [], [], "utf-8")


def _boundary_code(level: str | None, name: str | None, properties: dict
                   ) -> tuple[str | None, str | None]:
    """(code, region) of a feature: see `read_geojson`."""
    if name is None:
        return None, None
    base = name
    for suffix in _ADMIN_SUFFIXES:
        if base.lower().endswith(suffix):
            base = base[: -len(suffix)].strip()
    if level == "ADM1":
        iso = str(properties.get("shapeISO") or "").upper()
        if iso in ref.REGIONS:
            return iso, iso
        folded = base.lower()
        for code, region_name in ref.REGIONS.items():
            if folded and (folded in region_name.lower() or region_name.lower() in folded):
                return code, code
        return base, None  # refused by validation: the region column must be a known region
    district = ref.canonical_district(base)
    if district is None:
        return base, None
    return district, ref.region_of_district(district)


#: Stands for a geometry that is there but malformed: validation refuses it by name.
_BAD_GEOMETRY = "malformed geometry"


def _geometry_text(geometry) -> str | None:
    """The geometry as compact GeoJSON text when it is a well-formed Polygon or MultiPolygon
    (every ring at least four [longitude, latitude] pairs); None when there is none; else a
    text validation refuses ("not a GeoJSON Polygon or MultiPolygon")."""
    if not geometry:
        return None
    if not isinstance(geometry, dict):
        return _BAD_GEOMETRY
    kind, coordinates = geometry.get("type"), geometry.get("coordinates")
    polygons = coordinates if kind == "MultiPolygon" else [coordinates]
    if kind not in ("Polygon", "MultiPolygon") or not isinstance(polygons, list) or not polygons:
        return _BAD_GEOMETRY
    for polygon in polygons:
        if not isinstance(polygon, list) or not polygon or not all(map(_is_ring, polygon)):
            return _BAD_GEOMETRY
    return json.dumps({"type": kind, "coordinates": _rounded(coordinates)}, separators=(",", ":"))


def _is_ring(ring) -> bool:
    return isinstance(ring, list) and len(ring) >= 4 and all(
        isinstance(point, list) and len(point) >= 2
        and all(isinstance(c, int | float) and not isinstance(c, bool) for c in point[:2])
        and -180 <= point[0] <= 180 and -90 <= point[1] <= 90
        for point in ring)


def _rounded(coordinates):
    if isinstance(coordinates, list):
        return [_rounded(c) for c in coordinates]
    if isinstance(coordinates, float):
        return round(coordinates, _DECIMALS)
    return coordinates
