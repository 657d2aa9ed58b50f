"""Request bodies and answers of the topics API."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

import msgspec

Text200 = Annotated[str, msgspec.Meta(min_length=1, max_length=200, pattern=r"\S")]
Reason = Annotated[str, msgspec.Meta(max_length=1000)]
State = Literal[
    "collected",
    "under_review",
    "accepted",
    "rejected",
    "published",
    "in_deliberation",
    "voting",
    "result_published",
    "in_implementation",
    "evaluated",
    "closed",
]
ProposerKind = Literal["resident", "member", "staff", "organisation"]


class Cosigner(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A resident who signs the topic with the proposer (附议人); the contact stays internal."""

    name: Annotated[str, msgspec.Meta(min_length=1, max_length=100, pattern=r"\S")]
    contact: Annotated[str, msgspec.Meta(max_length=100)] | None = None


class Attachment(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A document by reference (a file store key or URL); the module stores no files."""

    name: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    ref: Annotated[str, msgspec.Meta(min_length=1, max_length=500)]


class TopicCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A topic as its proposer signs it. ``category`` is one of the ``categories`` setting.

    An organisation (``proposer_kind`` ``organisation``) may be named by its id in the
    organisation directory (五社联动 keeps it) when that is on here: its name is then taken
    from the directory, whatever ``proposer_name`` says; otherwise it is named plainly."""

    title: Text200
    description: Annotated[str, msgspec.Meta(min_length=1, max_length=5000)]
    category: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    proposer_kind: ProposerKind = "resident"
    proposer_name: Text200
    proposer_contact: Annotated[str, msgspec.Meta(max_length=100)] | None = None
    organisation_id: uuid.UUID | None = None
    cosigners: Annotated[list[Cosigner], msgspec.Meta(max_length=200)] = msgspec.field(
        default_factory=list
    )
    attachments: Annotated[list[Attachment], msgspec.Meta(max_length=20)] = msgspec.field(
        default_factory=list
    )


class TransitionCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Move a topic to ``to``; a rejection and a close need a ``reason``."""

    to: State
    reason: Reason = ""


class ResultCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Publish the result of a topic in ``voting``: its last closed vote's outcome."""

    summary: Annotated[str, msgspec.Meta(min_length=1, max_length=5000)]


class EscalationCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=1000)]


class EvaluationCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    score: Annotated[int, msgspec.Meta(ge=1, le=5)]
    comment: Annotated[str, msgspec.Meta(max_length=1000)] | None = None


class TransitionOut(msgspec.Struct, kw_only=True):
    from_state: str
    to_state: str
    reason: str
    actor_id: uuid.UUID | None
    actor_name: str
    acting_tenant_id: uuid.UUID
    at: datetime


class EscalationOut(msgspec.Struct, kw_only=True):
    from_tenant_id: uuid.UUID
    to_tenant_id: uuid.UUID
    reason: str
    actor_name: str
    at: datetime


class CosignerOut(msgspec.Struct, kw_only=True):
    name: str


class Topic(msgspec.Struct, kw_only=True):
    """A topic as staff and residents of its subtree see it (no contact data: see
    ``/topics/{id}/contacts``). ``allowed_next`` are the states it may move to now and
    ``may_act`` whether the asking tenant handles it (false once escalated above it)."""

    id: uuid.UUID
    tenant_id: uuid.UUID
    handling_tenant_id: uuid.UUID
    title: str
    description: str
    category: str
    proposer_kind: str
    proposer_name: str
    organisation_id: uuid.UUID | None
    cosigners: list[CosignerOut]
    attachments: list[Attachment]
    state: str
    state_title: str
    state_title_en: str
    allowed_next: list[str]
    may_act: bool
    collected_at: datetime
    published_at: datetime | None
    result_published_at: datetime | None
    result_summary: str | None
    outcome: str | None


class TopicDetail(Topic, kw_only=True):
    transitions: list[TransitionOut]
    escalations: list[EscalationOut]
    satisfaction_count: int
    satisfaction_average: float | None


class Contacts(msgspec.Struct, kw_only=True):
    """The proposer's and co-signers' contact data, for staff who call them back."""

    proposer_name: str
    proposer_contact: str | None
    cosigners: list[Cosigner]


class StateRow(msgspec.Struct, kw_only=True):
    state: str
    title: str
    title_en: str
    next: list[str]
    reason_required: list[str]


class TransitionTable(msgspec.Struct, kw_only=True):
    initial: str
    states: list[StateRow]


class Evaluation(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    topic_id: uuid.UUID
    score: int
    comment: str | None
    at: datetime
