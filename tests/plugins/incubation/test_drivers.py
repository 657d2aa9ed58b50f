"""The three drivers (mentors one-to-one with meetings, benchmarks with their showcase, projects)
and the stage records' own rules (training sessions and attendance, overdue follow-ups)."""

from __future__ import annotations

from importlib.metadata import entry_points

from plugins import incubation
from tests.plugins.incubation.conftest import (
    DAY,
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


def test_the_plugin_is_discoverable_and_declares_what_it_has() -> None:
    found = {ep.name: ep.value for ep in entry_points(group="gongzhi.plugins")}
    assert found.get("incubation") == "plugins.incubation"
    manifest = incubation.MANIFEST
    assert all(
        str(getattr(r, "opt", {}).get("permission", "")).startswith("incubation:")
        for r in manifest.routes
    )
    assert "incubation.organisations_incubated" in {m.name for m in manifest.metrics}
    assert manifest.events == ()


async def test_mentors_benchmarks_projects_and_records(admin_client: Client, tree: Tree) -> None:
    t = tree.town
    base = await new_base(admin_client, t)
    cohort = await new_cohort(admin_client, t, base)
    star = (
        await admit(
            admin_client, t, cohort, organisation_name="新向阳志愿服务队", leader_name="张会长"
        )
    )["id"]
    other = (await admit(admin_client, t, cohort, organisation_name="银龄帮帮团"))["id"]

    mentor = await ok(
        await admin_client.post(
            url(t, "/mentors"), json={"base_id": base, "name": "刘书记", "title": "社区党委书记"}
        )
    )
    pairings = url(t, f"/mentors/{mentor['id']}/pairings")
    pairing = await ok(
        await admin_client.post(pairings, json={"incubatee_id": star, "started_on": DAY})
    )
    assert pairing["leader_name"] == "张会长"
    busy = await admin_client.post(
        pairings, json={"incubatee_id": other, "started_on": DAY, "leader_name": "李"}
    )
    assert busy.status_code == 409
    no_leader = await ok(
        await admin_client.post(
            url(t, "/mentors"), json={"base_id": base, "name": "陈书记", "title": "村党支部书记"}
        )
    )
    nameless = await admin_client.post(
        url(t, f"/mentors/{no_leader['id']}/pairings"),
        json={"incubatee_id": other, "started_on": DAY},
    )
    assert nameless.status_code == 422
    meetings = url(t, f"/mentors/{mentor['id']}/pairings/{pairing['id']}/meetings")
    before = await admin_client.post(meetings, json={"met_on": "2026-01-01", "topic": "筹备"})
    assert before.status_code == 422
    await ok(await admin_client.post(meetings, json={"met_on": DAY, "topic": "理事会建设"}))
    assert (await ok(await admin_client.get(meetings), 200))["total"] == 1
    end = url(t, f"/mentors/{mentor['id']}/pairings/{pairing['id']}/end")
    await ok(await admin_client.post(end, json={"ended_on": DAY, "reason": "结业"}), 200)
    assert (
        await admin_client.post(end, json={"ended_on": DAY, "reason": "再次"})
    ).status_code == 409
    await ok(
        await admin_client.post(
            pairings, json={"incubatee_id": other, "started_on": DAY, "leader_name": "李理事长"}
        )
    )

    training = await ok(
        await admin_client.post(
            url(t, f"/incubatees/{star}/surveys"),
            json={
                "surveyed_on": DAY,
                "surveyor": "王",
                "answers": [{"question": "需要", "answer": "培训"}],
                "findings": "需培训",
            },
        )
    )
    assert training["answers"] == [{"question": "需要", "answer": "培训"}]
    await through_chain(admin_client, t, star, "graduated")
    plans = await ok(await admin_client.get(url(t, f"/incubatees/{star}/trainings")), 200)
    plan = plans["items"][0]
    more = await ok(
        await admin_client.post(
            url(t, f"/incubatees/{star}/trainings/{plan['id']}/sessions"),
            json={"held_on": "2026-03-01", "topic": "财务", "attendance": 8},
        ),
        201,
    )
    assert more["attendance"] == 20
    assert [s["held_on"] for s in more["sessions"]] == ["2026-03-01", DAY]
    visit = await ok(
        await admin_client.post(
            url(t, f"/incubatees/{star}/supervision-visits"),
            json={
                "visited_on": DAY,
                "visitor": "李督导",
                "follow_ups": [{"action": "补台账", "due_on": "2026-03-10"}],
            },
        )
    )
    assert visit["overdue"] == 1
    early_due = await admin_client.post(
        url(t, f"/incubatees/{star}/supervision-visits"),
        json={
            "visited_on": DAY,
            "visitor": "李督导",
            "follow_ups": [{"action": "补台账", "due_on": "2026-03-01"}],
        },
    )
    assert early_due.status_code == 422

    await ok(await score(admin_client, t, star, "intake", SCORES))
    await ok(await score(admin_client, t, star, "graduation", {**SCORES, "delivery": 16}))
    await ok(
        await admin_client.post(
            url(t, "/brand-projects"),
            json={
                "name": "新向阳志愿服务",
                "story": "党员带头、居民参与",
                "started_on": DAY,
                "figures": [{"label": "服务人次", "value": 5200, "unit": "人次"}],
                "organisations": [{"name": "新向阳志愿服务队"}],
            },
        )
    )
    benchmark = await ok(
        await admin_client.post(
            url(t, "/benchmarks"),
            json={
                "base_id": base,
                "incubatee_id": star,
                "designated_on": DAY,
                "headline": "标杆",
                "story": "成长故事",
            },
        )
    )
    showcase = await ok(await admin_client.get(url(t, f"/benchmarks/{benchmark['id']}")), 200)
    assert (showcase["organisation_name"], showcase["stage"], showcase["capacity_growth"]) == (
        "新向阳志愿服务队",
        "graduated",
        6,
    )
    assert showcase["brand_projects"] == ["新向阳志愿服务"]
    twice = await admin_client.post(
        url(t, "/benchmarks"),
        json={
            "base_id": base,
            "organisation_name": "新向阳志愿服务队",
            "designated_on": DAY,
            "headline": "x",
            "story": "y",
        },
    )
    assert twice.status_code == 409

    await ok(
        await admin_client.post(url(t, f"/incubatees/{star}/projects"), json={"title": "助老项目"})
    )
    projects = await ok(
        await admin_client.get(url(tree.district, "/projects"), params={"funded": "false"}), 200
    )
    assert [p["title"] for p in projects["items"]] == ["助老项目"]
    funded = await ok(
        await admin_client.get(url(tree.district, "/projects"), params={"funded": "true"}), 200
    )
    assert funded["total"] == 0
    elsewhere = await admin_client.get(url(tree.other_town, f"/benchmarks/{benchmark['id']}"))
    assert elsewhere.status_code == 404
