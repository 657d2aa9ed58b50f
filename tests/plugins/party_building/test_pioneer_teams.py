"""Pioneer teams: person-times credited from five-sector's closed activities once per event,
recorded by hand, and everything working with five-sector switched off."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select

from core.db import Database
from core.modules.dispatch import tree_context
from core.modules.events import Event
from core.modules.models import OutboxEvent
from core.testing import MakeUser
from plugins.party_building.pioneer_teams.services import credit_from_activity
from tests.plugins.party_building.conftest import (
    Client,
    Tree,
    get,
    member,
    organisation,
    post,
    url,
)


async def five_sector(client: Client, tenant: Any, path: str, body: Any = None) -> Any:
    response = await client.post(url(tenant, path, "five-sector"), json=body)
    assert response.status_code in (200, 201), response.text
    return response.json()


async def closed_activity(client: Client, tree: Tree, user_ids: list[uuid.UUID | None]) -> str:
    """An activity at 望府路社区 with one checked-in volunteer per user id, not yet closed."""
    activity = await five_sector(
        client, tree.urban, "/activities",
        {"title": "重阳敬老", "category": "为老服务", "place": "党群服务中心",
         "starts_at": "2026-10-29T01:00:00Z", "ends_at": "2026-10-29T03:00:00Z"},
    )  # fmt: skip
    for n, user_id in enumerate(user_ids):
        body: dict[str, Any] = {"name": f"志愿者{n}", "volunteer_number": f"V{n:03d}"}
        if user_id is not None:
            body["user_id"] = str(user_id)
        volunteer = await five_sector(client, tree.urban, "/volunteers", body)
        participant = await five_sector(
            client, tree.urban, f"/activities/{activity['id']}/participants",
            {"role": "volunteer", "volunteer_id": volunteer["id"]},
        )  # fmt: skip
        await five_sector(
            client,
            tree.urban,
            f"/activities/{activity['id']}/participants/{participant['id']}/check-in",
        )
    return str(activity["id"])


async def test_closing_an_activity_credits_the_town_team_once_per_event(
    admin_client: Client, tree: Tree, db: Database, make_user: MakeUser
) -> None:
    party_user = await make_user("dangyuan", [("wangfulu", "member")])
    branch = await organisation(admin_client, tree.town, "高塘岭支部")
    leader = await member(admin_client, tree.town, branch["id"], "李队长", user_id=str(party_user))
    team = await post(
        admin_client, tree.town, "/pioneer-teams",
        {"name": "银龄先锋队", "theme": "助老", "leader_name": "李队长",
         "party_organisation_id": branch["id"], "member_ids": [leader["id"]]},
    )  # fmt: skip
    other_team = await post(
        admin_client, tree.rural_town, "/pioneer-teams",
        {"name": "乔口先锋队", "theme": "助农", "leader_name": "王"},
    )  # fmt: skip
    activity = await closed_activity(admin_client, tree, [party_user, None, None])
    link = {"activity_id": activity, "title": "重阳敬老"}
    await post(admin_client, tree.town, f"/pioneer-teams/{team['id']}/activities", link)
    await post(admin_client, tree.rural_town, f"/pioneer-teams/{other_team['id']}/activities", link)

    await five_sector(
        admin_client, tree.urban, f"/activities/{activity}/close", {"verified_by": "王主任"}
    )
    credited = await get(admin_client, tree.town, f"/pioneer-teams/{team['id']}")
    assert (
        credited["person_times"],
        credited["member_person_times"],
        credited["other_person_times"],
    ) == (3, 1, 2)
    (service,) = (await get(admin_client, tree.town, f"/pioneer-teams/{team['id']}/services"))[
        "items"
    ]
    assert (service["source"], service["activity_id"]) == ("event", activity)
    beside = await get(admin_client, tree.rural_town, f"/pioneer-teams/{other_team['id']}")
    assert beside["person_times"] == 0, "a team of another town is not credited"

    async with db.session() as session:
        row = await session.scalar(
            select(OutboxEvent).where(OutboxEvent.type == "five-sector.activity-closed")
        )
        assert row is not None
        event = Event(row.id, row.type, row.source, row.tenant_id, dict(row.payload))
    async with db.session(write=True, context=tree_context(tree.urban)) as session:
        await credit_from_activity(session, event)
    # A redelivery of the same event, as the dispatcher runs it, changes nothing.
    replayed = await get(admin_client, tree.town, f"/pioneer-teams/{team['id']}")
    assert replayed["person_times"] == 3
    figures = await get(admin_client, tree.district, "/figures")
    assert (figures["person_times"], figures["member_share_percent"]) == (3, 33)
    metrics = (await admin_client.get("/api/v1/tenants/wangcheng/metrics")).json()
    values = {f["name"]: f["total"] for f in metrics["figures"]}
    assert values["party-building.person_times"] == 3
    assert values["party-building.pioneer_teams"] == 2


async def test_everything_works_with_five_sector_off(
    admin_client: Client, tree_without_five_sector: Tree
) -> None:
    tree = tree_without_five_sector
    off = await admin_client.get(url(tree.urban, "/volunteers", "five-sector"))
    assert off.status_code == 404
    refused = await admin_client.post(
        url(tree.town, "/organisations"),
        json={"name": "支部", "kind": "branch", "established_on": "2025-01-01",
              "units": [{"organisation_id": str(uuid.uuid4())}]},
    )  # fmt: skip
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "units[0].organisation_id"
    branch = await organisation(
        admin_client, tree.town, "支部", units=[{"organisation_name": "银龄帮帮团"}]
    )
    assert branch["units"][0]["organisation_name"] == "银龄帮帮团"
    full = await member(admin_client, tree.town, branch["id"], "张")
    team = await post(
        admin_client, tree.town, "/pioneer-teams",
        {"name": "先锋队", "theme": "环保", "leader_name": "张", "member_ids": [full["id"]]},
    )  # fmt: skip
    for members_part, others in ((10, 25), (4, 0)):
        await post(
            admin_client, tree.town, f"/pioneer-teams/{team['id']}/services",
            {"title": "河道清理", "served_on": "2026-06-01",
             "member_person_times": members_part, "other_person_times": others},
        )  # fmt: skip
    empty = await admin_client.post(
        url(tree.town, f"/pioneer-teams/{team['id']}/services"),
        json={"title": "x", "served_on": "2026-06-01", "member_person_times": 0,
              "other_person_times": 0},
    )  # fmt: skip
    assert empty.status_code == 422
    shown = await get(admin_client, tree.district, f"/pioneer-teams/{team['id']}")
    assert (shown["person_times"], shown["member_person_times"]) == (39, 14)
    figures = await get(admin_client, tree.district, "/figures")
    assert figures["pioneer_teams"] == 1
    assert figures["coverage"]["directory_total"] is None
    assert figures["coverage"]["share_percent"] is None
    assert figures["coverage"]["covered"] == 1
    assert figures["organisations_by_kind"]["branch"] == 1


async def test_a_person_time_is_counted_once_whether_credited_or_entered_by_hand(
    admin_client: Client, tree: Tree
) -> None:
    """A hand entry names the activity it was; the team then cannot have it credited too, and
    an activity the team links is never entered by hand."""
    team = await post(
        admin_client, tree.town, "/pioneer-teams",
        {"name": "银龄先锋队", "theme": "助老", "leader_name": "李队长"},
    )  # fmt: skip
    services = f"/pioneer-teams/{team['id']}/services"
    linked = await closed_activity(admin_client, tree, [None, None])
    await post(
        admin_client, tree.town, f"/pioneer-teams/{team['id']}/activities",
        {"activity_id": linked, "title": "重阳敬老"},
    )  # fmt: skip
    entry = {"title": "重阳敬老", "served_on": "2026-10-29", "member_person_times": 1,
             "other_person_times": 1}  # fmt: skip
    twice = await admin_client.post(url(tree.town, services), json={**entry, "activity_id": linked})
    assert twice.status_code == 409, twice.text
    assert twice.json()["type"].endswith("/activity-credited")
    await five_sector(
        admin_client, tree.urban, f"/activities/{linked}/close", {"verified_by": "王主任"}
    )
    after = await admin_client.post(url(tree.town, services), json={**entry, "activity_id": linked})
    assert after.status_code == 409
    assert after.json()["type"].endswith("/activity-credited")

    by_hand = str(uuid.uuid4())
    await post(admin_client, tree.town, services, {**entry, "activity_id": by_hand})
    again = await admin_client.post(
        url(tree.town, services), json={**entry, "activity_id": by_hand}
    )
    assert again.status_code == 409
    assert again.json()["type"].endswith("/activity-entered-by-hand")
    refused = await admin_client.post(
        url(tree.town, f"/pioneer-teams/{team['id']}/activities"),
        json={"activity_id": by_hand, "title": "入户走访"},
    )
    assert refused.status_code == 409, refused.text
    assert refused.json()["type"].endswith("/activity-entered-by-hand")
    await post(admin_client, tree.town, services, {**entry, "title": "楼道清扫"})

    counted = await get(admin_client, tree.town, f"/pioneer-teams/{team['id']}")
    assert counted["person_times"] == 2 + 2 + 2, "the closing's 2, and two hand entries of 2"
    figures = await get(admin_client, tree.district, "/figures")
    assert figures["person_times"] == 6
