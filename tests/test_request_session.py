"""A request's session ends with the request, whatever the order in which its dependencies fail.

Litestar runs a generator dependency's clean-up only when every dependency of the route
resolved; a dependency that raises after ``session`` resolved (a module's own refusal, the
``caller`` answering 401) used to leave the session's transaction open: on SQLite holding the
process's writer lock (every later write waited up to 15 s), on PostgreSQL a pooled connection
inside a transaction. The kernel now rolls back and closes it before the error is answered.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from litestar import Litestar, post
from litestar.di import Provide
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core import Manifest, Tenant, audit, hookimpl
from core.audit import AuditRecord
from core.db import Database
from core.errors import Conflict
from core.settings import Settings
from core.testing import create_user, login_headers, make_tree
from tests.modules.sample_plugins import manifest

TREE: dict[str, Any] = {"district": {"town-a": {}}}


async def refuse_after_session(session: AsyncSession, tenant: Tenant) -> None:
    """A dependency resolved after ``session`` and ``tenant`` that writes, then refuses."""
    await audit.record(
        session, action="leaky.refused", target_type="leaky", target_id=None, tenant_id=None
    )
    await session.flush()
    raise Conflict("不允许", detail="refused after the session opened")


async def refuse_beside_session() -> None:
    """A dependency resolved beside ``session``, in the same batch, that refuses the request."""
    await asyncio.sleep(0)
    raise Conflict("不允许", detail="refused beside the session")


class LeakyPlugin:
    """Write routes whose own dependency raises once the request's session is open."""

    @hookimpl
    def gongzhi_manifest(self) -> Manifest:
        @post(
            "/after",
            opt={"permission": "leaky:write"},
            dependencies={"refusal": Provide(refuse_after_session)},
        )
        async def after(session: AsyncSession, tenant: Tenant, refusal: None) -> None:
            raise AssertionError("the refusal answers first")

        @post(
            "/beside",
            opt={"permission": "leaky:write"},
            dependencies={"refusal": Provide(refuse_beside_session)},
        )
        async def beside(session: AsyncSession, tenant: Tenant, refusal: None) -> None:
            raise AssertionError("the refusal answers first")

        @post("/write", opt={"permission": "leaky:write"}, status_code=204)
        async def write(session: AsyncSession, tenant: Tenant) -> None:
            return None

        return manifest("leaky", default_enabled=True, routes=[after, beside, write])


@pytest.fixture
def app_plugins() -> list[tuple[str, Any]]:
    return [("leaky", LeakyPlugin())]


@pytest.mark.parametrize("route", ["after", "beside"])
async def test_a_dependency_failing_after_the_session_opened_leaves_no_transaction_open(
    route: str,
    app: Litestar,
    client: AsyncTestClient[Litestar],
    db: Database,
    settings: Settings,
    backend: str,
) -> None:
    await make_tree(db, TREE)
    await create_user(db, settings, "root", [(None, "platform_admin")])
    headers = await login_headers(client, "root")
    app_db: Database = app.state.db
    for _ in range(3):
        refused = await client.post(f"/api/v1/tenants/district/leaky/{route}", headers=headers)
        assert refused.status_code == 409, refused.text
        if backend == "sqlite":
            writer = app_db._writer
            assert writer is None or not writer[1].locked(), "the writer lock is still held"
        else:
            assert app_db.in_use() == 0
    # The next write neither queues behind a leftover transaction (SQLite: up to 15 s on the
    # writer lock, then "database is locked") nor finds the pool short of a connection.
    async with asyncio.timeout(10):
        written = await client.post("/api/v1/tenants/district/leaky/write", headers=headers)
    assert written.status_code == 204, written.text
    async with db.session() as session:
        kept = await session.scalar(
            select(func.count()).select_from(AuditRecord).where(AuditRecord.target_type == "leaky")
        )
    assert kept == 0, "a refused request's writes are rolled back"
