"""Request bodies and answers of the volunteers API and its service-hours ledger."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

import msgspec

from plugins.five_sector.fields import NOT_BLANK, TenantKey
from plugins.five_sector.social_workers.schemas import PersonName

RecordFormat = Literal["json", "html", "pdf"]

VolunteerNumber = Annotated[
    str,
    msgspec.Meta(
        min_length=1,
        max_length=64,
        pattern=NOT_BLANK,
        description="志愿者编号，本组织内唯一 / volunteer number, unique at the tenant",
    ),
]
Hours = Annotated[
    Decimal,
    msgspec.Meta(
        description=(
            "服务时长（小时）：大于0且不超过24，最多两位小数，须为整分钟，可写作数字或字符串 / "
            "hours: more than 0, at most 24, at most 2 decimals and whole minutes; "
            "a number or a decimal string"
        )
    ),
]
Content = Annotated[str, msgspec.Meta(min_length=1, max_length=500, pattern=NOT_BLANK)]
Verifier = Annotated[
    str,
    msgspec.Meta(
        min_length=1, max_length=100, pattern=NOT_BLANK, description="核实人 / verified by"
    ),
]


class Body(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Base of the request bodies."""


class VolunteerCreate(Body):
    name: PersonName
    volunteer_number: VolunteerNumber
    user_id: uuid.UUID | None = None
    id_type: Annotated[str, msgspec.Meta(max_length=32)] | None = None
    id_number: Annotated[str, msgspec.Meta(max_length=64)] | None = None
    skills: Annotated[
        list[Annotated[str, msgspec.Meta(max_length=50)]], msgspec.Meta(max_length=50)
    ] = msgspec.field(default_factory=list)
    served_tenants: Annotated[list[TenantKey], msgspec.Meta(max_length=100)] = msgspec.field(
        default_factory=list
    )


class EntryCreate(Body):
    """A service-hours credit, not later than today."""

    hours: Hours
    served_on: date
    content: Content
    verified_by: Verifier
    activity_id: uuid.UUID | None = None


class ReversalCreate(Body):
    reason: Content
    verified_by: Verifier


class Volunteer(msgspec.Struct, kw_only=True):
    """A volunteer with the total of their ledger and the star level it earns."""

    id: uuid.UUID
    tenant_id: uuid.UUID
    name: str
    user_id: uuid.UUID | None
    volunteer_number: str
    id_type: str | None
    id_number: str | None
    skills: list[str]
    served_tenant_ids: list[str]
    total_hours: float
    star_level: Annotated[int, msgspec.Meta(ge=0, le=5)]


class Entry(msgspec.Struct, kw_only=True):
    """One ledger entry: a credit, or the reversal of one (negative minutes)."""

    id: uuid.UUID
    volunteer_id: uuid.UUID
    activity_id: uuid.UUID | None
    kind: str
    hours: float
    minutes: int
    served_on: date
    content: str
    verified_by: str
    reverses_id: uuid.UUID | None
    reason: str | None
    recorded_at: datetime
