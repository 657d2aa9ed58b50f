"""The tenant-isolation matrix and the row-level-security catalogue check, as a library.

The core's suite runs them over every route (tests/reliability/test_isolation_matrix.py); a
plugin's own ``pytest`` runs them over its routes through the ``gongzhi_isolation_check``
fixture (:mod:`core.testing`), so an outside module is held to the same proof as a first-party
one.

The world: A is a town with two communities (社区) and two villages (村); B is its sibling town
in the same district; C is a town of another district. Every installed module is ``required`` at
both districts, so a 404 is the access check's and never the module guard's. For every
operation data is created at A; administrators of B and C and an anonymous caller then try it.
Against A's URL they get 404 (anonymous: 401 or 404); against their own tenant with A's ids,
reads answer 404 and writes are refused; lists and searches at their own tenant contain none of
A's ids; A's rows are byte-for-byte the same afterwards. The same call by A's administrator
succeeds (the positive control) and, for a write, leaves an audit record carrying its request
id. An operation whose ids or body no fixture supplies fails, so a new endpoint is covered or
the check is red.
"""

from __future__ import annotations

import json
import re
import types
import uuid
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import func, inspect, select, text

from core.audit import AuditRecord
from core.db import Database
from core.modules.host import PluginHost
from core.modules.isolation import ApiCall, IsolationFixtures, IsolationTenant
from core.modules.models import ModulePolicy
from core.orm import Base
from core.rls import POLICY_NAMES, ROW_PATH_TRIGGER
from core.tenancy.models import Tenant

TENANT_PREFIX = "/api/v1/tenants/{tenant_key}"
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
OUTSIDERS = ("b-admin", "c-admin")
SEARCH_TERMS = ("iso", "隔离", "a")
Client = AsyncTestClient[Litestar]
Counter = Callable[[str], None]


def _ignore(_name: str) -> None:
    return None


def isolation_fixtures_of(host: PluginHost, module: str) -> IsolationFixtures | None:
    """The isolation fixtures ``module`` declares, or None."""
    return host.plugins[module].isolation


@dataclass(frozen=True)
class Operation:
    """One tenant-scoped operation of the OpenAPI document."""

    method: str
    path: str
    query: tuple[str, ...]

    @property
    def rest(self) -> str:
        """The path after ``/api/v1/tenants/{tenant_key}`` (``/`` for the tenant itself)."""
        return self.path[len(TENANT_PREFIX) :] or "/"

    @property
    def key(self) -> str:
        return f"{self.method} {self.rest}"

    @property
    def params(self) -> list[str]:
        return [p for p in re.findall(r"{(\w+)}", self.path) if p != "tenant_key"]

    @property
    def is_write(self) -> bool:
        return self.method in WRITE_METHODS

    @property
    def module(self) -> str | None:
        segment = self.rest.strip("/").split("/", 1)[0]
        return segment or None

    def url(self, tenant_key: str, ids: Mapping[str, str], path_ids: Mapping[str, str]) -> str:
        url = self.path.replace("{tenant_key}", tenant_key)
        for param in self.params:
            url = url.replace("{" + param + "}", ids[path_ids.get(param, param)])
        return url


def tenant_operations(app: Litestar) -> list[Operation]:
    """Every operation under ``/api/v1/tenants/{tenant_key}``, as the OpenAPI document lists it."""
    schema = app.openapi_schema.to_schema()
    found = []
    for path, item in sorted(schema["paths"].items()):
        if not path.startswith(TENANT_PREFIX):
            continue
        for method, op in sorted(item.items()):
            if method.upper() not in {"GET", *WRITE_METHODS}:
                continue
            query = tuple(p["name"] for p in op.get("parameters", []) if p["in"] == "query")
            found.append(Operation(method.upper(), path, query))
    return found


@dataclass
class World:
    """The tree, the callers and the fixtures of the modules under test (``None``: the core)."""

    tenants: dict[str, Tenant]
    headers: dict[str, dict[str, str]]
    fixtures: dict[str | None, IsolationFixtures]
    modules: frozenset[str]
    platform_only: frozenset[str] = field(default_factory=frozenset)
    tag: str = ""

    def key(self, name: str) -> str:
        """The slug of tenant ``name`` (``a``, ``b``, ``c``, ``d1``, ``d2``) in this world."""
        return f"iso{self.tag}-{name}"

    @property
    def a(self) -> Tenant:
        return self.tenants[self.key("a")]

    def tenant_for(self, actor: str) -> str:
        return self.key({"b-admin": "b", "c-admin": "c", "a-admin": "a"}[actor])

    def fixtures_for(self, op: Operation) -> IsolationFixtures | None:
        return self.fixtures.get(owner_of(op, self.modules))

    def a_tenant(self) -> IsolationTenant:
        kids: dict[str, list[str]] = {}
        for tenant in self.tenants.values():
            if tenant.parent_id == self.a.id and tenant.kind:
                kids.setdefault(tenant.kind, []).append(tenant.slug)
        return IsolationTenant(self.key("a"), {k: sorted(v) for k, v in kids.items()})


def owner_of(op: Operation, modules: Collection[str]) -> str | None:
    """The module whose routes ``op`` belongs to, or None for the kernel's own routes."""
    return op.module if op.module in modules else None


def coverage_gap(
    op: Operation, fixtures: Mapping[str | None, IsolationFixtures], modules: Collection[str]
) -> str | None:
    """Why the matrix cannot exercise ``op`` (None when it can): a route with path parameters
    or a write needs its module's fixtures, and a write its body there."""
    owner = owner_of(op, modules)
    chosen = fixtures.get(owner)
    if chosen is None:
        if op.params or op.is_write:
            return f"{op.key}: module {owner!r} declares no Manifest.isolation"
        return None
    if op.is_write and op.key not in chosen.bodies:
        return f"{op.key}: the isolation fixtures of {owner or 'the core'} give no body"
    return None


def make_tenant(
    parent: Tenant | None, slug: str, level: str, kind: str, name: str | None = None
) -> Tenant:
    """A tenant row under ``parent`` (not yet added to a session), named ``name`` or its slug."""
    tenant_id = uuid.uuid4()
    path = (parent.path if parent else "/") + tenant_id.hex + "/"
    return Tenant(
        id=tenant_id,
        parent_id=parent.id if parent else None,
        path=path,
        depth=path.count("/") - 2,
        level=level,
        kind=kind,
        slug=slug,
        name=name or slug,
        status="active",
        settings={},
    )


async def build_world(
    db: Database,
    host: PluginHost,
    make_user: Any,
    login_as: Any,
    fixtures: Mapping[str | None, IsolationFixtures],
    *,
    platform_only: Collection[str] = (),
    tag: str = "",
) -> World:
    """The tree, one administrator per town plus a platform administrator, and ``fixtures``.

    ``tag`` sets this world apart from others in the same database (slugs ``iso<tag>-a``...,
    users ``a-admin<tag>``...), so each write can start from a fresh world.
    """
    p = f"iso{tag}"
    d1 = make_tenant(None, f"{p}-d1", "district", "区")
    d2 = make_tenant(None, f"{p}-d2", "district", "区")
    a = make_tenant(d1, f"{p}-a", "town", "街道")
    b = make_tenant(d1, f"{p}-b", "town", "街道")
    c = make_tenant(d2, f"{p}-c", "town", "街道")
    tenants = [d1, d2, a, b, c]
    tenants += [make_tenant(a, f"{p}-a-u{i}", "community", "社区") for i in (1, 2)]
    tenants += [make_tenant(a, f"{p}-a-r{i}", "community", "村") for i in (1, 2)]
    tenants += [
        make_tenant(b, f"{p}-b-u1", "community", "社区"),
        make_tenant(c, f"{p}-c-u1", "community", "社区"),
    ]
    async with db.session(write=True) as session:
        for tenant in tenants:
            session.add(tenant)
            await session.flush()
        for root in (d1, d2):
            for module in host.plugins:
                session.add(ModulePolicy(tenant_id=root.id, module=module, policy="required"))
    headers: dict[str, dict[str, str]] = {"anonymous": {}}
    for actor, key in (("a-admin", a.slug), ("b-admin", b.slug), ("c-admin", c.slug)):
        await make_user(actor + tag, [(key, "admin")])
        headers[actor] = await login_as(actor + tag)
    await make_user(f"{p}-root", [(None, "platform_admin")])
    headers["root"] = await login_as(f"{p}-root")
    return World(
        {t.slug: t for t in tenants},
        headers,
        dict(fixtures),
        frozenset(host.plugins),
        frozenset(platform_only),
        tag,
    )


def api_call(client: Client, headers: Mapping[str, str], tenant_key: str) -> ApiCall:
    async def call(method: str, path: str, body: Any) -> Any:
        url = path if path.startswith("/api/") else f"/api/v1/tenants/{tenant_key}{path}"
        response = await client.request(method, url, json=body, headers=dict(headers))
        assert 200 <= response.status_code < 300, f"{method} {path}: {response.text}"
        return response.json() if response.content else None

    return call


async def create_at_a(world: World, client: Client, fixtures: IsolationFixtures) -> dict[str, str]:
    call = api_call(client, world.headers["a-admin"], world.key("a"))
    ids = dict(await fixtures.create(call, world.a_tenant()))
    ids["other_district"] = world.key("d2")
    return ids


def secrets_of(world: World, ids: Mapping[str, str]) -> list[str]:
    """Strings that must never appear in an outsider's answer: A's resource ids and the ids of
    A and its children (both UUID spellings)."""
    values = [v for v in ids.values() if _is_uuid(v)]
    for tenant in world.tenants.values():
        if tenant.path.startswith(world.a.path):
            values += [str(tenant.id), tenant.id.hex]
    return values


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


async def snapshot(db: Database, a: Tenant) -> dict[str, list[str]]:
    """Every row of every tenant-owned table (and the tenants) in A's subtree, serialised.

    Tables come from the shared metadata, limited to those in this database: a plugin imported
    by another test may have declared tables that this database never got."""
    out: dict[str, list[str]] = {}
    async with db.session() as session:
        subtree = list(
            await session.scalars(select(Tenant.id).where(Tenant.path.startswith(a.path)))
        )
        connection = await session.connection()
        present = set(await connection.run_sync(lambda c: inspect(c).get_table_names()))
        for table in Base.metadata.sorted_tables:
            if table.name not in present:
                continue
            if table.name == "tenants":
                query = select(table).where(table.c.id.in_(subtree))
            elif "tenant_id" in table.c:
                query = select(table).where(table.c.tenant_id.in_(subtree))
            else:
                continue
            rows = (await session.execute(query)).mappings()
            out[table.name] = sorted(json.dumps(dict(r), default=str, sort_keys=True) for r in rows)
    return out


def body_mentions(body: Any, values: Sequence[str]) -> bool:
    text_ = json.dumps(body, default=str)
    return any(v in text_ for v in values)


def leaks(text_: str, secrets: list[str], asked: str) -> bool:
    """Whether ``text_`` shows one of A's ids the caller did not send itself (a 404 may echo
    the id it was asked for)."""
    return any(s in text_ and s not in asked for s in secrets)


async def assert_audited(
    db: Database, request_id: str, what: str, count: Counter = _ignore
) -> None:
    """The write answered with ``request_id`` left at least one audit record naming it."""
    async with db.session() as session:
        found = await session.scalar(
            select(func.count())
            .select_from(AuditRecord)
            .where(AuditRecord.request_id == request_id)
        )
    assert found, f"{what}: the write left no audit record"
    count("writes with an audit record")


async def ids_for(world: World, client: Client, op: Operation) -> dict[str, str]:
    """Fresh data at A for ``op``; fails naming what no fixture supplies."""
    gap = coverage_gap(op, world.fixtures, world.modules)
    assert gap is None, gap
    fixtures = world.fixtures_for(op)
    assert fixtures is not None
    ids = await create_at_a(world, client, fixtures)
    path_ids = fixtures.path_ids.get(op.key, {})
    missing = [p for p in op.params if path_ids.get(p, p) not in ids]
    assert not missing, f"{op.key}: no fixture supplies {missing}: add it to the module's fixtures"
    return ids


async def check_reads(
    world: World, client: Client, reads: Sequence[Operation], count: Counter = _ignore
) -> None:
    """Outsiders read nothing of A through any of ``reads``; A's administrator reads it all."""
    ids: dict[str, str] = {}
    for module_fixtures in world.fixtures.values():
        ids.update(await create_at_a(world, client, module_fixtures))
    secrets = secrets_of(world, ids)
    for op in reads:
        gap = coverage_gap(op, world.fixtures, world.modules)
        assert gap is None, gap
        owner = world.fixtures_for(op)
        path_ids = owner.path_ids.get(op.key, {}) if owner else {}
        missing = [p for p in op.params if path_ids.get(p, p) not in ids]
        assert not missing, f"{op.key}: no fixture supplies {missing}"
        at_a = op.url(world.key("a"), ids, path_ids)
        for actor in (*OUTSIDERS, "anonymous"):
            response = await client.get(at_a, headers=world.headers[actor])
            allowed = {401, 404} if actor == "anonymous" else {404}
            assert response.status_code in allowed, f"{actor} {op.key} at A: {response.status_code}"
            assert not leaks(response.text, secrets, at_a), f"{actor} {op.key} leaks"
            count("isolation cases tried")
        for actor in OUTSIDERS:
            own = op.url(world.tenant_for(actor), ids, path_ids)
            queries: list[dict[str, str]] = [{}]
            if "q" in op.query:
                queries += [{"q": term} for term in SEARCH_TERMS]
            for params in queries:
                response = await client.get(own, params=params, headers=world.headers[actor])
                assert response.status_code < 500, f"{actor} {op.key}: {response.text}"
                if op.params:
                    assert response.status_code == 404, f"{actor} {op.key} with A's ids"
                assert not leaks(response.text, secrets, own), (
                    f"{actor} {op.key} {params} at own tenant shows A's data"
                )
                count("isolation cases tried")
        control = await client.get(at_a, headers=world.headers["a-admin"])
        assert control.status_code == 200, f"a-admin {op.key}: {control.text}"
        count("isolation positive controls")


async def check_write(
    world: World, client: Client, db: Database, op: Operation, count: Counter = _ignore
) -> None:
    """Outsiders change nothing of A through ``op``; A's administrator can, with an audit
    record."""
    ids = await ids_for(world, client, op)
    fixtures = world.fixtures_for(op)
    assert fixtures is not None
    body = fixtures.bodies[op.key](ids)
    path_ids = fixtures.path_ids.get(op.key, {})
    secrets = secrets_of(world, ids)
    before = await snapshot(db, world.a)
    at_a = op.url(world.key("a"), ids, path_ids)
    for actor in (*OUTSIDERS, "anonymous"):
        response = await client.request(op.method, at_a, json=body, headers=world.headers[actor])
        allowed = {401, 404} if actor == "anonymous" else {404}
        assert response.status_code in allowed, f"{actor} {op.key} at A: {response.status_code}"
        count("isolation cases tried")
    names_a = any(ids[path_ids.get(p, p)] in secrets for p in op.params)
    if names_a or body_mentions(body, secrets):
        for actor in OUTSIDERS:
            own = op.url(world.tenant_for(actor), ids, path_ids)
            response = await client.request(op.method, own, json=body, headers=world.headers[actor])
            assert 400 <= response.status_code < 500, (
                f"{actor} {op.key} with A's ids at own tenant: {response.status_code} {response.text}"
            )
            assert not leaks(response.text, secrets, own + json.dumps(body))
            count("isolation cases tried")
    assert await snapshot(db, world.a) == before, f"{op.key}: an outsider changed A's rows"
    count("isolation writes checked")
    positive = "root" if op.key in world.platform_only else "a-admin"
    control = await client.request(op.method, at_a, json=body, headers=world.headers[positive])
    assert 200 <= control.status_code < 300, f"{positive} {op.key}: {control.text}"
    count("isolation positive controls")
    await assert_audited(db, control.headers["x-request-id"], op.key, count)


def plugin_tables(host: PluginHost, module: str) -> list[str]:
    """Tables with a tenant column declared by ``module``'s own code (its package's models)."""
    obj = host.plugins[module].obj
    if isinstance(obj, types.ModuleType):
        root = obj.__name__ if hasattr(obj, "__path__") else obj.__name__.rpartition(".")[0]
    else:
        root = type(obj).__module__
    tables = set()
    for mapper in Base.registry.mappers:
        owner = mapper.class_.__module__
        table = getattr(mapper, "local_table", None)
        mine = owner == root or owner.startswith(root + ".")
        if mine and table is not None and "tenant_id" in table.c:
            tables.add(str(table.name))
    return sorted(tables)


async def unprotected_tables(db: Database, tables: Sequence[str]) -> dict[str, tuple[Any, ...]]:
    """Of ``tables``, those without row-level security enabled and forced, the core's policies
    and the row path the policies test, kept by its trigger (PostgreSQL), with what the
    catalogue says about them: (enabled, forced, policies, row path trigger); empty on SQLite.
    ``tenants`` keeps its own paths and has no row path."""
    if db.dialect != "postgresql" or not tables:
        return {}
    async with db.session() as session:
        rows = await session.execute(
            text(
                "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,"
                " (SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid),"
                " EXISTS (SELECT FROM pg_trigger tg WHERE tg.tgrelid = c.oid"
                " AND tg.tgname = :trigger)"
                " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE n.nspname = 'public' AND c.relkind = 'r'"
            ),
            {"trigger": ROW_PATH_TRIGGER},
        )
        catalog = {name: tuple(facts) for name, *facts in rows}
    return {
        table: catalog.get(table, ("missing",))
        for table in tables
        if catalog.get(table) != (True, True, len(POLICY_NAMES), table != "tenants")
    }


@dataclass(frozen=True, slots=True)
class IsolationReport:
    """What :func:`run_isolation_matrix` checked for one module."""

    module: str
    reads: int
    writes: int
    tables: tuple[str, ...]


async def run_isolation_matrix(
    module: str,
    *,
    app: Litestar,
    client: Client,
    db: Database,
    make_user: Any,
    login_as: Any,
) -> IsolationReport:
    """The isolation matrix over ``module``'s routes and the row-level-security catalogue
    check of its tables; raises ``AssertionError`` naming the first leak or gap."""
    host: PluginHost = app.state.host
    assert module in host.plugins, f"module {module!r} is not loaded: {host.failures}"
    operations = [op for op in tenant_operations(app) if op.module == module]
    fixtures = isolation_fixtures_of(host, module)
    gaps = [
        gap
        for op in operations
        if (gap := coverage_gap(op, {module: fixtures} if fixtures else {}, {module}))
    ]
    assert not gaps, "; ".join(gaps)
    tables = plugin_tables(host, module)
    unprotected = await unprotected_tables(db, tables)
    assert not unprotected, f"tables without row-level security: {unprotected}"
    chosen: dict[str | None, IsolationFixtures] = {module: fixtures} if fixtures else {}
    reads = [op for op in operations if not op.is_write]
    writes = [op for op in operations if op.is_write]
    if reads:
        world = await build_world(db, host, make_user, login_as, chosen, tag="r")
        await check_reads(world, client, reads)
    for index, op in enumerate(writes):
        world = await build_world(db, host, make_user, login_as, chosen, tag=f"w{index}")
        await check_write(world, client, db, op)
    return IsolationReport(module, len(reads), len(writes), tuple(tables))
