"""Social workers, seen from their tenant's subtree; the tenants they serve lie in the subtree
of the tenant that records them."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from core import Tenant, find_tenant_in_subtree, in_subtree
from plugins.five_sector.checks import optional_text, text
from plugins.five_sector.models import SocialWorker as Row
from plugins.five_sector.social_workers.schemas import SocialWorker, SocialWorkerCreate


def answer(worker: Row) -> SocialWorker:
    return SocialWorker(
        id=worker.id,
        tenant_id=worker.tenant_id,
        name=worker.name,
        user_id=worker.user_id,
        certificate_level=worker.certificate_level,
        certificate_number=worker.certificate_number,
        served_tenant_ids=list(worker.served_tenant_ids),
    )


async def served_tenant_ids(
    session: AsyncSession, tenant: Tenant, keys: Sequence[str], field: str
) -> list[str]:
    """The ids of the tenants ``keys`` name, each inside ``tenant``'s subtree (else 422)."""
    return [str((await find_tenant_in_subtree(session, tenant, k, field)).id) for k in keys]


async def create(session: AsyncSession, tenant: Tenant, body: SocialWorkerCreate) -> Row:
    worker = Row(
        tenant_id=tenant.id,
        name=text(body.name),
        user_id=body.user_id,
        certificate_level=body.certificate_level,
        certificate_number=optional_text(body.certificate_number),
        served_tenant_ids=await served_tenant_ids(
            session, tenant, body.served_tenants, "served_tenants"
        ),
    )
    session.add(worker)
    await session.flush()
    return worker


def query(
    tenant: Tenant, *, certificate_level: str | None = None, q: str | None = None
) -> Select[Row]:
    stmt = select(Row).where(in_subtree(Row.tenant_id, tenant))
    if certificate_level:
        stmt = stmt.where(Row.certificate_level == certificate_level)
    if q:
        stmt = stmt.where(Row.name.contains(q, autoescape=True))
    return stmt.order_by(Row.name, Row.id)
