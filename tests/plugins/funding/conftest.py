"""Fixtures of the funding tests: a small tree with the module required at both districts.

The module is the installed entry point ``funding``, mounted by the plugin host like any
third-party plugin.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from core.db import Database
from core.modules.isolation_matrix import make_tenant
from core.modules.models import ModulePolicy
from core.tenancy.models import Tenant
from plugins.funding.clock import today

Client = AsyncTestClient[Litestar]


@dataclass(frozen=True)
class Tree:
    """望城区 with two towns: 高塘岭街道 (望府路社区, urban) and 乔口镇 (新康村, a village);
    an unrelated district 岳麓区 with one community."""

    district: Tenant
    town: Tenant
    urban: Tenant
    rural_town: Tenant
    village: Tenant
    other_district: Tenant
    other_community: Tenant


@pytest.fixture
async def tree(db: Database) -> Tree:
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
            session.add(ModulePolicy(tenant_id=root.id, module="funding", policy="required"))
    return Tree(district, town, urban, rural_town, village, other, other_community)


def url(tenant: Tenant | str, path: str) -> str:
    key = tenant if isinstance(tenant, str) else tenant.slug
    return f"/api/v1/tenants/{key}/funding{path}"


def call_body(**extra: Any) -> dict[str, Any]:
    day = today()
    return {
        "title": "2026年望城区公益创投",
        "funder_kind": "foundation",
        "funder_name": "示范公益基金会",
        "pool_fen": 100_000_00,
        "opens_on": (day - timedelta(days=10)).isoformat(),
        "closes_on": (day + timedelta(days=20)).isoformat(),
        **extra,
    }


def application_body(amount: int = 30_000_00, **extra: Any) -> dict[str, Any]:
    return {
        "title": "银龄帮帮团助老服务",
        "category": "为老服务",
        "applicants": [{"name": "望府路社区银龄帮帮团", "registration": "filed"}],
        "budget_lines": [
            {"item": "活动物资", "amount_fen": amount - 10_000_00},
            {"item": "志愿者培训", "amount_fen": 10_000_00},
        ],
        **extra,
    }


async def post_ok(client: Client, path: str, body: Any = None, **kwargs: Any) -> Any:
    response = await client.post(path, json=body, **kwargs)
    assert response.status_code in (200, 201), response.text
    return response.json()


async def walk(client: Client, at: Tenant, application_id: str, *states: str) -> Any:
    """Move an application through ``states`` as the call's manager at ``at``."""
    answer = None
    for state in states:
        if state == "submitted":
            answer = await post_ok(client, url(at, f"/applications/{application_id}/submit"))
        else:
            answer = await post_ok(
                client, url(at, f"/applications/{application_id}/transitions"), {"to": state}
            )
    return answer


TO_REVIEW = ("submitted", "screened", "under_review")
TO_SIGNED = (*TO_REVIEW, "published", "approved", "agreement_signed")
