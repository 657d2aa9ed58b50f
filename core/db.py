"""Engine, sessions and the unit of work, with the tenant context row-level security reads.

One :class:`Database` per process holds the engine. Request handlers get an
:class:`~sqlalchemy.ext.asyncio.AsyncSession` that is already inside a transaction; it commits
when the handler returns and rolls back when it raises, so a failed request leaves nothing half
written.

Every transaction carries a :class:`DbContext`. On PostgreSQL its values are written with
``set_config(..., true)`` in the same message as the transaction's ``BEGIN`` (transaction-local,
so they end with the transaction and never survive on a pooled connection); the row-level
security policies of :mod:`core.rls` read them. A transaction opened without a context sees no
tenant-owned row at all. SQLite has no row-level security: there the context only travels along
in ``session.info``.

The costs a request pays here are the ones it must: on PostgreSQL one round trip opens the
transaction with its context (:class:`ContextConnection`), a pooled connection is pinged only
after it sat idle (:data:`PING_AFTER_IDLE`), and on SQLite the process's write transactions
queue in order on one lock instead of polling SQLite's busy handler.
"""

from __future__ import annotations

import asyncio
import collections
import re
import time
import uuid
from collections.abc import AsyncIterator, Coroutine
from contextlib import asynccontextmanager, suppress
from contextvars import ContextVar
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import asyncpg
import msgspec
from sqlalchemy import bindparam, event, exc, func, literal_column, select, true
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    SQLiteDialect_aiosqlite,
)
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import Session, SessionTransaction
from sqlalchemy.pool import NullPool
from sqlalchemy.util import EMPTY_DICT, greenlet_spawn
from sqlalchemy.util.concurrency import await_

from core.readconn import (
    PARKED_KEY,
    READ_CHECKOUT,
    READ_CONNECTION_KEY,
    SQLITE_BUSY_TIMEOUT_MS,
    ParkedReads,
    ReadConnection,
    RequestSession,
    built_once,
    parked_of,
    set_pending_begin,
    sqlite_run,
    take_pending_begin,
)
from core.settings import Settings

read_json = msgspec.json.decode
"""How JSON columns are read back (both databases): msgspec's decoder, several times faster
than the standard library's, which SQLAlchemy uses by default; the values are the same Python
objects. A list page of volunteers spent a fifth of its CPU decoding their two JSON columns."""
POOL_SIZE = 20
"""Connections a process keeps open, at most: the maximum it had before (10 kept and 10 more
opened and closed as needed), now all kept."""
PING_AFTER_IDLE = 10.0
"""Seconds a pooled PostgreSQL connection may sit unused before its next checkout pings it.

A connection returned moments ago was alive then; pinging it again costs three round trips
(asyncpg's ping is ``BEGIN``, ``;``, ``ROLLBACK``) for nothing. If the server restarts within
this window, the first statement on a stale connection fails once, SQLAlchemy invalidates the
pool, and the next request gets a fresh connection."""
READ_COMMIT_DELAY = 0.1
"""Seconds a read's transaction may stay open after its request, for the ``COMMIT`` to go out
with the connection's next ``BEGIN`` (:meth:`ContextConnection.commit_later`); a connection
that sat in the pool this long sends it on its own."""
CONTEXT_KEY = "gongzhi_db_context"
_PATH_RE = re.compile(r"^/(?:[0-9a-f]{32}/)*$")
MAX_BEGIN_SCRIPTS = 10_000
"""Past this many contexts the cache of their ``BEGIN`` scripts starts over."""
_begin_scripts: dict[DbContext, str] = {}
_LITERAL_RE = re.compile(r"^[0-9a-f/-]*$|^on$")
_RETURNED_AT = "gongzhi_returned_at"
_WRITE_BEGIN = "gongzhi_write_begin"
_CONNECTED = "gongzhi_connected"
_holding_writer: ContextVar[bool] = ContextVar("gongzhi_holding_writer", default=False)
CONTEXT_SETTINGS = ("tenant_path", "user_id", "system")
"""The settings a transaction's context writes (``app.<name>``), all of them each time, the
empty ones too: a value can never be left over from anything else. The tenant's id is not one
of them: since the policies test each row's own tenant path (:data:`core.rls.ROW_PATH_COLUMN`)
nothing reads it, and each ``SET LOCAL`` costs the server about 16,000 instructions."""
_SET_CONTEXT = select(
    *(
        func.set_config(literal_column(f"'app.{name}'"), bindparam(name), true())
        for name in CONTEXT_SETTINGS
    )
)


@dataclass(frozen=True, slots=True)
class DbContext:
    """Whose rows a transaction may see and write under row-level security.

    - ``tenant_id``/``tenant_path``: the tenant of the request (the database is sent the path,
      the application keeps the id); rows of that tenant and its subtree are visible (and, for
      the tables that allow it, those of its ancestors). The path ``"/"`` is the whole forest:
      a platform administrator's reach.
    - ``user_id``: the caller; their own memberships and API tokens are visible wherever they are.
    - ``system``: every row. Only named core code paths use it: tenant resolution and
      authentication (which must look across the tree before a tenant is known), the outbox
      dispatcher's scan, command-line tools and migrations.

    The empty context (the default) sees no tenant-owned row.
    """

    tenant_id: uuid.UUID | None = None
    tenant_path: str | None = None
    user_id: uuid.UUID | None = None
    system: bool = False

    def __post_init__(self) -> None:
        if self.tenant_path is not None and not _PATH_RE.fullmatch(self.tenant_path):
            raise ValueError(f"not a tenant path: {self.tenant_path!r}")

    @classmethod
    def for_tenant(cls, tenant: Any, user_id: uuid.UUID | None = None) -> DbContext:
        """The context of a request about ``tenant`` (anything with ``id`` and ``path``)."""
        return cls(tenant_id=tenant.id, tenant_path=tenant.path, user_id=user_id)

    def parameters(self) -> dict[str, str]:
        """The values of :data:`CONTEXT_SETTINGS`, empty where unset."""
        return {
            "tenant_path": self.tenant_path or "",
            "user_id": str(self.user_id) if self.user_id else "",
            "system": "on" if self.system else "",
        }

    def begin_script(self) -> str:
        """The ``SET LOCAL`` statements sent with ``BEGIN``, their values inlined as literals;
        built once per context (a tenant and caller's requests all begin with the same one).

        The simple query protocol (several statements in one message, one round trip) takes no
        bound parameters, so the values are quoted here; every one of them is a UUID, a tenant
        path (checked on construction), ``on`` or empty, and anything else is refused rather
        than quoted. ``SET LOCAL`` after ``BEGIN`` is ``set_config(..., true)`` without a
        statement to plan or a row to send back: about 40 µs less of the server's CPU per
        transaction, and less for the driver to read.
        """
        script = _begin_scripts.get(self)
        if script is not None:
            return script
        values = self.parameters()
        for value in values.values():
            if not _LITERAL_RE.fullmatch(value):
                raise ValueError(f"not a context value: {value!r}")
        script = "; ".join(f"SET LOCAL app.{name} = '{value}'" for name, value in values.items())
        if len(_begin_scripts) >= MAX_BEGIN_SCRIPTS:
            _begin_scripts.clear()
        _begin_scripts[self] = script
        return script


NO_CONTEXT = DbContext()
SYSTEM = DbContext(system=True)


class ContextConnection(asyncpg.Connection):  # type: ignore[misc]
    """An asyncpg connection whose next ``BEGIN`` also sets a transaction's context, and ends
    the read transaction left open before it.

    SQLAlchemy's asyncpg adapter sends ``BEGIN`` lazily, just before the transaction's first
    statement, through asyncpg's ``Transaction.start()`` (a simple-protocol query). When a
    context is pending (:meth:`defer_context`), that query becomes ``BEGIN; SET LOCAL ...``:
    one message, one round trip, and the context is in place before any statement of the
    transaction runs, exactly as when it was a statement of its own. The pending context is
    dropped when the connection goes back to the pool, so it can never reach another checkout.

    A read request's transaction, which ran only SELECTs built once, is not committed in a
    round trip of its own: :meth:`commit_later` leaves the ``COMMIT`` due, and the next
    ``BEGIN`` sent with a context carries it (``COMMIT; BEGIN; SET LOCAL ...``, one message
    that the server runs in order). A transaction that only read has nothing to make durable,
    so the request's answer does not wait for its end; what it holds meanwhile is a snapshot
    per statement (none between statements, at read committed) and its tables' share locks,
    which only DDL waits for. Anyone who takes the connection for anything other than a read
    request's own ``BEGIN`` sends the due ``COMMIT`` first (:meth:`settle`, from the pool's
    checkout), and a connection left in the pool :data:`READ_COMMIT_DELAY` seconds sends it
    on its own (:meth:`checked_in`).
    """

    __slots__ = (
        "_gongzhi_due",
        "_gongzhi_out",
        "_gongzhi_pending",
        "_gongzhi_returned",
        "_gongzhi_settling",
        "_gongzhi_timer",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._gongzhi_pending: str | None = None
        self._gongzhi_due = False
        self._gongzhi_out = False
        self._gongzhi_returned = 0.0
        self._gongzhi_settling: asyncio.Task[None] | None = None
        self._gongzhi_timer: asyncio.TimerHandle | None = None

    @property
    def commit_due(self) -> bool:
        """A finished read's ``COMMIT`` has not been sent yet."""
        return self._gongzhi_due

    def defer_context(self, context: DbContext) -> bool:
        """Send ``context`` with the coming ``BEGIN``; False once the transaction has begun."""
        if self.is_in_transaction() and not self._gongzhi_due:
            return False
        self._gongzhi_pending = context.begin_script()
        return True

    def commit_later(self) -> None:
        """Leave the open transaction's ``COMMIT`` to the connection's next ``BEGIN``.

        Only for a transaction that ran nothing but SELECTs built once, begun with a plain
        ``BEGIN`` (:func:`core.readconn.begin_on_driver`): its end changes nothing anyone
        else can see. Called while the connection is still checked out."""
        self._gongzhi_due = True

    async def settle(self) -> None:
        """Send the due ``COMMIT`` now, or wait for the one the pool is sending."""
        settling = self._gongzhi_settling
        if settling is not None:
            await asyncio.shield(settling)
        if self._gongzhi_due:
            self._gongzhi_due = False
            await asyncpg.Connection.execute(self, "COMMIT")

    @property
    def settling(self) -> bool:
        return self._gongzhi_settling is not None

    def checked_out(self) -> None:
        self._gongzhi_pending = None
        self._gongzhi_out = True

    def checked_in(self) -> None:
        """Back in the pool: with a ``COMMIT`` due, make sure it goes out within
        :data:`READ_COMMIT_DELAY` even if nobody takes the connection."""
        self._gongzhi_pending = None
        self._gongzhi_out = False
        self._gongzhi_returned = self._loop.time()
        if self._gongzhi_due and self._gongzhi_timer is None:
            self._gongzhi_timer = self._loop.call_later(READ_COMMIT_DELAY, self._idle_check)

    def _idle_check(self) -> None:
        self._gongzhi_timer = None
        if not self._gongzhi_due or self._gongzhi_out or self.is_closed():
            return
        idle = self._loop.time() - self._gongzhi_returned
        if idle < READ_COMMIT_DELAY:
            self._gongzhi_timer = self._loop.call_later(READ_COMMIT_DELAY - idle, self._idle_check)
            return
        self._gongzhi_settling = self._loop.create_task(self._settle_idle())

    async def _settle_idle(self) -> None:
        self._gongzhi_due = False
        try:
            await asyncpg.Connection.execute(self, "COMMIT")
        except Exception:
            # The server or the network dropped the connection while it sat in the pool: closed
            # here, its next checkout discards it (core.db's pool watch) and takes another.
            self.terminate()
        finally:
            self._gongzhi_settling = None

    async def execute(self, query: str, *args: Any, timeout: float | None = None) -> str:  # noqa: ASYNC109
        pending = self._gongzhi_pending
        due = self._gongzhi_due
        if (pending is None and not due) or args or not query.startswith("BEGIN"):
            status: str = await super().execute(query, *args, timeout=timeout)
            return status
        self._gongzhi_pending = None
        self._gongzhi_due = False
        script = f"{query.rstrip(';')};"
        if pending is not None:
            script = f"{script} {pending};"
        if due:
            script = f"COMMIT; {script}"
        try:
            status = await super().execute(script, timeout=timeout)
        except BaseException:
            # asyncpg marks its transaction failed but keeps it as the connection's top
            # transaction; undo both so the pooled connection starts clean next time.
            self._top_xact = None  # type: ignore[misc]
            if not self.is_closed() and self.is_in_transaction():
                with suppress(Exception):
                    await super().execute("ROLLBACK")
            raise
        return status


class OneTripCursor(AsyncAdapt_aiosqlite_cursor):
    """SQLAlchemy's aiosqlite cursor with each statement in one trip to aiosqlite's thread.

    Each trip costs a thread hand-over and a wake-up of the event loop (60–80 µs of CPU on the
    bench machine): the stock cursor makes four per statement, three for the ``BEGIN`` alone,
    so a tenant read on SQLite made eight where the bare driver makes three. The rows are
    fetched with the statement (as the stock cursor does) and the description, row count and
    last row id kept, so everything SQLAlchemy reads afterwards is the same. Server-side
    cursors (``stream_results``) keep the stock class.
    """

    __slots__ = ("_description", "_lastrowid", "_rowcount", "_size")

    def __init__(self, adapt_connection: Any) -> None:
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection._connection
        self._cursor = None  # type: ignore[assignment]
        self._soft_closed_memoized = EMPTY_DICT
        self._rows = collections.deque()
        self._description: Any = None
        self._rowcount = -1
        self._lastrowid: int | None = None
        self._size = 1

    @property
    def description(self) -> Any:
        return self._description

    @property
    def rowcount(self) -> int:
        return self._rowcount

    @property
    def lastrowid(self) -> Any:
        return self._lastrowid

    @property
    def arraysize(self) -> int:
        return self._size

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._size = value

    async def _async_soft_close(self) -> None:
        return None

    def close(self) -> None:
        self._rows.clear()

    def execute(self, operation: Any, parameters: Any = None) -> Any:
        try:
            return await_(self._run(operation, parameters, False))
        except Exception as error:
            self._adapt_connection._handle_exception(error)

    def executemany(self, operation: Any, seq_of_parameters: Any) -> Any:
        try:
            return await_(self._run(operation, seq_of_parameters, True))
        except Exception as error:
            self._adapt_connection._handle_exception(error)

    async def _run(self, operation: Any, parameters: Any, many: bool) -> None:
        async with self._adapt_connection._execute_mutex:
            driver = self._connection
            begin = take_pending_begin(driver)
            found = await driver._execute(sqlite_run, driver, operation, parameters, many, begin)
        self._description, rows, self._rowcount, self._lastrowid = found
        self._rows = collections.deque(rows)


class OneTripConnection(AsyncAdapt_aiosqlite_connection):
    """SQLAlchemy's aiosqlite connection that hands out :class:`OneTripCursor` cursors."""

    __slots__ = ()
    _cursor_cls = OneTripCursor

    def cursor(self, server_side: bool = False) -> Any:
        """A cursor; for a server-side one (which keeps SQLAlchemy's stock class) the pending
        ``BEGIN`` is sent first, on its own."""
        if server_side:
            driver = self._connection
            begin = take_pending_begin(driver)
            if begin is not None:
                await_(driver._execute(driver._conn.execute, begin))
        return super().cursor(server_side)

    def _idle(self) -> bool:
        """No transaction open on the driver; a ``BEGIN`` still pending is dropped."""
        driver = self._connection
        take_pending_begin(driver)
        return getattr(driver, "_connection", None) is not None and not driver.in_transaction

    def rollback(self) -> None:
        """Roll back, without a trip to the thread when no transaction is open (the pool's
        reset of every connection it takes back, after a commit)."""
        if not self._idle():
            super().rollback()

    def commit(self) -> None:
        """Commit, without a trip to the thread when the transaction never ran a statement
        (its ``BEGIN`` was never sent)."""
        if not self._idle():
            super().commit()


class OneTripDialect(SQLiteDialect_aiosqlite):
    """SQLAlchemy's aiosqlite dialect, sending each transaction's ``BEGIN`` with its first
    statement, in that statement's trip to aiosqlite's thread.

    ``BEGIN IMMEDIATE`` for a connection opened with the ``gongzhi_write`` execution option (a
    write transaction takes SQLite's writer lock with its first statement, before anything is
    read), ``BEGIN DEFERRED`` otherwise. Sent from an engine ``begin`` listener, the ``BEGIN``
    went through SQLAlchemy's whole statement path, and the listener alone made the engine
    dispatch its (empty) statement events on every statement of every transaction: about 110
    Python calls of a tenant read's 900; sent on its own it cost a trip to the thread (60–80 µs
    of CPU). A transaction that runs no statement sends neither ``BEGIN`` nor ``COMMIT``.
    """

    supports_statement_cache = True

    def set_connection_execution_options(self, connection: Connection, opts: Any) -> None:
        if opts.get("gongzhi_write"):
            connection.connection.info[_WRITE_BEGIN] = True
        super().set_connection_execution_options(connection, opts)

    def do_begin(self, dbapi_connection: Any) -> None:
        write = dbapi_connection.info.pop(_WRITE_BEGIN, False)
        driver = dbapi_connection.driver_connection
        set_pending_begin(driver, "BEGIN IMMEDIATE" if write else "BEGIN DEFERRED")


def _driver_connection(connection: Any) -> Any:
    return connection.sync_connection.connection.driver_connection


async def set_context(session: AsyncSession, context: DbContext) -> None:
    """Replace the context of the session's current transaction (PostgreSQL: ``set_config``).

    :meth:`Database.session` calls this first thing; core code calls it again only where one
    transaction must change whose rows it touches (moving a tenant under a new parent). Before
    the transaction's first statement the context rides on its ``BEGIN`` and costs no round
    trip of its own; later it is one ``SELECT set_config(...)``. In a read request whose ORM
    session has not taken the connection (its tenant was resolved on the request's
    :class:`~core.readconn.ReadConnection`), that statement runs there too, and the ORM, if it
    joins later, finds the context applied.
    """
    session.info[CONTEXT_KEY] = context
    if session.get_bind().dialect.name != "postgresql" or not session.info.get(_CONNECTED):
        return  # no connection yet: _apply_on_connect gives it the context
    shared = session.info.get(READ_CONNECTION_KEY)
    if isinstance(shared, ReadConnection) and not _connected(session.sync_session):
        driver = shared.driver_connection
        if isinstance(driver, ContextConnection) and driver.defer_context(context):
            shared.applied = context
            return
        raw = built_once(_SET_CONTEXT, shared.dialect)
        if raw is not None:
            await shared.fetch(raw, context.parameters())
            shared.applied = context
            return
    driver = _driver_connection(await session.connection())
    if isinstance(driver, ContextConnection) and driver.defer_context(context):
        return
    await session.execute(_SET_CONTEXT, context.parameters())


@event.listens_for(Session, "after_begin")
def _apply_on_connect(session: Session, _transaction: Any, connection: Connection) -> None:
    """Give the connection a session's transaction just took the session's context.

    A session takes its connection with its first statement, not when it opens: a request
    whose dependencies fail before any statement (Litestar resolves sibling dependencies in a
    task group and drops the ones already resolved when another raises) then holds no pooled
    connection while it waits to be collected.
    """
    context = session.info.get(CONTEXT_KEY)
    if connection.dialect.name != "postgresql" or not isinstance(context, DbContext):
        return
    session.info[_CONNECTED] = True
    shared = session.info.get(READ_CONNECTION_KEY)
    if isinstance(shared, ReadConnection) and shared.applied == context:
        return
    driver = connection.connection.driver_connection
    if isinstance(driver, ContextConnection) and driver.defer_context(context):
        return
    connection.execute(_SET_CONTEXT, context.parameters())


def _read_connected(info: dict[str, Any], raw: Any) -> DbContext | None:
    """A read request's pooled connection, just taken: on PostgreSQL the session's context
    goes with the coming ``BEGIN``, as :func:`_apply_on_connect` does for a session's own."""
    context = info.get(CONTEXT_KEY)
    if not isinstance(context, DbContext):
        return None
    info[_CONNECTED] = True
    driver = raw.driver_connection
    if isinstance(driver, ContextConnection):
        driver.defer_context(context)
        return context
    if isinstance(driver, asyncpg.Connection):
        raise RuntimeError("a PostgreSQL engine for requests needs core.db.create_engine")
    return None


@event.listens_for(Session, "after_transaction_end")
def _released(session: Session, transaction: Any) -> None:
    if transaction.parent is None:
        session.info.pop(_CONNECTED, None)


@asynccontextmanager
async def across_tree(session: AsyncSession) -> AsyncIterator[None]:
    """Read across the whole tree for the duration of the block, then restore the context.

    For core checks that are global by nature and reveal nothing but a yes/no (a slug taken
    anywhere) or that look up a second tenant to authorise against (a move's new parent). If
    the block fails, the transaction is aborted or its savepoint rolled back, which ends the
    widened setting too.
    """
    previous = current_context(session)
    await set_context(session, replace(previous, system=True))
    try:
        yield
    except BaseException:
        with suppress(Exception):
            await set_context(session, previous)
        raise
    await set_context(session, previous)


def current_context(session: AsyncSession) -> DbContext:
    """The context the session's transaction runs with."""
    context = session.info.get(CONTEXT_KEY)
    return context if isinstance(context, DbContext) else NO_CONTEXT


def _prepare_sqlite_file(url: str) -> None:
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)


def create_engine(url: str, *, pool_size: int = POOL_SIZE, echo: bool = False) -> AsyncEngine:
    """Create an async engine with Gongzhi's connection settings for SQLite or PostgreSQL.

    SQLite runs in WAL mode with foreign keys enforced, and write transactions start with
    ``BEGIN IMMEDIATE`` so concurrent writers queue on the busy timeout instead of failing when a
    read lock cannot be upgraded.

    The pool keeps up to ``pool_size`` connections open and opens no more (no overflow): a
    connection beyond the pool's size was closed when returned, so a process serving more
    requests at once than the size opened and closed a connection every few requests (on
    SQLite a thread and four pragmas, on PostgreSQL a server process and the driver's type
    set-up), which under load cost more than the requests themselves.
    """
    if url.startswith("sqlite"):
        _prepare_sqlite_file(url)
        database = make_url(url).database
        # An in-memory database lives in one connection (SQLAlchemy's StaticPool): no pool size.
        pooled: dict[str, Any] = (
            {"pool_size": pool_size, "max_overflow": 0}
            if database and database != ":memory:"
            else {}
        )
        engine = create_async_engine(
            url,
            echo=echo,
            json_deserializer=read_json,
            # A read transaction is ended on the event loop's thread (core.readconn.sqlite_end_read).
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
            **pooled,
        )

        @event.listens_for(engine.sync_engine, "connect")
        def _on_connect(dbapi_connection: Any, _record: Any) -> None:
            if type(dbapi_connection) is AsyncAdapt_aiosqlite_connection:
                dbapi_connection.__class__ = OneTripConnection
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        if type(engine.sync_engine.dialect) is SQLiteDialect_aiosqlite:
            engine.sync_engine.dialect.__class__ = OneTripDialect
        if pooled:
            _park_reads(engine)
        return engine
    engine = create_async_engine(
        url,
        echo=echo,
        pool_size=pool_size,
        max_overflow=0,
        pool_recycle=1800,
        json_deserializer=read_json,
        connect_args={"connection_class": ContextConnection},
    )
    _watch_pool(engine)
    _park_reads(engine)
    return engine


def _park_reads(engine: AsyncEngine) -> None:
    """Let read requests park their finished connections (:class:`core.readconn.ParkedReads`).

    No engine event closes them on ``engine.dispose()``: a listener on the engine's events
    makes every statement of every transaction dispatch them. :meth:`Database.dispose` closes
    them; an engine disposed of directly treats them as any connection checked out then."""
    engine.sync_engine.__dict__[PARKED_KEY] = ParkedReads(engine.sync_engine)


def parked_reads(engine: AsyncEngine) -> int:
    """How many of the engine's checked-out connections are parked reads', not in use."""
    parked = parked_of(engine.sync_engine)
    return 0 if parked is None else len(parked)


def _watch_pool(engine: AsyncEngine) -> None:
    """Ping a pooled connection on checkout only when it sat idle :data:`PING_AFTER_IDLE` s,
    and send a finished read's due ``COMMIT`` before anyone else uses its connection.

    Replaces ``pool_pre_ping``, which pings on every checkout. A failed ping invalidates the
    pool as ``pool_pre_ping`` does, and the checkout retries on a fresh connection. A read
    request's own checkout (:data:`core.readconn.READ_CHECKOUT`) leaves the due ``COMMIT`` to
    its ``BEGIN``; every other one sends it first (it costs then the round trip it always
    cost). A connection whose ``COMMIT`` fails, or that the driver saw closed while it sat in
    the pool (a server restart, an idle timeout), is discarded and the checkout takes another.
    """

    @event.listens_for(engine.sync_engine, "connect")
    def _fresh(_dbapi_connection: Any, record: Any) -> None:
        record.info.pop(_RETURNED_AT, None)

    @event.listens_for(engine.sync_engine, "checkin")
    def _returned(dbapi_connection: Any, record: Any) -> None:
        record.info[_RETURNED_AT] = time.monotonic()
        driver = getattr(dbapi_connection, "driver_connection", None)
        if isinstance(driver, ContextConnection):
            driver.checked_in()

    @event.listens_for(engine.sync_engine, "checkout")
    def _checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        returned = record.info.get(_RETURNED_AT)
        ping = returned is not None and time.monotonic() - returned >= PING_AFTER_IDLE
        driver = getattr(dbapi_connection, "driver_connection", None)
        if isinstance(driver, ContextConnection):
            driver.checked_out()
            if driver.settling or (driver.commit_due and (ping or not READ_CHECKOUT.get())):
                try:
                    await_(driver.settle())
                except Exception as error:
                    raise exc.DisconnectionError("a read's COMMIT failed") from error
            if driver.is_closed():
                raise exc.DisconnectionError("the connection was lost in the pool")
        if not ping:
            return
        try:
            dbapi_connection.ping()
        except Exception as error:
            raise exc.InvalidatePoolError() from error


def create_nullpool_engine(url: str) -> AsyncEngine:
    """An engine that opens a fresh connection per use: for CLI commands and migrations."""
    if url.startswith("sqlite"):
        _prepare_sqlite_file(url)
    return create_async_engine(url, poolclass=NullPool, json_deserializer=read_json)


def _finish(
    session: Session,
    transaction: SessionTransaction | None,
    error: BaseException | None,
    shared: ReadConnection | None = None,
) -> None:
    """End the session's transaction as ``async with session.begin()`` would (commit, or roll
    back on ``error``), then close the session and end the read connection it ran on: one
    greenlet for all, where the async context managers spent one each (and a task each to see
    them through).

    A read request's session (``transaction`` None) is committed and closed only if the ORM
    used it (it ran a statement or holds a change to flush); one that only had the request's
    tenant attached has nothing to commit, and its read connection ends the transaction.
    """
    try:
        if transaction is None:
            if _used(session):
                try:
                    if error is None:
                        session.commit()
                    else:
                        session.rollback()
                finally:
                    session.close()
        else:
            try:
                if error is None:
                    transaction.__exit__(None, None, None)
                else:
                    transaction.__exit__(type(error), error, error.__traceback__)
            finally:
                session.close()
    except BaseException as failed:
        if shared is not None:
            shared.finish_sync(failed)
        raise
    if shared is not None:
        shared.finish_sync(error)


def _connected(session: Session) -> bool:
    """Whether the ORM ``session`` took a connection in its current transaction."""
    transaction = session.get_transaction()
    return transaction is not None and bool(transaction._connections)


def _used(session: Session) -> bool:
    """Whether ``session`` took a connection or holds anything a commit would flush."""
    return _connected(session) or not session._is_clean()


async def _to_completion(work: Coroutine[Any, Any, None]) -> None:
    """Run ``work`` to its end even if the calling task is cancelled meanwhile (then re-raise
    the cancellation), so a connection is never left half returned to the pool."""
    task = asyncio.ensure_future(work)
    cancelled: BaseException | None = None
    while True:
        try:
            await asyncio.shield(task)
        except asyncio.CancelledError as error:
            if task.done():
                raise
            cancelled = error
        else:
            break
    if cancelled is not None:
        raise cancelled


class Database:
    """The process's engine and session factory.

    ``default_context`` is the context of sessions opened without one: the empty context for the
    application (fail closed); command-line tools and test fixtures that arrange rows pass
    :data:`SYSTEM`.
    """

    def __init__(self, settings: Settings, *, default_context: DbContext = NO_CONTEXT) -> None:
        self.settings = settings
        self.default_context = default_context
        self.engine = create_engine(settings.database_url)
        self.sessionmaker = async_sessionmaker(
            self.engine, expire_on_commit=False, sync_session_class=RequestSession
        )
        self._writer: tuple[asyncio.AbstractEventLoop, asyncio.Lock] | None = None
        self._dialect: str = self.engine.dialect.name

    @property
    def dialect(self) -> str:
        return self._dialect

    @asynccontextmanager
    async def session(
        self, *, write: bool = False, context: DbContext | None = None, shared_read: bool = False
    ) -> AsyncIterator[AsyncSession]:
        """A session inside one transaction: committed on normal exit, rolled back on error.

        The transaction carries ``context`` (default: :attr:`default_context`), set before any
        other statement runs. On SQLite a write transaction first waits its turn on the
        process's writer lock (:meth:`_sqlite_writer`). With ``shared_read`` (a read request's
        session) the transaction runs on a :class:`~core.readconn.ReadConnection`, which
        :class:`core.statements.Query` uses without SQLAlchemy's execution path.
        """
        sqlite_write = write and self._dialect == "sqlite"
        if sqlite_write and not _holding_writer.get():
            async with self._sqlite_writer(), self.session(write=True, context=context) as session:
                yield session
            return
        session = self.sessionmaker()
        sync = session.sync_session
        info = sync.info
        shared: ReadConnection | None = None
        transaction: SessionTransaction | None = None
        if shared_read and not write:
            shared = ReadConnection(self.engine.sync_engine, lambda raw: _read_connected(info, raw))
            info[READ_CONNECTION_KEY] = shared
        else:
            transaction = sync.begin()
        try:
            # What :func:`set_context` does before the transaction's first statement: the
            # context waits in ``info`` for ``_apply_on_connect`` (PostgreSQL: on the BEGIN).
            info[CONTEXT_KEY] = self.default_context if context is None else context
            if sqlite_write:
                await session.connection(execution_options={"gongzhi_write": True})
            yield session
        except BaseException as error:
            if shared is None or _used(sync) or not await shared.finish_direct(error):
                await _to_completion(greenlet_spawn(_finish, sync, transaction, error, shared))
            raise
        if shared is None or _used(sync) or not await shared.finish_direct(None):
            await _to_completion(greenlet_spawn(_finish, sync, transaction, None, shared))

    @asynccontextmanager
    async def _sqlite_writer(self) -> AsyncIterator[None]:
        """Hold the process's SQLite writer lock (FIFO) for one write transaction.

        SQLite admits one writer; waiters poll its busy handler with sleeps of up to 100 ms, so
        under load the lock goes to whoever wakes at the right moment and the unlucky wait
        seconds. Queued here, the process's writers take turns in order and ``BEGIN IMMEDIATE``
        finds the lock free unless another process (a CLI command) holds it, in which case the
        busy timeout applies as before. A transaction opened while this task already holds the
        lock skips it; one that waited longer than the busy timeout goes ahead and lets SQLite
        decide.
        """
        loop = asyncio.get_running_loop()
        if self._writer is None or self._writer[0] is not loop:
            self._writer = (loop, asyncio.Lock())
        lock = self._writer[1]
        try:
            async with asyncio.timeout(SQLITE_BUSY_TIMEOUT_MS / 1000):
                await lock.acquire()
        except TimeoutError:
            acquired = False
        else:
            acquired = True
        if not acquired:
            yield
            return
        token = _holding_writer.set(True)
        try:
            yield
        finally:
            lock.release()
            # Ended from another task than the one that opened it (a request's dependency
            # resolved in a task group, closed by the request's own task): that task's context
            # ended with it, and there is nothing to reset here.
            with suppress(ValueError):
                _holding_writer.reset(token)

    def in_use(self) -> int:
        """Connections requests and sessions hold now: the pool's checked-out count, less the
        finished reads' connections parked for the next read (:func:`parked_reads`)."""
        checkedout: int = getattr(self.engine.sync_engine.pool, "checkedout", lambda: 0)()
        return checkedout - parked_reads(self.engine)

    async def dispose(self) -> None:
        """Close the engine's connections, the parked reads' among them."""
        parked = parked_of(self.engine.sync_engine)
        if parked is not None:
            await greenlet_spawn(parked.clear)
        await self.engine.dispose()
