from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select

from core.db import Database
from core.modules.models import OutboxEvent
from tests.plugins.five_sector.conftest import Tree, url

Client = AsyncTestClient[Litestar]
TODAY = date.today().isoformat()


async def new_volunteer(client: Client, tenant: Any, number: str = "V001", **extra: Any) -> str:
    response = await client.post(
        url(tenant, "/volunteers"),
        json={"name": "李芳", "volunteer_number": number, "id_type": "居民身份证",
              "id_number": "430112199001011234", "skills": ["理发"], **extra},
    )  # fmt: skip
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def entry(hours: Any, **extra: Any) -> dict[str, Any]:
    return {
        "hours": hours,
        "served_on": TODAY,
        "content": "陪伴老人",
        "verified_by": "王主任",
        **extra,
    }


async def test_duplicate_volunteer_number_in_a_tenant_conflicts_but_not_across_tenants(
    admin_client: Client, tree: Tree
) -> None:
    await new_volunteer(admin_client, tree.urban, "V001")
    again = await admin_client.post(
        url(tree.urban, "/volunteers"), json={"name": "张三", "volunteer_number": "V001"}
    )
    assert again.status_code == 409
    await new_volunteer(admin_client, tree.village, "V001")
    listed = (await admin_client.get(url(tree.district, "/volunteers"))).json()
    assert listed["total"] == 2


async def test_hours_out_of_range_are_rejected_and_nothing_written(
    admin_client: Client, tree: Tree
) -> None:
    volunteer = await new_volunteer(admin_client, tree.urban)
    path = url(tree.urban, f"/volunteers/{volunteer}/entries")
    for hours in (0, -1, 24.5, 25, "abc", "1.234", "0.01"):
        response = await admin_client.post(path, json=entry(hours))
        assert response.status_code == 422, (hours, response.text)
    ledger = (await admin_client.get(path)).json()
    assert ledger["total"] == 0


async def test_ledger_totals_stars_and_reversals(admin_client: Client, tree: Tree) -> None:
    volunteer = await new_volunteer(admin_client, tree.urban)
    path = url(tree.urban, f"/volunteers/{volunteer}/entries")
    for _ in range(4):
        assert (await admin_client.post(path, json=entry(24))).status_code == 201
    last = (await admin_client.post(path, json=entry("4.5"))).json()
    detail = (await admin_client.get(url(tree.urban, f"/volunteers/{volunteer}"))).json()
    assert (detail["total_hours"], detail["star_level"]) == (100.5, 1)

    reversal = await admin_client.post(
        url(tree.urban, f"/volunteers/{volunteer}/entries/{last['id']}/reversal"),
        json={"reason": "录入错误", "verified_by": "王主任"},
    )
    assert reversal.status_code == 201, reversal.text
    assert reversal.json()["hours"] == -4.5
    detail = (await admin_client.get(url(tree.urban, f"/volunteers/{volunteer}"))).json()
    assert (detail["total_hours"], detail["star_level"]) == (96.0, 0)

    twice = await admin_client.post(
        url(tree.urban, f"/volunteers/{volunteer}/entries/{last['id']}/reversal"),
        json={"reason": "again", "verified_by": "王主任"},
    )
    assert twice.status_code == 409
    of_reversal = await admin_client.post(
        url(tree.urban, f"/volunteers/{volunteer}/entries/{reversal.json()['id']}/reversal"),
        json={"reason": "again", "verified_by": "王主任"},
    )
    assert of_reversal.status_code == 409
    ledger = (await admin_client.get(path)).json()
    assert [e["kind"] for e in ledger["items"]] == ["credit"] * 5 + ["reversal"]


async def test_every_ledger_entry_publishes_an_event(
    admin_client: Client, tree: Tree, db: Database
) -> None:
    volunteer = await new_volunteer(admin_client, tree.urban)
    await admin_client.post(url(tree.urban, f"/volunteers/{volunteer}/entries"), json=entry(2))
    async with db.session() as session:
        events = (await session.execute(select(OutboxEvent))).scalars().all()
    assert [(e.type, e.source, e.payload["minutes"]) for e in events] == [
        ("five-sector.service-hours-recorded", "five-sector", 120)
    ]


async def test_social_workers_are_recorded_with_the_tenants_they_serve(
    admin_client: Client, tree: Tree
) -> None:
    created = await admin_client.post(
        url(tree.town, "/social-workers"),
        json={"name": "周敏", "certificate_level": "social_worker", "served_tenants": ["wangfulu"]},
    )
    assert created.status_code == 201, created.text
    assert created.json()["served_tenant_ids"] == [str(tree.urban.id)]
    outside = await admin_client.post(
        url(tree.town, "/social-workers"),
        json={"name": "周敏", "certificate_level": "senior", "served_tenants": ["xinkang"]},
    )
    assert outside.status_code == 422
    bad_level = await admin_client.post(
        url(tree.town, "/social-workers"), json={"name": "周敏", "certificate_level": "master"}
    )
    assert bad_level.status_code == 422
    listed = (await admin_client.get(url(tree.district, "/social-workers"))).json()
    assert listed["total"] == 1


async def activity(client: Client, tenant: Any, **extra: Any) -> str:
    response = await client.post(
        url(tenant, "/activities"),
        json={"title": "重阳节义剪", "category": "为老服务", "place": "党群服务中心",
              "starts_at": "2026-10-29T01:00:00Z", "ends_at": "2026-10-29T04:30:00Z", **extra},
    )  # fmt: skip
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def sign_up(client: Client, tenant: Any, activity_id: str, **body: Any) -> str:
    response = await client.post(url(tenant, f"/activities/{activity_id}/participants"), json=body)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def check_in(client: Client, tenant: Any, activity_id: str, participant: str) -> int:
    response = await client.post(
        url(tenant, f"/activities/{activity_id}/participants/{participant}/check-in")
    )
    return response.status_code


async def test_closing_credits_checked_in_volunteers_once_and_counts_person_times(
    admin_client: Client, tree: Tree
) -> None:
    v1 = await new_volunteer(admin_client, tree.urban, "V1")
    v2 = await new_volunteer(admin_client, tree.urban, "V2")
    act = await activity(admin_client, tree.urban)
    p1 = await sign_up(admin_client, tree.urban, act, role="volunteer", volunteer_id=v1)
    await sign_up(admin_client, tree.urban, act, role="volunteer", volunteer_id=v2)
    residents = [
        await sign_up(admin_client, tree.urban, act, role="beneficiary", name=f"居民{i}")
        for i in range(3)
    ]
    for participant in (p1, *residents[:2]):
        assert await check_in(admin_client, tree.urban, act, participant) == 200
    closed = await admin_client.post(
        url(tree.urban, f"/activities/{act}/close"), json={"verified_by": "王主任"}
    )
    assert closed.status_code == 200, closed.text
    body = closed.json()
    assert (body["status"], body["person_times"]) == ("closed", 2)
    assert [(e["volunteer_id"], e["hours"]) for e in body["credited"]] == [(v1, 3.5)]

    again = await admin_client.post(
        url(tree.urban, f"/activities/{act}/close"), json={"verified_by": "王主任"}
    )
    assert again.status_code == 409
    v1_detail = (await admin_client.get(url(tree.urban, f"/volunteers/{v1}"))).json()
    v2_detail = (await admin_client.get(url(tree.urban, f"/volunteers/{v2}"))).json()
    assert (v1_detail["total_hours"], v2_detail["total_hours"]) == (3.5, 0.0)


async def test_check_in_or_sign_up_after_close_is_refused(admin_client: Client, tree: Tree) -> None:
    act = await activity(admin_client, tree.urban)
    late = await sign_up(admin_client, tree.urban, act, role="beneficiary", name="居民")
    await admin_client.post(url(tree.urban, f"/activities/{act}/close"),
                            json={"verified_by": "王主任", "beneficiary_person_times": 40})  # fmt: skip
    assert await check_in(admin_client, tree.urban, act, late) == 409
    refused = await admin_client.post(
        url(tree.urban, f"/activities/{act}/participants"),
        json={"role": "beneficiary", "name": "x"},
    )
    assert refused.status_code == 409
    detail = (await admin_client.get(url(tree.urban, f"/activities/{act}"))).json()
    assert detail["person_times"] == 40
    assert detail["participants"][0]["checked_in_at"] is None


async def test_capacity_limits_sign_ups_and_times_must_make_sense(
    admin_client: Client, tree: Tree
) -> None:
    act = await activity(admin_client, tree.urban, capacity=1)
    await sign_up(admin_client, tree.urban, act, role="beneficiary", name="甲")
    full = await admin_client.post(
        url(tree.urban, f"/activities/{act}/participants"),
        json={"role": "beneficiary", "name": "乙"},
    )
    assert full.status_code == 409
    backwards = await admin_client.post(
        url(tree.urban, "/activities"),
        json={"title": "t", "category": "c", "place": "p",
              "starts_at": "2026-10-29T04:00:00Z", "ends_at": "2026-10-29T03:00:00Z"},
    )  # fmt: skip
    assert backwards.status_code == 422


async def test_activity_credit_conflicts_with_a_manual_entry_for_the_same_activity(
    admin_client: Client, tree: Tree
) -> None:
    volunteer = await new_volunteer(admin_client, tree.urban)
    act = await activity(admin_client, tree.urban)
    path = url(tree.urban, f"/volunteers/{volunteer}/entries")
    assert (await admin_client.post(path, json=entry(2, activity_id=act))).status_code == 201
    assert (await admin_client.post(path, json=entry(2, activity_id=act))).status_code == 409


async def test_a_volunteer_sees_and_exports_only_their_own_record(
    admin_client: Client, tree: Tree, make_user: Any, login_as: Any
) -> None:
    li = await make_user("li-fang", [(tree.urban.slug, "member")])
    await make_user("zhang-san", [(tree.urban.slug, "member")])
    volunteer = await new_volunteer(admin_client, tree.urban, "V001", user_id=str(li))
    await admin_client.post(url(tree.urban, f"/volunteers/{volunteer}/entries"), json=entry(3))
    other = await new_volunteer(admin_client, tree.urban, "V002", name="王五")
    await admin_client.post(url(tree.urban, f"/volunteers/{other}/entries"), json=entry(7))

    mine = await admin_client.get(
        url(tree.urban, "/me/volunteer-record?format=json"), headers=await login_as("li-fang")
    )
    assert mine.status_code == 200, mine.text
    assert "V001" in mine.text
    assert "V002" not in mine.text
    html = await admin_client.get(
        url(tree.urban, "/me/volunteer-record?format=html"), headers=await login_as("li-fang")
    )
    assert html.status_code == 200
    assert html.headers["content-type"].startswith("text/html")
    assert "李芳" in html.text

    not_a_volunteer = await admin_client.get(
        url(tree.urban, "/me/volunteer-record?format=json"), headers=await login_as("zhang-san")
    )
    assert not_a_volunteer.status_code == 404
    someone_else = await admin_client.get(
        url(tree.urban, f"/volunteers/{other}"), headers=await login_as("li-fang")
    )
    assert someone_else.status_code == 404


async def test_volunteers_are_filtered_by_skill_one_page_at_a_time(
    admin_client: Client, tree: Tree
) -> None:
    for n, skills in enumerate((["理发"], ["理发", "维修"], ["维修"], ["理发师"])):
        await new_volunteer(admin_client, tree.urban, f"S{n}", skills=skills)
    path = url(tree.district, "/volunteers")
    barbers = (await admin_client.get(path, params={"skill": "理发", "limit": 1})).json()
    assert (barbers["total"], len(barbers["items"]), barbers["limit"]) == (2, 1, 1)
    assert barbers["items"][0]["volunteer_number"] == "S0"
    second = (await admin_client.get(path, params={"skill": "理发", "offset": 1})).json()
    assert [v["volunteer_number"] for v in second["items"]] == ["S1"]
