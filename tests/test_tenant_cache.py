"""Tenant resolution is cached per process, yet a committed change to the tree is seen at once
by the next request, whether made through the API or directly through another session."""

from __future__ import annotations

from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import update

from core.db import Database
from core.settings import Settings
from core.tenancy.models import Tenant
from core.tenancy.service import NewTenant, create_tenant

Client = AsyncTestClient[Litestar]
API = "/api/v1/tenants"


async def _district(db: Database, settings: Settings) -> None:
    async with db.session(write=True) as session:
        await create_tenant(
            session,
            settings,
            None,
            NewTenant(slug="wangcheng", name="望城区", level="district", division_code="430112"),
        )


async def test_a_slug_changed_through_the_api_resolves_at_once(
    admin_client: Client, db: Database, settings: Settings
) -> None:
    await _district(db, settings)
    assert (await admin_client.get(f"{API}/wangcheng")).status_code == 200

    changed = await admin_client.patch(f"{API}/wangcheng", json={"slug": "wangcheng-qu"})
    assert changed.status_code == 200, changed.text

    assert (await admin_client.get(f"{API}/wangcheng")).status_code == 404
    renamed = await admin_client.get(f"{API}/wangcheng-qu")
    assert renamed.status_code == 200
    assert renamed.json()["name"] == "望城区"


async def test_a_change_committed_by_another_session_is_seen_by_the_next_request(
    admin_client: Client, db: Database, settings: Settings
) -> None:
    await _district(db, settings)
    assert (await admin_client.get(f"{API}/430112")).json()["name"] == "望城区"

    async with db.session(write=True) as session:
        await session.execute(
            update(Tenant).where(Tenant.slug == "wangcheng").values(name="望城区（新）")
        )

    assert (await admin_client.get(f"{API}/430112")).json()["name"] == "望城区（新）"


async def test_a_failed_change_leaves_the_cached_tenant_as_it_was(
    admin_client: Client, db: Database, settings: Settings
) -> None:
    await _district(db, settings)
    assert (await admin_client.get(f"{API}/wangcheng")).status_code == 200

    refused = await admin_client.patch(f"{API}/wangcheng", json={"name": ""})
    assert refused.status_code == 422

    assert (await admin_client.get(f"{API}/wangcheng")).json()["name"] == "望城区"
