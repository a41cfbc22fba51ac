"""Several app replicas on one PostgreSQL warehouse: two `streamlit run` servers; an import made
while both serve shows in each at its next run (the data version moves, the caches are keyed on
it). Sessions speak Streamlit's websocket protocol (`bench/stclient.py`), on loopback."""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from bench.stclient import Server, Session
from data_access import cache, importer
from data_access.engine import make_engine
from data_access.warehouse import upgrade

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

SNAPSHOT = """date,population_type,origin,region,district,sex,age_group,persons
2025-12-31,REF,AFG,TJ-RA,Vahdat,F,18-59,{refugees}
2025-12-31,ASY,AFG,TJ-DU,,F,18-59,45
"""


def imp(engine, refugees: int, replace: bool = False):
    return importer.import_file(engine, "population", SNAPSHOT.format(refugees=refugees).encode(),
                                file_name=f"population-{refugees}.csv", user="tester",
                                replace=replace)


def run_apart(coroutine):
    """Run a coroutine to its end on a thread of its own: in the full suite the session's
    Playwright keeps an event loop running on the main thread, where `asyncio.run` refuses."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


async def overview_texts(server: Server) -> str:
    async with Session(server.ws_url) as session:
        run = await session.rerun()
    assert run.ok, run.exceptions
    return "\n".join(run.texts)


def test_an_import_shows_in_both_replicas_at_their_next_run(pg_url):
    engine = make_engine(pg_url)
    upgrade(engine)
    imp(engine, 4321)
    try:
        with Server(pg_url) as first, Server(pg_url) as second:
            assert first.port != second.port and first.process.pid != second.process.pid
            before = [run_apart(overview_texts(s)) for s in (first, second)]
            assert all("4,321" in text and "5,678" not in text for text in before), before

            imp(engine, 5678, replace=True)  # the data version moves: 1 -> 2
            time.sleep(cache.DATA_VERSION_TTL + 0.5)  # each replica re-reads it within the TTL
            after = [run_apart(overview_texts(s)) for s in (first, second)]
            assert all("5,678" in text and "4,321" not in text for text in after), after

            batch = importer.list_batches(engine).get_column("id").max()
            importer.rollback(engine, batch, user="tester")  # and back, exactly
            time.sleep(cache.DATA_VERSION_TTL + 0.5)
            again = [run_apart(overview_texts(s)) for s in (first, second)]
            assert all("4,321" in text and "5,678" not in text for text in again), again
    finally:
        engine.dispose()
