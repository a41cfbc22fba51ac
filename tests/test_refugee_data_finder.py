"""Official statistics as a person downloads them from the Refugee Data Finder website.

The download is a zip holding a CSV with human-readable headers and '-' for an empty cell. We build
such a file from the reference CSV of each table (renaming every column to its website header) and
check that it imports to exactly the same warehouse content as the package's own column layout.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import polars as pl
import pytest
from files import FILES, TJK, needs_reference
from sqlalchemy import select

from data_access import datasets as ds
from data_access import importer, schema

pytestmark = needs_reference


def website_zip(dataset: str, source: Path) -> bytes:
    spec = ds.get(dataset)
    frame = pl.read_csv(source, infer_schema=False)
    headers = {c.name: (c.aliases[0] if c.aliases else c.name) for c in spec.columns}
    text = io.StringIO()
    text.write("Data extracted from UNHCR's Refugee Data Finder\n\n")
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow([headers[c] for c in frame.columns])
    for row in frame.iter_rows():
        writer.writerow(["-" if v is None else v for v in row])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("footnotes.csv", "a,b\n1,2\n")
        archive.writestr(f"{dataset}.csv", text.getvalue().encode("utf-8-sig"))
    return buffer.getvalue()


def content(engine, dataset: str) -> list[tuple]:
    table = schema.table_for(dataset)
    columns = [table.c[name] for name in ds.get(dataset).column_names]
    with engine.connect() as conn:
        return sorted(conn.execute(select(*columns)).all(), key=repr)


@pytest.mark.parametrize("dataset", list(FILES))
def test_website_download_imports_like_the_package_layout(tmp_path, dataset):
    from data_access.engine import make_engine
    from data_access.warehouse import upgrade

    engines = []
    for name in ("native", "website"):
        engine = make_engine(f"sqlite:///{tmp_path / name}.sqlite")
        upgrade(engine)
        engines.append(engine)
    native, website = engines
    importer.import_file(native, dataset, TJK / FILES[dataset], user="t")
    result = importer.import_file(website, dataset, website_zip(dataset, TJK / FILES[dataset]),
                                  file_name=f"{dataset}.zip", user="t")
    assert result.status == "imported"
    assert content(website, dataset) == content(native, dataset)
    for engine in engines:
        engine.dispose()
