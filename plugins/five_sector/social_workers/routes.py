"""HTTP routes of social workers (personal data: the ``five-sector:people`` permission)."""

from __future__ import annotations

from typing import Annotated

from litestar import Response, get, post
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from core import ExportFormat, ExportOperation, Page, Paging, Tenant, export_response, paginate
from plugins.five_sector.export import SOCIAL_WORKER_COLUMNS
from plugins.five_sector.permissions import PEOPLE, WRITE
from plugins.five_sector.social_workers import services
from plugins.five_sector.social_workers.schemas import (
    CertificateLevel,
    SocialWorker,
    SocialWorkerCreate,
)


@get("/social-workers", opt=PEOPLE)
async def list_social_workers(
    tenant: Tenant,
    session: AsyncSession,
    paging: Paging,
    certificate_level: CertificateLevel | None = None,
    q: Annotated[
        str | None, Parameter(max_length=100, description="姓名包含 / name contains")
    ] = None,
) -> Page[SocialWorker]:
    """The social workers of the tenant's subtree, by name."""
    stmt = services.query(tenant, certificate_level=certificate_level, q=q)
    return await paginate(session, stmt, paging, services.answer)


@get("/social-workers/export", opt=PEOPLE, operation_class=ExportOperation)
async def export_social_workers(
    tenant: Tenant, session: AsyncSession, format: ExportFormat = "csv"
) -> Response[bytes]:
    rows = (await session.execute(services.query(tenant))).scalars()
    return export_response(
        [services.answer(w) for w in rows], SOCIAL_WORKER_COLUMNS, format, "social-workers"
    )


@post("/social-workers", opt=WRITE)
async def create_social_worker(
    tenant: Tenant, session: AsyncSession, data: SocialWorkerCreate
) -> SocialWorker:
    return services.answer(await services.create(session, tenant, data))


ROUTES = [list_social_workers, export_social_workers, create_social_worker]
