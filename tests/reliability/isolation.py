"""The tenant-isolation matrix's world: operations read from the OpenAPI document, a tenant tree
with one administrator per branch, each module's fixtures, and snapshots of tenant A's rows.

A is a town with two communities (社区) and two villages (村); B is its sibling town in the
same district; C is a town of another district. Every installed module is ``required`` at both
districts, so a 404 is the access check's and never the module guard's.
"""

from __future__ import annotations

import itertools
import json
import re
import uuid
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import inspect, select

from core import ApiCall, IsolationFixtures, IsolationTenant
from core.db import Database
from core.modules.host import PluginHost
from core.modules.models import ModulePolicy
from core.orm import Base
from core.tenancy.models import Tenant

TENANT_PREFIX = "/api/v1/tenants/{tenant_key}"
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
Client = AsyncTestClient[Litestar]


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


class CoreIsolation:
    """The kernel's own tenant routes (tree, members, API tokens, modules): a plugin-shaped
    object so the matrix treats the kernel like any module."""

    def __init__(self, module: str) -> None:
        self.module = module
        self.serial = itertools.count(1)

    def fixtures(self) -> IsolationFixtures:
        async def create(call: ApiCall, tenant: IsolationTenant) -> Mapping[str, str]:
            n = next(self.serial)
            member = await call(
                "POST",
                "/members",
                {"username": f"iso-staff-{uuid.uuid4().hex[:8]}", "role": "staff"},
            )
            token = await call(
                "POST", "/api-tokens", {"name": f"导出{n}", "permissions": ["tenants:read"]}
            )
            return {
                "membership_id": str(member["id"]),
                "token_id": str(token["id"]),
                "module": self.module,
            }

        return IsolationFixtures(
            create=create,
            bodies={
                "PATCH /": lambda ids: {"name": "改名后的街道"},
                "POST /children": lambda ids: {
                    "slug": f"iso-new-{uuid.uuid4().hex[:8]}",
                    "name": "新社区",
                    "kind": "社区",
                },
                "POST /move": lambda ids: {"parent": ids["other_district"]},
                "POST /archive": lambda ids: None,
                "POST /members": lambda ids: {
                    "username": f"iso-new-{uuid.uuid4().hex[:8]}",
                    "role": "member",
                },
                "DELETE /members/{membership_id}": lambda ids: None,
                "POST /api-tokens": lambda ids: {"name": "统计", "permissions": ["metrics:read"]},
                "DELETE /api-tokens/{token_id}": lambda ids: None,
                "PUT /modules/{module}": lambda ids: {"enabled": True},
                "PUT /modules/{module}/policy": lambda ids: {"policy": "required"},
            },
        )


PLATFORM_ONLY = frozenset({"POST /move"})
"""Core operations whose success at A needs more than A's own administrator (a move needs the
new parent too); their positive control runs as the platform administrator."""


@dataclass
class World:
    """The tree, the callers and everything created at A."""

    tenants: dict[str, Tenant]
    headers: dict[str, dict[str, str]]
    fixtures: dict[str | None, IsolationFixtures]

    @property
    def a(self) -> Tenant:
        return self.tenants["iso-a"]

    def tenant_for(self, actor: str) -> str:
        return {"b-admin": "iso-b", "c-admin": "iso-c", "a-admin": "iso-a"}[actor]

    modules: frozenset[str]

    def fixtures_for(self, op: Operation) -> IsolationFixtures | None:
        return self.fixtures.get(owner_of(op, self.modules))

    def a_tenant(self) -> IsolationTenant:
        kids: dict[str, list[str]] = {}
        for tenant in self.tenants.values():
            if tenant.parent_id == self.a.id and tenant.kind:
                kids.setdefault(tenant.kind, []).append(tenant.slug)
        return IsolationTenant("iso-a", {k: sorted(v) for k, v in kids.items()})


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


def make_tenant(parent: Tenant | None, slug: str, level: str, kind: str) -> Tenant:
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
        name=slug,
        status="active",
        settings={},
    )


async def build_world(
    db: Database, client: Client, host: PluginHost, make_user: Any, login_as: Any
) -> World:
    d1 = make_tenant(None, "iso-d1", "district", "区")
    d2 = make_tenant(None, "iso-d2", "district", "区")
    a = make_tenant(d1, "iso-a", "town", "街道")
    b = make_tenant(d1, "iso-b", "town", "街道")
    c = make_tenant(d2, "iso-c", "town", "街道")
    tenants = [d1, d2, a, b, c]
    tenants += [make_tenant(a, f"iso-a-u{i}", "community", "社区") for i in (1, 2)]
    tenants += [make_tenant(a, f"iso-a-r{i}", "community", "村") for i in (1, 2)]
    tenants += [
        make_tenant(b, "iso-b-u1", "community", "社区"),
        make_tenant(c, "iso-c-u1", "community", "社区"),
    ]
    async with db.session(write=True) as session:
        for tenant in tenants:
            session.add(tenant)
            await session.flush()
        for root in (d1, d2):
            for module in host.plugins:
                session.add(ModulePolicy(tenant_id=root.id, module=module, policy="required"))
    headers: dict[str, dict[str, str]] = {"anonymous": {}}
    for actor, key in (("a-admin", "iso-a"), ("b-admin", "iso-b"), ("c-admin", "iso-c")):
        await make_user(actor, [(key, "admin")])
        headers[actor] = await login_as(actor)
    await make_user("iso-root", [(None, "platform_admin")])
    headers["root"] = await login_as("iso-root")
    fixtures: dict[str | None, IsolationFixtures] = {
        None: CoreIsolation(sorted(host.plugins)[0]).fixtures()
    }
    for name, plugin in host.plugins.items():
        if plugin.isolation is not None:
            fixtures[name] = plugin.isolation
    return World({t.slug: t for t in tenants}, headers, fixtures, frozenset(host.plugins))


def api_call(client: Client, headers: Mapping[str, str], tenant_key: str) -> ApiCall:
    async def call(method: str, path: str, body: Any) -> Any:
        url = path if path.startswith("/api/") else f"/api/v1/tenants/{tenant_key}{path}"
        response = await client.request(method, url, json=body, headers=dict(headers))
        assert 200 <= response.status_code < 300, f"{method} {path}: {response.text}"
        return response.json() if response.content else None

    return call


async def create_at_a(world: World, client: Client, fixtures: IsolationFixtures) -> dict[str, str]:
    call = api_call(client, world.headers["a-admin"], "iso-a")
    ids = dict(await fixtures.create(call, world.a_tenant()))
    ids["other_district"] = "iso-d2"
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
    text = json.dumps(body, default=str)
    return any(v in text for v in values)
