"""HTTP routes of incubation bases and their staff."""

from __future__ import annotations

import uuid

from litestar import get, post
from sqlalchemy.ext.asyncio import AsyncSession

from core import ModuleConfig, Page, Paging, Tenant, paginate
from plugins.incubation.bases import services
from plugins.incubation.bases.schemas import (
    BaseCreate,
    BaseKind,
    IncubationBase,
    Staff,
    StaffCreate,
)
from plugins.incubation.fields import answer
from plugins.incubation.permissions import MANAGE, READ


@get("/bases", opt=READ)
async def list_bases(
    tenant: Tenant, session: AsyncSession, paging: Paging, kind: BaseKind | None = None
) -> Page[IncubationBase]:
    """The bases of the subtree: the district base and the town promotion centres."""
    return await paginate(
        session, services.query(tenant, kind), paging, lambda b: answer(b, IncubationBase)
    )


@post("/bases", opt=MANAGE)
async def create_base(
    tenant: Tenant, session: AsyncSession, config: ModuleConfig, data: BaseCreate
) -> IncubationBase:
    """A base at this tenant, its kind fitting the tenant's level."""
    return answer(await services.create(session, tenant, config, data), IncubationBase)


@get("/bases/{base_id:uuid}", opt=READ)
async def get_base(tenant: Tenant, session: AsyncSession, base_id: uuid.UUID) -> IncubationBase:
    return answer(await services.get(session, tenant, base_id), IncubationBase)


@get("/bases/{base_id:uuid}/staff", opt=READ)
async def list_staff(
    tenant: Tenant, session: AsyncSession, paging: Paging, base_id: uuid.UUID
) -> Page[Staff]:
    base = await services.get(session, tenant, base_id)
    return await paginate(session, services.staff_query(base), paging, lambda s: answer(s, Staff))


@post("/bases/{base_id:uuid}/staff", opt=MANAGE)
async def add_staff(
    tenant: Tenant, session: AsyncSession, base_id: uuid.UUID, data: StaffCreate
) -> Staff:
    """A social worker, expert or manager of the base."""
    return answer(await services.add_staff(session, tenant, base_id, data), Staff)


ROUTES = [list_bases, create_base, get_base, list_staff, add_staff]
