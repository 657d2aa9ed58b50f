"""Working with the other modules, each on or off: a funding approval records a resource match
once per event (through an in-test ``funding`` module that emits the contract's event), and
organisations are named through five-sector's directory when it is on, plainly when it is not.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import func, select

from core.db import Database
from core.modules.events import Event
from core.modules.models import ModulePolicy, OutboxEvent
from core.settings import Settings
from core.tenancy.models import Tenant
from plugins.incubation.models import ResourceMatch
from plugins.incubation.resource_matches.funding import on_application_approved, share
from tests.plugins.incubation.conftest import (
    Client,
    FundingStandIn,
    Tree,
    admit,
    build_tree,
    new_base,
    new_cohort,
    ok,
    url,
)


@pytest.fixture
def app_plugins() -> list[tuple[str, Any]]:
    return [("funding", FundingStandIn())]


@pytest.fixture
def gongzhi_settings(gongzhi_settings: Settings) -> Settings:
    """The installed funding module steps aside for the in-test stand-in of the same name."""
    return gongzhi_settings.with_(disabled_plugins=("funding",))


async def approve(client: Client, key: str, **body: Any) -> str:
    response = await client.post(f"/api/v1/tenants/{key}/funding/approve", json=body)
    return str((await ok(response, 200))["event_id"])


async def matches(client: Client, tree: Tree, incubatee: str) -> list[dict[str, Any]]:
    found = await ok(
        await client.get(url(tree.district, f"/incubatees/{incubatee}/resource-matches")), 200
    )
    return list(found["items"])


def test_shares_add_up_to_the_approved_amount() -> None:
    assert [share(100_001, i, 3) for i in range(3)] == [33_333, 33_334, 33_334]
    assert sum(share(7, i, 4) for i in range(4)) == 7


async def test_an_approval_records_a_match_once_per_event_along_the_call_tenants_line(
    admin_client: Client, db: Database
) -> None:
    tree = await build_tree(db, ("incubation", "funding"))
    district_base = await new_base(admin_client, tree.district, "district_base", "区培育基地")
    district_cohort = await new_cohort(admin_client, tree.district, district_base)
    above = await admit(
        admin_client, tree.district, district_cohort, organisation_name="银龄帮帮团"
    )
    town_cohort = await new_cohort(admin_client, tree.town, await new_base(admin_client, tree.town))
    at_town = await admit(admin_client, tree.town, town_cohort, organisation_name="城市新农人协会")
    other_cohort = await new_cohort(
        admin_client, tree.other_town, await new_base(admin_client, tree.other_town)
    )
    elsewhere = await admit(
        admin_client, tree.other_town, other_cohort, organisation_name="乔口协会"
    )
    application = uuid.uuid4()
    project = await ok(
        await admin_client.post(
            url(tree.town, f"/incubatees/{at_town['id']}/projects"),
            json={"title": "城市新农人", "funding_application_id": str(application)},
        )
    )
    assert project["approved_fen"] is None

    event_id = await approve(
        admin_client,
        tree.town.slug,
        application_id=str(application),
        approved_fen=100_001,
        applicant_names=["银龄帮帮团", "城市新农人协会", "乔口协会"],
    )

    [first] = await matches(admin_client, tree, above["id"])
    assert (first["source"], first["kind"], first["outcome"]) == (
        "funding_event",
        "funding_call",
        "secured",
    )
    assert first["amount_fen"] == 33_333
    assert first["application_id"] == str(application)
    [second] = await matches(admin_client, tree, at_town["id"])
    assert second["amount_fen"] == 33_334
    assert await matches(admin_client, tree, elsewhere["id"]) == []
    linked = await ok(await admin_client.get(url(tree.town, f"/projects/{project['id']}")), 200)
    assert (linked["approved_fen"], linked["funder_name"]) == (100_001, "湖南省某基金会")

    async with db.session() as session:
        row = await session.get_one(OutboxEvent, uuid.UUID(event_id))
        assert row.dispatched_at is not None
    event = Event(row.id, row.type, row.source, row.tenant_id, dict(row.payload), row.created_at)
    async with db.session(write=True) as session:
        await on_application_approved(session, event)
    async with db.session() as session:
        count = await session.scalar(select(func.count()).select_from(ResourceMatch))
    assert count == 2

    figures = await ok(await admin_client.get(url(tree.district, "/figures")), 200)
    values = {f["name"]: f["value"] for f in figures["figures"]}
    assert values["incubation.resources_matched"] == 2
    assert values["incubation.resources_matched_fen"] == 66_667


async def test_with_five_sector_on_organisations_come_from_its_directory(
    admin_client: Client, db: Database
) -> None:
    tree = await build_tree(db, ("incubation", "funding", "five-sector"))
    body = {"name": "望府路银龄帮帮团", "kind": "community", "category": "服务类"}
    org = await ok(
        await admin_client.post(
            f"/api/v1/tenants/{tree.community.slug}/five-sector/organisations", json=body
        )
    )
    foreign = await ok(
        await admin_client.post(
            f"/api/v1/tenants/{tree.other_district.slug}/five-sector/organisations",
            json={**body, "name": "岳麓某协会"},
        )
    )
    cohort = await new_cohort(admin_client, tree.town, await new_base(admin_client, tree.town))
    inc = await admit(admin_client, tree.town, cohort, organisation_id=org["id"])
    assert inc["organisation_name"] == "望府路银龄帮帮团"
    assert inc["organisation_tenant_id"] == str(tree.community.id)
    for unknown in (str(uuid.uuid4()), foreign["id"]):
        refused = await admin_client.post(
            url(tree.town, "/incubatees"), json={"cohort_id": cohort, "organisation_id": unknown}
        )
        assert refused.status_code == 422
        assert refused.json()["errors"][0]["field"] == "organisation_id"
    plain = await admit(admin_client, tree.town, cohort, organisation_name="尚未备案的读书会")
    assert plain["organisation_id"] is None

    await approve(
        admin_client,
        tree.town.slug,
        application_id=str(uuid.uuid4()),
        approved_fen=20_000,
        organisation_ids=[org["id"]],
        applicant_names=["改过名的组织"],
    )
    [match] = await matches(admin_client, tree, inc["id"])
    assert match["amount_fen"] == 20_000
    assert await matches(admin_client, tree, plain["id"]) == []

    brand = await ok(
        await admin_client.post(
            url(tree.town, "/brand-projects"),
            json={
                "name": "新向阳志愿服务",
                "story": "故事",
                "organisations": [{"organisation_id": org["id"]}, {"name": "尚未备案的读书会"}],
            },
        )
    )
    assert [o["name"] for o in brand["organisations"]] == ["望府路银龄帮帮团", "尚未备案的读书会"]


async def test_with_five_sector_off_organisations_are_named_plainly(
    admin_client: Client, tree: Tree
) -> None:
    cohort = await new_cohort(admin_client, tree.town, await new_base(admin_client, tree.town))
    refused = await admin_client.post(
        url(tree.town, "/incubatees"),
        json={"cohort_id": cohort, "organisation_id": str(uuid.uuid4())},
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "organisation_id"
    nameless = await admin_client.post(url(tree.town, "/incubatees"), json={"cohort_id": cohort})
    assert nameless.status_code == 422
    inc = await admit(admin_client, tree.town, cohort, organisation_name="银龄帮帮团")
    project = await ok(
        await admin_client.post(
            url(tree.town, f"/incubatees/{inc['id']}/projects"),
            json={"title": "助老", "funding_reference": "长沙市福彩公益金2026-08"},
        )
    )
    assert project["funding_application_id"] is None


async def test_no_match_where_the_setting_is_off_or_incubation_is_off_at_the_call(
    admin_client: Client, db: Database
) -> None:
    tree = await build_tree(db, ("funding",))
    async with db.session(write=True) as session:
        session.add(ModulePolicy(tenant_id=tree.town.id, module="incubation", policy="required"))
        town = await session.get_one(Tenant, tree.town.id)
        town.settings = {"modules": {"incubation": {"match_funding_events": False}}}
    cohort = await new_cohort(admin_client, tree.town, await new_base(admin_client, tree.town))
    inc = await admit(admin_client, tree.town, cohort, organisation_name="银龄帮帮团")
    names = ["银龄帮帮团"]
    await approve(
        admin_client,
        tree.town.slug,
        application_id=str(uuid.uuid4()),
        approved_fen=1,
        applicant_names=names,
    )
    await approve(
        admin_client,
        tree.district.slug,
        application_id=str(uuid.uuid4()),
        approved_fen=1,
        applicant_names=names,
    )
    listed = await admin_client.get(url(tree.town, f"/incubatees/{inc['id']}/resource-matches"))
    assert (await ok(listed, 200))["total"] == 0
    off = await admin_client.get(url(tree.district, "/figures"))
    assert off.status_code == 404
