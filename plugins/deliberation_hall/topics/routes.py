"""HTTP routes of topics: raise, list, read, move through the state machine, escalate,
evaluate, and the published transition table."""

from __future__ import annotations

import uuid
from typing import Annotated

from litestar import get, post
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from core import Caller, ModuleConfig, Page, Paging, Tenant, paginate
from plugins.deliberation_hall.access import visible_topic
from plugins.deliberation_hall.permissions import MANAGE, READ, TAKE_PART
from plugins.deliberation_hall.topics import services
from plugins.deliberation_hall.topics.schemas import (
    Contacts,
    EscalationCreate,
    Evaluation,
    EvaluationCreate,
    State,
    Topic,
    TopicCreate,
    TopicDetail,
    TransitionCreate,
    TransitionTable,
)


@get("/topics/transition-table", opt=READ)
async def transition_table(tenant: Tenant) -> TransitionTable:
    """Every state, its titles and the states it may move to: clients draw buttons from it."""
    return services.transition_table()


@get("/topics", opt=READ)
async def list_topics(
    tenant: Tenant,
    session: AsyncSession,
    paging: Paging,
    topic_state: Annotated[State | None, Parameter(query="state")] = None,
    category: str | None = None,
    q: str | None = None,
    escalated: bool | None = None,
) -> Page[Topic]:
    """Topics raised in the tenant's subtree, newest first."""
    stmt = services.query(tenant, topic_state, category, q, escalated)
    return await paginate(session, stmt, paging, services.answerer(tenant))


@post("/topics", opt=TAKE_PART)
async def create_topic(
    tenant: Tenant, session: AsyncSession, config: ModuleConfig, caller: Caller, data: TopicCreate
) -> Topic:
    """Raise a topic at the tenant (state ``collected``)."""
    return services.answer(await services.create(session, tenant, config, caller, data), tenant)


@get("/topics/{topic_id:uuid}", opt=READ)
async def get_topic(tenant: Tenant, session: AsyncSession, topic_id: uuid.UUID) -> TopicDetail:
    """A topic with its history of transitions and escalations and its satisfaction."""
    topic = await visible_topic(session, tenant, topic_id)
    return await services.detail(session, tenant, topic)


@get("/topics/{topic_id:uuid}/contacts", opt=MANAGE)
async def get_contacts(tenant: Tenant, session: AsyncSession, topic_id: uuid.UUID) -> Contacts:
    """The proposer's and co-signers' contact data (staff only; never in any other answer)."""
    return services.contacts(await visible_topic(session, tenant, topic_id))


@post("/topics/{topic_id:uuid}/transitions", opt=MANAGE)
async def move_topic(
    tenant: Tenant,
    session: AsyncSession,
    caller: Caller,
    topic_id: uuid.UUID,
    data: TransitionCreate,
) -> TopicDetail:
    """Move a topic to its next state; 409 ``invalid-transition`` names the allowed ones."""
    topic = await services.transition(session, tenant, caller, topic_id, data)
    return await services.detail(session, tenant, topic)


@post("/topics/{topic_id:uuid}/escalations", opt=MANAGE)
async def escalate_topic(
    tenant: Tenant,
    session: AsyncSession,
    config: ModuleConfig,
    caller: Caller,
    topic_id: uuid.UUID,
    data: EscalationCreate,
) -> TopicDetail:
    """Pass the topic up to the handling tenant's parent (community → town → district)."""
    topic = await services.escalate(session, tenant, config, caller, topic_id, data)
    return await services.detail(session, tenant, topic)


@post("/topics/{topic_id:uuid}/evaluations", opt=TAKE_PART)
async def evaluate_topic(
    tenant: Tenant,
    session: AsyncSession,
    caller: Caller,
    topic_id: uuid.UUID,
    data: EvaluationCreate,
) -> Evaluation:
    """A resident's satisfaction (1-5) with the implementation; once per resident."""
    evaluation = await services.evaluate(session, tenant, caller, topic_id, data)
    return services.evaluation_answer(evaluation)


ROUTES = [
    transition_table,
    list_topics,
    create_topic,
    get_topic,
    get_contacts,
    move_topic,
    escalate_topic,
    evaluate_topic,
]
