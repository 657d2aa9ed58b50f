"""Request bodies and answers of the charity resources API. Money is in whole fen."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

import msgspec

from plugins.five_sector.fields import NOT_BLANK, Quantity

ResourceKind = Literal["money", "goods", "space", "service"]
DonorKind = Literal["enterprise", "foundation", "person"]

DonorName = Annotated[str, msgspec.Meta(min_length=1, max_length=200, pattern=NOT_BLANK)]
Description = Annotated[str, msgspec.Meta(min_length=1, max_length=500, pattern=NOT_BLANK)]
Unit = Annotated[
    str,
    msgspec.Meta(
        max_length=32,
        description="单位：资金固定为 fen（可省略），其他资源必填 / unit: fen for money "
        "(may be left out), required for anything else",
    ),
]


class Body(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Base of the request bodies."""


class ResourceCreate(Body):
    """A donation received (not later than today)."""

    kind: ResourceKind
    donor_kind: DonorKind
    donor_name: DonorName
    description: Description
    quantity: Quantity
    received_on: date
    unit: Unit | None = None
    organisation_id: uuid.UUID | None = None


class AllocationCreate(Body):
    """Part of a resource given to an activity or a project (one of them is required)."""

    amount: Quantity
    activity_id: uuid.UUID | None = None
    project: Annotated[str, msgspec.Meta(max_length=200)] | None = None
    note: Annotated[str, msgspec.Meta(max_length=2000)] | None = None


class Resource(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    tenant_id: uuid.UUID
    organisation_id: uuid.UUID | None
    kind: str
    donor_kind: str
    donor_name: str
    description: str
    unit: str
    quantity: int
    balance: int
    allocated: int
    received_on: date


class Allocation(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    resource_id: uuid.UUID
    amount: int
    activity_id: uuid.UUID | None
    project: str | None
    note: str | None
    allocated_at: datetime


class ResourceDetail(Resource, kw_only=True):
    allocations: list[Allocation]


class AllocationMade(Allocation, kw_only=True):
    """The allocation and the resource's balance after it."""

    balance: int
