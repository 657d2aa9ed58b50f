"""Administrators manage the members of a tenant within reach: reset a password, change a role,
disable and enable an account; all audited, all 404 outside reach, and an account whose user
holds a role beyond the administrator's reach is not theirs to change."""

from __future__ import annotations

from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select

from core.audit import AuditRecord
from core.db import Database
from core.identity.models import Membership, User
from tests.conftest import DEFAULT_PASSWORD, LoginAs, MakeUser
from tests.tree import DEMO_TREE, add_tenants

Client = AsyncTestClient[Litestar]
LOGIN = "/api/v1/auth/login"


async def _login(client: Client, username: str, password: str = DEFAULT_PASSWORD) -> Any:
    return await client.post(LOGIN, json={"username": username, "password": password})


def _bearer(pair: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {pair['access_token']}"}


async def _membership(client: Client, tenant: str, username: str, headers: dict[str, str]) -> str:
    listed = await client.get(
        f"/api/v1/tenants/{tenant}/members", params={"q": username}, headers=headers
    )
    assert listed.status_code == 200, listed.text
    return str(next(m["id"] for m in listed.json()["items"] if m["user"]["username"] == username))


async def _audit(db: Database, action: str) -> list[AuditRecord]:
    async with db.session() as session:
        return list(
            await session.scalars(
                select(AuditRecord)
                .where(AuditRecord.action == action)
                .order_by(AuditRecord.created_at)
            )
        )


async def _state(db: Database) -> list[tuple[Any, ...]]:
    async with db.session() as session:
        users = (
            await session.execute(
                select(
                    User.username, User.password_hash, User.status, User.password_change_required
                ).order_by(User.username)
            )
        ).all()
        memberships = (
            await session.execute(select(Membership.id, Membership.role).order_by(Membership.id))
        ).all()
        audit = await session.scalar(select(func.count()).select_from(AuditRecord))
    return [*map(tuple, users), *map(tuple, memberships), (audit,)]


async def test_admin_resets_a_members_password_within_reach(
    client: Client, db: Database, make_user: MakeUser, login_as: LoginAs
) -> None:
    tenants = await add_tenants(db, DEMO_TREE)
    await make_user("town-admin", [("d1-t1", "admin")])
    staff_id = await make_user("liu", [("d1-t1-c1", "staff")])
    admin = await login_as("town-admin")
    session = (await _login(client, "liu")).json()
    membership = await _membership(client, "d1-t1-c1", "liu", admin)

    reset = await client.post(
        f"/api/v1/tenants/d1-t1-c1/members/{membership}/password-reset", json={}, headers=admin
    )
    assert reset.status_code == 200, reset.text
    one_time = reset.json()["one_time_password"]
    assert one_time
    assert reset.json()["password_change_required"] is True
    assert reset.json()["user"]["username"] == "liu"
    # every login of theirs ended, and the old password is gone
    assert (await client.get("/api/v1/me", headers=_bearer(session))).status_code == 401
    assert (await _login(client, "liu")).status_code == 401
    pair = (await _login(client, "liu", one_time)).json()
    assert pair["password_change_required"] is True

    given = await client.post(
        f"/api/v1/tenants/d1-t1-c1/members/{membership}/password-reset",
        json={"password": "chosen-by-admin", "require_change": False},
        headers=admin,
    )
    assert given.status_code == 200, given.text
    assert given.json()["one_time_password"] is None
    assert (await _login(client, "liu", "chosen-by-admin")).json()[
        "password_change_required"
    ] is False

    records = await _audit(db, "users.password_reset")
    assert [(r.target_id, r.tenant_id, r.actor_username) for r in records] == [
        (str(staff_id), tenants["d1-t1-c1"].id, "town-admin")
    ] * 2
    assert records[0].after is not None
    assert records[0].after["one_time"] is True
    assert one_time not in str(records[0].after)


async def test_member_routes_answer_404_outside_reach_and_change_nothing(
    client: Client, db: Database, make_user: MakeUser, login_as: LoginAs
) -> None:
    await add_tenants(db, DEMO_TREE)
    await make_user("root", [(None, "platform_admin")])
    await make_user("town-admin", [("d1-t1", "admin")])
    await make_user("staff", [("d1-t1", "staff")])
    await make_user("other", [("d1-t2-c1", "staff")])
    await make_user("mine", [("d1-t1-c1", "staff")])
    root = await login_as("root")
    theirs = await _membership(client, "d1-t2-c1", "other", root)
    mine = await _membership(client, "d1-t1-c1", "mine", root)
    admin = await login_as("town-admin")
    staff = await login_as("staff")
    before = await _state(db)
    attempts = [
        # their tenant, out of reach
        (admin, "d1-t2-c1", theirs),
        # their membership through a tenant in reach
        (admin, "d1-t1-c1", theirs),
        (admin, "d1-t1", theirs),
        # a membership held at another tenant of the reach
        (admin, "d1-t1", mine),
        # no users:manage
        (staff, "d1-t1-c1", mine),
    ]
    for headers, tenant, membership in attempts:
        base = f"/api/v1/tenants/{tenant}/members/{membership}"
        for method, url, body in (
            ("POST", f"{base}/password-reset", {}),
            ("POST", f"{base}/disable", None),
            ("POST", f"{base}/enable", None),
            ("PATCH", base, {"role": "member"}),
        ):
            response = await client.request(method, url, json=body, headers=headers)
            assert response.status_code == 404, (method, url, response.text)
            assert response.headers["content-type"].startswith("application/problem+json")
    assert await _state(db) == before


async def test_an_account_with_a_role_beyond_reach_is_not_the_admins_to_change(
    client: Client, db: Database, make_user: MakeUser, login_as: LoginAs
) -> None:
    await add_tenants(db, DEMO_TREE)
    await make_user("root", [(None, "platform_admin")])
    await make_user("c-admin", [("d1-t1-c1", "admin")])
    # a volunteer here who is also a town's administrator
    await make_user("zhang", [("d1-t1-c1", "member"), ("d1-t1", "admin")])
    # a fellow administrator of the same community
    await make_user("peer", [("d1-t1-c1", "admin")])
    root = await login_as("root")
    zhang = await _membership(client, "d1-t1-c1", "zhang", root)
    own = await _membership(client, "d1-t1-c1", "c-admin", root)
    admin = await login_as("c-admin")
    before = await _state(db)
    for membership, code in ((zhang, "user-beyond-reach"), (own, "own-account")):
        for action in ("password-reset", "disable"):
            response = await client.post(
                f"/api/v1/tenants/d1-t1-c1/members/{membership}/{action}",
                json={} if action == "password-reset" else None,
                headers=admin,
            )
            assert response.status_code == 403, response.text
            assert response.json()["type"].endswith(f"/{code}")
            assert response.json()["title"]
            assert response.json()["title_en"]
    assert await _state(db) == before
    # an equal role within reach is fine; the town's administrator may reset zhang
    peer = await _membership(client, "d1-t1-c1", "peer", root)
    ok = await client.post(
        f"/api/v1/tenants/d1-t1-c1/members/{peer}/password-reset", json={}, headers=admin
    )
    assert ok.status_code == 200, ok.text
    town = await client.post(
        f"/api/v1/tenants/d1-t1-c1/members/{zhang}/password-reset", json={}, headers=root
    )
    assert town.status_code == 200


async def test_changing_a_role_respects_the_admins_own_role_and_is_audited(
    client: Client, db: Database, make_user: MakeUser, login_as: LoginAs
) -> None:
    tenants = await add_tenants(db, DEMO_TREE)
    await make_user("root", [(None, "platform_admin")])
    await make_user("t-admin", [("d1-t1", "admin")])
    await make_user("wang", [("d1-t1-c1", "staff"), ("d1-t1-c1", "member")])
    await make_user("boss", [("d1-t1-c1", "platform_admin")])
    root = await login_as("root")
    listed = (
        await client.get("/api/v1/tenants/d1-t1-c1/members", params={"q": "WAN"}, headers=root)
    ).json()["items"]
    by_role = {m["role"]: m["id"] for m in listed}
    assert set(by_role) == {"staff", "member"}
    boss = await _membership(client, "d1-t1-c1", "boss", root)
    admin = await login_as("t-admin")
    url = "/api/v1/tenants/d1-t1-c1/members/{}"

    promoted = await client.patch(
        url.format(by_role["staff"]), json={"role": "admin"}, headers=admin
    )
    assert promoted.status_code == 200, promoted.text
    assert promoted.json()["role"] == "admin"
    same = await client.patch(url.format(by_role["member"]), json={"role": "admin"}, headers=admin)
    assert same.status_code == 409
    above = await client.patch(
        url.format(by_role["member"]), json={"role": "platform_admin"}, headers=admin
    )
    assert above.status_code == 403
    assert above.json()["type"].endswith("/role-above-own")
    demote = await client.patch(url.format(boss), json={"role": "member"}, headers=admin)
    assert demote.status_code == 403
    unknown = await client.patch(url.format(boss), json={"role": "mayor"}, headers=admin)
    assert unknown.status_code == 422

    [record] = await _audit(db, "memberships.update")
    assert record.tenant_id == tenants["d1-t1-c1"].id
    assert (record.before, record.after) == (
        {"user": "wang", "role": "staff"},
        {"user": "wang", "role": "admin"},
    )
    # the new role applies at once (the principal cache dropped wang)
    wang = await login_as("wang")
    assert (await client.get("/api/v1/tenants/d1-t1-c1/audit", headers=wang)).status_code == 200


async def test_a_disabled_user_can_neither_log_in_nor_use_tokens_until_enabled(
    client: Client, db: Database, make_user: MakeUser, login_as: LoginAs
) -> None:
    tenants = await add_tenants(db, DEMO_TREE)
    await make_user("boss", [("d1", "admin")])
    user_id = await make_user("sun", [("d1-t1-c1", "admin")])
    boss = await login_as("boss")
    sun_pair = (await _login(client, "sun")).json()
    sun = _bearer(sun_pair)
    token = await client.post(
        "/api/v1/tenants/d1-t1-c1/api-tokens",
        json={"name": "sync", "permissions": ["users:read"]},
        headers=sun,
    )
    api = {"Authorization": f"Bearer {token.json()['token']}"}
    members = "/api/v1/tenants/d1-t1-c1/members"
    assert (await client.get(members, headers=api)).status_code == 200
    membership = await _membership(client, "d1-t1-c1", "sun", boss)

    disabled = await client.post(f"{members}/{membership}/disable", headers=boss)
    assert disabled.status_code == 200, disabled.text
    assert disabled.json()["user"]["status"] == "disabled"
    assert (await client.get(members, headers=sun)).status_code == 401
    assert (await client.get(members, headers=api)).status_code == 401
    assert (await _login(client, "sun")).status_code == 401
    refreshed = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": sun_pair["refresh_token"]}
    )
    assert refreshed.status_code == 401
    only_disabled = await client.get(members, params={"status": "disabled"}, headers=boss)
    assert [m["user"]["username"] for m in only_disabled.json()["items"]] == ["sun"]
    again = await client.post(f"{members}/{membership}/disable", headers=boss)
    assert again.status_code == 200

    enabled = await client.post(f"{members}/{membership}/enable", headers=boss)
    assert enabled.status_code == 200
    assert enabled.json()["user"]["status"] == "active"
    assert (await _login(client, "sun")).status_code == 200
    # the logins ended by disabling stay ended; the API token works again
    assert (await client.get(members, headers=sun)).status_code == 401
    assert (await client.get(members, headers=api)).status_code == 200

    records = [*await _audit(db, "users.disable"), *await _audit(db, "users.enable")]
    assert [(r.action, r.target_id, r.tenant_id) for r in records] == [
        ("users.disable", str(user_id), tenants["d1-t1-c1"].id),
        ("users.enable", str(user_id), tenants["d1-t1-c1"].id),
    ]


async def test_member_list_filters_by_text_role_and_status(
    admin_client: Client, db: Database, make_user: MakeUser
) -> None:
    await add_tenants(db, DEMO_TREE)
    await make_user("li-lei", [("d1", "staff")], display_name="李雷")
    await make_user("han_mei", [("d1", "member")], display_name="韩梅梅")
    await make_user("percent", [("d1", "member")], display_name="100% 志愿者")
    url = "/api/v1/tenants/d1/members"

    async def names(**params: str) -> list[str]:
        response = await admin_client.get(url, params=params)
        assert response.status_code == 200, response.text
        return [m["user"]["username"] for m in response.json()["items"]]

    assert await names(q="韩梅") == ["han_mei"]
    assert await names(q="LI-") == ["li-lei"]
    assert await names(q="%") == ["percent"]
    assert await names(q="_") == ["han_mei"]
    assert await names(role="member") == ["han_mei", "percent"]
    assert await names(status="disabled") == []
    assert (await admin_client.get(url, params={"role": "mayor"})).status_code == 400
