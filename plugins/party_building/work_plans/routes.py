"""HTTP routes of work plans."""

from __future__ import annotations

import uuid

from litestar import get, post
from sqlalchemy.ext.asyncio import AsyncSession

from core import Page, Paging, Tenant, paginate
from plugins.party_building.permissions import MANAGE, READ, WRITE
from plugins.party_building.work_plans import services
from plugins.party_building.work_plans.schemas import (
    IndicatorCreate,
    Plan,
    PlanCopy,
    PlanCreate,
    ProgressCreate,
)


@get("/work-plans", opt=READ)
async def list_plans(
    tenant: Tenant, session: AsyncSession, paging: Paging, year: int | None = None
) -> Page[Plan]:
    """The subtree's plans and the templates offered from above, latest year first."""
    page = await paginate(session, services.query(tenant, year=year), paging, lambda p: p)
    return Page(
        items=await services.answers(session, page.items),
        total=page.total,
        limit=page.limit,
        offset=page.offset,
    )


@post("/work-plans", opt=MANAGE)
async def create_plan(tenant: Tenant, session: AsyncSession, data: PlanCreate) -> Plan:
    plan = await services.create(session, tenant, data)
    return (await services.answers(session, [plan]))[0]


@get("/work-plans/{work_plan_id:uuid}", opt=READ)
async def get_plan(tenant: Tenant, session: AsyncSession, work_plan_id: uuid.UUID) -> Plan:
    plan = await services.get(session, tenant, work_plan_id)
    return (await services.answers(session, [plan]))[0]


@post("/work-plans/{work_plan_id:uuid}/copy", opt=MANAGE)
async def copy_plan(
    tenant: Tenant, session: AsyncSession, work_plan_id: uuid.UUID, data: PlanCopy
) -> Plan:
    """This tenant's own plan made from a template (e.g. the district's 136工作法 plan)."""
    plan = await services.copy(session, tenant, work_plan_id, data)
    return (await services.answers(session, [plan]))[0]


@post("/work-plans/{work_plan_id:uuid}/indicators", opt=MANAGE)
async def add_indicator(
    tenant: Tenant, session: AsyncSession, work_plan_id: uuid.UUID, data: IndicatorCreate
) -> Plan:
    plan = await services.add_indicator(session, tenant, work_plan_id, data)
    return (await services.answers(session, [plan]))[0]


@post("/work-plans/{work_plan_id:uuid}/indicators/{plan_indicator_id:uuid}/progress", opt=WRITE)
async def record_progress(
    tenant: Tenant,
    session: AsyncSession,
    work_plan_id: uuid.UUID,
    plan_indicator_id: uuid.UUID,
    data: ProgressCreate,
) -> Plan:
    plan = await services.record_progress(session, tenant, work_plan_id, plan_indicator_id, data)
    return (await services.answers(session, [plan]))[0]


ROUTES = [list_plans, create_plan, get_plan, copy_plan, add_indicator, record_progress]
