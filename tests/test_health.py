from __future__ import annotations

from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import text

from core.db import Database


async def test_live_answers_without_touching_the_database(
    client: AsyncTestClient[Litestar],
) -> None:
    response = await client.get("/health/live")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_ready_when_database_is_migrated(client: AsyncTestClient[Litestar]) -> None:
    response = await client.get("/health/ready")
    assert response.status_code == 200, response.text
    assert response.json()["checks"] == {"database": "ok", "migrations": "at head"}


async def test_ready_is_503_when_a_migration_is_missing(
    client: AsyncTestClient[Litestar], gongzhi_owner_db: Database
) -> None:
    async with gongzhi_owner_db.session(write=True) as session:
        await session.execute(text("DELETE FROM alembic_version"))
    response = await client.get("/health/ready")
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"].startswith("behind")


async def test_ready_when_the_database_is_ahead_of_this_code(
    client: AsyncTestClient[Litestar], gongzhi_owner_db: Database
) -> None:
    async with gongzhi_owner_db.session(write=True) as session:
        await session.execute(
            text(
                "UPDATE alembic_version SET version_num = 'from_a_newer_release' "
                "WHERE version_num = '0007_tenants_path_covers_id'"
            )
        )
    response = await client.get("/health/ready")
    assert response.status_code == 200, response.text


async def test_not_ready_when_the_database_has_revisions_no_installed_code_knows(
    client: AsyncTestClient[Litestar], gongzhi_owner_db: Database
) -> None:
    """A plugin uninstalled without removing its branch leaves its revision behind while every
    known branch is at its head: readiness names the revision instead of saying "at head"."""
    async with gongzhi_owner_db.session(write=True) as session:
        await session.execute(
            text("INSERT INTO alembic_version (version_num) VALUES ('gone_plugin_0001')")
        )
    response = await client.get("/health/ready")
    assert response.status_code == 503, response.text
    reason = response.json()["checks"]["migrations"]
    assert reason.startswith("unknown revisions: gone_plugin_0001")
