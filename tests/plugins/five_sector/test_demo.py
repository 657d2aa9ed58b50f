"""The demo district after `make run`: five-sector figures in every town, loaded once.

The first test runs what `make run` runs (db upgrade, tenants apply, demo load) through the
command line on a fresh SQLite file and reads the district's roll-up through the API; the
second loads the demo into the suite's database on SQLite and PostgreSQL (where the roll-up is
read under row-level security) and checks the module's invariants.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select

import core.kernel as plugins_cli
from core.app import create_app, load_plugins
from core.cli import main
from core.db import SYSTEM, Database
from core.demo import load_demo
from core.modules.invariants import check_invariants
from core.settings import Settings
from core.testing import TEST_SECRET, become_platform_admin, settings_for_tests
from plugins.five_sector import rules
from plugins.five_sector.models import (
    Activity,
    Organisation,
    Pairing,
    ServiceEntry,
    Volunteer,
)

WANGCHENG = str(Path(__file__).resolve().parents[3] / "tenants" / "wangcheng.yaml")
TOWN_FIGURES = ("organisations", "volunteers", "service_hours", "activities_closed", "person_times")
Client = AsyncTestClient[Litestar]


async def run(args: list[str]) -> str:
    """The command line, in a thread: it runs its own event loop."""
    result = await asyncio.to_thread(CliRunner().invoke, main, args)
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch) -> None:
    plugins_cli._loaded.clear()
    monkeypatch.setenv("GONGZHI_SECRET_KEY", TEST_SECRET)
    monkeypatch.setenv("GONGZHI_ENV", "development")


async def district_figures(client: Client) -> dict[str, dict[str, Any]]:
    response = await client.get("/api/v1/tenants/430112/metrics")
    assert response.status_code == 200, response.text
    return {f["name"].removeprefix("five-sector."): f for f in response.json()["figures"]}


def assert_every_town_shows_figures(figures: dict[str, dict[str, Any]]) -> None:
    for name in TOWN_FIGURES:
        children = {c["slug"]: c["value"] for c in figures[name]["children"]}
        assert len(children) == 16, name
        assert all(value > 0 for value in children.values()), (name, children)


async def test_make_run_fills_every_town_of_the_demo_district(
    cli_env: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'gongzhi.db'}"
    monkeypatch.setenv("GONGZHI_DATABASE_URL", url)
    await run(["db", "upgrade"])
    await run(["tenants", "apply", WANGCHENG])
    first = await run(["demo", "load"])
    assert any(line.startswith("five-sector: ") for line in first.splitlines())
    assert "fs_organisations +" in first
    assert "fs_service_entries +" in first

    settings = settings_for_tests(url)
    db = Database(settings, default_context=SYSTEM)
    try:
        async with AsyncTestClient(app=create_app(settings)) as client:
            await become_platform_admin(client, db, settings)
            figures = await district_figures(client)
            assert_every_town_shows_figures(figures)
            assert 1800 <= figures["person_times"]["total"] <= 2300
            assert figures["pairings"]["total"] == 4
            assert figures["joint_activities"]["total"] >= 4
            assert figures["activities_closed"]["total"] >= 20
            assert figures["charity_money_received"]["total"] >= 200_000 * 100

        second = await run(["demo", "load"])
        assert "five-sector: 无新增（已加载）/ nothing new (already loaded)" in second.splitlines()
        assert (await check_invariants(db, load_plugins(settings)))["five-sector"] == []
    finally:
        await db.dispose()


async def star_levels(db: Database, thresholds: list[int]) -> set[int]:
    async with db.session() as session:
        totals = await session.execute(
            select(func.coalesce(func.sum(ServiceEntry.minutes), 0))
            .select_from(Volunteer)
            .outerjoin(ServiceEntry, ServiceEntry.volunteer_id == Volunteer.id)
            .group_by(Volunteer.id)
        )
        return {rules.star_level(int(minutes), thresholds) for (minutes,) in totals}


async def test_the_demo_loads_once_with_valid_records_on_both_databases(
    cli_env: None,
    settings: Settings,
    db: Database,
    admin_client: Client,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GONGZHI_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("GONGZHI_MIGRATION_DATABASE_URL", settings.migrations_url)
    await run(["tenants", "apply", WANGCHENG])
    host = load_plugins(settings)

    loads = {load.module: load.added for load in await load_demo(db, host, "430112")}
    assert loads["five-sector"]["fs_activities"] >= 20
    again = {load.module: load.added for load in await load_demo(db, host, "430112")}
    assert again["five-sector"] == {}

    assert (await check_invariants(db, host))["five-sector"] == []
    assert await star_levels(db, [100, 300, 600, 1000, 1500]) == {0, 1, 2, 3, 4, 5}
    async with db.session() as session:
        titles = set(await session.scalars(select(Activity.title)))
        assert {"智慧通讯学习小组", "非遗文化传承班", "戏乡文化节", "农耕体验日"} <= titles
        assert any(t.startswith("银龄帮帮团") for t in titles)
        statuses = set(await session.scalars(select(Organisation.status)))
        assert {"filed", "incubating", "registered"} <= statuses
        for kind, uscc in await session.execute(
            select(Organisation.kind, Organisation.uscc).where(Organisation.uscc.is_not(None))
        ):
            assert uscc is not None
            assert rules.validate_uscc(uscc) == uscc
            assert uscc[:2] == "5" + rules.USCC_TYPE_BY_KIND[kind]
        assert await session.scalar(select(func.count()).select_from(Pairing)) == 4

    assert_every_town_shows_figures(await district_figures(admin_client))
