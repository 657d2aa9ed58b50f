"""HTTP routes of meetings and the compliance view."""

from __future__ import annotations

import uuid
from datetime import date

from litestar import get, post
from sqlalchemy.ext.asyncio import AsyncSession

from core import ModuleConfig, Page, Paging, Tenant, paginate
from plugins.party_building.clock import today
from plugins.party_building.meetings import services
from plugins.party_building.meetings.schemas import (
    Compliance,
    Meeting,
    MeetingCreate,
    MeetingType,
)
from plugins.party_building.organisations import services as organisations
from plugins.party_building.permissions import READ, WRITE


@get("/meetings", opt=READ)
async def list_meetings(
    tenant: Tenant,
    session: AsyncSession,
    paging: Paging,
    organisation_id: uuid.UUID | None = None,
    type: MeetingType | None = None,
) -> Page[Meeting]:
    """The subtree's meetings, latest first."""
    stmt = services.query(tenant, organisation_id=organisation_id, type=type)
    return await paginate(session, stmt, paging, services.answer)


@post("/meetings", opt=WRITE)
async def create_meeting(
    tenant: Tenant, session: AsyncSession, config: ModuleConfig, data: MeetingCreate
) -> Meeting:
    """Record a meeting; an assembly's quorum is checked and kept, never refused."""
    return services.answer(await services.create(session, tenant, data, config))


@get("/meetings/{party_meeting_id:uuid}", opt=READ)
async def get_meeting(
    tenant: Tenant, session: AsyncSession, party_meeting_id: uuid.UUID
) -> Meeting:
    return services.answer(await services.get(session, tenant, party_meeting_id))


@get("/organisations/{party_organisation_id:uuid}/compliance", opt=READ)
async def get_compliance(
    tenant: Tenant,
    session: AsyncSession,
    config: ModuleConfig,
    party_organisation_id: uuid.UUID,
    on: date | None = None,
) -> Compliance:
    """The organisation's meeting types against the cadence on ``on`` (default today): the
    periods that ended without a meeting, and whether the current one has had it."""
    org = await organisations.get(session, tenant, party_organisation_id)
    found = await services.compliance(session, tenant, [org], on or today(), config)
    return found[0]


@get("/compliance", opt=READ)
async def list_compliance(
    tenant: Tenant,
    session: AsyncSession,
    config: ModuleConfig,
    paging: Paging,
    on: date | None = None,
) -> Page[Compliance]:
    """The compliance view of every organisation of the subtree, by name."""
    page = await paginate(session, organisations.query(tenant), paging, lambda o: o)
    return Page(
        items=await services.compliance(session, tenant, page.items, on or today(), config),
        total=page.total,
        limit=page.limit,
        offset=page.offset,
    )


ROUTES = [list_meetings, create_meeting, get_meeting, get_compliance, list_compliance]
