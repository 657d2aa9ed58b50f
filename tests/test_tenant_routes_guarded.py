"""Every route under ``/api/v1/tenants/{tenant_key}`` goes through the one access check: an
anonymous caller gets 401, and a caller without reach gets exactly what a missing tenant gets."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from core.db import Database
from tests.conftest import LoginAs, MakeUser
from tests.modules.sample_plugins import NotesPlugin
from tests.tree import DEMO_TREE, add_tenants

Client = AsyncTestClient[Litestar]


@pytest.fixture
def app_plugins() -> list[tuple[str, Any]]:
    """A sample module, so module switches and plugin routes are covered too."""
    return [("notes", NotesPlugin("notes"))]


_PARAM = re.compile(r"\{(\w+)(?::(\w+))?\}")


def tenant_routes(app: Litestar) -> list[tuple[str, str, str]]:
    """(method, path template, permission) of every tenant route, the HEAD/OPTIONS aside."""
    found: list[tuple[str, str, str]] = []
    for route in app.routes:
        if not route.path.startswith("/api/v1/tenants/{tenant_key"):
            continue
        for handler in getattr(route, "route_handlers", []):
            for method in sorted(handler.http_methods - {"HEAD", "OPTIONS"}):
                found.append((method, route.path, str(handler.opt.get("permission"))))
    return found


def fill(path: str, tenant: str) -> str:
    def value(match: re.Match[str]) -> str:
        name, kind = match.group(1), match.group(2)
        if name == "tenant_key":
            return tenant
        return str(uuid.uuid4()) if kind == "uuid" else "x"

    return _PARAM.sub(value, path)


async def test_every_tenant_route_declares_a_known_permission(app: Litestar) -> None:
    routes = tenant_routes(app)
    assert len(routes) >= 10
    assert ("GET", "/api/v1/tenants/{tenant_key:str}/notes/hello", "notes:read") in routes
    registry = app.state.permissions
    assert [r for r in routes if r[2] not in registry] == []


async def test_every_tenant_route_hides_what_the_caller_does_not_reach(
    app: Litestar, client: Client, db: Database, make_user: MakeUser, login_as: LoginAs
) -> None:
    await add_tenants(db, DEMO_TREE)
    await make_user("outsider", [("d2", "admin")])
    outsider = await login_as("outsider")
    for method, path, _ in tenant_routes(app):
        anonymous = await client.request(method, fill(path, "d1"), json={})
        assert anonymous.status_code == 401, (method, path)
        hidden = await client.request(method, fill(path, "d1"), json={}, headers=outsider)
        missing = await client.request(method, fill(path, "no-such"), json={}, headers=outsider)
        assert hidden.status_code == missing.status_code, (method, path)
        assert hidden.status_code in (400, 404, 422), (method, path, hidden.text)
        if hidden.status_code == 404:
            assert hidden.json()["title"] == missing.json()["title"], (method, path)
