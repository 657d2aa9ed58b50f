"""``GET .../incubation/figures``: the subtree's figures in one answer, with the average
capacity growth that a summed metric cannot carry."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import msgspec
from litestar import get
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core import ModuleConfig, Tenant, in_subtree
from plugins.incubation.metrics import METRICS
from plugins.incubation.permissions import READ


class Figure(msgspec.Struct, kw_only=True):
    name: str
    title: str
    title_en: str
    unit: str
    value: int


class Figures(msgspec.Struct, kw_only=True):
    """Every metric of the module summed over the subtree, and ``average_capacity_growth``:
    ``capacity_growth_points / organisations_scored`` rounded half up to ``growth_decimals``
    places (a decimal string; null when no organisation has both scorecards)."""

    figures: list[Figure]
    average_capacity_growth: Decimal | None


async def compute(session: AsyncSession, tenant: Tenant, config: Mapping[str, Any]) -> Figures:
    found: list[Figure] = []
    for metric in METRICS:
        per_tenant = metric.query().subquery()
        columns = list(per_tenant.c)
        total = await session.scalar(
            select(func.coalesce(func.sum(columns[1]), 0)).where(in_subtree(columns[0], tenant))
        )
        found.append(
            Figure(
                name=metric.name,
                title=metric.title,
                title_en=metric.title_en,
                unit=metric.unit,
                value=int(total or 0),
            )
        )
    values = {f.name: f.value for f in found}
    scored = values["incubation.organisations_scored"]
    average = None
    if scored:
        places = Decimal(1).scaleb(-int(config["growth_decimals"]))
        average = (Decimal(values["incubation.capacity_growth_points"]) / scored).quantize(
            places, rounding=ROUND_HALF_UP
        )
    return Figures(figures=found, average_capacity_growth=average)


@get("/figures", opt=READ)
async def figures(tenant: Tenant, session: AsyncSession, config: ModuleConfig) -> Figures:
    """The incubation figures of this tenant's subtree (the metrics, summed) in one answer."""
    return await compute(session, tenant, config)


ROUTES = [figures]
