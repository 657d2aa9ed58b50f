"""The deliberation hall's console pages: its navigation entry, lists, a topic raised and moved
through its state machine, a session convened with a representative, where the module is on,
and nothing where it is off.

On the console tests' tree the module is switched on at 望城区, 高塘岭街道 and 望府路社区 and
left off at 雷锋路社区. Runs on SQLite and, with ``GONGZHI_TEST_POSTGRES``, on PostgreSQL.
"""

from __future__ import annotations

import re

from litestar import Litestar

from core.db import Database
from plugins.deliberation_hall.console import PAGES
from tests.console.conftest import ConsoleTree, SignIn, csrf_of
from tests.console.module_pages import acted, created, gone_where_off, switch_on

MODULE = "deliberation-hall"
BASE = f"/console/t/wangfulu/m/{MODULE}"


async def test_deliberation_hall_pages_where_it_is_on_and_none_where_it_is_off(
    app: Litestar, db: Database, tree: ConsoleTree, sign_in: SignIn
) -> None:
    await switch_on(db, MODULE)
    admin = await sign_in("wfl-admin")
    home = await admin.get("/console/t/wangfulu")
    assert f'data-module="{MODULE}"' in home.text
    for resource in PAGES.resources:
        assert f'href="{BASE}/{resource.slug}"' in home.text
        listed = await admin.get(f"{BASE}/{resource.slug}")
        assert listed.status_code == 200, resource.slug
    topic = await created(
        admin,
        f"{BASE}/topics/new",
        title="加装电梯",
        description="3栋居民希望加装电梯",
        category="公共设施",
        proposer_kind="resident",
        proposer_name="王阿姨",
        cosigners="张三 | 13800000000\n李四",
    )
    page = await admin.get(topic)
    assert 'data-field="state">collected<' in page.text
    assert "<td>李四</td>" in page.text
    assert "13800000000" not in page.text
    # A move the state machine does not allow: 409 with the allowed state named.
    refused = await admin.post(
        f"{topic}/transition", data={"csrf_token": csrf_of(page.text), "to": "voting"}
    )
    assert refused.status_code == 409
    assert 'role="alert"' in refused.text
    for state in ("under_review", "accepted"):
        await acted(admin, topic, "transition", to=state)
    assert 'data-field="state">accepted<' in (await admin.get(topic)).text
    await acted(
        admin,
        topic,
        "session",
        kind="meeting",
        title="加装电梯议事会",
        place="社区议事厅",
        starts_at="2026-12-20T19:00",
    )
    sessions = await admin.get(f"{BASE}/sessions")
    found = re.search(rf'href="({BASE}/sessions/[0-9a-f-]+)">加装电梯议事会<', sessions.text)
    assert found, sessions.text
    session = found.group(1)
    assert 'data-field="starts_at">2026-12-20T11:00:00Z<' in (await admin.get(session)).text
    await acted(admin, session, "representative", name="李代表", stakeholder="on")
    after = await admin.get(session)
    assert 'data-field="check.representatives">1<' in after.text
    assert 'data-field="check.present">0<' in after.text
    representative = re.search(r"李代表</td>.*?<td>([0-9a-f-]{36})</td>", after.text, re.S)
    assert representative, after.text
    await acted(
        admin, session, "attendance", representative_id=representative.group(1), present="on"
    )
    assert 'data-field="check.present">1<' in (await admin.get(session)).text
    on = await sign_in("wc-admin")
    assert f'data-module="{MODULE}"' in (await on.get("/console/t/wangcheng")).text
    await gone_where_off(await sign_in("lfl-admin"), MODULE, [r.slug for r in PAGES.resources])
