"""HTTP routes of mentors, their pairings and meetings."""

from __future__ import annotations

import uuid

from litestar import get, post
from sqlalchemy.ext.asyncio import AsyncSession

from core import Page, Paging, Tenant, paginate
from plugins.incubation.fields import answer
from plugins.incubation.mentors import services
from plugins.incubation.mentors.schemas import (
    Meeting,
    MeetingCreate,
    Mentor,
    MentorCreate,
    Pairing,
    PairingCreate,
    PairingEnd,
)
from plugins.incubation.permissions import MANAGE, READ, WRITE


@get("/mentors", opt=READ)
async def list_mentors(tenant: Tenant, session: AsyncSession, paging: Paging) -> Page[Mentor]:
    return await paginate(session, services.query(tenant), paging, lambda m: answer(m, Mentor))


@post("/mentors", opt=MANAGE)
async def create_mentor(tenant: Tenant, session: AsyncSession, data: MentorCreate) -> Mentor:
    """A mentor of a base (an experienced secretary or expert), kept at the base's tenant."""
    return answer(await services.create(session, tenant, data), Mentor)


@get("/mentors/{mentor_id:uuid}", opt=READ)
async def get_mentor(tenant: Tenant, session: AsyncSession, mentor_id: uuid.UUID) -> Mentor:
    return answer(await services.get(session, tenant, mentor_id), Mentor)


@get("/mentors/{mentor_id:uuid}/pairings", opt=READ)
async def list_pairings(
    tenant: Tenant, session: AsyncSession, paging: Paging, mentor_id: uuid.UUID
) -> Page[Pairing]:
    mentor = await services.get(session, tenant, mentor_id)
    return await paginate(
        session, services.pairings(tenant, mentor), paging, lambda p: answer(p, Pairing)
    )


@post("/mentors/{mentor_id:uuid}/pairings", opt=WRITE)
async def pair_mentor(
    tenant: Tenant, session: AsyncSession, mentor_id: uuid.UUID, data: PairingCreate
) -> Pairing:
    """Pair the mentor one-to-one with an incubatee's leader."""
    return answer(await services.pair(session, tenant, mentor_id, data), Pairing)


@post("/mentors/{mentor_id:uuid}/pairings/{mentorship_id:uuid}/end", opt=WRITE, status_code=200)
async def end_pairing(
    tenant: Tenant,
    session: AsyncSession,
    mentor_id: uuid.UUID,
    mentorship_id: uuid.UUID,
    data: PairingEnd,
) -> Pairing:
    return answer(await services.end(session, tenant, mentor_id, mentorship_id, data), Pairing)


@get("/mentors/{mentor_id:uuid}/pairings/{mentorship_id:uuid}/meetings", opt=READ)
async def list_meetings(
    tenant: Tenant,
    session: AsyncSession,
    paging: Paging,
    mentor_id: uuid.UUID,
    mentorship_id: uuid.UUID,
) -> Page[Meeting]:
    pairing = await services.get_pairing(session, tenant, mentor_id, mentorship_id)
    return await paginate(session, services.meetings(pairing), paging, lambda m: answer(m, Meeting))


@post("/mentors/{mentor_id:uuid}/pairings/{mentorship_id:uuid}/meetings", opt=WRITE)
async def log_meeting(
    tenant: Tenant,
    session: AsyncSession,
    mentor_id: uuid.UUID,
    mentorship_id: uuid.UUID,
    data: MeetingCreate,
) -> Meeting:
    """A meeting of the mentor and the leader: topic, notes and next steps."""
    meeting = await services.log_meeting(session, tenant, mentor_id, mentorship_id, data)
    return answer(meeting, Meeting)


ROUTES = [
    list_mentors,
    create_mentor,
    get_mentor,
    list_pairings,
    pair_mentor,
    end_pairing,
    list_meetings,
    log_meeting,
]
