"""Engine, sessions and the unit of work, with the tenant context row-level security reads.

One :class:`Database` per process holds the engine. Request handlers get an
:class:`~sqlalchemy.ext.asyncio.AsyncSession` that is already inside a transaction; it commits
when the handler returns and rolls back when it raises, so a failed request leaves nothing half
written.

Every transaction carries a :class:`DbContext`. On PostgreSQL its values are written with
``set_config(..., true)`` as the first statement of the transaction (transaction-local, so they
end with the transaction and never survive on a pooled connection); the row-level security
policies of :mod:`core.rls` read them. A transaction opened without a context sees no
tenant-owned row at all. SQLite has no row-level security: there the context only travels along
in ``session.info``.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import NullPool

from core.settings import Settings

SQLITE_BUSY_TIMEOUT_MS = 15_000
CONTEXT_KEY = "gongzhi_db_context"
_PATH_RE = re.compile(r"^/(?:[0-9a-f]{32}/)*$")
_SET_CONTEXT = text(
    "SELECT set_config('app.tenant_id', :tenant_id, true),"
    " set_config('app.tenant_path', :tenant_path, true),"
    " set_config('app.user_id', :user_id, true),"
    " set_config('app.system', :system, true)"
)


@dataclass(frozen=True, slots=True)
class DbContext:
    """Whose rows a transaction may see and write under row-level security.

    - ``tenant_id``/``tenant_path``: the tenant of the request; rows of that tenant and its
      subtree are visible (and, for the tables that allow it, those of its ancestors). The path
      ``"/"`` is the whole forest: a platform administrator's reach.
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
        if self.tenant_path is not None and not _PATH_RE.match(self.tenant_path):
            raise ValueError(f"not a tenant path: {self.tenant_path!r}")

    @classmethod
    def for_tenant(cls, tenant: Any, user_id: uuid.UUID | None = None) -> DbContext:
        """The context of a request about ``tenant`` (anything with ``id`` and ``path``)."""
        return cls(tenant_id=tenant.id, tenant_path=tenant.path, user_id=user_id)

    def parameters(self) -> dict[str, str]:
        return {
            "tenant_id": str(self.tenant_id) if self.tenant_id else "",
            "tenant_path": self.tenant_path or "",
            "user_id": str(self.user_id) if self.user_id else "",
            "system": "on" if self.system else "",
        }


NO_CONTEXT = DbContext()
SYSTEM = DbContext(system=True)


async def set_context(session: AsyncSession, context: DbContext) -> None:
    """Replace the context of the session's current transaction (PostgreSQL: ``set_config``).

    :meth:`Database.session` calls this first thing; core code calls it again only where one
    transaction must change whose rows it touches (moving a tenant under a new parent).
    """
    session.info[CONTEXT_KEY] = context
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(_SET_CONTEXT, context.parameters())


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


def create_engine(url: str, *, pool_size: int = 10, echo: bool = False) -> AsyncEngine:
    """Create an async engine with Gongzhi's connection settings for SQLite or PostgreSQL.

    SQLite runs in WAL mode with foreign keys enforced, and write transactions start with
    ``BEGIN IMMEDIATE`` so concurrent writers queue on the busy timeout instead of failing when a
    read lock cannot be upgraded.
    """
    if url.startswith("sqlite"):
        _prepare_sqlite_file(url)
        engine = create_async_engine(
            url, echo=echo, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
        )

        @event.listens_for(engine.sync_engine, "connect")
        def _on_connect(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        @event.listens_for(engine.sync_engine, "begin")
        def _on_begin(conn: Any) -> None:
            mode = "IMMEDIATE" if conn.get_execution_options().get("gongzhi_write") else "DEFERRED"
            conn.exec_driver_sql(f"BEGIN {mode}")

        return engine
    return create_async_engine(
        url,
        echo=echo,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=True,
        pool_recycle=1800,
    )


def create_nullpool_engine(url: str) -> AsyncEngine:
    """An engine that opens a fresh connection per use: for CLI commands and migrations."""
    if url.startswith("sqlite"):
        _prepare_sqlite_file(url)
    return create_async_engine(url, poolclass=NullPool)


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
        self.sessionmaker = async_sessionmaker(self.engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @asynccontextmanager
    async def session(
        self, *, write: bool = False, context: DbContext | None = None
    ) -> AsyncIterator[AsyncSession]:
        """A session inside one transaction: committed on normal exit, rolled back on error.

        The transaction carries ``context`` (default: :attr:`default_context`), set before any
        other statement runs.
        """
        async with self.sessionmaker() as session, session.begin():
            if write and self.dialect == "sqlite":
                await session.connection(execution_options={"gongzhi_write": True})
            await set_context(session, self.default_context if context is None else context)
            yield session

    async def dispose(self) -> None:
        await self.engine.dispose()
