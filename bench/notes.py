"""Prose of bench/results.md: what each table measures and what the figures mean."""

NOTES = {
    "intro": """\
**Sizes.** `1eN` is `hamkori init --demo --scale 10^N`: 10^N rows in each of the four large
tables (population, solutions, statelessness cases, resettlement cases); the other datasets keep
the demo's size. `demo` is the default demo warehouse. The scaled generator gives every
population and solutions row its own cell of the finest published grain, so those analytics
tables are as long as their raw tables, and a resettlement case becomes up to three event rows:
the analytics tables hold ~1.5 times the rows of the four raw tables (column *analytics rows*).
**Processes.** Every measurement runs in a process of its own, started by `bench/run.py`; its
peak memory is that process's maximum resident set (`wait4`), under a 14 GiB address-space cap
so that a run too big for the machine fails and says so instead of calling the OOM killer.
Times are wall-clock seconds (`m` = milliseconds). The app was being extended while this ran
(new pages, sign-in): the page table's demo and 10^6 SQLite rows were re-run with the app as it
stood at the end; the PostgreSQL demo row measured some pages as refusals (flagged), and the
10^5 rows were taken mid-change and are left out.""",

    "targets": """\
Why, target by target:

1. **Analytics build against DuckDB: missed.** Hamkori builds its analytics tables inside the
   warehouse with the `INSERT … SELECT … GROUP BY` statements SQLAlchemy Core generates (one
   definition per table, the same on every dialect, inside the import transaction). SQLite
   runs them on one core over a row store: most of the time goes into reading rows out of and
   writing rows into B-trees, not into aggregating. DuckDB runs *the very same statements*
   (rendered for PostgreSQL) columnar and on both cores; lazy Polars over the same raw rows is
   faster still (column *Polars ÷ DuckDB*). Building the SQLite warehouse's tables in Polars
   was tried and measured (10^6 population rows: reading the raw rows through the app's own
   `sqlite3` 2.6 s + Polars 0.17 s + writing the aggregates back 2.4 s = 5.2 s, against 3.2 s
   for `INSERT … SELECT`): the aggregation is not where the time goes, moving rows through
   SQLite is. ADBC could read the rows about twice as fast, but not in the app process (see
   *Reads*). So the SQL build stays; on PostgreSQL it is push-down (no row leaves the server
   during a rebuild). Getting within 1.2× of DuckDB needs a columnar warehouse: a SQL engine
   with a SQLAlchemy dialect takes the same statements unchanged (shown here with DuckDB).
2. **Full report warm ≥ 50× pandas: met through the cache, missed by the engine alone.** The
   app's path (`data_access.cache`, keyed on the data version) answers a repeated report in
   milliseconds. The engine alone, with the frames already in memory, is *slower* than the
   pandas script, because it does much more: every indicator and every disaggregation of the
   catalogue (the *values* column; pandas computes a few dozen), disclosure control with
   complementary suppression per cell, the previous period and the year before, targets and
   achievement, batches and bases for provenance. Its cost grows with the analytics rows, which
   here grow with the raw rows (see *Sizes*).
3. **Warm page ≤ 1.5× demo**: a warm page reads nothing from the warehouse (cached per data
   version), so its time does not grow with the rows: at 10^6 the ratios scatter around 1
   (0.9–1.4×, PostgreSQL worst 1.24×); SQLite's worst, the activity page at 1.6×, is 44 → 71 ms,
   within the noise of a shared machine. Not measured at 10^7 (see below); nothing in a warm
   run depends on the rows.
4. **App peak memory < 2 GiB**: met at 10^6 on SQLite (1.1 GiB for a process that opened
   every page), missed on PostgreSQL (2.7 GiB: the Arrow buffers of ADBC and the frames built
   from them are held at once while a page computes). At 10^7 missed by far: the engine
   receives whole analytics tables as frames, and a cold full report (~48 million analytics
   rows) did not fit in the 14 GiB cap.

**What ran at 10^7, and what did not.** On SQLite, once: the import of 4 × 10^7 rows with the
analytics rebuild (15 minutes, 9.3 GiB peak: the importer validates each file whole, as text,
before writing) and the analytics rebuild alone (262 s for the four large tables, 0.2 GiB: the
work stays in SQLite). The alternatives (the raw rows of the four tables in memory for DuckDB
and Polars) and the cold full report ran out of memory under the 14 GiB cap (the alternatives
also under 18 GiB), so the ratios at 10^7 cannot be given; the pages and the pandas report
were not run at 10^7 (a page's cold run reads the same frames as the report). PostgreSQL was
measured up to 10^6. At 10^6 every ratio above is measured in the same run.""",

    "build": """\
`hamkori init --demo --scale N` end to end, in a fresh warehouse each run: generate, validate
(every row, as for a partner's file), write (executemany on SQLite, COPY on PostgreSQL), rebuild
the analytics tables in the same transaction, log the batches.""",

    "analytics": """\
*Hamkori rebuild* is `analytics.rebuild_all` in one transaction (what every import does for its
dataset); *4 large tables* is the part spent on population, solutions, statelessness and
resettlement, which is what DuckDB and Polars do beside it. *DuckDB SQL* runs Hamkori's own
SELECT statements (generated by SQLAlchemy Core, rendered for PostgreSQL) as `CREATE TABLE … AS`
in a DuckDB database file, from the same raw rows loaded beforehand. *Polars lazy* is one
`pl.collect_all` over the four tables' plans, in memory. The raw rows' trip into Arrow (ADBC) is
shown apart, not counted in either.""",

    "report": """\
The full report is every indicator the `unhcr` audience may see for the last year with data, in
total and by each dimension the catalogue allows (one request per dimension), with comparisons.
*Read frames*: the analytics tables into Polars (`indicators.load_frames`). *Cold*: read +
engine, as `hamkori report` does. *Engine only*: the same requests over frames already in
memory. *Warm*: the same requests through `data_access.cache` after a first pass filled it —
what every viewer after the first gets until the next import. *Pandas over raw*: the raw tables
read with `pandas.read_sql` over ADBC (the fastest reader; in a process with no other SQLite
library) and a pandas script computing headline indicators (see `bench/alternatives.py`) — a
subset of the report, which flatters pandas.""",

    "pages": """\
Every page of `app.py`'s navigation (found in the file, so new pages are measured without
editing the benchmark), run in AppTest as the data manager (demo mode, who may open every page).
*Cold*: the first run of the page with the data caches empty; *warm*: the run after. The
ratio compares each page's warm time with the same page on the demo warehouse. A page whose
run was refused or raised is flagged in *errors shown* (its time is then the refusal's).""",

    "load": """\
`bench/load.py`: one `streamlit run app.py` server on loopback (demo mode, donor view); the
sessions are driven through Streamlit's own websocket protocol (`bench/stclient.py`, the
messages a browser tab sends) from one Python process, all started at once: each opens the
overview (connect + first run until `script_finished`) and then picks a region (a rerun with
the new widget state). A browser per session was not used: on two cores 25 Chromium renderers
would take the CPU from the server being measured. The first wave meets empty caches (every
session misses at once); the second wave is the same on the warm server
(`results.json` → `load.*.waves.warm`). Server memory is the resident set of the server
process, sampled every 0.1 s. A Streamlit server runs every script under one Python
interpreter lock, so concurrent runs queue: the per-run time is roughly the number of
simultaneous runs × the time of one (warm: 25 × ~0.25 s ≈ 6 s for the last session to get its
overview). More viewers need more processes (replicas, README). The cold wave on the 10^6
warehouse shows two things to fix next: `st.cache_data` does not make concurrent misses wait
for one computation, so 25 sessions asking for five regions computed them ~25 times at once
(hence minutes and several GiB); and each computation reads the analytics frames anew. A
per-data-version cache of the frames and a single flight per key (`data_access/cache.py`) would
turn that wave into one read and five computations.""",

    "reads": """\
Analytics tables reach Polars column-wise with bound parameters (`data_access/arrow.py`):
PostgreSQL through ADBC (Arrow record batches, libpq binary protocol, `$n` parameters compiled by
SQLAlchemy Core), SQLite through its own `sqlite3` cursor in 100,000-row chunks built into
columns by Polars (1.7× faster than SQLAlchemy row objects at 10^6 rows; ADBC's SQLite driver
would be about 2× faster again, but it carries a second copy of the SQLite library, and two
copies in one process on one file break SQLite's locks — measured here: its connection's close
dropped an open `sqlite3` read transaction's locks, and its open reset the WAL index under a
live connection, SIGBUS). Other dialects read SQLAlchemy rows.""",
}
