"""Sessions: scheduling, the notice and the representative list, attendance, the rule check.

:func:`check` is the one place that says whether a session may open a vote; opening a vote
calls it and refuses with every breach listed. Rules come from the module settings at the
asking tenant (:func:`plugins.deliberation_hall.rules.session_rules`).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from core import Caller, Conflict, Invalid, NotFound, Tenant, emit, in_subtree, row_in_subtree
from plugins.deliberation_hall import events, rules
from plugins.deliberation_hall.access import ensure_handles, visible_topic
from plugins.deliberation_hall.clock import now
from plugins.deliberation_hall.models import Representative, Session, Topic, Vote
from plugins.deliberation_hall.sessions import schemas

SCHEDULABLE = ("accepted", "published", "in_deliberation", "voting")
"""Topic states in which a session may be scheduled on it."""


def answer(s: Session) -> schemas.Session:
    return schemas.Session(**_fields(s))


def summary_overdue(s: Session, at: datetime) -> bool:
    """Whether ``s``'s summary is late at ``at``: a hearing whose summary is still missing at
    its due time, or was recorded after it."""
    if s.summary_due_at is None:
        return False
    if s.status == "held":
        return s.held_at is not None and s.held_at >= s.summary_due_at
    return at >= s.summary_due_at


def _fields(s: Session) -> dict[str, Any]:
    return {
        "id": s.id,
        "tenant_id": s.tenant_id,
        "topic_id": s.topic_id,
        "kind": s.kind,
        "title": s.title,
        "place": s.place,
        "starts_at": s.starts_at,
        "convened_by_tenant_id": s.convened_by_tenant_id,
        "notice_published_at": s.notice_published_at,
        "representatives_published_at": s.representatives_published_at,
        "status": s.status,
        "summary": s.summary,
        "held_at": s.held_at,
        "summary_due_on": (
            rules.summary_due_on(s.summary_due_at) if s.summary_due_at is not None else None
        ),
        "summary_overdue": summary_overdue(s, now()),
    }


def representative_answer(r: Representative) -> schemas.Representative:
    return schemas.Representative(
        id=r.id,
        session_id=r.session_id,
        name=r.name,
        stakeholder=r.stakeholder,
        contact=r.contact,
        user_id=r.user_id,
        present=r.present,
    )


async def visible_session(
    session: AsyncSession, tenant: Tenant, session_id: uuid.UUID, *, lock: bool = False
) -> Session:
    query = select(Session).where(
        Session.id == session_id, row_in_subtree(Session.tenant_id, tenant)
    )
    if lock:
        query = query.with_for_update(of=Session)
    found = (await session.execute(query)).scalar_one_or_none()
    if found is None:
        raise NotFound("会议")
    return found


async def acted_session(
    session: AsyncSession, tenant: Tenant, session_id: uuid.UUID, *, lock: bool = False
) -> tuple[Session, Topic]:
    """A session ``tenant`` may act on (its topic is handled here or below), and its topic."""
    found = await visible_session(session, tenant, session_id, lock=lock)
    topic = await visible_topic(session, tenant, found.topic_id)
    await ensure_handles(session, tenant, topic)
    return found, topic


def _ensure_planned(found: Session) -> None:
    if found.status != "planned":
        raise Conflict(
            "会议已召开并已记录，不能再更改",
            title_en="The session was held and recorded; it cannot change",
            code="session-held",
        )


async def create(
    session: AsyncSession,
    tenant: Tenant,
    config: Mapping[str, Any],
    caller: Caller,
    topic_id: uuid.UUID,
    body: schemas.SessionCreate,
) -> Session:
    """Schedule a session; a hearing's summary deadline is fixed now from ``config`` (the
    convening tenant's settings)."""
    topic = await visible_topic(session, tenant, topic_id)
    await ensure_handles(session, tenant, topic)
    if topic.state not in SCHEDULABLE:
        raise Conflict(
            "议题须已采纳且尚未公布结果，才能安排会议",
            title_en="A session is scheduled on an accepted topic without a result yet",
            code="topic-not-schedulable",
            allowed_states=list(SCHEDULABLE),
        )
    found = Session(
        tenant_id=topic.tenant_id,
        topic_id=topic.id,
        kind=body.kind,
        title=body.title.strip(),
        place=body.place.strip(),
        starts_at=body.starts_at,
        convened_by_tenant_id=tenant.id,
        status="planned",
        created_by=caller.id,
        summary_due_at=(
            rules.summary_due_at(body.starts_at, config) if body.kind == "hearing" else None
        ),
    )
    session.add(found)
    await session.flush()
    return found


def _published_at(body: schemas.Publication) -> datetime:
    moment = now()
    if body.published_at is None:
        return moment
    if body.published_at > moment:
        raise Invalid("published_at", "不能晚于现在", message_en="cannot be in the future")
    return body.published_at


async def announce(
    session: AsyncSession, tenant: Tenant, session_id: uuid.UUID, body: schemas.Publication
) -> Session:
    """Record the notice as published and announce the session (event ``session-announced``)."""
    found, _ = await acted_session(session, tenant, session_id, lock=True)
    _ensure_planned(found)
    found.notice_published_at = _published_at(body)
    await session.flush()
    await emit(
        session,
        events.SESSION_ANNOUNCED,
        tenant_id=found.tenant_id,
        payload=events.SessionAnnounced(
            session_id=found.id,
            topic_id=found.topic_id,
            tenant_id=found.tenant_id,
            kind=found.kind,
            title=found.title,
            place=found.place,
            starts_at=found.starts_at,
            notice_published_at=found.notice_published_at,
        ),
    )
    return found


async def publish_representatives(
    session: AsyncSession, tenant: Tenant, session_id: uuid.UUID, body: schemas.Publication
) -> Session:
    found, _ = await acted_session(session, tenant, session_id, lock=True)
    _ensure_planned(found)
    found.representatives_published_at = _published_at(body)
    await session.flush()
    return found


async def add_representative(
    session: AsyncSession,
    tenant: Tenant,
    session_id: uuid.UUID,
    body: schemas.RepresentativeCreate,
) -> Representative:
    """Name a representative. A list already published changes, so it must be published
    again (its publication time is cleared)."""
    found, _ = await acted_session(session, tenant, session_id, lock=True)
    _ensure_planned(found)
    person = Representative(
        tenant_id=found.tenant_id,
        session_id=found.id,
        name=body.name.strip(),
        stakeholder=body.stakeholder,
        contact=(body.contact or "").strip() or None,
        user_id=body.user_id,
        present=body.present,
        added_at=now(),
    )
    session.add(person)
    found.representatives_published_at = None
    try:
        await session.flush()
    except IntegrityError as error:
        raise Conflict(
            "该代表已在名单中",
            title_en="This representative is already named",
            code="representative-exists",
        ) from error
    return person


async def representative_of(
    session: AsyncSession, found: Session, representative_id: uuid.UUID
) -> Representative:
    person = (
        await session.execute(
            select(Representative).where(
                Representative.id == representative_id, Representative.session_id == found.id
            )
        )
    ).scalar_one_or_none()
    if person is None:
        raise NotFound("代表")
    return person


async def set_attendance(
    session: AsyncSession,
    tenant: Tenant,
    session_id: uuid.UUID,
    representative_id: uuid.UUID,
    body: schemas.Attendance,
) -> Representative:
    found, _ = await acted_session(session, tenant, session_id, lock=True)
    _ensure_planned(found)
    person = await representative_of(session, found, representative_id)
    person.present = body.present
    await session.flush()
    return person


def representatives_query(found: Session) -> Select[Representative]:
    return (
        select(Representative)
        .where(Representative.session_id == found.id)
        .order_by(Representative.added_at, Representative.id)
    )


async def facts(session: AsyncSession, found: Session) -> rules.SessionFacts:
    row = (
        await session.execute(
            select(
                func.count(),
                func.count().filter(Representative.stakeholder.is_(True)),
                func.count().filter(Representative.present.is_(True)),
            ).where(Representative.session_id == found.id)
        )
    ).one()
    return rules.SessionFacts(
        kind=found.kind,
        starts_at=found.starts_at,
        notice_published_at=found.notice_published_at,
        representatives_published_at=found.representatives_published_at,
        representatives=int(row[0]),
        stakeholders=int(row[1]),
        present=int(row[2]),
    )


async def check(session: AsyncSession, config: Mapping[str, Any], found: Session) -> schemas.Check:
    known = await facts(session, found)
    effective = rules.session_rules(config, found.kind)
    breaches = rules.session_breaches(known, effective)
    return schemas.Check(
        may_vote=not breaches,
        rules=schemas.Rules(
            notice_days=effective["notice_days"],
            list_days=effective["list_days"],
            min_representatives=effective["min_representatives"],
            stakeholder_share=list(effective["stakeholder_share"]),
            quorum=list(effective["quorum"]),
        ),
        representatives=known.representatives,
        stakeholders=known.stakeholders,
        present=known.present,
        breaches=[
            schemas.Breach(code=b.code, message=b.message, message_en=b.message_en)
            for b in breaches
        ],
    )


async def detail(
    session: AsyncSession, config: Mapping[str, Any], found: Session
) -> schemas.SessionDetail:
    return schemas.SessionDetail(
        **_fields(found), minutes=found.minutes, check=await check(session, config, found)
    )


async def record(
    session: AsyncSession, tenant: Tenant, session_id: uuid.UUID, body: schemas.SessionRecord
) -> Session:
    """Record the minutes and summary; the session is then held. Refused while a vote of it
    is open."""
    found, _ = await acted_session(session, tenant, session_id, lock=True)
    _ensure_planned(found)
    still_open = await session.scalar(
        select(Vote.id).where(Vote.session_id == found.id, Vote.status == "open").limit(1)
    )
    if still_open is not None:
        raise Conflict(
            "仍有进行中的表决，请先结束表决",
            title_en="A vote is still open; close it first",
            code="vote-open",
        )
    found.minutes = body.minutes.strip()
    found.summary = body.summary.strip()
    found.status = "held"
    found.held_at = now()
    await session.flush()
    return found


def query(
    tenant: Tenant, kind: str | None = None, topic_id: uuid.UUID | None = None
) -> Select[Session]:
    stmt = select(Session).where(in_subtree(Session.tenant_id, tenant))
    if kind is not None:
        stmt = stmt.where(Session.kind == kind)
    if topic_id is not None:
        stmt = stmt.where(Session.topic_id == topic_id)
    return stmt.order_by(Session.starts_at.desc(), Session.id)
