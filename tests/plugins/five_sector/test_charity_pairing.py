from __future__ import annotations

from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.plugins.five_sector.conftest import Tree, url

Client = AsyncTestClient[Litestar]


def money(quantity: Any, **extra: Any) -> dict[str, Any]:
    return {"kind": "money", "donor_kind": "foundation", "donor_name": "湖南省某基金会",
            "description": "公益创投配套资金", "quantity": quantity, "received_on": "2026-03-01",
            **extra}  # fmt: skip


async def test_money_is_whole_positive_fen(admin_client: Client, tree: Tree) -> None:
    for quantity in (1.5, -1, 0, 0.5, "一百"):
        response = await admin_client.post(
            url(tree.town, "/charity-resources"), json=money(quantity)
        )
        assert response.status_code == 422, (quantity, response.text)
    listed = (await admin_client.get(url(tree.town, "/charity-resources"))).json()
    assert listed["total"] == 0
    created = await admin_client.post(
        url(tree.town, "/charity-resources"), json=money(2_000_000_00)
    )
    assert created.status_code == 201
    assert (created.json()["unit"], created.json()["balance"]) == ("fen", 2_000_000_00)


async def test_goods_need_a_unit(admin_client: Client, tree: Tree) -> None:
    goods = {**money(50), "kind": "goods", "donor_kind": "enterprise", "description": "米"}
    assert (
        await admin_client.post(url(tree.town, "/charity-resources"), json=goods)
    ).status_code == 422
    created = await admin_client.post(
        url(tree.town, "/charity-resources"), json={**goods, "unit": "袋"}
    )
    assert created.status_code == 201


async def test_allocations_keep_a_running_balance_that_never_goes_negative(
    admin_client: Client, tree: Tree
) -> None:
    resource = (
        await admin_client.post(url(tree.town, "/charity-resources"), json=money(10_000))
    ).json()
    path = url(tree.town, f"/charity-resources/{resource['id']}/allocations")
    first = await admin_client.post(path, json={"amount": 6_000, "project": "城市新农人"})
    assert first.status_code == 201, first.text
    assert first.json()["balance"] == 4_000
    for bad in ({"amount": 1.5, "project": "p"}, {"amount": -1, "project": "p"}, {"amount": 10}):
        assert (await admin_client.post(path, json=bad)).status_code == 422, bad
    too_much = await admin_client.post(path, json={"amount": 4_001, "project": "p"})
    assert too_much.status_code == 409
    last = await admin_client.post(path, json={"amount": 4_000, "project": "新向阳志愿服务"})
    assert last.json()["balance"] == 0
    detail = (await admin_client.get(url(tree.town, f"/charity-resources/{resource['id']}"))).json()
    assert (detail["balance"], detail["allocated"]) == (0, 10_000)
    assert [a["amount"] for a in detail["allocations"]] == [6_000, 4_000]


async def pairing(client: Client, tree: Tree, **extra: Any) -> Any:
    return await client.post(
        url(tree.district, "/pairings"),
        json={"urban": "wangfulu", "rural": "xinkang", "started_on": "2024-06-01",
              "goals": ["联合开展助农活动"], **extra},
    )  # fmt: skip


async def test_the_district_pairs_an_urban_community_with_a_village_once(
    admin_client: Client, tree: Tree
) -> None:
    created = await pairing(admin_client, tree)
    assert created.status_code == 201, created.text
    assert created.json()["rural_tenant_id"] == str(tree.village.id)
    assert (await pairing(admin_client, tree)).status_code == 409
    swapped = await pairing(admin_client, tree, urban="xinkang", rural="wangfulu")
    assert swapped.status_code == 422
    outside = await admin_client.post(
        url(tree.town, "/pairings"),
        json={"urban": "wangfulu", "rural": "xinkang", "started_on": "2024-06-01"},
    )
    assert outside.status_code == 422
    foreign = await pairing(admin_client, tree, urban="yuelu-c1")
    assert foreign.status_code == 422


async def test_joint_activities_are_seen_by_both_communities_and_their_ancestors_only(
    admin_client: Client, tree: Tree
) -> None:
    pairing_id = (await pairing(admin_client, tree)).json()["id"]
    created = await admin_client.post(
        url(tree.village, f"/pairings/{pairing_id}/activities"),
        json={"title": "城乡助农集市", "category": "助农", "place": "新康村广场",
              "starts_at": "2026-09-01T01:00:00Z", "ends_at": "2026-09-01T05:00:00Z"},
    )  # fmt: skip
    assert created.status_code == 201, created.text
    activity_id = created.json()["id"]
    assert created.json()["tenant_id"] == str(tree.district.id)
    for tenant in (tree.urban, tree.village, tree.town, tree.rural_town, tree.district):
        response = await admin_client.get(url(tenant, f"/activities/{activity_id}"))
        assert response.status_code == 200, tenant.slug
        listed = (await admin_client.get(url(tenant, "/activities"))).json()
        assert [a["id"] for a in listed["items"]] == [activity_id]
    for tenant in (tree.other_district, tree.other_community):
        assert (
            await admin_client.get(url(tenant, f"/activities/{activity_id}"))
        ).status_code == 404
        assert (await admin_client.get(url(tenant, f"/pairings/{pairing_id}"))).status_code == 404


async def test_a_village_volunteer_serves_in_a_joint_activity(
    admin_client: Client, tree: Tree
) -> None:
    pairing_id = (await pairing(admin_client, tree)).json()["id"]
    activity_id = (
        await admin_client.post(
            url(tree.urban, f"/pairings/{pairing_id}/activities"),
            json={
                "title": "结对义诊",
                "category": "医疗",
                "place": "新康村卫生室",
                "starts_at": "2026-09-02T01:00:00Z",
                "ends_at": "2026-09-02T03:00:00Z",
            },
        )
    ).json()["id"]
    volunteer = (
        await admin_client.post(
            url(tree.village, "/volunteers"), json={"name": "赵强", "volunteer_number": "X1"}
        )
    ).json()["id"]
    joined = await admin_client.post(
        url(tree.village, f"/activities/{activity_id}/participants"),
        json={"role": "volunteer", "volunteer_id": volunteer},
    )
    participant = joined.json()["id"]
    await admin_client.post(
        url(tree.village, f"/activities/{activity_id}/participants/{participant}/check-in")
    )
    closed = await admin_client.post(
        url(tree.urban, f"/activities/{activity_id}/close"), json={"verified_by": "联合党支部"}
    )
    assert closed.status_code == 200, closed.text
    detail = (await admin_client.get(url(tree.village, f"/volunteers/{volunteer}"))).json()
    assert detail["total_hours"] == 2.0
    # The village's participant is the urban community's to see through the activity alone
    # (on PostgreSQL the policy's arm ``gongzhi_visible_fs_activities()``), not elsewhere.
    seen = (await admin_client.get(url(tree.urban, f"/activities/{activity_id}"))).json()
    assert [p["id"] for p in seen["participants"]] == [participant]
    foreign = await admin_client.get(url(tree.other_community, f"/activities/{activity_id}"))
    assert foreign.status_code == 404
