"""HTTP routes of the public funding report.

Where a tenant (or the nearest ancestor that decides) switches ``transparency`` on, anyone may
read them without a login; elsewhere the kernel admits only holders of ``funding:public`` at the
tenant, who preview what would be published. The HTML page is made to be published as it is.
"""

from __future__ import annotations

from litestar import Response, get
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core import (
    ExportFormat,
    ExportOperation,
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
async def get_report(tenant: Tenant, session: AsyncSession) -> Report:
    """Calls run in this subtree, approved projects, amounts approved and disbursed, totals."""
    return await services.report(session, tenant)


@get("/transparency/page", opt=PUBLIC, operation_class=PageOperation)
async def get_page(tenant: Tenant, session: AsyncSession) -> Response[str]:
    return Response(
        content=services.to_html(await services.report(session, tenant)), media_type=HTML
    )


@get("/transparency/ledger/export", opt=PUBLIC, operation_class=ExportOperation)
async def export_ledger(
    tenant: Tenant, session: AsyncSession, format: ExportFormat = "csv"
) -> Response[bytes]:
    """The ledger of every call run in this subtree, as CSV or XLSX."""
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
