"""HTTP routes of the panel review."""

from __future__ import annotations

import uuid

from litestar import get, post
from sqlalchemy.ext.asyncio import AsyncSession

from core import Caller, Tenant
from plugins.funding.applications import services as applications
from plugins.funding.permissions import REVIEW
from plugins.funding.reviews import services
from plugins.funding.reviews.schemas import (
    ConflictCreate,
    ConflictDeclared,
    Reviews,
    ScoreCreate,
    ScoreSheet,
)


@post("/applications/{application_id:uuid}/conflicts", opt=REVIEW)
async def declare_conflict(
    tenant: Tenant,
    session: AsyncSession,
    caller: Caller,
    application_id: uuid.UUID,
    data: ConflictCreate,
) -> ConflictDeclared:
    """Declare a conflict of interest: the caller will not score this application."""
    application, _ = await applications.managed(session, tenant, application_id)
    return services.conflict_answer(await services.declare(session, application, caller, data))


@post("/applications/{application_id:uuid}/scores", opt=REVIEW)
async def score_application(
    tenant: Tenant,
    session: AsyncSession,
    caller: Caller,
    application_id: uuid.UUID,
    data: ScoreCreate,
) -> ScoreSheet:
    """Score every criterion (0-100); 409 with the declared reason for a conflicted reviewer."""
    application, call = await applications.managed(session, tenant, application_id)
    await services.score(session, application, call, caller, data)
    found = await services.reviews(session, application)
    return next(s for s in found.sheets if s.reviewer_id == caller.id)


@get("/applications/{application_id:uuid}/reviews", opt=REVIEW)
async def get_reviews(tenant: Tenant, session: AsyncSession, application_id: uuid.UUID) -> Reviews:
    """Score sheets, declared conflicts and the application's mean weighted score."""
    application, _ = await applications.managed(session, tenant, application_id)
    return await services.reviews(session, application)


ROUTES = [declare_conflict, score_application, get_reviews]
