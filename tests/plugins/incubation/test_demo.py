"""The demo district after `gongzhi demo load`: the district base, a promotion centre in every
town, 58 organisations incubated (named from five-sector's register), loaded once."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

import core.kernel as plugins_cli
from core.app import load_plugins
from core.cli import main
from core.db import Database
from core.demo import load_demo
from core.modules.invariants import check_invariants
from core.settings import Settings
from core.testing import TEST_SECRET
from plugins.incubation.models import (
    BrandProject,
    Incubatee,
    IncubationBase,
    Mentorship,
    StageChange,
    Survey,
)
from tests.plugins.incubation.conftest import Client

WANGCHENG = str(Path(__file__).resolve().parents[3] / "tenants" / "wangcheng.yaml")


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, settings: Settings) -> None:
    plugins_cli._loaded.clear()
    monkeypatch.setenv("GONGZHI_SECRET_KEY", TEST_SECRET)
    monkeypatch.setenv("GONGZHI_ENV", "development")
    monkeypatch.setenv("GONGZHI_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("GONGZHI_MIGRATION_DATABASE_URL", settings.migrations_url)


async def test_the_demo_district_shows_58_organisations_incubated(
    cli_env: None, settings: Settings, db: Database, admin_client: Client
) -> None:
    result = await asyncio.to_thread(CliRunner().invoke, main, ["tenants", "apply", WANGCHENG])
    assert result.exit_code == 0, result.output
    host = load_plugins(settings)
    loads = {load.module: load.added for load in await load_demo(db, host, "430112")}
    order = list(loads)
    assert order.index("five-sector") < order.index("incubation"), "names come from five-sector"
    assert loads["incubation"]["inc_incubatees"] == 58 + 16
    again = {load.module: load.added for load in await load_demo(db, host, "430112")}
    assert again["incubation"] == {}

    metrics = (await admin_client.get("/api/v1/tenants/430112/metrics")).json()
    figures: dict[str, Any] = {f["name"]: f for f in metrics["figures"]}
    assert figures["incubation.organisations_incubated"]["total"] == 58
    assert figures["incubation.town_centres"]["total"] == 16
    assert figures["incubation.brand_projects"]["total"] == 2
    assert 5 <= figures["incubation.graduated"]["total"] < 58
    for stage in ("needs_survey", "training", "supervision", "resource_matching"):
        assert figures[f"incubation.stage_{stage}"]["total"] > 0, stage
    towns = {c["slug"]: c["value"] for c in figures["incubation.town_centres"]["children"]}
    assert len(towns) == 16
    assert set(towns.values()) == {1}
    assert (await check_invariants(db, host))["incubation"] == []
    summary = (await admin_client.get("/api/v1/tenants/430112/incubation/figures")).json()
    assert Decimal(summary["average_capacity_growth"]) > 0

    async with db.session() as session:
        named = await session.scalar(
            select(func.count()).where(
                Incubatee.kind == "organisation", Incubatee.organisation_id.is_not(None)
            )
        )
        assert named == 58
        hubs = await session.scalar(
            select(func.count()).where(
                Incubatee.kind == "town_centre", Incubatee.stage == "graduated"
            )
        )
        assert (hubs or 0) > 0
        brands = set(await session.scalars(select(BrandProject.name)))
        assert brands == {"新向阳志愿服务", "城市新农人"}
        assert await session.scalar(select(func.count()).select_from(Mentorship)) == 8
        assert await session.scalar(select(func.count()).select_from(Survey)) == 58 + 16
        assert await session.scalar(select(func.count()).select_from(IncubationBase)) == 17
        assert await session.scalar(select(func.count()).where(StageChange.override.is_(True))) == 0
