"""Request bodies and answers of party members.

:class:`Member` carries personal data (birth date, phone, identity number) and is answered only
to holders of ``party-building:people`` and to the member; :class:`RosterEntry` and
:class:`ServiceListing` carry none of it.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Literal

import msgspec

from plugins.party_building.fields import Name, Note, PersonName

MemberStatus = Literal["probationary", "full"]
Phone = Annotated[str, msgspec.Meta(min_length=5, max_length=32, pattern=r"^[0-9+\- ]+$")]
IdNumber = Annotated[
    str, msgspec.Meta(min_length=15, max_length=18, pattern=r"^[0-9]{14,17}[0-9Xx]$")
]


class MemberCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    party_organisation_id: uuid.UUID
    name: PersonName
    user_id: uuid.UUID | None = None
    status: MemberStatus
    gender: Literal["男", "女"] | None = None
    birth_date: date | None = None
    phone: Phone | None = None
    id_number: IdNumber | None = None
    joined_on: date
    """入党日期（预备期开始） / admission date, the start of probation."""
    converted_on: date | None = None
    """转正日期 / the date a full member became full."""
    show_identity: bool = False
    model_post: Name | None = None


class MemberUpdate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    phone: Phone | None = None
    show_identity: bool | None = None
    model_post: Name | None = None


class Conversion(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    converted_on: date


class TransferCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    to_organisation_id: uuid.UUID
    transferred_on: date
    reason: Note


class Transfer(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    from_organisation_id: uuid.UUID
    to_organisation_id: uuid.UUID
    transferred_on: date
    reason: str


class Member(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    tenant_id: uuid.UUID
    party_organisation_id: uuid.UUID
    name: str
    user_id: uuid.UUID | None
    status: str
    gender: str | None
    birth_date: date | None
    phone: str | None
    id_number: str | None
    joined_on: date
    converted_on: date | None
    conversion_due_on: date | None
    """For a probationary member, the day probation ends."""
    show_identity: bool
    model_post: str | None
    transfers: list[Transfer]


class RosterEntry(msgspec.Struct, kw_only=True):
    """A member as the organisation's staff see them: no personal data."""

    id: uuid.UUID
    name: str
    status: str


class ServiceListing(msgspec.Struct, kw_only=True):
    """A member who shows their identity (亮身份) when serving, for public service listings."""

    id: uuid.UUID
    name: str
    party_organisation_id: uuid.UUID
    organisation_name: str
    model_post: str | None


class ConversionReminder(msgspec.Struct, kw_only=True):
    member_id: uuid.UUID
    name: str
    party_organisation_id: uuid.UUID
    joined_on: date
    due_on: date
    overdue: bool
