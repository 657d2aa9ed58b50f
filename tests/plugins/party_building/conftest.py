"""Fixtures of the party-building tests: a small tree with the module (and five-sector)
required at both districts, and helpers that go through the module's API."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from core.db import Database
from core.modules.isolation_matrix import make_tenant
from core.modules.models import ModulePolicy
from core.tenancy.models import Tenant

Client = AsyncTestClient[Litestar]


@dataclass(frozen=True)
class Tree:
    """望城区 with 高塘岭街道 (望府路社区) and 乔口镇 (新康村); 岳麓区 with one community."""

    district: Tenant
    town: Tenant
    urban: Tenant
    rural_town: Tenant
    village: Tenant
    other_district: Tenant
    other_community: Tenant


async def build(db: Database, *, five_sector: str) -> Tree:
    district = make_tenant(None, "wangcheng", "district", "区", "望城区")
    town = make_tenant(district, "gaotangling", "town", "街道", "高塘岭街道")
    urban = make_tenant(town, "wangfulu", "community", "社区", "望府路社区")
    rural_town = make_tenant(district, "qiaokou", "town", "镇", "乔口镇")
    village = make_tenant(rural_town, "xinkang", "community", "村", "新康村")
    other = make_tenant(None, "yuelu", "district", "区", "岳麓区")
    other_community = make_tenant(other, "yuelu-c1", "community", "社区", "某社区")
    async with db.session(write=True) as session:
        for tenant in (district, town, urban, rural_town, village, other, other_community):
            session.add(tenant)
            await session.flush()
        for root in (district, other):
            session.add(ModulePolicy(tenant_id=root.id, module="party-building", policy="required"))
            session.add(ModulePolicy(tenant_id=root.id, module="five-sector", policy=five_sector))
    return Tree(district, town, urban, rural_town, village, other, other_community)


@pytest.fixture
async def tree(db: Database) -> Tree:
    return await build(db, five_sector="required")


@pytest.fixture
async def tree_without_five_sector(db: Database) -> Tree:
    return await build(db, five_sector="forbidden")


def url(tenant: Tenant | str, path: str, module: str = "party-building") -> str:
    key = tenant if isinstance(tenant, str) else tenant.slug
    return f"/api/v1/tenants/{key}/{module}{path}"


async def post(
    client: Client, tenant: Tenant | str, path: str, body: Any, status: int = 201
) -> Any:
    response = await client.post(url(tenant, path), json=body)
    assert response.status_code == status, response.text
    return response.json()


async def get(client: Client, tenant: Tenant | str, path: str, status: int = 200) -> Any:
    response = await client.get(url(tenant, path))
    assert response.status_code == status, response.text
    return response.json()


async def organisation(
    client: Client, tenant: Tenant, name: str, kind: str = "branch", **extra: Any
) -> dict[str, Any]:
    body = {"name": name, "kind": kind, "established_on": "2025-01-01", **extra}
    result: dict[str, Any] = await post(client, tenant, "/organisations", body)
    return result


async def member(
    client: Client,
    tenant: Tenant,
    org: str,
    name: str,
    status: str = "full",
    **extra: Any,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "party_organisation_id": org,
        "name": name,
        "status": status,
        "joined_on": "2023-05-01" if status == "full" else extra.pop("joined_on", "2026-01-10"),
        **extra,
    }
    if status == "full":
        body.setdefault("converted_on", "2024-05-01")
    result: dict[str, Any] = await post(client, tenant, "/members", body)
    return result
