"""Supervision follow-ups (open → done, overdue flags), trainings, and work plans as data: a
town copies the district's template, progress adds up, a sibling sees none of it."""

from __future__ import annotations

from datetime import date, timedelta

from tests.plugins.party_building.conftest import Client, Tree, get, organisation, post, url

PILLARS = [
    {"key": "core", "group": "一核", "name": "党建引领"},
    {"key": "orgs", "group": "三抓手", "name": "社会组织培育"},
    {"key": "volunteers", "group": "六方力量", "name": "社区志愿者"},
]


async def test_follow_ups_move_from_open_to_done_once_and_show_overdue(
    admin_client: Client, tree: Tree
) -> None:
    today = date.today()
    org = await organisation(admin_client, tree.town, "支部")
    visit = await post(
        admin_client, tree.town, "/supervision-visits",
        {"party_organisation_id": org["id"], "visited_unit": "银龄帮帮团",
         "visited_on": (today - timedelta(days=40)).isoformat(), "supervisor": "赵督导",
         "findings": "党员大会未按季度召开",
         "follow_ups": [{"action": "补开党员大会", "due_on": (today - timedelta(days=10)).isoformat()},
                        {"action": "完善记录", "due_on": (today + timedelta(days=10)).isoformat()}]},
    )  # fmt: skip
    late, pending = visit["follow_ups"]
    assert (late["overdue"], pending["overdue"]) == (True, False)
    overdue = await get(admin_client, tree.district, "/follow-ups?overdue=true")
    assert [f["id"] for f in overdue["items"]] == [late["id"]]
    done_path = f"/supervision-visits/{visit['id']}/follow-ups/{late['id']}/done"
    done = await post(
        admin_client, tree.town, done_path, {"done_on": today.isoformat(), "outcome": "已补开"}
    )
    assert (done["status"], done["overdue"]) == ("done", False)
    again = await admin_client.post(
        url(tree.town, done_path), json={"done_on": today.isoformat(), "outcome": "再次"}
    )
    assert again.status_code == 409
    assert again.json()["allowed"] == []
    assert (await get(admin_client, tree.town, "/follow-ups?status=open"))["total"] == 1
    early = await admin_client.post(
        url(tree.town, f"/supervision-visits/{visit['id']}/follow-ups"),
        json={"action": "x", "due_on": (today - timedelta(days=41)).isoformat()},
    )
    assert early.status_code == 422

    training = await post(
        admin_client, tree.town, "/trainings",
        {"title": "党务培训", "held_on": today.isoformat(), "trainer": "钱老师",
         "invited_count": 4, "attendee_names": ["王一", "李二", "王一"]},
    )  # fmt: skip
    assert (training["attended_count"], training["attendance_percent"]) == (2, 50)
    figures = await get(admin_client, tree.district, "/figures")
    assert (figures["open_follow_ups"], figures["overdue_follow_ups"]) == (1, 0)
    assert (figures["trainings"], figures["training_attendance"]) == (1, 2)


async def test_a_town_copies_the_district_template_and_enters_its_own_progress(
    admin_client: Client, tree: Tree
) -> None:
    template = await post(
        admin_client, tree.district, "/work-plans",
        {"year": 2026, "title": "党建引领工作计划", "method": "136工作法", "is_template": True,
         "pillars": PILLARS,
         "indicators": [{"pillar": "orgs", "name": "新培育社会组织", "unit": "个", "target": 20},
                        {"pillar": "volunteers", "name": "服务人次", "unit": "人次", "target": 2000}]},
    )  # fmt: skip
    offered = await get(admin_client, tree.town, "/work-plans")
    assert [p["id"] for p in offered["items"]] == [template["id"]]
    copy = await post(admin_client, tree.town, f"/work-plans/{template['id']}/copy", {"year": 2026})
    assert (copy["copied_from_id"], copy["tenant_id"], copy["is_template"]) == (
        template["id"], str(tree.town.id), False,
    )  # fmt: skip
    assert [(i["name"], i["target"], i["progress"]) for i in copy["indicators"]] == [
        ("新培育社会组织", 20, 0),
        ("服务人次", 2000, 0),
    ]
    indicator = copy["indicators"][0]["id"]
    path = f"/work-plans/{copy['id']}/indicators/{indicator}/progress"
    for amount in (8, 12):
        plan = await post(
            admin_client, tree.town, path, {"amount": amount, "recorded_on": "2026-06-01"}
        )
    assert (plan["indicators"][0]["progress"], plan["indicators"][0]["percent"]) == (20, 100)
    assert [(p["key"], p["indicators_met"]) for p in plan["pillars"]] == [
        ("core", 0), ("orgs", 1), ("volunteers", 0),
    ]  # fmt: skip
    untouched = await get(admin_client, tree.district, f"/work-plans/{template['id']}")
    assert untouched["indicators"][0]["progress"] == 0

    on_template = await admin_client.post(
        url(tree.town, f"/work-plans/{template['id']}/indicators/{template['indicators'][0]['id']}/progress"),
        json={"amount": 1, "recorded_on": "2026-06-01"},
    )  # fmt: skip
    assert on_template.status_code == 404, "a town enters progress on its own plans only"
    unknown_pillar = await admin_client.post(
        url(tree.town, f"/work-plans/{copy['id']}/indicators"),
        json={"pillar": "nope", "name": "x", "unit": "个", "target": 1},
    )
    assert unknown_pillar.status_code == 422
    town_plan = await post(
        admin_client, tree.town, "/work-plans",
        {"year": 2026, "title": "街道自定计划", "method": "街道三联法", "pillars": PILLARS[:1]},
    )  # fmt: skip
    beside = await get(admin_client, tree.rural_town, "/work-plans")
    assert [p["id"] for p in beside["items"]] == [template["id"]]
    hidden = await admin_client.get(url(tree.rural_town, f"/work-plans/{town_plan['id']}"))
    assert hidden.status_code == 404
