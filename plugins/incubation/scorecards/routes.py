"""HTTP routes of the rubric, scorecards and growth."""

from __future__ import annotations

import uuid

from litestar import get, post
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core import ModuleConfig, Page, Paging, Tenant, paginate
from plugins.incubation import models
from plugins.incubation.fields import answer
from plugins.incubation.incubatees import services as incubatees
from plugins.incubation.permissions import READ, WRITE
from plugins.incubation.scorecards import services
from plugins.incubation.scorecards.schemas import (
    CohortGrowth,
    Growth,
    Rubric,
    Scorecard,
    ScorecardCreate,
)


@get("/rubric", opt=READ)
async def get_rubric(config: ModuleConfig) -> Rubric:
    """The capacity rubric in force here (setting ``rubric``)."""
    return services.rubric(config)


@get("/incubatees/{incubatee_id:uuid}/scorecards", opt=READ)
async def list_scorecards(
    tenant: Tenant, session: AsyncSession, paging: Paging, incubatee_id: uuid.UUID
) -> Page[Scorecard]:
    inc = await incubatees.get(session, tenant, incubatee_id)
    stmt = (
        select(models.Scorecard)
        .where(models.Scorecard.tenant_id == inc.tenant_id, models.Scorecard.incubatee_id == inc.id)
        .order_by(models.Scorecard.scored_on, models.Scorecard.id)
    )
    return await paginate(session, stmt, paging, lambda s: answer(s, Scorecard))


@post("/incubatees/{incubatee_id:uuid}/scorecards", opt=WRITE)
async def add_scorecard(
    tenant: Tenant,
    session: AsyncSession,
    config: ModuleConfig,
    incubatee_id: uuid.UUID,
    data: ScorecardCreate,
) -> Scorecard:
    """The intake or graduation scorecard of the incubatee against the rubric."""
    row = await services.record(session, tenant, config, incubatee_id, data)
    return answer(row, Scorecard)


@get("/incubatees/{incubatee_id:uuid}/growth", opt=READ)
async def incubatee_growth(
    tenant: Tenant, session: AsyncSession, incubatee_id: uuid.UUID
) -> Growth:
    return await services.growth(session, tenant, incubatee_id)


@get("/cohorts/{cohort_id:uuid}/growth", opt=READ)
async def cohort_growth(
    tenant: Tenant, session: AsyncSession, config: ModuleConfig, cohort_id: uuid.UUID
) -> CohortGrowth:
    return await services.cohort_growth(session, tenant, config, cohort_id)


ROUTES = [get_rubric, list_scorecards, add_scorecard, incubatee_growth, cohort_growth]
