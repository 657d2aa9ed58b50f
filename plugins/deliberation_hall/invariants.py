"""Checks of the deliberation hall's own data (``gongzhi plugins check``, the soak tests).

Each returns the violations it finds: a secret vote whose counters do not add up to its
ballots, or a secret ballot that kept its choice; a vote whose status and result disagree; a
topic handled outside the chain above the tenant that raised it; a topic whose state is not
where its last recorded transition left it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from core import Tenant
from plugins.deliberation_hall.models import Ballot, SecretTally, Topic, Transition, Vote


async def secret_ballots_keep_no_choice(session: AsyncSession) -> list[str]:
    found = []
    kept = await session.scalars(
        select(Ballot.vote_id)
        .join(Vote, Vote.id == Ballot.vote_id)
        .where(Vote.secret.is_(True), Ballot.choice.is_not(None))
        .distinct()
    )
    found += [f"secret vote {vote_id} stored a ballot's choice" for vote_id in kept]
    cast = select(Ballot.vote_id, func.count().label("n")).group_by(Ballot.vote_id).subquery()
    counted = (
        select(SecretTally.vote_id, func.sum(SecretTally.count).label("n"))
        .group_by(SecretTally.vote_id)
        .subquery()
    )
    rows = await session.execute(
        select(Vote.id, func.coalesce(cast.c.n, 0), func.coalesce(counted.c.n, 0))
        .outerjoin(cast, cast.c.vote_id == Vote.id)
        .outerjoin(counted, counted.c.vote_id == Vote.id)
        .where(Vote.secret.is_(True))
    )
    found += [
        f"secret vote {vote_id}: {ballots} ballots but {tallied} counted"
        for vote_id, ballots, tallied in rows
        if int(ballots) != int(tallied)
    ]
    return found


async def votes_have_results_when_closed(session: AsyncSession) -> list[str]:
    rows = await session.execute(select(Vote.id, Vote.status, Vote.outcome, Vote.closed_at))
    return [
        f"vote {vote_id} is {status} with outcome {outcome!r}"
        for vote_id, status, outcome, closed_at in rows
        if (status == "closed") != (outcome is not None and closed_at is not None)
    ]


async def topics_are_handled_above_their_tenant(session: AsyncSession) -> list[str]:
    owner, handler = aliased(Tenant), aliased(Tenant)
    rows = await session.execute(
        select(Topic.id, owner.path, handler.path)
        .join(owner, owner.id == Topic.tenant_id)
        .join(handler, handler.id == Topic.handling_tenant_id)
    )
    return [
        f"topic {topic_id} is handled outside the tiers above it"
        for topic_id, owner_path, handler_path in rows
        if not owner_path.startswith(handler_path)
    ]


async def topics_are_where_their_transitions_left_them(session: AsyncSession) -> list[str]:
    last = (
        select(Transition.topic_id, func.max(Transition.at).label("at"))
        .group_by(Transition.topic_id)
        .subquery()
    )
    rows = await session.execute(
        select(Topic.id, Topic.state, Transition.to_state)
        .outerjoin(last, last.c.topic_id == Topic.id)
        .outerjoin(Transition, (Transition.topic_id == Topic.id) & (Transition.at == last.c.at))
    )
    found = []
    for topic_id, state, recorded in rows:
        if (recorded or "collected") != state:
            found.append(f"topic {topic_id} is {state} but its last transition says {recorded}")
    return found


INVARIANTS: list[Callable[[AsyncSession], Awaitable[list[str]]]] = [
    secret_ballots_keep_no_choice,
    votes_have_results_when_closed,
    topics_are_handled_above_their_tenant,
    topics_are_where_their_transitions_left_them,
]
