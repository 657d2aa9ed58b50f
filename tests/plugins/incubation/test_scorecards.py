"""Capacity scorecards: the rubric as a setting, growth per organisation and per cohort, and the
subtree's figures with the average growth rounded half up."""

from __future__ import annotations

from decimal import Decimal

from core.db import Database
from core.tenancy.models import Tenant
from tests.plugins.incubation.conftest import (
    SCORES,
    Client,
    Tree,
    admit,
    new_base,
    new_cohort,
    ok,
    score,
    through_chain,
    url,
)


def raised(by: dict[str, int]) -> dict[str, int]:
    return {k: v + by.get(k, 0) for k, v in SCORES.items()}


async def test_growth_per_organisation_and_per_cohort(admin_client: Client, tree: Tree) -> None:
    t = tree.town
    rubric = await ok(await admin_client.get(url(t, "/rubric")), 200)
    assert [d["key"] for d in rubric["dimensions"]] == list(SCORES)
    assert rubric["max_total"] == 100
    cohort = await new_cohort(admin_client, t, await new_base(admin_client, t))
    growths = {
        "甲协会": {"delivery": 1},
        "乙协会": {"governance": 1, "fundraising": 1},
        "丙协会": {"evaluation": 2},
    }
    ids: dict[str, str] = {}
    for name in growths:
        ids[name] = (await admit(admin_client, t, cohort, organisation_name=name))["id"]
        await ok(await score(admin_client, t, ids[name], "intake", SCORES))
    early = await score(admin_client, t, ids["甲协会"], "graduation", raised({"delivery": 1}))
    assert early.status_code == 409
    for name, by in growths.items():
        await through_chain(admin_client, t, ids[name], "resource_matching")
        await ok(await score(admin_client, t, ids[name], "graduation", raised(by)))
    unscored = (await admit(admin_client, t, cohort, organisation_name="丁协会"))["id"]

    one = await ok(await admin_client.get(url(t, f"/incubatees/{ids['乙协会']}/growth")), 200)
    assert (one["intake_total"], one["graduation_total"], one["growth"]) == (40, 42, 2)
    assert {d["key"]: d["growth"] for d in one["dimensions"]} == {
        "governance": 1,
        "project_design": 0,
        "fundraising": 1,
        "delivery": 0,
        "evaluation": 0,
    }
    none = await ok(await admin_client.get(url(t, f"/incubatees/{unscored}/growth")), 200)
    assert none["growth"] is None

    cohort_growth = await ok(await admin_client.get(url(t, f"/cohorts/{cohort}/growth")), 200)
    assert (cohort_growth["incubatees"], cohort_growth["scored"]) == (4, 3)
    # (1 + 2 + 2) / 3 = 1.666..., rounded half up to one place.
    assert Decimal(cohort_growth["average_growth"]) == Decimal("1.7")
    per_key = {d["key"]: Decimal(d["average_growth"]) for d in cohort_growth["dimensions"]}
    assert per_key["evaluation"] == Decimal("0.7")
    assert per_key["project_design"] == Decimal("0.0")

    figures = await ok(await admin_client.get(url(tree.district, "/figures")), 200)
    values = {f["name"]: f["value"] for f in figures["figures"]}
    assert values["incubation.organisations_scored"] == 3
    assert values["incubation.capacity_growth_points"] == 5
    assert values["incubation.organisations_incubated"] == 4
    assert Decimal(figures["average_capacity_growth"]) == Decimal("1.7")
    metrics = await ok(await admin_client.get(f"/api/v1/tenants/{tree.district.slug}/metrics"), 200)
    by_name = {f["name"]: f for f in metrics["figures"]}
    incubated = by_name["incubation.organisations_incubated"]
    assert incubated["total"] == 4
    assert {c["slug"]: c["value"] for c in incubated["children"]}["gaotangling"] == 4


async def test_scorecards_follow_the_rubric_setting(
    admin_client: Client, tree: Tree, db: Database
) -> None:
    t = tree.town
    cohort = await new_cohort(admin_client, t, await new_base(admin_client, t))
    i = (await admit(admin_client, t, cohort, organisation_name="某协会"))["id"]
    missing = await score(admin_client, t, i, "intake", {"governance": 5})
    assert missing.status_code == 422
    too_high = await score(admin_client, t, i, "intake", {**SCORES, "delivery": 21})
    assert too_high.status_code == 422
    assert "scores.delivery" in too_high.text
    graduation_first = await score(admin_client, t, i, "graduation", SCORES)
    assert graduation_first.status_code == 409
    async with db.session(write=True) as session:
        town = await session.get_one(Tenant, t.id)
        town.settings = {
            "modules": {
                "incubation": {
                    "rubric": [
                        {"key": "governance", "title": "治理", "title_en": "Governance", "max": 50},
                        {"key": "delivery", "title": "执行", "title_en": "Delivery", "max": 50},
                    ]
                }
            }
        }
    rubric = await ok(await admin_client.get(url(t, "/rubric")), 200)
    assert rubric["max_total"] == 100
    card = await ok(await score(admin_client, t, i, "intake", {"governance": 45, "delivery": 30}))
    assert card["total"] == 75
    again = await score(admin_client, t, i, "intake", {"governance": 45, "delivery": 30})
    assert again.status_code == 409
