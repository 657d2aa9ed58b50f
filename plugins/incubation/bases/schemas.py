"""Request bodies and answers of incubation bases and their staff."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Literal

import msgspec

from plugins.incubation.fields import Body, LongText, Name, PersonName

BaseKind = Literal["district_base", "town_centre"]
"""district_base: 区级培育服务基地; town_centre: 街镇级社区社会组织发展促进中心."""
StaffRole = Literal["social_worker", "expert", "manager"]
"""专业社工, 资深专家, 负责人."""


class BaseCreate(Body):
    kind: BaseKind
    name: Name
    established_on: date
    address: Annotated[str, msgspec.Meta(max_length=300)] | None = None
    description: LongText | None = None


class IncubationBase(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    tenant_id: uuid.UUID
    kind: str
    name: str
    established_on: date
    address: str | None
    description: str | None


class StaffCreate(Body):
    name: PersonName
    role: StaffRole
    title: Annotated[str, msgspec.Meta(max_length=100)] | None = None
    user_id: uuid.UUID | None = None


class Staff(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    tenant_id: uuid.UUID
    base_id: uuid.UUID
    name: str
    role: str
    title: str | None
    user_id: uuid.UUID | None
