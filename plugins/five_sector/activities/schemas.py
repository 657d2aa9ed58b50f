"""Request bodies and answers of the activities API."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

import msgspec

from plugins.five_sector.fields import NOT_BLANK
from plugins.five_sector.social_workers.schemas import PersonName
from plugins.five_sector.volunteers.schemas import Entry, Verifier

Role = Literal["volunteer", "beneficiary"]
ActivityStatus = Literal["open", "closed"]

Title = Annotated[str, msgspec.Meta(min_length=1, max_length=200, pattern=NOT_BLANK)]
ActivityCategory = Annotated[
    str,
    msgspec.Meta(
        min_length=1,
        max_length=64,
        pattern=NOT_BLANK,
        description="活动类别，自由填写（如 为老服务、助农）/ category, free text",
    ),
]
Place = Annotated[str, msgspec.Meta(min_length=1, max_length=300, pattern=NOT_BLANK)]
Instant = Annotated[
    datetime, msgspec.Meta(tz=True, description="带时区的时间 / a time with a UTC offset")
]


class Body(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Base of the request bodies."""


class ActivityCreate(Body):
    """An activity; it ends at least a minute after it starts."""

    title: Title
    category: ActivityCategory
    place: Place
    starts_at: Instant
    ends_at: Instant
    capacity: Annotated[int, msgspec.Meta(ge=1, le=1_000_000)] | None = None
    organiser_organisation_id: uuid.UUID | None = None


class SignUp(Body):
    """A volunteer signs up by id; a beneficiary by name."""

    role: Role
    volunteer_id: uuid.UUID | None = None
    name: PersonName | None = None


class ActivityClose(Body):
    """``beneficiary_person_times`` overrides the count of checked-in beneficiaries."""

    verified_by: Verifier
    beneficiary_person_times: Annotated[int, msgspec.Meta(ge=0, le=1_000_000)] | None = None


class Activity(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    tenant_id: uuid.UUID
    pairing_id: uuid.UUID | None
    organiser_organisation_id: uuid.UUID | None
    title: str
    category: str
    place: str
    starts_at: datetime
    ends_at: datetime
    capacity: int | None
    status: str
    closed_at: datetime | None
    person_times: int


class Participant(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    activity_id: uuid.UUID
    role: str
    volunteer_id: uuid.UUID | None
    name: str
    signed_up_at: datetime
    checked_in_at: datetime | None


class ActivityDetail(Activity, kw_only=True):
    participants: list[Participant]


class ClosedActivity(Activity, kw_only=True):
    """The closed activity and the ledger credits its close made."""

    credited: list[Entry]
