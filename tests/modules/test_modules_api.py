"""Modules switched on per tenant down the tree, enforced on their routes."""

from __future__ import annotations

from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from core.db import Database
from core.testing import make_tree, problem_code
from tests.modules.sample_plugins import BrokenMetricsPlugin, ListenerPlugin, NotesPlugin

TREE: dict[str, Any] = {
    "district": {
        "town-a": {"comm-a1": {}, "comm-a2": {}},
        "town-b": {"comm-b1": {}},
    },
    "other-district": {},
}

notes = NotesPlugin()
listener = ListenerPlugin("notes.pinged")
tree_listener = ListenerPlugin("notes.pinged", name="tree-listener", scope="tree")


@pytest.fixture
def app_plugins() -> list[tuple[str, Any]]:
    notes.lifecycle.clear()
    listener.seen.clear()
    listener.reaches.clear()
    tree_listener.seen.clear()
    tree_listener.reaches.clear()
    return [
        ("notes", notes),
        ("listener", listener),
        ("tree-listener", tree_listener),
        ("needs-notes", NotesPlugin("needs-notes", requires=["notes"])),
        ("town-only", NotesPlugin("town-only", levels=["town"])),
        ("broken-metrics", BrokenMetricsPlugin()),
    ]


@pytest.fixture
async def tree(db: Database) -> dict[str, Any]:
    return await make_tree(db, TREE)


Client = AsyncTestClient[Litestar]


async def put_choice(client: Client, tenant: str, module: str, enabled: bool) -> Any:
    return await client.put(f"/api/v1/tenants/{tenant}/modules/{module}", json={"enabled": enabled})


async def put_policy(client: Client, tenant: str, module: str, policy: str) -> Any:
    return await client.put(
        f"/api/v1/tenants/{tenant}/modules/{module}/policy", json={"policy": policy}
    )


async def states(client: Client, tenant: str) -> dict[str, dict[str, Any]]:
    response = await client.get(f"/api/v1/tenants/{tenant}/modules")
    assert response.status_code == 200, response.text
    return {row["module"]: row for row in response.json()["items"]}


async def test_module_route_answers_only_where_enabled(admin_client: Client, tree: Any) -> None:
    response = await admin_client.get("/api/v1/tenants/comm-a1/notes/hello")
    assert response.status_code == 404
    assert problem_code(response.json()) == "module-not-enabled"

    assert (await put_choice(admin_client, "comm-a1", "notes", True)).status_code == 200
    response = await admin_client.get("/api/v1/tenants/comm-a1/notes/hello")
    assert response.status_code == 200
    assert response.json() == {"module": "notes", "tenant": "comm-a1"}
    for other in ("comm-a2", "town-a"):
        assert (await admin_client.get(f"/api/v1/tenants/{other}/notes/hello")).status_code == 404
    assert notes.lifecycle == [("enabled", "comm-a1")]


async def test_forbidding_at_the_town_switches_the_community_off(
    admin_client: Client, tree: Any
) -> None:
    await put_choice(admin_client, "comm-a1", "notes", True)
    response = await put_policy(admin_client, "town-a", "notes", "forbidden")
    assert response.status_code == 200, response.text
    assert (await admin_client.get("/api/v1/tenants/comm-a1/notes/hello")).status_code == 404
    state = (await states(admin_client, "comm-a1"))["notes"]
    assert state["enabled"] is False
    assert (state["reason"], state["decided_by"], state["detail"]) == (
        "policy",
        "town-a",
        "forbidden",
    )
    refused = await put_choice(admin_client, "comm-a1", "notes", True)
    assert refused.status_code == 409
    assert problem_code(refused.json()) == "module-policy"


async def test_required_policy_turns_the_module_on_below_and_cannot_be_switched_off(
    admin_client: Client, tree: Any
) -> None:
    assert (await put_policy(admin_client, "district", "notes", "required")).status_code == 200
    for tenant in ("district", "town-b", "comm-b1", "comm-a2"):
        assert (await states(admin_client, tenant))["notes"]["enabled"] is True
    assert (await states(admin_client, "other-district"))["notes"]["enabled"] is False
    assert (await put_choice(admin_client, "comm-b1", "notes", False)).status_code == 409


async def test_deeper_policy_may_only_narrow(admin_client: Client, tree: Any) -> None:
    await put_policy(admin_client, "district", "notes", "forbidden")
    response = await put_policy(admin_client, "town-a", "notes", "allowed")
    assert response.status_code == 409
    response = await put_policy(admin_client, "town-a", "notes", "required")
    assert response.status_code == 409
    assert (await put_policy(admin_client, "town-a", "notes", "forbidden")).status_code == 200
    await put_policy(admin_client, "district", "notes", "allowed")
    assert (await put_policy(admin_client, "town-b", "notes", "required")).status_code == 200


async def test_dependencies_are_enforced_both_ways(admin_client: Client, tree: Any) -> None:
    response = await put_choice(admin_client, "comm-a1", "needs-notes", True)
    assert response.status_code == 409
    assert response.json()["requires"] == ["notes"]
    await put_choice(admin_client, "comm-a1", "notes", True)
    assert (await put_choice(admin_client, "comm-a1", "needs-notes", True)).status_code == 200
    response = await put_choice(admin_client, "comm-a1", "notes", False)
    assert response.status_code == 409
    assert response.json()["dependents"] == ["needs-notes"]
    assert "needs-notes" in response.json()["detail"]


async def test_forbidding_a_dependency_switches_dependents_off(
    admin_client: Client, tree: Any
) -> None:
    await put_choice(admin_client, "comm-a1", "notes", True)
    await put_choice(admin_client, "comm-a1", "needs-notes", True)
    await put_policy(admin_client, "town-a", "notes", "forbidden")
    state = (await states(admin_client, "comm-a1"))["needs-notes"]
    assert (state["enabled"], state["reason"]) == (False, "dependency")
    assert (await admin_client.get("/api/v1/tenants/comm-a1/needs-notes/hello")).status_code == 404


async def test_level_restriction(admin_client: Client, tree: Any) -> None:
    refused = await put_choice(admin_client, "comm-a1", "town-only", True)
    assert refused.status_code == 409
    assert problem_code(refused.json()) == "module-level"
    assert (await put_choice(admin_client, "town-a", "town-only", True)).status_code == 200
    await put_policy(admin_client, "district", "town-only", "required")
    state = (await states(admin_client, "comm-a1"))["town-only"]
    assert (state["enabled"], state["reason"]) == (False, "level")


async def test_bad_input_is_refused_and_changes_nothing(admin_client: Client, tree: Any) -> None:
    for body in ({"enabled": "yes"}, {"enabled": True, "extra": 1}, {}):
        response = await admin_client.put("/api/v1/tenants/comm-a1/modules/notes", json=body)
        assert response.status_code == 422, body
    response = await put_policy(admin_client, "town-a", "notes", "sometimes")
    assert response.status_code == 422
    response = await put_choice(admin_client, "comm-a1", "no-such-module", True)
    assert response.status_code == 404
    assert (await states(admin_client, "comm-a1"))["notes"]["reason"] == "default"


async def test_events_reach_enabled_subscribers_after_commit(
    admin_client: Client, tree: Any
) -> None:
    await put_choice(admin_client, "comm-a1", "notes", True)
    response = await admin_client.post("/api/v1/tenants/comm-a1/notes/ping")
    assert response.status_code == 201
    assert listener.seen == []
    await put_choice(admin_client, "comm-a1", "listener", True)
    response = await admin_client.post("/api/v1/tenants/comm-a1/notes/ping")
    assert response.status_code == 201
    assert [str(e) for e in listener.seen] == [response.json()["event"]]


async def test_a_subscriber_sees_the_event_s_subtree_or_with_tree_scope_its_whole_tree(
    admin_client: Client, tree: Any
) -> None:
    for module in ("notes", "listener", "tree-listener"):
        await put_choice(admin_client, "comm-a1", module, True)
    response = await admin_client.post("/api/v1/tenants/comm-a1/notes/ping")
    assert response.status_code == 201
    assert listener.reaches == [tree["comm-a1"].path]
    assert tree_listener.reaches == [tree["district"].path]


async def test_failing_subscriber_does_not_fail_the_request(
    admin_client: Client, tree: Any, db: Database
) -> None:
    listener.fail = True
    try:
        await put_choice(admin_client, "comm-a1", "notes", True)
        await put_choice(admin_client, "comm-a1", "listener", True)
        response = await admin_client.post("/api/v1/tenants/comm-a1/notes/ping")
        assert response.status_code == 201
    finally:
        listener.fail = False
    from sqlalchemy import select

    from core.modules.models import OutboxEvent

    async with db.session() as session:
        row = (await session.scalars(select(OutboxEvent))).one()
    assert row.dispatched_at is None
    assert row.attempts == 1
    assert row.last_error is not None
    assert row.last_error.startswith("listener: RuntimeError")


async def test_metrics_roll_up_by_child_and_skip_a_broken_module(
    admin_client: Client, tree: Any
) -> None:
    await put_choice(admin_client, "district", "notes", True)
    await put_choice(admin_client, "district", "broken-metrics", True)
    response = await admin_client.get("/api/v1/tenants/district/metrics")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["failed"] == ["broken-metrics.x"]
    (figure,) = body["figures"]
    assert figure["name"] == "notes.tenants"
    assert figure["total"] == 6
    assert figure["own"] == 1
    assert {c["slug"]: c["value"] for c in figure["children"]} == {"town-a": 3, "town-b": 2}


async def test_tenant_created_reaches_plugins_enabled_at_the_new_tenant(
    admin_client: Client, tree: Any
) -> None:
    await put_policy(admin_client, "town-a", "notes", "required")
    body = {"slug": "comm-a3", "name": "新社区", "level": "community"}
    assert (
        await admin_client.post("/api/v1/tenants/town-a/children", json=body)
    ).status_code == 201
    body = {"slug": "comm-b2", "name": "另一社区", "level": "community"}
    assert (
        await admin_client.post("/api/v1/tenants/town-b/children", json=body)
    ).status_code == 201
    assert ("created", "comm-a3") in notes.lifecycle
    assert ("created", "comm-b2") not in notes.lifecycle
