"""HTTP routes of applications: drafting, submitting, decisions and evaluations."""

from __future__ import annotations

import uuid

from litestar import get, post
from sqlalchemy.ext.asyncio import AsyncSession

from core import Caller, Page, Paging, Tenant, paginate
from plugins.funding.applications import services
from plugins.funding.applications.schemas import (
    Application,
    ApplicationCreate,
    ApplicationDetail,
    Evaluation,
    EvaluationCreate,
    Status,
    Transition,
)
from plugins.funding.clock import today
from plugins.funding.permissions import APPLY, MANAGE, READ


@get("/applications", opt=READ)
async def list_applications(
    tenant: Tenant,
    session: AsyncSession,
    paging: Paging,
    call_id: uuid.UUID | None = None,
    status: Status | None = None,
    joint: bool | None = None,
) -> Page[Application]:
    """Applications made in this subtree (or naming its communities as a pair), latest first."""
    stmt = services.query(tenant, call_id=call_id, status=status, joint=joint)
    return await services.page_answers(session, await paginate(session, stmt, paging, lambda a: a))


@post("/calls/{call_id:uuid}/applications", opt=APPLY)
async def create_application(
    tenant: Tenant,
    session: AsyncSession,
    caller: Caller,
    call_id: uuid.UUID,
    data: ApplicationCreate,
) -> Application:
    """A draft application to a call run here or above, while it is open."""
    created = await services.create(session, tenant, call_id, data, caller.id, today())
    return await services.answered(session, created)


@get("/applications/{application_id:uuid}", opt=READ)
async def get_application(
    tenant: Tenant, session: AsyncSession, application_id: uuid.UUID
) -> ApplicationDetail:
    """The application with its money, lifecycle history and evaluations."""
    return await services.detail(session, await services.get(session, tenant, application_id))


@post("/applications/{application_id:uuid}/submit", opt=APPLY, status_code=200)
async def submit_application(
    tenant: Tenant, session: AsyncSession, caller: Caller, application_id: uuid.UUID
) -> Application:
    """Submit a draft while the call is open (409 otherwise, naming the allowed next states)."""
    application = await services.get(session, tenant, application_id)
    await services.submit(session, application, caller.id, today())
    return await services.answered(session, application)


@post("/applications/{application_id:uuid}/transitions", opt=MANAGE, status_code=200)
async def transition_application(
    tenant: Tenant,
    session: AsyncSession,
    caller: Caller,
    application_id: uuid.UUID,
    data: Transition,
) -> Application:
    """A decision of the call's managers: screen, send to the panel, publish, approve (which
    commits the pool) or reject, sign the agreement, close or terminate."""
    application, call = await services.managed(session, tenant, application_id)
    await services.transition(session, application, call, data, caller.id, today())
    return await services.answered(session, application)


@post("/applications/{application_id:uuid}/evaluations", opt=MANAGE)
async def evaluate_application(
    tenant: Tenant,
    session: AsyncSession,
    caller: Caller,
    application_id: uuid.UUID,
    data: EvaluationCreate,
) -> Evaluation:
    """The mid-term or final evaluation; failing it terminates the project."""
    application, call = await services.managed(session, tenant, application_id)
    evaluation = await services.evaluate(session, application, call, data, caller.id)
    return services.evaluation_answer(evaluation)


ROUTES = [
    list_applications,
    create_application,
    get_application,
    submit_application,
    transition_application,
    evaluate_application,
]
