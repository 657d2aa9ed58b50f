"""Adding modules' figures up the tenant tree, in SQL.

For a tenant with path ``P``, every row of a module's metric query is attributed to the child of
the tenant it falls under by the first ``len(P) + 33`` characters of its tenant's path (one
``/<32 hex>`` segment below ``P``), so a whole district is a handful of GROUP BY queries however
many communities it has.
"""

from __future__ import annotations

import asyncio
from typing import Any

import structlog
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.modules.host import PluginHost
from core.tenancy.models import Tenant

QUERY_TIMEOUT = 10.0
SEGMENT = 33
log = structlog.get_logger("gongzhi.metrics")


async def rollup(
    session: AsyncSession, host: PluginHost, tenant: Tenant, modules: frozenset[str]
) -> dict[str, Any]:
    """Every figure of ``modules`` over ``tenant``'s subtree: total, own rows, and per child."""
    children = (
        await session.execute(
            select(Tenant.path, Tenant.slug, Tenant.name, Tenant.status)
            .where(Tenant.parent_id == tenant.id)
            .order_by(Tenant.division_code, Tenant.slug)
        )
    ).all()
    child_prefix = func.substr(Tenant.path, 1, len(tenant.path) + SEGMENT)
    figures: list[dict[str, Any]] = []
    failed: list[str] = []
    for name in sorted(modules):
        plugin = host.plugin_of(name)
        if plugin is None:
            continue
        for metric in plugin.metrics:
            try:
                sub = metric.query().subquery()
                tenant_col, value_col = list(sub.c)[:2]
                stmt = (
                    select(child_prefix.label("child"), func.sum(value_col))
                    .join(Tenant, Tenant.id == tenant_col)
                    .where(Tenant.path.startswith(tenant.path))
                    .group_by(child_prefix)
                )
                async with session.begin_nested():
                    rows = (await asyncio.wait_for(session.execute(stmt), QUERY_TIMEOUT)).all()
            except Exception:
                log.exception("metric_failed", plugin=name, metric=metric.name)
                failed.append(metric.name)
                continue
            by_path = {path: int(value or 0) for path, value in rows}
            figures.append(
                {
                    "name": metric.name,
                    "module": name,
                    "title": metric.title,
                    "title_en": metric.title_en,
                    "unit": metric.unit,
                    "total": sum(by_path.values()),
                    "own": by_path.get(tenant.path, 0),
                    "children": [
                        {
                            "slug": slug,
                            "name": cname,
                            "status": status,
                            "value": by_path.get(path, 0),
                        }
                        for path, slug, cname, status in children
                    ],
                }
            )
    return {"tenant": tenant.slug, "figures": figures, "failed": failed}
