"""The tenant request's hot path costs what it must, and its caches never serve a stale answer.

- On PostgreSQL a tenant read makes two round trips: ``BEGIN`` carrying the row-level
  security context (and the previous read's ``COMMIT``), the handler's query. Counted as
  asyncpg sends them, so a later change that adds one fails here instead of quietly slowing
  every request. A read's ``COMMIT`` left due is sent before anyone else uses its connection,
  and by the pool itself when the connection sits idle.
- The context still applies, before the first statement and forced, and never outlives its
  transaction on a pooled connection.
- The caches the path relies on (module settings, module states, principals) let the next
  request see a change: a settings change, a module switched off, a disabled user.
- A write's outbox event that nobody subscribes to is settled inside the request's one
  transaction, inserted already delivered (no second statement).
- A service-hours credit writes its entry, its event and its audit record through INSERTs built
  once: no ORM flush, seven round trips.
"""

from __future__ import annotations

import asyncio
import gc
import json
import re
import sqlite3
import time
import uuid
from collections import Counter
from datetime import date, timedelta
from typing import Any, cast

import aiosqlite
import asyncpg
import msgspec
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import bindparam, event, select, text
from sqlalchemy.dialects.postgresql.asyncpg import AsyncAdapt_asyncpg_connection
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, SessionTransaction
from sqlalchemy.pool import QueuePool

import core.db
import core.readconn as readconn
from core import Query
from core.app import create_app, freeze_startup_objects, serve_app
from core.audit import AuditRecord
from core.db import (
    SYSTEM,
    ContextConnection,
    Database,
    DbContext,
    create_engine,
    create_nullpool_engine,
    set_context,
)
from core.identity.authn import PrincipalCache, bearer_token
from core.identity.models import User
from core.identity.tokens import issue_access_token
from core.logging import render_json
from core.modules.models import ModuleChoice, ModulePolicy, OutboxEvent
from core.modules.settings import ModuleConfig, module_config
from core.settings import Settings
from core.tenancy.cache import TenantCache
from core.tenancy.models import Tenant
from core.testing import SentQueries, create_user, login_headers, make_tree, settings_for_tests
from tests.modules.sample_plugins import manifest
from tests.pools import checkouts, database_with_pool

Client = AsyncTestClient[Litestar]
FS = "five-sector"
TREE: dict[str, Any] = {"district": {"town-a": {"community-a": {}}, "town-b": {}}}


class RoundTrips:
    """Round trips of one engine: ``BEGIN``, each statement, ``COMMIT``/``ROLLBACK``, pings."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.seen: list[str] = []

    def __enter__(self) -> RoundTrips:
        event.listen(self.engine, "begin", self._begin)
        event.listen(self.engine, "before_cursor_execute", self._statement)
        event.listen(self.engine, "commit", self._commit)
        event.listen(self.engine, "rollback", self._rollback)
        return self

    def __exit__(self, *_: Any) -> None:
        event.remove(self.engine, "begin", self._begin)
        event.remove(self.engine, "before_cursor_execute", self._statement)
        event.remove(self.engine, "commit", self._commit)
        event.remove(self.engine, "rollback", self._rollback)

    def _begin(self, _conn: Any) -> None:
        self.seen.append("BEGIN")

    def _statement(self, _conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        table = re.search(r"\bFROM\s+(\w+)", statement)
        if "set_config" in statement:
            self.seen.append("set_config")
        elif statement.lstrip().upper().startswith("SELECT") and table:
            self.seen.append(f"SELECT {table.group(1)}")
        elif into := re.match(r"\s*INSERT\s+INTO\s+(\w+)", statement, re.IGNORECASE):
            self.seen.append(f"INSERT {into.group(1)}")
        else:
            self.seen.append(" ".join(statement.split()[:1]))

    def _commit(self, _conn: Any) -> None:
        self.seen.append("COMMIT")

    def _rollback(self, _conn: Any) -> None:
        self.seen.append("ROLLBACK")


@pytest.fixture
def pings(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count asyncpg pings (three round trips each: BEGIN, ``;``, ROLLBACK)."""
    count: list[int] = []
    original = AsyncAdapt_asyncpg_connection.ping

    def ping(self: Any) -> None:
        count.append(1)
        original(self)

    monkeypatch.setattr(AsyncAdapt_asyncpg_connection, "ping", ping)
    return count


@pytest.fixture
def pg_only(backend: str) -> None:
    if backend != "postgres":
        pytest.skip("round trips and row-level security are PostgreSQL's")


async def _five_sector_tree(db: Database) -> dict[str, Any]:
    built = await make_tree(db, TREE)
    async with db.session(write=True) as session:
        session.add(ModulePolicy(tenant_id=built["district"].id, module=FS, policy="required"))
    return built


def _app(settings: Settings, **overrides: Any) -> Litestar:
    """An app whose caches outlive the test (one minute), so a count never depends on timing."""
    app = create_app(settings.with_(module_state_ttl=60.0, **overrides))
    app.state.principal_cache.ttl = 60.0
    return app


async def _volunteer(client: Client, headers: dict[str, str], tenant: str, hours: str) -> str:
    created = await client.post(
        f"/api/v1/tenants/{tenant}/five-sector/volunteers",
        json={"name": "张三", "volunteer_number": "V001"},
        headers=headers,
    )
    assert created.status_code == 201, created.text
    volunteer: str = created.json()["id"]
    credited = await client.post(
        f"/api/v1/tenants/{tenant}/five-sector/volunteers/{volunteer}/entries",
        json={
            "hours": hours,
            "served_on": date.today().isoformat(),
            "content": "陪伴老人",
            "verified_by": "王主任",
        },
        headers=headers,
    )
    assert credited.status_code == 201, credited.text
    return volunteer


async def test_a_tenant_read_on_postgresql_makes_two_round_trips(
    pg_only: None,
    settings: Settings,
    db: Database,
    pings: list[int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """What the driver sends for a tenant read, message by message (each one round trip):
    ``BEGIN`` with the context (carrying the previous read's ``COMMIT`` when its connection
    had one due), then the handler's query. No engine listener is attached, so the read runs
    the path it runs in production."""
    monkeypatch.setattr("core.db.READ_COMMIT_DELAY", 60.0)
    await _five_sector_tree(db)
    await create_user(db, settings, "root", [(None, "platform_admin")])
    app = _app(settings)
    async with AsyncTestClient(app=app) as client:
        headers = await login_headers(client, "root")
        volunteer = await _volunteer(client, headers, "community-a", "2")
        read = f"/api/v1/tenants/district/five-sector/volunteers/{volunteer}"
        for _ in range(2):  # the tenant, its module states and settings, the caller: cached
            assert (await client.get(read, headers=headers)).status_code == 200
        pings.clear()
        with SentQueries(app.state.db.engine.sync_engine) as sent:
            for _ in range(3):
                assert (await client.get(read, headers=headers)).status_code == 200
            await asyncio.sleep(0)
    kinds = sent.labels()
    assert len(kinds) == 6, kinds
    for begin, query in zip(kinds[::2], sent.queries[1::2], strict=True):
        assert begin in {"BEGIN", "COMMIT; BEGIN"}, kinds
        assert query.startswith("SELECT"), kinds
        assert "FROM fs_volunteers" in query, kinds
    assert "COMMIT; BEGIN" in kinds, "a read's COMMIT waits for its connection's next BEGIN"
    assert all("SET LOCAL app.tenant_path" in q for q in sent.queries[::2])
    assert pings == [], "a connection used moments ago is not pinged"


async def test_a_tenant_read_on_sqlite_makes_no_trip_to_the_driver_thread(
    settings: Settings, db: Database, backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """aiosqlite runs every call on its own thread; each trip there is a hand-over, a wake-up
    of the event loop and the interpreter lock passed twice. A point read (``Query.first``)
    runs its ``BEGIN`` and statement on the event loop's thread
    (:func:`core.readconn.sqlite_read_here`) and ends there too
    (:func:`core.readconn.sqlite_end_read`); SQLAlchemy's own cursor made eight trips. A list
    page still runs on aiosqlite's thread, one trip per statement. The transaction does end:
    nothing holds the write-ahead log afterwards, so a checkpoint can truncate it."""
    if backend != "sqlite":
        pytest.skip("aiosqlite's thread is SQLite's")
    await _five_sector_tree(db)
    await create_user(db, settings, "root", [(None, "platform_admin")])
    app = _app(settings)
    trips: list[str] = []
    original = aiosqlite.Connection._execute

    async def counted(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        trips.append(str(args[1])[:40] if len(args) > 1 else getattr(fn, "__name__", "?"))
        return await original(self, fn, *args, **kwargs)

    async with AsyncTestClient(app=app) as client:
        headers = await login_headers(client, "root")
        volunteer = await _volunteer(client, headers, "community-a", "2")
        read = f"/api/v1/tenants/district/five-sector/volunteers/{volunteer}"
        listed = "/api/v1/tenants/district/five-sector/volunteers?limit=10"
        for url in (read, read, listed, listed):
            assert (await client.get(url, headers=headers)).status_code == 200
        monkeypatch.setattr(aiosqlite.Connection, "_execute", counted)
        for _ in range(3):
            answered = await client.get(read, headers=headers)
            assert answered.status_code == 200
            assert answered.json()["id"] == volunteer
        assert trips == [], "\n".join(trips)
        assert (await client.get(listed, headers=headers)).status_code == 200
        monkeypatch.undo()
        assert len(trips) == 2, "\n".join(trips)
        assert all(trip.startswith("SELECT") for trip in trips), trips
        engine = app.state.db.engine
        assert app.state.db.in_use() == 0
        async with engine.connect() as connection:
            checkpoint = await connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            assert checkpoint.one()[0] == 0, "a read transaction was left open"


def _on_an_event_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


async def test_a_point_read_meeting_a_busy_sqlite_waits_off_the_event_loop(
    settings: Settings, db: Database, backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A point read tries its statement on the event loop's thread with SQLite's busy timeout at
    zero. If SQLite answers busy there (a reader in WAL mode can, while the log is recovered
    after a crash), the read does not sleep in the busy handler on the event loop's thread,
    which would stop every request of the worker: it runs on aiosqlite's thread, where it may
    wait, while the event loop keeps running; then it answers, and the connection's busy
    timeout is back."""
    if backend != "sqlite":
        pytest.skip("SQLite's busy handler")
    await _five_sector_tree(db)
    await create_user(db, settings, "root", [(None, "platform_admin")])
    app = _app(settings)
    tried_here: list[int] = []
    real = readconn.sqlite_run

    def busy_on_the_loop(driver: Any, operation: str, *args: Any) -> Any:
        if _on_an_event_loop():
            tried_here.append(driver._conn.execute("PRAGMA busy_timeout").fetchone()[0])
            error = sqlite3.OperationalError("database is locked")
            error.sqlite_errorcode = sqlite3.SQLITE_BUSY
            raise error
        time.sleep(0.3)  # what the busy handler would wait, on aiosqlite's thread
        return real(driver, operation, *args)

    async with AsyncTestClient(app=app) as client:
        headers = await login_headers(client, "root")
        volunteer = await _volunteer(client, headers, "community-a", "2")
        read = f"/api/v1/tenants/district/five-sector/volunteers/{volunteer}"
        assert (await client.get(read, headers=headers)).status_code == 200
        monkeypatch.setattr(readconn, "sqlite_run", busy_on_the_loop)
        ticks = 0

        async def tick() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0.01)
                ticks += 1

        ticker = client.blocking_portal.start_task_soon(tick)  # on the app's event loop
        answered = await client.get(read, headers=headers)
        ticker.cancel()
        monkeypatch.undo()
        assert answered.status_code == 200, answered.text
        assert answered.json()["id"] == volunteer
        assert tried_here == [0], "tried once on the event loop's thread, without a busy wait"
        assert ticks >= 10, f"the event loop stalled: {ticks} ticks while the read waited 0.3 s"
        async with app.state.db.engine.connect() as connection:
            timeout = await connection.exec_driver_sql("PRAGMA busy_timeout")
            assert timeout.scalar_one() == 15_000


async def test_an_uncached_tenant_read_resolves_its_tenant_without_the_orm(
    settings: Settings, db: Database, backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read whose tenant is not cached looks it up on the request's read connection, and
    switches to the tenant's context there: the ORM never takes the connection, so the read
    still ends on the driver (no greenlet), and it answers what a cached read answers. On
    PostgreSQL that is five round trips: ``BEGIN`` in the system context, the lookup, the
    tenant's context, the handler's query, ``COMMIT``."""
    await _five_sector_tree(db)
    await create_user(db, settings, "root", [(None, "platform_admin")])
    app = _app(settings)
    ends: list[int] = []
    finish = core.db._finish

    def counted(*args: Any) -> None:
        ends.append(1)
        finish(*args)

    async with AsyncTestClient(app=app) as client:
        headers = await login_headers(client, "root")
        volunteer = await _volunteer(client, headers, "community-a", "2")
        read = f"/api/v1/tenants/district/five-sector/volunteers/{volunteer}"
        for _ in range(2):
            assert (await client.get(read, headers=headers)).status_code == 200
        cached = (await client.get(read, headers=headers)).json()
        monkeypatch.setattr(core.db, "_finish", counted)
        for _ in range(3):
            app.state.tenant_cache._entries.pop("district")
            answered = await client.get(read, headers=headers)
            assert answered.status_code == 200, answered.text
            assert answered.json() == cached
        assert ends == [], "the ORM took an uncached read's connection"
        if backend != "postgres":
            return
        with RoundTrips(app.state.db.engine.sync_engine) as trips:
            for _ in range(2):
                app.state.tenant_cache._entries.pop("district")
                assert (await client.get(read, headers=headers)).status_code == 200
    expected = ["BEGIN", "SELECT tenants", "set_config", "SELECT fs_service_entries", "COMMIT"]
    assert trips.seen == expected * 2, trips.seen


async def test_a_tenant_read_begins_no_unit_of_work_of_the_orm(
    settings: Settings, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read that runs only statements built once leaves the ORM session untouched: its
    handler's tenant is the request's detached row, so no ``SessionTransaction`` (with its
    snapshot of the session's state) is begun, whether the tenant came from the cache or was
    looked up. The answer is the one a write's attached tenant leads to."""
    await _five_sector_tree(db)
    await create_user(db, settings, "root", [(None, "platform_admin")])
    app = _app(settings)
    begun: list[int] = []
    original = SessionTransaction.__init__

    def counted(self: SessionTransaction, *args: Any, **kwargs: Any) -> None:
        begun.append(1)
        original(self, *args, **kwargs)

    async with AsyncTestClient(app=app) as client:
        headers = await login_headers(client, "root")
        volunteer = await _volunteer(client, headers, "community-a", "2")
        read = f"/api/v1/tenants/district/five-sector/volunteers/{volunteer}"
        first = await client.get(read, headers=headers)
        assert first.status_code == 200, first.text
        monkeypatch.setattr(SessionTransaction, "__init__", counted)
        cache = app.state.tenant_cache
        for way in ("cached", "uncached", "cached", "raced"):
            if way == "uncached":
                cache._entries.pop("district")
            if way == "raced":
                # The entry expired for this request, and another refreshed it meanwhile.
                cache.cached = lambda _key: None
                cache.ttl = 3600.0
            answered = await client.get(read, headers=headers)
            assert answered.status_code == 200, answered.text
            assert answered.json() == first.json()
            assert begun == [], f"a read began the ORM's unit of work ({way})"
        del cache.cached
        credited = await client.post(
            f"{read}/entries",
            headers=headers,
            json={
                "hours": "1",
                "served_on": date.today().isoformat(),
                "content": "陪伴老人",
                "verified_by": "王主任",
            },
        )
        assert credited.status_code == 201, credited.text
        assert begun, "a write runs in the ORM's transaction"


async def test_a_tenant_list_on_postgresql_makes_four_round_trips(
    pg_only: None, settings: Settings, db: Database, pings: list[int]
) -> None:
    """A list page through :class:`core.Query`: the count and the page with its totals (the
    ledger's sums are in the page's statement, no third query), between BEGIN and COMMIT."""
    await _five_sector_tree(db)
    await create_user(db, settings, "root", [(None, "platform_admin")])
    app = _app(settings)
    async with AsyncTestClient(app=app) as client:
        headers = await login_headers(client, "root")
        for tenant in ("community-a", "town-b"):
            await _volunteer(client, headers, tenant, "2")
        listed = "/api/v1/tenants/district/five-sector/volunteers?limit=1"
        for _ in range(2):
            assert (await client.get(listed, headers=headers)).status_code == 200
        with RoundTrips(app.state.db.engine.sync_engine) as trips:
            response = await client.get(listed, headers=headers)
    assert response.status_code == 200
    assert response.json()["total"] == 2
    assert [kind.split()[0] for kind in trips.seen] == ["BEGIN", "SELECT", "SELECT", "COMMIT"], (
        trips.seen
    )


class _Slug(msgspec.Struct, frozen=True):
    slug: str


BY_SLUG = Query(select(Tenant.slug).where(Tenant.slug == bindparam("slug")), _Slug)


@pytest.mark.parametrize("failure", ["error", "cancelled"])
async def test_a_read_whose_end_fails_never_goes_back_to_the_pool(
    db: Database,
    settings: Settings,
    backend: str,
    monkeypatch: pytest.MonkeyPatch,
    failure: str,
) -> None:
    """A read that ran only statements built once ends on the driver, without SQLAlchemy's
    connection: on SQLite in the request, on PostgreSQL with the connection's next ``BEGIN``.
    If that ``COMMIT`` fails with the connection gone, or the request is cancelled while it
    waits for it, nobody knows the connection's state: it is invalidated, the failure reaches
    the caller (a database error as SQLAlchemy raises it, or the cancellation), and the next
    read runs on a sound connection."""
    await make_tree(db, {"d": {}})
    raised: BaseException = (
        asyncio.CancelledError()
        if failure == "cancelled"
        else sqlite3.OperationalError("disk I/O error")
        if backend == "sqlite"
        else asyncpg.exceptions.ConnectionDoesNotExistError("connection was closed")
    )

    def fail(*_: Any, **__: Any) -> Any:
        raise raised

    database = db
    if backend == "sqlite":
        monkeypatch.setattr("core.readconn.sqlite_end_read", fail)
    else:
        monkeypatch.setattr("core.db.READ_COMMIT_DELAY", 60.0)
        database = database_with_pool(settings, 1)
        async with database.session(shared_read=True) as session:
            assert await BY_SLUG.first(session, slug="d") == _Slug("d")
        execute = asyncpg.Connection.execute

        async def fail_commit(self: Any, query: str, *args: Any, **kwargs: Any) -> Any:
            if query.startswith("COMMIT; BEGIN"):
                if failure == "error":
                    self.terminate()
                raise raised
            return await execute(self, query, *args, **kwargs)

        monkeypatch.setattr(asyncpg.Connection, "execute", fail_commit)
    invalidated: list[BaseException | None] = []
    pool = cast(QueuePool, database.engine.sync_engine.pool)
    event.listen(pool, "invalidate", lambda _c, _r, error: invalidated.append(error))
    expected = asyncio.CancelledError if failure == "cancelled" else DBAPIError
    try:
        with pytest.raises(expected):
            async with database.session(shared_read=True) as session:
                assert await BY_SLUG.first(session, slug="d") == _Slug("d")
        monkeypatch.undo()
        assert len(invalidated) == 1
        assert database.in_use() == 0
        async with database.session(shared_read=True) as session:
            assert await BY_SLUG.first(session, slug="d") == _Slug("d")
        assert len(invalidated) == 1
    finally:
        if database is not db:
            await database.dispose()


async def _idle_in_transaction(settings: Settings) -> int:
    """Connections of the test's database idle inside a transaction, seen from outside."""
    engine = create_nullpool_engine(settings.database_url)
    try:
        async with engine.connect() as conn:
            found = await conn.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                    " AND state = 'idle in transaction' AND pid <> pg_backend_pid()"
                )
            )
    finally:
        await engine.dispose()
    return int(found or 0)


async def test_a_read_s_commit_goes_out_with_the_next_begin_or_after_a_moment_idle(
    pg_only: None, settings: Settings, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read's transaction ends with its connection's next ``BEGIN``, in the same message;
    a connection nobody takes sends its ``COMMIT`` by itself after ``READ_COMMIT_DELAY``, so
    no transaction stays open in the pool to hold up the schema's migrations. The context of
    the read is gone with it."""
    monkeypatch.setattr("core.db.READ_COMMIT_DELAY", 1.0)
    await make_tree(db, {"d": {}})
    database = database_with_pool(settings, 1)
    try:
        with SentQueries(database.engine.sync_engine) as sent:
            for _ in range(2):
                async with database.session(shared_read=True) as session:
                    assert await BY_SLUG.first(session, slug="d") == _Slug("d")
            assert await _idle_in_transaction(settings) == 1
            await asyncio.sleep(2.5)
            assert await _idle_in_transaction(settings) == 0
        assert sent.labels() == [
            "BEGIN",
            "SELECT tenants",
            "COMMIT; BEGIN",
            "SELECT tenants",
            "COMMIT",
        ]
        async with database.engine.connect() as conn:
            left = (await conn.execute(text("SELECT current_setting('app.system', true)"))).one()
        assert left[0] in {"", None}
    finally:
        await database.dispose()


async def test_a_read_s_due_commit_is_sent_before_a_write_takes_its_connection(
    pg_only: None, settings: Settings, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A write, or anything else that is not a read request's own ``BEGIN``, finds the
    connection's earlier read committed: it sends the due ``COMMIT`` first, then its own
    transaction runs and commits as ever."""
    monkeypatch.setattr("core.db.READ_COMMIT_DELAY", 60.0)
    await make_tree(db, {"d": {}})
    database = database_with_pool(settings, 1)
    try:
        with SentQueries(database.engine.sync_engine) as sent:
            async with database.session(shared_read=True) as session:
                assert await BY_SLUG.first(session, slug="d") == _Slug("d")
            async with database.session(write=True) as session:
                session.add(AuditRecord(action="test.due_commit", target_type="test"))
            await asyncio.sleep(0)
        assert sent.labels()[:3] == ["BEGIN", "SELECT tenants", "COMMIT"], sent.labels()
        assert await _idle_in_transaction(settings) == 0
        async with database.session() as session:
            found = await session.scalar(
                select(AuditRecord.action).where(AuditRecord.action == "test.due_commit")
            )
        assert found == "test.due_commit"
    finally:
        await database.dispose()


async def test_any_begin_ends_the_read_left_open_first(
    pg_only: None, settings: Settings, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A ``BEGIN`` with no context pending still carries the due ``COMMIT``: without it the
    server would answer "there is already a transaction in progress" and run the new work in
    the old read's transaction, under the old read's context."""
    monkeypatch.setattr("core.db.READ_COMMIT_DELAY", 60.0)
    await make_tree(db, {"d": {}})
    database = database_with_pool(settings, 1)
    drivers = checkouts(database)
    try:
        async with database.session(shared_read=True) as session:
            assert await BY_SLUG.first(session, slug="d") == _Slug("d")
        driver = drivers[-1]
        assert driver.commit_due
        assert await driver.fetchval("SELECT current_setting('app.system', true)") == "on"
        await driver.execute("BEGIN")
        assert not driver.commit_due
        assert await driver.fetchval("SELECT current_setting('app.system', true)") in {"", None}
        await driver.execute("ROLLBACK")
    finally:
        await database.dispose()


async def test_a_read_that_finds_the_server_gone_fails_with_a_database_error(
    pg_only: None, settings: Settings, db: Database
) -> None:
    """The server ends a read's connection between two of its statements: the second fails
    as a database error (the connection invalidated), not on the invalidated connection
    while the read ends, and the next read runs on a new connection."""
    await make_tree(db, {"d": {}})
    database = database_with_pool(settings, 1)
    pids: list[int] = []
    event.listen(
        database.engine.sync_engine,
        "checkout",
        lambda c, *_: pids.append(c.driver_connection.get_server_pid()),
    )

    async def read_across_a_termination() -> None:
        async with database.session(shared_read=True) as session:
            assert await BY_SLUG.first(session, slug="d") == _Slug("d")
            async with db.session(context=SYSTEM) as other:
                assert await other.scalar(text(f"SELECT pg_terminate_backend({pids[-1]})"))
            await asyncio.sleep(0.2)
            await BY_SLUG.first(session, slug="d")

    try:
        with pytest.raises(DBAPIError):
            await read_across_a_termination()
        terminated = pids[-1]
        async with database.session(shared_read=True) as session:
            assert await BY_SLUG.first(session, slug="d") == _Slug("d")
        assert pids[-1] != terminated
    finally:
        await database.dispose()


@pytest.mark.parametrize("taken", ["before", "after"])
async def test_a_connection_lost_with_a_commit_due_is_replaced_on_checkout(
    pg_only: None,
    settings: Settings,
    db: Database,
    monkeypatch: pytest.MonkeyPatch,
    taken: str,
) -> None:
    """The server ends a pooled connection whose read's ``COMMIT`` is due (a restart, an idle
    timeout): the next request is not the one to find out. Taken before the pool's own
    ``COMMIT`` (the driver already saw the connection close) or after it failed, the
    connection is discarded at checkout and the request runs on a new one."""
    monkeypatch.setattr("core.db.READ_COMMIT_DELAY", 0.1 if taken == "after" else 60.0)
    await make_tree(db, {"d": {}})
    database = database_with_pool(settings, 1)
    drivers = checkouts(database)
    try:
        async with database.session(shared_read=True) as session:
            assert await BY_SLUG.first(session, slug="d") == _Slug("d")
        assert drivers[-1].commit_due
        pid = drivers[-1].get_server_pid()
        async with db.session(context=SYSTEM) as session:
            assert await session.scalar(text(f"SELECT pg_terminate_backend({pid})"))
        await asyncio.sleep(0.4)
        async with database.session(shared_read=True) as session:
            assert await BY_SLUG.first(session, slug="d") == _Slug("d")
        assert drivers[-1].get_server_pid() != pid
    finally:
        await database.dispose()


async def test_a_read_interrupted_while_its_driver_works_never_goes_back_to_the_pool(
    db: Database, backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read cancelled while the driver works on its statement (a sibling dependency of the
    request failed, say) leaves a connection nobody can know the state of: on PostgreSQL the
    server may have begun the transaction before the driver's answer arrived, on SQLite
    aiosqlite's thread may still be running the statement. It is invalidated, and the next
    read runs on a sound connection (it used to find PostgreSQL's connection inside a
    transaction the driver did not know of: "cannot use Connection.transaction() in a manually
    started transaction")."""
    await make_tree(db, {"d": {}})
    async with db.session(shared_read=True) as session:
        assert await BY_SLUG.all(session, slug="d") == [_Slug("d")]
    if backend == "sqlite":
        execute = aiosqlite.Connection._execute

        async def answered_late(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
            result = await execute(self, fn, *args, **kwargs)
            await asyncio.sleep(10)
            return result

        monkeypatch.setattr(aiosqlite.Connection, "_execute", answered_late)
    else:
        execute_begin = ContextConnection.execute

        async def begun_late(self: Any, query: str, *args: Any, **kwargs: Any) -> str:
            status = await execute_begin(self, query, *args, **kwargs)
            if query.startswith("BEGIN"):
                await asyncio.sleep(10)
            return status

        monkeypatch.setattr(ContextConnection, "execute", begun_late)
    invalidated: list[BaseException | None] = []
    pool = cast(QueuePool, db.engine.sync_engine.pool)
    event.listen(pool, "invalidate", lambda _c, _r, error: invalidated.append(error))

    async def read() -> None:
        async with db.session(shared_read=True) as session:
            await BY_SLUG.all(session, slug="d")

    task = asyncio.create_task(read())
    await asyncio.sleep(0.3)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    monkeypatch.undo()
    assert len(invalidated) == 1
    assert db.in_use() == 0
    for _ in range(3):
        async with db.session(shared_read=True) as session:
            assert await BY_SLUG.all(session, slug="d") == [_Slug("d")]
    assert len(invalidated) == 1


async def test_connections_opened_for_a_burst_stay_open_for_the_next(
    settings: Settings, db: Database
) -> None:
    """A process serving more requests at once than the pool kept used to open a connection
    for each extra one and close it when returned, at every burst (on SQLite a thread and
    four pragmas, on PostgreSQL a server process). Up to the pool's size they now stay."""
    opened: list[int] = []
    event.listen(db.engine.sync_engine, "connect", lambda *_: opened.append(1))

    async def one() -> None:
        async with db.session(context=SYSTEM) as session:
            await session.execute(text("SELECT 1"))
            await asyncio.sleep(0.02)

    burst = 16
    await asyncio.gather(*(one() for _ in range(burst)))
    first = len(opened)
    await asyncio.gather(*(one() for _ in range(burst)))
    assert first <= burst
    assert len(opened) == first, "the second burst opened connections again"


async def test_a_pooled_connection_idle_for_a_while_is_pinged_before_use(
    pg_only: None, settings: Settings, pings: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("core.db.PING_AFTER_IDLE", 0.05)
    database = Database(settings)
    database.engine = create_engine(settings.database_url, pool_size=1)
    database.sessionmaker.configure(bind=database.engine)
    try:
        async with database.session() as session:
            await session.execute(text("SELECT 1"))
        async with database.session() as session:
            await session.execute(text("SELECT 1"))
        assert pings == []
        await asyncio.sleep(0.1)
        async with database.session() as session:
            await session.execute(text("SELECT 1"))
        assert pings == [1]
    finally:
        await database.dispose()


async def test_the_context_rides_on_begin_forced_and_is_gone_after_the_transaction(
    pg_only: None, settings: Settings, db: Database
) -> None:
    built = await make_tree(db, TREE)
    async with db.session(write=True) as session:
        for tenant in built.values():
            session.add(ModuleChoice(tenant_id=tenant.id, module=FS, enabled=True))
    town_a = built["town-a"]
    user_id = uuid.uuid4()
    database = Database(settings)
    database.engine = create_engine(settings.database_url, pool_size=1)
    database.sessionmaker.configure(bind=database.engine)
    probe = text(
        "SELECT current_setting('app.tenant_path', true),"
        " current_setting('app.user_id', true), current_setting('app.system', true),"
        " (SELECT bool_and(relrowsecurity AND relforcerowsecurity) FROM pg_class"
        "  WHERE relname IN ('tenants', 'module_choices', 'event_outbox', 'fs_volunteers')),"
        " (SELECT count(*) FROM module_choices)"
    )
    try:
        with RoundTrips(database.engine.sync_engine) as trips:
            async with database.session(context=DbContext.for_tenant(town_a, user_id)) as session:
                settings_seen = (await session.execute(probe)).one()
        assert [t.split()[0] for t in trips.seen] == ["BEGIN", "SELECT", "COMMIT"], trips.seen
        assert settings_seen == (town_a.path, str(user_id), "", True, 2)

        # A transaction that never ran a statement leaves nothing pending on the connection.
        async with database.session(context=DbContext.for_tenant(town_a)):
            pass
        async with database.engine.connect() as conn:
            left = (await conn.execute(probe)).one()
        assert left[:3] in {("", "", ""), (None, None, None)}
        assert left[4] == 0, "the bare connection sees no tenant-owned row"

        # Switching context within a transaction (a move's checks) still works.
        async with database.session(context=DbContext.for_tenant(town_a)) as session:
            assert (await session.execute(probe)).one()[4] == 2
            await set_context(session, DbContext.for_tenant(built["town-b"]))
            assert (await session.execute(probe)).one()[0] == built["town-b"].path
            assert (await session.execute(probe)).one()[4] == 1
        async with database.session() as session:
            assert (await session.execute(probe)).one()[4] == 0
    finally:
        await database.dispose()


async def test_a_settings_change_is_seen_by_the_next_request_of_every_app(
    settings: Settings, db: Database
) -> None:
    await _five_sector_tree(db)
    await create_user(db, settings, "root", [(None, "platform_admin")])
    first, second = _app(settings), _app(settings)
    async with AsyncTestClient(app=first) as one, AsyncTestClient(app=second) as two:
        headers = await login_headers(one, "root")
        volunteer = await _volunteer(one, headers, "community-a", "2")
        read = f"/api/v1/tenants/community-a/five-sector/volunteers/{volunteer}"
        for client in (one, two):
            assert (await client.get(read, headers=headers)).json()["star_level"] == 0
        changed = await one.patch(
            "/api/v1/tenants/district",
            json={"settings": {"modules": {FS: {"star_thresholds": [1, 2, 3, 4, 5]}}}},
            headers=headers,
        )
        assert changed.status_code == 200, changed.text
        for client in (one, two):
            assert (await client.get(read, headers=headers)).json()["star_level"] == 2


async def test_a_module_s_config_is_shared_between_requests_and_copies_only_what_is_read(
    db: Database,
) -> None:
    """``config`` is one object per tenant and module while the cache holds it (no copy of the
    settings per request); a list a handler reads is its own copy, so changing it never
    reaches the next request."""
    built = await make_tree(db, TREE)
    notes = manifest("notes", settings={"limit": 3, "tags": ["甲"], "rules": {"max": 2}})
    cache = TenantCache(60.0)
    seen: list[ModuleConfig] = []
    for _ in range(2):
        async with db.session(context=SYSTEM) as session:
            cache.use_in(session)
            town = await session.get(Tenant, built["town-a"].id)
            assert town is not None
            config = await module_config(session, town, notes)
            seen.append(config)
            config["tags"].append("乙")
            config["rules"]["max"] = 9
    assert seen[0] is seen[1]
    assert dict(seen[1]) == {"limit": 3, "tags": ["甲"], "rules": {"max": 2}}
    assert "limit" in seen[1]
    assert "other" not in seen[1]


async def test_a_module_switched_off_is_refused_by_the_next_request(
    settings: Settings, db: Database, backend: str
) -> None:
    await make_tree(db, TREE)
    await create_user(db, settings, "root", [(None, "platform_admin")])
    route = "/api/v1/tenants/town-a/five-sector/organisations"
    choice = "/api/v1/tenants/town-a/modules/five-sector"
    first, second = _app(settings), _app(settings)
    async with AsyncTestClient(app=first) as one, AsyncTestClient(app=second) as two:
        headers = await login_headers(one, "root")
        assert (await one.put(choice, json={"enabled": True}, headers=headers)).status_code == 200
        for client in (one, two):
            assert (await client.get(route, headers=headers)).status_code == 200
        assert (await one.put(choice, json={"enabled": False}, headers=headers)).status_code == 200
        refused = await one.get(route, headers=headers)
        assert refused.status_code == 404
        assert refused.json()["type"].endswith("module-not-enabled")
        if backend != "postgres":
            return  # another app learns through LISTEN/NOTIFY or Redis (tests/test_redis.py)
        switched = time.monotonic()
        while (await two.get(route, headers=headers)).status_code != 404:
            assert time.monotonic() - switched < 5.0, "the other app still serves the module"
            await asyncio.sleep(0.02)


async def test_a_disabled_user_is_refused_by_the_next_request(
    settings: Settings, db: Database
) -> None:
    await make_tree(db, TREE)
    user_id = await create_user(db, settings, "zhao", [("district", "admin")])
    app = _app(settings)
    async with AsyncTestClient(app=app) as client:
        headers = await login_headers(client, "zhao")
        read = "/api/v1/tenants/town-a"
        for _ in range(2):  # the token's claims and the principal are now cached
            assert (await client.get(read, headers=headers)).status_code == 200
        async with db.session(write=True) as session:
            user = await session.get(User, user_id)
            assert user is not None
            user.status = "disabled"
        app.state.principal_cache.invalidate_user(user_id)  # what the disabling process does
        assert (await client.get(read, headers=headers)).status_code == 401


def test_a_cached_token_is_refused_once_it_has_expired() -> None:
    cache = PrincipalCache()
    user_id, session_id = uuid.uuid4(), uuid.uuid4()
    short = settings_for_tests("sqlite+aiosqlite://", access_token_ttl=1)
    token = issue_access_token(short, user_id, session_id)
    assert cache.token_key(short, token) == f"sid:{session_id}:{user_id}"
    assert cache.token_key(short, token + "x") is None
    time.sleep(1.1)
    assert cache.token_key(short, token) is None


async def test_an_event_nobody_hears_is_settled_in_the_request_s_one_transaction(
    settings: Settings, db: Database
) -> None:
    await _five_sector_tree(db)
    await create_user(db, settings, "root", [(None, "platform_admin")])
    app = _app(settings)
    async with AsyncTestClient(app=app) as client:
        headers = await login_headers(client, "root")
        volunteer = await _volunteer(client, headers, "community-a", "1")
        with RoundTrips(app.state.db.engine.sync_engine) as trips:
            await _credit(client, headers, volunteer)
    assert Counter(trips.seen)["COMMIT"] == 1, trips.seen
    async with db.session() as session:
        pending = await session.scalar(
            select(OutboxEvent.id).where(OutboxEvent.dispatched_at.is_(None)).limit(1)
        )
    assert pending is None


async def test_an_event_nobody_hears_is_inserted_already_delivered(
    settings: Settings, db: Database
) -> None:
    """One statement for the outbox per write: the insert carries ``dispatched_at`` when no
    subscriber hears the event at its tenant, so no ``UPDATE`` follows it."""
    await _five_sector_tree(db)
    await create_user(db, settings, "root", [(None, "platform_admin")])
    app = _app(settings)
    outbox: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if OutboxEvent.__tablename__ in statement:
            outbox.append(statement.split()[0].upper())

    engine = app.state.db.engine.sync_engine
    async with AsyncTestClient(app=app) as client:
        headers = await login_headers(client, "root")
        volunteer = await _volunteer(client, headers, "community-a", "1")
        event.listen(engine, "before_cursor_execute", seen)
        try:
            await _credit(client, headers, volunteer)
        finally:
            event.remove(engine, "before_cursor_execute", seen)
    assert outbox == ["INSERT"], outbox
    async with db.session() as session:
        undelivered = await session.scalar(
            select(OutboxEvent.id).where(OutboxEvent.dispatched_at.is_(None)).limit(1)
        )
    assert undelivered is None


async def test_a_credit_writes_its_three_rows_through_statements_built_once_without_a_flush(
    settings: Settings, db: Database, backend: str
) -> None:
    """The credit's entry, its outbox event and the request's audit record are Core INSERTs
    (:class:`core.Insert`): the ORM's unit of work never runs during the write, and the write
    is seven round trips in one transaction. The rows carry what the ORM wrote: ids, the
    tenant, UTC times, the event's payload, the request's route and caller."""
    built = await _five_sector_tree(db)
    await create_user(db, settings, "root", [(None, "platform_admin")])
    app = _app(settings)
    flushes: list[int] = []

    def flushed(session: Session, *_: Any) -> None:
        flushes.append(len(session.new) + len(session.dirty) + len(session.deleted))

    async with AsyncTestClient(app=app) as client:
        headers = await login_headers(client, "root")
        volunteer = await _volunteer(client, headers, "community-a", "1")
        await _credit(client, headers, volunteer)  # the route's statements are compiled now
        event.listen(Session, "before_flush", flushed)
        try:
            with RoundTrips(app.state.db.engine.sync_engine) as trips:
                entry = await _credit(client, headers, volunteer)
        finally:
            event.remove(Session, "before_flush", flushed)
    assert flushes == [], "an ORM flush came back on the credit's path"
    assert trips.seen == [
        "BEGIN",  # on SQLite the dialect's BEGIN IMMEDIATE: the writer lock, taken at once
        "SELECT tenants",  # the tenant's status, read on every write on purpose
        "SELECT fs_volunteers",
        "INSERT fs_service_entries",
        "INSERT event_outbox",
        "INSERT audit_log",
        "COMMIT",
    ], trips.seen
    community = built["community-a"].id
    async with db.session() as session:
        outbox = await session.scalar(
            select(OutboxEvent)
            .where(OutboxEvent.tenant_id == community)
            .order_by(OutboxEvent.created_at.desc())
            .limit(1)
        )
        audit = await session.scalar(
            select(AuditRecord)
            .where(AuditRecord.target_type == "request")
            .order_by(AuditRecord.created_at.desc())
            .limit(1)
        )
    assert outbox is not None
    assert audit is not None
    assert (outbox.type, outbox.source, outbox.tenant_id) == (
        "five-sector.service-hours-recorded",
        FS,
        community,
    )
    assert outbox.payload["entry_id"] == entry["id"]
    assert outbox.payload["minutes"] == 60
    assert outbox.created_at.utcoffset() == timedelta(0)
    assert outbox.dispatched_at == outbox.created_at
    assert outbox.attempts == 0
    assert (
        audit.action
        == "POST /api/v1/tenants/{tenant_key}/five-sector/volunteers/{volunteer_id}/entries"
    )
    assert audit.tenant_id == community
    assert audit.actor_username == "root"
    assert audit.created_at.utcoffset() == timedelta(0)
    assert entry["recorded_at"].endswith(("Z", "+00:00"))


async def _credit(client: Client, headers: dict[str, str], volunteer: str) -> dict[str, Any]:
    credited = await client.post(
        f"/api/v1/tenants/community-a/five-sector/volunteers/{volunteer}/entries",
        json={
            "hours": "1",
            "served_on": date.today().isoformat(),
            "content": "陪伴老人",
            "verified_by": "王主任",
        },
        headers=headers,
    )
    assert credited.status_code == 201, credited.text
    answer: dict[str, Any] = credited.json()
    return answer


async def test_concurrent_sqlite_writes_take_turns_and_all_succeed(
    settings: Settings, db: Database, backend: str
) -> None:
    if backend != "sqlite":
        pytest.skip("the writer lock is SQLite's")
    await _five_sector_tree(db)
    await create_user(db, settings, "root", [(None, "platform_admin")])
    app = _app(settings)
    async with AsyncTestClient(app=app) as client:
        headers = await login_headers(client, "root")
        volunteer = await _volunteer(client, headers, "community-a", "1")
        await asyncio.gather(*(_credit(client, headers, volunteer) for _ in range(12)))
        total = await client.get(
            f"/api/v1/tenants/community-a/five-sector/volunteers/{volunteer}", headers=headers
        )
    assert total.json()["total_hours"] == 13


async def test_sqlite_begins_a_read_deferred_and_a_write_immediate_with_their_first_statement(
    db: Database, backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The kernel's SQLite dialect sends ``BEGIN`` itself (:class:`core.db.OneTripDialect`), in
    the same trip to the driver's thread as the transaction's first statement: a write takes
    the writer lock before it reads anything, a read does not take it, a transaction that runs
    no statement costs no trip at all, and the engine keeps no statement listener that every
    statement would pay for."""
    if backend != "sqlite":
        pytest.skip("aiosqlite's thread is SQLite's")
    engine = db.engine.sync_engine
    assert not engine._has_events
    sent: list[str] = []
    original = aiosqlite.Connection._execute

    async def counted(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        if len(args) > 1:
            begin = args[4] if len(args) > 4 and args[4] else None
            statement = " ".join(str(args[1]).split()[:2])
            sent.append(f"{begin}; {statement}" if begin else statement)
        else:
            sent.append(fn.__name__)
        return await original(self, fn, *args, **kwargs)

    async with db.session(context=SYSTEM) as session:  # the pool's connection, opened
        await session.execute(select(ModuleChoice.id))
    monkeypatch.setattr(aiosqlite.Connection, "_execute", counted)
    async with db.session(context=SYSTEM) as session:
        await session.execute(select(ModuleChoice.id))
    read = list(sent)
    sent.clear()
    async with db.session(write=True, context=SYSTEM) as session:
        await session.execute(select(ModuleChoice.id))
    write = list(sent)
    sent.clear()
    async with db.session(write=True, context=SYSTEM) as session:
        pass
    async with db.session(context=SYSTEM) as session:
        await session.connection()
    idle = list(sent)
    sent.clear()
    async with db.session(context=SYSTEM) as session:
        await session.execute(select(ModuleChoice.id))
    monkeypatch.undo()
    assert read == ["BEGIN DEFERRED; SELECT module_choices.id", "commit"], read
    assert write == ["BEGIN IMMEDIATE; SELECT module_choices.id", "commit"], write
    assert idle == [], idle
    assert sent == read, "a write's lock request never reaches the next transaction"


@pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")
async def test_a_request_refused_while_its_dependencies_resolve_holds_no_connection(
    settings: Settings, db: Database
) -> None:
    """Litestar drops an already-resolved ``session`` when a sibling dependency (``paging``)
    fails: the session must not have taken a pooled connection by then (collected later, it
    would be terminated instead of returned, which SQLAlchemy reports as a warning)."""
    await _five_sector_tree(db)
    await create_user(db, settings, "root", [(None, "platform_admin")])
    app = _app(settings)
    async with AsyncTestClient(app=app) as client:
        headers = await login_headers(client, "root")
        listing = "/api/v1/tenants/district/five-sector/organisations"
        assert (await client.get(listing, headers=headers)).status_code == 200
        for _ in range(25):
            refused = await client.get(f"{listing}?limit=0", headers=headers)
            assert refused.status_code == 400
        assert app.state.db.in_use() == 0
        assert (await client.get(listing, headers=headers)).status_code == 200


async def test_a_session_commits_on_exit_and_rolls_back_on_error_returning_its_connection(
    db: Database,
) -> None:
    """The unit of work ends its transaction and closes its session in one step
    (:func:`core.db._finish`): committed on a normal exit, rolled back on an error, and the
    connection back in the pool either way."""
    built = await _five_sector_tree(db)
    town = built["town-a"].id

    async def fail() -> None:
        async with db.session(write=True, context=SYSTEM) as session:
            session.add(ModuleChoice(tenant_id=town, module=FS, enabled=False))
            await session.flush()
            raise RuntimeError("handler failed")

    with pytest.raises(RuntimeError):
        await fail()
    assert db.in_use() == 0
    async with db.session(context=SYSTEM) as session:
        assert (
            await session.scalar(select(ModuleChoice).where(ModuleChoice.tenant_id == town)) is None
        )
    async with db.session(write=True, context=SYSTEM) as session:
        session.add(ModuleChoice(tenant_id=town, module=FS, enabled=False))
    assert db.in_use() == 0
    async with db.session(context=SYSTEM) as session:
        choice = await session.scalar(select(ModuleChoice).where(ModuleChoice.tenant_id == town))
    assert choice is not None
    assert choice.enabled is False


def test_the_bearer_token_is_read_from_the_raw_headers_in_any_case() -> None:
    scope: Any = {"headers": [(b"accept", b"*/*"), (b"Authorization", b"Bearer abc.def ")]}
    assert bearer_token(scope) == "abc.def"
    scope["headers"] = [(b"authorization", b"Basic xyz")]
    assert bearer_token(scope) is None
    scope["headers"] = []
    assert bearer_token(scope) is None


def test_a_json_log_line_is_one_object_with_uuids_and_times_as_text() -> None:
    user = uuid.uuid4()
    line = render_json(
        None,
        "info",
        {"event": "request", "user": user, "at": date(2026, 11, 30), "odd": object, "名": "张三"},
    )
    assert "\n" not in line
    decoded = json.loads(line)
    assert decoded["user"] == str(user)
    assert decoded["at"] == "2026-11-30"
    assert decoded["odd"] == repr(object)
    assert decoded["名"] == "张三"


async def test_an_expiry_under_concurrent_reads_is_refreshed_once(
    settings: Settings, db: Database
) -> None:
    """When the module states' version check and the cached tenants expire, the reads in flight
    used to re-read them all at once (a burst of identical queries every ``module_state_ttl``
    under load). One read re-reads each; the others keep what was cached meanwhile."""
    built = await _five_sector_tree(db)
    app = create_app(settings.with_(module_state_ttl=0.3))
    states = app.state.module_states
    cache: TenantCache = app.state.tenant_cache
    district = built["district"]
    async with db.session() as session:
        await states.states(session, district)
        await cache.find(session, "district")
    await asyncio.sleep(0.35)

    async def read() -> None:
        async with db.session(context=DbContext.for_tenant(district)) as session:
            if cache.cached("district") is None:
                async with db.session() as system:
                    await cache.find(system, "district")
            assert await states.is_enabled(session, district, FS)

    with RoundTrips(db.engine.sync_engine) as trips:
        await asyncio.gather(*(read() for _ in range(8)))
    assert trips.seen.count("SELECT module_state_version") == 1, trips.seen
    assert trips.seen.count("SELECT tenants") == 1, trips.seen


def test_a_served_worker_freezes_the_objects_built_at_startup(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full garbage collection walked every object the worker built at startup again, a
    pause of tens of milliseconds or more in whichever request was running; ``gongzhi serve``
    freezes them once the application has started."""
    monkeypatch.setattr("core.app.create_app", lambda: create_app(settings))
    app = serve_app()
    assert app.on_startup[-1] is freeze_startup_objects
    try:
        freeze_startup_objects()
        assert gc.get_freeze_count() > 10_000
        gc.collect()
        assert gc.get_freeze_count() > 10_000, "a collection leaves the frozen objects alone"
    finally:
        gc.unfreeze()
