"""Mentors (书记领航), their one-to-one pairings with organisation leaders, and meetings."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

import msgspec

from plugins.incubation.fields import Body, LongText, PersonName, ShortText

Title = Annotated[str, msgspec.Meta(min_length=1, max_length=100, pattern=r"\S")]


class MentorCreate(Body):
    base_id: uuid.UUID
    name: PersonName
    title: Title
    staff_id: uuid.UUID | None = None


class Mentor(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    tenant_id: uuid.UUID
    base_id: uuid.UUID
    name: str
    title: str
    staff_id: uuid.UUID | None


class PairingCreate(Body):
    incubatee_id: uuid.UUID
    started_on: date
    leader_name: PersonName | None = None


class PairingEnd(Body):
    ended_on: date
    reason: ShortText


class Pairing(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    tenant_id: uuid.UUID
    mentor_id: uuid.UUID
    incubatee_id: uuid.UUID
    leader_name: str
    started_on: date
    ended_on: date | None
    end_reason: str | None


class MeetingCreate(Body):
    met_on: date
    topic: ShortText
    notes: LongText | None = None
    next_steps: ShortText | None = None


class Meeting(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    tenant_id: uuid.UUID
    mentorship_id: uuid.UUID
    met_on: date
    topic: str
    notes: str | None
    next_steps: str | None
