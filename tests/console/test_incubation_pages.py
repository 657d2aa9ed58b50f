"""Incubation's console pages: its navigation entry, lists, forms and stage moves where the
module is on, and nothing where it is off.

On the console tests' tree incubation is switched on at 望城区, 高塘岭街道 and 望府路社区 and
left off at 雷锋路社区. Runs on SQLite and, with ``GONGZHI_TEST_POSTGRES``, on PostgreSQL.
"""

from __future__ import annotations

import re

from litestar import Litestar

from core.db import Database
from plugins.incubation.console import PAGES
from tests.console.conftest import ConsoleTree, SignIn, csrf_of
from tests.console.module_pages import acted, created, gone_where_off, switch_on

MODULE = "incubation"
BASE = f"/console/t/wangcheng/m/{MODULE}"


async def test_incubation_pages_where_it_is_on_and_none_where_it_is_off(
    app: Litestar, db: Database, tree: ConsoleTree, sign_in: SignIn
) -> None:
    await switch_on(db, MODULE)
    admin = await sign_in("wc-admin")
    home = await admin.get("/console/t/wangcheng")
    assert f'data-module="{MODULE}"' in home.text
    for resource in PAGES.resources:
        listed = await admin.get(f"{BASE}/{resource.slug}")
        assert listed.status_code == 200, resource.slug
        assert f'href="{BASE}/{resource.slug}"' in home.text
    new_base = await admin.get(f"{BASE}/bases/new")
    assert '<select id="create-kind" name="kind" required>' in new_base.text
    base = await created(
        admin,
        f"{BASE}/bases/new",
        kind="district_base",
        name="望城区社会组织培育基地",
        established_on="2025-06-01",
    )
    base_id = base.rsplit("/", 1)[1]
    cohort = await created(
        admin, f"{BASE}/cohorts/new", base_id=base_id, name="第一批", intake_on="2026-03-02"
    )
    incubatee = await created(
        admin,
        f"{BASE}/incubatees/new",
        cohort_id=cohort.rsplit("/", 1)[1],
        organisation_name="望城区夕阳红志愿服务队",
        admitted_on="2026-03-02",
    )
    detail = await admin.get(incubatee)
    assert "<h1>望城区夕阳红志愿服务队</h1>" in detail.text
    assert 'data-field="stage">needs_survey<' in detail.text
    assert 'data-form="stage-override"' in detail.text
    # Training before the needs survey: refused with the module's reason (409).
    early = await admin.post(
        f"{incubatee}/stage", data={"csrf_token": csrf_of(detail.text), "to": "training"}
    )
    assert early.status_code == 409
    assert 'role="alert"' in early.text
    await acted(
        admin,
        incubatee,
        "survey",
        surveyed_on="2026-03-03",
        surveyor="王社工",
        answers="最需要的支持 | 项目设计\n成员人数 | 12",
        findings="缺少项目设计能力",
    )
    await acted(admin, incubatee, "stage", to="training")
    await acted(
        admin,
        incubatee,
        "training",
        title="项目设计工作坊",
        courses="需求分析\n预算编制",
        sessions="2026-03-09 | 需求分析 | 12",
    )
    after = await admin.get(incubatee)
    assert 'data-field="stage">training<' in after.text
    assert "需求分析、预算编制" in after.text
    assert "缺少项目设计能力" in after.text
    assert "<td>12</td>" in after.text
    await acted(
        admin, incubatee, "stage-override", to="resource_matching", reason="督导已在区级完成"
    )
    await acted(
        admin,
        incubatee,
        "match",
        kind="charity_resource",
        provider="望城区慈善会",
        description="助老物资",
        matched_on="2026-03-10",
        outcome="secured",
        amount_fen="50000",
    )
    matched = await admin.get(incubatee)
    assert "望城区慈善会" in matched.text
    assert "<td>50000</td>" in matched.text
    mentor = await created(
        admin, f"{BASE}/mentors/new", base_id=base_id, name="周书记", title="社区党委书记"
    )
    await acted(
        admin,
        mentor,
        "pair",
        incubatee_id=incubatee.rsplit("/", 1)[1],
        started_on="2026-03-04",
        leader_name="陈会长",
    )
    pairing = re.search(r"<td>([0-9a-f-]{36})</td>", (await admin.get(mentor)).text)
    assert pairing
    await acted(
        admin, mentor, "end", mentorship_id=pairing.group(1), ended_on="2026-06-30", reason="结业"
    )
    assert "<td>2026-06-30</td>" in (await admin.get(mentor)).text
    listed = await admin.get(f"{BASE}/incubatees", params={"q": "夕阳红"})
    assert re.search(r'data-total="1"', listed.text)
    # On at 望府路社区, off at 雷锋路社区: the entry and every page disappear there.
    on = await sign_in("wfl-admin")
    assert f'data-module="{MODULE}"' in (await on.get("/console/t/wangfulu")).text
    await gone_where_off(await sign_in("lfl-admin"), MODULE, [r.slug for r in PAGES.resources])
