"""Brand projects (品牌项目): story, figures and the organisations behind them."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

import msgspec

from plugins.incubation.fields import Body, LongText, Name

Label = Annotated[str, msgspec.Meta(min_length=1, max_length=100, pattern=r"\S")]


class Figure(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """One headline figure of the project, e.g. 服务人次 3200 人次 (integers only)."""

    label: Label
    value: Annotated[int, msgspec.Meta(ge=0, le=10**12)]
    unit: Annotated[str, msgspec.Meta(max_length=20)]


class OrganisationIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """An organisation behind the project: its directory id (five-sector on) or its name."""

    organisation_id: uuid.UUID | None = None
    name: Name | None = None


class BehindProject(msgspec.Struct, kw_only=True):
    organisation_id: uuid.UUID | None
    name: str


class BrandProjectCreate(Body):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=100, pattern=r"\S")]
    story: LongText
    started_on: date | None = None
    figures: Annotated[list[Figure], msgspec.Meta(max_length=20)] = msgspec.field(
        default_factory=list
    )
    organisations: Annotated[list[OrganisationIn], msgspec.Meta(max_length=100)] = msgspec.field(
        default_factory=list
    )


class BrandProject(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    tenant_id: uuid.UUID
    name: str
    story: str
    started_on: date | None
    figures: list[Figure]
    organisations: list[BehindProject]
