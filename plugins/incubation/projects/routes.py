"""HTTP routes of incubatees' projects."""

from __future__ import annotations

import uuid

from litestar import get, post
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core import Conflict, Page, Paging, Tenant, in_subtree, paginate
from plugins.incubation import models
from plugins.incubation.fields import answer, clean, get_in_subtree, optional
from plugins.incubation.incubatees import services as incubatees
from plugins.incubation.permissions import READ, WRITE
from plugins.incubation.projects.schemas import Project, ProjectCreate


@get("/projects", opt=READ)
async def list_projects(
    tenant: Tenant, session: AsyncSession, paging: Paging, funded: bool | None = None
) -> Page[Project]:
    """The subtree's incubatee projects; ``funded`` keeps those with (or without) an approval."""
    stmt = select(models.Project).where(in_subtree(models.Project.tenant_id, tenant))
    if funded is not None:
        approved = models.Project.approved_fen.is_not(None)
        stmt = stmt.where(approved if funded else ~approved)
    stmt = stmt.order_by(models.Project.title, models.Project.id)
    return await paginate(session, stmt, paging, lambda p: answer(p, Project))


@get("/projects/{incubation_project_id:uuid}", opt=READ)
async def get_project(
    tenant: Tenant, session: AsyncSession, incubation_project_id: uuid.UUID
) -> Project:
    return answer(
        await get_in_subtree(session, models.Project, tenant, incubation_project_id, "项目"),
        Project,
    )


@post("/incubatees/{incubatee_id:uuid}/projects", opt=WRITE)
async def add_project(
    tenant: Tenant, session: AsyncSession, incubatee_id: uuid.UUID, data: ProjectCreate
) -> Project:
    """A project that drives the incubatee's growth, optionally linked to its funding
    application (one project per application)."""
    inc = await incubatees.get(session, tenant, incubatee_id)
    if data.funding_application_id is not None:
        taken = await session.scalar(
            select(models.Project.id).where(
                models.Project.tenant_id == inc.tenant_id,
                models.Project.funding_application_id == data.funding_application_id,
            )
        )
        if taken is not None:
            raise Conflict(
                "该资助申请已关联项目",
                title_en="The funding application is linked to a project already",
                code="application-linked",
            )
    row = models.Project(
        tenant_id=inc.tenant_id,
        incubatee_id=inc.id,
        title=clean(data.title),
        summary=optional(data.summary),
        funding_application_id=data.funding_application_id,
        funding_reference=optional(data.funding_reference),
    )
    session.add(row)
    await session.flush()
    return answer(row, Project)


ROUTES = [list_projects, get_project, add_project]
