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
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from pathlib import Path

import asyncpg
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.engine import make_url

from core import migrate
from core.app import create_app
from core.db import Database
from core.identity.models import Membership, User
from core.identity.passwords import hasher_for
from core.identity.provisioning import register_users_section
from core.settings import Settings
from core.tenancy.resolve import find_tenant

POSTGRES_URL = os.environ.get("GONGZHI_TEST_POSTGRES")
register_users_section()
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


def migrate_database(url: str) -> None:
    migrate.upgrade(url)


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
        argon2_time_cost=1,
        argon2_memory_cost=8,
        argon2_parallelism=1,
    )


@pytest.fixture
async def app(settings: Settings) -> Litestar:
    return create_app(settings)


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


MakeUser = Callable[..., Awaitable[uuid.UUID]]
LoginAs = Callable[..., Awaitable[dict[str, str]]]
DEFAULT_PASSWORD = "correct-horse-battery"


@pytest.fixture
async def make_user(db: Database, settings: Settings) -> MakeUser:
    """Create a user directly in the database: ``await make_user("li", [("wangcheng", "admin")])``.

    Each membership is ``(tenant slug or division code, role)``, or ``(None, "platform_admin")``
    for a global platform administrator. An existing username only gains the memberships.
    Returns the user's id.
    """
    hasher = hasher_for(settings)

    async def make(
        username: str,
        memberships: Sequence[tuple[str | None, str]] = (),
        password: str = DEFAULT_PASSWORD,
        display_name: str | None = None,
        status: str = "active",
    ) -> uuid.UUID:
        async with db.session(write=True) as session:
            user = await session.scalar(select(User).where(User.username == username))
            if user is None:
                user = User(
                    username=username,
                    display_name=display_name or username,
                    password_hash=hasher.hash(password),
                    status=status,
                )
                session.add(user)
                await session.flush()
            for key, role in memberships:
                tenant_id = None
                if key is not None:
                    tenant = await find_tenant(session, key)
                    assert tenant is not None, f"no tenant {key!r}"
                    tenant_id = tenant.id
                session.add(Membership(user_id=user.id, tenant_id=tenant_id, role=role))
            return user.id

    return make


@pytest.fixture
async def login_as(client: AsyncTestClient[Litestar]) -> LoginAs:
    """Log in through the API and return the ``Authorization`` header to send."""

    async def login(username: str, password: str = DEFAULT_PASSWORD) -> dict[str, str]:
        response = await client.post(
            "/api/v1/auth/login", json={"username": username, "password": password}
        )
        assert response.status_code == 200, response.text
        return {"Authorization": f"Bearer {response.json()['access_token']}"}

    return login


@pytest.fixture
async def admin_client(
    client: AsyncTestClient[Litestar], make_user: MakeUser, login_as: LoginAs
) -> AsyncTestClient[Litestar]:
    """The test's client, logged in as a global platform administrator (user ``root``).

    It is the same object as ``client``: a test that also needs an anonymous request passes
    ``headers={"Authorization": ""}`` on it.
    """
    await make_user("root", [(None, "platform_admin")], display_name="平台管理员")
    client.headers.update(await login_as("root"))
    return client
