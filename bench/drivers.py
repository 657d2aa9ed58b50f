"""``make bench-drivers``: what a PostgreSQL read's round trips cost each driver, per read.

A Gongzhi read on PostgreSQL makes three round trips: ``BEGIN`` with its row-level-security
context, its statement, ``COMMIT``. asyncpg sends one request at a time; psycopg 3 has a
pipeline mode that sends all four in one. This measures, on a table under forced row-level
security read by a non-owner role, one point read per iteration in each shape, one after
another on one connection:

- ``asyncpg, three trips``: Gongzhi's shape (``BEGIN; SET LOCAL ...``, the statement,
  ``COMMIT``);
- ``asyncpg, statement only``: ceiling B's shape, no transaction or context (the policy
  admits the rows without one here);
- ``psycopg pipeline, one trip``: ``BEGIN``, the context, the statement and ``COMMIT`` in one
  pipeline, the statement prepared and its row read in binary;
- ``psycopg, statement only``.

For each: the client's CPU (``time.process_time``), the server process's CPU (its
``/proc/<pid>/stat``) and the wall time, in µs per read, best of ``--rounds``. The figures
answer whether moving the reads to a driver that pipelines would pay (docs/benchmarks.md).

    python -m bench.drivers --reads 5000 --rounds 3
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path

import asyncpg
import psycopg

from bench.run import process_cpu_seconds
from bench.seed import APP_ROLE, database

ROWS = 1000


def _schema(role: str) -> tuple[str, ...]:
    return (
        "CREATE TABLE drivers_read (id uuid PRIMARY KEY, tenant_path text NOT NULL, "
        "name text NOT NULL, hours integer NOT NULL)",
        "ALTER TABLE drivers_read ENABLE ROW LEVEL SECURITY",
        "ALTER TABLE drivers_read FORCE ROW LEVEL SECURITY",
        "CREATE POLICY within ON drivers_read USING "
        "(tenant_path LIKE coalesce(nullif(current_setting('app.tenant_path', true), ''), '/') "
        "|| '%')",
        f"GRANT SELECT ON drivers_read TO {role}",
    )


CONTEXT = "SET LOCAL app.tenant_path = '/'"
ASYNCPG_READ = "SELECT id, name, hours FROM drivers_read WHERE id = $1"
PSYCOPG_READ = "SELECT id, name, hours FROM drivers_read WHERE id = %s"
Read = Callable[[uuid.UUID], Awaitable[None]]


def _server_cpu(pid: int) -> float:
    seconds = process_cpu_seconds(pid)
    if seconds is None:
        raise RuntimeError(f"no CPU time for the server process {pid} (is /proc readable?)")
    return seconds


async def _prepare(owner_url: str, role: str) -> list[uuid.UUID]:
    owner = await asyncpg.connect(owner_url)
    try:
        for statement in _schema(role):
            await owner.execute(statement)
        ids = [uuid.uuid4() for _ in range(ROWS)]
        await owner.executemany(
            "INSERT INTO drivers_read VALUES ($1, '/', '志愿者', 3)", [(i,) for i in ids]
        )
        return ids
    finally:
        await owner.close()


async def _measure(read: Read, pid: int, ids: list[uuid.UUID], reads: int) -> tuple[float, ...]:
    for number in range(300):
        await read(ids[number % ROWS])
    server = _server_cpu(pid)
    cpu, wall = time.process_time(), time.perf_counter()
    for number in range(reads):
        await read(ids[number % ROWS])
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    server = _server_cpu(pid) - server
    return 1e6 * cpu / reads, 1e6 * server / reads, 1e6 * wall / reads


async def measure(
    owner_url: str, app_url: str, role: str, reads: int, rounds: int
) -> dict[str, tuple[float, ...]]:
    """Client, server and wall µs per read of each shape (best of ``rounds``), on a table made
    by ``owner_url`` and read by ``role`` through ``app_url`` (driver URLs, no SQLAlchemy
    dialect)."""
    ids = await _prepare(owner_url, role)
    apg = await asyncpg.connect(app_url)
    psy = await psycopg.AsyncConnection.connect(app_url, autocommit=True, prepare_threshold=0)
    try:
        apg_pid = await apg.fetchval("SELECT pg_backend_pid()")
        psy_pid = psy.info.backend_pid

        async def asyncpg_three_trips(key: uuid.UUID) -> None:
            await apg.execute(f"BEGIN; {CONTEXT}")
            assert await apg.fetch(ASYNCPG_READ, key)
            await apg.execute("COMMIT")

        async def asyncpg_statement_only(key: uuid.UUID) -> None:
            assert await apg.fetch(ASYNCPG_READ, key)

        async def psycopg_pipeline(key: uuid.UUID) -> None:
            async with psy.pipeline():
                await psy.execute("BEGIN")
                await psy.execute(CONTEXT)
                cursor = await psy.execute(PSYCOPG_READ, (key,), binary=True)
                await psy.execute("COMMIT")
            assert await cursor.fetchall()

        async def psycopg_statement_only(key: uuid.UUID) -> None:
            cursor = await psy.execute(PSYCOPG_READ, (key,), binary=True)
            assert await cursor.fetchall()

        shapes: dict[str, tuple[Read, int]] = {
            "asyncpg, three trips": (asyncpg_three_trips, apg_pid),
            "asyncpg, statement only": (asyncpg_statement_only, apg_pid),
            "psycopg pipeline, one trip": (psycopg_pipeline, psy_pid),
            "psycopg, statement only": (psycopg_statement_only, psy_pid),
        }
        best: dict[str, tuple[float, ...]] = {}
        for _ in range(rounds):
            for name, (read, pid) in shapes.items():
                figures = await _measure(read, pid, ids, reads)
                if name not in best or figures[0] + figures[1] < best[name][0] + best[name][1]:
                    best[name] = figures
        return best
    finally:
        await apg.close()
        await psy.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reads", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory, database("postgresql", Path(directory)) as url:
        owner_url = url.replace("+asyncpg", "")
        app_url = owner_url.replace("postgres@", f"{APP_ROLE}@", 1)
        best = asyncio.run(measure(owner_url, app_url, APP_ROLE, args.reads, args.rounds))
    print(f"{'shape':30s} {'client µs':>10s} {'server µs':>10s} {'wall µs':>9s}")
    for name, (client, server, wall) in best.items():
        print(f"{name:30s} {client:10.1f} {server:10.1f} {wall:9.1f}")


if __name__ == "__main__":
    main()
