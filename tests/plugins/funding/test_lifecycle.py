"""A call from opening to its projects' ends, through the API: the state machine, joint
applications, evaluations and tranches, and the events at the call's tenant."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from core.db import SYSTEM, Database
from core.modules.models import OutboxEvent
from plugins.funding.clock import today
from plugins.funding.metrics import INVARIANTS
from tests.plugins.funding.conftest import (
    TO_SIGNED,
    Client,
    Tree,
    application_body,
    call_body,
    post_ok,
    url,
    walk,
)


async def _call(client: Client, tree: Tree, **extra: Any) -> Any:
    return await post_ok(client, url(tree.district, "/calls"), call_body(**extra))


async def _apply(client: Client, at: Any, call_id: str, **extra: Any) -> Any:
    return await post_ok(client, url(at, f"/calls/{call_id}/applications"),
                         application_body(**extra))  # fmt: skip


def code(response: Any) -> str:
    """The problem's code: the last segment of its ``type``."""
    return str(response.json()["type"]).rsplit("/", 1)[-1]


async def _invariants(db: Database) -> None:
    async with db.session(context=SYSTEM) as session:
        for invariant in INVARIANTS:
            assert await invariant(session) == [], invariant.__name__


async def _events(db: Database, kind: str) -> list[Any]:
    async with db.session(context=SYSTEM) as session:
        rows = await session.execute(
            select(OutboxEvent).where(OutboxEvent.type == kind).order_by(OutboxEvent.id)
        )
        return list(rows.scalars())


async def test_a_call_takes_its_rules_from_settings_and_checks_them(
    admin_client: Client, tree: Tree
) -> None:
    call = await _call(admin_client, tree)
    assert [t["percent"] for t in call["tranche_plan"]] == [40, 40, 20]
    assert sum(c["weight"] for c in call["criteria"]) == 100
    assert call["balance"] == {"pool_fen": 100_000_00, "committed_fen": 0, "disbursed_fen": 0,
                               "available_fen": 100_000_00, "entries": 0}  # fmt: skip
    assert call["is_open"] is True
    bad_plans = [
        [{"title": "a", "percent": 50, "trigger": "agreement"},
         {"title": "b", "percent": 40, "trigger": "closing"}],
        [{"title": "a", "percent": 100, "trigger": "closing"}],
    ]  # fmt: skip
    for plan in bad_plans:
        response = await admin_client.post(
            url(tree.district, "/calls"), json=call_body(tranche_plan=plan)
        )
        assert response.status_code == 422, response.text
        assert response.json()["errors"][0]["field"] == "tranche_plan"
    weights = [{"key": "need", "title": "需求", "weight": 60},
               {"key": "plan", "title": "设计", "weight": 30}]  # fmt: skip
    response = await admin_client.post(
        url(tree.district, "/calls"), json=call_body(criteria=weights)
    )
    assert response.status_code == 422
    for pool in (1.5, 0, -100, "十万"):
        response = await admin_client.post(
            url(tree.district, "/calls"), json=call_body(pool_fen=pool)
        )
        assert response.status_code == 422, pool
    listed = (await admin_client.get(url(tree.urban, "/calls"))).json()
    assert [c["id"] for c in listed["items"]] == [call["id"]]
    # An applicant below sees the call but not the district's ledger.
    assert listed["items"][0]["balance"] is None
    below = await admin_client.get(url(tree.urban, f"/calls/{call['id']}/balance"))
    assert below.status_code == 404
    assert (await admin_client.get(url(tree.other_district, "/calls"))).json()["total"] == 0


async def test_the_state_machine_refuses_illegal_moves_naming_the_allowed_ones(
    admin_client: Client, tree: Tree, db: Database
) -> None:
    call = await _call(admin_client, tree)
    application = await _apply(admin_client, tree.urban, call["id"])
    assert application["status"] == "draft"
    assert application["requested_fen"] == 30_000_00
    assert application["allowed_next"] == ["submitted"]
    path = url(tree.district, f"/applications/{application['id']}/transitions")
    response = await admin_client.post(path, json={"to": "approved"})
    assert response.status_code == 409
    assert response.json()["allowed"] == ["submitted"]
    assert "可变为：已提交" in response.json()["title"]
    await walk(admin_client, tree.urban, application["id"], "submitted")
    assert (await admin_client.post(path, json={"to": "published"})).json()["allowed"] == [
        "screened",
        "rejected",
    ]
    await walk(admin_client, tree.district, application["id"], "screened", "under_review",
               "published")  # fmt: skip
    rejected = await walk(admin_client, tree.district, application["id"], "rejected")
    assert (rejected["status"], rejected["allowed_next"]) == ("rejected", [])
    final = await admin_client.post(path, json={"to": "approved"})
    assert final.status_code == 409
    assert final.json()["allowed"] == []
    # The applicant's community does not run the call: it cannot decide on it.
    own = url(tree.urban, f"/applications/{application['id']}/transitions")
    assert (await admin_client.post(own, json={"to": "screened"})).status_code == 404
    detail = (await admin_client.get(url(tree.urban, f"/applications/{application['id']}"))).json()
    assert [h["to_status"] for h in detail["history"]] == [
        "submitted", "screened", "under_review", "published", "rejected"
    ]  # fmt: skip
    assert await _events(db, "funding.application-approved") == []


async def test_applications_need_an_open_call_and_an_admitted_applicant(
    admin_client: Client, tree: Tree
) -> None:
    day = today()
    closed = await _call(
        admin_client,
        tree,
        opens_on=(day - timedelta(days=30)).isoformat(),
        closes_on=(day - timedelta(days=1)).isoformat(),
    )
    response = await admin_client.post(
        url(tree.urban, f"/calls/{closed['id']}/applications"), json=application_body()
    )
    assert (response.status_code, code(response)) == (409, "call-closed")
    call = await _call(admin_client, tree, eligible_registrations=["registered"])
    path = url(tree.urban, f"/calls/{call['id']}/applications")
    filed = await admin_client.post(path, json=application_body())
    assert filed.status_code == 422
    assert filed.json()["errors"][0]["field"] == "applicants[0].registration"
    both = application_body(pair={"urban": "wangfulu", "rural": "xinkang"})
    assert (await admin_client.post(path, json=both)).status_code == 422
    wrong_category = application_body(category="不存在的类别")
    assert (await admin_client.post(path, json=wrong_category)).status_code == 422
    unknown = application_body(
        applicants=[{"organisation_id": "8b0f7a57-6b1e-4bb0-9d35-1e1f0e0b0b0b"}]
    )
    assert (await admin_client.post(path, json=unknown)).status_code == 422
    # A town's call is not open to another town's communities.
    town_call = await post_ok(admin_client, url(tree.town, "/calls"), call_body())
    elsewhere = await admin_client.post(
        url(tree.village, f"/calls/{town_call['id']}/applications"), json=application_body()
    )
    assert elsewhere.status_code == 404


async def test_joint_applications_by_two_organisations_or_a_pair(
    admin_client: Client, tree: Tree
) -> None:
    call = await _call(admin_client, tree)
    two = await _apply(
        admin_client,
        tree.urban,
        call["id"],
        applicants=[
            {"name": "望府路社区银龄帮帮团", "registration": "filed"},
            {"name": "望城区新向阳志愿服务中心", "registration": "registered"},
        ],
    )
    assert (two["joint"], two["applicant_names"]) == (
        True,
        ["望府路社区银龄帮帮团", "望城区新向阳志愿服务中心"],
    )
    same = application_body(applicants=[{"name": "甲", "registration": "filed"},
                                        {"name": "甲", "registration": "filed"}])  # fmt: skip
    path = url(tree.urban, f"/calls/{call['id']}/applications")
    assert (await admin_client.post(path, json=same)).status_code == 422
    body = application_body(applicants=[], pair={"urban": "wangfulu", "rural": "xinkang"})
    pair = await post_ok(
        admin_client, url(tree.district, f"/calls/{call['id']}/applications"), body
    )
    assert (pair["joint"], pair["applicant_names"]) == (True, ["望府路社区", "新康村"])
    assert pair["pair_rural_tenant_id"] == str(tree.village.id)
    # Both paired communities see the application made at the district.
    for community in (tree.urban, tree.village):
        seen = (await admin_client.get(url(community, "/applications?joint=true"))).json()
        assert pair["id"] in {a["id"] for a in seen["items"]}
    not_a_community = application_body(
        applicants=[], pair={"urban": "gaotangling", "rural": "xinkang"}
    )
    response = await admin_client.post(
        url(tree.district, f"/calls/{call['id']}/applications"), json=not_a_community
    )
    assert response.status_code == 422
    outside = application_body(applicants=[], pair={"urban": "yuelu-c1", "rural": "xinkang"})
    response = await admin_client.post(
        url(tree.district, f"/calls/{call['id']}/applications"), json=outside
    )
    assert (response.status_code, response.json()["errors"][0]["field"]) == (422, "pair.urban")


async def test_a_project_is_paid_in_tranches_and_closed(
    admin_client: Client, tree: Tree, db: Database
) -> None:
    call = await _call(admin_client, tree)
    application = await _apply(admin_client, tree.urban, call["id"], amount=30_000_01)
    app_id = application["id"]
    await walk(admin_client, tree.urban, app_id, "submitted")
    await walk(admin_client, tree.district, app_id, *TO_SIGNED[1:])
    tranches = (await admin_client.get(url(tree.urban, f"/applications/{app_id}/tranches"))).json()
    assert [t["amount_fen"] for t in tranches["items"]] == [12_000_00, 12_000_00, 6_000_01]

    def pay(n: int) -> Any:
        return admin_client.post(
            url(tree.district, f"/applications/{app_id}/disbursements"),
            json={"tranche": n, "disbursed_on": today().isoformat()},
        )

    assert code(await pay(2)) == "midterm-evaluation-required"
    first = await pay(1)
    assert first.status_code == 201, first.text
    assert code(await pay(1)) == "already-disbursed"
    evaluate = url(tree.district, f"/applications/{app_id}/evaluations")
    midterm = {"stage": "midterm", "passed": True, "evaluated_on": today().isoformat()}
    assert (
        await admin_client.post(evaluate, json={**midterm, "stage": "final"})
    ).status_code == 409
    await post_ok(admin_client, evaluate, midterm)
    assert (await pay(2)).status_code == 201
    close = url(tree.district, f"/applications/{app_id}/transitions")
    assert code(await admin_client.post(close, json={"to": "closed"})) == (
        "final-evaluation-required"
    )
    await post_ok(admin_client, evaluate, {**midterm, "stage": "final"})
    assert code(await admin_client.post(close, json={"to": "closed"})) == ("tranches-outstanding")
    assert (await pay(3)).status_code == 201
    closed = await post_ok(admin_client, close, {"to": "closed"})
    assert (closed["status"], closed["committed_fen"], closed["disbursed_fen"]) == (
        "closed",
        30_000_01,
        30_000_01,
    )
    paid = await _events(db, "funding.tranche-disbursed")
    assert sorted(e.payload["tranche"] for e in paid) == [1, 2, 3]
    assert all(e.tenant_id == tree.district.id for e in paid)
    [approved] = await _events(db, "funding.application-approved")
    assert approved.tenant_id == tree.district.id
    assert approved.payload["approved_fen"] == 30_000_01
    assert approved.payload["application_tenant_id"] == str(tree.urban.id)
    assert approved.payload["funder_kind"] == "foundation"
    [ended] = await _events(db, "funding.project-closed")
    assert (ended.payload["outcome"], ended.payload["disbursed_fen"]) == ("closed", 30_000_01)
    await _invariants(db)


async def test_a_failed_midterm_terminates_the_project_and_stops_later_tranches(
    admin_client: Client, tree: Tree, db: Database
) -> None:
    call = await _call(admin_client, tree)
    application = await _apply(admin_client, tree.urban, call["id"])
    app_id = application["id"]
    await walk(admin_client, tree.district, app_id, *TO_SIGNED)
    await post_ok(admin_client, url(tree.district, f"/applications/{app_id}/disbursements"),
                  {"tranche": 1, "disbursed_on": today().isoformat()})  # fmt: skip
    await post_ok(
        admin_client,
        url(tree.district, f"/applications/{app_id}/evaluations"),
        {"stage": "midterm", "passed": False, "evaluated_on": today().isoformat(),
         "note": "活动未按计划开展"},
    )  # fmt: skip
    detail = (await admin_client.get(url(tree.urban, f"/applications/{app_id}"))).json()
    assert detail["status"] == "terminated"
    assert (detail["committed_fen"], detail["disbursed_fen"]) == (12_000_00, 12_000_00)
    for n in (2, 3):
        response = await admin_client.post(
            url(tree.district, f"/applications/{app_id}/disbursements"),
            json={"tranche": n, "disbursed_on": today().isoformat()},
        )
        assert (response.status_code, code(response)) == (409, "not-fundable")
    balance = (await admin_client.get(url(tree.district, f"/calls/{call['id']}/balance"))).json()
    assert balance == {"pool_fen": 100_000_00, "committed_fen": 12_000_00,
                       "disbursed_fen": 12_000_00, "available_fen": 88_000_00, "entries": 3}  # fmt: skip
    ledger = (await admin_client.get(url(tree.district, f"/ledger?call_id={call['id']}"))).json()
    assert [(e["kind"], e["amount_fen"]) for e in ledger["items"]] == [
        ("commitment", 30_000_00), ("disbursement", 12_000_00), ("release", 18_000_00)
    ]  # fmt: skip
    [ended] = await _events(db, "funding.project-closed")
    assert ended.payload == {**ended.payload, "outcome": "terminated", "approved_fen": 30_000_00,
                             "disbursed_fen": 12_000_00}  # fmt: skip
    await _invariants(db)


async def test_corrections_are_reversals_and_returns_free_the_pool(
    admin_client: Client, tree: Tree, db: Database
) -> None:
    call = await _call(admin_client, tree)
    application = await _apply(admin_client, tree.urban, call["id"])
    app_id = application["id"]
    await walk(admin_client, tree.district, app_id, *TO_SIGNED)
    entry = await post_ok(
        admin_client,
        url(tree.district, f"/applications/{app_id}/disbursements"),
        {"tranche": 1, "disbursed_on": today().isoformat()},
    )
    reverse = url(tree.district, f"/ledger/{entry['id']}/reversal")
    reversal = await post_ok(admin_client, reverse, {"reason": "拨错账户"})
    assert (reversal["disbursed_delta"], reversal["tranche"]) == (-12_000_00, 1)
    assert code(await admin_client.post(reverse, json={"reason": "again"})) == ("already-reversed")
    assert (await admin_client.post(url(tree.district, f"/ledger/{reversal['id']}/reversal"),
                                    json={"reason": "x"})).status_code == 409  # fmt: skip
    again = await post_ok(
        admin_client,
        url(tree.district, f"/applications/{app_id}/disbursements"),
        {"tranche": 1, "disbursed_on": today().isoformat()},
    )
    assert again["amount_fen"] == 12_000_00
    returns = url(tree.district, f"/applications/{app_id}/returns")
    too_much = {"amount_fen": 12_000_01, "returned_on": today().isoformat(), "reason": "结余"}
    assert (await admin_client.post(returns, json=too_much)).status_code == 409
    await post_ok(admin_client, returns, {**too_much, "amount_fen": 2_000_00})
    balance = (await admin_client.get(url(tree.district, f"/calls/{call['id']}/balance"))).json()
    assert (balance["committed_fen"], balance["disbursed_fen"]) == (28_000_00, 10_000_00)
    exported = await admin_client.get(url(tree.district, "/ledger/export?format=csv"))
    assert exported.status_code == 200
    lines = exported.content.decode("utf-8-sig").splitlines()
    assert len(lines) == 6
    assert "冲正" in lines[3]
    await _invariants(db)
