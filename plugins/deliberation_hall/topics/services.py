"""Topics: raising one, moving it through the state machine, escalating it, evaluating it.

Every state change goes through :func:`transition`, which holds the topic's row, refuses an
illegal move with a 409 naming the allowed next states, checks the move's own condition (a
result needs a closed vote, implementation a passed one, evaluation finished tasks), records who,
when and why, and emits the module's events.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from core import (
    Caller,
    Conflict,
    Invalid,
    Tenant,
    emit,
    find_organisations,
    in_subtree,
    module_on,
    organisation_directory_on,
)
from plugins.deliberation_hall import events, states
from plugins.deliberation_hall.access import ensure_handles, handles, visible_topic
from plugins.deliberation_hall.clock import now
from plugins.deliberation_hall.manifest import NAME
from plugins.deliberation_hall.models import Escalation, Evaluation, Task, Topic, Transition, Vote
from plugins.deliberation_hall.topics import schemas


def _text(value: str) -> str:
    return value.strip()


def answer(topic: Topic, tenant: Tenant) -> schemas.Topic:
    return schemas.Topic(**_fields(topic, tenant))


def _fields(topic: Topic, tenant: Tenant) -> dict[str, Any]:
    title, title_en = states.TITLES[topic.state]
    may_act = handles(tenant, topic)
    return {
        "id": topic.id,
        "tenant_id": topic.tenant_id,
        "handling_tenant_id": topic.handling_tenant_id,
        "title": topic.title,
        "description": topic.description,
        "category": topic.category,
        "proposer_kind": topic.proposer_kind,
        "proposer_name": topic.proposer_name,
        "organisation_id": topic.organisation_id,
        "cosigners": [schemas.CosignerOut(name=str(c["name"])) for c in topic.cosigners],
        "attachments": [
            schemas.Attachment(name=str(a["name"]), ref=str(a["ref"])) for a in topic.attachments
        ],
        "state": topic.state,
        "state_title": title,
        "state_title_en": title_en,
        "allowed_next": list(states.allowed_next(topic.state)) if may_act else [],
        "may_act": may_act,
        "collected_at": topic.collected_at,
        "published_at": topic.published_at,
        "result_published_at": topic.result_published_at,
        "result_summary": topic.result_summary,
        "outcome": topic.outcome,
    }


def answerer(tenant: Tenant) -> Callable[[Topic], schemas.Topic]:
    return lambda topic: answer(topic, tenant)


def _category(config: Mapping[str, Any], category: str) -> str:
    allowed = [str(c) for c in config["categories"]]
    category = _text(category)
    if category not in allowed:
        raise Invalid(
            "category",
            f"类别须为 {'、'.join(allowed)} 之一",
            message_en=f"category must be one of {allowed}",
        )
    return category


async def _proposer_name(session: AsyncSession, tenant: Tenant, body: schemas.TopicCreate) -> str:
    """The proposer's name as stored: an organisation named by its directory id takes the
    directory's name (the id must lie in the tenant's subtree); without a directory at the
    tenant an organisation is named plainly and ``organisation_id`` must be null."""
    if body.organisation_id is None:
        return _text(body.proposer_name)
    if not await organisation_directory_on(session, tenant):
        raise Invalid(
            "organisation_id",
            "本级未启用社会组织名录，请只填写组织名称",
            message_en="no organisation directory is on here: give the name only",
        )
    found = await find_organisations(session, tenant, [body.organisation_id])
    ref = found.get(body.organisation_id)
    if ref is None:
        raise Invalid(
            "organisation_id",
            "本辖区内没有该社会组织",
            message_en="no such organisation in this tenant's subtree",
        )
    return ref.name


async def create(
    session: AsyncSession,
    tenant: Tenant,
    config: Mapping[str, Any],
    caller: Caller,
    body: schemas.TopicCreate,
) -> Topic:
    """A topic raised at ``tenant``, collected now, handled there until escalated."""
    if body.organisation_id is not None and body.proposer_kind != "organisation":
        raise Invalid(
            "organisation_id",
            "仅社会组织提出的议题可关联组织",
            message_en="only an organisation's topic names an organisation",
        )
    proposer_name = await _proposer_name(session, tenant, body)
    topic = Topic(
        tenant_id=tenant.id,
        handling_tenant_id=tenant.id,
        title=_text(body.title),
        description=body.description.strip(),
        category=_category(config, body.category),
        proposer_kind=body.proposer_kind,
        proposer_name=proposer_name,
        proposer_contact=(body.proposer_contact or "").strip() or None,
        proposer_user_id=caller.id,
        organisation_id=body.organisation_id,
        cosigners=[
            {"name": c.name.strip(), "contact": (c.contact or "").strip() or None}
            for c in body.cosigners
        ],
        attachments=[{"name": a.name.strip(), "ref": a.ref.strip()} for a in body.attachments],
        state="collected",
        collected_at=now(),
        created_by=caller.id,
    )
    session.add(topic)
    await session.flush()
    return topic


def query(
    tenant: Tenant,
    state: str | None = None,
    category: str | None = None,
    q: str | None = None,
    escalated: bool | None = None,
) -> Select[Topic]:
    stmt = select(Topic).where(in_subtree(Topic.tenant_id, tenant))
    if state is not None:
        stmt = stmt.where(Topic.state == state)
    if category is not None:
        stmt = stmt.where(Topic.category == category)
    if q:
        like = f"%{q.strip()}%"
        stmt = stmt.where(or_(Topic.title.like(like), Topic.description.like(like)))
    if escalated is not None:
        moved = Topic.handling_tenant_id != Topic.tenant_id
        stmt = stmt.where(moved if escalated else ~moved)
    return stmt.order_by(Topic.collected_at.desc(), Topic.id)


async def detail(session: AsyncSession, tenant: Tenant, topic: Topic) -> schemas.TopicDetail:
    moves = await session.scalars(
        select(Transition).where(Transition.topic_id == topic.id).order_by(Transition.at)
    )
    ups = await session.scalars(
        select(Escalation).where(Escalation.topic_id == topic.id).order_by(Escalation.at)
    )
    count, average = (
        await session.execute(
            select(func.count(), func.avg(Evaluation.score)).where(Evaluation.topic_id == topic.id)
        )
    ).one()
    return schemas.TopicDetail(
        **_fields(topic, tenant),
        transitions=[
            schemas.TransitionOut(
                from_state=t.from_state,
                to_state=t.to_state,
                reason=t.reason,
                actor_id=t.actor_id,
                actor_name=t.actor_name,
                acting_tenant_id=t.acting_tenant_id,
                at=t.at,
            )
            for t in moves
        ],
        escalations=[
            schemas.EscalationOut(
                from_tenant_id=e.from_tenant_id,
                to_tenant_id=e.to_tenant_id,
                reason=e.reason,
                actor_name=e.actor_name,
                at=e.at,
            )
            for e in ups
        ],
        satisfaction_count=int(count),
        satisfaction_average=round(float(average), 2) if average is not None else None,
    )


def contacts(topic: Topic) -> schemas.Contacts:
    return schemas.Contacts(
        proposer_name=topic.proposer_name,
        proposer_contact=topic.proposer_contact,
        cosigners=[
            schemas.Cosigner(name=str(c["name"]), contact=c.get("contact")) for c in topic.cosigners
        ],
    )


def transition_table() -> schemas.TransitionTable:
    return schemas.TransitionTable(
        initial="collected",
        states=[
            schemas.StateRow(
                state=state,
                title=states.TITLES[state][0],
                title_en=states.TITLES[state][1],
                next=list(targets),
                reason_required=[t for t in targets if t in states.REASON_REQUIRED],
            )
            for state, targets in states.TRANSITIONS.items()
        ],
    )


def illegal(topic: Topic, to: str) -> Conflict:
    allowed = list(states.allowed_next(topic.state))
    shown = "、".join(states.TITLES[s][0] for s in allowed) or "无"
    return Conflict(
        f"议题状态不能从「{states.TITLES[topic.state][0]}」变为「{states.TITLES[to][0]}」，"
        f"可变为：{shown}",
        title_en=f"Cannot move from {topic.state} to {to}; allowed: {allowed or 'none'}",
        detail=f"allowed next states: {', '.join(allowed) or 'none'}",
        code="invalid-transition",
        state=topic.state,
        allowed_next=allowed,
    )


async def _last_closed_vote(session: AsyncSession, topic: Topic) -> Vote | None:
    return (
        await session.execute(
            select(Vote)
            .where(Vote.topic_id == topic.id, Vote.status == "closed")
            .order_by(Vote.closed_at.desc(), Vote.id)
            .limit(1)
        )
    ).scalar_one_or_none()


async def _check_condition(session: AsyncSession, topic: Topic, to: str) -> Vote | None:
    """The move's own condition beyond the table; the vote a result is taken from."""
    if topic.state == "voting":
        open_vote = await session.scalar(
            select(Vote.id).where(Vote.topic_id == topic.id, Vote.status == "open").limit(1)
        )
        if open_vote is not None:
            raise Conflict(
                "仍有进行中的表决，请先结束表决",
                title_en="A vote is still open; close it first",
                code="vote-open",
            )
    if to == "result_published":
        vote = await _last_closed_vote(session, topic)
        if vote is None:
            raise Conflict(
                "尚无已结束的表决，不能公布结果",
                title_en="No closed vote to publish a result from",
                code="no-closed-vote",
            )
        return vote
    if to == "in_implementation" and topic.outcome != "passed":
        raise Conflict(
            "表决未通过，不能进入落实",
            title_en="The vote did not pass; nothing to implement",
            code="not-passed",
        )
    if to == "evaluated":
        counts = (
            await session.execute(
                select(func.count(), func.count().filter(Task.status == "done")).where(
                    Task.topic_id == topic.id
                )
            )
        ).one()
        total, done = int(counts[0]), int(counts[1])
        if total == 0 or done < total:
            raise Conflict(
                f"落实任务尚未全部完成（{done}/{total}）",
                title_en=f"Implementation tasks are not all done ({done}/{total})",
                code="tasks-open",
            )
    return None


async def transition(
    session: AsyncSession,
    tenant: Tenant,
    caller: Caller,
    topic_id: uuid.UUID,
    body: schemas.TransitionCreate,
) -> Topic:
    topic = await visible_topic(session, tenant, topic_id, lock=True)
    await ensure_handles(session, tenant, topic)
    if not states.is_allowed(topic.state, body.to):
        raise illegal(topic, body.to)
    reason = body.reason.strip()
    if body.to in states.REASON_REQUIRED and not reason:
        raise Invalid("reason", "须说明理由", message_en="a reason is required")
    vote = await _check_condition(session, topic, body.to)
    await apply(session, topic, body.to, reason, caller.id, caller.name, tenant.id, vote)
    return topic


async def apply(
    session: AsyncSession,
    topic: Topic,
    to: str,
    reason: str,
    actor_id: uuid.UUID | None,
    actor_name: str,
    acting_tenant_id: uuid.UUID,
    vote: Vote | None = None,
) -> None:
    """Record a checked move of ``topic`` to ``to`` and emit its event (the demo loader
    writes its histories through here too)."""
    at = now()
    session.add(
        Transition(
            tenant_id=topic.tenant_id,
            topic_id=topic.id,
            from_state=topic.state,
            to_state=to,
            reason=reason,
            actor_id=actor_id,
            actor_name=actor_name,
            acting_tenant_id=acting_tenant_id,
            at=at,
        )
    )
    topic.state = to
    if to == "published":
        topic.published_at = at
    elif to == "accepted":
        await emit(
            session,
            events.TOPIC_ACCEPTED,
            tenant_id=topic.tenant_id,
            payload=events.TopicAccepted(
                topic_id=topic.id,
                tenant_id=topic.tenant_id,
                title=topic.title,
                category=topic.category,
                accepted_at=at,
            ),
        )
    elif to == "result_published" and vote is not None:
        topic.outcome = vote.outcome
        topic.result_summary = reason
        topic.result_published_at = at
        await emit(
            session,
            events.RESULT_PUBLISHED,
            tenant_id=topic.tenant_id,
            payload=events.ResultPublished(
                topic_id=topic.id,
                tenant_id=topic.tenant_id,
                title=topic.title,
                outcome=vote.outcome or "",
                summary=reason,
                published_at=at,
            ),
        )
    await session.flush()


async def escalate(
    session: AsyncSession,
    tenant: Tenant,
    config: Mapping[str, Any],
    caller: Caller,
    topic_id: uuid.UUID,
    body: schemas.EscalationCreate,
) -> Topic:
    """Pass ``topic`` from its handling tenant up to that tenant's parent.

    Allowed from the levels of the ``escalation_levels`` setting (community and town by
    default), never for a rejected or closed topic, and only to a parent where the module is
    on (409 ``escalation-module-off`` otherwise: nobody there could handle it). The topic stays owned by the tenant that
    raised it, so that tenant keeps seeing it and its outcome."""
    topic = await visible_topic(session, tenant, topic_id, lock=True)
    await ensure_handles(session, tenant, topic)
    if topic.state in ("rejected", "closed"):
        raise Conflict(
            "已办结或不予采纳的议题不能上报",
            title_en="A closed or rejected topic cannot be escalated",
            code="escalation-closed",
        )
    handler = await session.get(Tenant, topic.handling_tenant_id)
    levels = [str(level) for level in config["escalation_levels"]]
    if handler is None or handler.parent_id is None or handler.level not in levels:
        raise Conflict(
            "该议题已在最高一级办理，不能再上报",
            title_en="The topic is handled at the highest tier; it cannot go further up",
            code="escalation-top",
        )
    parent = await session.get(Tenant, handler.parent_id)
    if parent is None or not await module_on(session, parent, NAME):
        name, slug = (parent.name, parent.slug) if parent is not None else ("上级", "")
        raise Conflict(
            f"{name}未启用居民议事厅，议题不能上报到该级",
            title_en="The deliberation hall is off at the tenant above; the topic cannot go there",
            detail=f"deliberation-hall is off at {slug}",
            code="escalation-module-off",
            parent_tenant=slug,
        )
    reason = body.reason.strip()
    at = now()
    session.add(
        Escalation(
            tenant_id=topic.tenant_id,
            topic_id=topic.id,
            from_tenant_id=handler.id,
            to_tenant_id=handler.parent_id,
            reason=reason,
            actor_id=caller.id,
            actor_name=caller.name,
            at=at,
        )
    )
    topic.handling_tenant_id = handler.parent_id
    await session.flush()
    return topic


async def evaluate(
    session: AsyncSession,
    tenant: Tenant,
    caller: Caller,
    topic_id: uuid.UUID,
    body: schemas.EvaluationCreate,
) -> Evaluation:
    """A resident's satisfaction (1-5) with a topic in implementation or evaluated; once each."""
    topic = await visible_topic(session, tenant, topic_id)
    if topic.state not in ("in_implementation", "evaluated"):
        raise Conflict(
            "议题尚未进入落实，不能评议",
            title_en="The topic is not in implementation yet",
            code="not-in-implementation",
        )
    evaluation = Evaluation(
        tenant_id=topic.tenant_id,
        topic_id=topic.id,
        user_id=caller.id,
        score=body.score,
        comment=(body.comment or "").strip() or None,
        at=now(),
    )
    session.add(evaluation)
    try:
        await session.flush()
    except IntegrityError as error:
        raise Conflict(
            "您已评议过该议题", title_en="You already evaluated this topic", code="evaluated"
        ) from error
    return evaluation


def evaluation_answer(e: Evaluation) -> schemas.Evaluation:
    return schemas.Evaluation(
        id=e.id, topic_id=e.topic_id, score=e.score, comment=e.comment, at=e.at
    )
