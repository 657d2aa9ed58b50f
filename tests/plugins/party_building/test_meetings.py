"""Meetings: the assembly quorum, and the compliance view across month and quarter boundaries."""

from __future__ import annotations

from typing import Any

from tests.plugins.party_building.conftest import Client, Tree, get, member, organisation, post


async def meeting(
    client: Client, tree: Tree, org: str, type: str, held_on: str, attendees: tuple[str, ...] = ()
) -> dict[str, Any]:
    body = {
        "party_organisation_id": org,
        "type": type,
        "held_on": held_on,
        "topic": "学习",
        "attendee_ids": list(attendees),
    }
    result: dict[str, Any] = await post(client, tree.town, "/meetings", body)
    return result


def by_type(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {t["type"]: t for t in view["types"]}


async def test_an_assembly_needs_more_than_half_of_full_members(
    admin_client: Client, tree: Tree
) -> None:
    org = await organisation(admin_client, tree.town, "支部", established_on="2026-01-01")
    full = [(await member(admin_client, tree.town, org["id"], f"正式{n}"))["id"] for n in range(4)]
    probationary = await member(admin_client, tree.town, org["id"], "预备", "probationary")
    half = await meeting(
        admin_client, tree, org["id"], "party_assembly", "2026-02-10",
        (*full[:2], probationary["id"]),
    )  # fmt: skip
    assert (half["full_members_count"], half["attendees_count"], half["quorum_met"]) == (
        4,
        3,
        False,
    )
    more = await meeting(
        admin_client, tree, org["id"], "party_assembly", "2026-02-20", tuple(full[:3])
    )
    assert more["quorum_met"] is True
    lesson = await meeting(
        admin_client, tree, org["id"], "party_lesson", "2026-02-21", tuple(full[:1])
    )
    assert lesson["quorum_met"] is None
    stranger = await organisation(admin_client, tree.town, "别的支部")
    outsider = await member(admin_client, tree.town, stranger["id"], "外人")
    refused = await admin_client.post(
        f"/api/v1/tenants/{tree.town.slug}/party-building/meetings",
        json={"party_organisation_id": org["id"], "type": "theme_day", "held_on": "2026-02-22",
              "topic": "x", "attendee_ids": [outsider["id"]]},
    )  # fmt: skip
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "attendee_ids[0]"


async def test_compliance_counts_periods_across_a_quarter_boundary(
    admin_client: Client, tree: Tree
) -> None:
    org = await organisation(admin_client, tree.town, "支部", established_on="2026-01-01")
    await meeting(admin_client, tree, org["id"], "party_assembly", "2026-03-31")
    await meeting(admin_client, tree, org["id"], "party_lesson", "2026-03-15")
    for held in ("2026-01-20", "2026-03-20", "2026-04-01"):
        await meeting(admin_client, tree, org["id"], "theme_day", held)
    path = f"/organisations/{org['id']}/compliance"

    april = await get(admin_client, tree.town, f"{path}?on=2026-04-02")
    types = by_type(april)
    assert set(types) == {"party_assembly", "party_lesson", "theme_day"}
    assert types["party_assembly"]["overdue"] == []
    assert types["party_assembly"]["current"] == {"start": "2026-04-01", "end": "2026-06-30"}
    assert types["party_assembly"]["current_held"] is False
    assert (types["party_assembly"]["periods_due"], types["party_assembly"]["periods_met"]) == (
        1,
        1,
    )
    assert types["theme_day"]["overdue"] == [{"start": "2026-02-01", "end": "2026-02-28"}]
    assert types["theme_day"]["current_held"] is True
    assert april["overdue_types"] == ["theme_day"]

    march = by_type(await get(admin_client, tree.town, f"{path}?on=2026-03-31"))
    assert march["party_assembly"]["current_held"] is True
    assert march["party_assembly"]["periods_due"] == 0

    july = await get(admin_client, tree.town, f"{path}?on=2026-07-01")
    types = by_type(july)
    assert types["party_assembly"]["overdue"] == [{"start": "2026-04-01", "end": "2026-06-30"}]
    assert types["party_lesson"]["overdue"] == [{"start": "2026-04-01", "end": "2026-06-30"}]
    assert [p["start"] for p in types["theme_day"]["overdue"]] == [
        "2026-02-01",
        "2026-05-01",
        "2026-06-01",
    ]
    assert set(july["overdue_types"]) == {"party_assembly", "party_lesson", "theme_day"}

    listed = await get(admin_client, tree.district, "/compliance?on=2026-07-01")
    assert [c["organisation_name"] for c in listed["items"]] == ["支部"]
    figures = await get(admin_client, tree.district, "/figures?on=2026-07-01")
    assert figures["organisations_overdue"] == 1
    assert figures["meeting_periods_met"] < figures["meeting_periods_due"]


async def test_the_cadence_is_a_setting(admin_client: Client, tree: Tree) -> None:
    response = await admin_client.patch(
        f"/api/v1/tenants/{tree.town.slug}",
        json={"settings": {"modules": {"party-building": {"meeting_cadence": {
            "party_assembly": "year", "theme_day": "quarter"}}}}},
    )  # fmt: skip
    assert response.status_code == 200, response.text
    org = await organisation(admin_client, tree.town, "支部", established_on="2026-01-01")
    await meeting(admin_client, tree, org["id"], "theme_day", "2026-02-01")
    view = await get(
        admin_client, tree.town, f"/organisations/{org['id']}/compliance?on=2026-04-02"
    )
    types = by_type(view)
    assert set(types) == {"party_assembly", "theme_day"}
    assert types["party_assembly"]["cadence"] == "year"
    assert view["overdue_types"] == []
