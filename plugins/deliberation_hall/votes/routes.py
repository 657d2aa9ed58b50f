"""HTTP routes of votes: open in a session, cast (staff-recorded or one's own), close, read."""

from __future__ import annotations

import uuid
from typing import TypeVar

from litestar import get, post
from sqlalchemy.ext.asyncio import AsyncSession

from core import Caller, ModuleConfig, Page, Paging, Tenant, paginate
from plugins.deliberation_hall.permissions import MANAGE, READ, TAKE_PART
from plugins.deliberation_hall.votes import services
from plugins.deliberation_hall.votes.schemas import Ballot, BallotCreate, MyBallot, Vote, VoteCreate

T = TypeVar("T")


@post("/sessions/{session_id:uuid}/votes", opt=MANAGE)
async def open_vote(
    tenant: Tenant,
    session: AsyncSession,
    config: ModuleConfig,
    session_id: uuid.UUID,
    data: VoteCreate,
) -> Vote:
    """Open a vote; 409 ``session-rules`` lists every session rule that is not met."""
    vote = await services.open_vote(session, tenant, config, session_id, data)
    return await services.answer(session, vote)


@get("/votes", opt=READ)
async def list_votes(
    tenant: Tenant,
    session: AsyncSession,
    paging: Paging,
    session_id: uuid.UUID | None = None,
    topic_id: uuid.UUID | None = None,
) -> Page[Vote]:
    page = await paginate(session, services.query(tenant, session_id, topic_id), paging, _same)
    items = await services.answers(session, page.items)
    return Page(items=items, total=page.total, limit=page.limit, offset=page.offset)


def _same(row: T) -> T:
    return row


@get("/votes/{vote_id:uuid}", opt=READ)
async def get_vote(tenant: Tenant, session: AsyncSession, vote_id: uuid.UUID) -> Vote:
    return await services.answer(session, await services.visible_vote(session, tenant, vote_id))


@get("/votes/{vote_id:uuid}/ballots", opt=MANAGE)
async def list_ballots(
    tenant: Tenant, session: AsyncSession, paging: Paging, vote_id: uuid.UUID
) -> Page[Ballot]:
    """Who voted (and, for an open ballot, how); a secret ballot's choices are never stored."""
    vote = await services.visible_vote(session, tenant, vote_id)
    page = await paginate(session, services.ballots_query(vote), paging, _same)
    items = await services.ballot_answers(session, vote, page.items)
    return Page(items=items, total=page.total, limit=page.limit, offset=page.offset)


@post("/votes/{vote_id:uuid}/ballots", opt=MANAGE)
async def record_ballot(
    tenant: Tenant, session: AsyncSession, caller: Caller, vote_id: uuid.UUID, data: BallotCreate
) -> Ballot:
    """Record a present representative's ballot; 409 ``voted`` for a second one."""
    return await services.record_ballot(session, tenant, caller, vote_id, data)


@post("/votes/{vote_id:uuid}/my-ballot", opt=TAKE_PART)
async def cast_my_ballot(
    tenant: Tenant, session: AsyncSession, caller: Caller, vote_id: uuid.UUID, data: MyBallot
) -> Ballot:
    """Vote as the representative linked to one's account; 409 ``voted`` for a second time."""
    return await services.cast_own(session, tenant, caller, vote_id, data)


@post("/votes/{vote_id:uuid}/close", opt=MANAGE)
async def close_vote(
    tenant: Tenant, session: AsyncSession, config: ModuleConfig, vote_id: uuid.UUID
) -> Vote:
    """Close the vote; the server computes the outcome (ties and failed quorum included)."""
    return await services.answer(session, await services.close(session, tenant, config, vote_id))


ROUTES = [open_vote, list_votes, get_vote, list_ballots, record_ballot, cast_my_ballot, close_vote]
