"""The audit log of a subtree, filtered by actor, action, module, route, tenant, target and time,
paged, and exported as CSV and XLSX with the same filters."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any
from unittest.mock import patch

from litestar import Litestar
from litestar.testing import AsyncTestClient
from openpyxl import load_workbook

from core.audit import AuditContext, audit_context, record
from core.db import Database
from core.tenancy.models import Tenant
from tests.conftest import LoginAs, MakeUser
from tests.tree import DEMO_TREE, add_tenants

Client = AsyncTestClient[Litestar]
T0 = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
VOLUNTEERS = "POST /api/v1/tenants/{tenant_key}/five-sector/volunteers"

# (tenant slug, actor, action, target type, target id, hours after T0)
SEEDED: list[tuple[str, str, str, str, str, int]] = [
    ("d1", "root", "tenants.update", "tenant", "d1", 0),
    ("d1-t1", "t-admin", "users.create", "user", "u-1", 1),
    ("d1-t1", "t-admin", "memberships.create", "membership", "m-1", 2),
    ("d1-t1-c1", "c-admin", VOLUNTEERS, "request", "", 3),
    ("d1-t1-c1", "t-admin", "modules.choice", "module", "five-sector", 4),
    ("d1-t1-c1", "c-admin", "five-sector.hours-recorded", "service_entry", "e-1", 5),
    ("d1-t1-c2", "c-admin", "users.password_reset", "user", "u-2", 6),
    ("d1-t1-c2", "c-admin", "POST /api/v1/tenants/{tenant_key}/members", "request", "", 7),
    ("d1-t2", "t2-admin", "users.create", "user", "u-3", 8),
    ("d2", "root", "users.create", "user", "u-4", 9),
]


async def _seed(db: Database, tenants: dict[str, Tenant]) -> None:
    async with db.session(write=True) as session:
        for slug, actor, action, target_type, target_id, hours in SEEDED:
            reset = audit_context.set(AuditContext(actor_username=actor, request_id=f"r-{hours}"))
            try:
                # A record's time is the clock's when it is appended; the seed sets the clock.
                with patch("core.audit.utcnow", return_value=T0 + timedelta(hours=hours)):
                    await record(
                        session,
                        action=action,
                        target_type=target_type,
                        target_id=target_id or None,
                        tenant_id=tenants[slug].id,
                        after={"note": f"={hours}"},
                    )
            finally:
                audit_context.reset(reset)


async def _town_admin(
    db: Database, make_user: MakeUser, login_as: LoginAs
) -> tuple[dict[str, Tenant], dict[str, str]]:
    tenants = await add_tenants(db, DEMO_TREE)
    await _seed(db, tenants)
    await make_user("reader", [("d1-t1", "admin")])
    return tenants, await login_as("reader")


def _at(hours: int) -> str:
    return (T0 + timedelta(hours=hours)).isoformat()


async def test_the_log_filters_within_the_subtree(
    client: Client, db: Database, make_user: MakeUser, login_as: LoginAs
) -> None:
    tenants, headers = await _town_admin(db, make_user, login_as)

    async def hours(**params: Any) -> list[int]:
        response = await client.get("/api/v1/tenants/d1-t1/audit", params=params, headers=headers)
        assert response.status_code == 200, (params, response.text)
        return [
            int(item["after"]["note"][1:]) for item in response.json()["items"] if item["after"]
        ]

    # the reader's own login is a platform-wide record, in no tenant's log
    assert await hours() == [7, 6, 5, 4, 3, 2, 1]
    assert await hours(actor="c-admin") == [7, 6, 5, 3]
    assert await hours(action="users.create") == [1]
    assert await hours(action="users.*") == [6, 1]
    assert await hours(module="five-sector") == [5, 4, 3]
    assert await hours(route="/members") == [7]
    assert await hours(tenant="d1-t1-c1") == [5, 4, 3]
    assert await hours(tenant=str(tenants["d1-t1-c2"].id)) == [7, 6]
    assert await hours(target_type="user", target_id="u-2") == [6]
    assert await hours(since=_at(2), until=_at(5)) == [4, 3, 2]
    assert await hours(since=_at(3), actor="t-admin") == [4]
    assert await hours(action="users.%") == []

    page = await client.get(
        "/api/v1/tenants/d1-t1/audit",
        params={"limit": 2, "offset": 1, "since": _at(0)},
        headers=headers,
    )
    body = page.json()
    assert (body["total"], body["limit"], body["offset"]) == (7, 2, 1)
    assert [item["request_id"] for item in body["items"]] == ["r-6", "r-5"]
    assert body["items"][0]["tenant_slug"] == "d1-t1-c2"
    assert body["items"][0]["tenant_name"] == tenants["d1-t1-c2"].name


async def test_bad_filters_are_refused_and_another_subtrees_tenant_reads_as_unknown(
    client: Client, db: Database, make_user: MakeUser, login_as: LoginAs
) -> None:
    _, headers = await _town_admin(db, make_user, login_as)
    url = "/api/v1/tenants/d1-t1/audit"
    outside = await client.get(url, params={"tenant": "d1-t2"}, headers=headers)
    unknown = await client.get(url, params={"tenant": "nowhere"}, headers=headers)
    for response in (outside, unknown):
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "tenant"
    assert outside.json()["errors"][0]["message"] == unknown.json()["errors"][0]["message"]
    naive = await client.get(url, params={"since": "2026-11-01T08:00:00"}, headers=headers)
    assert naive.status_code == 422
    assert naive.json()["errors"][0]["field"] == "since"
    assert (
        await client.get(url, params={"since": "yesterday"}, headers=headers)
    ).status_code == 400
    too_long = await client.get(url, params={"actor": "x" * 65}, headers=headers)
    assert too_long.status_code == 400


async def test_the_export_holds_the_filtered_records_in_csv_and_xlsx(
    client: Client, db: Database, make_user: MakeUser, login_as: LoginAs
) -> None:
    _, headers = await _town_admin(db, make_user, login_as)
    url = "/api/v1/tenants/d1-t1/audit/export"
    params = {"actor": "c-admin", "since": _at(0)}
    exported = await client.get(url, params=params, headers=headers)
    assert exported.status_code == 200, exported.text
    assert exported.headers["content-type"].startswith("text/csv")
    assert 'filename="audit-d1-t1.csv"' in exported.headers["content-disposition"]
    text = exported.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:5] == ["时间", "组织", "组织标识", "操作人", "操作"]
    assert [row[4] for row in rows[1:]] == [
        "POST /api/v1/tenants/{tenant_key}/members",
        "users.password_reset",
        "five-sector.hours-recorded",
        VOLUNTEERS,
    ]
    assert {row[3] for row in rows[1:]} == {"c-admin"}
    assert rows[1][8] == '{"note": "=7"}'

    workbook = await client.get(url, params={**params, "format": "xlsx"}, headers=headers)
    assert workbook.status_code == 200
    sheet = load_workbook(io.BytesIO(workbook.content)).active
    assert sheet is not None
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    assert cells[0][:5] == rows[0][:5]
    assert [row[4] for row in cells[1:]] == [row[4] for row in rows[1:]]


async def test_the_log_and_its_export_are_404_outside_reach(
    client: Client, db: Database, make_user: MakeUser, login_as: LoginAs
) -> None:
    _, headers = await _town_admin(db, make_user, login_as)
    await make_user("worker", [("d1-t1", "staff")])
    worker = await login_as("worker")
    for path in ("audit", "audit/export"):
        for slug, who in (("d1", headers), ("d1-t2", headers), ("d2", headers), ("d1-t1", worker)):
            response = await client.get(f"/api/v1/tenants/{slug}/{path}", headers=who)
            assert response.status_code == 404, (slug, path)
        anonymous = await client.get(f"/api/v1/tenants/d1-t1/{path}")
        assert anonymous.status_code == 401


async def test_every_member_change_through_the_api_is_in_the_log(
    client: Client, db: Database, make_user: MakeUser, login_as: LoginAs
) -> None:
    await add_tenants(db, DEMO_TREE)
    await make_user("boss", [("d1-t1", "admin")])
    boss = await login_as("boss")
    members = "/api/v1/tenants/d1-t1-c1/members"
    created = await client.post(
        members, json={"username": "new-one", "role": "staff"}, headers=boss
    )
    assert created.status_code == 201
    membership = created.json()["id"]
    user = created.json()["user"]["id"]
    steps = [
        ("PATCH", f"{members}/{membership}", {"role": "member"}),
        ("POST", f"{members}/{membership}/password-reset", {}),
        ("POST", f"{members}/{membership}/disable", None),
        ("POST", f"{members}/{membership}/enable", None),
        ("DELETE", f"{members}/{membership}", None),
    ]
    for method, url, body in steps:
        response = await client.request(method, url, json=body, headers=boss)
        assert response.status_code in (200, 204), (url, response.text)
    log = await client.get(
        "/api/v1/tenants/d1-t1/audit", params={"tenant": "d1-t1-c1", "actor": "boss"}, headers=boss
    )
    entries = log.json()["items"]
    assert [(e["action"], e["target_id"]) for e in reversed(entries)] == [
        ("users.create", user),
        ("memberships.create", membership),
        ("memberships.update", membership),
        ("users.password_reset", user),
        ("users.disable", user),
        ("users.enable", user),
        ("memberships.delete", membership),
    ]
    assert all(uuid.UUID(e["id"]) for e in entries)


async def test_the_openapi_document_publishes_the_filters_and_both_formats(client: Client) -> None:
    doc = (await client.get("/schema/openapi.json")).json()
    listed = doc["paths"]["/api/v1/tenants/{tenant_key}/audit"]["get"]
    names = {p["name"] for p in listed["parameters"]}
    assert {"actor", "action", "module", "route", "tenant", "since", "until", "limit"} <= names
    exported = doc["paths"]["/api/v1/tenants/{tenant_key}/audit/export"]["get"]
    assert {"format", "tenant", "module"} <= {p["name"] for p in exported["parameters"]}
    assert set(exported["responses"]["200"]["content"]) == {
        "text/csv; charset=utf-8",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
