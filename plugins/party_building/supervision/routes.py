"""HTTP routes of supervision visits, their follow-ups, and trainings."""

from __future__ import annotations

import uuid
from typing import Literal

from litestar import get, post
from sqlalchemy.ext.asyncio import AsyncSession

from core import Page, Paging, Tenant, paginate
from plugins.party_building.permissions import READ, WRITE
from plugins.party_building.supervision import services
from plugins.party_building.supervision.schemas import (
    FollowUp,
    FollowUpCreate,
    FollowUpDone,
    Training,
    TrainingCreate,
    Visit,
    VisitCreate,
)


@get("/supervision-visits", opt=READ)
async def list_visits(tenant: Tenant, session: AsyncSession, paging: Paging) -> Page[Visit]:
    page = await paginate(session, services.visits_query(tenant), paging, lambda v: v)
    return Page(
        items=await services.visit_answers(session, page.items),
        total=page.total,
        limit=page.limit,
        offset=page.offset,
    )


@post("/supervision-visits", opt=WRITE)
async def create_visit(tenant: Tenant, session: AsyncSession, data: VisitCreate) -> Visit:
    """A visit with its findings and the follow-up actions it asked for."""
    visit = await services.create_visit(session, tenant, data)
    return (await services.visit_answers(session, [visit]))[0]


@get("/supervision-visits/{supervision_visit_id:uuid}", opt=READ)
async def get_visit(
    tenant: Tenant, session: AsyncSession, supervision_visit_id: uuid.UUID
) -> Visit:
    visit = await services.get_visit(session, tenant, supervision_visit_id)
    return (await services.visit_answers(session, [visit]))[0]


@post("/supervision-visits/{supervision_visit_id:uuid}/follow-ups", opt=WRITE)
async def add_follow_up(
    tenant: Tenant, session: AsyncSession, supervision_visit_id: uuid.UUID, data: FollowUpCreate
) -> FollowUp:
    return services.follow_up_answer(
        await services.add_follow_up(session, tenant, supervision_visit_id, data)
    )


@post(
    "/supervision-visits/{supervision_visit_id:uuid}/follow-ups/{supervision_follow_up_id:uuid}/done",
    opt=WRITE,
)
async def complete_follow_up(
    tenant: Tenant,
    session: AsyncSession,
    supervision_visit_id: uuid.UUID,
    supervision_follow_up_id: uuid.UUID,
    data: FollowUpDone,
) -> FollowUp:
    """open → done (409 when done already)."""
    row = await services.complete(
        session, tenant, supervision_visit_id, supervision_follow_up_id, data
    )
    return services.follow_up_answer(row)


@get("/follow-ups", opt=READ)
async def list_follow_ups(
    tenant: Tenant,
    session: AsyncSession,
    paging: Paging,
    status: Literal["open", "done"] | None = None,
    overdue: bool | None = None,
) -> Page[FollowUp]:
    """Follow-up actions of the subtree by due date; ``overdue=true`` lists those still open
    after their due date."""
    stmt = services.follow_ups_query(tenant, status=status, overdue=overdue)
    return await paginate(session, stmt, paging, services.follow_up_answer)


@get("/trainings", opt=READ)
async def list_trainings(tenant: Tenant, session: AsyncSession, paging: Paging) -> Page[Training]:
    return await paginate(
        session, services.trainings_query(tenant), paging, services.training_answer
    )


@post("/trainings", opt=WRITE)
async def create_training(tenant: Tenant, session: AsyncSession, data: TrainingCreate) -> Training:
    return services.training_answer(await services.create_training(session, tenant, data))


ROUTES = [
    list_visits,
    create_visit,
    get_visit,
    add_follow_up,
    complete_follow_up,
    list_follow_ups,
    list_trainings,
    create_training,
]
