"""Finished reads' connections parked for the next read (:class:`core.readconn.ParkedReads`).

A read request that ended cleanly keeps its pooled connection for the process's next read
instead of handing it back to SQLAlchemy's pool and taking one out again. These tests hold the
promises that make that safe: the next read really skips the pool, nobody waits for a parked
connection, the parked ones go back to the pool by themselves, the pool's recycling and
invalidation still apply, and disposing of the database closes them.
"""

from __future__ import annotations

import asyncio
from typing import Any, cast

import msgspec
import pytest
from sqlalchemy import bindparam, select, text
from sqlalchemy.pool import QueuePool

import core.readconn as readconn
from core import Query
from core.db import Database, parked_reads
from core.settings import Settings
from core.tenancy.models import Tenant
from core.testing import make_tree
from tests.pools import checkouts, database_with_pool


class _Slug(msgspec.Struct, frozen=True):
    slug: str


BY_SLUG = Query(select(Tenant.slug).where(Tenant.slug == bindparam("slug")), _Slug)


def _pool(database: Database) -> QueuePool:
    return cast(QueuePool, database.engine.sync_engine.pool)


async def _read(database: Database) -> Any:
    """One read request's work; the driver connection it ran on."""
    async with database.session(shared_read=True) as session:
        assert await BY_SLUG.first(session, slug="d") == _Slug("d")
        return session.info[readconn.READ_CONNECTION_KEY].driver_connection


async def test_the_next_read_takes_the_parked_connection_without_the_pool(
    db: Database, settings: Settings
) -> None:
    """Reads one after another check out from the pool once: each later one takes the
    connection the previous read parked, and the pool counts no connection in use."""
    await make_tree(db, {"d": {}})
    database = database_with_pool(settings, pool_size=5)
    taken = checkouts(database)
    try:
        drivers = [await _read(database) for _ in range(4)]
        assert len(taken) == 1
        assert drivers == [taken[0]] * 4
        assert parked_reads(database.engine) == 1
        assert _pool(database).checkedout() == 1
        assert database.in_use() == 0
    finally:
        await database.dispose()


async def test_a_parked_connection_goes_back_to_the_pool_by_itself(
    db: Database, settings: Settings, monkeypatch: pytest.MonkeyPatch, backend: str
) -> None:
    """Nobody reads for a moment: the parked connection returns to the pool, and on
    PostgreSQL its read's ``COMMIT`` goes out as for any connection returned, so no
    transaction stays open."""
    monkeypatch.setattr(readconn, "PARK_SECONDS", 0.05)
    monkeypatch.setattr("core.db.READ_COMMIT_DELAY", 0.05)
    await make_tree(db, {"d": {}})
    database = database_with_pool(settings, pool_size=5)
    try:
        driver = await _read(database)
        assert parked_reads(database.engine) == 1
        await asyncio.sleep(0.5)
        assert parked_reads(database.engine) == 0
        assert _pool(database).checkedout() == 0
        if backend == "postgres":
            assert not driver.commit_due
            assert not driver.is_in_transaction()
    finally:
        await database.dispose()


async def test_no_connection_is_parked_where_the_pool_would_have_none_left(
    db: Database, settings: Settings
) -> None:
    """A pool of one connection never parks it (a write would wait for it), and a process
    parks at most ``PARK_LIMIT`` connections however many reads end at once."""
    await make_tree(db, {"d": {}})
    single = database_with_pool(settings, pool_size=1)
    try:
        await _read(single)
        assert parked_reads(single.engine) == 0
        assert _pool(single).checkedout() == 0
    finally:
        await single.dispose()
    database = database_with_pool(settings, pool_size=readconn.PARK_LIMIT + 4)
    release = asyncio.Event()

    async def held_read() -> None:
        async with database.session(shared_read=True) as session:
            assert await BY_SLUG.first(session, slug="d") == _Slug("d")
            await release.wait()

    try:
        reads = [asyncio.create_task(held_read()) for _ in range(readconn.PARK_LIMIT + 3)]
        await asyncio.sleep(0.3)
        assert database.in_use() == readconn.PARK_LIMIT + 3
        release.set()
        await asyncio.gather(*reads)
        assert parked_reads(database.engine) == readconn.PARK_LIMIT
        assert database.in_use() == 0
    finally:
        await database.dispose()


async def test_a_parked_connection_past_the_pool_s_age_is_renewed(
    db: Database, settings: Settings
) -> None:
    """The pool's recycling age and a pool-wide invalidation (a lost server) hold for a
    parked connection: the next read runs on a new connection, not the parked one."""
    await make_tree(db, {"d": {}})
    database = database_with_pool(settings, pool_size=5)
    try:
        first = await _read(database)
        _pool(database)._recycle = 0
        await asyncio.sleep(0.05)
        second = await _read(database)
        assert second is not first
        _pool(database)._recycle = -1
        assert await _read(database) is second
        _pool(database)._invalidate(None)  # type: ignore[arg-type]
        await asyncio.sleep(0.05)
        assert await _read(database) is not second
    finally:
        await database.dispose()


async def test_disposing_of_the_database_closes_the_parked_connections(
    db: Database, settings: Settings, backend: str
) -> None:
    """``Database.dispose`` leaves no parked connection open behind it."""
    await make_tree(db, {"d": {}})
    database = database_with_pool(settings, pool_size=5)
    driver = await _read(database)
    assert parked_reads(database.engine) == 1
    await database.dispose()
    assert parked_reads(database.engine) == 0
    if backend == "postgres":
        assert driver.is_closed()
    else:
        assert driver._connection is None


async def test_a_write_after_a_read_runs_on_the_pool_with_the_read_committed(
    db: Database, settings: Settings, backend: str
) -> None:
    """Writes never take a parked connection; on PostgreSQL the read's ``COMMIT`` reaches the
    server before the parked connection is used for anything else."""
    await make_tree(db, {"d": {}})
    database = database_with_pool(settings, pool_size=5)
    taken = checkouts(database)
    try:
        read_on = await _read(database)
        async with database.session(write=True) as session:
            await session.execute(text("SELECT 1"))
        assert len(taken) == 2
        assert taken[-1] is not read_on
        assert await _read(database) is read_on
    finally:
        await database.dispose()
