"""Queries of the public view: published topics of the tenants that opened their page.

A topic is shown only with ``published_at`` set and in a state after publication, and only
from a tenant listed in the reader's :class:`~plugins.deliberation_hall.public.access.PublicScope`.
Everything is built field by field into the public answers; no row object leaves whole.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core import NotFound
from plugins.deliberation_hall import states
from plugins.deliberation_hall.models import Evaluation, Representative, Session, Task, Topic, Vote
from plugins.deliberation_hall.public import schemas
from plugins.deliberation_hall.public.access import PublicScope


def query(
    scope: PublicScope, category: str | None = None, state: str | None = None
) -> Select[Topic]:
    stmt = select(Topic).where(
        Topic.tenant_id.in_(scope.tenant_ids),
        Topic.published_at.is_not(None),
        Topic.state.in_(sorted(states.PUBLIC_STATES)),
    )
    if category is not None:
        stmt = stmt.where(Topic.category == category)
    if state is not None:
        stmt = stmt.where(Topic.state == state)
    return stmt.order_by(Topic.published_at.desc(), Topic.id)


def _fields(topic: Topic, scope: PublicScope) -> dict[str, Any]:
    assert topic.published_at is not None
    title, title_en = states.TITLES[topic.state]
    return {
        "id": topic.id,
        "tenant_id": topic.tenant_id,
        "tenant_name": scope.names.get(topic.tenant_id, ""),
        "title": topic.title,
        "description": topic.description,
        "category": topic.category,
        "proposer_kind": topic.proposer_kind,
        "organisation_name": topic.proposer_name if topic.proposer_kind == "organisation" else None,
        "state": topic.state,
        "state_title": title,
        "state_title_en": title_en,
        "escalated": topic.handling_tenant_id != topic.tenant_id,
        "published_at": topic.published_at,
        "result_published_at": topic.result_published_at,
        "result_summary": topic.result_summary,
        "outcome": topic.outcome,
    }


def answerer(scope: PublicScope) -> Any:
    return lambda topic: schemas.PublicTopic(**_fields(topic, scope))


async def detail(
    session: AsyncSession, scope: PublicScope, topic_id: uuid.UUID
) -> schemas.PublicTopicDetail:
    topic = (await session.execute(query(scope).where(Topic.id == topic_id))).scalar_one_or_none()
    if topic is None:
        raise NotFound("议题")
    found = (
        await session.scalars(
            select(Session).where(Session.topic_id == topic.id).order_by(Session.starts_at)
        )
    ).all()
    people: dict[uuid.UUID, tuple[int, int]] = {}
    if found:
        rows = await session.execute(
            select(
                Representative.session_id,
                func.count(),
                func.count().filter(Representative.present.is_(True)),
            )
            .where(Representative.session_id.in_([s.id for s in found]))
            .group_by(Representative.session_id)
        )
        people = {sid: (int(total), int(present)) for sid, total, present in rows}
    votes = await session.scalars(
        select(Vote).where(Vote.topic_id == topic.id).order_by(Vote.opened_at)
    )
    tasks = await session.scalars(
        select(Task).where(Task.topic_id == topic.id).order_by(Task.due_on, Task.id)
    )
    count, average = (
        await session.execute(
            select(func.count(), func.avg(Evaluation.score)).where(Evaluation.topic_id == topic.id)
        )
    ).one()
    return schemas.PublicTopicDetail(
        **_fields(topic, scope),
        sessions=[
            schemas.PublicSession(
                id=s.id,
                kind=s.kind,
                title=s.title,
                place=s.place,
                starts_at=s.starts_at,
                notice_published_at=s.notice_published_at,
                status=s.status,
                summary=s.summary,
                representatives=people.get(s.id, (0, 0))[0],
                present=people.get(s.id, (0, 0))[1],
            )
            for s in found
        ],
        votes=[
            schemas.PublicVote(
                id=v.id,
                question=v.question,
                method=v.method,
                secret=v.secret,
                status=v.status,
                opened_at=v.opened_at,
                closed_at=v.closed_at,
                representatives=v.representatives,
                present=v.present,
                counts={str(k): int(n) for k, n in v.tally.items()}
                if v.status == "closed"
                else None,
                outcome=v.outcome,
            )
            for v in votes
        ],
        tasks=[
            schemas.PublicTask(
                id=t.id,
                title=t.title,
                owner_name=t.owner_name,
                due_on=t.due_on,
                status=t.status,
                progress=t.progress,
                done_on=t.done_on,
            )
            for t in tasks
        ],
        satisfaction_count=int(count),
        satisfaction_average=round(float(average), 2) if average is not None else None,
    )
