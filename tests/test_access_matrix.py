"""The access matrix: a role held at a community, a town or the district reaches exactly that
tenant and its subtree; everything else answers 404 exactly like a tenant that does not exist.
"""

from __future__ import annotations

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from core.db import Database
from tests.conftest import LoginAs, MakeUser
from tests.tree import DEMO_TREE, add_tenants

Client = AsyncTestClient[Litestar]

HELD_AT = {"community": "d1-t1-c1", "town": "d1-t1", "district": "d1"}
"""Where the user's one membership is held, per level."""

TARGETS = {
    "community": {
        "same": "d1-t1-c1",
        "ancestor": "d1-t1",
        "sibling": "d1-t1-c2",
        "other-district": "d2-t1-c1",
    },
    "town": {
        "same": "d1-t1",
        "ancestor": "d1",
        "descendant": "d1-t1-c1",
        "sibling": "d1-t2",
        "other-district": "d2-t1",
    },
    "district": {
        "same": "d1",
        "descendant": "d1-t2-c1",
        "sibling": "d2",
        "other-district": "d2-t1-c1",
    },
}
"""Relative to where the role is held. A district has no ancestor; a community no descendant;
a district's sibling is another district."""

ALL_ROLES = {"platform_admin", "admin", "staff", "member"}
READERS = {"platform_admin", "admin", "staff"}
WRITERS = {"platform_admin", "admin"}
"""Who holds ``tenants:read`` (everyone), ``users:read`` (staff and up), and ``tenants:write``
and ``users:manage`` (admins)."""


def expected(role: str, relation: str, allowed_roles: set[str]) -> int:
    if role not in allowed_roles:
        return 404
    if role == "platform_admin":
        return 200
    return 200 if relation in ("same", "descendant") else 404


@pytest.mark.parametrize("level", list(HELD_AT))
@pytest.mark.parametrize("role", ["platform_admin", "admin", "staff", "member"])
async def test_role_reaches_its_tenant_and_subtree_only(
    client: Client, db: Database, make_user: MakeUser, login_as: LoginAs, role: str, level: str
) -> None:
    await add_tenants(db, DEMO_TREE)
    await make_user("actor", [(HELD_AT[level], role)])
    headers = await login_as("actor")
    seen: dict[tuple[str, str], int] = {}
    want: dict[tuple[str, str], int] = {}
    for relation, slug in TARGETS[level].items():
        tenant = await client.get(f"/api/v1/tenants/{slug}", headers=headers)
        seen[(relation, "tenants:read")] = tenant.status_code
        want[(relation, "tenants:read")] = expected(role, relation, ALL_ROLES)
        renamed = await client.patch(
            f"/api/v1/tenants/{slug}", json={"name": f"改名 {slug}"}, headers=headers
        )
        seen[(relation, "tenants:write")] = renamed.status_code
        want[(relation, "tenants:write")] = expected(role, relation, WRITERS)
        read = await client.get(f"/api/v1/tenants/{slug}/members", headers=headers)
        seen[(relation, "users:read")] = read.status_code
        want[(relation, "users:read")] = expected(role, relation, READERS)
        write = await client.post(
            f"/api/v1/tenants/{slug}/members",
            json={"username": f"new-{slug}", "role": "member", "password": "new-user-pass"},
            headers=headers,
        )
        seen[(relation, "users:manage")] = 200 if write.status_code == 201 else write.status_code
        want[(relation, "users:manage")] = expected(role, relation, WRITERS)
        for response in (tenant, renamed, read, write):
            if response.status_code == 404:
                assert response.json()["title_en"] == "Not found"
    assert seen == want


async def test_outside_reach_is_indistinguishable_from_a_missing_tenant(
    client: Client, db: Database, make_user: MakeUser, login_as: LoginAs
) -> None:
    await add_tenants(db, DEMO_TREE)
    await make_user("town-admin", [("d1-t1", "admin")])
    headers = await login_as("town-admin")
    hidden = await client.get("/api/v1/tenants/d2/members", headers=headers)
    missing = await client.get("/api/v1/tenants/no-such/members", headers=headers)
    assert hidden.status_code == missing.status_code == 404

    def shape(body: dict[str, object]) -> dict[str, object]:
        return {k: v for k, v in body.items() if k not in ("request_id", "instance", "detail")}

    assert shape(hidden.json()) == shape(missing.json())


async def test_anonymous_tenant_requests_get_401_whether_or_not_the_tenant_exists(
    client: Client, db: Database
) -> None:
    await add_tenants(db, DEMO_TREE)
    assert (await client.get("/api/v1/tenants/d1/members")).status_code == 401
    assert (await client.get("/api/v1/tenants/no-such/members")).status_code == 401


async def test_moving_under_a_hidden_parent_reads_like_a_missing_one(
    client: Client, db: Database, make_user: MakeUser, login_as: LoginAs
) -> None:
    await add_tenants(db, DEMO_TREE)
    await make_user("town-admin", [("d1-t1", "admin")])
    headers = await login_as("town-admin")
    url = "/api/v1/tenants/d1-t1-c1/move"
    hidden = await client.post(url, json={"parent": "d2-t1"}, headers=headers)
    missing = await client.post(url, json={"parent": "d9-t9"}, headers=headers)
    assert hidden.status_code == missing.status_code == 404

    def shape(body: dict[str, object]) -> dict[str, object]:
        return {k: v for k, v in body.items() if k not in ("request_id", "detail")}

    assert shape(hidden.json()) == shape(missing.json())
