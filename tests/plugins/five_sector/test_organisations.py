from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient

from plugins.five_sector import rules
from tests.plugins.five_sector.conftest import Tree, url

Client = AsyncTestClient[Litestar]
USCC = rules.make_uscc("5", "1", "430112", "MJ000001")


def community_org(**extra: Any) -> dict[str, Any]:
    return {
        "name": "银龄帮帮团",
        "kind": "community",
        "category": "服务类",
        "founders_count": 3,
        "members_count": 12,
        "charter_document": "章程.pdf",
        "address": "望府路社区党群服务中心",
        **extra,
    }


async def count_orgs(client: Client, tenant: Any) -> int:
    response = await client.get(url(tenant, "/organisations"))
    assert response.status_code == 200
    return int(response.json()["total"])


async def test_registered_organisation_is_created_with_a_valid_uscc(
    admin_client: Client, tree: Tree
) -> None:
    response = await admin_client.post(
        url(tree.district, "/organisations"),
        json={
            "name": "望城区志愿者协会",
            "kind": "social_group",
            "category": "枢纽型",
            "uscc": USCC,
        },
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["status"] == "incubating"
    assert body["uscc"] == USCC


async def test_uscc_with_wrong_check_characters_is_rejected_and_nothing_written(
    admin_client: Client, tree: Tree
) -> None:
    wrong17 = USCC[:16] + ("0" if USCC[16] != "0" else "1") + USCC[17]
    wrong18 = USCC[:17] + ("0" if USCC[17] != "0" else "1")
    for code, fragment in ((wrong17, "char 17"), (wrong18, "char 18")):
        response = await admin_client.post(
            url(tree.district, "/organisations"),
            json={"name": "某协会", "kind": "social_group", "category": "其他", "uscc": code},
        )
        assert response.status_code == 422, response.text
        assert fragment in response.json()["detail"]
    assert await count_orgs(admin_client, tree.district) == 0


async def test_uscc_must_match_the_kind_and_is_not_given_to_filed_organisations(
    admin_client: Client, tree: Tree
) -> None:
    foundation = await admin_client.post(
        url(tree.district, "/organisations"),
        json={"name": "某基金会", "kind": "foundation", "category": "其他", "uscc": USCC},
    )
    assert foundation.status_code == 422
    community = await admin_client.post(
        url(tree.urban, "/organisations"), json=community_org(uscc=USCC)
    )
    assert community.status_code == 422
    assert await count_orgs(admin_client, tree.district) == 0


async def test_duplicate_uscc_in_a_tenant_conflicts(admin_client: Client, tree: Tree) -> None:
    body = {"name": "甲", "kind": "social_group", "category": "其他", "uscc": USCC}
    assert (
        await admin_client.post(url(tree.district, "/organisations"), json=body)
    ).status_code == 201
    again = await admin_client.post(
        url(tree.district, "/organisations"), json={**body, "name": "乙"}
    )
    assert again.status_code == 409


async def test_category_comes_from_the_settings_list_and_unknown_fields_are_rejected(
    admin_client: Client, tree: Tree
) -> None:
    bad_category = await admin_client.post(
        url(tree.urban, "/organisations"), json=community_org(category="娱乐类")
    )
    assert bad_category.status_code == 422
    unknown = await admin_client.post(url(tree.urban, "/organisations"), json=community_org(x=1))
    assert unknown.status_code == 422
    assert await count_orgs(admin_client, tree.urban) == 0


async def test_filing_needs_founders_members_charter_and_sets_a_three_year_expiry(
    admin_client: Client, tree: Tree
) -> None:
    small = await admin_client.post(
        url(tree.urban, "/organisations"), json=community_org(members_count=9)
    )
    org_id = small.json()["id"]
    filing = {"to": "filed", "reason": "街道审核通过", "filing_number": "GTL-2026-001",
              "filed_on": "2026-01-15"}  # fmt: skip
    refused = await admin_client.post(
        url(tree.urban, f"/organisations/{org_id}/transitions"), json=filing
    )
    assert refused.status_code == 422
    assert "members_count" in refused.json()["detail"]
    await admin_client.patch(
        url(tree.urban, f"/organisations/{org_id}"), json={"members_count": 10}
    )
    filed = await admin_client.post(
        url(tree.urban, f"/organisations/{org_id}/transitions"), json=filing
    )
    assert filed.status_code == 200, filed.text
    assert filed.json()["status"] == "filed"
    assert filed.json()["filing_expires_on"] == "2029-01-15"
    assert filed.json()["uscc"] is None


async def test_lifecycle_changes_need_a_reason_follow_the_rules_and_are_recorded(
    admin_client: Client, tree: Tree
) -> None:
    org_id = (
        await admin_client.post(url(tree.urban, "/organisations"), json=community_org())
    ).json()["id"]
    path = url(tree.urban, f"/organisations/{org_id}/transitions")
    no_reason = await admin_client.post(path, json={"to": "dissolved", "reason": " "})
    assert no_reason.status_code == 422
    registered = await admin_client.post(path, json={"to": "registered", "reason": "x"})
    assert registered.status_code == 422
    steps = [
        {"to": "filed", "reason": "备案", "filing_number": "N1", "filed_on": "2026-01-01"},
        {"to": "suspended", "reason": "停止活动半年"},
        {"to": "dissolved", "reason": "成员解散"},
    ]
    for step in steps:
        assert (await admin_client.post(path, json=step)).status_code == 200
    after = await admin_client.post(path, json={"to": "filed", "reason": "重新备案",
                                                "filing_number": "N2", "filed_on": "2026-02-01"})  # fmt: skip
    assert after.status_code == 409
    detail = (await admin_client.get(url(tree.urban, f"/organisations/{org_id}"))).json()
    assert [(h["from"], h["to"], h["reason"]) for h in detail["history"]] == [
        ("incubating", "filed", "备案"),
        ("filed", "suspended", "停止活动半年"),
        ("suspended", "dissolved", "成员解散"),
    ]


async def registered_org(client: Client, tree: Tree, registered_on: date) -> str:
    created = await client.post(
        url(tree.district, "/organisations"),
        json={"name": "望城区社工协会", "kind": "social_group", "category": "枢纽型", "uscc": USCC},
    )
    org_id = str(created.json()["id"])
    response = await client.post(
        url(tree.district, f"/organisations/{org_id}/transitions"),
        json={
            "to": "registered",
            "reason": "民政局登记",
            "registered_on": registered_on.isoformat(),
        },
    )
    assert response.status_code == 200, response.text
    return org_id


async def test_rating_is_for_organisations_registered_two_full_years(
    admin_client: Client, tree: Tree
) -> None:
    today = date.today()
    org_id = await registered_org(admin_client, tree, today - timedelta(days=800))
    path = url(tree.district, f"/organisations/{org_id}/rating")
    too_high = await admin_client.post(path, json={"rating": 6, "rated_on": today.isoformat()})
    assert too_high.status_code == 422
    early = await admin_client.post(
        path, json={"rating": 4, "rated_on": (today - timedelta(days=100)).isoformat()}
    )
    assert early.status_code == 422
    rated = await admin_client.post(path, json={"rating": 4, "rated_on": today.isoformat()})
    assert rated.status_code == 200, rated.text
    assert rated.json()["rating_label"] == "4A"
    assert rated.json()["rating_valid"] is True
    assert rated.json()["rating_valid_until"] == rules.add_years(today, 5).isoformat()


async def test_filed_organisations_cannot_be_rated(admin_client: Client, tree: Tree) -> None:
    org_id = (
        await admin_client.post(url(tree.urban, "/organisations"), json=community_org())
    ).json()["id"]
    response = await admin_client.post(
        url(tree.urban, f"/organisations/{org_id}/rating"),
        json={"rating": 3, "rated_on": "2026-01-01"},
    )
    assert response.status_code == 409


async def test_warnings_list_expiring_filings_and_communities_under_target(
    admin_client: Client, tree: Tree
) -> None:
    org_id = (
        await admin_client.post(url(tree.urban, "/organisations"), json=community_org())
    ).json()["id"]
    filed_on = rules.add_years(date.today() + timedelta(days=20), -3)
    await admin_client.post(
        url(tree.urban, f"/organisations/{org_id}/transitions"),
        json={
            "to": "filed",
            "reason": "备案",
            "filing_number": "N1",
            "filed_on": filed_on.isoformat(),
        },
    )
    warnings = (await admin_client.get(url(tree.district, "/warnings"))).json()
    assert [w["organisation_id"] for w in warnings["filings_expiring"]] == [org_id]
    under = {
        w["name"]: (w["organisations"], w["target"]) for w in warnings["communities_under_target"]
    }
    assert under == {"望府路社区": (1, 10), "新康村": (0, 5)}


async def test_organisations_outside_the_subtree_answer_404(
    admin_client: Client, tree: Tree
) -> None:
    org_id = (
        await admin_client.post(url(tree.urban, "/organisations"), json=community_org())
    ).json()["id"]
    assert (
        await admin_client.get(url(tree.district, f"/organisations/{org_id}"))
    ).status_code == 200
    assert (
        await admin_client.get(url(tree.other_district, f"/organisations/{org_id}"))
    ).status_code == 404
    assert (
        await admin_client.get(url(tree.village, f"/organisations/{org_id}"))
    ).status_code == 404


async def test_organisation_list_is_paginated_and_filterable(
    admin_client: Client, tree: Tree
) -> None:
    for i in range(3):
        await admin_client.post(url(tree.urban, "/organisations"),
                                json=community_org(name=f"组织{i}", category="文体类" if i else "服务类"))  # fmt: skip
    page = (await admin_client.get(url(tree.district, "/organisations?limit=2&offset=0"))).json()
    assert (page["total"], len(page["items"]), page["limit"]) == (3, 2, 2)
    sport = (await admin_client.get(url(tree.district, "/organisations?category=文体类"))).json()
    assert sport["total"] == 2
    assert (await admin_client.get(url(tree.district, "/organisations?limit=0"))).status_code == 400
    assert (
        await admin_client.get(url(tree.district, "/organisations?limit=201"))
    ).status_code == 400
