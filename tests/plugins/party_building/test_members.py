"""Members: personal data only for holders of ``party-building:people`` and the member,
probation reminders and conversion, transfers with their history."""

from __future__ import annotations

from datetime import date, timedelta

from core.testing import LoginAs, MakeUser
from tests.plugins.party_building.conftest import (
    Client,
    Tree,
    get,
    member,
    organisation,
    post,
    url,
)

PERSONAL = ("phone", "id_number", "birth_date")


async def test_staff_without_the_permission_see_no_personal_data(
    admin_client: Client, client: Client, tree: Tree, make_user: MakeUser, login_as: LoginAs
) -> None:
    org = await organisation(admin_client, tree.urban, "望府路支部")
    li = await make_user("li-member", [("wangfulu", "member")])
    await member(
        admin_client, tree.urban, org["id"], "李红", phone="13907310001",
        id_number="43011219900101123X", birth_date="1990-01-01", user_id=str(li),
        show_identity=True, model_post="党员示范岗",
    )  # fmt: skip
    await member(admin_client, tree.urban, org["id"], "王强", phone="13907310002")
    everyone = await get(admin_client, tree.urban, "/members")
    assert {m["phone"] for m in everyone["items"]} == {"13907310001", "13907310002"}

    await make_user("zhang-staff", [("wangfulu", "staff")])
    staff = await login_as("zhang-staff")
    for path in ("/members", f"/members/{everyone['items'][0]['id']}", "/conversion-reminders"):
        response = await client.get(url(tree.urban, path), headers=staff)
        assert response.status_code in (403, 404), (path, response.text)
        assert "13907310001" not in response.text
    roster = await client.get(url(tree.urban, f"/organisations/{org['id']}/roster"), headers=staff)
    assert roster.status_code == 200, roster.text
    assert sorted(r["name"] for r in roster.json()["items"]) == ["李红", "王强"]
    assert all(set(r) == {"id", "name", "status"} for r in roster.json()["items"])
    listing = await client.get(url(tree.urban, "/service-listing"), headers=staff)
    assert [(s["name"], s["model_post"]) for s in listing.json()["items"]] == [
        ("李红", "党员示范岗")
    ]
    assert not any(field in listing.text for field in PERSONAL)

    mine = await client.get(url(tree.urban, "/me/membership"), headers=await login_as("li-member"))
    assert mine.status_code == 200, mine.text
    (record,) = mine.json()["items"]
    assert (record["name"], record["phone"], record["id_number"]) == (
        "李红",
        "13907310001",
        "43011219900101123X",
    )


async def test_probationary_members_are_reminded_and_converted_once_due(
    admin_client: Client, tree: Tree
) -> None:
    today = date.today()
    org = await organisation(admin_client, tree.town, "高塘岭支部")
    due_soon = await member(
        admin_client, tree.town, org["id"], "陈预备", "probationary",
        joined_on=(today - timedelta(days=350)).isoformat(),
    )  # fmt: skip
    overdue = await member(
        admin_client, tree.town, org["id"], "周逾期", "probationary",
        joined_on=(today - timedelta(days=400)).isoformat(),
    )  # fmt: skip
    await member(
        admin_client, tree.town, org["id"], "吴新人", "probationary",
        joined_on=(today - timedelta(days=100)).isoformat(),
    )  # fmt: skip
    assert due_soon["conversion_due_on"] is not None
    reminders = await get(admin_client, tree.district, "/conversion-reminders")
    assert [(r["name"], r["overdue"]) for r in reminders["items"]] == [
        ("周逾期", True),
        ("陈预备", False),
    ]

    early = await admin_client.post(
        url(tree.town, f"/members/{due_soon['id']}/conversion"),
        json={"converted_on": today.isoformat()},
    )
    assert early.status_code == 422
    assert early.json()["errors"][0]["field"] == "converted_on"
    converted = await post(
        admin_client, tree.town, f"/members/{overdue['id']}/conversion",
        {"converted_on": today.isoformat()}, status=201,
    )  # fmt: skip
    assert (converted["status"], converted["conversion_due_on"]) == ("full", None)
    again = await admin_client.post(
        url(tree.town, f"/members/{overdue['id']}/conversion"),
        json={"converted_on": today.isoformat()},
    )
    assert again.status_code == 409
    assert again.json()["allowed"] == []
    reminders = await get(admin_client, tree.town, "/conversion-reminders")
    assert [r["name"] for r in reminders["items"]] == ["陈预备"]
    full = await get(admin_client, tree.town, f"/organisations/{org['id']}")
    assert (full["full_members"], full["probationary_members"]) == (1, 2)


async def test_a_transfer_moves_the_member_and_keeps_the_history(
    admin_client: Client, tree: Tree
) -> None:
    first = await organisation(admin_client, tree.urban, "望府路支部")
    second = await organisation(admin_client, tree.village, "新康村支部")
    moved = await member(admin_client, tree.urban, first["id"], "刘调动")
    beyond = await admin_client.post(
        url(tree.urban, f"/members/{moved['id']}/transfers"),
        json={"to_organisation_id": second["id"], "transferred_on": "2026-03-01", "reason": "搬家"},
    )
    assert beyond.status_code == 422
    result = await post(
        admin_client, tree.district, f"/members/{moved['id']}/transfers",
        {"to_organisation_id": second["id"], "transferred_on": "2026-03-01", "reason": "搬家"},
    )  # fmt: skip
    assert result["party_organisation_id"] == second["id"]
    assert result["tenant_id"] == str(tree.village.id)
    assert [(t["from_organisation_id"], t["to_organisation_id"]) for t in result["transfers"]] == [
        (first["id"], second["id"])
    ]
    assert (await get(admin_client, tree.urban, "/members"))["total"] == 0
    assert (await get(admin_client, tree.village, f"/members/{moved['id']}"))["name"] == "刘调动"
