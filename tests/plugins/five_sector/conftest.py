"""Fixtures of the five-sector tests: a small tree with the module required at both districts.

The module is the installed entry point ``five-sector``, mounted by the plugin host like any
third-party plugin.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from core.db import Database
from core.modules.isolation_matrix import make_tenant
from core.modules.models import ModulePolicy
from core.tenancy.models import Tenant


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


def _tenant(parent: Tenant | None, slug: str, name: str, level: str, kind: str) -> Tenant:
    return make_tenant(parent, slug, level, kind, name)


@pytest.fixture
async def tree(db: Database) -> Tree:
    district = _tenant(None, "wangcheng", "望城区", "district", "区")
    town = _tenant(district, "gaotangling", "高塘岭街道", "town", "街道")
    urban = _tenant(town, "wangfulu", "望府路社区", "community", "社区")
    rural_town = _tenant(district, "qiaokou", "乔口镇", "town", "镇")
    village = _tenant(rural_town, "xinkang", "新康村", "community", "村")
    other = _tenant(None, "yuelu", "岳麓区", "district", "区")
    other_community = _tenant(other, "yuelu-c1", "某社区", "community", "社区")
    async with db.session(write=True) as session:
        for tenant in (district, town, urban, rural_town, village, other, other_community):
            session.add(tenant)
            await session.flush()
        for root in (district, other):
            session.add(ModulePolicy(tenant_id=root.id, module="five-sector", policy="required"))
    return Tree(district, town, urban, rural_town, village, other, other_community)


def url(tenant: Tenant | str, path: str) -> str:
    key = tenant if isinstance(tenant, str) else tenant.slug
    return f"/api/v1/tenants/{key}/five-sector{path}"
