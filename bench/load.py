"""Concurrent viewers: N sessions at once open the overview and change the region filter.

    python -m bench.load WAREHOUSE_URL [SESSIONS]

One `streamlit run app.py` server on loopback (demo mode, the default donor view); N sessions
driven through Streamlit's own websocket protocol (`bench/stclient.py`) from one Python process,
all started together: each opens the overview (connect + first run until `script_finished`),
then picks a region in the sidebar (a rerun with the new widget state). Two waves: the first on
a server with empty caches (every session misses at once), the second on the warm server. The
server's resident memory is sampled every 0.1 s (psutil, children included). Bounded: at most
`MAX_SESSIONS` sessions and `WAVE_TIMEOUT` seconds per wave; nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import threading
import time

import psutil

from bench.stclient import Server, Session

MAX_SESSIONS = 100
WAVE_TIMEOUT = 600
REGION = "Region"


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


class _Sampler(threading.Thread):
    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.process = psutil.Process(pid)
        self.peak = 0
        self.running = True

    def rss(self) -> int:
        try:
            procs = [self.process, *self.process.children(recursive=True)]
            return sum(p.memory_info().rss for p in procs)
        except psutil.Error:
            return 0

    def run(self) -> None:
        while self.running:
            self.peak = max(self.peak, self.rss())
            time.sleep(0.1)


async def _viewer(ws_url: str, index: int, start: asyncio.Event) -> dict:
    await start.wait()
    async with Session(ws_url) as session:
        opened = await session.rerun()
        regions = [o for o in opened.selectboxes[REGION][1] if o != "All regions"]
        changed = await session.select(REGION, regions[index % len(regions)])
    return {"open": opened.seconds, "filter": changed.seconds,
            "ok": opened.ok and changed.ok,
            "problem": (opened.exceptions + changed.exceptions)[:1]}


async def _wave(ws_url: str, sessions: int) -> tuple[list[dict], float]:
    start = asyncio.Event()
    tasks = [asyncio.create_task(_viewer(ws_url, i, start)) for i in range(sessions)]
    began = time.perf_counter()
    start.set()
    async with asyncio.timeout(WAVE_TIMEOUT):
        results = await asyncio.gather(*tasks, return_exceptions=True)
    wall = time.perf_counter() - began
    return [r if isinstance(r, dict) else {"ok": False, "problem": [repr(r)[:200]]}
            for r in results], wall


def run(warehouse_url: str, sessions: int = 25) -> dict:
    """Two waves of `sessions` viewers; medians, 95th percentiles and server memory."""
    sessions = min(sessions, MAX_SESSIONS)
    from bench.run import MEMORY_CAP  # a server outgrowing it fails instead of the machine

    with Server(warehouse_url, memory_cap=MEMORY_CAP) as server:
        sampler = _Sampler(server.process.pid)
        idle = sampler.rss()
        sampler.start()
        out: dict = {"sessions": sessions, "driver": "websocket protocol (bench/stclient.py)",
                     "server_rss_before": idle, "waves": {}}
        for wave in ("cold", "warm"):
            results, wall = asyncio.run(_wave(server.ws_url, sessions))
            done = [r for r in results if r.get("ok")]
            opens = [r["open"] for r in done]
            filters = [r["filter"] for r in done]
            out["waves"][wave] = {
                "ok": len(done), "wall": wall,
                "open": opens, "filter": filters,
                "problems": [p for r in results for p in r.get("problem", [])][:3],
            }
        sampler.running = False
        sampler.join()
        out["server_rss_peak"] = sampler.peak
    cold = out["waves"]["cold"]
    out.update(ok=cold["ok"], wall=cold["wall"],
               open_median=statistics.median(cold["open"]) if cold["open"] else 0,
               open_p95=_p95(cold["open"]) if cold["open"] else 0,
               filter_median=statistics.median(cold["filter"]) if cold["filter"] else 0,
               filter_p95=_p95(cold["filter"]) if cold["filter"] else 0)
    warm = out["waves"]["warm"]
    out.update(warm_ok=warm["ok"],
               warm_open_median=statistics.median(warm["open"]) if warm["open"] else 0,
               warm_open_p95=_p95(warm["open"]) if warm["open"] else 0,
               warm_filter_median=statistics.median(warm["filter"]) if warm["filter"] else 0,
               warm_filter_p95=_p95(warm["filter"]) if warm["filter"] else 0)
    return out


if __name__ == "__main__":
    import json

    print(json.dumps(run(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 25), indent=1))
