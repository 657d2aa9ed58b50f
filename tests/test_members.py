"""Granting and removing memberships, and API tokens limited to a subtree and permissions."""

from __future__ import annotations

from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select

from core.audit import AuditRecord
from core.db import Database
from core.identity.models import Membership, User
from tests.conftest import LoginAs, MakeUser
from tests.tree import DEMO_TREE, add_tenants

Client = AsyncTestClient[Litestar]


async def _counts(db: Database) -> tuple[int, int, int]:
    async with db.session() as session:
        users = await session.scalar(select(func.count()).select_from(User))
        memberships = await session.scalar(select(func.count()).select_from(Membership))
        audit = await session.scalar(select(func.count()).select_from(AuditRecord))
    return int(users or 0), int(memberships or 0), int(audit or 0)


async def test_admin_adds_a_new_user_who_can_then_log_in(
    client: Client, db: Database, make_user: MakeUser, login_as: LoginAs
) -> None:
    await add_tenants(db, DEMO_TREE)
    await make_user("town-admin", [("d1-t1", "admin")])
    headers = await login_as("town-admin")
    created = await client.post(
        "/api/v1/tenants/d1-t1-c1/members",
        json={
            "username": "liu",
            "role": "staff",
            "display_name": "刘社工",
            "password": "liu-password",
        },
        headers=headers,
    )
    assert created.status_code == 201, created.text
    assert created.json()["user"]["display_name"] == "刘社工"
    liu = await login_as("liu", "liu-password")
    me = (await client.get("/api/v1/me", headers=liu)).json()
    assert [(m["role"], m["tenant"]["slug"]) for m in me["memberships"]] == [("staff", "d1-t1-c1")]
    listed = await client.get("/api/v1/tenants/d1-t1-c1/members", headers=headers)
    assert [m["user"]["username"] for m in listed.json()["items"]] == ["liu"]


async def test_one_user_may_serve_in_two_communities(
    client: Client, db: Database, make_user: MakeUser, login_as: LoginAs
) -> None:
    await add_tenants(db, DEMO_TREE)
    await make_user("district-admin", [("d1", "admin")])
    await make_user("volunteer", [("d1-t1-c1", "member")])
    headers = await login_as("district-admin")
    response = await client.post(
        "/api/v1/tenants/d1-t2-c1/members",
        json={"username": "volunteer", "role": "member"},
        headers=headers,
    )
    assert response.status_code == 201
    me = (await client.get("/api/v1/me", headers=await login_as("volunteer"))).json()
    assert sorted(m["tenant"]["slug"] for m in me["memberships"]) == ["d1-t1-c1", "d1-t2-c1"]


async def test_admin_cannot_grant_platform_admin_and_nothing_is_written(
    client: Client, db: Database, make_user: MakeUser, login_as: LoginAs
) -> None:
    await add_tenants(db, DEMO_TREE)
    await make_user("town-admin", [("d1-t1", "admin")])
    headers = await login_as("town-admin")
    before = await _counts(db)
    response = await client.post(
        "/api/v1/tenants/d1-t1/members",
        json={"username": "x-user", "role": "platform_admin", "password": "long-enough"},
        headers=headers,
    )
    assert response.status_code == 403
    assert await _counts(db) == before


async def test_staff_may_not_manage_members(
    client: Client, db: Database, make_user: MakeUser, login_as: LoginAs
) -> None:
    await add_tenants(db, DEMO_TREE)
    await make_user("worker", [("d1-t1", "staff")])
    headers = await login_as("worker")
    response = await client.post(
        "/api/v1/tenants/d1-t1/members",
        json={"username": "y-user", "role": "member"},
        headers=headers,
    )
    assert response.status_code == 404


async def test_bad_membership_input_is_a_clear_4xx_and_writes_nothing(
    admin_client: Client, db: Database
) -> None:
    await add_tenants(db, DEMO_TREE)
    before = await _counts(db)
    url = "/api/v1/tenants/d1/members"
    cases: list[tuple[object, int]] = [
        ({"username": "ok-user", "role": "mayor"}, 422),
        ({"username": "ok-user"}, 422),
        ({"username": "ok-user", "role": "member", "colour": "red"}, 422),
        ({"username": "ok-user", "role": "member", "password": "short"}, 422),
        ({"username": "ok-user", "role": "member", "password": "x" * 1025}, 422),
        ({"username": "bad name!", "role": "member"}, 422),
    ]
    for body, status in cases:
        response = await admin_client.post(url, json=body)
        assert response.status_code == status, (body, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
    malformed = await admin_client.post(
        url, content=b"{oops", headers={"Content-Type": "application/json"}
    )
    assert malformed.status_code == 400
    missing = await admin_client.post(
        "/api/v1/tenants/nowhere/members", json={"username": "ok-user", "role": "member"}
    )
    assert missing.status_code == 404
    assert await _counts(db) == before


async def test_duplicate_membership_is_409(admin_client: Client, db: Database) -> None:
    await add_tenants(db, DEMO_TREE)
    body = {"username": "dup-user", "role": "member", "password": "long-enough"}
    assert (await admin_client.post("/api/v1/tenants/d1/members", json=body)).status_code == 201
    again = await admin_client.post(
        "/api/v1/tenants/d1/members", json={"username": "dup-user", "role": "member"}
    )
    assert again.status_code == 409


async def test_removing_a_membership_takes_the_access_away(
    client: Client, db: Database, make_user: MakeUser, login_as: LoginAs
) -> None:
    await add_tenants(db, DEMO_TREE)
    await make_user("boss", [("d1", "admin")])
    await make_user("helper", [("d1-t1", "staff")])
    boss = await login_as("boss")
    helper = await login_as("helper")
    assert (await client.get("/api/v1/tenants/d1-t1/members", headers=helper)).status_code == 200
    members = (await client.get("/api/v1/tenants/d1-t1/members", headers=boss)).json()
    membership_id = next(m["id"] for m in members["items"] if m["user"]["username"] == "helper")
    gone = await client.delete(f"/api/v1/tenants/d1-t1/members/{membership_id}", headers=boss)
    assert gone.status_code == 204
    # the membership is read again per request (cache at most 2 s, dropped at once in-process)
    assert (await client.get("/api/v1/tenants/d1-t1/members", headers=helper)).status_code == 404
    again = await client.delete(f"/api/v1/tenants/d1-t1/members/{membership_id}", headers=boss)
    assert again.status_code == 404


async def test_api_token_is_limited_to_its_subtree_and_permissions_and_revocable(
    client: Client, db: Database, make_user: MakeUser, login_as: LoginAs
) -> None:
    await add_tenants(db, DEMO_TREE)
    await make_user("boss", [("d1", "admin")])
    boss = await login_as("boss")
    created = await client.post(
        "/api/v1/tenants/d1-t1/api-tokens",
        json={"name": "数据同步", "permissions": ["users:read"]},
        headers=boss,
    )
    assert created.status_code == 201, created.text
    token = created.json()["token"]
    assert token.startswith("gz_")
    bearer = {"Authorization": f"Bearer {token}"}
    assert (await client.get("/api/v1/tenants/d1-t1/members", headers=bearer)).status_code == 200
    assert (await client.get("/api/v1/tenants/d1-t1-c1/members", headers=bearer)).status_code == 200
    # outside its subtree, although its creator reaches it
    assert (await client.get("/api/v1/tenants/d1/members", headers=bearer)).status_code == 404
    # a permission it was not given, although its creator holds it
    post = await client.post(
        "/api/v1/tenants/d1-t1/members",
        json={"username": "z-user", "role": "member"},
        headers=bearer,
    )
    assert post.status_code == 404
    listed = (await client.get("/api/v1/tenants/d1-t1/api-tokens", headers=boss)).json()
    assert listed["total"] == 1
    assert "token" not in listed["items"][0]
    revoked = await client.delete(
        f"/api/v1/tenants/d1-t1/api-tokens/{created.json()['id']}", headers=boss
    )
    assert revoked.status_code == 204
    assert (await client.get("/api/v1/tenants/d1-t1/members", headers=bearer)).status_code == 401


async def test_api_token_with_an_unknown_permission_is_422(
    client: Client, db: Database, make_user: MakeUser, login_as: LoginAs
) -> None:
    await add_tenants(db, DEMO_TREE)
    await make_user("boss", [("d1", "admin")])
    response = await client.post(
        "/api/v1/tenants/d1/api-tokens",
        json={"name": "x", "permissions": ["nonexistent:perm"]},
        headers=await login_as("boss"),
    )
    assert response.status_code == 422


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        (
            {"name": "x", "permissions": ["users:read"], "expires_in": 10},
            "expires_in",
            "不能小于 60",
        ),
        ({"name": "x", "permissions": []}, "permissions", "至少需要 1 项"),
        ({"name": "", "permissions": ["users:read"]}, "name", "长度至少为 1 个字符"),
        ({"name": "x" * 101, "permissions": ["users:read"]}, "name", "长度不能超过 100 个字符"),
    ],
)
async def test_a_token_body_refused_by_its_schema_names_the_field_in_both_languages(
    client: Client,
    db: Database,
    make_user: MakeUser,
    login_as: LoginAs,
    body: dict[str, Any],
    field: str,
    message: str,
) -> None:
    await add_tenants(db, DEMO_TREE)
    await make_user("boss", [("d1", "admin")])
    response = await client.post(
        "/api/v1/tenants/d1/api-tokens", json=body, headers=await login_as("boss")
    )
    assert response.status_code == 422, response.text
    [error] = response.json()["errors"]
    assert (error["field"], error["message"]) == (field, message)
    assert error["message_en"].startswith("Expected")


async def test_a_member_with_an_unknown_role_is_refused_naming_the_role(
    admin_client: Client, db: Database
) -> None:
    await add_tenants(db, DEMO_TREE)
    response = await admin_client.post(
        "/api/v1/tenants/d1/members", json={"username": "q-user", "role": "ruler"}
    )
    assert response.status_code == 422, response.text
    [error] = response.json()["errors"]
    assert (error["field"], error["message"]) == ("role", "取值不在允许的范围内")


async def test_api_token_stops_when_its_creator_is_disabled(
    app: Litestar, client: Client, db: Database, make_user: MakeUser, login_as: LoginAs
) -> None:
    await add_tenants(db, DEMO_TREE)
    boss_id = await make_user("boss", [("d1", "admin")])
    created = await client.post(
        "/api/v1/tenants/d1/api-tokens",
        json={"name": "sync", "permissions": ["users:read"]},
        headers=await login_as("boss"),
    )
    bearer = {"Authorization": f"Bearer {created.json()['token']}"}
    assert (await client.get("/api/v1/tenants/d1/members", headers=bearer)).status_code == 200
    async with db.session(write=True) as session:
        boss = await session.get(User, boss_id)
        assert boss is not None
        boss.status = "disabled"
    app.state.principal_cache.clear()  # as after the cache's 2 s in another process
    assert (await client.get("/api/v1/tenants/d1/members", headers=bearer)).status_code == 401


async def test_granting_at_a_tenant_out_of_reach_is_404_and_writes_nothing(
    client: Client, db: Database, make_user: MakeUser, login_as: LoginAs
) -> None:
    await add_tenants(db, DEMO_TREE)
    await make_user("town-admin", [("d1-t1", "admin")])
    headers = await login_as("town-admin")
    before = await _counts(db)
    for slug in ("d1-t2", "d1", "d2-t1-c1"):
        response = await client.post(
            f"/api/v1/tenants/{slug}/members",
            json={"username": "sneaky", "role": "admin", "password": "long-enough"},
            headers=headers,
        )
        assert response.status_code == 404, slug
    assert await _counts(db) == before
