"""Topics through the API: every legal and illegal transition, the conditions of some moves,
what each transition records, the published transition table, and how a topic is raised."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import func, select

from core import Caller, Conflict, Tenant
from core.db import Database
from core.modules.models import ModulePolicy
from plugins.deliberation_hall import states
from plugins.deliberation_hall.models import Topic, Transition
from plugins.deliberation_hall.topics import services
from plugins.deliberation_hall.topics.schemas import TransitionCreate
from tests.plugins.deliberation_hall.conftest import (
    Client,
    Tree,
    cast,
    code_of,
    get,
    meeting,
    move,
    open_vote,
    post,
    raise_topic,
    url,
)

EVERY_STATE = list(states.TRANSITIONS)


async def refuse_an_illegal_move(client: Client, tree: Tree, topic: str, state: str) -> None:
    """One target the table does not allow from ``state`` (every one is tried against the
    service below): a 409 naming the allowed next states, and the topic stays where it is."""
    allowed = list(states.TRANSITIONS[state])
    to = next(s for s in reversed(EVERY_STATE) if s not in allowed)
    response = await client.post(
        url(tree.community, f"/topics/{topic}/transitions"), json={"to": to, "reason": "试试"}
    )
    assert response.status_code == 409, (state, to, response.text)
    body = response.json()
    assert code_of(response) == "invalid-transition"
    assert body["allowed_next"] == allowed
    assert body["state"] == state
    assert all(states.TITLES[s][0] in body["title"] for s in allowed)
    assert (await get(client, tree.community, f"/topics/{topic}"))["state"] == state


async def test_the_server_refuses_every_illegal_transition(db: Database, tree: Tree) -> None:
    caller = Caller(id=uuid.uuid4(), name="王主任", username="wang")
    refused = 0
    async with db.session(write=True) as session:
        home = await session.get(Tenant, tree.community.id)
        assert home is not None
        for state in EVERY_STATE:
            topic = Topic(
                tenant_id=home.id,
                handling_tenant_id=home.id,
                title=f"议题{state}",
                description="-",
                category="社区服务",
                proposer_kind="resident",
                proposer_name="张",
                state=state,
                collected_at=datetime.now(UTC),
            )
            session.add(topic)
            await session.flush()
            for to in EVERY_STATE:
                if to in states.TRANSITIONS[state]:
                    continue
                with pytest.raises(Conflict) as refusal:
                    await services.transition(
                        session,
                        home,
                        caller,
                        topic.id,
                        TransitionCreate(to=to, reason="理由"),  # type: ignore[arg-type]
                    )
                assert refusal.value.extra["allowed_next"] == list(states.TRANSITIONS[state])
                refused += 1
            assert topic.state == state
        assert await session.scalar(select(func.count()).select_from(Transition)) == 0
    assert refused == len(EVERY_STATE) ** 2 - sum(len(t) for t in states.TRANSITIONS.values())


async def test_every_legal_transition_works_and_every_illegal_one_names_the_allowed(
    admin_client: Client, tree: Tree
) -> None:
    client, home = admin_client, tree.community
    topic = await raise_topic(client, home)
    walked: set[tuple[str, str]] = set()

    async def step(state: str, to: str, **body: Any) -> dict[str, Any]:
        if not any(state == a for a, _ in walked):
            await refuse_an_illegal_move(client, tree, topic, state)
        answer = await post(
            client, home, f"/topics/{topic}/transitions", {"to": to, "reason": "", **body}
        )
        assert answer["state"] == to
        assert answer["allowed_next"] == list(states.TRANSITIONS[to])
        walked.add((state, to))
        return dict(answer)

    await step("collected", "under_review")
    await step("under_review", "accepted")
    await step("accepted", "published")
    await step("published", "in_deliberation")
    await step("in_deliberation", "voting")
    sid, people = await meeting(client, home, topic)
    failed = await open_vote(client, home, sid)
    await cast(client, home, failed, people, ["no"] * 5)
    await post(client, home, f"/votes/{failed}/close")
    await step("voting", "in_deliberation", reason="表决未通过，再议")
    await move(client, home, topic, "voting")
    passed = await open_vote(client, home, sid, "two_thirds")
    await cast(client, home, passed, people, ["yes"] * 4)
    await post(client, home, f"/votes/{passed}/close")
    result = await step("voting", "result_published", reason="经表决通过，公示结果")
    assert (result["outcome"], result["result_summary"]) == ("passed", "经表决通过，公示结果")
    await step("result_published", "in_implementation")
    task = await post(
        client,
        home,
        f"/topics/{topic}/tasks",
        {"title": "更换声控灯", "owner_name": "物业", "due_on": "2099-01-01"},
    )
    await post(client, home, f"/tasks/{task['id']}/progress", {"progress": 100, "note": "完工"})
    await step("in_implementation", "evaluated")
    await step("evaluated", "closed", reason="落实完毕")
    await refuse_an_illegal_move(client, tree, topic, "closed")

    rejected = await raise_topic(client, home, title="改建门岗")
    await move(client, home, rejected, "under_review")
    topic = rejected
    await step("under_review", "rejected", reason="不属于居民自治事项")

    await step("rejected", "closed", reason="已答复提议人")

    unadopted = await raise_topic(client, home, title="增设宠物乐园")
    await move(client, home, unadopted, "under_review", "accepted", "published")
    await move(client, home, unadopted, "in_deliberation", "voting")
    sid, people = await meeting(client, home, unadopted)
    vote = await open_vote(client, home, sid, "consent")
    await cast(client, home, vote, people, ["agree", "agree", "agree", "agree", "block"])
    await post(client, home, f"/votes/{vote}/close")
    topic = unadopted
    blocked = await step("voting", "result_published", reason="有代表阻止，不予实施")
    assert blocked["outcome"] == "blocked"
    await step("result_published", "closed", reason="不予实施")

    legal = {(a, b) for a, targets in states.TRANSITIONS.items() for b in targets}
    assert walked == legal


async def test_moves_have_conditions_and_each_records_actor_time_reason_and_tier(
    admin_client: Client, tree: Tree, db: Database
) -> None:
    client, home = admin_client, tree.community
    topic = await raise_topic(client, home)
    await move(client, home, topic, "under_review")
    no_reason = await client.post(
        url(home, f"/topics/{topic}/transitions"), json={"to": "rejected"}
    )
    assert no_reason.status_code == 422
    assert no_reason.json()["errors"][0]["field"] == "reason"
    await move(client, home, topic, "accepted", "published", "in_deliberation", "voting")

    async def refused(to: str, code: str) -> None:
        response = await client.post(
            url(home, f"/topics/{topic}/transitions"), json={"to": to, "reason": "结果"}
        )
        assert response.status_code == 409, response.text
        assert code_of(response) == code

    await refused("result_published", "no-closed-vote")
    sid, people = await meeting(client, home, topic)
    vote = await open_vote(client, home, sid)
    await refused("result_published", "vote-open")
    await refused("in_deliberation", "vote-open")
    await cast(client, home, vote, people, ["no", "no", "no", "yes", "yes"])
    await post(client, home, f"/votes/{vote}/close")
    await move(client, home, topic, "result_published")
    await refused("in_implementation", "not-passed")
    detail = await get(client, home, f"/topics/{topic}")
    assert detail["outcome"] == "failed"

    passed = await raise_topic(client, home, title="小区绿化")
    await move(client, home, passed, "under_review", "accepted", "published", "in_deliberation")
    await move(client, home, passed, "voting")
    sid, people = await meeting(client, home, passed)
    vote = await open_vote(client, home, sid)
    await cast(client, home, vote, people, ["yes"] * 5)
    await post(client, home, f"/votes/{vote}/close")
    await move(client, home, passed, "result_published", "in_implementation")
    topic = passed
    await refused("evaluated", "tasks-open")
    task = await post(
        client,
        home,
        f"/topics/{passed}/tasks",
        {"title": "补种", "owner_name": "绿化队", "due_on": "2000-01-01"},
    )
    assert (task["overdue"], task["on_time"]) == (True, None)
    await refused("evaluated", "tasks-open")
    done = await post(
        client, home, f"/tasks/{task['id']}/progress", {"progress": 100, "note": "好"}
    )
    assert (done["status"], done["on_time"], len(done["updates"])) == ("done", False, 1)
    await move(client, home, passed, "evaluated")

    history = (await get(client, home, f"/topics/{passed}"))["transitions"]
    assert [t["to_state"] for t in history] == [
        "under_review",
        "accepted",
        "published",
        "in_deliberation",
        "voting",
        "result_published",
        "in_implementation",
        "evaluated",
    ]
    assert {t["actor_name"] for t in history} == {"root"} or all(t["actor_id"] for t in history)
    assert {t["acting_tenant_id"] for t in history} == {str(home.id)}
    assert history[5]["reason"] == "结果公示"
    async with db.session() as session:
        times = list(
            await session.scalars(
                select(Transition.at)
                .where(Transition.topic_id == uuid.UUID(passed))
                .order_by(Transition.at)
            )
        )
    assert len(times) == 8
    assert all(t.tzinfo is not None for t in times)


async def test_the_transition_table_is_published_for_clients(
    admin_client: Client, tree: Tree
) -> None:
    table = await get(admin_client, tree.community, "/topics/transition-table")
    assert table["initial"] == "collected"
    assert {row["state"]: row["next"] for row in table["states"]} == {
        state: list(targets) for state, targets in states.TRANSITIONS.items()
    }
    rows = {row["state"]: row for row in table["states"]}
    assert rows["under_review"]["reason_required"] == ["rejected"]
    assert rows["voting"]["title"] == "表决中"


async def test_a_topic_is_raised_with_a_category_from_the_settings_and_contacts_kept_apart(
    admin_client: Client, tree: Tree, make_user: Any, login_as: Any, db: Database
) -> None:
    bad = await admin_client.post(
        url(tree.community, "/topics"), json={**_body(), "category": "治安"}
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "category"

    await make_user("resident", [(tree.community.slug, "member")])
    resident = await login_as("resident")
    raised = await admin_client.post(url(tree.community, "/topics"), json=_body(), headers=resident)
    assert raised.status_code == 201, raised.text
    topic = raised.json()
    assert topic["state"] == "collected"
    assert topic["may_act"] is True
    assert "13812345678" not in raised.text
    assert "contact" not in raised.text
    move_as_resident = await admin_client.post(
        url(tree.community, f"/topics/{topic['id']}/transitions"),
        json={"to": "under_review"},
        headers=resident,
    )
    assert move_as_resident.status_code == 404
    contacts = await get(admin_client, tree.community, f"/topics/{topic['id']}/contacts")
    assert contacts["proposer_contact"] == "13812345678"
    assert contacts["cosigners"] == [{"name": "李建国", "contact": "13987654321"}]

    listed = await get(admin_client, tree.town, "/topics", state="collected", q="照明")
    assert [t["id"] for t in listed["items"]] == [topic["id"]]
    assert (await get(admin_client, tree.neighbour, "/topics"))["total"] == 0


async def test_an_organisation_is_named_plainly_or_through_the_directory(
    admin_client: Client, tree: Tree, db: Database
) -> None:
    named = await admin_client.post(
        url(tree.other_community, "/topics"),
        json=_body(proposer_kind="organisation", organisation_id=str(uuid.uuid4())),
    )
    assert named.status_code == 422, "no organisation directory is on in the other district"
    plain = await post(
        admin_client, tree.other_community, "/topics", _body(proposer_kind="organisation")
    )
    assert plain["organisation_id"] is None
    async with db.session(write=True) as session:
        session.add(
            ModulePolicy(tenant_id=tree.district.id, module="five-sector", policy="required")
        )
    org = await admin_client.post(
        "/api/v1/tenants/wangfulu/five-sector/organisations",
        json={
            "name": "银龄帮帮团",
            "kind": "community",
            "category": "服务类",
            "founders_count": 3,
            "members_count": 12,
        },
    )
    assert org.status_code == 201, org.text
    org_id = org.json()["id"]
    by_id = await post(
        admin_client,
        tree.community,
        "/topics",
        _body(proposer_kind="organisation", proposer_name="随便写", organisation_id=org_id),
    )
    assert (by_id["proposer_name"], by_id["organisation_id"]) == ("银龄帮帮团", org_id)
    elsewhere = await admin_client.post(
        url(tree.village, "/topics"),
        json=_body(proposer_kind="organisation", organisation_id=org_id),
    )
    assert elsewhere.status_code == 422
    assert elsewhere.json()["errors"][0]["field"] == "organisation_id"


def _body(**extra: Any) -> dict[str, Any]:
    from tests.plugins.deliberation_hall.conftest import topic_body

    return topic_body(**extra)
