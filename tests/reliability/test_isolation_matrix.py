"""Tenant isolation over the whole OpenAPI document, on SQLite and PostgreSQL.

For every operation under ``/api/v1/tenants/{tenant_key}``: data is created at tenant A; an
administrator of A's sibling B, an administrator of C in another district, and an anonymous
caller then try it. Against A's URL they get 404 (anonymous: 401 or 404); against their own
tenant with A's ids, reads answer 404 and writes are refused; lists and searches at their own
tenant contain none of A's ids; A's rows are byte-for-byte the same afterwards. The same call
by A's administrator succeeds (the positive control) and, for a write, leaves an audit
record carrying its request id. An operation whose ids or body no
fixture supplies fails here, so a new endpoint is covered or the suite is red.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from litestar import Litestar
from sqlalchemy import func, select

from core import IsolationFixtures
from core.app import create_app
from core.audit import AuditRecord
from core.db import Database
from core.testing import settings_for_tests
from tests.modules.sample_plugins import NotesPlugin
from tests.reliability.figures import count
from tests.reliability.isolation import (
    PLATFORM_ONLY,
    Client,
    CoreIsolation,
    Operation,
    World,
    body_mentions,
    build_world,
    coverage_gap,
    create_at_a,
    secrets_of,
    snapshot,
    tenant_operations,
)

OPERATIONS = tenant_operations(create_app(settings_for_tests("sqlite+aiosqlite:///:memory:")))
READS = [op for op in OPERATIONS if not op.is_write]
WRITES = [op for op in OPERATIONS if op.is_write]
OUTSIDERS = ("b-admin", "c-admin")


def leaks(text: str, secrets: list[str], asked: str) -> bool:
    """Whether ``text`` shows one of A's ids the caller did not send itself (a 404 may echo
    the id it was asked for)."""
    return any(s in text and s not in asked for s in secrets)


SEARCH_TERMS = ("iso", "隔离", "a")


@pytest.fixture
async def world(
    db: Database, client: Client, app: Litestar, make_user: Any, login_as: Any
) -> World:
    return await build_world(db, client, app.state.host, make_user, login_as)


async def assert_audited(db: Database, request_id: str, what: str) -> None:
    """The write answered with ``request_id`` left at least one audit record naming it."""
    async with db.session() as session:
        found = await session.scalar(
            select(func.count())
            .select_from(AuditRecord)
            .where(AuditRecord.request_id == request_id)
        )
    assert found, f"{what}: the write left no audit record"
    count("writes with an audit record")


def test_the_matrix_sees_every_tenant_route() -> None:
    paths = {op.path for op in OPERATIONS}
    assert "/api/v1/tenants/{tenant_key}/children" in paths
    assert any("/five-sector/" in p for p in paths)
    assert len(WRITES) >= 20
    assert len(READS) >= 20


def test_a_module_route_nobody_can_exercise_fails_the_matrix() -> None:
    """A module without the hook (the in-test notes module: a write, ``POST /ping``) and a core
    write without a body are reported, so neither can slip past the matrix."""
    app = create_app(
        settings_for_tests("sqlite+aiosqlite:///:memory:"), plugins=[("notes", NotesPlugin())]
    )
    ops = {op.key: op for op in tenant_operations(app)}
    modules = set(app.state.host.plugins)
    core = CoreIsolation("notes").fixtures()
    gap = coverage_gap(ops["POST /notes/ping"], {None: core}, modules)
    assert gap is not None
    assert "notes" in gap
    assert coverage_gap(ops["GET /notes/hello"], {None: core}, modules) is None
    bare = IsolationFixtures(create=core.create)
    gap = coverage_gap(ops["POST /children"], {None: bare}, modules)
    assert gap is not None
    assert "no body" in gap
    assert coverage_gap(ops["POST /children"], {None: core}, modules) is None


async def _ids_for(world: World, client: Client, op: Operation) -> dict[str, str]:
    gap = coverage_gap(op, world.fixtures, world.modules)
    assert gap is None, gap
    fixtures = world.fixtures_for(op)
    assert fixtures is not None
    ids = await create_at_a(world, client, fixtures)
    path_ids = fixtures.path_ids.get(op.key, {})
    missing = [p for p in op.params if path_ids.get(p, p) not in ids]
    assert not missing, f"{op.key}: no fixture supplies {missing}: add it to the module's hook"
    return ids


async def test_outsiders_read_nothing_of_a(world: World, client: Client, db: Database) -> None:
    ids: dict[str, str] = {}
    for module_fixtures in world.fixtures.values():
        ids.update(await create_at_a(world, client, module_fixtures))
    secrets = secrets_of(world, ids)
    for op in READS:
        gap = coverage_gap(op, world.fixtures, world.modules)
        assert gap is None, gap
        owner = world.fixtures_for(op)
        path_ids = owner.path_ids.get(op.key, {}) if owner else {}
        missing = [p for p in op.params if path_ids.get(p, p) not in ids]
        assert not missing, f"{op.key}: no fixture supplies {missing}"
        at_a = op.url("iso-a", ids, path_ids)
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


@pytest.mark.parametrize("op", WRITES, ids=[op.key for op in WRITES])
async def test_outsiders_change_nothing_at_a(
    op: Operation, world: World, client: Client, db: Database
) -> None:
    ids = await _ids_for(world, client, op)
    fixtures = world.fixtures_for(op)
    assert fixtures is not None
    body = fixtures.bodies[op.key](ids)
    path_ids = fixtures.path_ids.get(op.key, {})
    secrets = secrets_of(world, ids)
    before = await snapshot(db, world.a)
    at_a = op.url("iso-a", ids, path_ids)
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
    positive = "root" if op.key in PLATFORM_ONLY else "a-admin"
    control = await client.request(op.method, at_a, json=body, headers=world.headers[positive])
    assert 200 <= control.status_code < 300, f"{positive} {op.key}: {control.text}"
    count("isolation positive controls")
    await assert_audited(db, control.headers["x-request-id"], op.key)
