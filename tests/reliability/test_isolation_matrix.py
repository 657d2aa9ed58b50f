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

from typing import Any

import pytest
from litestar import Litestar

from core import IsolationFixtures
from core.app import create_app
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
    build_world,
    check_reads,
    check_write,
    coverage_gap,
    isolation_fixtures_of,
    tenant_operations,
)

OPERATIONS = tenant_operations(create_app(settings_for_tests("sqlite+aiosqlite:///:memory:")))
READS = [op for op in OPERATIONS if not op.is_write]
WRITES = [op for op in OPERATIONS if op.is_write]


@pytest.fixture
async def world(
    db: Database, client: Client, app: Litestar, make_user: Any, login_as: Any
) -> World:
    host = app.state.host
    fixtures: dict[str | None, IsolationFixtures] = {
        None: CoreIsolation(sorted(host.plugins)[0]).fixtures()
    }
    for name in host.plugins:
        if (found := isolation_fixtures_of(host, name)) is not None:
            fixtures[name] = found
    return await build_world(db, host, make_user, login_as, fixtures, platform_only=PLATFORM_ONLY)


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


async def test_outsiders_read_nothing_of_a(world: World, client: Client, db: Database) -> None:
    await check_reads(world, client, READS, count)


@pytest.mark.parametrize("op", WRITES, ids=[op.key for op in WRITES])
async def test_outsiders_change_nothing_at_a(
    op: Operation, world: World, client: Client, db: Database
) -> None:
    await check_write(world, client, db, op, count)
