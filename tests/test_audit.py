"""Every state-changing request leaves an audit record; admins read their subtree's records;
nothing in the application can change or remove one."""

from __future__ import annotations

from typing import Any

import pytest
from litestar import Litestar, post
from litestar.testing import AsyncTestClient
from sqlalchemy import Executable, delete, select, update

from core.audit import AuditContext, AuditLogIsAppendOnly, AuditRecord, audit_context, record
from core.db import Database
from core.tenancy.models import Tenant
from tests.conftest import LoginAs, MakeUser
from tests.modules.sample_plugins import NotesPlugin
from tests.tree import DEMO_TREE, add_tenants

Client = AsyncTestClient[Litestar]


@pytest.fixture
def app_plugins() -> list[tuple[str, Any]]:
    """A sample module, so module switches and plugin routes are covered too."""
    return [("notes", NotesPlugin("notes"))]


async def test_granting_a_membership_records_actor_tenant_target_and_request(
    client: Client, db: Database, make_user: MakeUser, login_as: LoginAs
) -> None:
    tenants = await add_tenants(db, DEMO_TREE)
    await make_user("boss", [("d1", "admin")])
    headers = {**(await login_as("boss")), "X-Request-ID": "req-audit-0001"}
    response = await client.post(
        "/api/v1/tenants/d1-t1/members",
        json={"username": "new-one", "role": "staff", "password": "long-enough"},
        headers=headers,
    )
    assert response.status_code == 201
    async with db.session() as session:
        rows = list(
            await session.scalars(
                select(AuditRecord).where(AuditRecord.request_id == "req-audit-0001")
            )
        )
    actions = {row.action: row for row in rows}
    assert set(actions) == {"users.create", "memberships.create"}
    granted = actions["memberships.create"]
    assert granted.actor_username == "boss"
    assert granted.tenant_id == tenants["d1-t1"].id
    assert granted.target_type == "membership"
    assert granted.target_id == response.json()["id"]
    assert granted.after is not None
    assert granted.after["role"] == "staff"
    assert granted.client_address
    assert granted.created_at.tzinfo is not None


async def test_admin_reads_the_audit_log_of_their_subtree_only_with_filters(
    client: Client, db: Database, make_user: MakeUser, login_as: LoginAs
) -> None:
    await add_tenants(db, DEMO_TREE)
    await make_user("root", [(None, "platform_admin")])
    await make_user("town-admin", [("d1-t1", "admin")])
    root = await login_as("root")
    for slug in ("d1-t1-c1", "d1-t2-c1", "d2"):
        response = await client.post(
            f"/api/v1/tenants/{slug}/members",
            json={"username": f"u-{slug}", "role": "member", "password": "long-enough"},
            headers=root,
        )
        assert response.status_code == 201
    town = await login_as("town-admin")
    log = await client.get("/api/v1/tenants/d1-t1/audit", headers=town)
    assert log.status_code == 200
    targets = {
        row["after"].get("user")
        for row in log.json()["items"]
        if row["action"] == "memberships.create"
    }
    assert targets == {"u-d1-t1-c1"}
    filtered = await client.get(
        "/api/v1/tenants/d1/audit",
        params={"action": "users.create", "actor": "root"},
        headers=root,
    )
    assert {row["after"]["username"] for row in filtered.json()["items"]} == {
        "u-d1-t1-c1",
        "u-d1-t2-c1",
    }
    assert {row["actor"] for row in filtered.json()["items"]} == {"root"}
    future = await client.get(
        "/api/v1/tenants/d1/audit", params={"since": "2999-01-01T00:00:00Z"}, headers=root
    )
    assert future.json()["items"] == []
    assert future.json()["total"] == 0
    # outside the town admin's reach, and staff lack audit:read
    assert (await client.get("/api/v1/tenants/d1/audit", headers=town)).status_code == 404


@post("/api/v1/tenants/{tenant_key:str}/test-silent-write", opt={"permission": "tenants:write"})
async def silent_write(tenant: Tenant) -> dict[str, str]:
    return {"tenant": tenant.slug}


async def test_a_write_that_records_nothing_itself_gets_a_generic_record(
    app: Litestar, client: Client, db: Database, make_user: MakeUser, login_as: LoginAs
) -> None:
    tenants = await add_tenants(db, DEMO_TREE)
    app.register(silent_write)
    await make_user("boss", [("d1", "admin")])
    headers = {**(await login_as("boss")), "X-Request-ID": "req-silent-0001"}
    response = await client.post("/api/v1/tenants/d1-t1/test-silent-write", headers=headers)
    assert response.status_code == 201
    async with db.session() as session:
        rows = list(
            await session.scalars(
                select(AuditRecord).where(AuditRecord.request_id == "req-silent-0001")
            )
        )
    assert [(r.action, r.tenant_id, r.actor_username) for r in rows] == [
        (
            "POST /api/v1/tenants/{tenant_key}/test-silent-write",
            tenants["d1-t1"].id,
            "boss",
        )
    ]


async def test_failed_writes_leave_no_audit_record(admin_client: Client, db: Database) -> None:
    await add_tenants(db, DEMO_TREE)
    async with db.session() as session:
        before = len(list(await session.scalars(select(AuditRecord.id))))
    response = await admin_client.post(
        "/api/v1/tenants/d1/members", json={"username": "q-user", "role": "ruler"}
    )
    assert response.status_code == 422
    async with db.session() as session:
        assert len(list(await session.scalars(select(AuditRecord.id)))) == before


async def test_audit_rows_cannot_be_updated_or_deleted_through_the_orm(db: Database) -> None:
    token = audit_context.set(AuditContext(actor_username="tester"))
    try:
        async with db.session(write=True) as session:
            await record(
                session, action="test.action", target_type="thing", target_id="1", tenant_id=None
            )
    finally:
        audit_context.reset(token)
    with pytest.raises(AuditLogIsAppendOnly):
        await _edit_first_row(db)
    with pytest.raises(AuditLogIsAppendOnly):
        await _delete_first_row(db)
    for statement in (update(AuditRecord).values(action="changed"), delete(AuditRecord)):
        with pytest.raises(AuditLogIsAppendOnly):
            await _execute(db, statement)
    async with db.session() as session:
        rows = list(await session.scalars(select(AuditRecord)))
    assert [(r.action, r.actor_username) for r in rows] == [("test.action", "tester")]


async def _edit_first_row(db: Database) -> None:
    async with db.session(write=True) as session:
        row = await session.scalar(select(AuditRecord))
        assert row is not None
        row.action = "changed"
        await session.flush()


async def _delete_first_row(db: Database) -> None:
    async with db.session(write=True) as session:
        await session.delete(await session.scalar(select(AuditRecord)))
        await session.flush()


async def _execute(db: Database, statement: Executable) -> None:
    async with db.session(write=True) as session:
        await session.execute(statement)


async def test_switching_a_module_records_its_value_before_and_after(
    admin_client: Client, db: Database
) -> None:
    tenants = await add_tenants(db, DEMO_TREE)
    name = "notes"
    response = await admin_client.put(f"/api/v1/tenants/d1/modules/{name}", json={"enabled": False})
    assert response.status_code == 200, response.text
    async with db.session() as session:
        row = await session.scalar(
            select(AuditRecord).where(AuditRecord.action == "modules.choice")
        )
    assert row is not None
    assert row.tenant_id == tenants["d1"].id
    assert row.target_id == name
    assert row.after == {"value": False}
