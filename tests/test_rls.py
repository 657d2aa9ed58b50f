"""Row-level security fails closed: PostgreSQL itself keeps tenants apart, whatever the app does.

These tests connect as the application role (``gongzhi_app``, what the whole PostgreSQL suite
uses) and check the floor under the application's own filters: no context sees nothing, a
pooled connection forgets its last tenant, every table with a tenant column is covered, and the
role cannot step around any of it. PostgreSQL only: SQLite has no row-level security.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from litestar import Litestar, get
from litestar.testing import AsyncTestClient
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from core import Manifest, hookimpl
from core.db import NO_CONTEXT, SYSTEM, Database, DbContext, create_engine
from core.modules.isolation_matrix import unprotected_tables
from core.modules.models import ModuleChoice, ModulePolicy, OutboxEvent
from core.rls import ROW_PATH_TRIGGER, in_visible, visible_ids_statements
from core.settings import Settings
from core.tenancy.models import Tenant
from tests.modules.sample_plugins import manifest

TREE: dict[str, Any] = {"district": {"town-a": {"community-a": {}}, "town-b": {"community-b": {}}}}

# Tables with a tenant column that deliberately have no row-level security, each with the reason.
# Keep this list empty unless a table truly holds nothing a tenant may not see.
RLS_EXEMPT: dict[str, str] = {}


class CarelessPlugin:
    """A module whose route forgets its tenant filter: what row-level security is for."""

    @hookimpl
    def gongzhi_manifest(self) -> Manifest:
        @get("/every-choice", opt={"permission": "careless:read"})
        async def every_choice(session: AsyncSession) -> list[str]:
            rows = await session.execute(select(ModuleChoice.tenant_id))
            return sorted({str(tenant_id) for (tenant_id,) in rows})

        return manifest("careless", default_enabled=True, routes=[every_choice])


@pytest.fixture
def app_plugins() -> list[tuple[str, Any]]:
    return [("careless", CarelessPlugin())]


@pytest.fixture
def pg_only(backend: str) -> None:
    if backend != "postgres":
        pytest.skip("row-level security exists only on PostgreSQL; SQLite relies on app filters")


@pytest.fixture
async def app_db(settings: Settings, pg_only: None) -> AsyncIterator[Callable[..., Database]]:
    """Database handles as the application opens them: no context unless a session gives one."""
    opened: list[Database] = []

    def make(pool_size: int = 10) -> Database:
        database = Database(settings)
        if pool_size != 10:
            database.engine = create_engine(settings.database_url, pool_size=pool_size)
            database.sessionmaker.configure(bind=database.engine)
        opened.append(database)
        return database

    yield make
    for database in opened:
        await database.dispose()


async def tenant_tables(db: Database) -> list[str]:
    async with db.session() as session:
        rows = await session.execute(
            text(
                "SELECT c.table_name FROM information_schema.columns c"
                " JOIN information_schema.tables t USING (table_schema, table_name)"
                " WHERE c.table_schema = 'public' AND c.column_name = 'tenant_id'"
                " AND t.table_type = 'BASE TABLE' ORDER BY 1"
            )
        )
        return [name for (name,) in rows]


async def arrange(db: Database, tree: dict[str, Tenant]) -> None:
    """A module choice, a policy and an outbox event at every tenant of the tree."""
    async with db.session(write=True) as session:
        for tenant in tree.values():
            session.add(ModuleChoice(tenant_id=tenant.id, module="five-sector", enabled=True))
            session.add(ModulePolicy(tenant_id=tenant.id, module="five-sector", policy="allowed"))
            session.add(
                OutboxEvent(
                    id=uuid.uuid4(),
                    tenant_id=tenant.id,
                    type="test.arranged",
                    source="test",
                    payload={},
                )
            )


async def visible_tenant_ids(database: Database, context: DbContext, table: str) -> set[Any]:
    column = "id" if table == "tenants" else "tenant_id"
    async with database.session(context=context) as session:
        rows = await session.execute(text(f"SELECT {column} FROM {table}"))
        return {row[0] for row in rows}


async def test_a_handler_that_forgets_its_tenant_filter_still_sees_only_its_subtree(
    pg_only: None,
    admin_client: AsyncTestClient[Litestar],
    db: Database,
    gongzhi_tree: Callable[..., Any],
) -> None:
    built = await gongzhi_tree(TREE)
    await arrange(db, built)
    response = await admin_client.get("/api/v1/tenants/town-a/careless/every-choice")
    assert response.status_code == 200, response.text
    assert response.json() == sorted(str(built[s].id) for s in ("town-a", "community-a"))


async def test_the_app_role_has_neither_superuser_nor_bypassrls_nor_owns_a_table(
    app_db: Callable[..., Database],
) -> None:
    database = app_db()
    async with database.session() as session:
        role = (
            await session.execute(
                text(
                    "SELECT current_user, rolsuper, rolbypassrls FROM pg_roles"
                    " WHERE rolname = current_user"
                )
            )
        ).one()
        owned = await session.scalar(
            text(
                "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
                " AND tableowner = current_user"
            )
        )
    assert role == ("gongzhi_app", False, False)
    assert owned == 0


def test_a_context_path_is_checked_whole_before_it_is_inlined_with_begin() -> None:
    """The context's values travel as literals with ``BEGIN``; a path with anything after its
    last segment (a line break, which a pattern's ``$`` lets through) is refused."""
    path = f"/{'0' * 32}/"
    assert f"app.tenant_path = '{path}'" in DbContext(tenant_path=path).begin_script()
    for wrong in (f"{path}\n", "/\n", f"{path}x"):
        with pytest.raises(ValueError, match="not a tenant path"):
            DbContext(tenant_path=wrong)


def test_an_arm_through_another_table_reads_it_through_its_visible_ids_function() -> None:
    """``in_visible`` names the function ``create_visible_ids`` makes, which reads the table as
    its caller (no ``SECURITY DEFINER``: the table's own policies decide what it returns); a
    name that is no plain identifier is refused rather than quoted into SQL."""
    assert in_visible("activity_id", "fs_activities") == (
        '"activity_id" IN (SELECT "gongzhi_visible_fs_activities"())'
    )
    (create,) = visible_ids_statements("fs_activities", "public")
    assert 'RETURN QUERY SELECT "id" FROM "public"."fs_activities"' in create
    assert "SECURITY DEFINER" not in create
    with pytest.raises(ValueError, match="identifier"):
        in_visible("activity_id", "fs_activities; DROP TABLE tenants")
    with pytest.raises(ValueError, match="identifier"):
        visible_ids_statements("x" * 60)


async def test_without_a_context_the_app_role_sees_no_tenant_owned_row(
    app_db: Callable[..., Database], db: Database, gongzhi_tree: Callable[..., Any]
) -> None:
    built = await gongzhi_tree(TREE)
    await arrange(db, built)
    database = app_db()
    tables = ["tenants", *await tenant_tables(db)]
    seen_by_system = {t: await visible_tenant_ids(db, SYSTEM, t) for t in tables}
    assert all(seen_by_system[t] for t in ("tenants", "module_choices", "event_outbox"))
    for table in tables:
        assert await visible_tenant_ids(database, NO_CONTEXT, table) == set(), table


async def test_a_tenant_context_sees_its_subtree_and_nothing_beside_it(
    app_db: Callable[..., Database], db: Database, gongzhi_tree: Callable[..., Any]
) -> None:
    built = await gongzhi_tree(TREE)
    await arrange(db, built)
    database = app_db()
    town_a = DbContext.for_tenant(built["town-a"])
    ids = {slug: t.id for slug, t in built.items()}
    assert await visible_tenant_ids(database, town_a, "module_choices") == {
        ids["town-a"],
        ids["community-a"],
    }
    assert await visible_tenant_ids(database, town_a, "event_outbox") == {
        ids["town-a"],
        ids["community-a"],
    }
    # The tree above a tenant stays readable (breadcrumbs, inherited policies); siblings do not.
    assert await visible_tenant_ids(database, town_a, "tenants") == {
        ids["district"],
        ids["town-a"],
        ids["community-a"],
    }
    assert await visible_tenant_ids(database, town_a, "module_policies") == {
        ids["district"],
        ids["town-a"],
        ids["community-a"],
    }
    district = DbContext.for_tenant(built["district"])
    assert await visible_tenant_ids(database, district, "module_choices") == set(ids.values())


async def test_the_policies_test_the_rows_own_tenant_path_and_still_filter(
    app_db: Callable[..., Database], db: Database, gongzhi_tree: Callable[..., Any]
) -> None:
    """A policy compares the row's ``tenant_path`` with the context's subtree: the plan of a
    statement reads no list of the subtree (which cost every policy the whole subtree once per
    statement), and the policies still admit exactly the subtree."""
    built = await gongzhi_tree(TREE)
    await arrange(db, built)
    database = app_db()
    ids = {slug: t.id for slug, t in built.items()}
    town_a = DbContext.for_tenant(built["town-a"])
    assert await visible_tenant_ids(database, town_a, "module_choices") == {
        ids["town-a"],
        ids["community-a"],
    }
    async with database.session(context=town_a) as session:
        plan = "\n".join(
            row[0]
            for row in await session.execute(
                text("EXPLAIN SELECT tenant_id FROM module_choices WHERE module = 'x'")
            )
        )
    assert "tenant_paths" not in plan, plan
    assert "(tenant_path)::text ~<~" in plan, plan


async def _move_paths(session: AsyncSession, moved: Tenant, under: Tenant) -> str:
    """Rewrite the paths of ``moved``'s subtree to lie under ``under`` in one ``UPDATE``, as a
    move does; returns ``moved``'s new path."""
    new = f"{under.path}{moved.id.hex}/"
    await session.execute(
        text(
            "UPDATE tenants SET path = :new || substr(path, length(:old) + 1) "
            "WHERE path LIKE :old || '%'"
        ),
        {"old": moved.path, "new": new},
    )
    return new


async def test_a_rows_tenant_path_follows_its_tenant_and_cannot_be_written(
    app_db: Callable[..., Database], db: Database, gongzhi_tree: Callable[..., Any]
) -> None:
    """The database keeps ``tenant_path``: a row gets its tenant's path when written, whatever
    the statement says; a row moved to another tenant, or a tenant moved with its subtree (one
    ``UPDATE`` of ``tenants``), takes the new path at once, so the rows are where the tree says
    under every policy."""
    built = await gongzhi_tree(TREE)
    await arrange(db, built)
    database = app_db()
    town_a, town_b = built["town-a"], built["town-b"]
    community_a, community_b = built["community-a"], built["community-b"]
    with pytest.raises(DBAPIError, match="row-level security"):
        async with database.session(write=True, context=DbContext.for_tenant(town_a)) as session:
            await session.execute(
                text(
                    "INSERT INTO module_choices (id, tenant_id, module, enabled, tenant_path) "
                    "VALUES (gen_random_uuid(), :tenant, 'forged', true, :path)"
                ),
                {"tenant": community_b.id, "path": community_a.path},
            )
    async with database.session(write=True, context=SYSTEM) as session:
        await session.execute(
            text("UPDATE module_choices SET tenant_path = '/' WHERE tenant_id = :id"),
            {"id": community_a.id},
        )
        await session.execute(
            text("UPDATE event_outbox SET tenant_id = :to WHERE tenant_id = :from"),
            {"to": community_b.id, "from": town_b.id},
        )
    async with database.session(context=SYSTEM) as session:
        paths = {
            tenant: path
            for tenant, path in await session.execute(
                text("SELECT tenant_id, tenant_path FROM module_choices")
            )
        }
        moved = set(
            await session.scalars(
                text("SELECT tenant_path FROM event_outbox WHERE tenant_id = :id"),
                {"id": community_b.id},
            )
        )
    assert paths == {tenant.id: tenant.path for tenant in built.values()}
    assert moved == {community_b.path}
    async with database.session(write=True, context=SYSTEM) as session:
        moved_path = await _move_paths(session, town_a, town_b)
        await session.execute(
            text("UPDATE tenants SET parent_id = :parent, depth = depth + 1 WHERE id = :id"),
            {"parent": town_b.id, "id": town_a.id},
        )
    for table in ("module_choices", "module_policies", "event_outbox"):
        assert await visible_tenant_ids(database, DbContext.for_tenant(town_b), table) >= {
            town_a.id,
            community_a.id,
        }, table
    town_a_moved = DbContext(tenant_id=town_a.id, tenant_path=moved_path)
    assert await visible_tenant_ids(database, town_a_moved, "module_choices") == {
        town_a.id,
        community_a.id,
    }


async def _paths(database: Database) -> tuple[set[Any], set[Any]]:
    async with database.session(context=SYSTEM) as session:
        paths = set(await session.execute(text("SELECT id, path FROM tenant_paths")))
        tenants = set(await session.execute(text("SELECT id, path FROM tenants")))
    return paths, tenants


async def test_tenant_paths_follows_every_change_of_the_tree_and_the_app_cannot_write_it(
    app_db: Callable[..., Database], gongzhi_tree: Callable[..., Any]
) -> None:
    """The policies read the subtree from ``tenant_paths``, which the tenants' triggers keep:
    a tenant added, moved with its subtree (one ``UPDATE``), renamed or deleted is there at
    the next statement. The app role cannot write it, not even in the system context: a path
    written there would put a tenant's rows under another subtree's policies."""
    built = await gongzhi_tree(TREE)
    database = app_db()
    paths, tenants = await _paths(database)
    assert paths == tenants
    assert len(paths) == len(built)
    town_a, town_b = built["town-a"], built["town-b"]
    async with database.session(write=True, context=SYSTEM) as session:
        moved_path = await _move_paths(session, town_a, town_b)
        await session.execute(
            text("UPDATE tenants SET name = 'x' WHERE id = :id"), {"id": town_b.id}
        )
        await session.execute(
            text("DELETE FROM tenants WHERE id = :id"), {"id": built["community-b"].id}
        )
    paths, tenants = await _paths(database)
    assert paths == tenants
    assert len(paths) == len(built) - 1
    assert (town_a.id, moved_path) in paths
    town_b_context = DbContext.for_tenant(town_b)
    async with database.session(context=town_b_context) as session:
        seen = set(await session.scalars(text("SELECT id FROM tenants")))
    assert built["community-a"].id in seen, "the moved subtree is under its new parent's policy"
    for statement in (
        "INSERT INTO tenant_paths (id, path) VALUES (gen_random_uuid(), '/x/')",
        "UPDATE tenant_paths SET path = path",
        "DELETE FROM tenant_paths",
    ):
        with pytest.raises(DBAPIError, match="permission denied"):
            async with database.session(write=True, context=SYSTEM) as session:
                await session.execute(text(statement))


async def test_a_tenant_context_cannot_write_a_row_of_another_subtree(
    app_db: Callable[..., Database], gongzhi_tree: Callable[..., Any]
) -> None:
    built = await gongzhi_tree(TREE)
    database = app_db()
    with pytest.raises(DBAPIError, match="row-level security"):
        async with database.session(
            write=True, context=DbContext.for_tenant(built["town-a"])
        ) as session:
            session.add(
                ModuleChoice(tenant_id=built["community-b"].id, module="five-sector", enabled=True)
            )
    with pytest.raises(DBAPIError, match="row-level security"):
        async with database.session(write=True) as session:
            session.add(
                ModuleChoice(tenant_id=built["community-a"].id, module="five-sector", enabled=True)
            )


async def test_a_pooled_connection_reused_after_tenant_a_sees_nothing_of_a(
    app_db: Callable[..., Database], db: Database, gongzhi_tree: Callable[..., Any]
) -> None:
    built = await gongzhi_tree(TREE)
    await arrange(db, built)
    database = app_db(pool_size=1)
    a = built["community-a"]
    async with database.session(context=DbContext.for_tenant(a)) as session:
        first_pid = await session.scalar(text("SELECT pg_backend_pid()"))
        assert await session.scalar(text("SELECT count(*) FROM module_choices")) == 1
    async with database.session() as session:
        assert await session.scalar(text("SELECT pg_backend_pid()")) == first_pid
        leftovers = (
            await session.execute(
                text(
                    "SELECT current_setting('app.tenant_path', true),"
                    " current_setting('app.user_id', true),"
                    " current_setting('app.system', true)"
                )
            )
        ).one()
        assert set(leftovers) <= {"", None}
        for table in ["tenants", *await tenant_tables(db)]:
            rows = await session.execute(text(f"SELECT count(*) FROM {table}"))
            assert rows.scalar_one() == 0, table
    async with database.session(context=DbContext.for_tenant(built["community-b"])) as session:
        assert await session.scalar(text("SELECT pg_backend_pid()")) == first_pid
        seen = {tid for (tid,) in await session.execute(text("SELECT tenant_id FROM event_outbox"))}
        assert seen == {built["community-b"].id}


async def test_every_table_with_a_tenant_column_has_row_level_security_enabled_and_forced(
    app_db: Callable[..., Database], db: Database
) -> None:
    tables = await tenant_tables(db)
    assert "module_choices" in tables
    assert any(t.startswith("fs_") for t in tables), "plugin tables are covered too"
    unprotected = await unprotected_tables(
        db, [table for table in ["tenants", *tables] if table not in RLS_EXEMPT]
    )
    assert unprotected == {}
    assert set(RLS_EXEMPT) <= set(tables), "an exemption names a table without tenant column"


async def test_the_catalogue_check_names_a_table_whose_row_path_nothing_keeps(
    app_db: Callable[..., Database], db: Database, gongzhi_owner_db: Database
) -> None:
    """A table whose policies test ``tenant_path`` without the trigger that keeps it would take
    whatever path a caller writes: the check a plugin's isolation test runs must say so."""
    assert await unprotected_tables(db, ["module_choices"]) == {}
    async with gongzhi_owner_db.session(write=True) as session:
        await session.execute(text(f"DROP TRIGGER {ROW_PATH_TRIGGER} ON module_choices"))
    assert await unprotected_tables(db, ["module_choices"]) == {
        "module_choices": (True, True, 4, False)
    }


async def test_db_grant_gives_the_app_role_a_table_the_owner_just_created(
    pg_only: None,
    settings: Settings,
    gongzhi_owner_db: Database,
    app_db: Callable[..., Database],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from click.testing import CliRunner

    from core.cli import main

    async with gongzhi_owner_db.session(write=True) as session:
        await session.execute(text("CREATE TABLE later_table (id integer PRIMARY KEY)"))
    database = app_db()
    with pytest.raises(DBAPIError, match="permission denied"):
        async with database.session() as session:
            await session.execute(text("SELECT count(*) FROM later_table"))
    monkeypatch.setenv("GONGZHI_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("GONGZHI_MIGRATION_DATABASE_URL", settings.migrations_url)
    monkeypatch.setenv("GONGZHI_SECRET_KEY", settings.secret_key)
    runner = CliRunner()
    # The command runs its own event loop: give it a thread.
    refused = await asyncio.to_thread(runner.invoke, main, ["db", "grant", "no such role"])
    assert refused.exit_code == 2
    granted = await asyncio.to_thread(runner.invoke, main, ["db", "grant", "gongzhi_app"])
    assert granted.exit_code == 0, granted.output
    async with database.session() as session:
        assert await session.scalar(text("SELECT count(*) FROM later_table")) == 0
    with pytest.raises(DBAPIError, match="permission denied"):
        async with database.session(write=True) as session:
            await session.execute(text("DELETE FROM alembic_version"))
