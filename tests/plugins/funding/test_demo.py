"""The demo district's funding: two calls, twelve joint applications since 2024, a little over
200,000 yuan approved from a foundation and one terminated project, loaded once, with the
module's invariants holding, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select

from core.app import load_plugins
from core.db import Database
from core.demo import load_demo
from core.kernel import apply_tenant_file
from core.modules.invariants import check_invariants
from core.settings import Settings
from plugins.funding.models import Application, Call

WANGCHENG = Path(__file__).resolve().parents[3] / "tenants" / "wangcheng.yaml"


async def test_the_demo_district_shows_its_funding_figures(
    settings: Settings, db: Database, admin_client: AsyncTestClient[Litestar]
) -> None:
    host = load_plugins(settings)
    await apply_tenant_file(db, str(WANGCHENG), host=host)
    loaded = {m.module: m.added for m in await load_demo(db, host, "430112")}
    assert loaded["funding"]["funding_applications"] == 12
    again = {m.module: m.added for m in await load_demo(db, host, "430112")}
    assert again["funding"] == {}
    assert (await check_invariants(db, host))["funding"] == []

    response = await admin_client.get("/api/v1/tenants/430112/metrics")
    assert response.status_code == 200, response.text
    figures = {f["name"]: f for f in response.json()["figures"]}
    assert figures["funding.joint_applications"]["total"] == 12
    assert figures["funding.foundation_funds_approved"]["total"] == 206_500_00
    assert figures["funding.projects_terminated"]["total"] == 1
    assert figures["funding.calls"]["total"] == 2
    async with db.session() as session:
        funders = set(await session.scalars(select(Call.funder_kind)))
        assert funders == {"foundation", "government"}
        joint = list(await session.scalars(select(Application)))
        by_directory = [a for a in joint if a.organisation_ids]
        assert len(by_directory) == 8
        assert all(len(a.organisation_ids) == 2 for a in by_directory)
        assert sum(1 for a in joint if a.pair_urban_tenant_id is not None) == 4
        statuses = sorted(a.status for a in joint)
        assert statuses.count("closed") == 7
        assert statuses.count("terminated") == 1
    report: Any = (await admin_client.get("/api/v1/tenants/430112/funding/transparency")).json()
    assert report["totals"]["approved_fen"] == 206_500_00 + 55_000_00
