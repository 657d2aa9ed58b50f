"""Cohorts: the organisations a base admits together, at the base's tenant."""

from __future__ import annotations

import uuid

import msgspec
from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core import Conflict, Tenant, in_subtree
from plugins.incubation.bases import services as bases
from plugins.incubation.cohorts.schemas import Cohort as CohortOut
from plugins.incubation.cohorts.schemas import CohortCreate, CohortDetail, StageCount
from plugins.incubation.fields import answer, clean, get_in_subtree
from plugins.incubation.models import STAGES, Cohort, Incubatee


async def create(session: AsyncSession, tenant: Tenant, body: CohortCreate) -> Cohort:
    base = await bases.get(session, tenant, body.base_id)
    name = clean(body.name)
    taken = await session.scalar(
        select(Cohort.id).where(Cohort.tenant_id == base.tenant_id, Cohort.name == name)
    )
    if taken is not None:
        raise Conflict("批次名称已被使用", title_en="Cohort name in use", code="cohort-exists")
    cohort = Cohort(tenant_id=base.tenant_id, base_id=base.id, name=name, intake_on=body.intake_on)
    session.add(cohort)
    await session.flush()
    return cohort


def query(tenant: Tenant, base_id: uuid.UUID | None = None) -> Select[Cohort]:
    stmt = select(Cohort).where(in_subtree(Cohort.tenant_id, tenant))
    if base_id is not None:
        stmt = stmt.where(Cohort.base_id == base_id)
    return stmt.order_by(Cohort.intake_on, Cohort.name, Cohort.id)


async def get(session: AsyncSession, tenant: Tenant, cohort_id: uuid.UUID) -> Cohort:
    return await get_in_subtree(session, Cohort, tenant, cohort_id, "培育批次")


async def detail(session: AsyncSession, tenant: Tenant, cohort_id: uuid.UUID) -> CohortDetail:
    cohort = await get(session, tenant, cohort_id)
    rows = await session.execute(
        select(Incubatee.stage, func.count())
        .where(Incubatee.tenant_id == cohort.tenant_id, Incubatee.cohort_id == cohort.id)
        .group_by(Incubatee.stage)
    )
    counts = {str(stage): int(n) for stage, n in rows.all()}
    return CohortDetail(
        **msgspec.structs.asdict(answer(cohort, CohortOut)),
        incubatees=sum(counts.values()),
        stages=[StageCount(stage=s, incubatees=counts.get(s, 0)) for s in STAGES],
    )
