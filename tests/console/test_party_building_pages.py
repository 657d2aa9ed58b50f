"""Party-building's console pages: its navigation entry, lists, forms, edits and a member's
conversion where the module is on, and nothing where it is off.

On the console tests' tree party-building is switched on at 望城区, 高塘岭街道 and 望府路社区
and left off at 雷锋路社区. Runs on SQLite and, with ``GONGZHI_TEST_POSTGRES``, on PostgreSQL.
"""

from __future__ import annotations

import re

from litestar import Litestar

from core.db import Database
from plugins.party_building.console import PAGES
from tests.console.conftest import ConsoleTree, SignIn, csrf_of
from tests.console.module_pages import acted, created, gone_where_off, switch_on

MODULE = "party-building"
BASE = f"/console/t/wangcheng/m/{MODULE}"


async def test_party_building_pages_where_it_is_on_and_none_where_it_is_off(
    app: Litestar, db: Database, tree: ConsoleTree, sign_in: SignIn
) -> None:
    await switch_on(db, MODULE)
    admin = await sign_in("wc-admin")
    home = await admin.get("/console/t/wangcheng")
    assert f'data-module="{MODULE}"' in home.text
    for resource in PAGES.resources:
        assert f'href="{BASE}/{resource.slug}"' in home.text
        listed = await admin.get(f"{BASE}/{resource.slug}")
        assert listed.status_code == 200, resource.slug
    branch = await created(
        admin,
        f"{BASE}/organisations/new",
        name="望城区第一党支部",
        kind="branch",
        secretary_name="张书记",
        established_on="2020-07-01",
    )
    await acted(admin, branch, "edit", name="望城区机关第一党支部")
    assert 'data-field="name">望城区机关第一党支部<' in (await admin.get(branch)).text
    member = await created(
        admin,
        f"{BASE}/members/new",
        party_organisation_id=branch.rsplit("/", 1)[1],
        name="李党员",
        status="probationary",
        joined_on="2025-01-10",
    )
    assert 'data-field="status">probationary<' in (await admin.get(member)).text
    await acted(admin, member, "conversion", converted_on="2026-02-01")
    converted = await admin.get(member)
    assert 'data-field="status">full<' in converted.text
    # A second conversion is refused with the module's reason (409) on the record's page.
    again = await admin.post(
        f"{member}/conversion",
        data={
            "csrf_token": csrf_of(converted.text),
            "converted_on": "2026-02-02",
        },
    )
    assert again.status_code == 409
    assert "只有预备党员可以转正" in again.text
    team = await created(
        admin, f"{BASE}/pioneer-teams/new", name="红色先锋队", theme="助老", leader_name="王队长"
    )
    await acted(
        admin,
        team,
        "service",
        title="敬老院义诊",
        served_on="2026-03-05",
        member_person_times="12",
        other_person_times="30",
    )
    assert 'data-field="person_times">42<' in (await admin.get(team)).text
    plan = await created(
        admin,
        f"{BASE}/work-plans/new",
        year="2026",
        title="2026年党建工作计划",
        method="136工作法",
        pillars="core | 一核 | 党组织领导核心\nlevers | 三抓手 | 先锋队",
        indicators="core | 主题党日 | 次 | 12",
    )
    await acted(
        admin, plan, "indicator", pillar="levers", name="服务人次", unit="人次", target="2000"
    )
    planned = await admin.get(plan)
    assert "主题党日" in planned.text
    indicator = re.search(r"服务人次</td>.*?<td>([0-9a-f-]{36})</td>", planned.text, re.S)
    assert indicator, planned.text
    await acted(
        admin,
        plan,
        "progress",
        plan_indicator_id=indicator.group(1),
        amount="500",
        recorded_on="2026-03-05",
    )
    assert re.search(r"服务人次</td><td>2000</td><td>500</td>", (await admin.get(plan)).text)
    visit = await created(
        admin,
        f"{BASE}/supervision-visits/new",
        visited_unit="望城区机关第一党支部",
        visited_on="2026-03-06",
        supervisor="刘督导",
        findings="会议记录不全",
        follow_ups="补齐会议记录 | 2026-04-01",
    )
    follow_up = re.search(r"<td>([0-9a-f-]{36})</td>", (await admin.get(visit)).text)
    assert follow_up
    await acted(
        admin,
        visit,
        "follow-up-done",
        supervision_follow_up_id=follow_up.group(1),
        done_on="2026-03-20",
        outcome="已补齐",
    )
    assert "<td>已补齐</td>" in (await admin.get(visit)).text
    on = await sign_in("wfl-admin")
    assert f'data-module="{MODULE}"' in (await on.get("/console/t/wangfulu")).text
    await gone_where_off(await sign_in("lfl-admin"), MODULE, [r.slug for r in PAGES.resources])
