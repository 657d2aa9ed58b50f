"""HTTP routes of charity resources and their allocations."""

from __future__ import annotations

import uuid

import msgspec
from litestar import Response, get, post
from sqlalchemy.ext.asyncio import AsyncSession

from core import ExportFormat, ExportOperation, Page, Paging, Tenant, export_response, paginate
from plugins.five_sector.charity import services
from plugins.five_sector.charity.schemas import (
    AllocationCreate,
    AllocationMade,
    DonorKind,
    Resource,
    ResourceCreate,
    ResourceDetail,
    ResourceKind,
)
from plugins.five_sector.export import RESOURCE_COLUMNS
from plugins.five_sector.permissions import READ, WRITE


@get("/charity-resources", opt=READ)
async def list_resources(
    tenant: Tenant,
    session: AsyncSession,
    paging: Paging,
    kind: ResourceKind | None = None,
    donor_kind: DonorKind | None = None,
) -> Page[Resource]:
    """The resources of the tenant's subtree, latest received first."""
    stmt = services.query(tenant, kind=kind, donor_kind=donor_kind)
    return await paginate(session, stmt, paging, services.answer)


@get("/charity-resources/export", opt=READ, operation_class=ExportOperation)
async def export_resources(
    tenant: Tenant, session: AsyncSession, format: ExportFormat = "csv"
) -> Response[bytes]:
    rows = (await session.execute(services.query(tenant))).scalars()
    return export_response(
        [services.answer(r) for r in rows], RESOURCE_COLUMNS, format, "charity-resources"
    )


@post("/charity-resources", opt=WRITE)
async def create_resource(tenant: Tenant, session: AsyncSession, data: ResourceCreate) -> Resource:
    return services.answer(await services.create(session, tenant, data))


@get("/charity-resources/{resource_id:uuid}", opt=READ)
async def get_resource(
    tenant: Tenant, session: AsyncSession, resource_id: uuid.UUID
) -> ResourceDetail:
    return await services.detail(session, tenant, resource_id)


@post("/charity-resources/{resource_id:uuid}/allocations", opt=WRITE)
async def allocate(
    tenant: Tenant, session: AsyncSession, resource_id: uuid.UUID, data: AllocationCreate
) -> AllocationMade:
    """Give part of the resource to an activity or project; 409 beyond the balance."""
    resource, allocation = await services.allocate(session, tenant, resource_id, data)
    return AllocationMade(
        **msgspec.structs.asdict(services.allocation_answer(allocation)),
        balance=resource.balance,
    )


ROUTES = [list_resources, export_resources, create_resource, get_resource, allocate]
