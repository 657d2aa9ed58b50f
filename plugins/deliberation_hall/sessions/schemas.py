"""Request bodies and answers of the sessions API."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

import msgspec

Kind = Literal["meeting", "hearing"]
Instant = Annotated[
    datetime, msgspec.Meta(tz=True, description="带时区的时间 / a time with a UTC offset")
]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=100, pattern=r"\S")]


class SessionCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A deliberation meeting (``meeting``, 议事会) or hearing (``hearing``, 听证会) on a topic."""

    kind: Kind
    title: Annotated[str, msgspec.Meta(min_length=1, max_length=200, pattern=r"\S")]
    place: Annotated[str, msgspec.Meta(min_length=1, max_length=300, pattern=r"\S")]
    starts_at: Instant


class Publication(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """When a notice or list was posted (on the notice board, in the group chat); default now.
    Never in the future."""

    published_at: Instant | None = None


class RepresentativeCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A representative; ``stakeholder`` marks a stakeholder or ordinary resident (利害关系人或
    普通居民). ``user_id`` links an account so the person may cast their own ballot;
    ``present`` records them present at once (signing in at the door)."""

    name: Name
    stakeholder: bool = False
    present: bool = False
    contact: Annotated[str, msgspec.Meta(max_length=100)] | None = None
    user_id: uuid.UUID | None = None


class Attendance(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    present: bool


class SessionRecord(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """The minutes and summary of a session that took place; it is then ``held``."""

    minutes: Annotated[str, msgspec.Meta(min_length=1, max_length=20000)]
    summary: Annotated[str, msgspec.Meta(min_length=1, max_length=5000)]


class Representative(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    session_id: uuid.UUID
    name: str
    stakeholder: bool
    contact: str | None
    user_id: uuid.UUID | None
    present: bool


class Breach(msgspec.Struct, kw_only=True):
    code: str
    message: str
    message_en: str


class Rules(msgspec.Struct, kw_only=True):
    """The effective rules of the session's kind at the asking tenant (module settings)."""

    notice_days: int
    list_days: int
    min_representatives: int
    stakeholder_share: list[int]
    quorum: list[int]


class Check(msgspec.Struct, kw_only=True):
    """Whether the session may open a vote, and every rule it breaks if not."""

    may_vote: bool
    rules: Rules
    representatives: int
    stakeholders: int
    present: int
    breaches: list[Breach]


class Session(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    tenant_id: uuid.UUID
    topic_id: uuid.UUID
    kind: str
    title: str
    place: str
    starts_at: datetime
    convened_by_tenant_id: uuid.UUID
    notice_published_at: datetime | None
    representatives_published_at: datetime | None
    status: str
    summary: str | None
    held_at: datetime | None
    summary_due_on: date | None
    """A hearing's last day (China's time) to record its summary: the
    ``hearing_summary_working_days``-th working day after it; ``None`` for a meeting."""
    summary_overdue: bool
    """The summary is late: still missing after ``summary_due_on``, or recorded after it."""


class SessionDetail(Session, kw_only=True):
    minutes: str | None
    check: Check
