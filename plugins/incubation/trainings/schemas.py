"""Tailored training plans (定制培训): courses, sessions and attendance."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

import msgspec

from plugins.incubation.fields import Body, Count, Name, ShortText


class TrainingSession(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    held_on: date
    topic: ShortText
    attendance: Count


class TrainingCreate(Body):
    title: Name
    courses: Annotated[list[ShortText], msgspec.Meta(min_length=1, max_length=50)]
    sessions: Annotated[list[TrainingSession], msgspec.Meta(max_length=200)] = msgspec.field(
        default_factory=list
    )


class Training(msgspec.Struct, kw_only=True):
    """A plan with its sessions; ``attendance`` is the sum over the sessions."""

    id: uuid.UUID
    tenant_id: uuid.UUID
    incubatee_id: uuid.UUID
    title: str
    courses: list[str]
    sessions: list[TrainingSession]
    attendance: int
