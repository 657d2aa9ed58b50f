"""Work plans of the subtree, and the templates of the tenants above it that may be copied."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import ColumnElement, Select, and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from core import Conflict, Invalid, NotFound, Tenant, in_subtree
from plugins.party_building.checks import not_in_future, optional_text, text
from plugins.party_building.clock import now
from plugins.party_building.models import IndicatorProgress, PlanIndicator, WorkPlan
from plugins.party_building.work_plans import schemas


def visible(tenant: Tenant) -> ColumnElement[bool]:
    """Plans of the subtree, and templates of the tenants above it."""
    return or_(
        in_subtree(WorkPlan.tenant_id, tenant),
        and_(WorkPlan.tenant_id.in_(tenant.ancestor_ids), WorkPlan.is_template.is_(True)),
    )


async def get(
    session: AsyncSession, tenant: Tenant, plan_id: uuid.UUID, *, own: bool = False
) -> WorkPlan:
    """The plan if ``tenant`` sees it; ``own``: only a plan of its subtree (to change it)."""
    condition = in_subtree(WorkPlan.tenant_id, tenant) if own else visible(tenant)
    plan = await session.scalar(select(WorkPlan).where(WorkPlan.id == plan_id, condition))
    if plan is None:
        raise NotFound("工作计划")
    return plan


async def _unique(session: AsyncSession, tenant: Tenant, year: int, title: str) -> None:
    if await session.scalar(
        select(WorkPlan.id).where(
            WorkPlan.tenant_id == tenant.id, WorkPlan.year == year, WorkPlan.title == title
        )
    ):
        raise Conflict("同名年度计划已存在", title_en="Plan already exists", code="plan-exists")


def _indicator(plan: WorkPlan, body: schemas.IndicatorCreate, field: str) -> PlanIndicator:
    if body.pillar not in {p["key"] for p in plan.pillars}:
        raise Invalid(field, "计划中没有这个板块", message_en="no such pillar in the plan")
    return PlanIndicator(
        tenant_id=plan.tenant_id,
        plan_id=plan.id,
        pillar=body.pillar,
        name=text(body.name),
        unit=text(body.unit),
        target=body.target,
        progress=0,
    )


async def create(session: AsyncSession, tenant: Tenant, body: schemas.PlanCreate) -> WorkPlan:
    keys = [p.key for p in body.pillars]
    if len(set(keys)) != len(keys):
        raise Invalid("pillars", "板块标识重复", message_en="pillar keys repeat")
    names = [text(i.name) for i in body.indicators]
    if len(set(names)) != len(names):
        raise Invalid("indicators", "指标名称重复", message_en="indicator names repeat")
    title = text(body.title)
    await _unique(session, tenant, body.year, title)
    plan = WorkPlan(
        tenant_id=tenant.id,
        year=body.year,
        title=title,
        method=text(body.method),
        pillars=[
            {"key": p.key, "group": text(p.group), "name": text(p.name)} for p in body.pillars
        ],
        is_template=body.is_template,
    )
    session.add(plan)
    await session.flush()
    for index, item in enumerate(body.indicators):
        session.add(_indicator(plan, item, f"indicators[{index}].pillar"))
    await session.flush()
    return plan


async def copy(
    session: AsyncSession, tenant: Tenant, plan_id: uuid.UUID, body: schemas.PlanCopy
) -> WorkPlan:
    """A plan of ``tenant`` made from a template above it (or a plan of its own subtree):
    the same method, pillars, indicators and targets, with no progress."""
    source = await get(session, tenant, plan_id)
    title = text(body.title) if body.title else source.title
    await _unique(session, tenant, body.year, title)
    plan = WorkPlan(
        tenant_id=tenant.id,
        year=body.year,
        title=title,
        method=source.method,
        pillars=[dict(p) for p in source.pillars],
        is_template=False,
        copied_from_id=source.id,
    )
    session.add(plan)
    await session.flush()
    for indicator in await session.scalars(
        select(PlanIndicator)
        .where(PlanIndicator.plan_id == source.id)
        .order_by(PlanIndicator.pillar, PlanIndicator.name)
    ):
        session.add(
            PlanIndicator(
                tenant_id=tenant.id,
                plan_id=plan.id,
                pillar=indicator.pillar,
                name=indicator.name,
                unit=indicator.unit,
                target=indicator.target,
                progress=0,
            )
        )
    await session.flush()
    return plan


async def add_indicator(
    session: AsyncSession, tenant: Tenant, plan_id: uuid.UUID, body: schemas.IndicatorCreate
) -> WorkPlan:
    plan = await get(session, tenant, plan_id, own=True)
    row = _indicator(plan, body, "pillar")
    if await session.scalar(
        select(PlanIndicator.id).where(
            PlanIndicator.plan_id == plan.id, PlanIndicator.name == row.name
        )
    ):
        raise Conflict("指标已存在", title_en="Indicator exists", code="indicator-exists")
    session.add(row)
    await session.flush()
    return plan


async def record_progress(
    session: AsyncSession,
    tenant: Tenant,
    plan_id: uuid.UUID,
    indicator_id: uuid.UUID,
    body: schemas.ProgressCreate,
) -> WorkPlan:
    """Add progress against an indicator; its total is the sum of its entries."""
    plan = await get(session, tenant, plan_id, own=True)
    indicator = await session.scalar(
        select(PlanIndicator)
        .where(PlanIndicator.id == indicator_id, PlanIndicator.plan_id == plan.id)
        .with_for_update()
    )
    if indicator is None:
        raise NotFound("指标")
    session.add(
        IndicatorProgress(
            tenant_id=indicator.tenant_id,
            indicator_id=indicator.id,
            amount=body.amount,
            recorded_on=not_in_future("recorded_on", body.recorded_on),
            note=optional_text(body.note),
            recorded_at=now(),
        )
    )
    indicator.progress += body.amount
    await session.flush()
    return plan


def query(tenant: Tenant, *, year: int | None = None) -> Select[WorkPlan]:
    stmt = select(WorkPlan).where(visible(tenant))
    if year is not None:
        stmt = stmt.where(WorkPlan.year == year)
    return stmt.order_by(WorkPlan.year.desc(), WorkPlan.title, WorkPlan.id)


async def answers(session: AsyncSession, plans: Sequence[WorkPlan]) -> list[schemas.Plan]:
    ids = [p.id for p in plans]
    found: dict[uuid.UUID, list[PlanIndicator]] = defaultdict(list)
    if ids:
        for row in await session.scalars(
            select(PlanIndicator)
            .where(PlanIndicator.plan_id.in_(ids))
            .order_by(PlanIndicator.pillar, PlanIndicator.name)
        ):
            found[row.plan_id].append(row)
    result = []
    for plan in plans:
        indicators = found[plan.id]
        result.append(
            schemas.Plan(
                id=plan.id,
                tenant_id=plan.tenant_id,
                year=plan.year,
                title=plan.title,
                method=plan.method,
                is_template=plan.is_template,
                copied_from_id=plan.copied_from_id,
                pillars=[
                    schemas.PillarProgress(
                        key=p["key"],
                        group=p["group"],
                        name=p["name"],
                        indicators=sum(1 for i in indicators if i.pillar == p["key"]),
                        indicators_met=sum(
                            1 for i in indicators if i.pillar == p["key"] and i.progress >= i.target
                        ),
                    )
                    for p in plan.pillars
                ],
                indicators=[
                    schemas.Indicator(
                        id=i.id,
                        pillar=i.pillar,
                        name=i.name,
                        unit=i.unit,
                        target=i.target,
                        progress=i.progress,
                        percent=min(100, 100 * i.progress // i.target),
                    )
                    for i in indicators
                ],
            )
        )
    return result
