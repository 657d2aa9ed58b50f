"""Engine, sessions and the unit of work.

One :class:`Database` per process holds the engine. Request handlers get an
:class:`~sqlalchemy.ext.asyncio.AsyncSession` that is already inside a transaction; it commits
when the handler returns and rolls back when it raises, so a failed request leaves nothing half
written.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
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
    """The process's engine and session factory."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.engine = create_engine(settings.database_url)
        self.sessionmaker = async_sessionmaker(self.engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @asynccontextmanager
    async def session(self, *, write: bool = False) -> AsyncIterator[AsyncSession]:
        """A session inside one transaction: committed on normal exit, rolled back on error."""
        async with self.sessionmaker() as session, session.begin():
            if write and self.dialect == "sqlite":
                await session.connection(execution_options={"gongzhi_write": True})
            yield session

    async def dispose(self) -> None:
        await self.engine.dispose()
