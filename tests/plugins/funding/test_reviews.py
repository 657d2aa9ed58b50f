"""The panel review through the API: conflicts of interest, weighted scores in integers and
the ranking with its ties; then the public report of a tenant that switches it on."""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient

from plugins.funding.clock import today
from tests.plugins.funding.conftest import (
    TO_REVIEW,
    Tree,
    application_body,
    call_body,
    post_ok,
    url,
    walk,
)

EVEN = {"need": 80, "design": 80, "capacity": 80, "budget": 80}


async def test_conflicted_reviewers_are_refused_and_scores_rank_with_ties(
    admin_client: AsyncTestClient[Any], tree: Tree, make_user: Any, login_as: Any
) -> None:
    call = await post_ok(admin_client, url(tree.district, "/calls"), call_body())
    ids = {}
    for name in "ABCD":
        made = await post_ok(admin_client, url(tree.urban, f"/calls/{call['id']}/applications"),
                             application_body(title=f"项目{name}"))  # fmt: skip
        await walk(admin_client, tree.district, made["id"], *TO_REVIEW)
        ids[name] = made["id"]
    for reviewer in ("zhang", "wang"):
        await make_user(reviewer, [("wangcheng", "staff")], display_name=f"评审{reviewer}")
    zhang, wang = await login_as("zhang"), await login_as("wang")

    async def score(who: dict[str, str], name: str, scores: dict[str, Any]) -> Any:
        return await admin_client.post(
            url(tree.district, f"/applications/{ids[name]}/scores"),
            json={"scores": scores},
            headers=who,
        )

    declared = await admin_client.post(
        url(tree.district, f"/applications/{ids['A']}/conflicts"),
        json={"reason": "申报组织负责人为本人配偶"},
        headers=zhang,
    )
    assert declared.status_code == 201, declared.text
    refused = await score(zhang, "A", EVEN)
    assert refused.status_code == 409
    assert refused.json()["type"].endswith("conflict-of-interest")
    assert "申报组织负责人为本人配偶" in refused.json()["title"]
    assert refused.json()["reason"] == "申报组织负责人为本人配偶"
    for bad in ({"need": 80}, {**EVEN, "need": 101}, {**EVEN, "need": 80.5}, {**EVEN, "x": 1}):
        assert (await score(wang, "A", bad)).status_code == 422, bad
    assert (await score(wang, "A", EVEN)).status_code == 201
    assert (await score(wang, "A", EVEN)).status_code == 409
    sheet = (await score(zhang, "B", EVEN)).json()
    assert sheet["weighted"] == "80.00"
    await score(wang, "B", {"need": 70, "design": 90, "capacity": 80, "budget": 80})
    await score(zhang, "C", {"need": 90, "design": 90, "capacity": 90, "budget": 91})
    await score(wang, "C", {"need": 85, "design": 85, "capacity": 85, "budget": 85})
    await score(zhang, "D", {**EVEN, "need": 81})
    await score(wang, "D", EVEN)
    # A conflict declared after scoring withdraws that sheet from the aggregate.
    await post_ok(admin_client, url(tree.district, f"/applications/{ids['C']}/conflicts"),
                  {"reason": "曾为该组织提供有偿咨询"}, headers=wang)  # fmt: skip
    reviews = (
        await admin_client.get(url(tree.district, f"/applications/{ids['C']}/reviews"))
    ).json()
    assert reviews["score"] == "90.20"
    assert [s["counted"] for s in reviews["sheets"]] == [True, False]
    ranking = (await admin_client.get(url(tree.district, f"/calls/{call['id']}/ranking"))).json()
    assert [(i["title"], i["score"], i["rank"], i["tied"]) for i in ranking["items"]] == [
        ("项目C", "90.20", 1, False),
        ("项目D", "80.15", 2, False),
        ("项目A", "80.00", 3, True),
        ("项目B", "80.00", 3, True),
    ]
    # Scoring ends when the application leaves the panel.
    await walk(admin_client, tree.district, ids["D"], "published")
    assert (await score(zhang, "D", EVEN)).status_code == 409
    # A community's staff do not sit on the district's panel.
    await make_user("li", [("wangfulu", "staff")])
    outsider = await score(await login_as("li"), "B", EVEN)
    assert outsider.status_code == 404


async def test_the_public_report_is_served_where_transparency_is_on(
    admin_client: AsyncTestClient[Any], tree: Tree, make_user: Any, login_as: Any
) -> None:
    call = await post_ok(admin_client, url(tree.district, "/calls"), call_body())
    made = await post_ok(admin_client, url(tree.urban, f"/calls/{call['id']}/applications"),
                         application_body())  # fmt: skip
    await walk(admin_client, tree.district, made["id"], *TO_REVIEW, "published")
    await post_ok(admin_client, url(tree.district, f"/applications/{made['id']}/transitions"),
                  {"to": "approved", "approved_fen": 25_000_00})  # fmt: skip
    await walk(admin_client, tree.district, made["id"], "agreement_signed")
    await post_ok(admin_client,
                  url(tree.district, f"/applications/{made['id']}/disbursements"),
                  {"tranche": 1, "disbursed_on": today().isoformat()})  # fmt: skip
    off = await admin_client.get(url(tree.district, "/transparency"))
    assert off.status_code == 404
    assert off.json()["type"].endswith("transparency-off")
    switched = await admin_client.patch(
        "/api/v1/tenants/wangcheng",
        json={"settings": {"modules": {"funding": {"transparency": True}}}},
    )
    assert switched.status_code == 200, switched.text
    await make_user("resident", [("wangcheng", "member")])
    member = await login_as("resident")
    report = (await admin_client.get(url(tree.district, "/transparency"), headers=member)).json()
    assert report["totals"] == {"calls": 1, "projects": 1, "pool_fen": 100_000_00,
                                "approved_fen": 25_000_00, "committed_fen": 25_000_00,
                                "disbursed_fen": 10_000_00, "entries": 2}  # fmt: skip
    assert report["projects"][0]["applicant_names"] == ["望府路社区银龄帮帮团"]
    page = await admin_client.get(url(tree.district, "/transparency/page"), headers=member)
    assert page.headers["content-type"].startswith("text/html")
    assert "25000.00" in page.text
    assert "10000.00" in page.text
    xlsx = await admin_client.get(
        url(tree.district, "/transparency/ledger/export?format=xlsx"), headers=member
    )
    assert xlsx.status_code == 200
    assert xlsx.content[:2] == b"PK"
    # The town below inherits the district's choice; members elsewhere and anonymous see nothing.
    town = (await admin_client.get(url(tree.town, "/transparency"))).json()
    assert town["totals"]["calls"] == 0
    anonymous = await admin_client.get(
        url(tree.district, "/transparency"), headers={"Authorization": ""}
    )
    assert anonymous.status_code == 401
    elsewhere = (await admin_client.get(url(tree.other_district, "/transparency"))).status_code
    assert elsewhere == 404
