"""Request bodies of the five-sector API (msgspec Structs; unknown fields are rejected).

Integers for money and quantities are strict: a JSON ``1.5`` where an integer is expected is
rejected, never rounded.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

import msgspec

OrgKind = Literal["social_group", "social_service_agency", "foundation", "community"]
OrgStatus = Literal["incubating", "filed", "registered", "suspended", "dissolved"]
CertificateLevel = Literal["assistant", "social_worker", "senior", "none"]
ResourceKind = Literal["money", "goods", "space", "service"]
DonorKind = Literal["enterprise", "foundation", "person"]
Role = Literal["volunteer", "beneficiary"]


class Body(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Base of every request body."""


class OrganisationCreate(Body):
    name: str
    kind: OrgKind
    category: str
    uscc: str | None = None
    founders_count: int = 0
    members_count: int = 0
    charter_document: str | None = None
    address: str | None = None
    brand_project: bool = False


class OrganisationUpdate(Body):
    name: str | None = None
    category: str | None = None
    founders_count: int | None = None
    members_count: int | None = None
    charter_document: str | None = None
    address: str | None = None
    brand_project: bool | None = None


class Transition(Body):
    """A lifecycle change. ``filed`` needs the filing number and date; ``registered`` needs a
    USCC on the organisation (or here) and the registration date. Filing an already filed
    organisation again renews its filing."""

    to: OrgStatus
    reason: str
    filing_number: str | None = None
    filed_on: date | None = None
    uscc: str | None = None
    registered_on: date | None = None


class RatingSet(Body):
    rating: int
    rated_on: date


class SocialWorkerCreate(Body):
    name: str
    certificate_level: CertificateLevel
    certificate_number: str | None = None
    user_id: uuid.UUID | None = None
    served_tenants: list[str] = msgspec.field(default_factory=list)


class VolunteerCreate(Body):
    name: str
    volunteer_number: str
    user_id: uuid.UUID | None = None
    id_type: str | None = None
    id_number: str | None = None
    skills: list[str] = msgspec.field(default_factory=list)
    served_tenants: list[str] = msgspec.field(default_factory=list)


class EntryCreate(Body):
    """A service-hours credit; ``hours`` is a number or decimal string, > 0, ≤ 24, 2 decimals."""

    hours: Decimal
    served_on: date
    content: str
    verified_by: str
    activity_id: uuid.UUID | None = None


class ReversalCreate(Body):
    reason: str
    verified_by: str


class ActivityCreate(Body):
    title: str
    category: str
    place: str
    starts_at: datetime
    ends_at: datetime
    capacity: int | None = None
    organiser_organisation_id: uuid.UUID | None = None


class SignUp(Body):
    """A volunteer signs up by id; a beneficiary by name."""

    role: Role
    volunteer_id: uuid.UUID | None = None
    name: str | None = None


class ActivityClose(Body):
    """``beneficiary_person_times`` overrides the count of checked-in beneficiaries."""

    verified_by: str
    beneficiary_person_times: int | None = None


class ResourceCreate(Body):
    kind: ResourceKind
    donor_kind: DonorKind
    donor_name: str
    description: str
    quantity: int
    received_on: date
    unit: str | None = None
    organisation_id: uuid.UUID | None = None


class AllocationCreate(Body):
    amount: int
    activity_id: uuid.UUID | None = None
    project: str | None = None
    note: str | None = None


class PairingCreate(Body):
    urban: str
    rural: str
    started_on: date
    goals: list[str] = msgspec.field(default_factory=list)
