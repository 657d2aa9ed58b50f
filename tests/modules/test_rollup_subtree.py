"""Roll-ups follow the subtree: a tenant sees a module's figures when the module is on anywhere
below it, with the breakdown by child, and never when it is off everywhere there."""

from __future__ import annotations

import random
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import delete, event, text

from core.db import Database, DbContext
from core.modules import rollup
from core.modules.enablement import ChainLink, effective_states
from core.modules.manifest import Manifest
from core.modules.models import ModuleChoice, ModulePolicy
from core.modules.reach import modules_on_below
from core.tenancy.models import Tenant
from core.testing import make_tree
from tests.modules.sample_plugins import NotesPlugin, manifest

TREE: dict[str, Any] = {
    "district": {
        "town-a": {"comm-a1": {}, "comm-a2": {}},
        "town-b": {"comm-b1": {}},
    },
}
Client = AsyncTestClient[Litestar]


@pytest.fixture
def app_plugins() -> list[tuple[str, Any]]:
    return [("notes", NotesPlugin())]


@pytest.fixture
async def tree(db: Database) -> dict[str, Any]:
    return await make_tree(db, TREE)


async def figures(client: Client, tenant: str) -> dict[str, dict[str, Any]]:
    response = await client.get(f"/api/v1/tenants/{tenant}/metrics")
    assert response.status_code == 200, response.text
    return {figure["name"]: figure for figure in response.json()["figures"]}


async def test_a_module_on_at_one_community_shows_at_its_town_and_district(
    admin_client: Client, tree: Any
) -> None:
    response = await admin_client.put(
        "/api/v1/tenants/comm-a1/modules/notes", json={"enabled": True}
    )
    assert response.status_code == 200, response.text

    district = (await figures(admin_client, "district"))["notes.tenants"]
    assert district["total"] == 6
    assert {c["slug"]: c["value"] for c in district["children"]} == {"town-a": 3, "town-b": 2}
    town = (await figures(admin_client, "town-a"))["notes.tenants"]
    assert {c["slug"]: c["value"] for c in town["children"]} == {"comm-a1": 1, "comm-a2": 1}
    assert "notes.tenants" not in await figures(admin_client, "town-b")


async def test_a_module_off_everywhere_below_shows_nothing(admin_client: Client, tree: Any) -> None:
    assert "notes.tenants" not in await figures(admin_client, "district")
    await admin_client.put("/api/v1/tenants/comm-a1/modules/notes", json={"enabled": True})
    await admin_client.put("/api/v1/tenants/comm-a1/modules/notes", json={"enabled": False})
    assert "notes.tenants" not in await figures(admin_client, "district")


async def test_a_module_forbidden_above_the_only_community_using_it_shows_nothing(
    admin_client: Client, tree: Any
) -> None:
    await admin_client.put("/api/v1/tenants/comm-a1/modules/notes", json={"enabled": True})
    response = await admin_client.put(
        "/api/v1/tenants/town-a/modules/notes/policy", json={"policy": "forbidden"}
    )
    assert response.status_code == 200, response.text
    assert "notes.tenants" not in await figures(admin_client, "district")
    assert "notes.tenants" not in await figures(admin_client, "town-a")


MANIFESTS: dict[str, Manifest] = {
    m.name: m
    for m in (
        manifest("plain"),
        manifest("on-by-default", default_enabled=True),
        manifest("needs-plain", requires=["plain"]),
        manifest("communities-only", levels=["community"]),
        manifest("required-default", default_policy="required"),
        manifest("forbidden-default", default_policy="forbidden"),
    )
}
RANDOM_TREE: dict[str, Any] = {
    "d": {
        "t1": {"c11": {}, "c12": {}, "c13": {}},
        "t2": {"c21": {}, "c22": {}},
        "t3": {"c31": {}},
    },
}


def expected(
    tenants: dict[str, Tenant],
    policies: dict[tuple[str, str], str],
    choices: dict[tuple[str, str], bool],
    asked: Tenant,
) -> frozenset[str]:
    """The modules on somewhere below ``asked``, tenant by tenant through the pure rules."""
    by_id = {t.id: t for t in tenants.values()}
    found: set[str] = set()
    for tenant in tenants.values():
        if not tenant.path.startswith(asked.path):
            continue
        chain = []
        for ancestor_id in tenant.ancestor_ids:
            link = by_id[ancestor_id]
            mine = {m: p for (slug, m), p in policies.items() if slug == link.slug}
            chain.append((link.depth, ChainLink(link.id, link.slug, mine)))  # type: ignore[arg-type]
        own = {m: e for (slug, m), e in choices.items() if slug == tenant.slug}
        links = [link for _, link in sorted(chain, key=lambda pair: pair[0])]
        states = effective_states(MANIFESTS, links, tenant.level, own)
        found |= {name for name, state in states.items() if state.enabled}
    return frozenset(found)


async def test_the_sql_answer_matches_the_rules_tenant_by_tenant(db: Database) -> None:
    """Random policies and choices over a small tree: the one-statement answer equals asking
    every tenant of the subtree with the pure rules of core.modules.enablement."""
    tenants = await make_tree(db, RANDOM_TREE)
    rng = random.Random(11)
    for _ in range(25):
        policies: dict[tuple[str, str], str] = {}
        choices: dict[tuple[str, str], bool] = {}
        for tenant in tenants.values():
            for name in MANIFESTS:
                roll = rng.random()
                if roll < 0.12:
                    policies[(tenant.slug, name)] = rng.choice(["required", "forbidden", "allowed"])
                elif roll < 0.4:
                    choices[(tenant.slug, name)] = rng.random() < 0.5
        async with db.session(write=True) as session:
            await session.execute(delete(ModulePolicy))
            await session.execute(delete(ModuleChoice))
            ids = {t.slug: t.id for t in tenants.values()}
            session.add_all(
                ModulePolicy(tenant_id=ids[slug], module=module, policy=policy)
                for (slug, module), policy in policies.items()
            )
            session.add_all(
                ModuleChoice(tenant_id=ids[slug], module=module, enabled=enabled)
                for (slug, module), enabled in choices.items()
            )
        for asked in tenants.values():
            async with db.session() as session:
                got = await modules_on_below(session, MANIFESTS, asked)
            want = expected(tenants, policies, choices, asked)
            assert got == want, f"{asked.slug}: {sorted(got ^ want)} {policies} {choices}"


async def test_the_roll_up_statement_names_children_without_joining_the_subtree(
    backend: str, db: Database, tree: Any
) -> None:
    """On PostgreSQL the per-tenant sums find their child in one lookup object, not by a join
    to the subtree whose plan would depend on a size the planner cannot know: even with hash
    and merge joins off, the statement has no nested loop (a join would have to be one)."""
    if backend != "postgres":
        pytest.skip("the statement's plan is PostgreSQL's")
    metrics = tuple(NotesPlugin().metrics())
    statement = rollup._batch(metrics, "postgresql")
    async with db.session(context=DbContext.for_tenant(tree["district"])) as session:
        await session.execute(text("SET LOCAL enable_hashjoin = off"))
        await session.execute(text("SET LOCAL enable_mergejoin = off"))
        params = rollup._params(tree["district"])
        compiled = statement.params(params).compile(
            dialect=session.get_bind().dialect, compile_kwargs={"literal_binds": True}
        )
        plan = "\n".join(row[0] for row in await session.execute(text(f"EXPLAIN {compiled}")))
        rows = (await session.execute(statement, params)).all()
    assert "Nested Loop" not in plan, plan
    assert sorted(int(value) for _, value, _ in rows) == [1, 2, 3]


async def test_the_roll_up_statement_is_the_same_text_for_every_tenant(
    db: Database, tree: Any, app: Litestar
) -> None:
    """The tenant's path is a bound parameter, not part of the SQL text, so PostgreSQL may plan
    the statement once per connection and reuse the plan for any tenant (no join of the
    statement depends on the subtree's size); the figures still follow the tenant."""
    statements: list[str] = []

    def seen(*args: Any) -> None:
        statements.append(args[2])

    host = app.state.host
    event.listen(db.engine.sync_engine, "before_cursor_execute", seen)
    try:
        totals: dict[str, Any] = {}
        for slug in ("town-a", "town-b"):
            async with db.session(context=DbContext.for_tenant(tree[slug])) as session:
                statements.clear()
                result = await rollup.rollup(session, host, tree[slug], frozenset({"notes"}))
                totals[slug] = [s for s in statements if "rollup_subtree" in s]
                (figure,) = result["figures"]
                totals[slug + " total"] = figure["total"]
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", seen)
    assert totals["town-a"]
    assert totals["town-a"] == totals["town-b"]
    assert (totals["town-a total"], totals["town-b total"]) == (3, 2)
