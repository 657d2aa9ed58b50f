"""HTTP routes of pairings and their joint activities."""

from __future__ import annotations

import uuid

from litestar import Response, get, post
from sqlalchemy.ext.asyncio import AsyncSession

from core import (
    ExportFormat,
    ExportOperation,
    ModuleConfig,
    Page,
    Paging,
    Tenant,
    export_response,
    paginate,
)
from plugins.five_sector.activities import services as activities
from plugins.five_sector.activities.schemas import Activity, ActivityCreate
from plugins.five_sector.export import PAIRING_COLUMNS
from plugins.five_sector.pairings import services
from plugins.five_sector.pairings.schemas import Pairing, PairingCreate
from plugins.five_sector.permissions import MANAGE, READ, WRITE


@get("/pairings", opt=READ)
async def list_pairings(tenant: Tenant, session: AsyncSession, paging: Paging) -> Page[Pairing]:
    """The pairings the tenant sees (made in its subtree or with a party in it)."""
    return await paginate(session, services.query(tenant), paging, services.answer)


@get("/pairings/export", opt=READ, operation_class=ExportOperation)
async def export_pairings(
    tenant: Tenant, session: AsyncSession, format: ExportFormat = "csv"
) -> Response[bytes]:
    rows = (await session.execute(services.query(tenant))).scalars()
    return export_response([services.answer(p) for p in rows], PAIRING_COLUMNS, format, "pairings")


@post("/pairings", opt=MANAGE)
async def create_pairing(
    tenant: Tenant, session: AsyncSession, config: ModuleConfig, data: PairingCreate
) -> Pairing:
    return services.answer(await services.create(session, tenant, config, data))


@get("/pairings/{pairing_id:uuid}", opt=READ)
async def get_pairing(tenant: Tenant, session: AsyncSession, pairing_id: uuid.UUID) -> Pairing:
    return services.answer(await services.get(session, tenant, pairing_id))


@post("/pairings/{pairing_id:uuid}/activities", opt=WRITE)
async def create_joint_activity(
    tenant: Tenant, session: AsyncSession, pairing_id: uuid.UUID, data: ActivityCreate
) -> Activity:
    """A joint activity, owned by the pairing and visible to both communities."""
    pairing = await services.get(session, tenant, pairing_id)
    return activities.answer(await activities.create(session, tenant, data, pairing))


ROUTES = [list_pairings, export_pairings, create_pairing, get_pairing, create_joint_activity]
