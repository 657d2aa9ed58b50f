"""The events the module emits, its figures rolled up the tree, and its demo data (loaded once,
consistent, covering every stage the issue names)."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import date
from typing import Any

from litestar import Litestar
from sqlalchemy import select

from core.db import Database
from core.demo import ModuleLoad, load_demo
from core.modules.events import Event
from core.modules.invariants import check_invariants
from core.modules.isolation_matrix import make_tenant
from core.modules.models import ModulePolicy, OutboxEvent
from plugins.deliberation_hall.events import ResultPublished, SessionAnnounced, TopicAccepted
from plugins.deliberation_hall.models import Session, Topic, Vote
from tests.plugins.deliberation_hall.conftest import Client, Tree, decided_topic, get, post


async def figures_of(client: Client, key: str) -> dict[str, Any]:
    response = await client.get(f"/api/v1/tenants/{key}/metrics")
    assert response.status_code == 200, response.text
    return {
        f["name"].removeprefix("deliberation-hall."): f
        for f in response.json()["figures"]
        if f["module"] == "deliberation-hall"
    }


async def test_events_follow_their_contracts_and_figures_roll_up(
    admin_client: Client, tree: Tree, db: Database
) -> None:
    topic = await decided_topic(admin_client, tree.community)
    task = await post(
        admin_client,
        tree.community,
        f"/topics/{topic}/tasks",
        {"title": "换灯", "owner_name": "物业", "due_on": "2099-12-31"},
    )
    await post(
        admin_client,
        tree.community,
        f"/tasks/{task['id']}/progress",
        {"progress": 100, "note": "完工"},
    )
    await post(admin_client, tree.community, f"/topics/{topic}/evaluations", {"score": 4})
    again = await admin_client.post(
        f"/api/v1/tenants/wangfulu/deliberation-hall/topics/{topic}/evaluations", json={"score": 5}
    )
    assert again.status_code == 409
    detail = await get(admin_client, tree.community, f"/topics/{topic}")
    assert (detail["satisfaction_count"], detail["satisfaction_average"]) == (1, 4.0)

    async with db.session() as session:
        rows = list(await session.scalars(select(OutboxEvent).order_by(OutboxEvent.created_at)))
    mine = [r for r in rows if r.source == "deliberation-hall"]
    assert [r.type.removeprefix("deliberation-hall.") for r in mine] == [
        "topic-accepted",
        "session-announced",
        "result-published",
    ]
    events = [Event(r.id, r.type, r.source, r.tenant_id, dict(r.payload)) for r in mine]
    accepted = events[0].payload_as(TopicAccepted)
    announced = events[1].payload_as(SessionAnnounced)
    result = events[2].payload_as(ResultPublished)
    assert accepted.topic_id == announced.topic_id == result.topic_id == uuid.UUID(topic)
    assert {e.tenant_id for e in events} == {tree.community.id}
    assert (announced.kind, result.outcome, result.summary) == ("meeting", "passed", "结果公示")

    figures = await figures_of(admin_client, tree.district.slug)
    expected = {
        "topics": 1,
        "topics_in_implementation": 1,
        "topics_collected": 0,
        "results_published": 1,
        "days_to_result": 0,
        "tasks_done": 1,
        "tasks_done_on_time": 1,
        "evaluations": 1,
        "satisfaction_points": 4,
        "hearings_held": 0,
        "participants": 5,
    }
    assert {name: figures[name]["total"] for name in expected} == expected
    by_town = {c["slug"]: c["value"] for c in figures["topics"]["children"]}
    assert by_town["gaotangling"] == 1


async def test_the_demo_loads_once_and_shows_every_stage(
    app: Litestar, admin_client: Client, db: Database
) -> None:
    district = make_tenant(None, "wangcheng", "district", "区", "望城区")
    towns = {slug: make_tenant(district, slug, "town", "街道", name) for slug, name in (
        ("gaotangling", "高塘岭街道"), ("wushan", "乌山街道"))}  # fmt: skip
    communities = [
        make_tenant(towns[town], slug, "community", "社区", f"{slug}社区")
        for town, slugs in (
            ("gaotangling", ("wangfulu", "xinkang", "leifenglu", "donghulu")),
            ("wushan", ("xujiaqiao", "renhe", "wangwanglu")),
        )
        for slug in slugs
    ]
    async with db.session(write=True) as session:
        for tenant in (district, *towns.values(), *communities):
            session.add(tenant)
            await session.flush()
        session.add(
            ModulePolicy(tenant_id=district.id, module="deliberation-hall", policy="required")
        )
    host = app.state.host
    today = date(2026, 11, 30)

    (loaded,) = await load_demo(db, host, "wangcheng", today=today)
    assert loaded.module == "deliberation-hall"
    assert (loaded.added["dh_topics"], loaded.added["dh_votes"]) == (13, 6)
    assert await load_demo(db, host, "wangcheng", today=today) == [
        ModuleLoad("deliberation-hall", {})
    ]
    assert (await check_invariants(db, host))["deliberation-hall"] == []

    async with db.session() as session:
        topics = list(await session.scalars(select(Topic)))
        votes = list(await session.scalars(select(Vote)))
        sessions = list(await session.scalars(select(Session)))
        kinds = Counter(r.type for r in await session.scalars(select(OutboxEvent)))
    assert {t.category for t in topics} == {"社区服务", "环境整治"}
    assert {t.state for t in topics} >= {
        "collected",
        "under_review",
        "accepted",
        "published",
        "in_deliberation",
        "voting",
        "in_implementation",
        "closed",
    }
    assert len({t.tenant_id for t in topics}) == 7
    assert {(v.method, v.secret) for v in votes} >= {
        ("majority", False),
        ("two_thirds", True),
        ("consent", False),
    }
    assert {v.outcome for v in votes} == {"passed", "tie", "blocked", None}
    escalated = [t for t in topics if t.handling_tenant_id != t.tenant_id]
    assert {t.handling_tenant_id for t in escalated} == {towns["gaotangling"].id, district.id}
    (hearing,) = [s for s in sessions if s.kind == "hearing"]
    assert hearing.status == "held"
    assert kinds["deliberation-hall.result-published"] == 3

    check = await get(admin_client, communities[0], f"/sessions/{hearing.id}/check")
    assert (check["breaches"], check["representatives"], check["stakeholders"]) == ([], 18, 7)
    figures = await figures_of(admin_client, "wangcheng")
    assert figures["topics"]["total"] == 13
    assert figures["hearings_held"]["total"] == 1
    assert figures["results_published"]["total"] == 3
    assert figures["days_to_result"]["total"] > 0
    assert figures["evaluations"]["total"] == 12
    assert figures["tasks_done_on_time"]["total"] == figures["tasks_done"]["total"] == 3
    assert figures["participants"]["total"] > 40
    by_town = {c["slug"]: c["value"] for c in figures["topics"]["children"]}
    assert by_town == {"gaotangling": 8, "wushan": 5}
