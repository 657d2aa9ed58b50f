"""HTTP routes of sessions: schedule on a topic, announce, name and publish representatives,
take attendance, check the rules, record minutes."""

from __future__ import annotations

import uuid

from litestar import get, post
from sqlalchemy.ext.asyncio import AsyncSession

from core import Caller, ModuleConfig, Page, Paging, Tenant, paginate
from plugins.deliberation_hall.permissions import MANAGE, READ
from plugins.deliberation_hall.sessions import services
from plugins.deliberation_hall.sessions.schemas import (
    Attendance,
    Check,
    Kind,
    Publication,
    Representative,
    RepresentativeCreate,
    Session,
    SessionCreate,
    SessionDetail,
    SessionRecord,
)


@post("/topics/{topic_id:uuid}/sessions", opt=MANAGE)
async def create_session(
    tenant: Tenant,
    session: AsyncSession,
    config: ModuleConfig,
    caller: Caller,
    topic_id: uuid.UUID,
    data: SessionCreate,
) -> Session:
    """Schedule a meeting or hearing on an accepted topic."""
    return services.answer(await services.create(session, tenant, config, caller, topic_id, data))


@get("/sessions", opt=READ)
async def list_sessions(
    tenant: Tenant,
    session: AsyncSession,
    paging: Paging,
    kind: Kind | None = None,
    topic_id: uuid.UUID | None = None,
) -> Page[Session]:
    return await paginate(session, services.query(tenant, kind, topic_id), paging, services.answer)


@get("/sessions/{session_id:uuid}", opt=READ)
async def get_session(
    tenant: Tenant, session: AsyncSession, config: ModuleConfig, session_id: uuid.UUID
) -> SessionDetail:
    """A session with its minutes and the rule check (what keeps it from voting)."""
    found = await services.visible_session(session, tenant, session_id)
    return await services.detail(session, config, found)


@get("/sessions/{session_id:uuid}/check", opt=READ)
async def check_session(
    tenant: Tenant, session: AsyncSession, config: ModuleConfig, session_id: uuid.UUID
) -> Check:
    """Whether the session may open a vote now, with the rules and every breach."""
    found = await services.visible_session(session, tenant, session_id)
    return await services.check(session, config, found)


@post("/sessions/{session_id:uuid}/notice", opt=MANAGE)
async def announce_session(
    tenant: Tenant, session: AsyncSession, session_id: uuid.UUID, data: Publication
) -> Session:
    """Record when the notice was published (default now) and announce the session."""
    return services.answer(await services.announce(session, tenant, session_id, data))


@get("/sessions/{session_id:uuid}/representatives", opt=MANAGE)
async def list_representatives(
    tenant: Tenant, session: AsyncSession, paging: Paging, session_id: uuid.UUID
) -> Page[Representative]:
    """The representatives with attendance and contact data (staff only)."""
    found = await services.visible_session(session, tenant, session_id)
    return await paginate(
        session, services.representatives_query(found), paging, services.representative_answer
    )


@post("/sessions/{session_id:uuid}/representatives", opt=MANAGE)
async def add_representative(
    tenant: Tenant, session: AsyncSession, session_id: uuid.UUID, data: RepresentativeCreate
) -> Representative:
    person = await services.add_representative(session, tenant, session_id, data)
    return services.representative_answer(person)


@post("/sessions/{session_id:uuid}/representatives/publication", opt=MANAGE)
async def publish_representatives(
    tenant: Tenant, session: AsyncSession, session_id: uuid.UUID, data: Publication
) -> Session:
    """Record when the representative list was published (default now)."""
    found = await services.publish_representatives(session, tenant, session_id, data)
    return services.answer(found)


@post(
    "/sessions/{session_id:uuid}/representatives/{representative_id:uuid}/attendance",
    opt=MANAGE,
)
async def set_attendance(
    tenant: Tenant,
    session: AsyncSession,
    session_id: uuid.UUID,
    representative_id: uuid.UUID,
    data: Attendance,
) -> Representative:
    person = await services.set_attendance(session, tenant, session_id, representative_id, data)
    return services.representative_answer(person)


@post("/sessions/{session_id:uuid}/record", opt=MANAGE)
async def record_session(
    tenant: Tenant,
    session: AsyncSession,
    config: ModuleConfig,
    session_id: uuid.UUID,
    data: SessionRecord,
) -> SessionDetail:
    """Record minutes and summary: the session is held."""
    found = await services.record(session, tenant, session_id, data)
    return await services.detail(session, config, found)


ROUTES = [
    create_session,
    list_sessions,
    get_session,
    check_session,
    announce_session,
    list_representatives,
    add_representative,
    publish_representatives,
    set_attendance,
    record_session,
]
