"""The full chain: no stage before the earlier ones are recorded, the override with its kept
reason, exits, records only at reached stages; bases, cohorts and town centres."""

from __future__ import annotations

from litestar import Litestar
from sqlalchemy import select

from core.db import Database
from core.modules.invariants import check_invariants
from plugins.incubation.models import StageChange
from tests.conftest import LoginAs, MakeUser
from tests.plugins.incubation.conftest import (
    DAY,
    MATCH,
    SURVEY,
    TRAINING,
    Client,
    Tree,
    admit,
    move,
    new_base,
    new_cohort,
    ok,
    through_chain,
    url,
)


async def test_a_stage_needs_the_earlier_stages_recorded(admin_client: Client, tree: Tree) -> None:
    t = tree.town
    cohort = await new_cohort(admin_client, t, await new_base(admin_client, t))
    inc = await admit(admin_client, t, cohort, organisation_name="银龄帮帮团", leader_name="张会长")
    assert inc["stage"] == "needs_survey"
    i = inc["id"]

    refused = await move(admin_client, t, i, "training")
    assert refused.status_code == 409, refused.text
    problem = refused.json()
    assert "需求调研" in problem["title"]
    assert "needs_survey" in problem["title_en"]

    early = await admin_client.post(url(t, f"/incubatees/{i}/resource-matches"), json=MATCH)
    assert early.status_code == 409
    assert "resource_matching" in early.json()["title_en"]

    await ok(await admin_client.post(url(t, f"/incubatees/{i}/surveys"), json=SURVEY))
    await ok(await move(admin_client, t, i, "training"), 200)

    skipping = await move(admin_client, t, i, "graduated")
    assert skipping.status_code == 409
    assert skipping.json()["title_en"].endswith("training, supervision, resource_matching")

    backwards = await move(admin_client, t, i, "needs_survey")
    assert backwards.status_code == 409
    assert (
        "allowed: supervision, resource_matching, graduated, exited" in backwards.json()["title_en"]
    )

    await ok(await admin_client.post(url(t, f"/incubatees/{i}/trainings"), json=TRAINING))
    await ok(await move(admin_client, t, i, "supervision"), 200)
    detail = await ok(await admin_client.get(url(t, f"/incubatees/{i}")), 200)
    assert {r["stage"]: r["records"] for r in detail["records"]} == {
        "needs_survey": 1,
        "training": 1,
        "supervision": 0,
        "resource_matching": 0,
    }
    assert [(h["from_stage"], h["to_stage"]) for h in detail["history"]] == [
        (None, "needs_survey"),
        ("needs_survey", "training"),
        ("training", "supervision"),
    ]


async def test_an_administrator_overrides_with_a_reason_that_is_kept(
    admin_client: Client,
    tree: Tree,
    db: Database,
    app: Litestar,
    make_user: MakeUser,
    login_as: LoginAs,
) -> None:
    t = tree.town
    cohort = await new_cohort(admin_client, t, await new_base(admin_client, t))
    i = (await admit(admin_client, t, cohort, organisation_name="城市新农人协会"))["id"]
    await make_user("staffer", [("gaotangling", "staff")])
    staff = await login_as("staffer")
    as_staff = await admin_client.post(
        url(t, f"/incubatees/{i}/stage-override"),
        json={"to": "supervision", "reason": "已在区里培训"},
        headers=staff,
    )
    assert as_staff.status_code in (403, 404), as_staff.text
    no_reason = await admin_client.post(
        url(t, f"/incubatees/{i}/stage-override"), json={"to": "supervision"}
    )
    assert no_reason.status_code == 422
    moved = await admin_client.post(
        url(t, f"/incubatees/{i}/stage-override"),
        json={"to": "supervision", "reason": "已在区基地完成需求调研和培训"},
    )
    assert (await ok(moved, 200))["stage"] == "supervision"
    detail = await ok(await admin_client.get(url(t, f"/incubatees/{i}")), 200)
    last = detail["history"][-1]
    assert last["override"] is True
    assert last["missing"] == ["needs_survey", "training"]
    assert last["reason"] == "已在区基地完成需求调研和培训"
    async with db.session() as session:
        kept = await session.scalar(select(StageChange).where(StageChange.override.is_(True)))
    assert kept is not None
    assert kept.reason == "已在区基地完成需求调研和培训"
    assert (await check_invariants(db, app.state.host))["incubation"] == []


async def test_exit_needs_a_reason_and_is_final(admin_client: Client, tree: Tree) -> None:
    t = tree.town
    cohort = await new_cohort(admin_client, t, await new_base(admin_client, t))
    i = (await admit(admin_client, t, cohort, organisation_name="某读书会"))["id"]
    assert (await move(admin_client, t, i, "exited")).status_code == 422
    exited = await ok(await move(admin_client, t, i, "exited", reason="负责人离开，组织解散"), 200)
    assert exited["exit_reason"] == "负责人离开，组织解散"
    final = await move(admin_client, t, i, "training")
    assert final.status_code == 409
    assert "allowed: none" in final.json()["title_en"]
    assert (
        await admin_client.post(url(t, f"/incubatees/{i}/surveys"), json=SURVEY)
    ).status_code == 409
    again = await admit(admin_client, t, cohort, organisation_name="某读书会2")
    assert again["stage"] == "needs_survey"


async def test_graduation_after_every_stage(admin_client: Client, tree: Tree) -> None:
    t = tree.town
    cohort = await new_cohort(admin_client, t, await new_base(admin_client, t))
    i = (await admit(admin_client, t, cohort, organisation_name="新向阳志愿服务队"))["id"]
    await through_chain(admin_client, t, i, "graduated")
    graduated = await ok(await admin_client.get(url(t, f"/incubatees/{i}")), 200)
    assert graduated["stage"] == "graduated"
    cohort_detail = await ok(await admin_client.get(url(t, f"/cohorts/{cohort}")), 200)
    assert {s["stage"]: s["incubatees"] for s in cohort_detail["stages"]}["graduated"] == 1
    same_cohort = await admin_client.post(
        url(t, "/incubatees"), json={"cohort_id": cohort, "organisation_name": "新向阳志愿服务队"}
    )
    assert same_cohort.status_code == 409


async def test_an_organisation_is_incubated_once_at_a_time(
    admin_client: Client, tree: Tree
) -> None:
    t = tree.town
    cohort = await new_cohort(admin_client, t, await new_base(admin_client, t))
    await admit(admin_client, t, cohort, organisation_name="银龄帮帮团")
    second = await new_cohort(
        admin_client,
        t,
        (await ok(await admin_client.get(url(t, "/bases")), 200))["items"][0]["id"],
        "第二批",
    )
    again = await admin_client.post(
        url(t, "/incubatees"), json={"cohort_id": second, "organisation_name": "银龄帮帮团"}
    )
    assert again.status_code == 409


async def test_bases_fit_their_level_and_a_town_centre_is_an_incubatee_of_the_district_base(
    admin_client: Client, tree: Tree
) -> None:
    wrong = await admin_client.post(
        url(tree.town, "/bases"),
        json={"kind": "district_base", "name": "错误的基地", "established_on": DAY},
    )
    assert wrong.status_code == 422
    district_base = await new_base(
        admin_client, tree.district, "district_base", "望城区社会组织培育服务基地"
    )
    centre = await new_base(admin_client, tree.town)
    staff = await admin_client.post(
        url(tree.district, f"/bases/{district_base}/staff"),
        json={"name": "王老师", "role": "expert", "title": "资深专家"},
    )
    await ok(staff)
    cohort = await new_cohort(admin_client, tree.district, district_base, "2024年第一批")
    hub = await admit(admin_client, tree.district, cohort, town_centre_id=centre)
    assert hub["kind"] == "town_centre"
    assert hub["organisation_name"] == "高塘岭街道社区社会组织发展促进中心"
    assert hub["tenant_id"] == str(tree.district.id)
    town_cohort = await new_cohort(admin_client, tree.town, centre, "街道第一批")
    refused = await admin_client.post(
        url(tree.town, "/incubatees"), json={"cohort_id": town_cohort, "town_centre_id": centre}
    )
    assert refused.status_code == 422
    both = await ok(await admin_client.get(url(tree.district, "/bases")), 200)
    assert {b["kind"] for b in both["items"]} == {"district_base", "town_centre"}
    town_view = await ok(await admin_client.get(url(tree.town, "/bases")), 200)
    assert [b["id"] for b in town_view["items"]] == [centre]
    hidden = await admin_client.get(url(tree.town, f"/incubatees/{hub['id']}"))
    assert hidden.status_code == 404
