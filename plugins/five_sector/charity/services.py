"""Charity resources (money in fen, goods, space, services) and their allocations.

The balance is decremented by one conditional UPDATE per allocation, so it never goes below
zero even under concurrent allocations; the table's CHECK (balance >= 0) backs it up.
"""

from __future__ import annotations

import uuid

import msgspec
from sqlalchemy import Select, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core import Conflict, Invalid, NotFound, Tenant, in_subtree, row_in_subtree
from plugins.five_sector.charity.schemas import Allocation as AllocationAnswer
from plugins.five_sector.charity.schemas import (
    AllocationCreate,
    ResourceCreate,
    ResourceDetail,
)
from plugins.five_sector.charity.schemas import Resource as ResourceAnswer
from plugins.five_sector.checks import not_in_future, optional_text, text
from plugins.five_sector.clock import now
from plugins.five_sector.models import Allocation, CharityResource
from plugins.five_sector.organisations import services as organisations
from plugins.five_sector.visibility import visible_activity


def answer(r: CharityResource) -> ResourceAnswer:
    return ResourceAnswer(
        id=r.id,
        tenant_id=r.tenant_id,
        organisation_id=r.organisation_id,
        kind=r.kind,
        donor_kind=r.donor_kind,
        donor_name=r.donor_name,
        description=r.description,
        unit=r.unit,
        quantity=r.quantity,
        balance=r.balance,
        allocated=r.quantity - r.balance,
        received_on=r.received_on,
    )


def allocation_answer(a: Allocation) -> AllocationAnswer:
    return AllocationAnswer(
        id=a.id,
        resource_id=a.resource_id,
        amount=a.amount,
        activity_id=a.activity_id,
        project=a.project,
        note=a.note,
        allocated_at=a.allocated_at,
    )


async def create(session: AsyncSession, tenant: Tenant, body: ResourceCreate) -> CharityResource:
    not_in_future("received_on", body.received_on)
    unit = optional_text(body.unit)
    if body.kind == "money":
        if unit not in (None, "fen"):
            raise Invalid("unit", "资金以分计", message_en="money is counted in fen")
        unit = "fen"
    elif unit is None:
        raise Invalid("unit", "不能为空", message_en="must not be empty")
    if body.organisation_id is not None:
        await organisations.get(session, tenant, body.organisation_id)
    resource = CharityResource(
        tenant_id=tenant.id,
        organisation_id=body.organisation_id,
        kind=body.kind,
        donor_kind=body.donor_kind,
        donor_name=text(body.donor_name),
        description=text(body.description),
        unit=unit,
        quantity=body.quantity,
        balance=body.quantity,
        received_on=body.received_on,
    )
    session.add(resource)
    await session.flush()
    return resource


async def get(session: AsyncSession, tenant: Tenant, resource_id: uuid.UUID) -> CharityResource:
    """The resource if it lies in ``tenant``'s subtree, else 404."""
    resource = (
        await session.execute(
            select(CharityResource).where(
                CharityResource.id == resource_id, row_in_subtree(CharityResource.tenant_id, tenant)
            )
        )
    ).scalar_one_or_none()
    if resource is None:
        raise NotFound("慈善资源")
    return resource


def query(
    tenant: Tenant, *, kind: str | None = None, donor_kind: str | None = None
) -> Select[CharityResource]:
    stmt = select(CharityResource).where(in_subtree(CharityResource.tenant_id, tenant))
    if kind:
        stmt = stmt.where(CharityResource.kind == kind)
    if donor_kind:
        stmt = stmt.where(CharityResource.donor_kind == donor_kind)
    return stmt.order_by(CharityResource.received_on.desc(), CharityResource.id)


async def detail(session: AsyncSession, tenant: Tenant, resource_id: uuid.UUID) -> ResourceDetail:
    """The resource with its allocations, oldest first."""
    resource = await get(session, tenant, resource_id)
    rows = await session.execute(
        select(Allocation)
        .where(Allocation.tenant_id == resource.tenant_id, Allocation.resource_id == resource.id)
        .order_by(Allocation.allocated_at, Allocation.id)
    )
    return ResourceDetail(
        **msgspec.structs.asdict(answer(resource)),
        allocations=[allocation_answer(a) for a in rows.scalars()],
    )


async def allocate(
    session: AsyncSession, tenant: Tenant, resource_id: uuid.UUID, body: AllocationCreate
) -> tuple[CharityResource, Allocation]:
    """Take ``amount`` from a resource's balance, atomically: the balance never goes below 0.

    Of two allocations racing for the last yuan one succeeds and the other gets 409.
    """
    resource = await get(session, tenant, resource_id)
    project = optional_text(body.project)
    if body.activity_id is None and not project:
        raise Invalid(
            "activity_id", "须指定活动或项目", message_en="an activity or a project is required"
        )
    if body.activity_id is not None:
        await visible_activity(session, tenant, body.activity_id)
    result = await session.execute(
        update(CharityResource)
        .where(CharityResource.id == resource.id, CharityResource.balance >= body.amount)
        .values(balance=CharityResource.balance - body.amount, updated_at=now())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict("余额不足", title_en="Insufficient balance", code="insufficient-balance")
    allocation = Allocation(
        tenant_id=resource.tenant_id,
        resource_id=resource.id,
        amount=body.amount,
        activity_id=body.activity_id,
        project=project,
        note=body.note,
        allocated_at=now(),
    )
    session.add(allocation)
    await session.flush()
    await session.refresh(resource)
    return resource, allocation
