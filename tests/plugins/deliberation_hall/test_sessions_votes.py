"""Sessions and votes through the API: each hearing rule keeps a vote from opening and says
why; each voting method with ties, blocks and failed quorum; one ballot per person; secret
ballots keep who voted, not how."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select

from core.db import Database
from plugins.deliberation_hall.models import Ballot, SecretTally
from tests.plugins.deliberation_hall.conftest import (
    STARTS,
    Client,
    Tree,
    cast,
    code_of,
    get,
    meeting,
    open_vote,
    post,
    url,
    voting_topic,
)


async def refused_vote(client: Client, tree: Tree, sid: str) -> list[str]:
    response = await client.post(
        url(tree.community, f"/sessions/{sid}/votes"),
        json={"question": "是否同意", "method": "majority"},
    )
    assert response.status_code == 409, response.text
    assert code_of(response) == "session-rules"
    body = response.json()
    assert all(b["message"] in body["title"] for b in body["breaches"])
    assert all(b["message_en"] in body["title_en"] for b in body["breaches"])
    return [b["code"] for b in body["breaches"]]


async def test_a_hearing_that_breaks_a_rule_cannot_vote_and_says_why(
    admin_client: Client, tree: Tree
) -> None:
    client, home = admin_client, tree.community
    topic = await voting_topic(client, home)
    sid, people = await meeting(client, home, topic, kind="hearing", people=14, stakeholders=4)
    check = await get(client, home, f"/sessions/{sid}/check")
    assert check["may_vote"] is False
    assert check["rules"] == {
        "notice_days": 30,
        "list_days": 15,
        "min_representatives": 15,
        "stakeholder_share": [1, 3],
        "quorum": [2, 3],
    }
    expected = ["list-missing", "too-few-representatives", "too-few-stakeholders"]
    assert [b["code"] for b in check["breaches"]] == expected
    assert await refused_vote(client, tree, sid) == expected

    extra = await post(
        client,
        home,
        f"/sessions/{sid}/representatives",
        {"name": "周秀英", "stakeholder": True, "present": True},
    )
    people.append(extra["id"])
    late = "2026-02-20T00:00:00Z"
    await post(client, home, f"/sessions/{sid}/representatives/publication", {"published_at": late})
    assert await refused_vote(client, tree, sid) == ["list-late"]
    listed = await post(
        client,
        home,
        f"/sessions/{sid}/representatives",
        {"name": "吴建华", "stakeholder": True},
    )
    assert listed["present"] is False
    assert (await get(client, home, f"/sessions/{sid}"))["representatives_published_at"] is None
    assert await refused_vote(client, tree, sid) == ["list-missing"]
    await post(
        client,
        home,
        f"/sessions/{sid}/representatives/publication",
        {"published_at": "2026-02-01T00:00:00Z"},
    )
    for person in people[:6]:
        await post(
            client, home, f"/sessions/{sid}/representatives/{person}/attendance", {"present": False}
        )
    assert await refused_vote(client, tree, sid) == ["no-quorum"]
    for person in people[:2]:
        await post(
            client, home, f"/sessions/{sid}/representatives/{person}/attendance", {"present": True}
        )
    detail = await get(client, home, f"/sessions/{sid}")
    assert (detail["check"]["present"], detail["check"]["representatives"]) == (11, 16)
    assert detail["check"]["may_vote"] is True
    vote = await open_vote(client, home, sid)
    assert (await get(client, home, f"/votes/{vote}"))["representatives"] == 16

    late_notice, _ = await meeting(
        client, home, topic, kind="hearing", people=0, notice="2026-02-10T00:00:00Z"
    )
    codes = [
        b["code"] for b in (await get(client, home, f"/sessions/{late_notice}/check"))["breaches"]
    ]
    assert codes[0] == "notice-late"
    silent, _ = await meeting(client, home, topic, people=5, notice=None)
    assert await refused_vote(client, tree, silent) == ["notice-missing"]
    future = await client.post(
        url(home, f"/sessions/{silent}/notice"), json={"published_at": "2999-01-01T00:00:00Z"}
    )
    assert future.status_code == 422
    naive = await client.post(
        url(home, f"/sessions/{silent}/notice"), json={"published_at": "2026-01-02T09:00:00"}
    )
    assert naive.status_code == 422, "a time without a UTC offset"
    undated = await client.post(
        url(home, f"/topics/{topic}/sessions"),
        json={
            "kind": "meeting",
            "title": "议事会",
            "place": "议事厅",
            "starts_at": "2026-03-02T09:00",
        },
    )
    assert undated.status_code == 422

    held = await client.post(
        url(home, f"/sessions/{sid}/record"), json={"minutes": "记录", "summary": "纪要"}
    )
    assert held.status_code == 409, "a vote is still open"
    await post(client, home, f"/votes/{vote}/close")
    recorded = await post(
        client, home, f"/sessions/{sid}/record", {"minutes": "记录", "summary": "纪要"}
    )
    assert recorded["status"] == "held"
    again = await client.post(
        url(home, f"/sessions/{sid}/votes"), json={"question": "再议", "method": "majority"}
    )
    assert again.status_code == 409
    assert code_of(again) == "session-held"
    listed_sessions = await get(client, tree.town, "/sessions", kind="hearing", topic_id=topic)
    assert listed_sessions["total"] == 2
    assert STARTS.startswith(listed_sessions["items"][0]["starts_at"][:10])


async def test_each_method_with_ties_blocks_failed_quorum_and_one_ballot_per_person(
    admin_client: Client, tree: Tree, make_user: Any, login_as: Any, db: Database
) -> None:
    client, home = admin_client, tree.community
    resident = await make_user("rep-zhang", [(home.slug, "member")])
    outsider = await make_user("not-a-rep", [(home.slug, "member")])
    topic = await voting_topic(client, home)
    sid, people = await meeting(client, home, topic, people=6, present=5, users={0: str(resident)})

    async def outcome(method: str, choices: list[str], secret: bool = False) -> dict[str, Any]:
        vote = await open_vote(client, home, sid, method, secret)
        await cast(client, home, vote, people, choices)
        return dict(await post(client, home, f"/votes/{vote}/close"))

    tie = await outcome("majority", ["yes", "yes", "no", "no", "abstain"])
    assert (tie["outcome"], tie["counts"], tie["present"]) == (
        "tie",
        {"yes": 2, "no": 2, "abstain": 1},
        5,
    )
    assert (await outcome("majority", ["yes", "yes", "yes", "no", "no"]))["outcome"] == "passed"
    assert (await outcome("two_thirds", ["yes", "yes", "yes", "no", "no"]))["outcome"] == "failed"
    assert (await outcome("two_thirds", ["yes"] * 4 + ["no"]))["outcome"] == "passed"
    blocked = await outcome("consent", ["agree", "agree", "agree", "agree", "block"])
    assert blocked["outcome"] == "blocked"
    assert blocked["counts"] == {"agree": 4, "abstain": 0, "disagree": 0, "block": 1}
    assert (await outcome("consent", ["agree", "agree", "disagree", "abstain"]))["outcome"] == (
        "passed"
    )

    vote = await open_vote(client, home, sid, "consent")
    await cast(client, home, vote, people[1:2], ["agree"])
    again = await client.post(
        url(home, f"/votes/{vote}/ballots"),
        json={"representative_id": people[1], "choice": "agree"},
    )
    assert again.status_code == 409
    assert code_of(again) == "voted"
    wrong = await client.post(
        url(home, f"/votes/{vote}/ballots"), json={"representative_id": people[2], "choice": "yes"}
    )
    assert wrong.status_code == 422
    absent = await client.post(
        url(home, f"/votes/{vote}/ballots"),
        json={"representative_id": people[5], "choice": "agree"},
    )
    assert code_of(absent) == "not-present"
    mine = await client.post(
        url(home, f"/votes/{vote}/my-ballot"),
        json={"choice": "agree"},
        headers=await login_as("rep-zhang"),
    )
    assert mine.status_code == 201, mine.text
    assert mine.json()["representative_id"] == people[0]
    twice = await client.post(
        url(home, f"/votes/{vote}/my-ballot"),
        json={"choice": "block"},
        headers=await login_as("rep-zhang"),
    )
    assert code_of(twice) == "voted"
    stranger = await client.post(
        url(home, f"/votes/{vote}/my-ballot"),
        json={"choice": "agree"},
        headers=await login_as("not-a-rep"),
    )
    assert code_of(stranger) == "not-representative"
    assert outsider != resident
    for person in people[2:4]:
        await post(
            client, home, f"/sessions/{sid}/representatives/{person}/attendance", {"present": False}
        )
    failed = await post(client, home, f"/votes/{vote}/close")
    assert (failed["outcome"], failed["present"], failed["representatives"]) == ("no_quorum", 3, 6)
    late = await client.post(
        url(home, f"/votes/{vote}/ballots"),
        json={"representative_id": people[4], "choice": "agree"},
    )
    assert code_of(late) == "vote-closed"
    for person in people[2:4]:
        await post(
            client, home, f"/sessions/{sid}/representatives/{person}/attendance", {"present": True}
        )

    secret = await open_vote(client, home, sid, "majority", secret=True)
    await cast(client, home, secret, people, ["yes", "no", "yes", "abstain", "yes"])
    open_answer = await get(client, home, f"/votes/{secret}")
    assert (open_answer["ballots_cast"], open_answer["counts"]) == (5, None)
    ballots = await get(client, home, f"/votes/{secret}/ballots")
    assert ballots["total"] == 5
    assert {b["choice"] for b in ballots["items"]} == {None}
    assert {b["representative_id"] for b in ballots["items"]} == set(people[:5])
    closed = await post(client, home, f"/votes/{secret}/close")
    assert (closed["outcome"], closed["counts"]) == ("passed", {"yes": 3, "no": 1, "abstain": 1})
    async with db.session() as session:
        stored = list(
            await session.scalars(select(Ballot.choice).where(Ballot.vote_id == uuid.UUID(secret)))
        )
        counters = dict(
            (c, n)
            for c, n in await session.execute(
                select(SecretTally.choice, SecretTally.count).where(
                    SecretTally.vote_id == uuid.UUID(secret)
                )
            )
        )
    assert stored == [None] * 5
    assert counters == {"yes": 3, "no": 1, "abstain": 1}
    assert sorted(SecretTally.__table__.c.keys()) == [
        "choice",
        "count",
        "id",
        "tenant_id",
        "vote_id",
    ]
    open_ballots = await get(client, home, f"/votes/{vote}/ballots")
    assert {b["choice"] for b in open_ballots["items"]} == {"agree"}


async def test_a_hearing_summary_missing_or_recorded_after_seven_working_days_is_flagged(
    admin_client: Client, tree: Tree
) -> None:
    """The hearing of 2026-03-02 (a Monday) owes its summary by Wednesday 2026-03-11; past that
    the session says so and the module counts it, a recorded summary staying late."""
    client, home = admin_client, tree.community
    topic = await voting_topic(client, home)
    hearing, _ = await meeting(client, home, topic, kind="hearing", people=0)
    plain, _ = await meeting(client, home, topic, people=0)
    later = await post(
        client, home, f"/topics/{topic}/sessions",
        {"kind": "hearing", "title": "听证会", "place": "议事厅", "starts_at": "2099-01-05T01:00:00Z"},
    )  # fmt: skip

    def overdue_count(metrics: Any) -> int:
        values = {f["name"]: f["total"] for f in metrics["figures"]}
        return int(values["deliberation-hall.hearing_summaries_overdue"])

    found = await get(client, home, f"/sessions/{hearing}")
    assert (found["summary_due_on"], found["summary_overdue"]) == ("2026-03-11", True)
    meeting_found = await get(client, home, f"/sessions/{plain}")
    assert (meeting_found["summary_due_on"], meeting_found["summary_overdue"]) == (None, False)
    assert (later["summary_due_on"], later["summary_overdue"]) == ("2099-01-14", False)
    metrics = (await client.get("/api/v1/tenants/wangcheng/metrics")).json()
    assert overdue_count(metrics) == 1

    await post(
        client, home, f"/sessions/{hearing}/record", {"minutes": "会议记录", "summary": "纪要"}
    )
    recorded = await get(client, home, f"/sessions/{hearing}")
    assert (recorded["status"], recorded["summary_overdue"]) == ("held", True)
    listed = await get(client, tree.town, "/sessions", kind="hearing")
    assert {s["id"]: s["summary_overdue"] for s in listed["items"]} == {
        hearing: True,
        later["id"]: False,
    }
    metrics = (await client.get("/api/v1/tenants/wangcheng/metrics")).json()
    assert overdue_count(metrics) == 1


async def test_the_overdue_figure_reads_the_clock_at_each_roll_up(
    admin_client: Client, tree: Tree, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A metric's statement is built once per process; a hearing whose deadline passes between
    two roll-ups is counted by the second though nothing else changed."""
    client, home = admin_client, tree.community
    topic = await voting_topic(client, home)
    await post(
        client, home, f"/topics/{topic}/sessions",
        {"kind": "hearing", "title": "听证会", "place": "议事厅", "starts_at": "2099-01-05T01:00:00Z"},
    )  # fmt: skip

    async def overdue_at(moment: datetime) -> int:
        monkeypatch.setattr("plugins.deliberation_hall.metrics.now", lambda: moment)
        metrics = (await client.get("/api/v1/tenants/wangcheng/metrics")).json()
        values = {f["name"]: f["total"] for f in metrics["figures"]}
        return int(values["deliberation-hall.hearing_summaries_overdue"])

    before = await overdue_at(datetime(2099, 1, 10, tzinfo=UTC))
    after = await overdue_at(datetime(2099, 2, 1, tzinfo=UTC))
    assert after == before + 1
