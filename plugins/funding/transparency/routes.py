"""HTTP routes of the public funding report, for tenants that switch ``transparency`` on.

Every module route needs a permission and the kernel answers an anonymous caller 401 before
any handler runs, so "public" here means every signed-in role at the tenant (``funding:public``:
admin, staff, member); the HTML page is made to be published as it is.
"""

from __future__ import annotations

from litestar import Response, get
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core import (
    ExportFormat,
    ExportOperation,
    ModuleConfig,
    Tenant,
    export_response,
    in_subtree,
    operation_answering,
)
from plugins.funding.ledger import services as ledger
from plugins.funding.ledger.routes import COLUMNS
from plugins.funding.models import LedgerEntry
from plugins.funding.permissions import PUBLIC
from plugins.funding.transparency import services
from plugins.funding.transparency.schemas import Report

HTML = "text/html; charset=utf-8"
PageOperation = operation_answering({HTML: "可发布的网页 / a page to publish"})


@get("/transparency", opt=PUBLIC)
async def get_report(tenant: Tenant, session: AsyncSession, config: ModuleConfig) -> Report:
    """Calls run in this subtree, approved projects, amounts approved and disbursed, totals."""
    services.require_on(config, tenant)
    return await services.report(session, tenant)


@get("/transparency/page", opt=PUBLIC, operation_class=PageOperation)
async def get_page(tenant: Tenant, session: AsyncSession, config: ModuleConfig) -> Response[str]:
    services.require_on(config, tenant)
    return Response(
        content=services.to_html(await services.report(session, tenant)), media_type=HTML
    )


@get("/transparency/ledger/export", opt=PUBLIC, operation_class=ExportOperation)
async def export_ledger(
    tenant: Tenant, session: AsyncSession, config: ModuleConfig, format: ExportFormat = "csv"
) -> Response[bytes]:
    """The ledger of every call run in this subtree, as CSV or XLSX."""
    services.require_on(config, tenant)
    rows = (
        await session.execute(
            select(LedgerEntry)
            .where(in_subtree(LedgerEntry.tenant_id, tenant))
            .order_by(LedgerEntry.recorded_at, LedgerEntry.seq, LedgerEntry.id)
        )
    ).scalars()
    return export_response(
        [ledger.answer(e) for e in rows], COLUMNS, format, "funding-ledger-public"
    )


ROUTES = [get_report, get_page, export_ledger]
