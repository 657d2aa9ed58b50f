"""What the four chain stages' record aggregates share: a record belongs to an incubatee of the
caller's subtree, lives at the incubatee's tenant, and is kept only once the incubatee has
reached its stage."""

from __future__ import annotations

import uuid
from typing import Any, TypeVar

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from core import Tenant
from plugins.incubation.incubatees import services as incubatees
from plugins.incubation.models import Incubatee

R = TypeVar("R")


async def incubatee_for(
    session: AsyncSession, tenant: Tenant, incubatee_id: uuid.UUID, stage: str
) -> Incubatee:
    """The incubatee (404 outside the subtree), checked to have reached ``stage``."""
    inc = await incubatees.get(session, tenant, incubatee_id)
    incubatees.may_record(inc, stage)
    return inc


async def add(session: AsyncSession, row: R) -> R:
    session.add(row)
    await session.flush()
    return row


async def of_incubatee(
    session: AsyncSession, tenant: Tenant, model: type[R], incubatee_id: uuid.UUID, *order: Any
) -> Select[R]:
    """The records of an incubatee of the subtree (404 otherwise), in ``order``."""
    inc = await incubatees.get(session, tenant, incubatee_id)
    table: Any = model
    return (
        select(model)
        .where(table.tenant_id == inc.tenant_id, table.incubatee_id == inc.id)
        .order_by(*order, table.id)
    )
