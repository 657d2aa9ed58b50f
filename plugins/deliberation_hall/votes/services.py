"""Votes: opening one (only in a session that meets its rules), casting ballots, closing.

One ballot per representative is the database's unique key on (vote, representative): two
requests racing for the same person both insert, one wins, the other answers 409. A secret
ballot writes the ballot row without its choice and adds one to the choice's counter
(:class:`~plugins.deliberation_hall.models.SecretTally`), so how anyone voted is never stored.
The result is computed by :func:`plugins.deliberation_hall.rules.tally` at close, with the
quorum of the session's kind.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Select, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from core import Caller, Conflict, Invalid, NotFound, Tenant, in_subtree, row_in_subtree
from plugins.deliberation_hall import rules
from plugins.deliberation_hall.access import ensure_handles, visible_topic
from plugins.deliberation_hall.clock import now
from plugins.deliberation_hall.models import Ballot, Representative, SecretTally, Session, Vote
from plugins.deliberation_hall.sessions import services as sessions
from plugins.deliberation_hall.votes import schemas


async def answers(session: AsyncSession, votes: list[Vote]) -> list[schemas.Vote]:
    """The answers of ``votes``, with their ballots counted in one query."""
    ids = [vote.id for vote in votes]
    cast: dict[uuid.UUID, int] = {}
    if ids:
        rows = await session.execute(
            select(Ballot.vote_id, func.count())
            .where(Ballot.vote_id.in_(ids))
            .group_by(Ballot.vote_id)
        )
        cast = {vote_id: int(n) for vote_id, n in rows}
    return [_answer(vote, cast.get(vote.id, 0)) for vote in votes]


async def answer(session: AsyncSession, vote: Vote) -> schemas.Vote:
    return (await answers(session, [vote]))[0]


def _answer(vote: Vote, cast: int) -> schemas.Vote:
    return schemas.Vote(
        id=vote.id,
        tenant_id=vote.tenant_id,
        session_id=vote.session_id,
        topic_id=vote.topic_id,
        question=vote.question,
        method=vote.method,
        secret=vote.secret,
        choices=list(rules.METHOD_CHOICES[vote.method]),
        status=vote.status,
        opened_at=vote.opened_at,
        closed_at=vote.closed_at,
        representatives=vote.representatives,
        present=vote.present,
        ballots_cast=cast,
        counts={str(k): int(v) for k, v in vote.tally.items()} if vote.status == "closed" else None,
        outcome=vote.outcome,
    )


async def visible_vote(
    session: AsyncSession, tenant: Tenant, vote_id: uuid.UUID, *, lock: str | None = None
) -> Vote:
    """The vote if ``tenant`` sees it, else 404; ``lock`` ``"share"`` (ballots) or
    ``"update"`` (close) holds its row so no ballot lands after the close counted."""
    query = select(Vote).where(Vote.id == vote_id, row_in_subtree(Vote.tenant_id, tenant))
    if lock is not None:
        query = query.with_for_update(read=lock == "share", of=Vote)
    vote = (await session.execute(query)).scalar_one_or_none()
    if vote is None:
        raise NotFound("表决")
    return vote


def _refuse_breaches(breaches: list[rules.Breach]) -> Conflict:
    return Conflict(
        "会议不符合规则，不能表决：" + "；".join(b.message for b in breaches),
        title_en="The session breaks its rules and cannot vote: "
        + "; ".join(b.message_en for b in breaches),
        detail=", ".join(b.code for b in breaches),
        code="session-rules",
        breaches=[
            {"code": b.code, "message": b.message, "message_en": b.message_en} for b in breaches
        ],
    )


async def open_vote(
    session: AsyncSession,
    tenant: Tenant,
    config: Mapping[str, Any],
    session_id: uuid.UUID,
    body: schemas.VoteCreate,
) -> Vote:
    found, topic = await sessions.acted_session(session, tenant, session_id, lock=True)
    if found.status != "planned":
        raise Conflict(
            "会议已召开并已记录，不能再表决",
            title_en="The session was held and recorded; it cannot vote",
            code="session-held",
        )
    if topic.state != "voting":
        raise Conflict(
            "议题须处于「表决中」才能开启表决",
            title_en="The topic must be in voting to open a vote",
            code="topic-not-voting",
        )
    known = await sessions.facts(session, found)
    breaches = rules.session_breaches(known, rules.session_rules(config, found.kind))
    if breaches:
        raise _refuse_breaches(breaches)
    vote = Vote(
        tenant_id=found.tenant_id,
        session_id=found.id,
        topic_id=topic.id,
        question=body.question.strip(),
        method=body.method,
        secret=body.secret,
        status="open",
        opened_at=now(),
        representatives=known.representatives,
        tally={},
    )
    session.add(vote)
    await session.flush()
    if vote.secret:
        for choice in rules.METHOD_CHOICES[vote.method]:
            session.add(SecretTally(tenant_id=vote.tenant_id, vote_id=vote.id, choice=choice))
        await session.flush()
    return vote


async def _cast(
    session: AsyncSession,
    vote: Vote,
    person: Representative,
    choice: str,
    recorded_by: uuid.UUID | None,
) -> Ballot:
    if vote.status != "open":
        raise Conflict("表决已结束", title_en="The vote is closed", code="vote-closed")
    if choice not in rules.METHOD_CHOICES[vote.method]:
        allowed = list(rules.METHOD_CHOICES[vote.method])
        raise Invalid(
            "choice",
            f"此表决的选项为 {'、'.join(allowed)}",
            message_en=f"this vote's choices are {allowed}",
        )
    if not person.present:
        raise Conflict(
            "只有到会代表可以投票",
            title_en="Only representatives present may vote",
            code="not-present",
        )
    ballot = Ballot(
        tenant_id=vote.tenant_id,
        vote_id=vote.id,
        representative_id=person.id,
        choice=None if vote.secret else choice,
        cast_at=now(),
        recorded_by=recorded_by,
    )
    session.add(ballot)
    try:
        await session.flush()
    except IntegrityError as error:
        raise Conflict(
            "该代表已投过票", title_en="This representative has already voted", code="voted"
        ) from error
    if vote.secret:
        await session.execute(
            update(SecretTally)
            .where(SecretTally.vote_id == vote.id, SecretTally.choice == choice)
            .values(count=SecretTally.count + 1)
        )
    return ballot


async def record_ballot(
    session: AsyncSession,
    tenant: Tenant,
    caller: Caller,
    vote_id: uuid.UUID,
    body: schemas.BallotCreate,
) -> schemas.Ballot:
    """Staff record a present representative's ballot."""
    vote = await visible_vote(session, tenant, vote_id, lock="share")
    topic = await visible_topic(session, tenant, vote.topic_id)
    await ensure_handles(session, tenant, topic)
    found = await sessions.visible_session(session, tenant, vote.session_id)
    person = await sessions.representative_of(session, found, body.representative_id)
    ballot = await _cast(session, vote, person, body.choice, caller.id)
    return ballot_answer(ballot, person.name)


async def cast_own(
    session: AsyncSession,
    tenant: Tenant,
    caller: Caller,
    vote_id: uuid.UUID,
    body: schemas.MyBallot,
) -> schemas.Ballot:
    """The caller votes as the representative of the session linked to their account."""
    vote = await visible_vote(session, tenant, vote_id, lock="share")
    person = (
        await session.execute(
            select(Representative).where(
                Representative.session_id == vote.session_id, Representative.user_id == caller.id
            )
        )
    ).scalar_one_or_none()
    if person is None:
        raise Conflict(
            "您不是本次会议的代表",
            title_en="You are not a representative of this session",
            code="not-representative",
        )
    ballot = await _cast(session, vote, person, body.choice, caller.id)
    return ballot_answer(ballot, person.name)


async def close(
    session: AsyncSession, tenant: Tenant, config: Mapping[str, Any], vote_id: uuid.UUID
) -> Vote:
    """Close the vote and compute its result with the quorum of the session's kind, counting
    those present at close."""
    vote = await visible_vote(session, tenant, vote_id, lock="update")
    topic = await visible_topic(session, tenant, vote.topic_id)
    await ensure_handles(session, tenant, topic)
    if vote.status != "open":
        raise Conflict("表决已结束", title_en="The vote is closed", code="vote-closed")
    found = await session.get(Session, vote.session_id)
    assert found is not None
    known = await sessions.facts(session, found)
    if vote.secret:
        rows = await session.execute(
            select(SecretTally.choice, SecretTally.count).where(SecretTally.vote_id == vote.id)
        )
        choices = [choice for choice, count in rows for _ in range(count)]
    else:
        choices = [
            c
            for c in await session.scalars(select(Ballot.choice).where(Ballot.vote_id == vote.id))
            if c is not None
        ]
    effective = rules.session_rules(config, found.kind)
    result = rules.tally(
        vote.method, choices, known.present, known.representatives, effective["quorum"]
    )
    vote.status = "closed"
    vote.closed_at = now()
    vote.present = known.present
    vote.representatives = known.representatives
    vote.tally = result.counts
    vote.outcome = result.outcome
    await session.flush()
    return vote


def query(
    tenant: Tenant, session_id: uuid.UUID | None = None, topic_id: uuid.UUID | None = None
) -> Select[Vote]:
    stmt = select(Vote).where(in_subtree(Vote.tenant_id, tenant))
    if session_id is not None:
        stmt = stmt.where(Vote.session_id == session_id)
    if topic_id is not None:
        stmt = stmt.where(Vote.topic_id == topic_id)
    return stmt.order_by(Vote.opened_at.desc(), Vote.id)


def ballots_query(vote: Vote) -> Select[Ballot]:
    return select(Ballot).where(Ballot.vote_id == vote.id).order_by(Ballot.cast_at, Ballot.id)


async def ballot_answers(
    session: AsyncSession, vote: Vote, ballots: list[Ballot]
) -> list[schemas.Ballot]:
    rows = await session.execute(
        select(Representative.id, Representative.name).where(
            Representative.session_id == vote.session_id
        )
    )
    names = {rid: name for rid, name in rows}
    return [ballot_answer(b, names.get(b.representative_id, "")) for b in ballots]


def ballot_answer(ballot: Ballot, name: str) -> schemas.Ballot:
    return schemas.Ballot(
        id=ballot.id,
        vote_id=ballot.vote_id,
        representative_id=ballot.representative_id,
        name=name,
        choice=ballot.choice,
        cast_at=ballot.cast_at,
    )
