"""HTTP routes of party organisations, instructors, size warnings and coverage."""

from __future__ import annotations

import uuid

from litestar import get, patch, post
from sqlalchemy.ext.asyncio import AsyncSession

from core import ModuleConfig, Page, Paging, Tenant, paginate
from plugins.party_building.organisations import services
from plugins.party_building.organisations.schemas import (
    Coverage,
    Instructor,
    InstructorCreate,
    Organisation,
    OrganisationCreate,
    OrganisationUpdate,
    OrganisationWarning,
    OrgKind,
    UnitIn,
)
from plugins.party_building.permissions import MANAGE, READ


@get("/organisations", opt=READ)
async def list_organisations(
    tenant: Tenant,
    session: AsyncSession,
    paging: Paging,
    config: ModuleConfig,
    kind: OrgKind | None = None,
) -> Page[Organisation]:
    """The party organisations of the subtree by name, each with its head-count and the size
    rules it breaks."""
    counted = await services.census(session, tenant)
    return await paginate(
        session,
        services.query(tenant, kind=kind),
        paging,
        lambda org: services.answer(org, counted, config),
    )


@post("/organisations", opt=MANAGE)
async def create_organisation(
    tenant: Tenant, session: AsyncSession, config: ModuleConfig, data: OrganisationCreate
) -> Organisation:
    org = await services.create(session, tenant, data)
    return await services.answer_one(session, tenant, org, config)


@get("/organisations/{party_organisation_id:uuid}", opt=READ)
async def get_organisation(
    tenant: Tenant, session: AsyncSession, config: ModuleConfig, party_organisation_id: uuid.UUID
) -> Organisation:
    org = await services.get(session, tenant, party_organisation_id)
    return await services.answer_one(session, tenant, org, config)


@patch("/organisations/{party_organisation_id:uuid}", opt=MANAGE)
async def update_organisation(
    tenant: Tenant,
    session: AsyncSession,
    config: ModuleConfig,
    party_organisation_id: uuid.UUID,
    data: OrganisationUpdate,
) -> Organisation:
    org = await services.update(session, tenant, party_organisation_id, data)
    return await services.answer_one(session, tenant, org, config)


@post("/organisations/{party_organisation_id:uuid}/units", opt=MANAGE)
async def add_unit(
    tenant: Tenant,
    session: AsyncSession,
    config: ModuleConfig,
    party_organisation_id: uuid.UUID,
    data: UnitIn,
) -> Organisation:
    """Cover one more social organisation; past the joint-branch limit it is added with a
    warning."""
    org = await services.get(session, tenant, party_organisation_id)
    await services.add_unit(session, tenant, org, data, "organisation")
    return await services.answer_one(session, tenant, org, config)


@get("/warnings", opt=READ)
async def list_warnings(
    tenant: Tenant, session: AsyncSession, config: ModuleConfig, paging: Paging
) -> Page[OrganisationWarning]:
    """Every size rule broken in the subtree, by organisation."""
    found = await services.warnings(session, tenant, config)
    return Page(
        items=found[paging.offset : paging.offset + paging.limit],
        total=len(found),
        limit=paging.limit,
        offset=paging.offset,
    )


@get("/instructors", opt=READ)
async def list_instructors(
    tenant: Tenant, session: AsyncSession, paging: Paging
) -> Page[Instructor]:
    return await paginate(
        session, services.instructors_query(tenant), paging, services.instructor_answer
    )


@post("/instructors", opt=MANAGE)
async def create_instructor(
    tenant: Tenant, session: AsyncSession, data: InstructorCreate
) -> Instructor:
    """Send a party-building instructor to a social organisation without a party body."""
    return services.instructor_answer(await services.create_instructor(session, tenant, data))


@get("/coverage", opt=READ)
async def get_coverage(tenant: Tenant, session: AsyncSession) -> Coverage:
    return await services.coverage(session, tenant)


ROUTES = [
    list_organisations,
    create_organisation,
    get_organisation,
    update_organisation,
    add_unit,
    list_warnings,
    list_instructors,
    create_instructor,
    get_coverage,
]
