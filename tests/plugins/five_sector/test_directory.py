"""five-sector answers for the platform's organisation directory (core.find_organisations)."""

from __future__ import annotations

import uuid

from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import delete

from core import (
    count_organisations,
    find_organisations,
    list_organisations,
    organisation_directory_on,
)
from core.db import Database, DbContext
from core.modules.models import ModulePolicy
from core.tenancy.models import Tenant
from tests.plugins.five_sector.conftest import Tree, url
from tests.plugins.five_sector.test_organisations import community_org

Client = AsyncTestClient[Litestar]


async def _org(client: Client, tenant: Tenant, name: str) -> uuid.UUID:
    response = await client.post(url(tenant, "/organisations"), json=community_org(name=name))
    assert response.status_code == 201, response.text
    return uuid.UUID(response.json()["id"])


async def test_other_modules_find_organisations_of_the_subtree_only(
    admin_client: Client, tree: Tree, db: Database
) -> None:
    urban = await _org(admin_client, tree.urban, "银龄帮帮团")
    village = await _org(admin_client, tree.village, "城市新农人")
    elsewhere = await _org(admin_client, tree.other_community, "岳麓志愿队")
    async with db.session(context=DbContext.for_tenant(tree.town)) as session:
        assert await organisation_directory_on(session, tree.town)
        found = await find_organisations(session, tree.town, [urban, village, elsewhere])
        assert list(found) == [urban]
        assert found[urban].name == "银龄帮帮团"
        assert found[urban].tenant_id == tree.urban.id
        assert found[urban].module == "five-sector"
        assert found[urban].registration is None
        assert await count_organisations(session, tree.town) == 1
    async with db.session(context=DbContext.for_tenant(tree.district)) as session:
        listed = await list_organisations(session, tree.district)
        assert [r.name for r in listed] == ["城市新农人", "银龄帮帮团"]
        assert [r.id for r in await list_organisations(session, tree.district, search="新农")] == [
            village
        ]
        assert await count_organisations(session, tree.district) == 2


async def test_where_five_sector_is_off_no_organisation_is_named(
    admin_client: Client, tree: Tree, db: Database
) -> None:
    org = await _org(admin_client, tree.other_community, "岳麓志愿队")
    async with db.session(write=True) as session:
        await session.execute(
            delete(ModulePolicy).where(ModulePolicy.tenant_id == tree.other_district.id)
        )
    async with db.session(context=DbContext.for_tenant(tree.other_district)) as session:
        assert not await organisation_directory_on(session, tree.other_district)
        assert await find_organisations(session, tree.other_district, [org]) == {}
        assert await list_organisations(session, tree.other_district) == []
        assert await count_organisations(session, tree.other_district) is None
