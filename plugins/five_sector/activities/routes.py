"""HTTP routes of activities: what a tenant sees includes the joint activities of its
pairings."""

from __future__ import annotations

import uuid
from typing import Annotated

import msgspec
from litestar import Response, get, post
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from core import ExportFormat, ExportOperation, Page, Paging, Tenant, export_response, paginate
from plugins.five_sector.activities import services
from plugins.five_sector.activities.schemas import (
    Activity,
    ActivityClose,
    ActivityCreate,
    ActivityDetail,
    ActivityStatus,
    ClosedActivity,
    Participant,
    SignUp,
)
from plugins.five_sector.export import ACTIVITY_COLUMNS
from plugins.five_sector.permissions import READ, WRITE
from plugins.five_sector.volunteers.services import entry_answer


@get("/activities", opt=READ)
async def list_activities(
    tenant: Tenant,
    session: AsyncSession,
    paging: Paging,
    status: ActivityStatus | None = None,
    category: Annotated[str | None, Parameter(max_length=64)] = None,
    pairing_id: uuid.UUID | None = None,
    q: Annotated[
        str | None, Parameter(max_length=100, description="标题包含 / title contains")
    ] = None,
) -> Page[Activity]:
    """The activities the tenant sees, latest start first."""
    stmt = services.query(tenant, status=status, category=category, pairing_id=pairing_id, q=q)
    return await paginate(session, stmt, paging, services.answer)


@get("/activities/export", opt=READ, operation_class=ExportOperation)
async def export_activities(
    tenant: Tenant, session: AsyncSession, format: ExportFormat = "csv"
) -> Response[bytes]:
    rows = (await session.execute(services.query(tenant))).scalars()
    return export_response(
        [services.answer(a) for a in rows], ACTIVITY_COLUMNS, format, "activities"
    )


@post("/activities", opt=WRITE)
async def create_activity(tenant: Tenant, session: AsyncSession, data: ActivityCreate) -> Activity:
    return services.answer(await services.create(session, tenant, data))


@get("/activities/{activity_id:uuid}", opt=READ)
async def get_activity(
    tenant: Tenant, session: AsyncSession, activity_id: uuid.UUID
) -> ActivityDetail:
    """The activity with its participants in sign-up order."""
    return await services.detail(session, tenant, activity_id)


@post("/activities/{activity_id:uuid}/participants", opt=WRITE)
async def sign_up(
    tenant: Tenant, session: AsyncSession, activity_id: uuid.UUID, data: SignUp
) -> Participant:
    return services.participant_answer(await services.sign_up(session, tenant, activity_id, data))


@post(
    "/activities/{activity_id:uuid}/participants/{participant_id:uuid}/check-in",
    opt=WRITE,
    status_code=200,
)
async def check_in(
    tenant: Tenant, session: AsyncSession, activity_id: uuid.UUID, participant_id: uuid.UUID
) -> Participant:
    participant = await services.check_in(session, tenant, activity_id, participant_id)
    return services.participant_answer(participant)


@post("/activities/{activity_id:uuid}/close", opt=WRITE, status_code=200)
async def close_activity(
    tenant: Tenant, session: AsyncSession, activity_id: uuid.UUID, data: ActivityClose
) -> ClosedActivity:
    """Close the activity: count person-times and credit checked-in volunteers, once."""
    activity, credited = await services.close(session, tenant, activity_id, data)
    return ClosedActivity(
        **msgspec.structs.asdict(services.answer(activity)),
        credited=[entry_answer(e) for e in credited],
    )


ROUTES = [
    list_activities,
    export_activities,
    create_activity,
    get_activity,
    sign_up,
    check_in,
    close_activity,
]
