"""Request bodies and answers of meetings and the compliance view."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Literal

import msgspec

from plugins.party_building.fields import Name

MeetingType = Literal[
    "party_assembly", "branch_committee", "group_meeting", "party_lesson", "theme_day"
]
"""党员大会, 支委会, 党小组会, 党课, 主题党日."""


class MeetingCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    party_organisation_id: uuid.UUID
    type: MeetingType
    held_on: date
    topic: Name
    attendee_ids: Annotated[list[uuid.UUID], msgspec.Meta(max_length=2000)] = msgspec.field(
        default_factory=list
    )
    """Members who attended (of the organisation or a body below it)."""
    minutes: Annotated[str, msgspec.Meta(max_length=20_000)] | None = None


class Meeting(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    tenant_id: uuid.UUID
    party_organisation_id: uuid.UUID
    type: str
    held_on: date
    topic: str
    attendee_ids: list[uuid.UUID]
    attendees_count: int
    full_members_count: int
    """Full (voting) members of the organisation when the meeting was recorded."""
    quorum_met: bool | None
    """For a party assembly: more than the quorum share of full members attended."""
    minutes: str | None


class Period(msgspec.Struct, kw_only=True):
    start: date
    end: date


class TypeCompliance(msgspec.Struct, kw_only=True):
    """One meeting type of an organisation against its cadence, over the window."""

    type: str
    cadence: str
    periods_due: int
    """Periods of the window that have ended."""
    periods_met: int
    """Of those, periods with a meeting of this type."""
    overdue: list[Period]
    current: Period
    current_held: bool
    last_held_on: date | None


class Compliance(msgspec.Struct, kw_only=True):
    organisation_id: uuid.UUID
    organisation_name: str
    kind: str
    on: date
    window_start: date
    types: list[TypeCompliance]
    overdue_types: list[str]
