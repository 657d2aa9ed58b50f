"""HTTP routes of needs surveys, under an incubatee."""

from __future__ import annotations

import uuid

from litestar import get, post
from sqlalchemy.ext.asyncio import AsyncSession

from core import Page, Paging, Tenant, paginate
from plugins.incubation import models, records
from plugins.incubation.fields import answer, clean, not_in_future, stored
from plugins.incubation.permissions import READ, WRITE
from plugins.incubation.surveys.schemas import Survey, SurveyCreate


@get("/incubatees/{incubatee_id:uuid}/surveys", opt=READ)
async def list_surveys(
    tenant: Tenant, session: AsyncSession, paging: Paging, incubatee_id: uuid.UUID
) -> Page[Survey]:
    stmt = await records.of_incubatee(
        session, tenant, models.Survey, incubatee_id, models.Survey.surveyed_on
    )
    return await paginate(session, stmt, paging, lambda r: answer(r, Survey))


@post("/incubatees/{incubatee_id:uuid}/surveys", opt=WRITE)
async def add_survey(
    tenant: Tenant, session: AsyncSession, incubatee_id: uuid.UUID, data: SurveyCreate
) -> Survey:
    """A needs survey of the incubatee: its questions, answers and findings."""
    inc = await records.incubatee_for(session, tenant, incubatee_id, "needs_survey")
    row = models.Survey(
        tenant_id=inc.tenant_id,
        incubatee_id=inc.id,
        surveyed_on=not_in_future("surveyed_on", data.surveyed_on),
        surveyor=clean(data.surveyor),
        answers=stored(data.answers),
        findings=clean(data.findings),
    )
    return answer(await records.add(session, row), Survey)


ROUTES = [list_surveys, add_survey]
