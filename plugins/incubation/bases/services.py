"""Bases (their kind fitting the tenant's level, names unique per tenant) and their staff."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from core import Conflict, Invalid, Tenant, in_subtree
from plugins.incubation.bases.schemas import BaseCreate, StaffCreate
from plugins.incubation.fields import clean, get_in_subtree, not_in_future, optional
from plugins.incubation.models import IncubationBase, Staff

LEVELS = {
    "province": "省级",
    "city": "市级",
    "district": "区县级",
    "town": "街镇级",
    "community": "社区（村）级",
}
"""Chinese names of tenant levels, for messages."""


async def create(
    session: AsyncSession, tenant: Tenant, config: Mapping[str, Any], body: BaseCreate
) -> IncubationBase:
    """A base at the tenant. Its kind must fit the tenant's level (setting ``base_levels``:
    district base at a district, town centre at a town); names are unique per tenant."""
    level = dict(config["base_levels"]).get(body.kind)
    if level != tenant.level:
        raise Invalid(
            "kind",
            f"{LEVELS.get(tenant.level, tenant.level)}不能设立此类基地"
            f"（应设在{LEVELS.get(str(level), str(level))}）",
            message_en=f"a {body.kind} belongs at level {level}, not {tenant.level}",
        )
    name = clean(body.name)
    taken = await session.scalar(
        select(IncubationBase.id).where(
            IncubationBase.tenant_id == tenant.id, IncubationBase.name == name
        )
    )
    if taken is not None:
        raise Conflict("基地名称已被使用", title_en="Base name in use", code="base-exists")
    base = IncubationBase(
        tenant_id=tenant.id,
        kind=body.kind,
        name=name,
        established_on=not_in_future("established_on", body.established_on),
        address=optional(body.address),
        description=optional(body.description),
    )
    session.add(base)
    await session.flush()
    return base


def query(tenant: Tenant, kind: str | None = None) -> Select[IncubationBase]:
    stmt = select(IncubationBase).where(in_subtree(IncubationBase.tenant_id, tenant))
    if kind:
        stmt = stmt.where(IncubationBase.kind == kind)
    return stmt.order_by(IncubationBase.kind, IncubationBase.name, IncubationBase.id)


async def get(session: AsyncSession, tenant: Tenant, base_id: uuid.UUID) -> IncubationBase:
    return await get_in_subtree(session, IncubationBase, tenant, base_id, "培育基地")


async def add_staff(
    session: AsyncSession, tenant: Tenant, base_id: uuid.UUID, body: StaffCreate
) -> Staff:
    base = await get(session, tenant, base_id)
    staff = Staff(
        tenant_id=base.tenant_id,
        base_id=base.id,
        name=clean(body.name),
        role=body.role,
        title=optional(body.title),
        user_id=body.user_id,
    )
    session.add(staff)
    await session.flush()
    return staff


def staff_query(base: IncubationBase) -> Select[Staff]:
    return (
        select(Staff)
        .where(Staff.tenant_id == base.tenant_id, Staff.base_id == base.id)
        .order_by(Staff.role, Staff.name, Staff.id)
    )
