"""One ballot per person under concurrency: twenty requests for the same representative at
once, each in its own request and transaction; the database's unique key admits one."""

from __future__ import annotations

import asyncio
import uuid

from sqlalchemy import func, select

from core.db import Database
from plugins.deliberation_hall.invariants import INVARIANTS
from plugins.deliberation_hall.models import Ballot, SecretTally
from tests.plugins.deliberation_hall.conftest import (
    Client,
    Tree,
    code_of,
    meeting,
    open_vote,
    url,
    voting_topic,
)


async def test_twenty_concurrent_ballots_for_one_person_count_once(
    admin_client: Client, tree: Tree, db: Database
) -> None:
    client, home = admin_client, tree.community
    topic = await voting_topic(client, home)
    sid, people = await meeting(client, home, topic)
    vote = await open_vote(client, home, sid, "majority", secret=True)
    choices = ["yes", "no", "abstain", "yes"] * 5

    responses = await asyncio.gather(
        *(
            client.post(
                url(home, f"/votes/{vote}/ballots"),
                json={"representative_id": people[0], "choice": choice},
            )
            for choice in choices
        )
    )
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201] + [409] * 19, [r.text for r in responses if r.status_code >= 500]
    assert {code_of(r) for r in responses if r.status_code == 409} == {"voted"}
    async with db.session() as session:
        ballots = await session.scalar(
            select(func.count()).where(Ballot.vote_id == uuid.UUID(vote))
        )
        counted = await session.scalar(
            select(func.sum(SecretTally.count)).where(SecretTally.vote_id == uuid.UUID(vote))
        )
        assert (ballots, counted) == (1, 1)
        for invariant in INVARIANTS:
            assert await invariant(session) == []
