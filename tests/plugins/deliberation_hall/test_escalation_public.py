"""Escalation up the tiers with the raising community's continued view, and the public view
read anonymously: never an unpublished topic, a secret ballot's choices or contact data."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import event, update

from core.db import Database
from core.modules.models import ModuleChoice, ModulePolicy
from core.tenancy.models import Tenant
from plugins.deliberation_hall.public.access import public_scope
from tests.plugins.deliberation_hall.conftest import (
    MODULE,
    Client,
    Tree,
    cast,
    code_of,
    decided_topic,
    get,
    meeting,
    move,
    open_vote,
    post,
    raise_topic,
    url,
)

ANONYMOUS = {"Authorization": ""}


async def test_a_community_passes_a_topic_up_and_keeps_seeing_it_and_its_outcome(
    admin_client: Client, tree: Tree, make_user: Any, login_as: Any
) -> None:
    client, home = admin_client, tree.community
    await make_user("community-staff", [(home.slug, "staff")])
    await make_user("town-staff", [(tree.town.slug, "staff")])
    staff = await login_as("community-staff")
    town = await login_as("town-staff")
    topic = await raise_topic(client, home, title="老旧小区加装电梯")
    await move(client, home, topic, "under_review", "accepted")

    up = await client.post(
        url(home, f"/topics/{topic}/escalations"), json={"reason": "涉及资金统筹"}, headers=staff
    )
    assert up.status_code == 201, up.text
    escalated = up.json()
    assert escalated["handling_tenant_id"] == str(tree.town.id)
    assert (escalated["may_act"], escalated["allowed_next"]) == (False, [])

    refused = await client.post(
        url(home, f"/topics/{topic}/transitions"), json={"to": "published"}, headers=staff
    )
    assert refused.status_code == 409
    assert (code_of(refused), refused.json()["handling_tenant"]) == ("escalated", "gaotangling")
    no_session = await client.post(
        url(home, f"/topics/{topic}/sessions"),
        json={
            "kind": "meeting",
            "title": "议事会",
            "place": "社区",
            "starts_at": "2026-03-02T01:00:00Z",
        },
        headers=staff,
    )
    assert code_of(no_session) == "escalated"
    again = await client.post(
        url(home, f"/topics/{topic}/escalations"), json={"reason": "再报"}, headers=staff
    )
    assert code_of(again) == "escalated"

    at_town = await client.get(url(tree.town, f"/topics/{topic}"), headers=town)
    assert at_town.json()["may_act"] is True
    for to in ("published", "in_deliberation", "voting"):
        moved = await client.post(
            url(tree.town, f"/topics/{topic}/transitions"), json={"to": to}, headers=town
        )
        assert moved.status_code == 201, moved.text
    sid, people = await meeting(client, tree.town, topic)
    vote = await open_vote(client, tree.town, sid)
    await cast(client, tree.town, vote, people, ["yes"] * 4 + ["no"])
    await post(client, tree.town, f"/votes/{vote}/close")
    await move(client, tree.town, topic, "result_published")

    seen = await client.get(url(home, f"/topics/{topic}"), headers=staff)
    assert seen.status_code == 200
    view = seen.json()
    assert (view["state"], view["outcome"], view["may_act"]) == (
        "result_published",
        "passed",
        False,
    )
    assert [e["to_tenant_id"] for e in view["escalations"]] == [str(tree.town.id)]
    assert {t["acting_tenant_id"] for t in view["transitions"][2:]} == {str(tree.town.id)}
    listed = await client.get(url(home, "/topics"), params={"escalated": "true"}, headers=staff)
    assert [t["id"] for t in listed.json()["items"]] == [topic]
    assert (await client.get(url(home, f"/votes/{vote}"), headers=staff)).json()["outcome"] == (
        "passed"
    )
    assert (await get(client, tree.neighbour, "/topics"))["total"] == 0

    district = await post(
        client, tree.town, f"/topics/{topic}/escalations", {"reason": "需区级资金"}
    )
    assert district["handling_tenant_id"] == str(tree.district.id)
    top = await client.post(
        url(tree.district, f"/topics/{topic}/escalations"), json={"reason": "再往上"}
    )
    assert code_of(top) == "escalation-top"
    town_view = await client.get(url(tree.town, f"/topics/{topic}"), headers=town)
    assert town_view.json()["may_act"] is False
    assert len(town_view.json()["escalations"]) == 2


async def test_the_public_view_shows_only_published_topics_and_public_fields(
    admin_client: Client, tree: Tree, db: Database, make_user: Any, login_as: Any
) -> None:
    """Read by a visitor who holds no role anywhere in the tree (a resident of another
    district): the page shows what it would show anyone. A request without any login is
    refused by the kernel before the module sees it (see docs/modules/deliberation-hall.md,
    "Public view"), so it never shows anything."""
    client, home = admin_client, tree.community
    await make_user("visitor", [(tree.other_community.slug, "member")])
    visitor = await login_as("visitor")
    fresh = await raise_topic(client, home, title="未公开的议题")
    accepted = await raise_topic(client, home, title="已采纳未公示")
    await move(client, home, accepted, "under_review", "accepted")
    rejected = await raise_topic(client, home, title="不予采纳的议题")
    await move(client, home, rejected, "under_review", "rejected", "closed")
    done = await decided_topic(client, home, title="楼道照明改造")
    await post(
        client,
        home,
        f"/topics/{done}/tasks",
        {"title": "换灯", "owner_name": "物业", "due_on": "2099-01-01"},
    )
    secret_topic = await raise_topic(client, home, title="停车收费调整")
    await move(client, home, secret_topic, "under_review", "accepted", "published")
    await move(client, home, secret_topic, "in_deliberation", "voting")
    sid, people = await meeting(client, home, secret_topic)
    secret = await open_vote(client, home, sid, "majority", secret=True)
    await cast(client, home, secret, people, ["yes", "no", "yes", "yes", "abstain"])
    await post(client, home, f"/votes/{secret}/close")
    neighbour_topic = await raise_topic(client, tree.neighbour, title="邻居社区的议题")
    await move(client, tree.neighbour, neighbour_topic, "under_review", "accepted", "published")

    closed = await client.get(url(home, "/public/topics"), headers=visitor)
    assert closed.status_code == 404, "the public view is off by default"
    unknown = await client.get(url("nowhere", "/public/topics"), headers=visitor)
    assert unknown.status_code == 404
    preview = await get(client, home, "/public/topics")
    assert {t["id"] for t in preview["items"]} == {done, secret_topic}

    await _settings(db, tree.town, {"public_view": True})
    await _settings(db, tree.neighbour, {"public_view": False})
    town_page = await client.get(url(tree.town, "/public/topics"), headers=visitor)
    assert town_page.status_code == 200, town_page.text
    assert {t["id"] for t in town_page.json()["items"]} == {done, secret_topic}
    page = await client.get(url(home, "/public/topics"), headers=visitor)
    assert {t["id"] for t in page.json()["items"]} == {done, secret_topic}
    assert (
        await client.get(url(tree.neighbour, "/public/topics"), headers=visitor)
    ).status_code == 404
    assert (
        await client.get(url(tree.village, "/public/topics"), headers=visitor)
    ).status_code == 404
    filtered = await client.get(
        url(home, "/public/topics"), params={"state": "in_implementation"}, headers=visitor
    )
    assert [t["id"] for t in filtered.json()["items"]] == [done]
    for hidden in (fresh, accepted, rejected, neighbour_topic):
        response = await client.get(url(tree.town, f"/public/topics/{hidden}"), headers=visitor)
        assert response.status_code == 404, hidden

    detail = await client.get(url(home, f"/public/topics/{secret_topic}"), headers=visitor)
    assert detail.status_code == 200
    body = detail.json()
    (vote,) = body["votes"]
    assert (vote["secret"], vote["outcome"], vote["counts"]) == (
        True,
        "passed",
        {"yes": 3, "no": 1, "abstain": 1},
    )
    assert body["sessions"][0]["present"] == 5
    implemented = (await client.get(url(home, f"/public/topics/{done}"), headers=visitor)).json()
    assert [t["title"] for t in implemented["tasks"]] == ["换灯"]

    anonymous = []
    for path in ("/public/topics", f"/public/topics/{done}", f"/public/topics/{secret_topic}"):
        response = await client.get(url(home, path), headers=ANONYMOUS)
        assert response.status_code == 200, response.text
        anonymous.append(response.json())
    assert anonymous == [page.json(), implemented, body]
    for closed_page in (tree.neighbour, tree.village):
        response = await client.get(url(closed_page, "/public/topics"), headers=ANONYMOUS)
        assert response.status_code == 401
        assert "邻居社区的议题" not in response.text
    for hidden in (fresh, accepted, rejected, neighbour_topic):
        response = await client.get(url(home, f"/public/topics/{hidden}"), headers=ANONYMOUS)
        assert response.status_code == 404, hidden

    everything = json.dumps([page.json(), body, implemented, *anonymous], ensure_ascii=False)
    for private in (
        "13812345678",
        "13987654321",
        "1360000",
        "张桂英",
        "李建国",
        "代表0",
        "contact",
    ):
        assert private not in everything, private
    assert "representative_id" not in everything
    assert "未公开的议题" not in everything
    assert "不予采纳" not in everything


async def _settings(db: Database, tenant: Tenant, values: dict[str, Any]) -> None:
    async with db.session(write=True) as session:
        await session.execute(
            update(Tenant)
            .where(Tenant.id == tenant.id)
            .values(settings={"modules": {"deliberation-hall": values}})
        )


async def test_the_public_scope_resolves_every_tenant_of_the_subtree_in_one_query(
    tree: Tree, db: Database
) -> None:
    """Each tenant's ``public_view`` is inherited as module settings are (the nearest override
    wins), read with its ancestors and subtree in one statement, however many tenants."""
    await _settings(db, tree.district, {"public_view": True})
    await _settings(db, tree.neighbour, {"public_view": False})
    await _settings(db, tree.rural_town, {"public_view": False})
    await _settings(db, tree.village, {"public_view": True})
    statements: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    engine = db.engine.sync_engine
    async with db.session() as session:
        event.listen(engine, "before_cursor_execute", seen)
        try:
            district = await public_scope(session, tree.district)
            town = await public_scope(session, tree.town)
            neighbour = await public_scope(session, tree.neighbour)
        finally:
            event.remove(engine, "before_cursor_execute", seen)
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 3, statements
    assert not district.preview
    assert set(district.tenant_ids) == {
        tree.district.id,
        tree.town.id,
        tree.community.id,
        tree.village.id,
    }
    assert district.names[tree.village.id] == "新康村"
    assert set(town.tenant_ids) == {tree.town.id, tree.community.id}
    assert neighbour.preview
    assert neighbour.tenant_ids == [tree.neighbour.id]


async def test_a_topic_is_not_passed_up_to_a_tenant_where_the_module_is_off(
    admin_client: Client, tree: Tree, db: Database
) -> None:
    """Nobody at a town without the deliberation hall could handle the topic, so the community
    keeps it and is told why."""
    async with db.session(write=True) as session:
        await session.execute(
            update(ModulePolicy)
            .where(ModulePolicy.tenant_id == tree.district.id, ModulePolicy.module == MODULE)
            .values(policy="allowed")
        )
        for tenant, enabled in ((tree.town, False), (tree.community, True)):
            session.add(ModuleChoice(tenant_id=tenant.id, module=MODULE, enabled=enabled))
    client, home = admin_client, tree.community
    topic = await raise_topic(client, home, title="老旧小区加装电梯")
    await move(client, home, topic, "under_review", "accepted")
    refused = await client.post(
        url(home, f"/topics/{topic}/escalations"), json={"reason": "涉及资金统筹"}
    )
    assert refused.status_code == 409, refused.text
    assert (code_of(refused), refused.json()["parent_tenant"]) == (
        "escalation-module-off",
        tree.town.slug,
    )
    assert refused.json()["title"] == "高塘岭街道未启用居民议事厅，议题不能上报到该级"
    kept = await get(client, home, f"/topics/{topic}")
    assert (kept["handling_tenant_id"], kept["escalations"]) == (str(home.id), [])
