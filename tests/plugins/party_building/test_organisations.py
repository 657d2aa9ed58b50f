"""Party organisations: every size rule shows as a warning and never refuses; coverage; the
body above a branch may sit at a tenant above it."""

from __future__ import annotations

import uuid

from sqlalchemy import insert

from core.db import Database
from plugins.five_sector.models import Organisation
from tests.plugins.party_building.conftest import (
    Client,
    Tree,
    get,
    member,
    organisation,
    post,
    url,
)


def codes(org: dict[str, object]) -> set[str]:
    return {w["code"] for w in org["warnings"]}  # type: ignore[attr-defined]


async def test_each_size_rule_is_a_warning_on_the_organisation_and_in_the_list(
    admin_client: Client, tree: Tree
) -> None:
    committee = await organisation(admin_client, tree.district, "综合党委", "committee")
    small = await organisation(
        admin_client, tree.town, "小支部", parent_id=committee["id"], has_committee=True
    )
    assert codes(small) == {"too-few-full-members", "committee-too-small"}
    for n in range(3):
        await member(admin_client, tree.town, small["id"], f"党员{n}")
    fixed = await get(admin_client, tree.town, f"/organisations/{small['id']}")
    assert codes(fixed) == {"committee-too-small"}
    assert (fixed["full_members"], fixed["members_total"]) == (3, 3)

    joint = await organisation(
        admin_client,
        tree.town,
        "联合支部",
        "joint_branch",
        units=[{"organisation_name": f"单位{n}"} for n in range(5)],
    )
    assert "joint-branch-too-many-units" not in codes(joint)
    sixth = await post(
        admin_client,
        tree.town,
        f"/organisations/{joint['id']}/units",
        {"organisation_name": "单位5"},
    )
    assert "joint-branch-too-many-units" in codes(sixth)
    assert len(sixth["units"]) == 6

    general = await organisation(admin_client, tree.town, "党总支", "general_branch")
    assert "general-branch-size" in codes(general)
    assert "party-committee-size" in codes(committee)
    grown = await organisation(admin_client, tree.urban, "大支部")
    for n in range(50):
        await member(admin_client, tree.urban, grown["id"], f"成员{n}")
    grown = await get(admin_client, tree.urban, f"/organisations/{grown['id']}")
    assert codes(grown) == {"branch-too-large"}

    listed = await get(admin_client, tree.district, "/warnings?limit=200")
    pairs = {(w["organisation_name"], w["code"]) for w in listed["items"]}
    assert {
        ("小支部", "committee-too-small"),
        ("联合支部", "joint-branch-too-many-units"),
        ("联合支部", "too-few-full-members"),
        ("党总支", "general-branch-size"),
        ("综合党委", "party-committee-size"),
        ("大支部", "branch-too-large"),
    } <= pairs
    assert all(w["message"] and w["message_en"] for w in listed["items"])


async def test_settings_move_the_thresholds(admin_client: Client, tree: Tree) -> None:
    response = await admin_client.patch(
        f"/api/v1/tenants/{tree.town.slug}",
        json={"settings": {"modules": {"party-building": {"branch_min_full_members": 1}}}},
    )
    assert response.status_code == 200, response.text
    lone = await organisation(admin_client, tree.urban, "一人支部")
    await member(admin_client, tree.urban, lone["id"], "独")
    assert codes(await get(admin_client, tree.urban, f"/organisations/{lone['id']}")) == set()


async def test_a_parent_above_is_allowed_a_parent_beside_is_not(
    admin_client: Client, tree: Tree
) -> None:
    committee = await organisation(admin_client, tree.district, "综合党委", "committee")
    beside = await organisation(admin_client, tree.rural_town, "乔口支部")
    ok = await organisation(admin_client, tree.urban, "望府路支部", parent_id=committee["id"])
    assert ok["parent_id"] == committee["id"]
    refused = await admin_client.post(
        url(tree.urban, "/organisations"),
        json={"name": "x", "kind": "branch", "established_on": "2025-01-01",
              "parent_id": beside["id"]},
    )  # fmt: skip
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "parent_id"
    listed = await get(admin_client, tree.urban, "/organisations")
    assert [o["name"] for o in listed["items"]] == ["望府路支部"]
    assert (
        await admin_client.get(url(tree.urban, f"/organisations/{committee['id']}"))
    ).status_code == 404


async def test_coverage_counts_bodies_and_instructors_once(
    admin_client: Client, tree: Tree
) -> None:
    await organisation(
        admin_client,
        tree.town,
        "联合支部",
        "joint_branch",
        units=[{"organisation_name": "银龄帮帮团"}, {"organisation_name": "新向阳志愿队"}],
    )
    await post(
        admin_client,
        tree.urban,
        "/instructors",
        {"name": "张指导员", "organisation_name": "广场舞队", "assigned_on": "2026-01-01"},
    )
    await post(
        admin_client,
        tree.town,
        "/instructors",
        {"name": "李指导员", "organisation_name": "银龄帮帮团", "assigned_on": "2026-01-01"},
    )
    coverage = await get(admin_client, tree.district, "/coverage")
    assert (coverage["with_party_body"], coverage["with_instructor"], coverage["covered"]) == (
        2,
        1,
        3,
    )
    metrics = (await admin_client.get("/api/v1/tenants/wangcheng/metrics")).json()
    (units,) = [f for f in metrics["figures"] if f["name"] == "party-building.units_covered"]
    assert units["total"] == 3
    unknown = await admin_client.post(
        url(tree.urban, "/instructors"),
        json={"name": "王", "assigned_on": "2026-01-01"},
    )
    assert unknown.status_code == 422


async def test_units_are_named_from_the_directory_when_five_sector_is_on(
    admin_client: Client, tree: Tree
) -> None:
    created = await admin_client.post(
        url(tree.urban, "/organisations", "five-sector"),
        json={"name": "银龄帮帮团", "kind": "community", "category": "服务类"},
    )
    assert created.status_code == 201, created.text
    fs_id = created.json()["id"]
    elsewhere = await admin_client.post(
        url(tree.village, "/organisations", "five-sector"),
        json={"name": "新康腰鼓队", "kind": "community", "category": "文体类"},
    )
    joint = await organisation(
        admin_client, tree.town, "联合支部", "joint_branch", units=[{"organisation_id": fs_id}]
    )
    assert [(u["organisation_id"], u["organisation_name"]) for u in joint["units"]] == [
        (fs_id, "银龄帮帮团")
    ]
    outside = await admin_client.post(
        url(tree.town, f"/organisations/{joint['id']}/units"),
        json={"organisation_id": elsewhere.json()["id"]},
    )
    assert outside.status_code == 422
    assert outside.json()["errors"][0]["field"] == "organisation_id"
    coverage = await get(admin_client, tree.district, "/coverage")
    assert (coverage["covered"], coverage["directory_total"], coverage["share_percent"]) == (
        1,
        2,
        50,
    )


async def test_the_coverage_share_counts_every_directory_organisation_past_ten_thousand(
    admin_client: Client, tree: Tree, db: Database
) -> None:
    """The directory's total is a count in the database, not a capped listing."""
    rows = [
        {
            "id": uuid.uuid4(),
            "tenant_id": tree.urban.id if n % 2 else tree.village.id,
            "name": f"社会组织{n:05d}",
            "kind": "community",
            "category": "服务类",
            "status": "dissolved" if n == 0 else "incubating",
        }
        for n in range(10_002)
    ]
    async with db.session(write=True) as session:
        await session.execute(insert(Organisation), rows)
    await organisation(
        admin_client,
        tree.town,
        "联合支部",
        "joint_branch",
        units=[{"organisation_id": str(rows[1]["id"])}],
    )
    coverage = await get(admin_client, tree.district, "/coverage")
    assert (coverage["covered"], coverage["directory_total"], coverage["share_percent"]) == (
        1,
        10_001,
        0,
    )
    town = await get(admin_client, tree.town, "/coverage")
    assert town["directory_total"] == 5_001
