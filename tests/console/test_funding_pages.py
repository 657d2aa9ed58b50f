"""Funding's console pages: its navigation entry, a call opened with its criteria and tranche
plan, an application with budget lines made and submitted from a community, a refused move of
its state machine, and the ledger's exports, where the module is on; nothing where it is off.

On the console tests' tree funding is switched on at 望城区, 高塘岭街道 and 望府路社区 and left
off at 雷锋路社区. Runs on SQLite and, with ``GONGZHI_TEST_POSTGRES``, on PostgreSQL.
"""

from __future__ import annotations

import re

from litestar import Litestar

from core.db import Database
from plugins.funding.console import PAGES
from tests.console.conftest import ConsoleTree, SignIn, csrf_of
from tests.console.module_pages import acted, created, gone_where_off, switch_on

MODULE = "funding"
DISTRICT = f"/console/t/wangcheng/m/{MODULE}"
COMMUNITY = f"/console/t/wangfulu/m/{MODULE}"


async def test_funding_pages_where_it_is_on_and_none_where_it_is_off(
    app: Litestar, db: Database, tree: ConsoleTree, sign_in: SignIn
) -> None:
    await switch_on(db, MODULE)
    admin = await sign_in("wc-admin")
    home = await admin.get("/console/t/wangcheng")
    assert f'data-module="{MODULE}"' in home.text
    for resource in PAGES.resources:
        assert f'href="{DISTRICT}/{resource.slug}"' in home.text
        listed = await admin.get(f"{DISTRICT}/{resource.slug}")
        assert listed.status_code == 200, resource.slug
    call = await created(
        admin,
        f"{DISTRICT}/calls/new",
        title="2026年公益创投",
        funder_kind="foundation",
        funder_name="湖南省某基金会",
        pool_fen="20000000",
        opens_on="2026-01-01",
        closes_on="2026-12-31",
        criteria="need | 需求迫切 | 60\nplan | 方案可行 | 40",
        tranche_plan="首期 | 60 | agreement\n尾款 | 40 | closing",
    )
    shown = await admin.get(call)
    assert 'data-field="balance.available_fen">20000000<' in shown.text
    assert "方案可行" in shown.text
    community = await sign_in("wfl-admin")
    there = call.replace(DISTRICT, COMMUNITY)
    await acted(
        community,
        there,
        "apply",
        title="邻里互助食堂",
        category="社区治理",
        budget_lines="场地改造 | 300000\n食材 | 200000",
        applicants="| 望府路邻里互助会 | filed",
    )
    listed = await community.get(f"{COMMUNITY}/applications")
    found = re.search(rf'href="({COMMUNITY}/applications/[0-9a-f-]+)">邻里互助食堂<', listed.text)
    assert found, listed.text
    application = found.group(1)
    draft = await community.get(application)
    assert 'data-field="requested_fen">500000<' in draft.text
    await acted(community, application, "submit")
    assert 'data-field="status">submitted<' in (await community.get(application)).text
    # The call's managers may not approve what has not been reviewed: 409 with the reason.
    managed = application.replace(COMMUNITY, DISTRICT)
    page = await admin.get(managed)
    refused = await admin.post(
        f"{managed}/transition",
        data={"csrf_token": csrf_of(page.text), "to": "approved"},
    )
    assert refused.status_code == 409
    assert 'role="alert"' in refused.text
    for status in ("screened", "under_review", "published"):
        await acted(admin, managed, "transition", to=status)
    await acted(admin, managed, "transition", to="approved", approved_fen="400000")
    await acted(admin, managed, "transition", to="agreement_signed")
    await acted(admin, managed, "disbursement", tranche="1", disbursed_on="2026-11-02")
    funded = await admin.get(managed)
    assert 'data-field="approved_fen">400000<' in funded.text
    assert 'data-field="disbursed_fen">240000<' in funded.text
    balance = await admin.get(call)
    assert 'data-field="balance.available_fen">19600000<' in balance.text
    csv = await admin.get(f"{DISTRICT}/ledger/export/0")
    assert csv.status_code == 200
    assert "240000" in csv.content.decode("utf-8-sig")
    xlsx = await admin.get(f"{DISTRICT}/ledger/export/1")
    assert xlsx.status_code == 200
    assert xlsx.content.startswith(b"PK")
    await gone_where_off(await sign_in("lfl-admin"), MODULE, [r.slug for r in PAGES.resources])
