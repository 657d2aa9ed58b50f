"""The demo district: the tenant file's party-building section and the demo hook, each applied
twice with nothing added the second time; the headline figures of the contract."""

from __future__ import annotations

import asyncio
import random
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

import core.kernel as plugins_cli
from core import DemoContext
from core.app import load_plugins
from core.cli import main
from core.db import Database
from core.modules.invariants import check_invariants
from core.settings import Settings
from core.tenancy.models import Tenant
from core.testing import TEST_SECRET
from plugins.party_building import gongzhi_demo_load
from plugins.party_building.models import Meeting, PioneerTeam, TeamService
from tests.plugins.party_building.conftest import Client, get

WANGCHENG = str(Path(__file__).resolve().parents[3] / "tenants" / "wangcheng.yaml")


async def apply_file() -> str:
    result = await asyncio.to_thread(CliRunner().invoke, main, ["tenants", "apply", WANGCHENG])
    assert result.exit_code == 0, result.output
    return result.stdout


async def load(db: Database) -> dict[str, int]:
    async with db.session(write=True) as session:
        tenants = {t.slug: t for t in await session.scalars(select(Tenant))}
        context = DemoContext(
            session=session,
            root=tenants["wangcheng"],
            tenants=tenants,
            random=random.Random(7),
            today=date.today(),
        )
        await gongzhi_demo_load(context)
    async with db.session() as session:
        return {
            table.__tablename__: int(
                await session.scalar(select(func.count()).select_from(table)) or 0
            )
            for table in (PioneerTeam, TeamService, Meeting)
        }


async def test_the_tenant_file_and_the_demo_give_the_district_its_figures(
    settings: Settings,
    db: Database,
    admin_client: Client,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    plugins_cli._loaded.clear()
    monkeypatch.setenv("GONGZHI_SECRET_KEY", TEST_SECRET)
    monkeypatch.setenv("GONGZHI_ENV", "development")
    monkeypatch.setenv("GONGZHI_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("GONGZHI_MIGRATION_DATABASE_URL", settings.migrations_url)
    first = await apply_file()
    assert "+ create party organisation 望城区社会组织综合党委 at wangcheng" in first
    assert first.count("+ create pioneer team") == 4
    second = await apply_file()
    assert "+ create party" not in second
    assert "+ create pioneer" not in second
    assert second.count("= unchanged pioneer team") == 4

    loaded = await load(db)
    assert loaded["pb_pioneer_teams"] == 4, "the declared teams are used, none added"
    assert await load(db) == loaded
    assert (await check_invariants(db, load_plugins(settings)))["party-building"] == []

    metrics = (await admin_client.get("/api/v1/tenants/430112/metrics")).json()
    figures: dict[str, Any] = {f["name"]: f for f in metrics["figures"]}
    assert figures["party-building.pioneer_teams"]["total"] == 4
    assert figures["party-building.person_times"]["total"] >= 2000
    assert figures["party-building.person_times"]["unit"] == "person_times"
    assert figures["party-building.organisations_joint_branch"]["total"] == 3

    district = await get(admin_client, "wangcheng", "/figures")
    assert district["organisations_overdue"] >= 1
    assert district["overdue_follow_ups"] == 1
    assert 0 < district["member_share_percent"] < 50
    warnings = await get(admin_client, "wangcheng", "/warnings?limit=200")
    assert {"too-few-full-members", "joint-branch-too-many-units"} <= {
        w["code"] for w in warnings["items"]
    }
    reminders = await get(admin_client, "wangcheng", "/conversion-reminders")
    assert reminders["total"] > 0
    plans = await get(admin_client, "wangcheng", "/work-plans")
    methods = {(p["method"], p["is_template"], p["copied_from_id"] is None) for p in plans["items"]}
    assert methods == {("136工作法", True, True), ("136工作法", False, False)}
    (template,) = [p for p in plans["items"] if p["is_template"]]
    assert [g["group"] for g in template["pillars"]].count("六方力量") == 6
