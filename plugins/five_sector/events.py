"""The events five-sector emits: their payloads are its contract with other modules.

Subscribers decode a payload with ``event.payload_as(...)`` (these structs, or their own with
only the fields they read); fields are only ever added, so older subscribers keep working.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

import msgspec

from core import EventContract

HOURS_RECORDED = "five-sector.service-hours-recorded"
ACTIVITY_CLOSED = "five-sector.activity-closed"


class ServiceHoursRecorded(msgspec.Struct, frozen=True):
    """An entry of a volunteer's service-hours ledger: a credit, or a reversal (negative)."""

    entry_id: uuid.UUID
    volunteer_id: uuid.UUID
    activity_id: uuid.UUID | None
    kind: str
    minutes: int
    served_on: date


class CreditedParticipant(msgspec.Struct, frozen=True):
    """A volunteer who attended a closed activity and the minutes credited to them."""

    volunteer_id: uuid.UUID
    user_id: uuid.UUID | None
    minutes: int


class ActivityClosed(msgspec.Struct, frozen=True):
    """An activity was closed: who took part and was credited, and how many were served."""

    activity_id: uuid.UUID
    tenant_id: uuid.UUID
    closed_at: datetime
    person_times: int
    participants: list[CreditedParticipant]


EVENTS = (
    EventContract(
        type=HOURS_RECORDED,
        payload=ServiceHoursRecorded,
        description="志愿服务时长记账（含冲正）",
        description_en="A service-hours ledger entry was recorded (a credit or a reversal)",
    ),
    EventContract(
        type=ACTIVITY_CLOSED,
        payload=ActivityClosed,
        description="活动结束：参与的志愿者及其计入的时长",
        description_en="An activity was closed, with the volunteers credited and their minutes",
    ),
)
