"""Request bodies and answers of party organisations, instructors and coverage."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Literal

import msgspec

from plugins.party_building.fields import Name, PersonName

OrgKind = Literal["committee", "general_branch", "branch", "joint_branch", "group"]
"""综合党委/党委, 党总支, 党支部, 联合党支部, 党小组."""


class UnitIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A social organisation: its directory id when a keeping module is on, else its name."""

    organisation_id: uuid.UUID | None = None
    organisation_name: Name | None = None


class OrganisationCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    name: Name
    kind: OrgKind
    parent_id: uuid.UUID | None = None
    secretary_name: PersonName | None = None
    secretary_user_id: uuid.UUID | None = None
    has_committee: bool = False
    established_on: date
    units: Annotated[list[UnitIn], msgspec.Meta(max_length=100)] = msgspec.field(
        default_factory=list
    )


class OrganisationUpdate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    name: Name | None = None
    secretary_name: PersonName | None = None
    secretary_user_id: uuid.UUID | None = None
    has_committee: bool | None = None


class Unit(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    organisation_id: uuid.UUID | None
    organisation_name: str


class Warning(msgspec.Struct, kw_only=True):
    """A size rule the organisation breaks: shown, never a refusal."""

    code: str
    message: str
    message_en: str


class Organisation(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    tenant_id: uuid.UUID
    name: str
    kind: str
    parent_id: uuid.UUID | None
    secretary_name: str | None
    secretary_user_id: uuid.UUID | None
    has_committee: bool
    established_on: date
    units: list[Unit]
    full_members: int
    probationary_members: int
    members_total: int
    """Members of the organisation and every body below it."""
    warnings: list[Warning]


class OrganisationWarning(msgspec.Struct, kw_only=True):
    organisation_id: uuid.UUID
    organisation_name: str
    tenant_id: uuid.UUID
    code: str
    message: str
    message_en: str


class InstructorCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    name: PersonName
    user_id: uuid.UUID | None = None
    organisation_id: uuid.UUID | None = None
    organisation_name: Name | None = None
    assigned_on: date


class Instructor(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    tenant_id: uuid.UUID
    name: str
    user_id: uuid.UUID | None
    organisation_id: uuid.UUID | None
    organisation_name: str
    assigned_on: date


class Coverage(msgspec.Struct, kw_only=True):
    """Social organisations with a party body or an instructor, over the subtree.

    ``share_percent`` is the covered share of the organisations the directory lists; ``None``
    when no module keeping organisations is on (then the total is unknown).
    """

    with_party_body: int
    with_instructor: int
    covered: int
    directory_total: int | None
    share_percent: int | None
