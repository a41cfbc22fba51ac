"""The benchmark's tables (printed) and bench/results.md, from the raw figures of bench/run.py."""

from __future__ import annotations

import statistics

LARGE_LABEL = "1e7"
GIB = 2 ** 30


def med(values) -> float | None:
    return statistics.median(values) if values else None


def spread(values, unit: str = "s") -> str:
    """'median (min–max)' with a precision that suits the magnitude."""
    if not values:
        return "–"
    m = med(values)
    text = _num(m) + unit
    if len(values) > 1:
        text += f" ({_num(min(values))}–{_num(max(values))})"
    return text


def _num(x: float) -> str:
    if x >= 100:
        return f"{x:,.0f}"
    if x >= 10:
        return f"{x:.1f}"
    if x >= 0.1:
        return f"{x:.2f}"
    return f"{x * 1000:.1f}m"  # milliseconds: '12.3ms'


def ratio(a, b) -> str:
    if a is None or b is None or b == 0:
        return "–"
    r = a / b
    return f"{r:,.0f}×" if r >= 100 else f"{r:.2f}×" if r < 10 else f"{r:.1f}×"


def mib(n: int | None) -> str:
    return "–" if not n else f"{n / 2 ** 20:,.0f} MiB"


def _failed(r: dict, *names: str) -> str | None:
    """The error of the first of `names` whose measurement failed (or is missing), else None."""
    for name in names:
        part = r.get(name)
        if part is None:
            return f"{name}: not measured"
        if isinstance(part, dict) and "error" in part:
            return f"{name} failed: {part['error']}"
    return None


def _md_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def tables(results: dict) -> dict[str, str]:
    out = {}
    rows = []
    for backend, sizes in results["backends"].items():
        for label, r in sizes.items():
            rows.append([backend, label, str(r.get("rebuild", {}).get("agg_rows", "–")),
                         spread(r["build"]), mib(max(r["build_peak"]))])
    out["build"] = _md_table(["backend", "size", "analytics rows", "import + analytics",
                              "peak memory"], rows)

    rows = []
    for backend, sizes in results["backends"].items():
        for label, r in sizes.items():
            if problem := _failed(r, "alternatives", "rebuild"):
                rows.append([backend, label, problem] + [""] * 6)
                continue
            a, rb = r["alternatives"], r["rebuild"]
            rows.append([backend, label, spread(rb["rebuild"]), spread(rb["rebuild_large"]),
                         spread(a["duckdb"]), spread(a["polars_lazy"]),
                         ratio(med(rb["rebuild_large"]), med(a["duckdb"])),
                         ratio(med(a["polars_lazy"]), med(a["duckdb"])),
                         spread(a["raw_read"])])
    out["analytics"] = _md_table(
        ["backend", "size", "Hamkori rebuild, all tables", "Hamkori, 4 large tables",
         "DuckDB SQL, same statements", "Polars lazy (collect_all)", "Hamkori ÷ DuckDB",
         "Polars ÷ DuckDB", "(raw rows → Arrow, ADBC)"], rows)

    rows = []
    for backend, sizes in results["backends"].items():
        for label, r in sizes.items():
            if problem := _failed(r, "report", "pandas"):
                rows.append([backend, label, problem] + [""] * 11)
                continue
            rep, pd = r["report"], r["pandas"]
            rows.append([backend, label, str(rep.get("values", "")), spread(rep["load"]),
                         spread(rep["cold"]), spread(rep["engine"]), spread(rep["warm"]),
                         spread(pd["total"]), spread(pd["read"]),
                         ratio(med(pd["total"]), med(rep["warm"])),
                         ratio(med(pd["total"]), med(rep["engine"])),
                         ratio(med(pd["total"]), med(rep["cold"])), mib(rep["peak_bytes"]),
                         mib(pd["peak_bytes"])])
    out["report"] = _md_table(
        ["backend", "size", "values", "read frames", "cold (read + engine)", "engine only",
         "warm (cache)", "pandas over raw", "(pandas read)", "pandas ÷ warm",
         "pandas ÷ engine", "pandas ÷ cold", "peak Hamkori", "peak pandas"], rows)

    rows = []
    for backend, sizes in results["backends"].items():
        demo = sizes.get("demo", {}).get("pages", {})
        for label, r in sizes.items():
            if problem := _failed(r, "pages"):
                rows.append([backend, label, problem, "", "", "", ""])
                continue
            for page, p in r["pages"].items():
                if not isinstance(p, dict):
                    continue
                base = demo.get(page, {}).get("warm")
                problems = "; ".join(x for x in p.get("problems", []) if x)
                rows.append([backend, label, page, spread(p["cold"]), spread(p["warm"]),
                             ratio(med(p["warm"]), med(base) if base else None),
                             problems[:80] or "–"])
            rows.append([backend, label, "**peak memory (AppTest process)**", "", "",
                         mib(r["pages"].get("peak_bytes")), ""])
    out["pages"] = _md_table(["backend", "size", "page", "cold", "warm",
                              "warm ÷ demo warm", "errors shown"], rows)

    if results.get("load"):
        rows = []
        for label, ld in results["load"].items():
            for wave, prefix in (("cold caches", ""), ("warm caches", "warm_")):
                done = ld["ok"] if not prefix else ld.get("warm_ok", 0)
                rows.append([label, wave, str(ld["sessions"]), f"{done}/{ld['sessions']}",
                             _num(ld[prefix + "open_median"]) + "s",
                             _num(ld[prefix + "open_p95"]) + "s",
                             _num(ld[prefix + "filter_median"]) + "s",
                             _num(ld[prefix + "filter_p95"]) + "s",
                             _num(ld["waves"]["warm" if prefix else "cold"]["wall"]) + "s",
                             mib(ld["server_rss_before"]), mib(ld["server_rss_peak"])])
        out["load"] = _md_table(["warehouse", "wave", "sessions", "completed",
                                 "open overview: median", "p95", "change region: median",
                                 "p95", "wave wall", "server RSS idle",
                                 "server RSS peak (both waves)"], rows)
    return out


def targets(results: dict) -> list[list[str]]:
    rows = []
    for backend, sizes in results["backends"].items():
        labels = [x for x in ("1e6", LARGE_LABEL) if x in sizes] or [list(sizes)[-1]]
        for label in labels:
            rows += _targets_at(backend, sizes, label)
    return rows


def _targets_at(backend: str, sizes: dict, label: str) -> list[list[str]]:
    rows = []
    if True:
        r = sizes[label]
        if (problem := _failed(r, "alternatives")) and not _failed(r, "rebuild"):
            rows.append([backend, f"analytics build at {label} ≤ 1.2× DuckDB",
                         f"Hamkori {spread(r['rebuild']['rebuild_large'])}; DuckDB –",
                         f"not measured: {problem}"])
        if not _failed(r, "alternatives", "rebuild"):
            a, rb = r["alternatives"], r["rebuild"]
            x = med(rb["rebuild_large"]) / med(a["duckdb"])
            rows.append([backend, f"analytics build at {label} ≤ 1.2× DuckDB", f"{x:.1f}×",
                         "met" if x <= 1.2 else f"missed by {x / 1.2:.1f}×"])
        for kind in ("warm", "engine"):
            if problem := _failed(r, "report", "pandas"):
                rows.append([backend, f"full report against pandas at {label}", "–", problem])
                break
            y = med(r["pandas"]["total"]) / med(r["report"][kind])
            name = ("full report warm (cache)" if kind == "warm"
                    else "full report, engine only (frames in memory, no cache)")
            rows.append([backend, f"{name} at {label} ≥ 50× faster than pandas", f"{y:,.1f}×",
                         "met" if y >= 50 else f"missed by {50 / y:.1f}×"])
        if problem := _failed(r, "pages"):
            rows.append([backend, f"pages and app memory at {label}", "–", problem])
            return rows
        demo = sizes.get("demo", {}).get("pages", {})
        worst = None
        for page, p in r["pages"].items():
            if isinstance(p, dict) and p.get("warm") and demo.get(page, {}).get("warm"):
                z = med(p["warm"]) / med(demo[page]["warm"])
                worst = max(worst or 0, z)
        if worst is not None:
            rows.append([backend, f"warm page at {label} ≤ 1.5× demo (worst page)",
                         f"{worst:.2f}×", "met" if worst <= 1.5 else f"missed by {worst / 1.5:.1f}×"])
        peak = r["pages"].get("peak_bytes", 0)
        rows.append([backend, f"app peak memory at {label} < 2 GiB (AppTest process, all pages)",
                     f"{peak / GIB:.2f} GiB", "met" if peak < 2 * GIB else
                     f"missed by {peak / GIB - 2:.2f} GiB"])
    return rows


def table(results: dict) -> str:
    parts = []
    for name, text in tables(results).items():
        parts += [f"\n## {name}\n", text]
    parts += ["\n## targets\n", _md_table(["backend", "target", "measured", "verdict"],
                                          targets(results))]
    return "\n".join(parts)


def render(results: dict) -> str:
    from bench.notes import NOTES

    m = results["machine"]
    t = tables(results)
    machine = (f"{m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB RAM; {m['os']}; "
               f"Python {m['python']}, SQLite {m['sqlite']}, PostgreSQL {m['postgresql']} "
               f"(loopback, fsync off), Polars {m['polars']}, DuckDB {m['duckdb']}, "
               f"pandas {m['pandas']}, SQLAlchemy {m['sqlalchemy']}, Streamlit {m['streamlit']}")
    a = results["args"]
    sections = [
        "# Benchmark results",
        "",
        f"Run `{results['started']}` with `make bench SIZES={a['sizes']} "
        f"BACKENDS={a['backends']} RUNS={a['runs']} RUNS_LARGE={a['runs_large']}` "
        f"({results.get('minutes', '?')} minutes)"
        + "".join(f"; then `{m['args']['sizes']}` on {m['args']['backends']} "
                  f"(`--merge`, tasks {', '.join(m['args'].get('tasks', []))})"
                  if "args" in m else f"; then: {m['note']}"
                  for m in results.get("more_runs", [])) + ".",
        "",
        f"**Machine**: {machine}. The machine was shared with other work during the run, so "
        "single figures carry noise; each cell is the median with (min–max) of its runs.",
        "",
        NOTES["intro"],
        "",
        "## Targets of issue 8",
        "",
        _md_table(["backend", "target", "measured", "verdict"], targets(results)),
        "",
        NOTES["targets"],
        "",
        "## Import and analytics (`hamkori init --demo --scale N`)",
        "",
        t["build"],
        "",
        NOTES["build"],
        "",
        "## Analytics tables: Hamkori against DuckDB SQL and lazy Polars",
        "",
        t["analytics"],
        "",
        NOTES["analytics"],
        "",
        "## Full report: cold, engine only, warm; pandas over the raw rows",
        "",
        t["report"],
        "",
        NOTES["report"],
        "",
        "## Pages in AppTest, cold and warm",
        "",
        t["pages"],
        "",
        NOTES["pages"],
    ]
    if "load" in t:
        sections += ["", "## Concurrent viewers", "", t["load"], "", NOTES["load"]]
    sections += ["", "## Reads", "", NOTES["reads"], ""]
    return "\n".join(sections)
