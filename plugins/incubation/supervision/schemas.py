"""Supervision visits (项目督导): issues found and follow-ups with due dates."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

import msgspec

from plugins.incubation.fields import Body, PersonName, ShortText


class FollowUp(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    action: ShortText
    due_on: date
    done: bool = False


class VisitCreate(Body):
    visited_on: date
    visitor: PersonName
    issues: Annotated[list[ShortText], msgspec.Meta(max_length=50)] = msgspec.field(
        default_factory=list
    )
    follow_ups: Annotated[list[FollowUp], msgspec.Meta(max_length=50)] = msgspec.field(
        default_factory=list
    )


class Visit(msgspec.Struct, kw_only=True):
    """A visit; ``overdue`` counts its open follow-ups past their due date."""

    id: uuid.UUID
    tenant_id: uuid.UUID
    incubatee_id: uuid.UUID
    visited_on: date
    visitor: str
    issues: list[str]
    follow_ups: list[FollowUp]
    overdue: int
