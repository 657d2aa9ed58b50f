"""HTTP routes of social organisations, under ``/api/v1/tenants/{tenant_key}/five-sector``."""

from __future__ import annotations

import uuid
from typing import Annotated

from litestar import Response, get, patch, post
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from core import (
    Caller,
    ExportFormat,
    ExportOperation,
    ModuleConfig,
    Page,
    Paging,
    Tenant,
    export_response,
    paginate,
)
from plugins.five_sector.export import ORGANISATION_COLUMNS
from plugins.five_sector.organisations import services
from plugins.five_sector.organisations.schemas import (
    Organisation,
    OrganisationCreate,
    OrganisationDetail,
    OrganisationUpdate,
    OrgKind,
    OrgStatus,
    RatingSet,
    Transition,
    Warnings,
)
from plugins.five_sector.permissions import MANAGE, PEOPLE, READ, WRITE

NameQuery = Annotated[str | None, Parameter(max_length=100, description="名称包含 / name contains")]


@get("/organisations", opt=READ)
async def list_organisations(
    tenant: Tenant,
    session: AsyncSession,
    config: ModuleConfig,
    paging: Paging,
    kind: OrgKind | None = None,
    category: Annotated[str | None, Parameter(max_length=32)] = None,
    status: OrgStatus | None = None,
    q: NameQuery = None,
    brand_project: bool | None = None,
) -> Page[Organisation]:
    """The organisations of the tenant's subtree, by name."""
    stmt = services.query(
        tenant, kind=kind, category=category, status=status, q=q, brand_project=brand_project
    )
    return await paginate(session, stmt, paging, lambda org: services.answer(org, config))


@get("/organisations/export", opt=READ, operation_class=ExportOperation)
async def export_organisations(
    tenant: Tenant, session: AsyncSession, config: ModuleConfig, format: ExportFormat = "csv"
) -> Response[bytes]:
    """All organisations of the subtree as CSV or XLSX."""
    rows = (await session.execute(services.query(tenant))).scalars()
    return export_response(
        [services.answer(org, config) for org in rows], ORGANISATION_COLUMNS, format,
        "organisations",
    )  # fmt: skip


@post("/organisations", opt=WRITE)
async def create_organisation(
    tenant: Tenant, session: AsyncSession, config: ModuleConfig, data: OrganisationCreate
) -> Organisation:
    """A new organisation, incubating, at this tenant."""
    return services.answer(await services.create(session, tenant, config, data), config)


@get("/organisations/{organisation_id:uuid}", opt=READ)
async def get_organisation(
    tenant: Tenant, session: AsyncSession, config: ModuleConfig, organisation_id: uuid.UUID
) -> OrganisationDetail:
    return await services.detail(session, tenant, config, organisation_id)


@patch("/organisations/{organisation_id:uuid}", opt=WRITE)
async def update_organisation(
    tenant: Tenant,
    session: AsyncSession,
    config: ModuleConfig,
    organisation_id: uuid.UUID,
    data: OrganisationUpdate,
) -> Organisation:
    org = await services.update_fields(session, tenant, config, organisation_id, data)
    return services.answer(org, config)


@post("/organisations/{organisation_id:uuid}/transitions", opt=MANAGE, status_code=200)
async def transition_organisation(
    tenant: Tenant,
    session: AsyncSession,
    config: ModuleConfig,
    caller: Caller,
    organisation_id: uuid.UUID,
    data: Transition,
) -> Organisation:
    """Move the organisation along its lifecycle; the move is recorded with the caller."""
    org = await services.transition(session, tenant, config, organisation_id, data, caller.id)
    return services.answer(org, config)


@post("/organisations/{organisation_id:uuid}/rating", opt=MANAGE, status_code=200)
async def rate_organisation(
    tenant: Tenant,
    session: AsyncSession,
    config: ModuleConfig,
    organisation_id: uuid.UUID,
    data: RatingSet,
) -> Organisation:
    return services.answer(await services.rate(session, tenant, organisation_id, data), config)


@get("/warnings", opt=PEOPLE)
async def warnings(tenant: Tenant, session: AsyncSession, config: ModuleConfig) -> Warnings:
    """Filings about to expire and communities under their target number of organisations."""
    return await services.warnings(session, tenant, config)


ROUTES = [
    list_organisations,
    export_organisations,
    create_organisation,
    get_organisation,
    update_organisation,
    transition_organisation,
    rate_organisation,
    warnings,
]
