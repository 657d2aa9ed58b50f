"""Request bodies and answers of supervision visits, follow-ups and trainings."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

import msgspec

from plugins.party_building.fields import Name, Note, PersonName

Findings = Annotated[str, msgspec.Meta(min_length=1, max_length=5000, pattern=r"\S")]


class FollowUpCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    action: Note
    due_on: date


class VisitCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    party_organisation_id: uuid.UUID | None = None
    visited_unit: Name
    visited_on: date
    supervisor: PersonName
    findings: Findings
    follow_ups: Annotated[list[FollowUpCreate], msgspec.Meta(max_length=50)] = msgspec.field(
        default_factory=list
    )


class FollowUpDone(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    done_on: date
    outcome: Note


class FollowUp(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    tenant_id: uuid.UUID
    visit_id: uuid.UUID
    action: str
    due_on: date
    status: str
    done_on: date | None
    outcome: str | None
    overdue: bool
    """Still open after its due date."""


class Visit(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    tenant_id: uuid.UUID
    party_organisation_id: uuid.UUID | None
    visited_unit: str
    visited_on: date
    supervisor: str
    findings: str
    follow_ups: list[FollowUp]


class TrainingCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    title: Name
    held_on: date
    trainer: PersonName
    invited_count: Annotated[int, msgspec.Meta(ge=0, le=100_000)]
    attendee_names: Annotated[list[PersonName], msgspec.Meta(max_length=2000)]


class Training(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    tenant_id: uuid.UUID
    title: str
    held_on: date
    trainer: str
    invited_count: int
    attended_count: int
    attendance_percent: int | None
    attendee_names: list[str]
