"""HTTP routes of brand projects."""

from __future__ import annotations

import uuid

from litestar import get, post
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core import Conflict, Page, Paging, Tenant, in_subtree, paginate
from plugins.incubation import models
from plugins.incubation.brand_projects.schemas import (
    BehindProject,
    BrandProject,
    BrandProjectCreate,
)
from plugins.incubation.fields import answer, clean, get_in_subtree, not_in_future, stored
from plugins.incubation.orgs import name_organisation
from plugins.incubation.permissions import MANAGE, READ


@get("/brand-projects", opt=READ)
async def list_brand_projects(
    tenant: Tenant, session: AsyncSession, paging: Paging
) -> Page[BrandProject]:
    stmt = (
        select(models.BrandProject)
        .where(in_subtree(models.BrandProject.tenant_id, tenant))
        .order_by(models.BrandProject.name, models.BrandProject.id)
    )
    return await paginate(session, stmt, paging, lambda b: answer(b, BrandProject))


@post("/brand-projects", opt=MANAGE)
async def create_brand_project(
    tenant: Tenant, session: AsyncSession, data: BrandProjectCreate
) -> BrandProject:
    """A brand project of this tenant with its story, figures and organisations (each named by
    directory id when five-sector is on, or plainly)."""
    name = clean(data.name)
    taken = await session.scalar(
        select(models.BrandProject.id).where(
            models.BrandProject.tenant_id == tenant.id, models.BrandProject.name == name
        )
    )
    if taken is not None:
        raise Conflict("品牌项目已存在", title_en="Brand project exists", code="brand-exists")
    behind: list[BehindProject] = []
    for index, org in enumerate(data.organisations):
        named = await name_organisation(
            session,
            tenant,
            org.organisation_id,
            org.name,
            field=f"organisations[{index}].organisation_id",
            name_field=f"organisations[{index}].name",
        )
        behind.append(BehindProject(organisation_id=named.id, name=named.name))
    row = models.BrandProject(
        tenant_id=tenant.id,
        name=name,
        story=clean(data.story),
        started_on=not_in_future("started_on", data.started_on) if data.started_on else None,
        figures=stored(data.figures),
        organisations=stored(behind),
    )
    session.add(row)
    await session.flush()
    return answer(row, BrandProject)


@get("/brand-projects/{brand_project_id:uuid}", opt=READ)
async def get_brand_project(
    tenant: Tenant, session: AsyncSession, brand_project_id: uuid.UUID
) -> BrandProject:
    row = await get_in_subtree(session, models.BrandProject, tenant, brand_project_id, "品牌项目")
    return answer(row, BrandProject)


ROUTES = [list_brand_projects, create_brand_project, get_brand_project]
