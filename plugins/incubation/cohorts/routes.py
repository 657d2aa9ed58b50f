"""HTTP routes of cohorts."""

from __future__ import annotations

import uuid

from litestar import get, post
from sqlalchemy.ext.asyncio import AsyncSession

from core import Page, Paging, Tenant, paginate
from plugins.incubation.cohorts import services
from plugins.incubation.cohorts.schemas import Cohort, CohortCreate, CohortDetail
from plugins.incubation.fields import answer
from plugins.incubation.permissions import MANAGE, READ


@get("/cohorts", opt=READ)
async def list_cohorts(
    tenant: Tenant, session: AsyncSession, paging: Paging, base_id: uuid.UUID | None = None
) -> Page[Cohort]:
    """The cohorts of the subtree's bases, oldest intake first."""
    return await paginate(
        session, services.query(tenant, base_id), paging, lambda c: answer(c, Cohort)
    )


@post("/cohorts", opt=MANAGE)
async def create_cohort(tenant: Tenant, session: AsyncSession, data: CohortCreate) -> Cohort:
    """A new cohort of a base of the subtree, kept at the base's tenant."""
    return answer(await services.create(session, tenant, data), Cohort)


@get("/cohorts/{cohort_id:uuid}", opt=READ)
async def get_cohort(tenant: Tenant, session: AsyncSession, cohort_id: uuid.UUID) -> CohortDetail:
    return await services.detail(session, tenant, cohort_id)


ROUTES = [list_cohorts, create_cohort, get_cohort]
