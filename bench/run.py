"""`make bench`: build warehouses at several sizes, measure Hamkori and the alternatives, write
bench/results.md (and the raw figures, bench/results.json).

    python -m bench.run [--sizes 1e5,1e6,1e7] [--backends sqlite,postgres] [--runs 3]
                        [--runs-large 1] [--load-sizes demo,1e6] [--sessions 25]
                        [--merge] [--load-only] [--render-only]

For each backend and size: `hamkori init --demo --scale N` into a fresh warehouse (import +
analytics, timed as a whole), then, each in a process of its own (peak memory = that process's
maximum resident set, from wait4): the analytics rebuild; the same aggregations in DuckDB SQL and
in lazy Polars; the full report cold / engine-only / warm; the pandas report over the raw rows;
every page of app.py in AppTest, cold and warm. Then the concurrent-viewers load test
(`bench/load.py`) on SQLite warehouses of `--load-sizes`. The demo warehouse is always measured
(the page-time target compares against it). Sizes of 10^7 rows and more run `--runs-large` times.
PostgreSQL is the test suite's throw-away server (tests/pg.py: loopback, fsync off).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
VENV_BIN = Path(sys.executable).parent
RESULTS_JSON = BENCH / "results.json"
RESULTS_MD = BENCH / "results.md"
LARGE_SIZE = 10_000_000


# ---------------------------------------------------------------------------- processes
#: Address-space cap of every measured process: a run that outgrows it fails (and says so in
#: the results) instead of pushing a shared machine into the kernel's OOM killer.
MEMORY_CAP = int(os.environ.get("BENCH_MEMORY_CAP_GIB", "14")) * 2 ** 30


def _cap_memory() -> None:  # runs in the child, before exec
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def run_child(args: list[str], env: dict | None = None) -> tuple[float, int, str]:
    """Run a command; returns (wall seconds, peak resident memory in bytes, stdout).

    The child is reaped with wait4, whose rusage holds that child's own peak RSS."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(args, cwd=ROOT, env={**os.environ, **(env or {})},
                                stdout=out, stderr=err, text=True, preexec_fn=_cap_memory)
        _pid, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args[:4])} failed ({proc.returncode}):\n{stderr[-3000:]}")
    return wall, usage.ru_maxrss * 1024, stdout  # Linux reports kilobytes


def task(name: str, url: str, runs: int) -> dict:
    try:
        wall, peak, out = run_child([sys.executable, "-m", "bench.tasks", name, url, str(runs)])
    except RuntimeError as exc:  # recorded, shown in the results; the run goes on
        lines = str(exc).splitlines()
        memory = [line for line in lines if "memory allocation" in line or "MemoryError" in line]
        if memory:
            return {"error": f"out of memory under the {MEMORY_CAP / 2 ** 30:.0f} GiB cap "
                             f"({memory[0].strip()[:120]})"}
        return {"error": lines[-1][:300]}
    result = json.loads(out.strip().splitlines()[-1])
    result["peak_bytes"], result["wall"] = peak, wall
    return result


# ---------------------------------------------------------------------------- warehouses
class Warehouses:
    """Fresh warehouses by backend and size: SQLite files under the work folder, PostgreSQL
    databases on the test suite's throw-away server."""

    def __init__(self, work: Path, backends: list[str]):
        self.work = work
        self.server = None
        if "postgres" in backends:
            sys.path.insert(0, str(ROOT / "tests"))
            from pg import PostgresServer

            self.server = PostgresServer.from_env() or PostgresServer.start()
        self.databases: list[str] = []

    def fresh(self, backend: str, label: str) -> str:
        if backend == "sqlite":
            path = self.work / f"hamkori-{label}.sqlite"
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            return f"sqlite:///{path}"
        name = self.server.create_database(prefix=f"bench_{label}")
        self.databases.append(name)
        return self.server.url_for(name)

    def drop(self, url: str) -> None:
        if url.startswith("sqlite"):
            path = url.removeprefix("sqlite:///")
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        else:
            name = url.rsplit("/", 1)[1]
            self.server.drop_database(name)
            self.databases.remove(name)

    def close(self) -> None:
        if self.server is not None:
            for name in list(self.databases):
                self.server.drop_database(name)
            self.server.stop()


def build(url: str, scale: int | None) -> tuple[float, int]:
    args = [str(VENV_BIN / "hamkori"), "init", "--demo"]
    if scale:
        args += ["--scale", str(scale)]
    wall, peak, _out = run_child(args, env={"HAMKORI_WAREHOUSE_URL": url})
    return wall, peak


# ---------------------------------------------------------------------------- the run
def parse_size(text: str) -> tuple[str, int | None]:
    text = text.strip().lower()
    if text == "demo":
        return "demo", None
    rows = int(float(text))
    exponent = len(str(rows)) - 1
    label = f"1e{exponent}" if rows == 10 ** exponent else str(rows)
    return label, rows


TASKS = ("rebuild", "alternatives", "report", "pandas", "pages")


def measure(warehouses: Warehouses, backend: str, label: str, scale: int | None, runs: int,
            log, tasks=TASKS, save=lambda result: None) -> dict:
    result: dict = {"scale": scale, "runs": runs, "build": [], "build_peak": []}
    url = None
    for attempt in range(runs):
        if url is not None:
            warehouses.drop(url)
        url = warehouses.fresh(backend, label)
        log(f"{backend} {label}: build {attempt + 1}/{runs}")
        wall, peak = build(url, scale)
        result["build"].append(wall)
        result["build_peak"].append(peak)
    for name in tasks:
        log(f"{backend} {label}: {name}")
        result[name] = task(name, url, runs)
        save(result)  # a long run keeps what it measured so far
    result["url"] = url
    return result


def machine() -> dict:
    import duckdb
    import pandas
    import polars
    import sqlalchemy

    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    import sqlite3

    return {
        "cpu": cpu, "cores": os.cpu_count(), "memory_gib": round(memory / 2 ** 30, 1),
        "os": platform.platform(), "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version, "polars": polars.__version__,
        "duckdb": duckdb.__version__, "pandas": pandas.__version__,
        "sqlalchemy": sqlalchemy.__version__, "streamlit": version("streamlit"),
        "postgresql": _pg_version(),
    }


def _pg_version() -> str:
    sys.path.insert(0, str(ROOT / "tests"))
    try:
        from pg import find_bin_dir
    except ImportError:
        return "n/a"
    found = find_bin_dir()
    if found is None:
        return "n/a"
    out = subprocess.run([str(found / "postgres"), "--version"], capture_output=True, text=True)
    found = re.search(r"\(PostgreSQL\) ([0-9.]+)", out.stdout)
    return found.group(1) if found else out.stdout.strip()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1e5,1e6,1e7")
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--runs-large", type=int, default=1)
    parser.add_argument("--work", default=str(ROOT / "data" / "bench"),
                        help="where the SQLite warehouses go (git-ignored data/ folder)")
    parser.add_argument("--load-sizes", default="",
                        help="run the concurrent-viewers test on SQLite warehouses of these sizes")
    parser.add_argument("--load-only", action="store_true", help="only the load test")
    parser.add_argument("--tasks", default=",".join(TASKS),
                        help="which measurements after the build (default: all)")
    parser.add_argument("--merge", action="store_true",
                        help="add these figures to bench/results.json instead of replacing it")
    parser.add_argument("--sessions", type=int, default=25)
    parser.add_argument("--render-only", action="store_true",
                        help="rewrite results.md from results.json")
    args = parser.parse_args(argv)

    from bench import report

    if args.render_only:
        results = json.loads(RESULTS_JSON.read_text())
        text = report.render(results)
        RESULTS_MD.write_text(text)
        print(report.table(results))
        return

    sizes = [parse_size(s) for s in args.sizes.split(",") if s.strip()]
    args.tasks = [t.strip() for t in args.tasks.split(",") if t.strip()]
    load_sizes = [parse_size(s) for s in args.load_sizes.split(",") if s.strip()]
    if args.load_only and not load_sizes:
        load_sizes = [("demo", None)]
    if ("demo", None) not in sizes and not args.merge:
        sizes.insert(0, ("demo", None))  # the page-time ratio is against the demo warehouse
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    os.environ["BENCH_WORK"] = str(work)
    started = time.perf_counter()

    def log(message: str) -> None:
        print(f"[{time.perf_counter() - started:7.0f}s] {message}", flush=True)

    results: dict = {"machine": machine(), "started": datetime.now(UTC).isoformat(timespec="seconds"),
                     "args": vars(args), "backends": {}}
    if args.merge and RESULTS_JSON.exists():  # add to (or replace in) an earlier run's figures
        earlier = json.loads(RESULTS_JSON.read_text())
        earlier.setdefault("more_runs", []).append(
            {"started": results["started"], "args": vars(args)})
        results = earlier
    warehouses = Warehouses(work, backends) if not args.load_only else None
    try:
        for label, scale in ([] if args.load_only else sizes):  # smaller sizes first, all backends
            for backend in backends:
                runs = args.runs_large if (scale or 0) >= LARGE_SIZE else args.runs
                def save(partial, backend=backend, label=label):  # --merge keeps other tasks
                    results["backends"].setdefault(backend, {}).setdefault(label, {}).update(
                        partial)
                    RESULTS_JSON.write_text(json.dumps(results, indent=1))

                measured = measure(warehouses, backend, label, scale, runs, log, args.tasks, save)
                save(measured)
                warehouses.drop(measured["url"])
    finally:
        if warehouses is not None:
            warehouses.close()
    if load_sizes:
        from bench import load

        for label, scale in load_sizes:
            url = f"sqlite:///{work / f'load-{label}.sqlite'}"
            if not Path(url.removeprefix("sqlite:///")).exists():
                log(f"load test: building the {label} warehouse")
                build(url, scale)
            log(f"load test: {args.sessions} sessions on the SQLite {label} warehouse")
            results.setdefault("load", {})[label] = load.run(url, args.sessions)
            RESULTS_JSON.write_text(json.dumps(results, indent=1))
    minutes = round((time.perf_counter() - started) / 60, 1)
    if args.merge and results.get("more_runs"):
        results["more_runs"][-1]["minutes"] = minutes
    else:
        results["minutes"] = minutes
    RESULTS_JSON.write_text(json.dumps(results, indent=1))
    RESULTS_MD.write_text(report.render(results))
    print(report.table(results))
    shutil.rmtree(work / "tmp", ignore_errors=True)


if __name__ == "__main__":
    main()
