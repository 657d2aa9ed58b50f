"""Answers of the public view: only fields marked public.

Never here: contact data of anyone, the names of residents (only an organisation that raised a
topic is named), who voted or how (a secret ballot's choices are never stored at all; an open
ballot's are shown to staff only), minutes (summaries only).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

import msgspec


class PublicTopic(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    tenant_id: uuid.UUID
    tenant_name: str
    title: str
    description: str
    category: str
    proposer_kind: str
    organisation_name: str | None
    state: str
    state_title: str
    state_title_en: str
    escalated: bool
    published_at: datetime
    result_published_at: datetime | None
    result_summary: str | None
    outcome: str | None


class PublicSession(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    kind: str
    title: str
    place: str
    starts_at: datetime
    notice_published_at: datetime | None
    status: str
    summary: str | None
    representatives: int
    present: int


class PublicVote(msgspec.Struct, kw_only=True):
    """A vote and, once closed, its totals and outcome."""

    id: uuid.UUID
    question: str
    method: str
    secret: bool
    status: str
    opened_at: datetime
    closed_at: datetime | None
    representatives: int
    present: int | None
    counts: dict[str, int] | None
    outcome: str | None


class PublicTask(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    title: str
    owner_name: str
    due_on: date
    status: str
    progress: int
    done_on: date | None


class PublicTopicDetail(PublicTopic, kw_only=True):
    sessions: list[PublicSession]
    votes: list[PublicVote]
    tasks: list[PublicTask]
    satisfaction_count: int
    satisfaction_average: float | None
