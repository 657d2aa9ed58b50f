"""Pytest fixtures for Gongzhi and for plugin authors (registered as the ``gongzhi`` pytest11
plugin, so installing Gongzhi makes them available to any test suite).

Database fixtures run each test twice, on SQLite and on PostgreSQL; the PostgreSQL case runs
when ``GONGZHI_TEST_POSTGRES`` names a server (``postgresql://postgres@127.0.0.1:5432/test``)
and is skipped with that reason otherwise. Each test gets a fresh database cloned from a
template migrated once per session with the core and every installed plugin's branch.

On PostgreSQL the template is migrated as the server's user from ``GONGZHI_TEST_POSTGRES`` (the
owner), the role :data:`APP_ROLE` (``LOGIN NOSUPERUSER NOBYPASSRLS``) is created once per server
and granted its privileges, and the application under test connects as that role: row-level
security is forced on every tenant-owned table, exactly as in production.
``gongzhi_settings.migration_database_url`` is the owner's URL.

Fixtures: ``gongzhi_backend``, ``gongzhi_database_url``, ``gongzhi_settings``,
``gongzhi_plugins`` (override to load extra plugin objects), ``gongzhi_app``,
``gongzhi_client`` (anonymous, always), ``gongzhi_db`` (a separate handle for arranging and checking
rows), ``gongzhi_owner_db`` (the same as the owner role), ``gongzhi_tree`` (build a tenant tree
from a nested mapping), ``gongzhi_admin_client`` (a client of its own, logged in as a platform administrator),
``gongzhi_isolation_check`` (the isolation matrix and row-level-security check of a module).
:func:`create_user` and :func:`login_headers` arrange other callers; :class:`SentQueries`
records what a request sends to PostgreSQL.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import event, select
from sqlalchemy.engine import Engine, make_url

from core import migrate
from core.app import create_app, load_plugins
from core.db import SYSTEM, Database
from core.identity.models import Membership, User
from core.identity.passwords import hasher_for
from core.readconn import parked_of
from core.settings import Settings
from core.tenancy.models import Tenant
from core.tenancy.resolve import find_tenant

if TYPE_CHECKING:
    from core.modules.isolation_matrix import IsolationReport

TEST_SECRET = "test-secret-key-0123456789-abcdefghijklmnop"
APP_ROLE = "gongzhi_app"
TreeSpec = Mapping[str, "TreeSpec"]


def postgres_url() -> str | None:
    return os.environ.get("GONGZHI_TEST_POSTGRES") or None


def pg_async_url(database: str, *, role: str | None = None) -> str:
    """The asyncpg URL of ``database`` as the owner (default) or as ``role`` (no password:
    the test server trusts local connections)."""
    base = postgres_url()
    assert base, "GONGZHI_TEST_POSTGRES is not set"
    url = make_url(base).set(drivername="postgresql+asyncpg", database=database)
    if role is not None:
        url = url.set(username=role, password=None)
    return url.render_as_string(hide_password=False)


def pg_owner_url(url: str) -> str:
    """The same database as ``url``, as the owner (the user of ``GONGZHI_TEST_POSTGRES``)."""
    return pg_async_url(str(make_url(url).database))


def pg_ensure_app_role() -> None:
    """Create :data:`APP_ROLE` once per server; safe when several test runs race to do it."""
    asyncio.run(
        _pg_admin(
            "DO $$ BEGIN "
            f"CREATE ROLE {APP_ROLE} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE; "
            "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"
        )
    )


async def _pg_admin(*statements: str) -> None:
    import asyncpg

    base = postgres_url()
    assert base, "GONGZHI_TEST_POSTGRES is not set"
    url = make_url(base).set(drivername="postgresql")
    conn = await asyncpg.connect(url.render_as_string(hide_password=False))
    try:
        for statement in statements:
            await conn.execute(statement)
    finally:
        await conn.close()


def pg_create_database(template: str | None = None) -> str:
    """Create a uniquely named database (from ``template`` if given); returns its name."""
    name = f"gongzhi_t_{uuid.uuid4().hex[:16]}"
    clause = f" TEMPLATE {template}" if template else ""
    asyncio.run(_pg_admin(f'CREATE DATABASE "{name}"{clause}'))
    return name


def pg_drop_database(name: str) -> None:
    asyncio.run(_pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def settings_for_tests(database_url: str, **overrides: Any) -> Settings:
    """Settings for a test process: strict plugin loading, quiet logs, a fixed secret."""
    values: dict[str, Any] = {
        "database_url": database_url,
        "secret_key": TEST_SECRET,
        "environment": "test",
        "log_level": "WARNING",
        "strict_plugins": True,
        "argon2_time_cost": 1,
        "argon2_memory_cost": 8,
        "argon2_parallelism": 1,
    }
    values.update(overrides)
    return Settings(**values)


def migrate_database(url: str, *, grant_to: str | None = None) -> None:
    """Migrate the core and every installed plugin's branch (as the owner at ``url``)."""
    host = load_plugins(settings_for_tests(url))
    migrate.upgrade(url, host.migration_locations(), grant_to=grant_to)


async def make_tree(
    db: Database,
    spec: TreeSpec,
    *,
    levels: Sequence[str] = ("district", "town", "community"),
    parent: Tenant | None = None,
    codes: Mapping[str, str] | None = None,
) -> dict[str, Tenant]:
    """Create ``spec`` (``{"slug": {"child-slug": {...}}}``) under ``parent``; slug → tenant.

    Levels follow depth: the top of ``spec`` takes the level below ``parent`` (or the first
    level). Names are the slugs; ``codes`` optionally gives division codes by slug.
    """
    created: dict[str, Tenant] = {}
    codes = codes or {}

    def build(node: TreeSpec, above: Tenant | None, rank: int) -> None:
        for slug, children in node.items():
            tenant_id = uuid.uuid4()
            tenant = Tenant(
                id=tenant_id,
                parent_id=above.id if above else None,
                path=(above.path if above else "/") + tenant_id.hex + "/",
                depth=(above.depth + 1) if above else 0,
                level=levels[rank],
                kind=None,
                slug=slug,
                name=slug,
                division_code=codes.get(slug),
                status="active",
                settings={},
            )
            created[slug] = tenant
            build(children, tenant, rank + 1)

    build(spec, parent, levels.index(parent.level) + 1 if parent else 0)
    async with db.session(write=True, context=SYSTEM) as session:
        session.add_all(created.values())
    return created


def problem_code(body: Mapping[str, Any]) -> str:
    """The last segment of a problem detail's ``type``."""
    return str(body.get("type", "")).rsplit("/", 1)[-1]


DEFAULT_PASSWORD = "correct-horse-battery"
"""The password :func:`create_user` gives when none is named."""

MakeUser = Callable[..., Awaitable[uuid.UUID]]
LoginAs = Callable[..., Awaitable[dict[str, str]]]


async def create_user(
    db: Database,
    settings: Settings,
    username: str,
    memberships: Sequence[tuple[str | None, str]] = (),
    password: str = DEFAULT_PASSWORD,
    display_name: str | None = None,
    status: str = "active",
) -> uuid.UUID:
    """Create ``username`` directly in the database (or reuse it) with ``memberships``.

    Each membership is ``(tenant slug or division code, role)``, or ``(None, "platform_admin")``
    for a global platform administrator. Returns the user's id.
    """
    async with db.session(write=True, context=SYSTEM) as session:
        user = await session.scalar(select(User).where(User.username == username))
        if user is None:
            user = User(
                username=username,
                display_name=display_name or username,
                password_hash=hasher_for(settings).hash(password),
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


async def login_headers(
    client: AsyncTestClient[Litestar], username: str, password: str = DEFAULT_PASSWORD
) -> dict[str, str]:
    """Log in through the API; the ``Authorization`` header to send as that user."""
    response = await client.post(
        "/api/v1/auth/login", json={"username": username, "password": password}
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def become_platform_admin(
    client: AsyncTestClient[Litestar], db: Database, settings: Settings
) -> AsyncTestClient[Litestar]:
    """Create the global platform administrator ``root`` and log ``client`` in as them."""
    await create_user(db, settings, "root", [(None, "platform_admin")], display_name="平台管理员")
    client.headers.update(await login_headers(client, "root"))
    return client


@pytest.fixture(scope="session")
def gongzhi_sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    migrate_database(f"sqlite+aiosqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def gongzhi_pg_template() -> Iterator[str]:
    if not postgres_url():
        pytest.skip("PostgreSQL not configured: set GONGZHI_TEST_POSTGRES to run these cases")
    pg_ensure_app_role()
    name = pg_create_database()
    try:
        migrate_database(pg_async_url(name), grant_to=APP_ROLE)
        yield name
    finally:
        pg_drop_database(name)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def gongzhi_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def gongzhi_database_url(
    gongzhi_backend: str, request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[str]:
    """A fresh, fully migrated database for this test; on PostgreSQL as the app role."""
    if gongzhi_backend == "sqlite":
        template: Path = request.getfixturevalue("gongzhi_sqlite_template")
        target = tmp_path / "gongzhi.db"
        shutil.copyfile(template, target)
        yield f"sqlite+aiosqlite:///{target}"
        return
    pg_template: str = request.getfixturevalue("gongzhi_pg_template")
    name = pg_create_database(template=pg_template)
    try:
        yield pg_async_url(name, role=APP_ROLE)
    finally:
        pg_drop_database(name)


@pytest.fixture
def gongzhi_settings(gongzhi_database_url: str) -> Settings:
    if gongzhi_database_url.startswith("postgresql"):
        return settings_for_tests(
            gongzhi_database_url, migration_database_url=pg_owner_url(gongzhi_database_url)
        )
    return settings_for_tests(gongzhi_database_url)


@pytest.fixture
def gongzhi_plugins() -> list[tuple[str, Any]]:
    """Extra ``(name, plugin)`` pairs loaded beside the installed plugins; override to add."""
    return []


@pytest.fixture
async def gongzhi_app(
    gongzhi_settings: Settings, gongzhi_plugins: list[tuple[str, Any]]
) -> Litestar:
    return create_app(gongzhi_settings, plugins=gongzhi_plugins)


@pytest.fixture
async def gongzhi_client(gongzhi_app: Litestar) -> AsyncIterator[AsyncTestClient[Litestar]]:
    """An anonymous client: no test fixture ever adds credentials to it."""
    async with AsyncTestClient(app=gongzhi_app) as client:
        yield client


@pytest.fixture
async def gongzhi_db(gongzhi_settings: Settings) -> AsyncIterator[Database]:
    """A separate handle on the test's database for arranging and checking rows directly.

    Use this rather than ``app.state.db``: the test client serves the app on its own loop. It
    connects as the app role, in the system context (every row, as command-line tools do);
    pass ``context=`` to :meth:`~core.db.Database.session` to see what a tenant would.
    """
    database = Database(gongzhi_settings, default_context=SYSTEM)
    try:
        yield database
    finally:
        await database.dispose()


@pytest.fixture
async def gongzhi_owner_db(gongzhi_settings: Settings) -> AsyncIterator[Database]:
    """A handle as the owner role (the migrations' URL), for what the app role may not do,
    such as changing ``alembic_version``. Same as :func:`gongzhi_db` on SQLite."""
    database = Database(
        gongzhi_settings.with_(database_url=gongzhi_settings.migrations_url),
        default_context=SYSTEM,
    )
    try:
        yield database
    finally:
        await database.dispose()


@pytest.fixture
def gongzhi_tree(gongzhi_db: Database) -> Callable[..., Awaitable[dict[str, Tenant]]]:
    """``await gongzhi_tree({"district": {"town": {"community": {}}}})`` → slug → tenant."""

    async def build(spec: TreeSpec, **kwargs: Any) -> dict[str, Tenant]:
        return await make_tree(gongzhi_db, spec, **kwargs)

    return build


def companion_client(client: AsyncTestClient[Litestar]) -> AsyncTestClient[Litestar]:
    """Another client of ``client``'s running app, with headers of its own.

    It shares ``client``'s portal, so its requests run on the event loop that owns the app's
    database pool (a pooled asyncpg connection cannot move between loops), and it does not run
    the app's start-up again; it needs no closing of its own.
    """
    companion: AsyncTestClient[Litestar] = AsyncTestClient(
        app=client.app, base_url=str(client.base_url)
    )
    companion.blocking_portal = client.blocking_portal
    return companion


@pytest.fixture
async def gongzhi_admin_client(
    gongzhi_client: AsyncTestClient[Litestar], gongzhi_db: Database, gongzhi_settings: Settings
) -> AsyncTestClient[Litestar]:
    """A client of the same app logged in as the global platform administrator ``root``.

    It is a client of its own: ``gongzhi_client`` stays anonymous in the same test.
    """
    return await become_platform_admin(
        companion_client(gongzhi_client), gongzhi_db, gongzhi_settings
    )


@pytest.fixture
def gongzhi_make_user(gongzhi_db: Database, gongzhi_settings: Settings) -> MakeUser:
    """``await gongzhi_make_user("li", [("wangfulu", "staff")])`` creates a user; returns its id.

    Each membership is ``(tenant slug or division code, role)``, or ``(None, "platform_admin")``
    for a global platform administrator. An existing username only gains the memberships.
    """

    async def make(username: str, memberships: Any = (), **kwargs: Any) -> uuid.UUID:
        return await create_user(gongzhi_db, gongzhi_settings, username, memberships, **kwargs)

    return make


@pytest.fixture
def gongzhi_login_as(gongzhi_client: AsyncTestClient[Litestar]) -> LoginAs:
    """``await gongzhi_login_as("li")`` logs in through the API; returns the header to send."""

    async def login(username: str, password: str = DEFAULT_PASSWORD) -> dict[str, str]:
        return await login_headers(gongzhi_client, username, password)

    return login


IsolationCheck = Callable[[str], Awaitable["IsolationReport"]]


@pytest.fixture
def gongzhi_isolation_check(
    gongzhi_app: Litestar,
    gongzhi_client: AsyncTestClient[Litestar],
    gongzhi_db: Database,
    gongzhi_make_user: MakeUser,
    gongzhi_login_as: LoginAs,
) -> IsolationCheck:
    """``await gongzhi_isolation_check("bulletin")`` runs the tenant-isolation matrix over the
    module's routes and, on PostgreSQL, the row-level-security catalogue check of its tables.

    The matrix creates the module's data at one town through its isolation fixtures and proves
    that administrators of a sibling town and of another district, and anonymous callers, read
    and change none of it; a route the fixtures do not cover fails it. Returns what was checked.
    """
    from core.modules.isolation_matrix import run_isolation_matrix

    async def check(module: str) -> IsolationReport:
        return await run_isolation_matrix(
            module,
            app=gongzhi_app,
            client=gongzhi_client,
            db=gongzhi_db,
            make_user=gongzhi_make_user,
            login_as=gongzhi_login_as,
        )

    return check


class SentQueries:
    """Every query asyncpg sends on a PostgreSQL engine's pooled connections, in order: one
    message and one round trip each, as ``with SentQueries(engine.sync_engine) as sent:``.

    It watches with asyncpg's query loggers, added to each connection as the pool hands it
    out and to those parked for the next read (:class:`core.readconn.ParkedReads`), and adds no listener to the engine's statement events: such a listener makes a read
    request run its statements through SQLAlchemy's connection, whose ``COMMIT`` goes out at
    once, where the read's own path leaves it to the connection's next ``BEGIN``. The loggers
    report with ``call_soon``: yield to the event loop once before reading :attr:`queries`.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.queries: list[str] = []
        self._watched: list[Any] = []

    def __enter__(self) -> SentQueries:
        self.attach()
        return self

    def __exit__(self, *_: Any) -> None:
        self.detach()

    def attach(self) -> None:
        event.listen(self.engine, "checkout", self._watch)
        for pooled in parked_of(self.engine) or ():
            self._watch(pooled, None, None)

    def detach(self) -> None:
        event.remove(self.engine, "checkout", self._watch)
        for driver in self._watched:
            driver.remove_query_logger(self._log)
        self._watched.clear()

    def _watch(self, dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        driver = dbapi_connection.driver_connection
        if driver not in self._watched:
            self._watched.append(driver)
            driver.add_query_logger(self._log)

    def _log(self, record: Any) -> None:
        self.queries.append(record.query)

    def labels(self) -> list[str]:
        """Each query shortened: ``BEGIN`` (with its context), ``COMMIT; BEGIN``, ``COMMIT``,
        ``SELECT <table>``."""
        found = []
        for query in self.queries:
            if query.startswith("COMMIT; BEGIN"):
                found.append("COMMIT; BEGIN")
            elif query.startswith("BEGIN"):
                found.append("BEGIN")
            elif table := re.search(r"\bFROM\s+(\w+)", query):
                found.append(f"SELECT {table.group(1)}")
            else:
                found.append(query.strip().rstrip(";"))
        return found
