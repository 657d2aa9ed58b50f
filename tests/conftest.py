"""Fixtures shared by the whole suite.

Every test that takes ``database_url`` (directly or through ``settings``/``app``/``client``) runs
twice: on SQLite and on PostgreSQL. PostgreSQL runs when ``GONGZHI_TEST_POSTGRES`` points at a
server (``postgresql://postgres@127.0.0.1:5432/test``); without it those cases are skipped with
that reason. Each test gets a fresh database cloned from a template migrated once per session.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.engine import make_url

from core import migrate
from core.app import create_app
from core.db import Database
from core.settings import Settings

POSTGRES_URL = os.environ.get("GONGZHI_TEST_POSTGRES")
SECRET = "test-secret-key-0123456789-abcdefghijklmnop"


def _pg_dsn(database: str) -> str:
    assert POSTGRES_URL
    return str(make_url(POSTGRES_URL).set(drivername="postgresql", database=database))


def pg_async_url(database: str) -> str:
    assert POSTGRES_URL
    url = make_url(POSTGRES_URL).set(drivername="postgresql+asyncpg", database=database)
    return url.render_as_string(hide_password=False)


async def _pg_admin(*statements: str) -> None:
    assert POSTGRES_URL
    conn = await asyncpg.connect(_pg_dsn(make_url(POSTGRES_URL).database or "postgres"))
    try:
        for statement in statements:
            await conn.execute(statement)
    finally:
        await conn.close()


def pg_create_database(template: str | None = None) -> str:
    name = f"gongzhi_t_{uuid.uuid4().hex[:16]}"
    clause = f" TEMPLATE {template}" if template else ""
    asyncio.run(_pg_admin(f'CREATE DATABASE "{name}"{clause}'))
    return name


def pg_drop_database(name: str) -> None:
    asyncio.run(_pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def plugin_migration_locations() -> list[Path]:
    """Version folders of the plugins under test; the plugin host's discovery replaces this."""
    from plugins import five_sector

    return [five_sector.gongzhi_migrations()]


async def _create_event_outbox(url: str) -> None:
    """The outbox table ``core.emit`` writes to, until the host's migration creates it."""
    from core.db import create_nullpool_engine
    from core.modules.models import OutboxEvent

    engine = create_nullpool_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(OutboxEvent.__table__.create, checkfirst=True)  # type: ignore[attr-defined]
    finally:
        await engine.dispose()


def migrate_database(url: str) -> None:
    migrate.upgrade(url, plugin_locations=plugin_migration_locations())
    asyncio.run(_create_event_outbox(url))


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    migrate_database(f"sqlite+aiosqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str]:
    if not POSTGRES_URL:
        pytest.skip("PostgreSQL not configured: set GONGZHI_TEST_POSTGRES to run these cases")
    name = pg_create_database()
    try:
        migrate_database(pg_async_url(name))
        yield name
    finally:
        pg_drop_database(name)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def database_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, fully migrated database for this test."""
    if backend == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        target = tmp_path / "gongzhi.db"
        shutil.copyfile(template, target)
        yield f"sqlite+aiosqlite:///{target}"
        return
    pg_tmpl: str = request.getfixturevalue("pg_template")
    name = pg_create_database(template=pg_tmpl)
    try:
        yield pg_async_url(name)
    finally:
        pg_drop_database(name)


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(
        database_url=database_url,
        secret_key=SECRET,
        environment="test",
        log_level="WARNING",
        strict_plugins=True,
    )


@pytest.fixture
async def app(settings: Settings) -> Litestar:
    app = create_app(settings)
    app.state.plugin_locations = plugin_migration_locations()
    return app


@pytest.fixture
async def client(app: Litestar) -> AsyncIterator[AsyncTestClient[Litestar]]:
    async with AsyncTestClient(app=app) as client:
        yield client


@pytest.fixture
async def db(settings: Settings) -> AsyncIterator[Database]:
    """A separate handle on the test's database for arranging and checking rows directly.

    Use this rather than ``app.state.db``: the test client serves the app on its own event loop.
    """
    database = Database(settings)
    try:
        yield database
    finally:
        await database.dispose()


@pytest.fixture
async def admin_client(client: AsyncTestClient[Litestar]) -> AsyncTestClient[Litestar]:
    """A client acting as a platform administrator (every permission everywhere)."""
    return client
