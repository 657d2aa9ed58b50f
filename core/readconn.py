"""A read request's one pooled connection, shared by the statements built once and the ORM.

A tenant read spent a quarter of its CPU in SQLAlchemy's machinery around a single statement:
the session taking a connection, the statement's execution context, the cursor adapter, the
result object, the session's commit bookkeeping. :class:`ReadConnection` holds the request's
pooled connection and its one transaction, and runs a :class:`core.statements.Query` on the
driver itself (asyncpg's ``fetch``; on SQLite one trip to aiosqlite's thread, or for a point
read none, :func:`sqlite_read_here`): the SQL text, the order of
the parameters, their bind processors and each column's result processor come from a
compilation made once per statement and dialect (:class:`RawSelect`), so the values sent and
the values read are exactly those SQLAlchemy would send and read.

The ORM session of the same request uses the same connection and transaction: its ``get_bind``
answers the :class:`~sqlalchemy.engine.Connection` made over this pooled connection
(:class:`RequestSession`), which the session joins without taking over its commit. What does
not change:

- **One transaction per request.** The transaction opens with the request's first statement,
  whichever path runs it, and ends once, committed when the request succeeds and rolled back
  when it fails (:meth:`ReadConnection.finish_direct`, :meth:`ReadConnection.finish_sync`).
  On PostgreSQL the ``COMMIT`` of a read that ran only statements built once goes out with
  the connection's next ``BEGIN`` (:meth:`core.db.ContextConnection.commit_later`): nothing
  it did needs to be durable before the answer leaves.
- **Row-level security.** On PostgreSQL the context rides on the ``BEGIN`` exactly as for any
  session (:class:`core.db.ContextConnection`); a later change of context runs on this
  connection too (:func:`core.db.set_context`) until the ORM joins.
- **Engine events.** ``begin``, ``before_cursor_execute``, ``after_cursor_execute``,
  ``commit`` and ``rollback`` are dispatched for the statements run here, with the request's
  :class:`~sqlalchemy.engine.Connection`, so round-trip counts and instrumentation see them.
- **Errors** reach callers as SQLAlchemy's :class:`~sqlalchemy.exc.DBAPIError` family, and a
  connection the server dropped is invalidated rather than returned to the pool.

Statements a :class:`RawSelect` cannot express (expanding ``IN`` lists, ``literal_execute``
parameters, schema translation) and ``Query`` conversions that take a SQLAlchemy row keep
SQLAlchemy's path, on the same connection.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextvars import ContextVar
from typing import Any, NoReturn

from sqlalchemy import exc
from sqlalchemy.engine import Connection, Dialect, Engine
from sqlalchemy.orm import Session
from sqlalchemy.pool import PoolProxiedConnection, QueuePool
from sqlalchemy.sql import Select
from sqlalchemy.util import greenlet_spawn
from sqlalchemy.util.concurrency import await_, in_greenlet

SQLITE_BUSY_TIMEOUT_MS = 15_000
"""How long a SQLite statement waits for a lock held by another connection (off the event loop)."""
READ_CONNECTION_KEY = "gongzhi_read_connection"
PARKED_KEY = "gongzhi_parked_reads"
PARK_LIMIT = 4
"""Finished reads' connections a process keeps parked at most (:class:`ParkedReads`)."""
PARK_SECONDS = 0.1
"""Seconds a finished read's connection stays parked before it goes back to the pool."""
_PENDING_BEGIN = "gongzhi_pending_begin"
Processor = Callable[[Any], Any] | None
READ_CHECKOUT: ContextVar[bool] = ContextVar("gongzhi_read_checkout", default=False)
"""Set while a :class:`ReadConnection` takes its pooled connection: a read's ``COMMIT`` still
due on it goes out with this request's ``BEGIN`` (:class:`core.db.ContextConnection`)."""


class RawSelect:
    """A SELECT compiled once for one dialect, ready to run on the driver.

    ``columns`` are the result's column names in order; :meth:`arguments` turns the request's
    values into the driver's positional parameters; ``results`` holds each column's result
    processor (SQLite's UUIDs and JSON from text, for instance), None where there is none.
    """

    __slots__ = ("_compiled", "_processors", "columns", "names", "results", "sql")

    def __init__(self, stmt: Select[Any], dialect: Dialect) -> None:
        compiled: Any = stmt.compile(dialect=dialect)
        if (
            not compiled.positional
            or compiled.literal_execute_params
            or compiled.post_compile_params
            or compiled.schema_translate_map
        ):
            raise ValueError("statement needs SQLAlchemy's per-execution compilation")
        self._compiled = compiled
        self.sql: str = compiled.string
        self.names: tuple[str, ...] = tuple(compiled.positiontup)
        self._processors: Mapping[str, Callable[[Any], Any]] = compiled._bind_processors
        self.columns: tuple[str, ...] = tuple(c[0] for c in compiled._result_columns)
        results = [c[3]._cached_result_processor(dialect, None) for c in compiled._result_columns]
        self.results: tuple[Processor, ...] = tuple(results)

    @classmethod
    def build(cls, stmt: Select[Any], dialect: Dialect) -> RawSelect | None:
        """The compiled statement, or None where only SQLAlchemy's path can run it."""
        try:
            return cls(stmt, dialect)
        except ValueError:
            return None

    def arguments(self, params: Mapping[str, Any]) -> list[Any]:
        values = self._compiled.construct_params(params, escape_names=False)
        processors = self._processors
        return [
            processors[name](values[name]) if name in processors else values[name]
            for name in self.names
        ]


_BUILT: dict[tuple[int, str], tuple[Select[Any], RawSelect | None]] = {}


def built_once(stmt: Select[Any], dialect: Dialect) -> RawSelect | None:
    """``stmt`` compiled for ``dialect`` on first use and the same :class:`RawSelect` after
    (None where only SQLAlchemy's path can run it). For statements built once, at import."""
    key = (id(stmt), dialect.name)
    found = _BUILT.get(key)
    if found is None:
        found = _BUILT[key] = (stmt, RawSelect.build(stmt, dialect))
    return found[1]


def set_pending_begin(driver: Any, begin: str) -> None:
    """Leave ``begin`` on the aiosqlite connection ``driver`` for its transaction's first
    statement to send (SQLite: :class:`core.db.OneTripDialect`)."""
    driver.__dict__[_PENDING_BEGIN] = begin


def take_pending_begin(driver: Any) -> str | None:
    """The ``BEGIN`` left on ``driver`` for the transaction's first statement, now taken (None
    if there is none)."""
    begin: str | None = driver.__dict__.pop(_PENDING_BEGIN, None)
    return begin


def sqlite_run(
    driver: Any, operation: str, parameters: Any, many: bool, begin: str | None
) -> tuple[Any, list[Any], int, int | None]:
    """On aiosqlite's thread: the transaction's pending ``BEGIN`` if any, then one statement on
    a cursor of its own, every row fetched, the cursor closed.

    What SQLAlchemy's adapter does in four trips to that thread (open the cursor, execute,
    fetch, close), and the ``BEGIN`` that took a trip of its own, done in one.
    """
    if begin is not None and not driver._conn.in_transaction:
        driver._conn.execute(begin)
    cursor = driver._conn.cursor()
    try:
        if many:
            cursor.executemany(operation, parameters)
        elif parameters is None:
            cursor.execute(operation)
        else:
            cursor.execute(operation, parameters)
        description = cursor.description
        rows = cursor.fetchall() if description else []
        return description, rows, cursor.rowcount, cursor.lastrowid
    finally:
        cursor.close()


def sqlite_read_here(
    driver: Any, operation: str, parameters: Any, begin: str | None
) -> list[Any] | None:
    """Every row of one read statement run on the calling thread (the event loop's), or None if
    SQLite answered busy, so that the caller runs it on aiosqlite's thread instead.

    For a statement that reads a row or a few by key: a trip to aiosqlite's thread (a hand-over,
    a wake-up of the event loop, the interpreter lock passed twice) costs more than the
    statement. A reader in WAL mode waits for nobody in normal operation; where it would (the
    log being recovered after a crash, a connection holding the database exclusively), SQLite's
    busy handler would sleep on the event loop's thread for up to the busy timeout and stop
    every request of the worker, so the timeout is zero here. The caller holds the connection
    checked out, as for :func:`sqlite_end_read`.
    """
    conn = driver._conn
    conn.execute("PRAGMA busy_timeout = 0")
    try:
        return sqlite_run(driver, operation, parameters, False, begin)[1]
    except sqlite3.OperationalError as error:
        if error.sqlite_errorcode & 0xFF == sqlite3.SQLITE_BUSY:
            return None
        raise
    finally:
        conn.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")


def sqlite_end_read(driver: Any, commit: bool) -> None:
    """End the read transaction of the aiosqlite connection ``driver`` on the calling thread.

    Ending a transaction that only read is releasing SQLite's read lock (in WAL mode a slot in
    the shared-memory index): no I/O, no wait on another connection, no checkpoint, so it
    costs microseconds where a trip to aiosqlite's thread cost 100 µs of a 800 µs read. The
    caller holds the connection checked out, so aiosqlite's thread has nothing of it queued
    (engines are created with ``check_same_thread=False`` for this; see
    :func:`core.db.create_engine`). A pending ``BEGIN`` that was never sent is dropped.
    """
    take_pending_begin(driver)
    conn = driver._conn
    if conn.in_transaction:
        if commit:
            conn.commit()
        else:
            conn.rollback()


class DriverTransaction:
    """A read's PostgreSQL transaction begun on asyncpg's connection itself, kept where
    SQLAlchemy's asyncpg adapter keeps asyncpg's ``Transaction``, for the two calls it makes on
    it (``commit`` and ``rollback``, each awaited once).

    asyncpg's ``Transaction`` checks and records its state around the ``BEGIN`` and the
    ``COMMIT`` it sends: about 20 µs of a read, for a transaction that is only ever begun,
    then committed or rolled back whole. The adapter, the ORM joining later, the pool's reset
    and :meth:`ReadConnection.finish_direct` all see a transaction in progress, as before.
    """

    __slots__ = ("_driver",)

    def __init__(self, driver: Any) -> None:
        self._driver = driver

    async def commit(self) -> None:
        await self._driver.execute("COMMIT")

    def commit_later(self) -> None:
        """Leave the ``COMMIT`` to the connection's next ``BEGIN`` (see
        :meth:`core.db.ContextConnection.commit_later`)."""
        self._driver.commit_later()

    async def rollback(self) -> None:
        await self._driver.execute("ROLLBACK")


async def begin_on_driver(adapter: Any) -> None:
    """Begin the transaction of SQLAlchemy's asyncpg ``adapter`` with a plain ``BEGIN`` (which
    :class:`core.db.ContextConnection` sends with the pending row-level-security context), as
    the adapter's own ``_start_transaction`` would; a connection set to another isolation
    level, read-only, deferrable or autocommit is left to the adapter."""
    if adapter.isolation_level is not None or adapter.readonly or adapter.deferrable:
        await adapter._connection.settle()
        await adapter._start_transaction()
        return
    driver = adapter._connection
    await driver.execute("BEGIN")
    adapter._transaction = DriverTransaction(driver)


def _listened(engine: Engine) -> bool:
    """Whether anything listens to the events a read's statements and transaction fire.

    (``Engine._has_events`` stays true once a listener was ever added, even after its removal.)
    """
    dispatch = engine.dispatch
    return bool(
        dispatch.before_cursor_execute
        or dispatch.after_cursor_execute
        or dispatch.begin
        or dispatch.commit
        or dispatch.rollback
    )


class ParkedReads:
    """Finished reads' pooled connections, kept checked out for the process's next read.

    Taking a connection from SQLAlchemy's pool and giving it back cost a read about 5 % of its
    instructions: the pool's queue, its checkout and checkin events, the connection's reset
    and the greenlet the checkout runs in. A read that ended cleanly (its transaction committed
    or left to the next ``BEGIN``, see :meth:`core.db.ContextConnection.commit_later`, or
    rolled back) parks its connection here instead (:meth:`park`), and the next read takes it
    (:meth:`take`), last parked first. What a caller may rely on:

    - **Never the reason anyone waits.** A connection is parked only while the pool still has
      another for whoever asks (an idle one, or room to open one), and at most
      :data:`PARK_LIMIT` are; one parked :data:`PARK_SECONDS` goes back to the pool, where a
      read's ``COMMIT`` still due goes out as for any returned connection.
    - **The pool's rules hold.** A connection past the pool's recycling age, opened before the
      pool was invalidated (a lost server), or that the driver saw closed is given back to the
      pool rather than taken, and the pool renews it; :meth:`core.db.Database.dispose` closes
      the parked ones.
    - **Only reads take them.** Writes, the ORM's own sessions and command-line tools check
      out from the pool as before.

    Parked connections are checked out as the pool counts them: :meth:`core.db.Database.in_use`
    tells the ones requests hold apart.
    """

    __slots__ = ("_engine", "_loop", "_parked", "_timer", "limit")

    def __init__(self, engine: Engine, limit: int = PARK_LIMIT) -> None:
        self._engine = engine
        self.limit = limit
        self._parked: list[tuple[PoolProxiedConnection, float]] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._timer: asyncio.TimerHandle | None = None

    def __len__(self) -> int:
        return len(self._parked)

    def __iter__(self) -> Iterator[PoolProxiedConnection]:
        """The parked connections, first parked first (for instrumentation; none is taken)."""
        return iter([entry[0] for entry in self._parked])

    def take(self) -> PoolProxiedConnection | None:
        """The connection parked last, now the caller's; None if there is none to take."""
        parked = self._parked
        while parked:
            pooled = parked.pop()[0]
            if self._usable(pooled):
                return pooled
            pooled.close()
        return None

    def park(self, pooled: PoolProxiedConnection) -> bool:
        """Keep ``pooled`` (valid, its read ended) for the next read; False, with nothing
        done, where the caller gives it back to the pool instead."""
        parked = self._parked
        pool = self._engine.pool
        if len(parked) >= self.limit or not isinstance(pool, QueuePool):
            return False
        overflow = pool._max_overflow
        if overflow >= 0 and pool.checkedout() >= pool.size() + overflow:
            return False
        if getattr(pooled, "_pool", None) is not pool:
            return False
        loop = asyncio.get_running_loop()
        if self._loop is not loop:
            # Connections parked under an earlier event loop are bound to it: forgotten, as
            # the pool's own connections of that loop are.
            parked.clear()
            self._loop = loop
            self._timer = None
        now = loop.time()
        parked.append((pooled, now))
        if self._timer is None:
            self._timer = loop.call_at(now + PARK_SECONDS, self._expire)
        return True

    def _usable(self, pooled: PoolProxiedConnection) -> bool:
        if getattr(pooled, "_pool", None) is not self._engine.pool:
            return False
        pool: Any = self._engine.pool
        record: Any = getattr(pooled, "_connection_record", None)
        if record is None or record.dbapi_connection is None:
            return False
        started = record.starttime
        if pool._invalidate_time > started or record._soft_invalidate_time > started:
            return False
        if pool._recycle > -1 and time.time() - started > pool._recycle:
            return False
        closed = getattr(pooled.driver_connection, "is_closed", None)
        return not (closed is not None and closed())

    def _expire(self) -> None:
        """Give back to the pool what sat parked :data:`PARK_SECONDS`; come back for the rest."""
        self._timer = None
        loop = self._loop
        parked = self._parked
        if loop is None or not parked:
            return
        due = loop.time() - PARK_SECONDS
        kept = [entry for entry in parked if entry[1] > due]
        returned = [entry[0] for entry in parked if entry[1] <= due]
        parked[:] = kept
        for pooled in returned:
            pooled.close()
        if kept:
            self._timer = loop.call_at(kept[0][1] + PARK_SECONDS, self._expire)

    def clear(self) -> None:
        """Close every parked connection (the engine's pool is being disposed of). Runs in
        SQLAlchemy's greenlet, where closing a connection can wait on the driver."""
        parked, self._parked = self._parked, []
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        for pooled, _ in parked:
            if pooled.is_valid:
                pooled.invalidate()
            pooled.close()


def parked_of(engine: Engine) -> ParkedReads | None:
    """The engine's parked reads (None for an engine that parks none, e.g. SQLite in memory)."""
    parked: ParkedReads | None = engine.__dict__.get(PARKED_KEY)
    return parked


class ReadConnection:
    """The pooled connection and transaction of one read request (see the module's doc).

    The connection is taken from the pool with the first statement. The statements built once
    run on the driver and the transaction is begun and ended on the driver, unless something
    needs SQLAlchemy's :class:`~sqlalchemy.engine.Connection` over it: the ORM session (then
    made on demand, :meth:`sa_connection`) or a listener on the engine's events (then made
    with the connection, so every statement, ``BEGIN`` and ``COMMIT`` is dispatched).

    ``on_connect`` gets the pooled connection as it is taken, before anything runs on it: the
    database gives it the session's row-level-security context there (which it reads then, so
    a context set on the session before its first statement applies as it would without
    this) and returns what it applied, kept as :attr:`applied`.
    """

    __slots__ = (
        "_connection",
        "_engine",
        "_interrupted",
        "_on_connect",
        "_parked",
        "_postgres",
        "_raw",
        "applied",
    )

    def __init__(self, engine: Engine, on_connect: Callable[[Any], Any]) -> None:
        self._engine = engine
        self._on_connect = on_connect
        self._raw: PoolProxiedConnection | None = None
        self._connection: Connection | None = None
        self._postgres = engine.dialect.name == "postgresql"
        self._interrupted = False
        self._parked = parked_of(engine)
        self.applied: Any = None

    @property
    def connection(self) -> Connection | None:
        """SQLAlchemy's connection of the request, if one was made."""
        return self._connection

    @property
    def dialect(self) -> Dialect:
        return self._engine.dialect

    @property
    def driver_connection(self) -> Any:
        """The driver's connection, once taken (None before the first statement)."""
        raw = self._raw
        return None if raw is None else raw.driver_connection

    def checkout(self) -> PoolProxiedConnection:
        """The pooled connection, taken on first use: a parked one (:class:`ParkedReads`), or
        one from the pool. Runs in SQLAlchemy's greenlet."""
        raw = self._raw
        if raw is not None:
            return raw
        raw = self._unpark()
        if raw is None:
            token = READ_CHECKOUT.set(True)
            try:
                raw = self._engine.raw_connection()
            finally:
                READ_CHECKOUT.reset(token)
            self._connected(raw)
        if _listened(self._engine):
            self.sa_connection()
        return raw

    def _unpark(self) -> PoolProxiedConnection | None:
        """A parked connection, made the request's; None if none is parked."""
        parked = self._parked
        raw = None if parked is None else parked.take()
        if raw is not None:
            self._connected(raw)
        return raw

    def _connected(self, raw: PoolProxiedConnection) -> None:
        try:
            self.applied = self._on_connect(raw)
        except BaseException:
            raw.close()
            raise
        self._raw = raw

    def sa_connection(self) -> Connection:
        """SQLAlchemy's connection over the pooled one, its transaction begun (on the driver
        with its first statement, if no statement ran yet): an earlier read's ``COMMIT`` still
        due on the connection is sent first, since SQLAlchemy's own ``BEGIN`` does not carry
        it. Runs in SQLAlchemy's greenlet."""
        connection = self._connection
        if connection is None:
            pooled = self.checkout()
            driver: Any = pooled.driver_connection
            if getattr(driver, "commit_due", False) or getattr(driver, "settling", False):
                await_(driver.settle())
            connection = Connection(self._engine, connection=pooled)
            connection.begin()
            self._connection = connection
        return connection

    async def fetch(
        self, raw: RawSelect, params: Mapping[str, Any], *, brief: bool = False
    ) -> list[Any]:
        """Every row of ``raw`` run with ``params``, each a sequence of processed values.

        ``brief``: the statement reads a row or a few by key. On SQLite it then runs on the
        event loop's thread (:func:`sqlite_read_here`, falling back to aiosqlite's thread when
        the database is busy), and the event loop is given back once afterwards, so a worker's
        other requests still take turns with it.
        """
        pooled = self._raw
        if pooled is None:
            pooled = self._unpark()
            if pooled is None:
                pooled = await greenlet_spawn(self.checkout)
            elif _listened(self._engine):
                await greenlet_spawn(self.sa_connection)
        args = raw.arguments(params)
        connection = self._connection
        events = connection is not None and _listened(self._engine)
        if events:
            dispatch = self._engine.dispatch
            dispatch.before_cursor_execute(connection, None, raw.sql, args, None, False)
        adapter: Any = pooled.dbapi_connection
        try:
            async with adapter._execute_mutex:
                driver = adapter._connection
                if self._postgres:
                    if adapter._transaction is None:
                        await begin_on_driver(adapter)
                    rows: list[Any] = await driver.fetch(raw.sql, *args)
                else:
                    begin = take_pending_begin(driver) or "BEGIN DEFERRED"
                    here = sqlite_read_here(driver, raw.sql, args, begin) if brief else None
                    if here is None:
                        found = await driver._execute(
                            sqlite_run, driver, raw.sql, args, False, begin
                        )
                        rows = found[1]
                    else:
                        rows = here
        except Exception as error:
            self._raise(pooled, raw.sql, args, error)
        except BaseException:
            # Cancelled while the driver worked (a sibling dependency of the request failed,
            # say): the server may have begun the transaction without the adapter knowing, or
            # aiosqlite's thread may still be running the statement. Nobody knows the
            # connection's state, so it is not pooled again.
            self._interrupted = True
            raise
        if brief and not self._postgres:
            await asyncio.sleep(0)
        if events:
            dispatch.after_cursor_execute(connection, None, raw.sql, args, None, False)
        processors = raw.results
        if any(processors):
            return [
                [p(v) if p is not None else v for p, v in zip(processors, row, strict=True)]
                for row in rows
            ]
        return rows

    def _raise(
        self,
        pooled: PoolProxiedConnection,
        sql: str | None,
        args: Sequence[Any],
        error: Exception,
    ) -> NoReturn:
        """Re-raise ``error`` as SQLAlchemy would: translated to the dialect's DBAPI error,
        wrapped in :class:`~sqlalchemy.exc.DBAPIError`, the connection invalidated if the
        server is gone."""
        adapter: Any = pooled.dbapi_connection
        dialect = self._engine.dialect
        dbapi: Any = dialect.loaded_dbapi
        translated: BaseException = error
        if self._postgres and not isinstance(error, dbapi.Error):
            try:
                adapter._handle_exception(error)
            except Exception as adapted:
                translated = adapted
        if not isinstance(translated, dbapi.Error):
            raise error
        gone = dialect.is_disconnect(translated, adapter, None)
        if gone:
            pooled.invalidate(translated)
        raise exc.DBAPIError.instance(
            sql, list(args), translated, dbapi.Error, connection_invalidated=gone
        ) from error

    def finish_sync(self, error: BaseException | None) -> None:
        """Commit (``error`` None) or roll back the transaction, and return the connection to
        the pool; once. A transaction the session already rolled back is only closed. Runs in
        SQLAlchemy's greenlet."""
        connection, pooled = self._connection, self._raw
        self._connection = self._raw = None
        if connection is not None and self._interrupted:
            connection.invalidate()
            connection.close()
            return
        if connection is not None:
            try:
                transaction = connection.get_transaction()
                if transaction is not None and transaction.is_active:
                    if error is None:
                        transaction.commit()
                    else:
                        transaction.rollback()
            finally:
                connection.close()
            return
        if pooled is None:
            return
        if self._interrupted:
            self._discard(pooled)
            return
        if not pooled.is_valid:
            pooled.close()
            return
        try:
            adapter: Any = pooled.dbapi_connection
            try:
                if not self._postgres:
                    sqlite_end_read(pooled.driver_connection, error is None)
                elif error is None:
                    adapter.commit()
                else:
                    adapter.rollback()
            except Exception as failed:
                self._raise(pooled, "COMMIT" if error is None else "ROLLBACK", (), failed)
        finally:
            pooled.close()

    async def finish_direct(self, error: BaseException | None) -> bool:
        """:meth:`finish_sync` without SQLAlchemy's greenlet, for a read that ran only
        statements built once (or none): committed (``error`` None) or rolled back on the
        driver, and the connection parked for the next read (:class:`ParkedReads`) or checked
        in. False, with nothing done, once SQLAlchemy's
        connection was made (the ORM or an engine listener used it): then
        :meth:`finish_sync` ends it.

        SQLite ends the read where it is (:func:`sqlite_end_read`); PostgreSQL leaves a
        committed read's ``COMMIT`` to the connection's next ``BEGIN``
        (:meth:`core.db.ContextConnection.commit_later`) and awaits a rollback. A connection
        whose end fails or is interrupted (the request cancelled meanwhile) is in a state
        nobody can know, so it is invalidated, never pooled again; the failure reaches the
        caller as :meth:`finish_sync` would raise it. One already invalidated (a statement
        found the server gone) is only given back.
        """
        if self._connection is not None:
            return False
        pooled = self._raw
        if pooled is None:
            return True
        self._raw = None
        if self._interrupted:
            await greenlet_spawn(self._discard, pooled)
            return True
        if not pooled.is_valid:
            await greenlet_spawn(pooled.close)
            return True
        adapter: Any = pooled.dbapi_connection
        try:
            if not self._postgres:
                sqlite_end_read(pooled.driver_connection, error is None)
            else:
                transaction = adapter._transaction
                if transaction is not None:
                    adapter._transaction = None
                    if error is None and isinstance(transaction, DriverTransaction):
                        transaction.commit_later()
                    else:
                        await (transaction.commit() if error is None else transaction.rollback())
        except BaseException as failed:
            await greenlet_spawn(self._abandon, pooled, error is None, failed)
            raise
        parked = self._parked
        if parked is None or not parked.park(pooled):
            pooled.close()
        return True

    def _abandon(self, pooled: PoolProxiedConnection, commit: bool, failed: BaseException) -> None:
        """Invalidate ``pooled`` after its transaction failed to end with ``failed``, and raise
        a database error as SQLAlchemy would (other exceptions, a cancellation among them, are
        re-raised by the caller). Runs in SQLAlchemy's greenlet."""
        try:
            if isinstance(failed, Exception):
                self._raise(pooled, "COMMIT" if commit else "ROLLBACK", (), failed)
        finally:
            self._discard(pooled, failed if isinstance(failed, Exception) else None)

    @staticmethod
    def _discard(pooled: PoolProxiedConnection, error: Exception | None = None) -> None:
        """Invalidate ``pooled`` (its state is unknown) and give it back, so that the pool
        opens a new connection instead. Runs in SQLAlchemy's greenlet."""
        if pooled.is_valid:
            pooled.invalidate(error)
        pooled.close()


class RequestSession(Session):
    """The ORM session class of every :class:`core.db.Database`: in a read request it runs on
    the request's :class:`ReadConnection`, otherwise exactly as :class:`Session`.

    Outside SQLAlchemy's greenlet (a caller asking ``session.get_bind().dialect``) and before
    the connection is taken, it answers the engine, which has the same dialect.
    """

    def get_bind(self, mapper: Any = None, **kw: Any) -> Any:
        shared = self.info.get(READ_CONNECTION_KEY) if kw.get("bind") is None else None
        if shared is not None:
            connection = shared.connection
            if connection is not None:
                return connection
            if in_greenlet():
                return shared.sa_connection()
        return super().get_bind(mapper, **kw)
