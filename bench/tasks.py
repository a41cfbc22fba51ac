"""One measurement, in a process of its own (so that its peak memory is its own):

    python -m bench.tasks rebuild      URL RUNS   analytics tables rebuilt (rebuild_all, committed)
    python -m bench.tasks alternatives URL RUNS   the same aggregations in DuckDB SQL and Polars
    python -m bench.tasks report       URL RUNS   the full report: cold, engine-only, warm (cache)
    python -m bench.tasks pandas       URL RUNS   the pandas report over the raw rows
    python -m bench.tasks pages        URL RUNS   every page of app.py in AppTest, cold and warm

Each prints one JSON object on its last stdout line: lists of seconds per run and counts.
`bench/run.py` starts them and adds the peak resident memory of the process (wait4).
"""

from __future__ import annotations

import ast
import json
import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"
#: The pages run as the data manager, who may open every page (demo mode, no sign-in).
AUDIENCE = "admin"


def _seconds(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


# ---------------------------------------------------------------------------- analytics
def rebuild(url: str, runs: int) -> dict:
    from bench.alternatives import LARGE
    from data_access import analytics
    from data_access.engine import make_engine

    engine = make_engine(url)
    out: dict = {"rebuild": [], "rebuild_large": []}
    for _ in range(runs):
        large = 0.0
        start = time.perf_counter()
        with engine.begin() as conn:  # one transaction, as inside an import
            rows = 0
            for dataset in analytics.AGG_TABLES:
                begun = time.perf_counter()
                rows += analytics.rebuild(conn, dataset)
                if dataset in LARGE:
                    large += time.perf_counter() - begun
        out["rebuild"].append(time.perf_counter() - start)
        out["rebuild_large"].append(large)
        out["agg_rows"] = rows
    return out


def alternatives(url: str, runs: int) -> dict:
    import polars as pl

    from bench import alternatives as alt
    from data_access import analytics

    read_s, raw = alt.timed(lambda: alt.raw_tables(url))
    datasets = [d for d in analytics.AGG_TABLES if d in alt.LARGE]
    statements = alt.duckdb_statements(datasets)
    out = {"raw_read": [read_s], "raw_rows": sum(t.num_rows for t in raw.values())}
    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_WORK")) as work:
        con = alt.duckdb_load(str(Path(work) / "bench.duckdb"), raw)
        out["duckdb"] = []
        for _ in range(runs):
            alt.duckdb_drop(con, datasets)
            seconds, rows = alt.timed(lambda: alt.duckdb_build(con, statements))
            out["duckdb"].append(seconds)
            out["duckdb_rows"] = rows
        con.close()
    out["polars_lazy"] = []
    if os.environ.get("BENCH_ALTERNATIVES") == "duckdb":  # Polars left out (memory, at 10^7)
        return out
    frames = {name: pl.from_arrow(table) for name, table in raw.items()}
    del raw
    for _ in range(runs):
        seconds, rows = alt.timed(lambda: alt.polars_build(frames))
        out["polars_lazy"].append(seconds)
        out["polars_rows"] = rows
    return out


# ---------------------------------------------------------------------------- report
def _full_report_requests(year: int):
    """Every indicator the unhcr audience sees, in total and by each dimension it supports."""
    from metrics.catalogue import CATALOGUE
    from metrics.engine import Request
    from metrics.periods import Period

    indicators = CATALOGUE.for_audience("unhcr")
    codes = [i.code for i in indicators]
    period = Period.parse(str(year))
    requests = [(Request(period, "unhcr"), codes)]
    dims = sorted({d for i in indicators for d in CATALOGUE.allowed_dimensions(i, "unhcr")})
    for dim in dims:
        chosen = [i.code for i in indicators if dim in CATALOGUE.allowed_dimensions(i, "unhcr")]
        requests.append((Request(period, "unhcr", by=(dim,)), chosen))
    return requests


def _report_year(engine) -> int:
    from data_access import indicators

    with engine.connect() as conn:
        years = indicators.data_years(conn)
    return years[1] if years else date.today().year - 1


def report(url: str, runs: int) -> dict:
    from data_access import arrow, indicators
    from data_access.engine import make_engine
    from metrics import engine as metrics_engine
    from metrics.catalogue import CATALOGUE

    os.environ["HAMKORI_WAREHOUSE_URL"] = url
    engine = make_engine(url)
    year = _report_year(engine)
    requests = _full_report_requests(year)
    all_codes = sorted({c for _r, codes in requests for c in codes})
    sources = indicators.sources_for(all_codes)

    def cold():
        with engine.connect() as conn:
            frames = indicators.load_frames(conn, sources, "TJK")
            unavailable = {}
            for name in sources:
                dataset = CATALOGUE.sources[name].dataset
                if dataset.startswith("unhcr-"):
                    reason = indicators.official_gap(conn, dataset, "TJK")
                    if reason:
                        unavailable[name] = reason
        rows = sum(metrics_engine.evaluate(frames, request, codes, CATALOGUE, unavailable).height
                   for request, codes in requests)
        return frames, unavailable, rows

    out: dict = {"cold": [], "load": [], "engine": [], "warm": [], "requests": len(requests)}
    with engine.connect() as conn:
        out["read_path"] = arrow.path_for(conn)
    for _ in range(runs):
        start = time.perf_counter()
        with engine.connect() as conn:
            frames = indicators.load_frames(conn, sources, "TJK")
        out["load"].append(time.perf_counter() - start)
        seconds, (frames, unavailable, rows) = _timed(cold)
        out["cold"].append(seconds)
        out["values"] = rows
        out["frame_rows"] = sum(f.height for f in frames.values())
    for _ in range(runs):  # frames in memory: the engine alone
        start = time.perf_counter()
        for request, codes in requests:
            metrics_engine.evaluate(frames, request, codes, CATALOGUE, unavailable)
        out["engine"].append(time.perf_counter() - start)
    del frames
    # warm: the app's path, data_access.cache keyed by data version (second viewer onwards)
    from data_access import cache
    from metrics.periods import Period

    def through_cache():
        for request, codes in requests:
            cache.indicator_values(Period.parse(str(year)), "unhcr", by=request.by,
                                   codes=tuple(codes))

    out["warm_fill"] = [_seconds(through_cache)]
    for _ in range(runs):
        out["warm"].append(_seconds(through_cache))
    return out


def _timed(action):
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def pandas(url: str, runs: int) -> dict:
    from bench import alternatives as alt
    from data_access.engine import make_engine

    year = _report_year(make_engine(url))
    out: dict = {"read": [], "compute": [], "total": []}
    for _ in range(runs):
        start = time.perf_counter()
        raw = alt.pandas_read(url)
        read_s = time.perf_counter() - start
        values = alt.pandas_report(raw, year)
        compute_s = time.perf_counter() - start - read_s
        del raw
        out["read"].append(read_s)
        out["compute"].append(compute_s)
        out["total"].append(read_s + compute_s)
        out["values"] = len(values)
    return out


# ---------------------------------------------------------------------------- pages
def discover_pages(app: Path = APP) -> list[str]:
    """The page files of app.py's navigation (every `st.Page("pages/….py", …)` call)."""
    pages = []
    for node in ast.walk(ast.parse(app.read_text(encoding="utf-8"))):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr == "Page" and node.args
                and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            pages.append(node.args[0].value)
    return pages


def pages(url: str, runs: int) -> dict:
    import streamlit as st  # noqa: TID251 - the benchmark runs the app itself
    from streamlit.testing.v1 import AppTest  # noqa: TID251

    os.environ["HAMKORI_WAREHOUSE_URL"] = url
    os.environ["HAMKORI_DEMO"] = "1"  # the audience switch instead of sign-in
    os.chdir(ROOT)
    out: dict = {}
    for page in discover_pages():
        cold, warm, problems = [], [], []
        for _ in range(runs):
            st.cache_data.clear()
            st.cache_resource.clear()
            at = AppTest.from_file(str(APP), default_timeout=3600)
            at.query_params["audience"] = AUDIENCE
            at.run()  # the router and the default page: not timed
            try:
                at.switch_page(page)
            except ValueError as exc:  # app.py changed under the run, or a page is not served
                problems = [f"not opened: {str(exc)[:160]}"]
                break
            st.cache_data.clear()  # cold: nothing cached for this page
            cold.append(_seconds(at.run))
            warm.append(_seconds(at.run))
            titles = [t.value for t in at.title]
            problems = [e.value for e in at.exception][:1] + [
                str(e.body)[:160] for e in at.error][:1]
            titles = [t for t in titles if t in ("Not available", "No access")]
            if titles:
                problems.append(f"page refused ({titles[0]!r}): the time is the refusal's")
        out[page] = {"cold": cold, "warm": warm, "problems": problems}
    return out


TASKS = {"rebuild": rebuild, "alternatives": alternatives, "report": report, "pandas": pandas,
         "pages": pages}

if __name__ == "__main__":
    name, url, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
    result = TASKS[name](url, runs)
    sys.stdout.write("\n" + json.dumps(result) + "\n")
